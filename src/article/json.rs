//! JSON and JSON Lines exports of news APIs and scrapers, by the usual field
//! names; and the self-contained JSON form an item of any feed is kept in.
//!
//! # Shapes
//! - a list of article objects;
//! - one article object;
//! - an object whose `articles` (NewsAPI), `results`, `data`, `items`,
//!   `entries`, `documents`, `stories`, `news` or `posts` holds the list,
//!   also one level down (`response.results`, as the Guardian's API);
//! - JSON Lines: one object per line, blank lines skipped; a line that is
//!   not an article is reported by its number and the others are still
//!   read. A single line is one article, as a single object is.
//!
//! # Fields
//! Names match without regard to case. A value may be a string, a list of
//! strings (paragraphs) or an object with a `rendered` string (WordPress).
//! - Title: `title`, `headline`, `webTitle` (the first present); HTML
//!   entities in it are decoded.
//! - Text: `text`, `body`, `content`, `article`, `articleBody`, `bodyText`,
//!   `full_text`, `description`, `summary`, `abstract`, `snippet`,
//!   `content_html`, `content_text`, and the title and text fields of a
//!   `fields` object (the Guardian's `fields.headline`, `fields.bodyText`,
//!   `fields.body`) after the object's own. The fullest text (longest
//!   after trimming) is the body. NewsAPI's truncation marker
//!   (`… [+1234 chars]`) is removed. A text with HTML tags (`<p>`, `<br>`,
//!   `<div>`, ...) is HTML; `content_html` is always HTML and
//!   `content_text` never.
//! - Date: `published`, `publishedAt`, `published_at`, `pubDate`,
//!   `datePublished`, `date_published`, `publicationDate`,
//!   `publication_date`, `webPublicationDate`, `date`, `created_at`,
//!   `createdAt`, `time`, `timestamp` (the first that reads as a date).
//!   Never a modification date (`updated`, `modified`, `dateModified`).
//!   Values: RFC 3339 / ISO 8601 (the date as written, in its own offset),
//!   RFC 2822 (`Tue, 03 Mar 2026 09:00:00 +0100`), `YYYY-MM-DD`,
//!   `YYYY-MM-DD HH:MM:SS`, other written dates (`March 3, 2026`), Unix
//!   seconds, milliseconds, microseconds or nanoseconds (numbers or digit
//!   strings; their UTC date).
//! - URL: `url`, `link`, `webUrl`, `permalink`, `canonical_url`, `uri`
//!   (http and https only).
//! - Id: `id`, `guid`, `uuid`, `_id`, `article_id` (string or number); else
//!   the URL; else the item's place in the file, from 1 (in JSON Lines its
//!   line number).
//!
//! Other fields (`source`, `author`, ...) are ignored. An object with
//! neither a title nor a text is not an article.

use std::borrow::Cow;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{Map, Value};

use super::{Body, Item, Parts, RejectReason};

/// What a JSON file holds.
#[derive(Debug)]
pub(super) enum Export {
    /// One article (a single object).
    One(Parts),
    /// Many: each item, or its id (`line N` in JSON Lines) and why it is not
    /// an article.
    Many(Vec<Result<Item, (String, RejectReason)>>),
}

const TITLE: &[&str] = &["title", "headline", "webTitle"];
const TEXT: &[&str] = &[
    "text",
    "body",
    "content",
    "article",
    "articleBody",
    "bodyText",
    "full_text",
    "description",
    "summary",
    "abstract",
    "snippet",
];
/// Always HTML (JSON Feed's name; [`to_raw`] writes it).
const HTML_TEXT: &str = "content_html";
/// Always plain text (JSON Feed's name; [`to_raw`] writes it).
const PLAIN_TEXT: &str = "content_text";
/// The Guardian's API nests the article's own fields here.
const NESTED: &str = "fields";
const DATE: &[&str] = &[
    "published",
    "publishedAt",
    "published_at",
    "pubDate",
    "datePublished",
    "date_published",
    "publicationDate",
    "publication_date",
    "webPublicationDate",
    "date",
    "created_at",
    "createdAt",
    "time",
    "timestamp",
];
const URL: &[&str] = &["url", "link", "webUrl", "permalink", "canonical_url", "uri"];
const ID: &[&str] = &["id", "guid", "uuid", "_id", "article_id"];
const LIST: &[&str] = &[
    "articles",
    "results",
    "data",
    "items",
    "entries",
    "documents",
    "stories",
    "news",
    "posts",
];
/// Wrappers holding another wrapper (`response.results`).
const OUTER: &str = "response";

const EXPORT: &str = "JSON export";
const LINES: &str = "JSON Lines export";

/// Reads a JSON value (`lines: false`) or JSON Lines.
pub(super) fn items(text: &str, lines: bool) -> Result<Export, RejectReason> {
    if lines {
        return json_lines(text);
    }
    let value: Value = serde_json::from_str(text).map_err(|e| RejectReason::Malformed {
        format: EXPORT,
        detail: e.to_string(),
    })?;
    match value {
        Value::Array(list) => many(list),
        Value::Object(object) => wrapper(object, 0),
        _ => Err(no_article(EXPORT)),
    }
}

/// An object: a wrapper of a list, one article, or a wrapper of a wrapper.
fn wrapper(mut object: Map<String, Value>, depth: usize) -> Result<Export, RejectReason> {
    let list_key = object
        .iter()
        .find(|(k, v)| v.is_array() && LIST.iter().any(|n| k.eq_ignore_ascii_case(n)))
        .map(|(k, _)| k.clone());
    let list = list_key.and_then(|k| match object.remove(&k) {
        Some(Value::Array(list)) => Some(list),
        _ => None,
    });
    if let Some(list) = list {
        let empty = list.is_empty();
        let listed = if list.iter().any(Value::is_object) {
            many(list)
        } else {
            Err(no_article(EXPORT))
        };
        // An article may hold a list of its own (of related links, say).
        return match (listed, article(&object)) {
            (Ok(export), _) => Ok(export),
            (Err(_), Some(parts)) => Ok(Export::One(parts)),
            (Err(_), None) if empty => Ok(Export::Many(Vec::new())),
            (Err(e), None) => Err(e),
        };
    }
    if let Some(parts) = article(&object) {
        return Ok(Export::One(parts));
    }
    if depth == 0 {
        let inner = object
            .into_iter()
            .find(|(k, v)| {
                v.is_object()
                    && (k.eq_ignore_ascii_case(OUTER)
                        || LIST.iter().any(|n| k.eq_ignore_ascii_case(n)))
            })
            .map(|(_, v)| v);
        if let Some(Value::Object(inner)) = inner {
            return wrapper(inner, depth + 1);
        }
    }
    Err(no_article(EXPORT))
}

/// A list of article objects; the others are entries with their reason,
/// unless none is an article.
fn many(list: Vec<Value>) -> Result<Export, RejectReason> {
    let mut out = Vec::with_capacity(list.len());
    let mut found = false;
    for (i, value) in list.into_iter().enumerate() {
        let place = (i + 1).to_string();
        let Value::Object(object) = value else {
            let detail = format!("item {place} is not an object");
            out.push(Err((place, malformed(EXPORT, detail))));
            continue;
        };
        let id = id_of(&object).unwrap_or_else(|| place.clone());
        match article(&object) {
            Some(parts) => {
                found = true;
                out.push(Ok(item(id, parts, object)));
            }
            None => {
                let detail = format!("item {place}: {}", no_fields());
                out.push(Err((id, malformed(EXPORT, detail))));
            }
        }
    }
    if !out.is_empty() && !found {
        return Err(no_article(EXPORT));
    }
    Ok(Export::Many(out))
}

/// One object per line; a line that is not an article is an entry with its
/// reason. The whole file is rejected only when no line is an article.
fn json_lines(text: &str) -> Result<Export, RejectReason> {
    let mut out = Vec::new();
    let mut found = false;
    let mut first_error = None;
    for (i, line) in text.split('\n').enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let n = i + 1;
        let reason = match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(object)) => match article(&object) {
                Some(parts) => {
                    found = true;
                    let id = id_of(&object).unwrap_or_else(|| n.to_string());
                    out.push(Ok(item(id, parts, object)));
                    continue;
                }
                None => malformed(LINES, format!("line {n}: {}", no_fields())),
            },
            Ok(_) => malformed(LINES, format!("line {n} is not an object")),
            Err(e) => {
                let detail = format!("line {n}, {}", serde_position(&e));
                let reason = malformed(LINES, detail);
                first_error.get_or_insert_with(|| reason.clone());
                reason
            }
        };
        out.push(Err((format!("line {n}"), reason)));
    }
    if !out.is_empty() && !found {
        // Nothing read: either no line parses (not JSON Lines at all), or
        // none holds an article.
        return Err(first_error.unwrap_or_else(|| no_article(LINES)));
    }
    // One line is one object, as in a file of one object: an item's raw
    // form reads back alone even under its file's `.jsonl` name.
    if let [Ok(item)] = out.as_mut_slice() {
        return Ok(Export::One(std::mem::take(&mut item.parts)));
    }
    Ok(Export::Many(out))
}

/// A serde error of one line as "column C: message" (its line is always 1).
fn serde_position(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let message = message
        .rfind(" at line ")
        .and_then(|i| message.get(..i))
        .unwrap_or(&message);
    format!("column {}: {message}", e.column())
}

fn item(id: String, parts: Parts, object: Map<String, Value>) -> Item {
    let raw = serde_json::to_vec(&Value::Object(object)).ok();
    Item {
        id: Some(id),
        parts,
        raw,
    }
}

fn malformed(format: &'static str, detail: String) -> RejectReason {
    RejectReason::Malformed { format, detail }
}

fn names(list: &[&str]) -> String {
    list.iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What an article object lacks.
fn no_fields() -> String {
    format!(
        "no title ({}) or text ({}, {}, {})",
        names(TITLE),
        names(TEXT),
        names(&[HTML_TEXT, PLAIN_TEXT]),
        names(&["fields.bodyText", "fields.body"]),
    )
}

fn no_article(format: &'static str) -> RejectReason {
    malformed(
        format,
        format!(
            "no article found: expected a list of objects, or an object with {} or `response.results` \
             holding them, each with a title ({}) or a text ({}, ...)",
            names(LIST),
            names(TITLE),
            names(TEXT),
        ),
    )
}

/// An object's known fields, found in one pass over its keys (names match
/// in any case; of two spellings of one name, the first in key order wins).
/// Each array holds its list's names in order of preference.
#[derive(Default)]
struct Fields<'a> {
    title: [Option<&'a Value>; TITLE.len()],
    text: [Option<&'a Value>; TEXT.len()],
    html: Option<&'a Value>,
    plain: Option<&'a Value>,
    date: [Option<&'a Value>; DATE.len()],
    url: [Option<&'a Value>; URL.len()],
    id: [Option<&'a Value>; ID.len()],
    nested: Option<&'a Map<String, Value>>,
}

impl<'a> Fields<'a> {
    fn of(object: &'a Map<String, Value>) -> Fields<'a> {
        let mut f = Fields::default();
        for (key, value) in object {
            let put = |slots: &mut [Option<&'a Value>], names: &[&str]| {
                let i = names.iter().position(|n| n.eq_ignore_ascii_case(key));
                if let Some(slot) = i.and_then(|i| slots.get_mut(i)) {
                    slot.get_or_insert(value);
                }
                i.is_some()
            };
            let _ = put(&mut f.title, TITLE)
                || put(&mut f.text, TEXT)
                || put(&mut f.date, DATE)
                || put(&mut f.url, URL)
                || put(&mut f.id, ID);
            if key.eq_ignore_ascii_case(HTML_TEXT) {
                f.html.get_or_insert(value);
            } else if key.eq_ignore_ascii_case(PLAIN_TEXT) {
                f.plain.get_or_insert(value);
            } else if key.eq_ignore_ascii_case(NESTED) && f.nested.is_none() {
                f.nested = value.as_object();
            }
        }
        f
    }

    /// The first web address among the URL fields.
    fn url(&self) -> Option<String> {
        self.url
            .iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .map(str::trim)
            .find(|u| is_web_url(u))
            .map(str::to_owned)
    }

    /// The first id (string or number), else the URL.
    fn id(&self) -> Option<String> {
        let id = self.id.iter().flatten().find_map(|v| match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        id.or_else(|| self.url())
    }
}

fn id_of(object: &Map<String, Value>) -> Option<String> {
    Fields::of(object).id()
}

/// A field's text: a string, paragraphs, or a `rendered` string.
fn text_of(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::String(s) => Some(Cow::Borrowed(s.as_str())),
        Value::Array(parts) => {
            let paragraphs: Vec<&str> = parts.iter().filter_map(Value::as_str).collect();
            (!paragraphs.is_empty()).then(|| Cow::Owned(paragraphs.join("\n\n")))
        }
        Value::Object(object) => object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("rendered"))
            .and_then(|(_, v)| v.as_str())
            .map(Cow::Borrowed),
        _ => None,
    }
}

/// An object's article, if it has a title or a text (its own, or in its
/// `fields` object).
fn article(object: &Map<String, Value>) -> Option<Parts> {
    let top = Fields::of(object);
    let nested = top.nested.map(Fields::of);
    let title = top
        .title
        .iter()
        .chain(nested.iter().flat_map(|n| n.title.iter()))
        .flatten()
        .filter_map(|v| text_of(v))
        .map(|t| clean_title(&t))
        .find(|t| !t.is_empty());
    let body = body(&top, nested.as_ref());
    if title.is_none() && body.is_none() {
        return None;
    }
    Some(Parts {
        title,
        date: top.date.iter().flatten().find_map(|v| date_of(v)),
        url: top.url(),
        body: body.unwrap_or_default(),
    })
}

#[derive(Clone, Copy)]
enum Kind {
    Html,
    Plain,
    /// HTML when it has tags.
    Either,
}

/// The fullest text field.
fn body<'a>(top: &Fields<'a>, nested: Option<&Fields<'a>>) -> Option<Body> {
    let either = |f: &Fields<'a>| {
        f.text
            .iter()
            .flatten()
            .map(|&v| (v, Kind::Either))
            .collect::<Vec<_>>()
    };
    let mut candidates = either(top);
    candidates.extend(top.html.map(|v| (v, Kind::Html)));
    candidates.extend(top.plain.map(|v| (v, Kind::Plain)));
    if let Some(nested) = nested {
        candidates.extend(either(nested));
    }
    let mut best: Option<(String, Kind)> = None;
    for (value, kind) in candidates {
        let Some(text) = text_of(value) else {
            continue;
        };
        let text = match kind {
            Kind::Either => strip_truncation(text.trim()),
            Kind::Html | Kind::Plain => text.trim(),
        };
        if !text.is_empty() && best.as_ref().is_none_or(|(b, _)| text.len() > b.len()) {
            best = Some((text.to_owned(), kind));
        }
    }
    best.map(|(text, kind)| match kind {
        Kind::Html => Body::Html(text),
        Kind::Plain => Body::Text(text),
        Kind::Either if looks_html(&text) => Body::Html(text),
        Kind::Either => Body::Text(text),
    })
}

/// Removes NewsAPI's `… [+1234 chars]` from the end of a text.
fn strip_truncation(text: &str) -> &str {
    let Some(rest) = text.strip_suffix(" chars]") else {
        return text;
    };
    let Some(open) = rest.rfind("[+") else {
        return text;
    };
    let digits = rest.get(open + 2..).unwrap_or_default();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return text;
    }
    let before = rest.get(..open).unwrap_or_default().trim_end();
    before
        .strip_suffix('…')
        .or_else(|| before.strip_suffix("..."))
        .unwrap_or(before)
        .trim_end()
}

/// Entities decoded, white space collapsed.
fn clean_title(title: &str) -> String {
    html_escape::decode_html_entities(title)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A title written so that [`clean_title`] gives it back: an `&` that
/// would start an entity is written as `&amp;`.
fn raw_title(title: &str) -> Cow<'_, str> {
    if html_escape::decode_html_entities(title) == title {
        Cow::Borrowed(title)
    } else {
        Cow::Owned(title.replace('&', "&amp;"))
    }
}

pub(super) fn is_web_url(url: &str) -> bool {
    let lower = |n: usize| url.get(..n).map(str::to_ascii_lowercase);
    (lower(7).as_deref() == Some("http://") && url.len() > 7)
        || (lower(8).as_deref() == Some("https://") && url.len() > 8)
}

/// A date field's publication date (module doc).
fn date_of(value: &Value) -> Option<Date> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
            .and_then(from_epoch),
        Value::String(s) => date_str(s.trim()),
        _ => None,
    }
}

/// A written date or timestamp's date (module doc).
pub(super) fn date_str(s: &str) -> Option<Date> {
    if s.is_empty() {
        return None;
    }
    if s.len() >= 9 && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok().and_then(from_epoch);
    }
    if let Ok(pieces) = jiff::fmt::temporal::Pieces::parse(s) {
        return Some(pieces.date());
    }
    if let Ok(zoned) = jiff::fmt::rfc2822::DateTimeParser::new().parse_zoned(s) {
        return Some(zoned.date());
    }
    // Other written dates ("March 3, 2026", a wrong weekday in RFC 2822);
    // a long text in a date field is not a date.
    if s.len() <= 64 {
        return super::date::scan(s).full.map(|(d, _)| d);
    }
    None
}

/// Unix time in seconds, milliseconds, microseconds or nanoseconds, told
/// apart by size; before 1970 or after 2100 is no article's date.
fn from_epoch(n: i64) -> Option<Date> {
    let ts = if n <= 0 {
        return None;
    } else if n < 100_000_000_000 {
        Timestamp::from_second(n)
    } else if n < 100_000_000_000_000 {
        Timestamp::from_millisecond(n)
    } else if n < 100_000_000_000_000_000 {
        Timestamp::from_microsecond(n)
    } else {
        Timestamp::from_nanosecond(i128::from(n))
    }
    .ok()?;
    let date = ts.to_zoned(TimeZone::UTC).date();
    (1970..=2100).contains(&date.year()).then_some(date)
}

/// Tags that make a text HTML.
const TAGS: &[&str] = &[
    "p",
    "br",
    "div",
    "span",
    "a",
    "b",
    "i",
    "u",
    "em",
    "strong",
    "small",
    "sup",
    "sub",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "q",
    "cite",
    "figure",
    "figcaption",
    "img",
    "picture",
    "table",
    "tr",
    "td",
    "th",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "nav",
    "main",
    "pre",
    "code",
    "hr",
    "iframe",
    "script",
    "style",
    "html",
    "head",
    "body",
    "time",
    "font",
    "center",
];

/// Whether a text has HTML tags (`<p>`, `</div>`, `<br/>`, `<a href=..>`).
pub(super) fn looks_html(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(at) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
    {
        let start = i + at + 1;
        let name_start = if bytes.get(start) == Some(&b'/') {
            start + 1
        } else {
            start
        };
        let name_len = bytes
            .get(name_start..)
            .unwrap_or_default()
            .iter()
            .take(12)
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let name = text
            .get(name_start..name_start + name_len)
            .unwrap_or_default();
        let after = bytes.get(name_start + name_len);
        if name_len > 0
            && matches!(after, Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r'))
            && TAGS.iter().any(|t| name.eq_ignore_ascii_case(t))
        {
            return true;
        }
        i = start;
    }
    false
}

/// An item as one JSON object that [`items`] reads back as the same item:
/// `id`, `title`, `url`, `published` (`YYYY-MM-DD`), and `content_html` or
/// `content_text`.
pub(super) fn to_raw(item: &Item) -> Vec<u8> {
    let mut object = Map::new();
    let mut put = |key: &str, value: &str| {
        object.insert(key.to_owned(), Value::String(value.to_owned()));
    };
    if let Some(id) = &item.id {
        put("id", id);
    }
    if let Some(title) = &item.parts.title {
        put("title", &raw_title(title));
    }
    if let Some(url) = &item.parts.url {
        put("url", url);
    }
    if let Some(date) = item.parts.date {
        put("published", &date.to_string());
    }
    match &item.parts.body {
        Body::Html(html) if !html.is_empty() => put(HTML_TEXT, html),
        Body::Text(text) if !text.is_empty() => put(PLAIN_TEXT, text),
        _ => {}
    }
    serde_json::to_vec(&Value::Object(object)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use std::time::{Duration, Instant};

    fn many(text: &str, lines: bool) -> Vec<Result<Item, (String, RejectReason)>> {
        match items(text, lines) {
            Ok(Export::Many(items)) => items,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn one(text: &str) -> Parts {
        match items(text, false) {
            Ok(Export::One(parts)) => parts,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn ok(entry: &Result<Item, (String, RejectReason)>) -> &Item {
        match entry {
            Ok(item) => item,
            Err(e) => panic!("{e:?}"),
        }
    }

    fn malformed_detail(result: Result<Export, RejectReason>) -> (&'static str, String) {
        match result {
            Err(RejectReason::Malformed { format, detail }) => (format, detail),
            other => panic!("{other:?}"),
        }
    }

    const NEWSAPI: &str = r#"{
      "status": "ok",
      "totalResults": 2,
      "articles": [
        {
          "source": {"id": null, "name": "Northern Wire"},
          "author": "Staff",
          "title": "Foreign minister offers to host talks in Valdmora",
          "description": "The minister said his capital stood ready.",
          "url": "https://wire.example.org/2026/03/03/talks-offer",
          "urlToImage": "https://wire.example.org/img/1.jpg",
          "publishedAt": "2026-03-03T23:30:00-05:00",
          "content": "The foreign minister of Estravia said on Tuesday that Valdmora would welcome both delegations and could host a first round of talks within weeks… [+2140 chars]"
        },
        {
          "source": "Harbour Times",
          "title": "Envoys weigh a neutral venue",
          "description": "<p>Envoys met in <b>Portsel</b>.</p><p>No date was set.</p>",
          "url": "https://harbour.example.com/envoys",
          "publishedAt": "Tue, 03 Mar 2026 09:00:00 +0100",
          "updated": "2026-03-09"
        }
      ]
    }"#;

    #[test]
    fn newsapi_export() {
        let items = many(NEWSAPI, false);
        assert_eq!(items.len(), 2);
        let first = ok(&items[0]);
        assert_eq!(
            first.id.as_deref(),
            Some("https://wire.example.org/2026/03/03/talks-offer")
        );
        assert_eq!(
            first.parts.title.as_deref(),
            Some("Foreign minister offers to host talks in Valdmora")
        );
        // In its own offset, not UTC (which would be March 4).
        assert_eq!(first.parts.date, Some(date(2026, 3, 3)));
        assert_eq!(
            first.parts.body,
            Body::Text(
                "The foreign minister of Estravia said on Tuesday that Valdmora would welcome \
                 both delegations and could host a first round of talks within weeks"
                    .into()
            )
        );
        let second = ok(&items[1]);
        assert_eq!(second.parts.date, Some(date(2026, 3, 3)));
        assert_eq!(
            second.parts.body,
            Body::Html("<p>Envoys met in <b>Portsel</b>.</p><p>No date was set.</p>".into())
        );
        // Each item's raw form reads back alone as that article.
        for entry in &items {
            let item = ok(entry);
            let raw = item
                .raw
                .as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            assert_eq!(one(&raw), item.parts);
        }
    }

    #[test]
    fn guardian_wrapper_and_nested_fields() {
        let text = r#"{"response": {"status": "ok", "total": 1, "results": [{
            "id": "world/2026/mar/03/envoys-portsel",
            "webTitle": "Envoys name Portsel as venue",
            "webUrl": "https://news.example.net/world/2026/mar/03/envoys-portsel",
            "webPublicationDate": "2026-03-03T08:15:00Z",
            "fields": {"headline": "Envoys name Portsel", "bodyText": "Envoys from both sides said Portsel would host the talks, officials confirmed."}
        }]}}"#;
        let items = many(text, false);
        let item = ok(&items[0]);
        assert_eq!(item.id.as_deref(), Some("world/2026/mar/03/envoys-portsel"));
        assert_eq!(
            item.parts.title.as_deref(),
            Some("Envoys name Portsel as venue")
        );
        assert_eq!(item.parts.date, Some(date(2026, 3, 3)));
        assert_eq!(
            item.parts.url.as_deref(),
            Some("https://news.example.net/world/2026/mar/03/envoys-portsel")
        );
        assert!(
            matches!(&item.parts.body, Body::Text(t) if t.starts_with("Envoys from both sides"))
        );
    }

    #[test]
    fn wrapper_keys_and_single_objects() {
        for key in LIST {
            let text = format!(r#"{{"{key}": [{{"headline": "Talks", "id": 7}}]}}"#);
            let items = many(&text, false);
            assert_eq!(ok(&items[0]).id.as_deref(), Some("7"), "{key}");
        }
        let parts = one(
            r#"{"Headline": "Talks &amp; a truce", "ArticleBody": "Both sides agreed.", "Date": "2026-03-03"}"#,
        );
        assert_eq!(parts.title.as_deref(), Some("Talks & a truce"));
        assert_eq!(parts.body, Body::Text("Both sides agreed.".into()));
        assert_eq!(parts.date, Some(date(2026, 3, 3)));
        // A collection's own title does not make it an article.
        let items = many(
            r#"{"title": "Search", "items": [{"title": "A"}, {"title": "B"}]}"#,
            false,
        );
        assert_eq!(items.len(), 2);
        // WordPress's REST API.
        let parts = one(
            r#"{"id": 12, "date": "2026-03-03T10:00:00", "link": "https://blog.example.org/?p=12",
            "title": {"rendered": "Minister&#8217;s offer"}, "content": {"rendered": "<p>He offered Valdmora.</p>"}}"#,
        );
        assert_eq!(parts.title.as_deref(), Some("Minister’s offer"));
        assert_eq!(parts.body, Body::Html("<p>He offered Valdmora.</p>".into()));
        // A wrapper whose list is empty.
        assert!(many(
            r#"{"status": "ok", "totalResults": 0, "articles": []}"#,
            false
        )
        .is_empty());
        assert!(many("[]", false).is_empty());
    }

    #[test]
    fn fullest_text_wins() {
        let parts = one(
            r#"{"title": "T", "summary": "Short.", "text": ["First paragraph.", "Second paragraph is longer."], "snippet": "S"}"#,
        );
        assert_eq!(
            parts.body,
            Body::Text("First paragraph.\n\nSecond paragraph is longer.".into())
        );
        let parts = one(r#"{"title": "T", "content_html": "<p>x</p>", "content_text": "x"}"#);
        assert_eq!(parts.body, Body::Html("<p>x</p>".into()));
        let parts = one(r#"{"content_text": "a <div> in plain text"}"#);
        assert_eq!(parts.body, Body::Text("a <div> in plain text".into()));
        let parts = one(r#"{"body": "3 < 4 and 5 > 2, said the <unnamed> official"}"#);
        assert!(matches!(parts.body, Body::Text(_)));
    }

    #[test]
    fn dates() {
        for (value, want) in [
            (r#""2026-03-03T09:00:00Z""#, Some(date(2026, 3, 3))),
            (r#""2026-03-03T00:30:00+02:00""#, Some(date(2026, 3, 3))),
            (r#""2026-03-03""#, Some(date(2026, 3, 3))),
            (r#""2026-03-03 09:00:00""#, Some(date(2026, 3, 3))),
            (r#""2026-03-03 09:00:00 UTC""#, Some(date(2026, 3, 3))),
            (
                r#""Tue, 03 Mar 2026 09:00:00 +0100""#,
                Some(date(2026, 3, 3)),
            ),
            (
                r#""Wed, 03 Mar 2026 09:00:00 +0100""#,
                Some(date(2026, 3, 3)),
            ),
            (r#""March 3, 2026""#, Some(date(2026, 3, 3))),
            ("1772528400", Some(date(2026, 3, 3))),
            ("1772528400000", Some(date(2026, 3, 3))),
            (r#""1772528400""#, Some(date(2026, 3, 3))),
            ("1772528400.5", Some(date(2026, 3, 3))),
            ("0", None),
            ("true", None),
            (r#""yesterday""#, None),
            (r#""2026""#, None),
        ] {
            let text = format!(r#"{{"title": "T", "published": {value}}}"#);
            assert_eq!(one(&text).date, want, "{value}");
        }
        // A modification date is never the publication date.
        let parts = one(
            r#"{"title": "T", "updated": "2026-03-09", "dateModified": "2026-03-09", "modified": "2026-03-09"}"#,
        );
        assert_eq!(parts.date, None);
        // The first date field that reads as a date.
        let parts = one(r#"{"title": "T", "published": true, "date": "2026-03-05"}"#);
        assert_eq!(parts.date, Some(date(2026, 3, 5)));
    }

    #[test]
    fn ids_and_urls() {
        let items = many(
            r#"[{"title": "A", "guid": "g-1", "url": "https://a.example.org/1"},
                {"title": "B", "link": "ftp://b.example.org/2", "uri": " HTTPS://b.example.org/2 "},
                {"title": "C", "_id": {"$oid": "x"}},
                {"title": "D", "article_id": 42}]"#,
            false,
        );
        let ids: Vec<_> = items
            .iter()
            .map(|i| ok(i).id.clone().unwrap_or_default())
            .collect();
        assert_eq!(ids, ["g-1", "HTTPS://b.example.org/2", "3", "42"]);
        assert_eq!(
            ok(&items[1]).parts.url.as_deref(),
            Some("HTTPS://b.example.org/2")
        );
    }

    #[test]
    fn objects_without_articles_in_a_list() {
        let items = many(
            r#"[{"title": "Talks", "id": "a"}, {"id": "b", "views": 3}, 5]"#,
            false,
        );
        assert!(items[0].is_ok());
        match &items[1] {
            Err((id, RejectReason::Malformed { format, detail })) => {
                assert_eq!((id.as_str(), *format), ("b", EXPORT));
                assert!(detail.starts_with("item 2: no title (`title`"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&items[2], Err((id, _)) if id == "3"));
    }

    #[test]
    fn unknown_shapes_are_rejected() {
        for text in [
            r#"{"status": "ok", "count": 3}"#,
            "[1, 2, 3]",
            r#""just a string""#,
            r#"[{"views": 1}, {"views": 2}]"#,
            r#"{"articles": [1, 2]}"#,
            "null",
        ] {
            let (format, detail) = malformed_detail(items(text, false));
            assert_eq!(format, EXPORT);
            assert!(
                detail.starts_with("no article found: expected a list of objects"),
                "{detail}"
            );
            assert!(detail.contains("`articles`") && detail.contains("`headline`"));
        }
    }

    #[test]
    fn malformed_json_has_line_and_column() {
        let (format, detail) = malformed_detail(items("[\n  {\"title\": \"A\",\n  }\n]", false));
        assert_eq!(format, EXPORT);
        assert!(detail.contains("line 3 column 3"), "{detail}");
        let (_, detail) = malformed_detail(items("{\"title\": \"cut", false));
        assert!(detail.contains("EOF"), "{detail}");
    }

    const SCRAPE: &str = concat!(
        r#"{"url": "https://a.example.org/one", "headline": "Valdmora offered as venue", "article": "The minister said Valdmora could host.", "published_at": 1772528400}"#,
        "\n\n",
        r#"{"url": "https://a.example.org/two", "headline": "Second story", "article": "More"#,
        "\n",
        r#"{"headline": "Third story", "full_text": "Envoys met.", "pubDate": "2026-03-04"}"#,
        "\n",
        r#"{"views": 10}"#,
        "\n",
    );

    #[test]
    fn json_lines_with_a_bad_line() {
        let items = many(SCRAPE, true);
        assert_eq!(items.len(), 4);
        let first = ok(&items[0]);
        assert_eq!(first.id.as_deref(), Some("https://a.example.org/one"));
        assert_eq!(first.parts.date, Some(date(2026, 3, 3)));
        match &items[1] {
            Err((id, RejectReason::Malformed { format, detail })) => {
                assert_eq!((id.as_str(), *format), ("line 3", LINES));
                assert!(detail.starts_with("line 3, column "), "{detail}");
                assert!(detail.contains("EOF while parsing a string"), "{detail}");
                assert!(!detail.contains("at line"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        let third = ok(&items[2]);
        assert_eq!(third.id.as_deref(), Some("4"));
        assert_eq!(third.parts.title.as_deref(), Some("Third story"));
        assert!(matches!(&items[3], Err((id, _)) if id == "line 5"));
        let raw = third
            .raw
            .as_deref()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        assert_eq!(one(&raw), third.parts);
        // Read back alone as JSON Lines (its file's name says so), too.
        match super::items(&raw, true) {
            Ok(Export::One(parts)) => assert_eq!(parts, third.parts),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn items_read_back_alone_through_read_file() {
        let mtime = date(2000, 1, 1);
        for (text, name) in [
            (NEWSAPI, "news.json"),
            (SCRAPE, "scrape.jsonl"),
            (SCRAPE, "scrape.txt"),
        ] {
            let entries = crate::article::read_file(text.as_bytes(), name, mtime).unwrap();
            assert!(entries.len() >= 2, "{name}");
            for entry in entries.iter().filter(|e| e.article.is_ok()) {
                let raw = entry.raw.clone().unwrap();
                let again = crate::article::read_file(&raw, name, mtime).unwrap();
                assert_eq!(again.len(), 1);
                assert_eq!((&again[0].item, &again[0].raw), (&None, &None));
                assert_eq!(again[0].article, entry.article, "{name}");
            }
        }
        let entries = crate::article::read_file(SCRAPE.as_bytes(), "scrape.jsonl", mtime).unwrap();
        let article = entries[0].article.as_ref().unwrap();
        assert_eq!(
            (article.date, article.date_source),
            (date(2026, 3, 3), crate::article::DateSource::Metadata)
        );
        assert_eq!(article.url.as_deref(), Some("https://a.example.org/one"));
    }

    #[test]
    fn json_lines_with_nothing_readable() {
        let (format, detail) = malformed_detail(items("not json\nat all\n", true));
        assert_eq!(format, LINES);
        assert!(
            detail.starts_with("line 1, column 2: expected ident"),
            "{detail}"
        );
        let (format, detail) = malformed_detail(items("{\"a\": 1}\n{\"b\": 2}\n", true));
        assert_eq!(format, LINES);
        assert!(detail.starts_with("no article found"), "{detail}");
        assert!(many("\n\n", true).is_empty());
    }

    #[test]
    fn truncation_marker() {
        for (text, want) in [
            ("He said… [+1234 chars]", "He said"),
            ("He said... [+9 chars]", "He said"),
            ("He said [+12 chars]", "He said"),
            ("Costs [+5 chars] rose", "Costs [+5 chars] rose"),
            ("A list [+x chars]", "A list [+x chars]"),
            ("[+3 chars]", ""),
        ] {
            assert_eq!(strip_truncation(text), want, "{text}");
        }
    }

    #[test]
    fn html_detection() {
        for (text, want) in [
            ("<p>Talks</p>", true),
            ("line<br/>break", true),
            ("<BR>", true),
            ("<div class=\"x\">", true),
            ("a <a href=\"https://x\">link</a>", true),
            ("3 < 4", false),
            ("<unnamed> source", false),
            ("<pre", false),
            ("x <", false),
            ("<<<<", false),
        ] {
            assert_eq!(looks_html(text), want, "{text}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        std::thread::spawn(|| {
            let deep = "[".repeat(100_000) + &"]".repeat(100_000);
            let (_, detail) = malformed_detail(items(&deep, false));
            assert!(detail.contains("recursion limit exceeded"), "{detail}");
            let deep_objects = "{\"a\":".repeat(100_000);
            assert!(items(&deep_objects, false).is_err());
            let line = format!("{}\n{{\"title\": \"ok\"}}\n", "[".repeat(100_000));
            assert_eq!(many(&line, true).len(), 2);
        })
        .join()
        .expect("no stack overflow");
    }

    #[test]
    fn large_exports_are_linear() {
        let one_item = r#"{"id": "x", "title": "Talks in Valdmora", "text": "The minister said the capital stood ready to host both delegations.", "publishedAt": "2026-03-03T09:00:00Z"}"#;
        let time = |n: usize, lines: bool| {
            let text = if lines {
                vec![one_item; n].join("\n")
            } else {
                format!("[{}]", vec![one_item; n].join(","))
            };
            let start = Instant::now();
            assert_eq!(many(&text, lines).len(), n);
            start.elapsed()
        };
        let (small, listed, lined) = (
            time(10_000, false),
            time(100_000, false),
            time(100_000, true),
        );
        let start = Instant::now();
        let big = format!(
            r#"{{"title": "T", "text": "{}"}}"#,
            "word ".repeat(2 * 1024 * 1024)
        );
        assert!(matches!(one(&big).body, Body::Text(_)));
        let entities = format!(r#"{{"title": "{}"}}"#, "&amp".repeat(1_000_000));
        assert!(one(&entities).title.is_some());
        let tags = format!(r#"{{"title": "T", "text": "{}"}}"#, "<<a".repeat(1_000_000));
        assert!(matches!(one(&tags).body, Body::Text(_)));
        let big_texts = start.elapsed();
        println!(
            "JSON: 10,000 objects in {small:?}, 100,000 in {listed:?}, as JSON Lines in {lined:?}; \
             10 MiB texts in {big_texts:?}"
        );
        // Linear: ten times the objects in well under a hundred times the time.
        assert!(listed < small * 30 + Duration::from_millis(200));
    }

    fn round_trip(item: &Item) {
        let raw = to_raw(item);
        let text = String::from_utf8_lossy(&raw);
        assert_eq!(one(&text), item.parts, "{text}");
    }

    #[test]
    fn to_raw_round_trips_examples() {
        let item = |title: Option<&str>, body: Body| Item {
            id: Some("tag:wire.example.org,2026:1".into()),
            parts: Parts {
                title: title.map(str::to_owned),
                date: Some(date(2026, 3, 3)),
                url: Some("https://wire.example.org/1".into()),
                body,
            },
            raw: None,
        };
        round_trip(&item(
            Some("Talks"),
            Body::Html("<p>Envoys met.</p>".into()),
        ));
        round_trip(&item(
            Some("AT&T & the &amp; sign"),
            Body::Text("plain".into()),
        ));
        round_trip(&item(None, Body::Html("no tags at all".into())));
        round_trip(&item(Some("Title only"), Body::Text(String::new())));
        round_trip(&item(
            Some("T"),
            Body::Text("with <p> in plain text… [+12 chars]x".into()),
        ));
        let raw =
            String::from_utf8_lossy(&to_raw(&item(Some("T"), Body::Text("b".into())))).into_owned();
        assert_eq!(
            raw,
            r#"{"content_text":"b","id":"tag:wire.example.org,2026:1","published":"2026-03-03","title":"T","url":"https://wire.example.org/1"}"#
        );
    }

    mod prop {
        use super::*;
        use proptest::prelude::*;

        fn title() -> impl Strategy<Value = Option<String>> {
            proptest::option::of("[a-zA-Z0-9&;#<>\"' éü’-]{1,40}").prop_filter_map(
                "collapsed",
                |t| match t {
                    None => Some(None),
                    Some(t) => {
                        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
                        (!t.is_empty()).then_some(Some(t))
                    }
                },
            )
        }

        fn text() -> impl Strategy<Value = String> {
            "[a-zA-Z0-9&;<>/\"'\n .…\\[\\]+-]{0,80}".prop_map(|t| t.trim().to_owned())
        }

        fn body() -> impl Strategy<Value = Body> {
            prop_oneof![text().prop_map(Body::Html), text().prop_map(Body::Text)].prop_map(|b| {
                match b {
                    Body::Html(h) if h.is_empty() => Body::Text(h),
                    b => b,
                }
            })
        }

        proptest! {
            #[test]
            fn to_raw_round_trips(
                title in title(),
                body in body(),
                days in proptest::option::of(0i32..80_000),
                url in proptest::option::of("https?://[a-z.]{1,20}/[a-z0-9/?=&%]{0,20}"),
                id in proptest::option::of("[ -~]{1,30}"),
            ) {
                prop_assume!(title.is_some() || !matches!(&body, Body::Text(t) if t.is_empty()));
                let date = days.and_then(|d| date(1900, 1, 1).checked_add(jiff::Span::new().days(d)).ok());
                let item = Item { id, parts: Parts { title, date, url, body }, raw: None };
                let raw = to_raw(&item);
                let text = String::from_utf8_lossy(&raw);
                match items(&text, false) {
                    Ok(Export::One(parts)) => prop_assert_eq!(parts, item.parts),
                    other => prop_assert!(false, "{}: {:?}", text, other),
                }
            }
        }
    }
}
