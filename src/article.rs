//! The article reader: raw bytes of a news file -> its articles (decoded
//! text, the article's own date if it states one, the headline, the source
//! URL, and the body with boilerplate removed). A text file, a web page or an
//! email is one article; a feed or a JSON export holds many.
//!
//! Pure: no file system, no clock. The caller supplies the file's
//! modification time as the fallback date. Must not look at what the article
//! says about venues or leaders; that is `extract`'s job.
//!
//! # Formats
//! `sniff` decides by content (the file name only breaks ties): plain text,
//! an HTML page (`page`: the main content as a reader view gives it, and the
//! page's metadata), an RSS, Atom or JSON feed (`feed`), a JSON or JSON Lines
//! export (`json`), an email (`email`). PDF, images, office files and
//! archives are rejected by name. Each format yields [`Parts`] (title, stated
//! date, URL, body as text or HTML); [`finish`] turns them into an
//! [`Article`] with the same layout rules as a text file, so the same story
//! reads the same whatever it was saved as.
//!
//! # Steps of a text
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
mod email;
mod feed;
mod json;
mod layout;
mod page;
mod sniff;
#[cfg(test)]
mod tests;

/// Where an article's date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    /// A `date YYYY-MM-DD` first line.
    DateLine,
    /// A date stated in the article's header, dateline or byline.
    Header,
    /// A publication date in the file's metadata: a page's JSON-LD or meta
    /// tags, a feed item's date, a JSON export's date field, an email's
    /// `Date:` header.
    Metadata,
    /// The file's modification time (the text states no date).
    Mtime,
}

impl DateSource {
    /// The name used in JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::DateLine => "date_line",
            DateSource::Header => "header",
            DateSource::Metadata => "metadata",
            DateSource::Mtime => "mtime",
        }
    }

    /// Parses [`DateSource::as_str`] back.
    pub fn parse(s: &str) -> Option<DateSource> {
        match s {
            "date_line" => Some(DateSource::DateLine),
            "header" => Some(DateSource::Header),
            "metadata" => Some(DateSource::Metadata),
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
    /// The page's own address (canonical link, `og:url`, a feed item's or
    /// an export's link), when the file states one.
    pub url: Option<String>,
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
    /// A known kind of file that is not an article format (PDF, images,
    /// office documents, archives): its name.
    #[error("{0} is not supported: venuewatch reads text, HTML pages, RSS/Atom/JSON feeds, JSON exports and email (.eml)")]
    Unsupported(&'static str),
    /// A file of a supported format that cannot be parsed as one: the
    /// format, and what is wrong (with its line when known).
    #[error("the {format} is malformed: {detail}")]
    Malformed {
        /// "HTML page", "RSS feed", "JSON export", ...
        format: &'static str,
        /// What is wrong, and where.
        detail: String,
    },
}

/// One article of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its id inside a file of many articles (a feed item's id, a JSON
    /// object's id or link, else its place); `None` when the file is one
    /// article.
    pub item: Option<String>,
    /// The bytes to keep for reading this article again: `None` when they
    /// are the file's own; for an item, a self-contained form of it that
    /// [`read_file`] reads back as this one article.
    pub raw: Option<Vec<u8>>,
    /// The article, or why this item is not one (the others still are).
    pub article: Result<Article, RejectReason>,
}

/// What a format found for one article, before the text layout runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Parts {
    /// The headline the format states (`og:title`, `<title>`, an item's
    /// title, a `Subject:`).
    pub title: Option<String>,
    /// The publication date the format states.
    pub date: Option<Date>,
    /// The article's address.
    pub url: Option<String>,
    /// The text.
    pub body: Body,
}

/// An article's text as a format holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Body {
    /// Plain text, paragraphs separated by blank lines (or hard-wrapped).
    Text(String),
    /// An HTML fragment: a feed item's content, an export's HTML body.
    Html(String),
}

impl Default for Body {
    fn default() -> Body {
        Body::Text(String::new())
    }
}

/// An article of a file of many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    /// Its id inside the file, if it states one.
    pub id: Option<String>,
    /// What it says.
    pub parts: Parts,
    /// Its own bytes when the format has a self-contained form of each item
    /// (a JSON object); otherwise [`json::to_raw`] makes one.
    pub raw: Option<Vec<u8>>,
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

    let stated = date_line
        .and_then(|(d, _)| d)
        .map(|d| (d, DateSource::DateLine));
    Ok(lay_out(
        lines().skip(skip),
        line_title,
        stated,
        fallback_date,
    ))
}

/// The layout of a text's lines into an [`Article`]: the title and date a
/// date line or a format stated win over what the header area shows, and
/// the fallback date comes last.
fn lay_out<'a>(
    lines: impl Iterator<Item = &'a str> + Clone,
    title: Option<String>,
    stated: Option<(Date, DateSource)>,
    fallback_date: Date,
) -> Article {
    let units = layout::assemble(lines);
    let header = layout::header(&units, title.is_none());
    let title = title.or_else(|| {
        header
            .title
            .and_then(|i| units.get(i))
            .map(|u| u.text.clone())
    });
    let body = layout::body(&units, &header, title.as_deref());
    let (date, date_source) = match (stated, header.date) {
        (Some(stated), _) => stated,
        (None, Some(d)) => (d, DateSource::Header),
        (None, None) => (fallback_date, DateSource::Mtime),
    };
    Article {
        date,
        date_source,
        title,
        body,
        url: None,
    }
}

/// Reads every article of a file: `name` is the file's name (its extension
/// only breaks ties between formats the content does not tell apart), and
/// `fallback_date` the file's modification date, for articles that state
/// none.
///
/// A file of many articles yields one [`Entry`] per item, in file order;
/// an item that is not an article (a bad line of a JSON Lines file) is an
/// entry with its reason, and the others are still read.
pub fn read_file(
    bytes: &[u8],
    name: &str,
    fallback_date: Date,
) -> Result<Vec<Entry>, RejectReason> {
    let whole = |article| {
        Ok(vec![Entry {
            item: None,
            raw: None,
            article,
        }])
    };
    match sniff::sniff(bytes, name)? {
        sniff::Format::Text => whole(read(bytes, fallback_date)),
        sniff::Format::Html => {
            let html = page::decode(bytes)?;
            whole(finish(page::page(&html), fallback_date))
        }
        sniff::Format::Email => whole(finish(email::message(bytes)?, fallback_date)),
        sniff::Format::Feed => Ok(entries(
            feed::items(bytes)?.into_iter().map(Ok),
            fallback_date,
        )),
        sniff::Format::Json { lines } => {
            let text = decode::decode(bytes)?;
            match json::items(&text, lines)? {
                json::Export::One(parts) => whole(finish(parts, fallback_date)),
                json::Export::Many(items) => Ok(entries(items.into_iter(), fallback_date)),
            }
        }
    }
}

/// A file's items as entries, each with the bytes to read it again by.
fn entries(
    items: impl Iterator<Item = Result<Item, (String, RejectReason)>>,
    fallback_date: Date,
) -> Vec<Entry> {
    items
        .map(|item| match item {
            Ok(item) => {
                let raw = item.raw.clone().unwrap_or_else(|| json::to_raw(&item));
                Entry {
                    item: item.id,
                    raw: Some(raw),
                    article: finish(item.parts, fallback_date),
                }
            }
            Err((id, reason)) => Entry {
                item: Some(id),
                raw: None,
                article: Err(reason),
            },
        })
        .collect()
}

/// What a format found -> an [`Article`]: the text goes through the same
/// layout as a text file's (paragraphs, header date, furniture), the
/// format's own title, date and URL win over what the layout would guess.
pub(crate) fn finish(parts: Parts, fallback_date: Date) -> Result<Article, RejectReason> {
    let text = match parts.body {
        Body::Text(text) => decode::normalise(&text),
        Body::Html(html) => page::fragment(&html),
    };
    let title = parts
        .title
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty());
    if text.trim().is_empty() && title.is_none() {
        return Err(RejectReason::Empty);
    }
    let stated = parts.date.map(|d| (d, DateSource::Metadata));
    let lines = text.split('\n').map(str::trim);
    Ok(Article {
        url: parts.url.filter(|u| !u.trim().is_empty()),
        ..lay_out(lines, title, stated, fallback_date)
    })
}
