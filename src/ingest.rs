//! Reading files from disk: a path -> a [`Document`] (bytes, hash, metadata)
//! -> an [`Article`]. With `watch`, the only module that reads article files.

use std::io::Read;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::article::{self, Article, RejectReason};
use crate::filter::Filter;

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
    /// The file changed while it was read: someone is still writing it.
    #[error("{path} changed while it was read; it will be read again when it settles")]
    Changing {
        /// The file.
        path: PathBuf,
    },
    /// The file is larger than the configured limit.
    #[error("rejected {path}: {size} bytes is over the {limit}-byte limit (raise --max-size to accept it)")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
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

/// What identifies a file version on disk without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileMeta {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime_ns: i64,
    /// Inode number (0 where the platform has none).
    pub inode: u64,
}

impl FileMeta {
    /// The modification time as a civil date in UTC: the fallback article date.
    pub fn mtime_date(&self) -> Date {
        jiff::Timestamp::from_nanosecond(i128::from(self.mtime_ns))
            .map(|ts| ts.to_zoned(jiff::tz::TimeZone::UTC).date())
            .unwrap_or(jiff::civil::date(1970, 1, 1))
    }
}

/// A file's bytes with what identifies its content version.
#[derive(Debug, Clone)]
pub struct Document {
    /// The path it was read from.
    pub path: PathBuf,
    /// The raw bytes.
    pub bytes: Vec<u8>,
    /// BLAKE3 hash of the bytes.
    pub hash: [u8; 32],
    /// The file's metadata, unchanged from before the read to after it.
    pub meta: FileMeta,
}

/// Reads a file's metadata.
pub fn stat(path: &Path) -> Result<FileMeta, IngestError> {
    let meta = std::fs::metadata(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(file_meta(&meta))
}

/// A plain file's metadata without following links; `Err` for a link (or
/// anything that is not a plain file), which must be resolved first.
pub fn lstat(path: &Path) -> Result<FileMeta, IngestError> {
    let meta = std::fs::symlink_metadata(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.file_type().is_file() {
        return Err(IngestError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other("not a plain file"),
        });
    }
    Ok(file_meta(&meta))
}

fn file_meta(meta: &std::fs::Metadata) -> FileMeta {
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| jiff::Timestamp::try_from(t).ok())
        .map(|ts| ts.as_nanosecond() as i64)
        .unwrap_or(0);
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(meta);
    #[cfg(not(unix))]
    let inode = 0;
    FileMeta {
        size: meta.len(),
        mtime_ns,
        inode,
    }
}

/// Reads a file into a [`Document`], refusing files over `max_size` bytes and
/// files that change while being read.
pub fn read_document(path: &Path, max_size: u64) -> Result<Document, IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let before = file_meta(&file.metadata().map_err(io)?);
    if before.size > max_size {
        return Err(IngestError::TooLarge {
            path: path.to_path_buf(),
            size: before.size,
            limit: max_size,
        });
    }
    let mut bytes = Vec::with_capacity(before.size as usize);
    // Read one byte past the limit so a file that grew is caught.
    file.by_ref()
        .take(max_size + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let after = stat(path)?;
    if after != before || bytes.len() as u64 != before.size {
        return Err(IngestError::Changing {
            path: path.to_path_buf(),
        });
    }
    let hash = *blake3::hash(&bytes).as_bytes();
    Ok(Document {
        path: path.to_path_buf(),
        bytes,
        hash,
        meta: before,
    })
}

/// Decodes a document into an [`Article`].
pub fn decode(doc: &Document) -> Result<Article, IngestError> {
    article::read(&doc.bytes, doc.meta.mtime_date()).map_err(|reason| IngestError::Rejected {
        path: doc.path.clone(),
        reason,
    })
}

/// Reads a file and decodes it into an [`Article`].
pub fn read_article(path: &Path, max_size: u64) -> Result<(Document, Article), IngestError> {
    let doc = read_document(path, max_size)?;
    let article = decode(&doc)?;
    Ok((doc, article))
}

/// The default size limit for an article file: 10 MiB.
pub const DEFAULT_MAX_SIZE: u64 = 10 * 1024 * 1024;

/// Every article file under `root` (recursively), as canonical paths, one at
/// a time: a folder of any size is walked in flat memory, in directory order.
/// Files the [`Filter`] refuses are left out; unreadable folders are logged
/// and skipped. Symbolic links are followed only to files inside `root`.
pub fn walk(root: &Path, filter: &Filter) -> Walk {
    // Walking the canonical root yields canonical paths, which the store
    // keys files by.
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    Walk {
        folders: vec![root.clone()],
        current: None,
        root,
        filter: filter.clone(),
    }
}

/// The iterator returned by [`walk`].
#[derive(Debug)]
pub struct Walk {
    root: PathBuf,
    filter: Filter,
    folders: Vec<PathBuf>,
    current: Option<std::fs::ReadDir>,
}

impl Walk {
    /// The folder walked, canonical: every path yielded lies under it.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Iterator for Walk {
    type Item = PathBuf;

    fn next(&mut self) -> Option<PathBuf> {
        loop {
            let Some(entries) = &mut self.current else {
                let folder = self.folders.pop()?;
                match std::fs::read_dir(&folder) {
                    Ok(entries) => self.current = Some(entries),
                    Err(err) => {
                        tracing::warn!(folder = %folder.display(), "cannot list folder: {err}")
                    }
                }
                continue;
            };
            let Some(entry) = entries.next() else {
                self.current = None;
                continue;
            };
            let Ok(entry) = entry else { continue };
            let path = entry.path();
            let relative = path.strip_prefix(&self.root).unwrap_or(&path);
            if !self.filter.accept(relative) {
                continue;
            }
            match entry.file_type() {
                Ok(t) if t.is_dir() => self.folders.push(path),
                Ok(t) if t.is_file() => return Some(path),
                // A link to a folder is not walked: inside the root, its
                // target is walked anyway; outside, it is not ours to read.
                Ok(t) if t.is_symlink() && path.is_file() => {
                    if inside(&self.root, &path) {
                        return Some(path);
                    }
                    tracing::warn!(file = %path.display(), "symbolic link points outside the watched folder; not followed");
                }
                _ => {}
            }
        }
    }
}

/// Whether `path`, links resolved, lies inside `canonical_root`.
pub fn inside(canonical_root: &Path, path: &Path) -> bool {
    std::fs::canonicalize(path).is_ok_and(|p| p.starts_with(canonical_root))
}
