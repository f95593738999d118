//! RSS 2.0, Atom and JSON Feed files (`feed-rs`): one [`Item`] per entry.
//! RSS 0.9x and 1.0 (RDF) are read too.
//!
//! # What an entry gives
//! - Id: the entry's own (RSS `guid`, `atom:id`, JSON Feed `id`); else its
//!   link; else a hash of its title and text. These stay the same when the
//!   feed is rewritten with new items on top (a place in the file would
//!   not, nor would the random id `feed-rs` makes up).
//! - Title: entity-decoded (feeds often escape twice), tags removed from an
//!   HTML title, white space collapsed.
//! - Body: `content:encoded`, Atom `content` or JSON Feed `content_html` /
//!   `content_text`; else the summary (`description`). HTML without a tag
//!   is taken as text, entity-decoded, so its blank lines still separate
//!   paragraphs.
//! - Date: the publication date only (RSS `pubDate` or `dc:date`, Atom
//!   `published`, JSON Feed `date_published`), never `atom:updated` or
//!   `date_modified`, which say when the entry was last changed. The date
//!   as written, in its own offset (a story stamped 23:30 -05:00 keeps its
//!   day, as in a JSON export or an email): read by the same rules as a
//!   JSON export's dates (RFC 2822, RFC 3339, other written dates), not by
//!   `feed-rs`, which would convert it to UTC.
//! - URL: the first alternate link with an http or https address; in RSS,
//!   else the guid when it is one.
//!
//! # Encodings and damage
//! `feed-rs` honours a BOM and the XML declaration's `encoding=` (through
//! `encoding_rs`, so ISO-8859-1 reads as Windows-1252). A file that is not
//! UTF-8 and has neither (or declares UTF-8 all the same) is transcoded
//! first as `decode` guesses.
//! Entities declared in a DOCTYPE are never expanded (an entity bomb stays
//! a few bytes of text). A feed cut short (an interrupted download) keeps
//! the items before the cut: when the XML is malformed, the part up to the
//! last complete `</item>` or `</entry>` is read instead, if that parses.

use std::borrow::Cow;

use feed_rs::model::{Entry, FeedType, Text};
use jiff::civil::Date;

use super::json::{is_web_url, looks_html};
use super::{Body, Item, Parts, RejectReason};

/// The feed's items, in file order.
pub(super) fn items(bytes: &[u8]) -> Result<Vec<Item>, RejectReason> {
    let bytes = transcode(bytes)?;
    let root = Root::of(&bytes);
    let feed = match parse(&bytes) {
        Ok(feed) => feed,
        Err(e) => match complete_part(&bytes, root).and_then(|part| parse(&part).ok()) {
            Some(feed) if !feed.entries.is_empty() => feed,
            _ => return Err(malformed(root, &e)),
        },
    };
    // An RSS guid is the item's permalink unless it says otherwise; many
    // feeds give no other link.
    let guid_is_link = matches!(feed.feed_type, FeedType::RSS0 | FeedType::RSS2);
    Ok(feed
        .entries
        .into_iter()
        .map(|entry| item(entry, guid_is_link))
        .collect())
}

fn parse(bytes: &[u8]) -> Result<feed_rs::model::Feed, feed_rs::parser::ParseFeedError> {
    feed_rs::parser::Builder::new()
        // Missing ids stay empty: `item` supplies stable ones.
        .id_generator(|_, _, _| String::new())
        .timestamp_parser(calendar_date)
        .sanitize_content(false)
        .build()
        .parse(bytes)
}

/// `feed-rs` wants an instant in UTC; what the reader wants is the calendar
/// date as the feed wrote it, in the feed's own offset (as for JSON exports
/// and email). So the date is read as written and handed back as midnight
/// UTC of that date: only its date is used (the published date; the
/// modification date, parsed the same way, is never read).
fn calendar_date(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let date = super::json::date_str(text.trim())?;
    let naive = chrono::NaiveDate::from_ymd_opt(
        i32::from(date.year()),
        u32::try_from(date.month()).ok()?,
        u32::try_from(date.day()).ok()?,
    )?;
    Some(naive.and_hms_opt(0, 0, 0)?.and_utc())
}

/// Bytes `feed-rs` can decode: as they are when they are UTF-8, have a
/// BOM or declare an encoding other than UTF-8; otherwise (no declaration,
/// or a UTF-8 one the bytes belie) decoded as `decode` guesses.
fn transcode(bytes: &[u8]) -> Result<Cow<'_, [u8]>, RejectReason> {
    let declared = declared_encoding(bytes);
    if encoding_rs::Encoding::for_bom(bytes).is_some()
        || std::str::from_utf8(bytes).is_ok()
        || declared.is_some_and(|e| e != encoding_rs::UTF_8)
    {
        return Ok(Cow::Borrowed(bytes));
    }
    let text = super::decode::decode(bytes)?;
    Ok(Cow::Owned(text.into_bytes()))
}

/// The encoding an XML declaration names, if it names a known one.
fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let rest = bytes.trim_ascii_start().strip_prefix(b"<?xml")?;
    let decl = rest.split(|&b| b == b'>').next()?;
    let at = decl
        .windows(b"encoding".len())
        .position(|w| w == b"encoding")?;
    let value = decl.get(at + b"encoding".len()..)?.trim_ascii_start();
    let value = value.strip_prefix(b"=")?.trim_ascii_start();
    let (&quote, value) = value.split_first()?;
    let end = value.iter().position(|&b| b == quote)?;
    encoding_rs::Encoding::for_label(value.get(..end)?)
}

/// The kind of feed by its root element, for messages and repairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Root {
    Json,
    Rss,
    Rdf,
    Atom,
    Unknown,
}

impl Root {
    fn of(bytes: &[u8]) -> Root {
        let start = bytes.get(..4096.min(bytes.len())).unwrap_or_default();
        let has = |tag: &[u8]| {
            start
                .windows(tag.len())
                .any(|w| w.eq_ignore_ascii_case(tag))
        };
        if start.trim_ascii_start().starts_with(b"{") {
            Root::Json
        } else if has(b"<rss") {
            Root::Rss
        } else if has(b"<rdf:rdf") {
            Root::Rdf
        } else if has(b"<feed") {
            Root::Atom
        } else {
            Root::Unknown
        }
    }

    fn format(self) -> &'static str {
        match self {
            Root::Json => "JSON Feed",
            Root::Rss | Root::Rdf => "RSS feed",
            Root::Atom => "Atom feed",
            Root::Unknown => "feed",
        }
    }
}

/// The feed up to its last complete item, closed, when something follows
/// that item. (`feed-rs` wants the channel closed after the last item.)
fn complete_part(bytes: &[u8], root: Root) -> Option<Vec<u8>> {
    let (end_tag, closing): (&[u8], &[u8]) = match root {
        Root::Rss => (b"</item>", b"</channel></rss>"),
        Root::Rdf => (b"</item>", b"</rdf:RDF>"),
        Root::Atom => (b"</entry>", b"</feed>"),
        Root::Json | Root::Unknown => return None,
    };
    let end = bytes
        .windows(end_tag.len())
        .rposition(|w| w == end_tag)
        .map(|i| i + end_tag.len())
        .filter(|&end| end < bytes.len())?;
    let mut part = bytes.get(..end)?.to_vec();
    part.extend_from_slice(closing);
    Some(part)
}

/// The reason for a feed `feed-rs` cannot read, named by its root.
fn malformed(root: Root, e: &feed_rs::parser::ParseFeedError) -> RejectReason {
    use feed_rs::parser::{ParseErrorKind, ParseFeedError};
    let detail = match e {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => {
            "no feed root element (expected <rss version=\"2.0\">, <feed> or <rdf:RDF>, \
             or a JSON Feed object)"
                .to_owned()
        }
        ParseFeedError::JsonUnsupportedVersion(v) => {
            format!(
                "unsupported JSON Feed version {v:?} (expected https://jsonfeed.org/version/1.x)"
            )
        }
        e => e.to_string(),
    };
    RejectReason::Malformed {
        format: root.format(),
        detail,
    }
}

fn item(entry: Entry, guid_is_link: bool) -> Item {
    let title = entry.title.as_ref().map(title).filter(|t| !t.is_empty());
    let body = body(&entry);
    let url = entry
        .links
        .iter()
        .filter(|l| l.target.is_none() && l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .map(|l| l.href.trim())
        .find(|href| is_web_url(href))
        .or_else(|| Some(entry.id.trim()).filter(|id| guid_is_link && is_web_url(id)))
        .map(str::to_owned);
    let id = Some(entry.id.trim())
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .or_else(|| url.clone())
        .unwrap_or_else(|| content_hash(title.as_deref(), &body));
    Item {
        id: Some(id),
        parts: Parts {
            title,
            date: entry.published.and_then(written_date),
            url,
            body,
        },
        raw: None,
    }
}

/// `feed-rs` types Atom's `xhtml` as `application/xhtml`.
fn is_html_type(essence: &str) -> bool {
    matches!(
        essence,
        "text/html" | "application/xhtml" | "application/xhtml+xml"
    )
}

fn title(text: &Text) -> String {
    let essence = text.content_type.essence().to_string();
    let content = text.content.as_str();
    let plain = if is_html_type(&essence) && looks_html(content) {
        super::page::fragment(content)
    } else {
        html_escape::decode_html_entities(content).into_owned()
    };
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The entry's content, else its summary.
fn body(entry: &Entry) -> Body {
    let content = entry.content.as_ref().and_then(|c| {
        let essence = c.content_type.essence().to_string();
        let html = is_html_type(&essence);
        if !html && essence != "text/plain" {
            // Base64 media or a link to elsewhere: no text here.
            return None;
        }
        c.body.as_deref().map(|b| (b, html))
    });
    let summary = entry.summary.as_ref().map(|s| {
        (
            s.content.as_str(),
            is_html_type(&s.content_type.essence().to_string()),
        )
    });
    let Some((text, html)) = content.filter(|(b, _)| !b.trim().is_empty()).or(summary) else {
        return Body::default();
    };
    let text = text.trim();
    match html {
        true if looks_html(text) => Body::Html(text.to_owned()),
        true => Body::Text(html_escape::decode_html_entities(text).into_owned()),
        false => Body::Text(text.to_owned()),
    }
}

/// A stable id for an entry without id or link.
fn content_hash(title: Option<&str>, body: &Body) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(title.unwrap_or_default().as_bytes());
    hasher.update(b"\0");
    match body {
        Body::Text(t) | Body::Html(t) => hasher.update(t.as_bytes()),
    };
    let hex = hasher.finalize().to_hex();
    format!("sha:{}", hex.get(..16).unwrap_or_default())
}

/// The date [`calendar_date`] handed to `feed-rs`.
fn written_date(instant: chrono::DateTime<chrono::Utc>) -> Option<Date> {
    use chrono::Datelike;
    let d = instant.date_naive();
    Date::new(
        i16::try_from(d.year()).ok()?,
        i8::try_from(d.month()).ok()?,
        i8::try_from(d.day()).ok()?,
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use std::time::{Duration, Instant};

    fn read(text: &str) -> Vec<Item> {
        match items(text.as_bytes()) {
            Ok(items) => items,
            Err(e) => panic!("{e}"),
        }
    }

    fn malformed_of(bytes: &[u8]) -> (&'static str, String) {
        match items(bytes) {
            Err(RejectReason::Malformed { format, detail }) => (format, detail),
            other => panic!("{other:?}"),
        }
    }

    const WIRE_RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Northern Wire: World</title>
  <link>https://wire.example.org/world</link>
  <description>World news from Northern Wire</description>
  <item>
    <title>Foreign minister offers to host talks in Valdmora</title>
    <link>https://wire.example.org/2026/03/03/valdmora-offer</link>
    <guid isPermaLink="false">nw-2026-0303-117</guid>
    <pubDate>Tue, 03 Mar 2026 09:00:00 +0100</pubDate>
    <description>The minister said his capital stood ready.</description>
    <content:encoded><![CDATA[<p>VALDMORA — The foreign minister of Estravia said on Tuesday that his capital
would welcome both delegations.</p><p>"We are ready to host the first round," he said.</p>]]></content:encoded>
  </item>
  <item>
    <title>Envoys &amp;amp; mediators weigh Portsel as a neutral venue</title>
    <link>https://wire.example.org/2026/03/04/portsel</link>
    <pubDate>Wed, 04 Mar 2026 23:30:00 -0500</pubDate>
    <description>&lt;p&gt;Envoys met in &lt;b&gt;Portsel&lt;/b&gt;.&lt;/p&gt;</description>
  </item>
  <item>
    <title>Talks postponed</title>
    <description>No new date was given.

Officials said a venue was still being discussed &amp;amp; would be named soon.</description>
    <comments>https://wire.example.org/comments/3</comments>
  </item>
</channel>
</rss>"#;

    #[test]
    fn wire_service_rss() {
        let items = read(WIRE_RSS);
        assert_eq!(items.len(), 3);
        let first = &items[0];
        assert_eq!(first.id.as_deref(), Some("nw-2026-0303-117"));
        assert_eq!(
            first.parts.title.as_deref(),
            Some("Foreign minister offers to host talks in Valdmora")
        );
        assert_eq!(first.parts.date, Some(date(2026, 3, 3)));
        assert_eq!(
            first.parts.url.as_deref(),
            Some("https://wire.example.org/2026/03/03/valdmora-offer")
        );
        assert!(
            matches!(&first.parts.body, Body::Html(h) if h.starts_with("<p>VALDMORA") && h.ends_with("he said.</p>")),
            "{:?}",
            first.parts.body
        );
        let second = &items[1];
        // No guid: the link is the id.
        assert_eq!(
            second.id.as_deref(),
            Some("https://wire.example.org/2026/03/04/portsel")
        );
        assert_eq!(
            second.parts.title.as_deref(),
            Some("Envoys & mediators weigh Portsel as a neutral venue")
        );
        // 23:30 at -05:00 is the next day in UTC, but the date as written
        // is the story's.
        assert_eq!(second.parts.date, Some(date(2026, 3, 4)));
        assert_eq!(
            second.parts.body,
            Body::Html("<p>Envoys met in <b>Portsel</b>.</p>".into())
        );
        let third = &items[2];
        // Neither guid nor link: a hash of what it says, the same every time.
        assert!(third.id.as_deref().is_some_and(|id| id.starts_with("sha:")));
        assert_eq!(read(WIRE_RSS)[2].id, third.id);
        assert_eq!(third.parts.url, None);
        assert_eq!(third.parts.date, None);
        assert_eq!(
            third.parts.body,
            Body::Text(
                "No new date was given.\n\nOfficials said a venue was still being discussed & would be named soon."
                    .into()
            )
        );
        for item in &items {
            assert_eq!(item.raw, None);
        }
    }

    const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Harbour Times</title>
  <id>tag:harbour.example.com,2026:feed</id>
  <updated>2026-03-09T12:00:00Z</updated>
  <entry>
    <title type="html">Envoys name &lt;em&gt;Portsel&lt;/em&gt;</title>
    <id>tag:harbour.example.com,2026:story-41</id>
    <link rel="alternate" type="text/html" href="https://harbour.example.com/2026/envoys"/>
    <link rel="enclosure" href="https://harbour.example.com/photo.jpg"/>
    <published>2026-03-02T18:00:00+01:00</published>
    <updated>2026-03-09T08:00:00Z</updated>
    <summary>Short summary.</summary>
    <content type="html">&lt;p&gt;Envoys named Portsel as the venue.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Corrected: ceasefire terms</title>
    <id>tag:harbour.example.com,2026:story-42</id>
    <link rel="related" href="https://harbour.example.com/other"/>
    <link href="https://harbour.example.com/2026/terms"/>
    <updated>2026-03-08T08:00:00Z</updated>
    <summary type="text">Plain summary with a line.

And a second paragraph.</summary>
  </entry>
  <entry>
    <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Talks <b>resume</b></div></title>
    <id>tag:harbour.example.com,2026:story-43</id>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Delegations returned.</p></div></content>
  </entry>
</feed>"#;

    #[test]
    fn atom_feed() {
        let items = read(ATOM);

        assert_eq!(items.len(), 3);
        let first = &items[0];
        assert_eq!(
            first.id.as_deref(),
            Some("tag:harbour.example.com,2026:story-41")
        );
        assert_eq!(first.parts.date, Some(date(2026, 3, 2)));
        assert_eq!(
            first.parts.url.as_deref(),
            Some("https://harbour.example.com/2026/envoys")
        );
        assert_eq!(
            first.parts.body,
            Body::Html("<p>Envoys named Portsel as the venue.</p>".into())
        );
        let second = &items[1];
        // atom:updated is a modification date, not the publication date.
        assert_eq!(second.parts.date, None);
        assert_eq!(
            second.parts.url.as_deref(),
            Some("https://harbour.example.com/2026/terms")
        );
        assert_eq!(
            second.parts.body,
            Body::Text("Plain summary with a line.\n\nAnd a second paragraph.".into())
        );
        let third = &items[2];
        assert!(
            matches!(&third.parts.body, Body::Html(h) if h.contains("<p>Delegations returned.</p>"))
        );
        assert!(third.parts.title.is_some());
    }

    const JSON_FEED: &str = r#"{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Coastal Dispatch",
  "home_page_url": "https://dispatch.example.net/",
  "items": [
    {
      "id": "2026-03-03-venue",
      "url": "https://dispatch.example.net/2026/03/03/venue",
      "title": "Minister proposes Valdmora",
      "content_html": "<p>The minister proposed Valdmora for the talks.</p>",
      "summary": "Valdmora proposed.",
      "date_published": "2026-03-03T10:00:00Z",
      "date_modified": "2026-03-07T10:00:00Z"
    },
    {
      "id": "2026-03-04-reply",
      "title": "Rival camp answers",
      "content_text": "The rival camp said it would consider the offer.\n\nIt gave no date.",
      "date_modified": "2026-03-05T10:00:00Z"
    }
  ]
}"#;

    #[test]
    fn json_feed() {
        let items = read(JSON_FEED);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].id.as_deref(), Some("2026-03-03-venue"));
        assert_eq!(items[0].parts.date, Some(date(2026, 3, 3)));
        assert_eq!(
            items[0].parts.body,
            Body::Html("<p>The minister proposed Valdmora for the talks.</p>".into())
        );
        assert_eq!(items[1].parts.date, None);
        assert_eq!(
            items[1].parts.body,
            Body::Text(
                "The rival camp said it would consider the offer.\n\nIt gave no date.".into()
            )
        );
        assert_eq!(items[1].parts.url, None);
    }

    #[test]
    fn items_read_back_alone_through_read_file() {
        let mtime = date(2000, 1, 1);
        for (feed, name) in [
            (WIRE_RSS, "wire.xml"),
            (ATOM, "harbour.atom"),
            (JSON_FEED, "dispatch.json"),
        ] {
            let entries = crate::article::read_file(feed.as_bytes(), name, mtime).unwrap();
            assert!(entries.len() >= 2, "{name}");
            for entry in entries {
                assert!(entry.item.is_some());
                let raw = entry.raw.clone().unwrap();
                let again = crate::article::read_file(&raw, name, mtime).unwrap();
                assert_eq!(again.len(), 1);
                assert_eq!((&again[0].item, &again[0].raw), (&None, &None));
                assert_eq!(
                    again[0].article,
                    entry.article,
                    "{name}: {}",
                    String::from_utf8_lossy(&raw)
                );
            }
        }
    }

    #[test]
    fn publication_dates_as_written() {
        for (written, want) in [
            ("Tue, 03 Mar 2026 09:00:00 +0100", Some(date(2026, 3, 3))),
            ("Tue, 3 Mar 2026 23:59:00 -1100", Some(date(2026, 3, 3))),
            ("Tue, 03 Mar 2026 00:30:00 +1300", Some(date(2026, 3, 3))),
            ("Tue, 03 Mar 2026 09:00:00 GMT", Some(date(2026, 3, 3))),
            ("03 Mar 2026 09:00 EST", Some(date(2026, 3, 3))),
            // A wrong weekday still gives the date it states.
            ("Wed, 03 Mar 2026 09:00:00 +0000", Some(date(2026, 3, 3))),
            ("2026-03-03T09:00:00Z", Some(date(2026, 3, 3))),
            ("2026-03-03", Some(date(2026, 3, 3))),
            ("March 3, 2026", Some(date(2026, 3, 3))),
            ("soon", None),
            ("", None),
        ] {
            let rss = format!(
                "<rss version=\"2.0\"><channel><item><title>t</title><pubDate>{written}</pubDate></item></channel></rss>"
            );
            assert_eq!(read(&rss)[0].parts.date, want, "{written}");
        }
    }

    #[test]
    fn rss_guid_as_permalink() {
        let rss = "<rss version=\"2.0\"><channel><item><title>t</title>\
            <guid>https://wire.example.org/p/42</guid></item></channel></rss>";
        let item = &read(rss)[0];
        assert_eq!(
            item.parts.url.as_deref(),
            Some("https://wire.example.org/p/42")
        );
        assert_eq!(item.id.as_deref(), Some("https://wire.example.org/p/42"));
    }

    #[test]
    fn rss1_rdf() {
        let rdf = r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://old.example.org/"><title>Old</title><link>https://old.example.org/</link><description>d</description></channel>
  <item rdf:about="https://old.example.org/1">
    <title>Summit venue agreed</title>
    <link>https://old.example.org/1</link>
    <description>Both sides agreed on Portsel.</description>
    <dc:date>2026-03-01T10:00:00+00:00</dc:date>
  </item>
</rdf:RDF>"#;
        let items = read(rdf);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].id.as_deref(), Some("https://old.example.org/1"));
        assert_eq!(items[0].parts.date, Some(date(2026, 3, 1)));
        assert_eq!(
            items[0].parts.body,
            Body::Text("Both sides agreed on Portsel.".into())
        );
    }

    #[test]
    fn legacy_encodings() {
        let rss = |decl: &str| {
            let mut bytes = format!(
                "<?xml version=\"1.0\"{decl}?>\n<rss version=\"2.0\"><channel><title>t</title><item>\
                 <title>Caf"
            )
            .into_bytes();
            bytes.extend(b"\xE9 talks \x93soon\x94</title><description>Na\xEFve</description></item></channel></rss>");
            bytes
        };
        for decl in [
            " encoding=\"windows-1252\"",
            " encoding='ISO-8859-1'",
            " encoding = \"latin1\"",
            "",
            // Mislabelled: the bytes are not UTF-8.
            " encoding=\"UTF-8\"",
        ] {
            let items = match super::items(&rss(decl)) {
                Ok(items) => items,
                Err(e) => panic!("{decl}: {e}"),
            };
            assert_eq!(
                items[0].parts.title.as_deref(),
                Some("Café talks “soon”"),
                "{decl}"
            );
            assert_eq!(items[0].parts.body, Body::Text("Naïve".into()));
        }
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(
            WIRE_RSS
                .replace("UTF-8", "UTF-16")
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        let items = match super::items(&utf16) {
            Ok(items) => items,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(items.len(), 3);
    }

    #[test]
    fn entity_bomb_is_not_expanded() {
        let mut bomb =
            String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
        bomb.push_str(" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
        for i in 2..10 {
            let prev = format!("&lol{};", i - 1).repeat(10);
            bomb.push_str(&format!(" <!ENTITY lol{i} \"{prev}\">\n"));
        }
        bomb.push_str("]>\n<rss version=\"2.0\"><channel><title>&lol9;</title>\
            <item><title>Bomb &lol9;</title><description>&lol9;&lol9;</description></item></channel></rss>");
        let start = Instant::now();
        let items = read(&bomb);
        assert!(start.elapsed() < Duration::from_secs(2));
        assert_eq!(items[0].parts.title.as_deref(), Some("Bomb &lol9;"));
        assert_eq!(items[0].parts.body, Body::Text("&lol9;&lol9;".into()));
        // An external entity is not fetched or read either.
        let xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\
            <rss version=\"2.0\"><channel><item><title>&x;</title></item></channel></rss>";
        assert_eq!(read(xxe)[0].parts.title.as_deref(), Some("&x;"));
    }

    #[test]
    fn truncated_feeds_keep_complete_items() {
        let cut = WIRE_RSS.find("<title>Talks postponed").unwrap_or(0) + 10;
        let items = read(&WIRE_RSS[..cut]);
        assert_eq!(items.len(), 2);
        // Cut inside the first item: nothing complete to keep.
        let cut = WIRE_RSS.find("<guid").unwrap_or(0) + 3;
        let (format, detail) = malformed_of(&WIRE_RSS.as_bytes()[..cut]);
        assert_eq!(format, "RSS feed");
        assert!(detail.contains("unable to parse XML"), "{detail}");
        let cut = ATOM.find("<published>").unwrap_or(0);
        let (format, _) = malformed_of(&ATOM.as_bytes()[..cut - 5]);
        assert_eq!(format, "Atom feed");
        let (format, detail) = malformed_of(&JSON_FEED.as_bytes()[..200]);
        assert_eq!(format, "JSON Feed");
        assert!(detail.contains("line"), "{detail}");
    }

    #[test]
    fn other_malformed_feeds() {
        let (format, detail) = malformed_of(
            b"<rss version=\"2.0\"><channel><item><title>a</titl></item></channel></rss>",
        );
        assert_eq!(format, "RSS feed");
        assert!(detail.contains("</title>"), "{detail}");
        let (format, detail) = malformed_of(b"<html><body>not a feed</body></html>");
        assert_eq!(format, "feed");
        assert!(detail.starts_with("no feed root element"), "{detail}");
        let (format, detail) = malformed_of(
            b"{\"version\": \"https://jsonfeed.org/version/2\", \"title\": \"x\", \"items\": []}",
        );
        assert_eq!(format, "JSON Feed");
        assert!(detail.contains("unsupported JSON Feed version"), "{detail}");
        assert!(items(b"\0\0\0\x01\x02").is_err());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        std::thread::spawn(|| {
            // quick-xml refuses nesting deeper than 65,535: under it, no
            // recursion; over it, a clean error.
            let depth = 60_000;
            let feed = format!(
                "<rss version=\"2.0\"><channel><item><title>Deep</title><x>{}{}</x>\
                 <description>ok</description></item></channel></rss>",
                "<d>".repeat(depth),
                "</d>".repeat(depth)
            );
            let items = read(&feed);
            assert_eq!(items[0].parts.body, Body::Text("ok".into()));
            let atom = format!(
                "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id><title>t</title>\
                 <content type=\"xhtml\">{}{}</content></entry></feed>",
                "<div>".repeat(depth),
                "</div>".repeat(depth)
            );
            let items = read(&atom);
            assert_eq!(items.len(), 1);
            let deeper = format!(
                "<rss version=\"2.0\"><channel><item><title>x</title></item><item>{}{}</item></channel></rss>",
                "<d>".repeat(100_000),
                "</d>".repeat(100_000)
            );
            let (_, detail) = malformed_of(deeper.as_bytes());
            assert!(detail.contains("nests elements deeper"), "{detail}");
            // Unclosed to the end: whatever it gives, it returns.
            let unclosed = format!("<rss version=\"2.0\"><channel><item>{}", "<d>".repeat(depth));
            let _ = super::items(unclosed.as_bytes());
        })
        .join()
        .expect("no stack overflow");
    }

    #[test]
    fn a_hundred_thousand_items_in_linear_time() {
        let build = |n: usize| {
            let mut feed = String::from(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title>\n",
            );
            for i in 0..n {
                feed.push_str(&format!(
                    "<item><title>Story {i}</title><link>https://big.example.org/{i}</link>\
                     <guid>big-{i}</guid><pubDate>Tue, 03 Mar 2026 09:00:00 +0000</pubDate>\
                     <description>&lt;p&gt;Envoys met for round {i}.&lt;/p&gt;</description></item>\n"
                ));
            }
            feed.push_str("</channel></rss>");
            feed
        };
        let small = build(10_000);
        let start = Instant::now();
        assert_eq!(read(&small).len(), 10_000);
        let ten_thousand = start.elapsed();
        let big = build(100_000);
        let start = Instant::now();
        let items = read(&big);
        let hundred_thousand = start.elapsed();
        assert_eq!(items.len(), 100_000);
        assert_eq!(items[99_999].id.as_deref(), Some("big-99999"));
        println!(
            "RSS: 10,000 items ({} KiB) in {ten_thousand:?}, 100,000 items ({} KiB) in {hundred_thousand:?}",
            small.len() / 1024,
            big.len() / 1024
        );
        // Linear: ten times the items in well under a hundred times the time.
        assert!(hundred_thousand < ten_thousand * 30 + Duration::from_millis(200));
    }
}
