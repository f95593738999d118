//! Reading files from disk: a path -> a [`Document`] (bytes, hash, metadata)
//! -> an [`Article`]. The only module besides `watch` that touches the file
//! system for articles.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::article::{self, Article, RejectReason};

/// Why a file could not be made into an article.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read (it vanished, permission denied, ...).
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file was read but is not an article.
    #[error("rejected {path}: {reason}")]
    Rejected {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: RejectReason,
    },
}

/// A file's bytes with what identifies its content version.
#[derive(Debug, Clone)]
pub struct Document {
    /// The path it was read from.
    pub path: PathBuf,
    /// The raw bytes.
    pub bytes: Vec<u8>,
    /// BLAKE3 hash of the bytes, hex.
    pub hash: String,
    /// Modification time as a civil date in UTC (the fallback article date).
    pub mtime_date: Date,
}

/// Reads a file into a [`Document`].
pub fn read_document(path: &Path) -> Result<Document, IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    let bytes = std::fs::read(path).map_err(io)?;
    let meta = std::fs::metadata(path).map_err(io)?;
    let mtime = meta.modified().map_err(io)?;
    let mtime_date = jiff::Timestamp::try_from(mtime)
        .map(|ts| ts.to_zoned(jiff::tz::TimeZone::UTC).date())
        .unwrap_or(jiff::civil::date(1970, 1, 1));
    let hash = blake3::hash(&bytes).to_hex().to_string();
    Ok(Document {
        path: path.to_path_buf(),
        bytes,
        hash,
        mtime_date,
    })
}

/// Reads a file and decodes it into an [`Article`].
pub fn read_article(path: &Path) -> Result<(Document, Article), IngestError> {
    let doc = read_document(path)?;
    let article =
        article::read(&doc.bytes, doc.mtime_date).map_err(|reason| IngestError::Rejected {
            path: path.to_path_buf(),
            reason,
        })?;
    Ok((doc, article))
}
