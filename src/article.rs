//! The article reader: raw bytes of a news file -> an [`Article`] (decoded
//! text, the article's own date if it states one, and the body with
//! boilerplate removed).
//!
//! Pure: no file system, no clock. The caller supplies the file's
//! modification time as the fallback date. Must not look at what the article
//! says about venues or leaders; that is `extract`'s job.
//!
//! # Steps
//! - `decode`: bytes -> text. UTF-8 (BOM or not), UTF-16 with a BOM, else
//!   Windows-1252 when plausible; the rules for `Binary` and `Undecodable`
//!   are in that module's documentation. Line ends become LF, NBSP a space,
//!   BOM and invisible characters go.
//! - `layout`: text -> paragraphs (hard-wrapped lines joined), the header
//!   area (the paragraphs before the first one of prose, at most 12), its
//!   date and headline, and the body without page furniture.
//! - `date`: recognising dates in a short piece of text.
//!
//! # Where the date comes from
//! A `date YYYY-MM-DD` first line wins; else a date in the header area or in
//! a dateline opening the first prose paragraph; else the fallback. Dates
//! anywhere else are events the article reports, not its publication date,
//! and relative times ("2 hours ago") are never dates.
//!
//! Every pass is linear in the input; nothing here panics on any bytes.

use jiff::civil::Date;

mod date;
mod decode;
mod layout;
#[cfg(test)]
mod tests;

/// Where an article's date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    /// A `date YYYY-MM-DD` first line.
    DateLine,
    /// A date stated in the article's header, dateline or byline.
    Header,
    /// The file's modification time (the text states no date).
    Mtime,
}

impl DateSource {
    /// The name used in JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::DateLine => "date_line",
            DateSource::Header => "header",
            DateSource::Mtime => "mtime",
        }
    }

    /// Parses [`DateSource::as_str`] back.
    pub fn parse(s: &str) -> Option<DateSource> {
        match s {
            "date_line" => Some(DateSource::DateLine),
            "header" => Some(DateSource::Header),
            "mtime" => Some(DateSource::Mtime),
            _ => None,
        }
    }
}

/// A decoded article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The article's date: stated in the text, else the fallback.
    pub date: Date,
    /// Where `date` came from.
    pub date_source: DateSource,
    /// The headline, when one can be told apart from the body.
    pub title: Option<String>,
    /// The article text without boilerplate: paragraphs separated by a blank
    /// line, each paragraph's lines joined.
    pub body: String,
}

/// Why bytes are not an article. Each says what is wrong in words a user can
/// act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RejectReason {
    /// Zero bytes, or only white space.
    #[error("the file is empty")]
    Empty,
    /// NUL bytes or other binary content.
    #[error("the file is binary, not text")]
    Binary,
    /// Bytes that decode to nothing sensible in any supported encoding.
    #[error("the text is in no supported encoding (UTF-8, UTF-16 with BOM, Windows-1252)")]
    Undecodable,
}

/// Reads an article from raw bytes; `fallback_date` (the file's modification
/// date) is used when the text states none.
///
/// The body may come out empty when the text is nothing but page furniture;
/// that is still an article (with nothing to extract), not an error.
pub fn read(bytes: &[u8], fallback_date: Date) -> Result<Article, RejectReason> {
    let text = decode::decode(bytes)?;
    let lines = || text.split('\n').map(str::trim);
    let Some(first) = lines().position(|l| !l.is_empty()) else {
        return Err(RejectReason::Empty);
    };
    let date_line = lines().nth(first).and_then(layout::date_line);
    let skip = if date_line.is_some() { first + 1 } else { 0 };
    let line_title = date_line.and_then(|(_, rest)| (!rest.is_empty()).then(|| rest.to_owned()));

    let units = layout::assemble(lines().skip(skip));
    let header = layout::header(&units, line_title.is_none());
    let title = line_title.or_else(|| {
        header
            .title
            .and_then(|i| units.get(i))
            .map(|u| u.text.clone())
    });
    let body = layout::body(&units, &header, title.as_deref());

    let (date, date_source) = match (date_line.and_then(|(d, _)| d), header.date) {
        (Some(d), _) => (d, DateSource::DateLine),
        (None, Some(d)) => (d, DateSource::Header),
        (None, None) => (fallback_date, DateSource::Mtime),
    };
    Ok(Article {
        date,
        date_source,
        title,
        body,
    })
}
