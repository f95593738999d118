//! Which format a file is in, from its first bytes (the name only breaks
//! ties), and the by-name rejection of files that are not articles at all.
//!
//! # Order of the checks
//! 1. Magic bytes of known non-article files (PDF, images, office files,
//!    archives, databases, audio and video, programs): rejected with
//!    [`RejectReason::Unsupported`] naming the kind. Other binary content
//!    falls through to [`Format::Text`], whose decoder rejects it.
//! 2. Text (after a BOM and leading white space; UTF-16 with a BOM is
//!    decoded for its first KiB): markup is a feed (`<rss`, `<feed`,
//!    `<rdf:RDF` as the root element, past the XML declaration, comments
//!    and DOCTYPE) or an HTML page (an HTML DOCTYPE or tag first); `{` or
//!    `[` opening a JSON value is a JSON Feed, JSON Lines or a JSON export;
//!    a block of mail headers followed by a blank line is an email.
//! 3. Ties: `.html`/`.htm`/`.xhtml` with a tag in the first KiB is HTML,
//!    `.rss`/`.atom` markup a feed, `.jsonl`/`.ndjson`/`.jsonlines` JSON
//!    Lines, `.json` anything JSON-like, `.eml` an email.
//! 4. Everything else is plain text: articles saved as text often open with
//!    a `date 2026-03-04` line or a headline, which match none of the above.

use super::RejectReason;

/// An article file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    /// Plain text.
    Text,
    /// An HTML or XHTML page.
    Html,
    /// An RSS 2.0, Atom or JSON Feed file.
    Feed,
    /// A JSON export (`lines: false`: one value; `true`: JSON Lines).
    Json { lines: bool },
    /// One email message.
    Email,
}

/// How much of the start of a file is examined for text formats. Mail
/// headers (long `Received:` and signature chains) can be this long.
const HEAD: usize = 64 * 1024;
/// Markup and JSON Feed markers are looked for this near the start.
const NEAR: usize = 4 * 1024;
/// A tag in this many bytes makes an `.html` file HTML.
const TAG_WINDOW: usize = 1024;

/// The format of `bytes`, named `name`.
pub(super) fn sniff(bytes: &[u8], name: &str) -> Result<Format, RejectReason> {
    // A BOM says text (UTF-16 LE's `FF FE` would pass for an MP3 frame).
    let bom = encoding_rs::Encoding::for_bom(bytes).is_some();
    if let Some(kind) = unsupported(bytes).filter(|_| !bom) {
        return Err(RejectReason::Unsupported(kind));
    }
    let ext = extension(name);
    let (head, body) = head(bytes);
    let text = head.trim_start();

    if text.starts_with('<') {
        if let Some(format) = markup(text, &ext) {
            return Ok(format);
        }
    }
    if let Some(lines) = json_start(text, &ext) {
        if json_feed(text) {
            return Ok(Format::Feed);
        }
        let lines = lines || json_lines(body.map_or(text.as_bytes(), <[u8]>::trim_ascii_start));
        return Ok(Format::Json { lines });
    }
    if mail_headers(text) {
        return Ok(Format::Email);
    }
    if matches!(ext.as_str(), "html" | "htm" | "xhtml" | "shtml") && has_tag(text) {
        return Ok(Format::Html);
    }
    if ext == "eml" {
        return Ok(Format::Email);
    }
    Ok(Format::Text)
}

/// The lower-cased extension of a file name, without the dot.
fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default()
}

/// The start of the file as text, without a BOM; and, when the file is in
/// an ASCII-compatible encoding, its bytes after the BOM (for checks that
/// must see a whole first line).
fn head(bytes: &[u8]) -> (String, Option<&[u8]>) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let rest = bytes.get(bom..).unwrap_or_default();
        if encoding != encoding_rs::UTF_8 {
            let first = rest.get(..TAG_WINDOW.min(rest.len())).unwrap_or_default();
            let (text, _) = encoding.decode_without_bom_handling(first);
            return (text.into_owned(), None);
        }
        return (lossy_prefix(rest), Some(rest));
    }
    (lossy_prefix(bytes), Some(bytes))
}

fn lossy_prefix(bytes: &[u8]) -> String {
    let prefix = bytes.get(..HEAD.min(bytes.len())).unwrap_or_default();
    String::from_utf8_lossy(prefix).into_owned()
}

/// The name of a known kind of file that is not an article, by its magic
/// bytes.
fn unsupported(b: &[u8]) -> Option<&'static str> {
    let at = |offset: usize, magic: &[u8]| b.get(offset..offset + magic.len()) == Some(magic);
    let kind = if at(0, b"%PDF-") {
        "PDF"
    } else if at(0, b"\x89PNG\r\n\x1a\n") {
        "a PNG image"
    } else if at(0, b"\xFF\xD8\xFF") {
        "a JPEG image"
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        "a GIF image"
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        "a WebP image"
    } else if at(0, b"RIFF") && at(8, b"WAVE") {
        "a WAV audio file"
    } else if at(0, b"RIFF") && at(8, b"AVI ") {
        "an AVI video"
    } else if at(0, b"II*\0") || at(0, b"MM\0*") {
        "a TIFF image"
    } else if at(0, b"BM") && at(6, b"\0\0\0\0") {
        // Bytes 6..10 of a BMP header are reserved zeros; "BM" alone could
        // open a text.
        "a BMP image"
    } else if at(0, b"\0\0\x01\0") {
        "an icon (ICO)"
    } else if at(0, b"PK\x03\x04") || at(0, b"PK\x05\x06") || at(0, b"PK\x07\x08") {
        zip_kind(b)
    } else if at(0, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        "an Office 97-2003 document"
    } else if at(0, b"{\\rtf") {
        "an RTF document"
    } else if at(0, b"\x1F\x8B") {
        "a gzip archive"
    } else if at(0, b"BZh") && at(4, b"1AY&SY") {
        "a bzip2 archive"
    } else if at(0, b"\xFD7zXZ\0") {
        "an xz archive"
    } else if at(0, b"\x28\xB5\x2F\xFD") {
        "a zstd archive"
    } else if at(0, b"7z\xBC\xAF\x27\x1C") {
        "a 7-Zip archive"
    } else if at(0, b"Rar!\x1A\x07") {
        "a RAR archive"
    } else if at(257, b"ustar\0") || at(257, b"ustar  ") {
        "a tar archive"
    } else if at(0, b"SQLite format 3\0") {
        "an SQLite database"
    } else if at(0, b"ID3") || mp3_frame(b) {
        "an MP3 audio file"
    } else if at(4, b"ftyp") {
        mp4_kind(b)
    } else if at(0, b"OggS") {
        "an Ogg audio file"
    } else if at(0, b"fLaC") {
        "a FLAC audio file"
    } else if at(0, b"\x1A\x45\xDF\xA3") {
        "a Matroska or WebM video"
    } else if at(0, b"\x7FELF") {
        "a program (ELF)"
    } else {
        return None;
    };
    Some(kind)
}

/// An MPEG audio frame header without an ID3 tag: 11 set sync bits.
fn mp3_frame(b: &[u8]) -> bool {
    matches!(b, [0xFF, second, ..] if second & 0xE0 == 0xE0)
}

/// ZIP-based formats tell themselves apart by the names of their first
/// entries (and EPUB and OpenDocument by a stored `mimetype` entry first).
fn zip_kind(b: &[u8]) -> &'static str {
    let start = b.get(..HEAD.min(b.len())).unwrap_or_default();
    let has = |needle: &[u8]| start.windows(needle.len()).any(|w| w == needle);
    if has(b"mimetypeapplication/epub+zip") {
        "an EPUB book"
    } else if has(b"mimetypeapplication/vnd.oasis.opendocument") {
        "an OpenDocument file"
    } else if has(b"word/") {
        "a Word document (.docx)"
    } else if has(b"xl/") {
        "an Excel workbook (.xlsx)"
    } else if has(b"ppt/") {
        "a PowerPoint file (.pptx)"
    } else {
        "a ZIP archive"
    }
}

/// ISO base media files by their major brand.
fn mp4_kind(b: &[u8]) -> &'static str {
    match b.get(8..12) {
        Some(b"heic" | b"heix" | b"mif1") => "a HEIC image",
        Some(b"avif") => "an AVIF image",
        Some(b"M4A ") => "an M4A audio file",
        Some(b"qt  ") => "a QuickTime video",
        _ => "an MP4 video",
    }
}

/// `text` starts with `<`: a feed, an HTML page, or neither (`None`).
fn markup(text: &str, ext: &str) -> Option<Format> {
    let near = prefix(text, NEAR);
    match root(near) {
        Root::Doctype => Some(Format::Html),
        Root::Element(name) => {
            if matches!(name.as_str(), "rss" | "feed" | "rdf:rdf" | "entry") {
                Some(Format::Feed)
            } else if HTML_TAGS.contains(&name.as_str()) {
                Some(Format::Html)
            } else {
                by_name_markup(ext, near)
            }
        }
        Root::Unknown => {
            // The prolog went on past the window: look for the root's tag.
            let lower = near.to_ascii_lowercase();
            if ["<rss", "<feed", "<rdf:rdf"]
                .iter()
                .any(|t| lower.contains(t))
            {
                Some(Format::Feed)
            } else if lower.contains("<html") {
                Some(Format::Html)
            } else {
                by_name_markup(ext, near)
            }
        }
    }
}

fn by_name_markup(ext: &str, text: &str) -> Option<Format> {
    match ext {
        "rss" | "atom" => Some(Format::Feed),
        "html" | "htm" | "xhtml" | "shtml" if has_tag(text) => Some(Format::Html),
        _ => None,
    }
}

/// Tags that open HTML documents or fragments saved as pages.
const HTML_TAGS: &[&str] = &[
    "html",
    "head",
    "body",
    "meta",
    "title",
    "link",
    "base",
    "script",
    "style",
    "noscript",
    "div",
    "p",
    "span",
    "a",
    "b",
    "i",
    "em",
    "strong",
    "font",
    "center",
    "br",
    "hr",
    "img",
    "article",
    "main",
    "section",
    "header",
    "footer",
    "nav",
    "aside",
    "figure",
    "form",
    "iframe",
    "table",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
];

enum Root {
    /// `<!DOCTYPE html ...>`.
    Doctype,
    /// The first element's lower-cased name (empty when `<` opens no tag).
    Element(String),
    /// The prolog does not end in the text.
    Unknown,
}

/// Skips the XML declaration, processing instructions, comments and a
/// non-HTML DOCTYPE (with its internal subset, whose entities are never
/// expanded here) to the first element.
fn root(mut s: &str) -> Root {
    loop {
        s = s.trim_start();
        let skipped = if s.starts_with("<?") {
            after(s, "?>")
        } else if s.starts_with("<!--") {
            after(s, "-->")
        } else if starts_with_ci(s, "<!doctype") {
            let rest = s.get("<!doctype".len()..).unwrap_or_default().trim_start();
            if starts_with_ci(rest, "html") {
                return Root::Doctype;
            }
            match (rest.find('['), rest.find('>')) {
                (Some(open), Some(close)) if open < close => rest
                    .get(open..)
                    .and_then(|r| after(r, "]"))
                    .and_then(|r| after(r, ">")),
                _ => after(rest, ">"),
            }
        } else {
            let name: String = s
                .get(1..)
                .unwrap_or_default()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_'))
                .collect();
            return Root::Element(name.to_ascii_lowercase());
        };
        match skipped {
            Some(rest) => s = rest,
            None => return Root::Unknown,
        }
    }
}

/// The text after the first `end`.
fn after<'a>(s: &'a str, end: &str) -> Option<&'a str> {
    s.find(end).and_then(|i| s.get(i + end.len()..))
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// At most `max` bytes of `s`, cut at a character boundary.
fn prefix(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

/// A tag (`<` and a letter, `/` or `!`) in the first KiB.
fn has_tag(text: &str) -> bool {
    prefix(text, TAG_WINDOW)
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!')))
}

/// Whether the text opens a JSON value, and whether the name says JSON
/// Lines. A `{` must open an object (a string key or `}`) and a `[` an
/// array of objects, arrays or strings, or be empty: a plain-text article
/// may open with "[Updated]". Numbers after `[` count only for a `.json`.
fn json_start(text: &str, ext: &str) -> Option<bool> {
    let lines = matches!(ext, "jsonl" | "ndjson" | "jsonlines");
    let json_name = lines || ext == "json";
    let mut chars = text.chars();
    let first = chars.next()?;
    let next = chars.as_str().trim_start().chars().next();
    let opens = match first {
        '{' => matches!(next, Some('"' | '}')),
        '[' => match next {
            Some('{' | '[' | '"' | ']') => true,
            Some(c) => json_name && (c.is_ascii_digit() || c == '-'),
            None => false,
        },
        _ => false,
    };
    (opens || (json_name && matches!(first, '{' | '['))).then_some(lines)
}

/// A JSON Feed states its version near the start.
fn json_feed(text: &str) -> bool {
    let near = prefix(text, NEAR).replace("\\/", "/");
    let mut rest = near.as_str();
    while let Some(i) = rest.find("\"version\"") {
        rest = rest.get(i + "\"version\"".len()..).unwrap_or_default();
        let value = rest.trim_start();
        if let Some(value) = value.strip_prefix(':') {
            if value
                .trim_start()
                .starts_with("\"https://jsonfeed.org/version/1")
            {
                return true;
            }
        }
    }
    false
}

/// JSON Lines without a telling name: the first line is a whole JSON value
/// by itself and the next non-empty line opens another object.
fn json_lines(bytes: &[u8]) -> bool {
    let mut lines = bytes.split(|&b| b == b'\n');
    let Some(first) = lines.next() else {
        return false;
    };
    let next_opens_object = lines
        .map(|l| l.trim_ascii())
        .find(|l| !l.is_empty())
        .is_some_and(|l| l.starts_with(b"{"));
    next_opens_object && serde_json::from_slice::<serde::de::IgnoredAny>(first).is_ok()
}

/// Mail header fields that almost every message has and articles do not.
const KEY_HEADERS: &[&str] = &[
    "from",
    "date",
    "subject",
    "mime-version",
    "received",
    "message-id",
];

/// The text opens with at least 3 header fields (`Name: value`, folded
/// lines allowed) ending at a blank line, at least two of them
/// [`KEY_HEADERS`]. A head that ends inside the headers counts as ending
/// there.
fn mail_headers(text: &str) -> bool {
    let mut fields = 0usize;
    let mut keys: Vec<&str> = Vec::new();
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if fields == 0 {
                return false;
            }
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            // The window may cut the last line short.
            if lines.peek().is_none() {
                break;
            }
            return false;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
            return false;
        }
        fields += 1;
        if let Some(key) = KEY_HEADERS.iter().find(|k| k.eq_ignore_ascii_case(name)) {
            if !keys.contains(key) {
                keys.push(key);
            }
        }
    }
    fields >= 3 && keys.len() >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(bytes: &[u8], name: &str) -> Format {
        match sniff(bytes, name) {
            Ok(f) => f,
            Err(e) => panic!("{name}: rejected: {e}"),
        }
    }

    fn rejected(bytes: &[u8]) -> &'static str {
        match sniff(bytes, "file.bin") {
            Err(RejectReason::Unsupported(kind)) => kind,
            other => panic!("{bytes:?}: {other:?}"),
        }
    }

    #[test]
    fn non_articles_are_rejected_by_name() {
        let mut tar = vec![b'a'; 600];
        tar[257..263].copy_from_slice(b"ustar\0");
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"%PDF-1.7\n%\xE2\xE3".to_vec(), "PDF"),
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), "a PNG image"),
            (b"\xFF\xD8\xFF\xE0\0\x10JFIF".to_vec(), "a JPEG image"),
            (b"GIF89a\x01\0".to_vec(), "a GIF image"),
            (b"RIFF\x10\0\0\0WEBPVP8 ".to_vec(), "a WebP image"),
            (b"II*\0\x08\0\0\0".to_vec(), "a TIFF image"),
            (b"BM\x36\0\0\0\0\0\0\0\x36\0".to_vec(), "a BMP image"),
            (b"\0\0\x01\0\x01\0".to_vec(), "an icon (ICO)"),
            (
                b"PK\x03\x04\x14\0\0\0\x08\0[Content_Types].xml...PK\x03\x04word/document.xml"
                    .to_vec(),
                "a Word document (.docx)",
            ),
            (
                b"PK\x03\x04\x14\0xl/workbook.xml".to_vec(),
                "an Excel workbook (.xlsx)",
            ),
            (
                b"PK\x03\x04\x14\0ppt/slides/slide1.xml".to_vec(),
                "a PowerPoint file (.pptx)",
            ),
            (
                b"PK\x03\x04\n\0\0\0\0\0mimetypeapplication/epub+zipPK".to_vec(),
                "an EPUB book",
            ),
            (
                b"PK\x03\x04\n\0\0\0\0\0mimetypeapplication/vnd.oasis.opendocument.text".to_vec(),
                "an OpenDocument file",
            ),
            (b"PK\x03\x04\x14\0notes.txt".to_vec(), "a ZIP archive"),
            (
                b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0".to_vec(),
                "an Office 97-2003 document",
            ),
            (
                b"{\\rtf1\\ansi\\deff0 {\\fonttbl}".to_vec(),
                "an RTF document",
            ),
            (b"\x1F\x8B\x08\0\0\0".to_vec(), "a gzip archive"),
            (b"BZh91AY&SY\x01".to_vec(), "a bzip2 archive"),
            (b"\xFD7zXZ\0\0\x04".to_vec(), "an xz archive"),
            (b"\x28\xB5\x2F\xFD\x04\0".to_vec(), "a zstd archive"),
            (b"7z\xBC\xAF\x27\x1C\0\x04".to_vec(), "a 7-Zip archive"),
            (b"Rar!\x1A\x07\x01\0".to_vec(), "a RAR archive"),
            (tar, "a tar archive"),
            (b"SQLite format 3\0\x10\0".to_vec(), "an SQLite database"),
            (b"ID3\x04\0\0\0\0\0\x23".to_vec(), "an MP3 audio file"),
            (b"\xFF\xFB\x90\x64\0".to_vec(), "an MP3 audio file"),
            (b"\0\0\0\x20ftypisom\0\0\x02\0".to_vec(), "an MP4 video"),
            (
                b"\0\0\0\x20ftypM4A \0\0\x02\0".to_vec(),
                "an M4A audio file",
            ),
            (b"OggS\0\x02\0\0".to_vec(), "an Ogg audio file"),
            (b"RIFF\x24\0\0\0WAVEfmt ".to_vec(), "a WAV audio file"),
            (b"fLaC\0\0\0\x22".to_vec(), "a FLAC audio file"),
            (b"\x7FELF\x02\x01\x01\0".to_vec(), "a program (ELF)"),
        ];
        for (bytes, want) in cases {
            assert_eq!(rejected(&bytes), want);
            let message = RejectReason::Unsupported(want).to_string();
            assert!(message.starts_with(&format!("{want} is not supported")));
        }
    }

    #[test]
    fn other_binary_falls_through_to_text() {
        assert_eq!(format(b"\0\x01\x02\x03garbage", "x.dat"), Format::Text);
        assert_eq!(format(b"", "empty.txt"), Format::Text);
        // Text that happens to open like a magic number stays text.
        assert_eq!(
            format(b"BMW and the minister met in Oslo.", "a.txt"),
            Format::Text
        );
    }

    #[test]
    fn feeds_by_root_element() {
        let rss = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
            <?xml-stylesheet type=\"text/xsl\" href=\"rss.xsl\"?>\n\
            <!-- generated -->\n<rss version=\"2.0\"><channel>";
        assert_eq!(format(rss.as_bytes(), "news.xml"), Format::Feed);
        let atom = "<?xml version='1.0'?><feed xmlns=\"http://www.w3.org/2005/Atom\">";
        assert_eq!(format(atom.as_bytes(), "atom"), Format::Feed);
        let rdf = "<?xml version=\"1.0\"?>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">";
        assert_eq!(format(rdf.as_bytes(), "index.rdf"), Format::Feed);
        let rss091 = "<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" \"x.dtd\">\n<rss version=\"0.91\">";
        assert_eq!(format(rss091.as_bytes(), "a.txt"), Format::Feed);
        let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n \
            <!ENTITY lol2 \"&lol;&lol;\">\n]>\n<rss version=\"2.0\">";
        assert_eq!(format(bomb.as_bytes(), "x"), Format::Feed);
        let bom = format!("\u{FEFF}  \n{rss}");
        assert_eq!(format(bom.as_bytes(), "x"), Format::Feed);
        // UTF-16 with a BOM is looked at through its first KiB.
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(rss.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(format(&utf16, "x"), Format::Feed);
        // Unknown XML is a feed only by name.
        assert_eq!(format(b"<note><to>x</to></note>", "n.xml"), Format::Text);
        assert_eq!(format(b"<note><to>x</to></note>", "n.rss"), Format::Feed);
    }

    #[test]
    fn html_pages() {
        for page in [
            "<!DOCTYPE html>\n<html lang=\"en\"><head>",
            "<!doctype HTML><title>x</title>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"x\">\n<html>",
            "<!-- saved from url=(0040)https://example.org/ -->\n<html><body>",
            "  \n<HTML><BODY>talks</BODY></HTML>",
            "<head><meta charset=\"utf-8\">",
            "<body><p>Officials met.</p></body>",
            "<div class=\"story\"><p>Officials met.</p></div>",
            "<p>Officials met in the capital.</p>",
        ] {
            assert_eq!(format(page.as_bytes(), "saved.txt"), Format::Html, "{page}");
        }
        // A page-looking name with some markup in its first KiB.
        let loose = "Saved page\nThe minister said <b>talks</b> could be held in his capital.";
        assert_eq!(format(loose.as_bytes(), "story.html"), Format::Html);
        assert_eq!(format(loose.as_bytes(), "story.txt"), Format::Text);
        let plain = "The minister said talks could be held in 3 < 4 weeks.";
        assert_eq!(format(plain.as_bytes(), "story.htm"), Format::Text);
        assert_eq!(format(b"<<< Breaking >>>\nTalks", "a.txt"), Format::Text);
    }

    #[test]
    fn json_and_json_lines() {
        let list = "[\n  {\"title\": \"Talks\", \"text\": \"...\"}\n]";
        assert_eq!(
            format(list.as_bytes(), "export.json"),
            Format::Json { lines: false }
        );
        assert_eq!(
            format(list.as_bytes(), "export.txt"),
            Format::Json { lines: false }
        );
        let object = "{\n  \"status\": \"ok\",\n  \"articles\": []\n}";
        assert_eq!(
            format(object.as_bytes(), "x"),
            Format::Json { lines: false }
        );
        let lines = "{\"title\": \"One\"}\n\n{\"title\": \"Two\"}\n";
        assert_eq!(
            format(lines.as_bytes(), "scrape.txt"),
            Format::Json { lines: true }
        );
        assert_eq!(
            format(b"{\"title\": \"One\"}", "s.jsonl"),
            Format::Json { lines: true }
        );
        assert_eq!(
            format(b"{\"title\": \"One\"}", "s.ndjson"),
            Format::Json { lines: true }
        );
        assert_eq!(
            format(b"{\"a\": 1}", "s.jsonlines"),
            Format::Json { lines: true }
        );
        // A pretty-printed object: its first line is not a whole value.
        let pretty = "{\n  \"title\": \"One\"\n}\n{\"title\": \"Two\"}";
        assert_eq!(
            format(pretty.as_bytes(), "x"),
            Format::Json { lines: false }
        );
        let feed = "{\n  \"version\": \"https:\\/\\/jsonfeed.org\\/version\\/1.1\",\n  \"title\": \"Wire\"";
        assert_eq!(format(feed.as_bytes(), "feed.json"), Format::Feed);
        let feed = "{\"title\": \"Wire\", \"version\" : \"https://jsonfeed.org/version/1\"}";
        assert_eq!(format(feed.as_bytes(), "feed"), Format::Feed);
        // Brackets that open plain text.
        for text in ["[Updated] Talks to resume", "{{Infobox}}", "[1] A footnote"] {
            assert_eq!(format(text.as_bytes(), "a.txt"), Format::Text, "{text}");
        }
        assert_eq!(
            format(b"[1, 2, 3]", "numbers.json"),
            Format::Json { lines: false }
        );
    }

    #[test]
    fn email_by_headers_or_name() {
        let eml = "Return-Path: <desk@example.org>\r\nReceived: from mx.example.org\r\n\
            \tby mail.example.net; Tue, 3 Mar 2026 09:00:00 +0100\r\n\
            From: Desk <desk@example.org>\r\nTo: reader@example.net\r\n\
            Subject: Fwd: Talks\r\nDate: Tue, 3 Mar 2026 09:00:00 +0100\r\n\
            Message-ID: <abc@example.org>\r\nMIME-Version: 1.0\r\n\r\nBody";
        assert_eq!(format(eml.as_bytes(), "message.txt"), Format::Email);
        let short = "From: a@example.org\nSubject: Talks\nX-Mailer: x\n\nBody";
        assert_eq!(format(short.as_bytes(), "m"), Format::Email);
        // One key header is not enough: an article's own header block.
        let article = "Title: Talks in the capital\nAuthor: Staff\nDate: 2026-03-04\n\nBody";
        assert_eq!(format(article.as_bytes(), "a.txt"), Format::Text);
        // Two fields are not a block.
        assert_eq!(
            format(b"From: a\nSubject: b\n\nBody", "a.txt"),
            Format::Text
        );
        assert_eq!(
            format(b"Not a header at all\n\nBody", "m.eml"),
            Format::Email
        );
    }

    #[test]
    fn plain_text_articles_stay_text() {
        for text in [
            "date 2026-03-04 Minister offers to host talks\n\nThe foreign minister said...",
            "Minister offers to host talks\n\nBy Staff Writer\n\nThe foreign minister...",
            "BREAKING: Minister offers capital for talks\n\nHe said so on Tuesday.",
            "Updated: 5 March 2026\nSource: wire\n\nText.",
        ] {
            assert_eq!(format(text.as_bytes(), "a.txt"), Format::Text, "{text}");
        }
    }

    #[test]
    fn huge_inputs_are_sniffed_quickly() {
        let mut big = "x".repeat(10 * 1024 * 1024);
        big.insert(0, '{');
        let start = std::time::Instant::now();
        let _ = sniff(big.as_bytes(), "big.txt");
        let lines = "{\"a\": 1}\n".repeat(1_000_000);
        assert_eq!(format(lines.as_bytes(), "x"), Format::Json { lines: true });
        let deep = "<".repeat(10 * 1024 * 1024);
        let _ = sniff(deep.as_bytes(), "x.html");
        let prolog = "<!--".repeat(1024 * 1024);
        let _ = sniff(prolog.as_bytes(), "x");
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }
}
