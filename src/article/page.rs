//! HTML pages: the main content as a reader view gives it, and the page's
//! metadata (headline, publication date, canonical URL); HTML fragments
//! (a feed item's content) as text with their paragraph boundaries.
//!
//! # How a page is read
//! 1. [`decode`]: a BOM decides, else the charset a `<meta>` declares in the
//!    first 1024 bytes (the HTML standard's prescan), else the text rules of
//!    `decode`.
//! 2. [`compact`]: one linear pass over the markup that keeps what a reader
//!    needs as *well-formed* markup: scripts, styles, comments, SVG, form
//!    controls and long attribute values go (JSON-LD is kept aside for the
//!    metadata); every element is closed explicitly; elements nested deeper
//!    than [`MAX_DEPTH`] are flattened to their text, and markup beyond
//!    [`MAX_MARKUP`] bytes or [`MAX_ELEMENTS`] elements is left out. The
//!    HTML parser's tree building and Readability's scoring cost grows with
//!    nesting depth and size (and faster than linearly), so this is what
//!    keeps a hostile page (100,000 nested `<div>`s, a 10 MiB page) linear
//!    and within the stack.
//! 3. The compacted markup is parsed once (`dom_query`, on `html5ever`). The
//!    metadata is read from that tree, obvious furniture (navigation, cookie
//!    banners, share bars, related links, comments, footers) is removed, and
//!    `dom_smoothie`'s Readability picks the main content, which [`render`]
//!    turns into text: one paragraph per block element, separated by a
//!    blank line; `<br>` a line break.
//!
//! Fragments ([`fragment`]) go through the same compaction and rendering,
//! but not Readability: a fragment is already the content.
//!
//! # Metadata
//! - Title: `og:title`, else the story's `<h1>`, else `<title>` without the
//!   site's name (known from `og:site_name` or the URL's host, or a short
//!   last part after `|`).
//! - Date: JSON-LD `datePublished` (an article object first), then
//!   `article:published_time`, then a `<time>` marked `pubdate` or
//!   `itemprop="datePublished"`, the first in the `<article>`, or the
//!   page's only one, then the other usual meta names (`date`, `DC.date`,
//!   `dcterms.created`, `sailthru.date`, ...). Never a modification date.
//!   The calendar date as written, in its own offset.
//! - URL: `<link rel="canonical">`, then `og:url`; absolute http(s) only.

use dom_query::{Document, NodeRef};
use dom_smoothie::{Config, Readability};
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252, X_USER_DEFINED};
use jiff::civil::Date;
use rustc_hash::FxHashMap;
use serde_json::Value;

use super::{Body, Parts, RejectReason};

/// Elements nested deeper than this are flattened to their text. Real pages
/// stay well below it; tree building and Readability slow down with depth.
const MAX_DEPTH: usize = 128;
/// Compacted markup beyond this many bytes is left out (only `<meta>`,
/// `<link>` and JSON-LD are still read): no article needs more, and the
/// tree and Readability take time in proportion to it.
const MAX_MARKUP: usize = 1 << 20;
/// At most this many elements are written: Readability's time grows with
/// them, and no article needs more.
const MAX_ELEMENTS: usize = 10_000;
/// Text runs longer than this are cut by an invisible `<wbr>` at the next
/// white space, `&` or U+0080..U+00BF: the serializer Readability uses
/// rescans the rest of a text node at each of those characters, which is
/// quadratic in the length of a run.
const TEXT_RUN: usize = 1024;
/// Attribute values longer than this are dropped (inline images, styles).
const MAX_ATTR: usize = 2048;
/// How many bytes the charset prescan reads, as in the HTML standard.
const PRESCAN: usize = 1024;

// ---------------------------------------------------------------------------
// Decoding

/// Decodes a page's bytes by its BOM or declared charset.
pub(super) fn decode(bytes: &[u8]) -> Result<String, RejectReason> {
    // A BOM outranks any declaration, and NUL bytes mean binary whatever the
    // page claims: both are the text rules' business.
    if Encoding::for_bom(bytes).is_some() || bytes.contains(&0) {
        return super::decode::decode(bytes);
    }
    let Some(declared) = declared_charset(bytes) else {
        return super::decode::decode(bytes);
    };
    // Valid UTF-8 is read as UTF-8 whatever the declaration: pages re-saved
    // as UTF-8 often keep their old `<meta charset>`, and text in a legacy
    // encoding is almost never valid UTF-8.
    if declared == UTF_8 || (declared.is_ascii_compatible() && std::str::from_utf8(bytes).is_ok()) {
        return super::decode::decode(bytes);
    }
    let (text, had_errors) = declared.decode_without_bom_handling(bytes);
    if had_errors && !within_tolerance(&text) {
        // The declaration is wrong; the text rules may still read it.
        return super::decode::decode(bytes);
    }
    // Decoded text is UTF-8 now: the text rules judge it (control characters
    // mean binary) and normalise it.
    super::decode::decode(text.as_bytes())
}

/// Replacement characters are at most 1 + 1% of the characters (the
/// tolerance of `decode`).
fn within_tolerance(text: &str) -> bool {
    let total = text.chars().count();
    let replaced = text
        .chars()
        .filter(|&c| c == char::REPLACEMENT_CHARACTER)
        .count();
    replaced <= 1 + total / 100
}

/// The encoding a `<meta charset>` or `<meta http-equiv="Content-Type">`
/// declares in the first 1024 bytes, found as the HTML standard's prescan
/// finds it: comments and other tags are skipped whole.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..PRESCAN).unwrap_or(bytes);
    let mut i = 0;
    while let Some(lt) = find_lt(head, i) {
        let rest = &head[lt..];
        i = if rest.starts_with(b"<!--") {
            comment_end(head, lt + 4)?
        } else if starts_with_ignore_case(rest, b"<meta")
            && rest.get(5).is_some_and(|&b| is_space(b) || b == b'/')
        {
            let tag = scan_tag(head, lt + 1)?;
            if let Some(encoding) = meta_charset(head, &tag) {
                return Some(encoding);
            }
            tag.end
        } else if rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
            scan_tag(head, lt + 1)?.end
        } else if rest.get(1) == Some(&b'/') && rest.get(2).is_some_and(u8::is_ascii_alphabetic) {
            scan_tag(head, lt + 2)?.end
        } else if matches!(rest.get(1), Some(b'!' | b'/' | b'?')) {
            skip_to_gt(head, lt + 2)?
        } else {
            lt + 1
        };
    }
    None
}

/// The encoding one `<meta>` tag declares.
fn meta_charset(src: &[u8], tag: &Tag) -> Option<&'static Encoding> {
    let attr = |name: &str| {
        tag.attrs
            .iter()
            .find(|a| src[a.name.0..a.name.1].eq_ignore_ascii_case(name.as_bytes()))
            .map(|a| &src[a.value.0..a.value.1])
    };
    let label = match attr("charset") {
        Some(label) => label,
        None => {
            let http_equiv = attr("http-equiv")?;
            if !trim_bytes(http_equiv).eq_ignore_ascii_case(b"content-type") {
                return None;
            }
            charset_in_content(attr("content")?)?
        }
    };
    let encoding = Encoding::for_label(trim_bytes(label))?;
    // As the standard says: a page cannot declare itself UTF-16 in ASCII,
    // and x-user-defined means windows-1252.
    if encoding == X_USER_DEFINED {
        Some(WINDOWS_1252)
    } else {
        Some(encoding.output_encoding())
    }
}

/// The `charset=` value of a `content` attribute ("text/html;
/// charset=ISO-8859-1"), as the standard's algorithm extracts it.
fn charset_in_content(content: &[u8]) -> Option<&[u8]> {
    let mut i = 0;
    loop {
        let at = i + find_ignore_case(content.get(i..)?, b"charset")?;
        let mut j = at + 7;
        while content.get(j).is_some_and(|&b| is_space(b)) {
            j += 1;
        }
        if content.get(j) != Some(&b'=') {
            i = at + 7;
            continue;
        }
        j += 1;
        while content.get(j).is_some_and(|&b| is_space(b)) {
            j += 1;
        }
        let rest = content.get(j..)?;
        return match rest.first() {
            Some(&q @ (b'"' | b'\'')) => {
                let body = &rest[1..];
                body.iter().position(|&b| b == q).map(|end| &body[..end])
            }
            Some(_) => {
                let end = rest
                    .iter()
                    .position(|&b| is_space(b) || b == b';')
                    .unwrap_or(rest.len());
                Some(&rest[..end])
            }
            None => None,
        };
    }
}

// ---------------------------------------------------------------------------
// Reading markup: tags, comments, raw text

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

fn trim_bytes(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|&c| !is_space(c)).unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|&c| !is_space(c))
        .map_or(start, |e| e + 1);
    &b[start..end]
}

fn starts_with_ignore_case(b: &[u8], prefix: &[u8]) -> bool {
    b.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// Where `needle` (ASCII) first occurs in `hay`, ignoring ASCII case.
fn find_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = needle.first()?.to_ascii_lowercase();
    (0..hay.len()).find(|&i| {
        hay[i].to_ascii_lowercase() == first && starts_with_ignore_case(&hay[i..], needle)
    })
}

/// The next `<` at or after `from`.
fn find_lt(b: &[u8], from: usize) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&c| c == b'<')
        .map(|p| from + p)
}

/// The position after the next `>` at or after `from`.
fn skip_to_gt(b: &[u8], from: usize) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&c| c == b'>')
        .map(|p| from + p + 1)
}

/// The position after a comment whose text starts at `from` (just after
/// `<!--`): it ends at `-->` or `--!>`, and `<!-->` and `<!--->` are empty
/// comments, as the tokenizer has it.
fn comment_end(b: &[u8], from: usize) -> Option<usize> {
    let rest = b.get(from..)?;
    if rest.starts_with(b">") {
        return Some(from + 1);
    }
    if rest.starts_with(b"->") {
        return Some(from + 2);
    }
    let mut i = from;
    loop {
        let dash = i + b.get(i..)?.iter().position(|&c| c == b'-')?;
        let after = &b[dash..];
        if after.starts_with(b"-->") {
            return Some(dash + 3);
        }
        if after.starts_with(b"--!>") {
            return Some(dash + 4);
        }
        i = dash + 1;
    }
}

/// A tag as the HTML tokenizer reads it; positions are byte ranges of the
/// source.
struct Tag {
    /// The name, ASCII-lowercased.
    name: String,
    attrs: Vec<Attr>,
    self_closing: bool,
    /// The position after the closing `>`.
    end: usize,
}

struct Attr {
    name: (usize, usize),
    value: (usize, usize),
}

/// Reads the tag whose name starts at `start` (after `<` or `</`). `None`
/// when the input ends inside it: the tokenizer drops such a tag.
fn scan_tag(b: &[u8], start: usize) -> Option<Tag> {
    let mut i = start;
    while b
        .get(i)
        .is_some_and(|&c| !is_space(c) && c != b'/' && c != b'>')
    {
        i += 1;
    }
    let name = String::from_utf8_lossy(b.get(start..i)?).to_ascii_lowercase();
    let mut tag = Tag {
        name,
        attrs: Vec::new(),
        self_closing: false,
        end: 0,
    };
    loop {
        while let Some(&c) = b.get(i) {
            if is_space(c) {
                i += 1;
            } else if c == b'/' {
                i += 1;
                tag.self_closing = b.get(i) == Some(&b'>');
            } else {
                break;
            }
        }
        match b.get(i)? {
            b'>' => {
                tag.end = i + 1;
                return Some(tag);
            }
            _ => tag.self_closing = false,
        }
        // An attribute name has at least one character (even `=`).
        let name_start = i;
        i += 1;
        while b
            .get(i)
            .is_some_and(|&c| !is_space(c) && !matches!(c, b'/' | b'>' | b'='))
        {
            i += 1;
        }
        let name = (name_start, i);
        while b.get(i).is_some_and(|&c| is_space(c)) {
            i += 1;
        }
        let mut value = (i, i);
        if b.get(i) == Some(&b'=') {
            i += 1;
            while b.get(i).is_some_and(|&c| is_space(c)) {
                i += 1;
            }
            match *b.get(i)? {
                q @ (b'"' | b'\'') => {
                    let close = i + 1 + b.get(i + 1..)?.iter().position(|&c| c == q)?;
                    value = (i + 1, close);
                    i = close + 1;
                }
                b'>' => {}
                _ => {
                    let from = i;
                    while b.get(i).is_some_and(|&c| !is_space(c) && c != b'>') {
                        i += 1;
                    }
                    value = (from, i);
                }
            }
        }
        tag.attrs.push(Attr { name, value });
    }
}

/// Finds the end tag `</name>` of a raw-text element whose content starts
/// at `from`: the content's end and the position after the end tag; both
/// are the input's end when it is never closed.
fn raw_text_end(b: &[u8], from: usize, name: &str) -> (usize, usize) {
    let mut i = from;
    while let Some(lt) = find_lt(b, i) {
        let rest = &b[lt..];
        if rest.get(1) == Some(&b'/')
            && starts_with_ignore_case(&rest[2..], name.as_bytes())
            && rest
                .get(2 + name.len())
                .is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
        {
            let after = scan_tag(b, lt + 2).map_or(b.len(), |t| t.end);
            return (lt, after);
        }
        i = lt + 1;
    }
    (b.len(), b.len())
}

// ---------------------------------------------------------------------------
// Element classes (after the HTML standard's tree-construction rules)

/// Void elements: never have content or an end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "image"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Elements whose content the tokenizer reads as text; all but `title`
/// are dropped with their content.
fn is_raw_text(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "textarea"
            | "title"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "noscript"
    )
}

/// Elements dropped with everything inside them (parsed as markup).
fn is_dropped_subtree(name: &str) -> bool {
    matches!(name, "svg" | "math" | "template")
}

/// HTML start tags that end an `<svg>` or `<math>` (foreign content).
fn breaks_out_of_foreign(name: &str) -> bool {
    matches!(
        name,
        "b" | "big"
            | "blockquote"
            | "body"
            | "br"
            | "center"
            | "code"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "em"
            | "embed"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "hr"
            | "i"
            | "img"
            | "li"
            | "listing"
            | "menu"
            | "meta"
            | "nobr"
            | "ol"
            | "p"
            | "pre"
            | "ruby"
            | "s"
            | "small"
            | "span"
            | "strong"
            | "strike"
            | "sub"
            | "sup"
            | "table"
            | "tt"
            | "u"
            | "ul"
            | "var"
    )
}

/// Start tags that close an open `<p>` ("close a p element in button
/// scope").
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "header"
            | "hgroup"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "search"
            | "section"
            | "summary"
            | "ul"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "pre"
            | "listing"
            | "form"
            | "table"
            | "hr"
            | "li"
            | "dd"
            | "dt"
    )
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// The standard's "special" elements: an end tag of another element does
/// not close past them.
fn is_special(name: &str) -> bool {
    closes_p(name)
        || is_void(name)
        || is_raw_text(name)
        || matches!(
            name,
            "applet"
                | "body"
                | "button"
                | "caption"
                | "colgroup"
                | "frameset"
                | "head"
                | "html"
                | "marquee"
                | "object"
                | "plaintext"
                | "select"
                | "tbody"
                | "td"
                | "template"
                | "tfoot"
                | "th"
                | "thead"
                | "tr"
        )
}

/// Which boundary elements end the search for an open element.
#[derive(Clone, Copy)]
enum Scope {
    Default,
    Button,
    ListItem,
    Table,
}

impl Scope {
    const ALL: [Scope; 4] = [Scope::Default, Scope::Button, Scope::ListItem, Scope::Table];

    fn bit(self) -> u8 {
        match self {
            Scope::Default => 1,
            Scope::Button => 2,
            Scope::ListItem => 4,
            Scope::Table => 8,
        }
    }

    fn bounded_by(self, name: &str) -> bool {
        let default = matches!(
            name,
            "applet"
                | "caption"
                | "html"
                | "table"
                | "td"
                | "th"
                | "marquee"
                | "object"
                | "template"
        );
        match self {
            Scope::Default => default,
            Scope::Button => default || name == "button",
            Scope::ListItem => default || matches!(name, "ol" | "ul"),
            Scope::Table => matches!(name, "html" | "table" | "template"),
        }
    }
}

/// Elements whose edges separate text even when flattened.
fn is_block(name: &str) -> bool {
    closes_p(name) || matches!(name, "tr" | "td" | "th" | "caption" | "br")
}

/// Attributes worth keeping: what the metadata, the furniture rules and
/// Readability look at.
fn kept_attr(name: &[u8]) -> Option<&'static str> {
    const KEPT: &[&str] = &[
        "id",
        "class",
        "role",
        "hidden",
        "aria-hidden",
        "itemprop",
        "itemtype",
        "datetime",
        "pubdate",
        "href",
        "rel",
        "property",
        "name",
        "content",
        "src",
        "style",
    ];
    KEPT.iter()
        .find(|k| name.eq_ignore_ascii_case(k.as_bytes()))
        .copied()
}

// ---------------------------------------------------------------------------
// Compaction

/// Markup fit for the parser and Readability, and the page's JSON-LD.
struct Compact {
    html: String,
    json_ld: Vec<String>,
}

/// An element open in the compacted markup.
struct Open {
    name: Box<str>,
    /// Whether it is one of the standard's special elements.
    special: bool,
    /// The scopes it bounds ([`Scope::bit`]s).
    bounds: u8,
}

/// See the module documentation (step 2). The markup written is
/// well-formed: every element written is closed by an explicit end tag,
/// innermost first, so the parser's stack of open elements follows this
/// one's and never grows much deeper than [`MAX_DEPTH`] (a table adds the
/// body and row it implies). Start tags beyond that depth are not written
/// (only a line break where a block began or ended) and not tracked, so
/// every tag costs at most one walk of a stack of bounded depth.
fn compact(src: &str) -> Compact {
    let mut c = Compactor {
        src,
        out: String::with_capacity(src.len().min(MAX_MARKUP) / 2),
        json_ld: Vec::new(),
        stack: Vec::new(),
        open: FxHashMap::default(),
        elements: 0,
        title: false,
        at_break: true,
    };
    let b = src.as_bytes();
    let mut i = 0;
    let mut text = 0;
    while let Some(lt) = find_lt(b, i) {
        let next = b.get(lt + 1).copied();
        let resume = match next {
            Some(x) if x.is_ascii_alphabetic() => {
                c.text(text, lt);
                c.start_tag(lt + 1)
            }
            Some(b'/') => {
                c.text(text, lt);
                match b.get(lt + 2) {
                    Some(x) if x.is_ascii_alphabetic() => c.end_tag(lt + 2),
                    Some(b'>') => Some(lt + 3),
                    _ => skip_to_gt(b, lt + 2),
                }
            }
            Some(b'!') => {
                c.text(text, lt);
                if b[lt..].starts_with(b"<!--") {
                    comment_end(b, lt + 4)
                } else {
                    skip_to_gt(b, lt + 2)
                }
            }
            Some(b'?') => {
                c.text(text, lt);
                skip_to_gt(b, lt + 2)
            }
            // A `<` of the text.
            _ => {
                i = lt + 1;
                continue;
            }
        };
        match resume {
            Some(p) => {
                i = p;
                text = p;
            }
            None => {
                text = b.len();
                break;
            }
        }
    }
    c.text(text, b.len());
    c.pop_to(0);
    Compact {
        html: c.out,
        json_ld: c.json_ld,
    }
}

struct Compactor<'a> {
    src: &'a str,
    out: String,
    json_ld: Vec<String>,
    /// The open elements, outermost first; at most [`MAX_DEPTH`].
    stack: Vec<Open>,
    /// How many elements of each name are open.
    open: FxHashMap<Box<str>, usize>,
    /// How many elements were written.
    elements: usize,
    /// Whether the `<title>` was written.
    title: bool,
    /// Whether nothing but white space was written since the last break.
    at_break: bool,
}

impl Compactor<'_> {
    /// Whether the markup has reached its bounds ([`MAX_MARKUP`],
    /// [`MAX_ELEMENTS`]).
    fn full(&self) -> bool {
        self.out.len() >= MAX_MARKUP || self.elements >= MAX_ELEMENTS
    }

    fn is_open(&self, name: &str) -> bool {
        self.open.get(name).is_some_and(|&n| n > 0)
    }

    /// Copies `src[from..to]` as text; a `<` left in it is text to the
    /// tokenizer too, and is escaped so that nothing is read as markup.
    fn text(&mut self, from: usize, to: usize) {
        if from >= to || self.full() {
            return;
        }
        let Some(s) = self.src.get(from..to) else {
            return;
        };
        let s = super::layout::prefix(s, MAX_MARKUP.saturating_sub(self.out.len()));
        let b = s.as_bytes();
        if b.iter().any(|&c| !is_space(c)) {
            self.at_break = false;
        }
        let mut cut = 0;
        let mut i = TEXT_RUN;
        while let Some(p) = b.get(i..).and_then(|rest| {
            rest.iter()
                .position(|&c| is_space(c) || c == b'&' || c == 0xC2)
        }) {
            let at = i + p;
            push_escaped(&mut self.out, &s[cut..at]);
            self.out.push_str("<wbr>");
            cut = at;
            i = at + TEXT_RUN;
        }
        push_escaped(&mut self.out, &s[cut..]);
    }

    /// A line break where flattened markup had a block edge.
    fn boundary(&mut self) {
        if !self.at_break && !self.full() {
            self.out.push_str("<br>");
            self.at_break = true;
        }
    }

    fn start_tag(&mut self, name_at: usize) -> Option<usize> {
        let b = self.src.as_bytes();
        let tag = scan_tag(b, name_at)?;
        let name = tag.name.as_str();
        if name == "plaintext" {
            // The rest of the input is text.
            self.text(tag.end, b.len());
            return None;
        }
        if is_raw_text(name) {
            let (content_end, after) = raw_text_end(b, tag.end, name);
            let content = self.src.get(tag.end..content_end).unwrap_or_default();
            if name == "script" && is_json_ld(b, &tag) {
                self.json_ld.push(content.to_owned());
            } else if name == "title" && !self.title && !self.full() {
                self.title = true;
                self.out.push_str("<title>");
                push_escaped(&mut self.out, content);
                self.out.push_str("</title>");
            }
            return Some(after);
        }
        if is_dropped_subtree(name) {
            if tag.self_closing && name != "template" {
                return Some(tag.end);
            }
            return self.skip_subtree(name, tag.end);
        }
        if self.full() {
            // Only what the metadata needs is still taken, within bounds.
            if matches!(name, "meta" | "link") && self.out.len() < 2 * MAX_MARKUP {
                self.write_tag(&tag);
            }
            return Some(tag.end);
        }
        let droppped = matches!(
            name,
            "html" | "head" | "body" | "frameset" | "frame" | "base" | "col" | "input" | "keygen"
        ) || !name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.'));
        if droppped {
            return Some(tag.end);
        }
        if self.stack.len() >= MAX_DEPTH {
            // Flattened: neither written nor closing anything.
            if is_block(name) {
                self.boundary();
            }
            return Some(tag.end);
        }
        self.implied_ends(name);
        self.write_tag(&tag);
        self.elements += 1;
        if !is_void(name) {
            let bounds = Scope::ALL
                .iter()
                .filter(|s| s.bounded_by(name))
                .fold(0, |bits, s| bits | s.bit());
            self.stack.push(Open {
                name: name.into(),
                special: is_special(name),
                bounds,
            });
            match self.open.get_mut(name) {
                Some(n) => *n += 1,
                None => {
                    self.open.insert(name.into(), 1);
                }
            }
        }
        Some(tag.end)
    }

    /// Writes a start tag with the attributes worth keeping, re-quoted.
    fn write_tag(&mut self, tag: &Tag) {
        let b = self.src.as_bytes();
        self.out.push('<');
        self.out.push_str(&tag.name);
        for attr in &tag.attrs {
            let Some(name) = kept_attr(&b[attr.name.0..attr.name.1]) else {
                continue;
            };
            let value = self.src.get(attr.value.0..attr.value.1).unwrap_or_default();
            let scheme: String = value.trim_start().chars().take(11).collect();
            let scheme = scheme.to_ascii_lowercase();
            if value.len() > MAX_ATTR
                || scheme.starts_with("data:")
                || scheme.starts_with("javascript:")
            {
                continue;
            }
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            // Character references stay as they are: the parser decodes
            // them as it would have in the original.
            for ch in value.chars() {
                match ch {
                    '"' => self.out.push_str("&quot;"),
                    c => self.out.push(c),
                }
            }
            self.out.push('"');
        }
        self.out.push('>');
        if tag.name == "br" || tag.name == "hr" {
            self.at_break = true;
        }
    }

    /// Skips an `<svg>`, `<math>` or `<template>` with everything inside;
    /// foreign content also ends at an HTML start tag that breaks out of it.
    fn skip_subtree(&mut self, name: &str, from: usize) -> Option<usize> {
        let b = self.src.as_bytes();
        let foreign = name != "template";
        let mut nesting = 1usize;
        let mut i = from;
        while let Some(lt) = find_lt(b, i) {
            let rest = &b[lt..];
            i = if rest.starts_with(b"<!--") {
                comment_end(b, lt + 4)?
            } else if rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
                let tag = scan_tag(b, lt + 1)?;
                if foreign
                    && (breaks_out_of_foreign(&tag.name)
                        || (tag.name == "font" && has_font_attr(b, &tag)))
                {
                    return Some(lt);
                }
                if tag.name == name && !tag.self_closing {
                    nesting += 1;
                }
                tag.end
            } else if rest.get(1) == Some(&b'/') && rest.get(2).is_some_and(u8::is_ascii_alphabetic)
            {
                let tag = scan_tag(b, lt + 2)?;
                if tag.name == name {
                    nesting -= 1;
                    if nesting == 0 {
                        return Some(tag.end);
                    }
                }
                tag.end
            } else {
                lt + 1
            };
        }
        None
    }

    fn end_tag(&mut self, name_at: usize) -> Option<usize> {
        let tag = scan_tag(self.src.as_bytes(), name_at)?;
        let name = tag.name.as_str();
        if self.full() {
            return Some(tag.end);
        }
        match name {
            "br" => {
                // `</br>` is read as `<br>`.
                if self.stack.len() < MAX_DEPTH {
                    self.out.push_str("<br>");
                    self.at_break = true;
                } else {
                    self.boundary();
                }
            }
            "p" => match self.find_in_scope(&["p"], Scope::Button) {
                Some(k) => self.pop_to(k),
                // A stray `</p>` makes an empty paragraph.
                None => self.boundary(),
            },
            "li" => self.close_in_scope(&["li"], Scope::ListItem),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.close_in_scope(&["h1", "h2", "h3", "h4", "h5", "h6"], Scope::Default);
            }
            "td" | "th" | "tr" | "tbody" | "thead" | "tfoot" | "table" | "caption" | "colgroup" => {
                self.close_in_scope(&[name], Scope::Table);
            }
            "html" | "head" | "body" => {}
            _ if is_void(name) || is_raw_text(name) || is_dropped_subtree(name) => {}
            _ if is_special(name) => self.close_in_scope(&[name], Scope::Default),
            _ if self.is_open(name) => {
                // Any other end tag closes its element unless a special
                // element is in the way.
                let found = self
                    .stack
                    .iter()
                    .rposition(|o| *o.name == *name || o.special)
                    .filter(|&k| *self.stack[k].name == *name);
                if let Some(k) = found {
                    self.pop_to(k);
                }
            }
            _ => {}
        }
        if is_block(name) && self.stack.len() >= MAX_DEPTH {
            self.boundary();
        }
        Some(tag.end)
    }

    /// The elements a start tag closes before it opens.
    fn implied_ends(&mut self, name: &str) {
        if closes_p(name) {
            self.close_in_scope(&["p"], Scope::Button);
        }
        match name {
            "li" => self.close_item(&["li"]),
            "dt" | "dd" => self.close_item(&["dt", "dd"]),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
                if self.stack.last().is_some_and(|o| is_heading(&o.name)) =>
            {
                self.pop_to(self.stack.len() - 1);
            }
            "td" | "th" => self.close_in_scope(&["td", "th"], Scope::Table),
            "tr" => self.close_in_scope(&["tr"], Scope::Table),
            "thead" | "tbody" | "tfoot" => {
                self.close_in_scope(&["thead", "tbody", "tfoot"], Scope::Table);
            }
            "a" | "nobr" | "button" | "option" => self.close_item(&[name]),
            _ => {}
        }
    }

    /// Closes the nearest open element named in `names` when no special
    /// element (other than `address`, `div` and `p`) is in the way, as `<li>`
    /// closes the previous item.
    fn close_item(&mut self, names: &[&str]) {
        if !names.iter().any(|n| self.is_open(n)) {
            return;
        }
        let found = self
            .stack
            .iter()
            .rposition(|o| {
                names.contains(&&*o.name)
                    || (o.special && !matches!(&*o.name, "address" | "div" | "p"))
            })
            .filter(|&k| names.contains(&&*self.stack[k].name));
        if let Some(k) = found {
            self.pop_to(k);
        }
    }

    fn close_in_scope(&mut self, names: &[&str], scope: Scope) {
        if let Some(k) = self.find_in_scope(names, scope) {
            self.pop_to(k);
        }
    }

    /// The nearest open element named in `names` within `scope`.
    fn find_in_scope(&self, names: &[&str], scope: Scope) -> Option<usize> {
        if !names.iter().any(|n| self.is_open(n)) {
            return None;
        }
        let k = self
            .stack
            .iter()
            .rposition(|o| names.contains(&&*o.name) || o.bounds & scope.bit() != 0)?;
        names.contains(&&*self.stack[k].name).then_some(k)
    }

    /// Closes the elements from `k` up, writing their end tags.
    fn pop_to(&mut self, k: usize) {
        while self.stack.len() > k {
            let Some(open) = self.stack.pop() else {
                break;
            };
            self.out.push_str("</");
            self.out.push_str(&open.name);
            self.out.push('>');
            if let Some(n) = self.open.get_mut(&open.name) {
                *n = n.saturating_sub(1);
            }
        }
    }
}

/// Appends `s` with `<` escaped.
fn push_escaped(out: &mut String, s: &str) {
    let mut parts = s.split('<');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        out.push_str("&lt;");
        out.push_str(part);
    }
}

fn attr_value<'b>(b: &'b [u8], tag: &Tag, name: &str) -> Option<&'b [u8]> {
    tag.attrs
        .iter()
        .find(|a| b[a.name.0..a.name.1].eq_ignore_ascii_case(name.as_bytes()))
        .map(|a| &b[a.value.0..a.value.1])
}

fn is_json_ld(b: &[u8], tag: &Tag) -> bool {
    attr_value(b, tag, "type")
        .is_some_and(|t| trim_bytes(t).eq_ignore_ascii_case(b"application/ld+json"))
}

fn has_font_attr(b: &[u8], tag: &Tag) -> bool {
    ["color", "face", "size"]
        .iter()
        .any(|a| attr_value(b, tag, a).is_some())
}

// ---------------------------------------------------------------------------
// Pages

/// A whole page -> its main content and metadata.
pub(super) fn page(html: &str) -> Parts {
    let compact = compact(html);
    let doc = Document::from(compact.html.as_str());
    let metas = metas(&doc);
    let url = page_url(&doc, &metas);
    let title = page_title(&doc, &metas, url.as_deref());
    let date = page_date(&doc, &metas, &compact.json_ld);
    remove_furniture(&doc);
    if let Some(title) = &title {
        remove_headline(&doc, title);
    }
    Parts {
        title,
        date,
        url,
        body: Body::Text(main_text(doc)),
    }
}

/// The main content, as Readability finds it.
fn main_text(doc: Document) -> String {
    let mut readability = Readability {
        doc,
        doc_url: None,
        config: Config::default(),
    };
    let found = readability.parse().is_ok();
    let doc = &readability.doc;
    let root = if found {
        doc.select_single("#readability-page-1")
            .nodes()
            .first()
            .copied()
    } else {
        None
    };
    match root.or_else(|| doc.body()) {
        Some(root) => render(&root),
        None => String::new(),
    }
}

/// Furniture Readability might keep, removed before it looks: navigation,
/// site headers and footers, asides, form controls, hidden elements, and
/// elements whose class or id names a cookie banner, share bar, related
/// links, comments, newsletter box or advertisement — unless that element
/// holds the story itself.
///
/// Two linear walks: the first measures each element (its text, whether a
/// story or headline is inside), the second removes.
fn remove_furniture(doc: &Document) {
    let Some(body) = doc.body() else {
        return;
    };
    let sizes = measure(&body);
    let total = sizes.get(&body.id).map_or(0, |s| s.text);
    // Elements to look at, each with whether it is inside the story.
    let mut todo: Vec<(NodeRef, bool)> = body.children_it(true).map(|n| (n, false)).collect();
    while let Some((node, in_story)) = todo.pop() {
        if !node.is_element() {
            continue;
        }
        let size = sizes.get(&node.id).copied().unwrap_or_default();
        let name = node
            .qual_name_ref()
            .map(|q| q.local.to_string())
            .unwrap_or_default();
        let role = node.attr("role").map(|r| r.to_ascii_lowercase());
        let furniture = matches!(
            name.as_str(),
            "nav"
                | "footer"
                | "aside"
                | "button"
                | "select"
                | "input"
                | "textarea"
                | "iframe"
                | "object"
                | "embed"
                | "video"
                | "audio"
                | "canvas"
                | "dialog"
        ) || role.as_deref().is_some_and(|r| {
            matches!(
                r,
                "navigation"
                    | "banner"
                    | "contentinfo"
                    | "complementary"
                    | "search"
                    | "dialog"
                    | "alertdialog"
                    | "menu"
                    | "menubar"
            )
        }) || node.has_attr("hidden")
            || node
                .attr("aria-hidden")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
            || (name == "header" && !in_story && !size.headline)
            || (names_furniture(&node) && !size.story && size.text * 2 <= total);
        if furniture {
            node.remove_from_parent();
            continue;
        }
        let in_story = in_story || matches!(name.as_str(), "article" | "main");
        todo.extend(node.children_it(true).map(|n| (n, in_story)));
    }
}

/// What [`measure`] finds of an element.
#[derive(Clone, Copy, Default)]
struct Size {
    /// Characters of text inside.
    text: usize,
    /// Whether it is or holds the story (`<article>`, `<main>`,
    /// `itemprop="articleBody"`).
    story: bool,
    /// Whether it holds an `<h1>`.
    headline: bool,
}

/// [`Size`] of every element under `root`, in one walk.
fn measure(root: &NodeRef) -> FxHashMap<dom_query::NodeId, Size> {
    enum Step<'a> {
        Enter(NodeRef<'a>),
        Leave(dom_query::NodeId),
    }
    let mut sizes = FxHashMap::default();
    // The sizes of the elements being walked, innermost last.
    let mut open: Vec<Size> = vec![Size::default()];
    let mut steps = vec![Step::Enter(*root)];
    while let Some(step) = steps.pop() {
        match step {
            Step::Enter(node) if node.is_text() => {
                if let Some(top) = open.last_mut() {
                    top.text += node.text().chars().filter(|c| !c.is_whitespace()).count();
                }
            }
            Step::Enter(node) if node.is_element() => {
                let story = node.has_name("article")
                    || node.has_name("main")
                    || node.attr("itemprop").is_some_and(|p| &*p == "articleBody");
                open.push(Size {
                    text: 0,
                    story,
                    headline: node.has_name("h1"),
                });
                steps.push(Step::Leave(node.id));
                steps.extend(node.children_it(true).map(Step::Enter));
            }
            Step::Enter(_) => {}
            Step::Leave(id) => {
                let Some(size) = open.pop() else {
                    break;
                };
                sizes.insert(id, size);
                if let Some(parent) = open.last_mut() {
                    parent.text += size.text;
                    parent.story |= size.story;
                    parent.headline |= size.headline;
                }
            }
        }
    }
    sizes
}

/// The story's headline element goes: it is the title, not the body.
fn remove_headline(doc: &Document, title: &str) {
    let headline = doc
        .select("article h1, h1")
        .nodes()
        .iter()
        .find(|h| collapse(&h.text()) == title)
        .copied();
    if let Some(h) = headline {
        h.remove_from_parent();
    }
}

/// Whether an element's class or id names furniture: one of its words
/// (split at punctuation and camel case) starts with a furniture stem.
fn names_furniture(node: &NodeRef) -> bool {
    const STEMS: &[&str] = &[
        "cookie",
        "consent",
        "gdpr",
        "share",
        "sharing",
        "social",
        "related",
        "recommend",
        "newsletter",
        "subscri",
        "signup",
        "comment",
        "disqus",
        "breadcrumb",
        "sidebar",
        "taboola",
        "outbrain",
        "promo",
        "advert",
        "sponsor",
        "popup",
        "modal",
        "paywall",
        "masthead",
        "navbar",
        "navigation",
        "menu",
        "footer",
        "trending",
        "toolbar",
    ];
    const WORDS: &[&str] = &["nav", "ad", "ads", "adslot", "tags"];
    // Furniture named by more than one word ("most-read", "readMore").
    const PHRASES: &[&str] = &[
        "mostread",
        "mostpopular",
        "morestories",
        "readmore",
        "readnext",
    ];
    let names = [node.class(), node.id_attr()];
    names.iter().flatten().any(|value| {
        let squashed: String = value
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        PHRASES.iter().any(|p| squashed.contains(p))
            || words(value).any(|w| {
                let w = w.to_ascii_lowercase();
                STEMS.iter().any(|s| w.starts_with(s)) || WORDS.contains(&w.as_str())
            })
    })
}

/// The words of a class or id: split at anything not a letter or digit,
/// and where a lower-case letter meets an upper-case one ("shareBar").
fn words(s: &str) -> impl Iterator<Item = &str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut prev_lower = false;
    for (i, c) in s.char_indices() {
        if !c.is_alphanumeric() {
            if let Some(st) = start.take() {
                out.push(&s[st..i]);
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            if let Some(st) = start.take() {
                out.push(&s[st..i]);
            }
        }
        if start.is_none() {
            start = Some(i);
        }
        prev_lower = c.is_lowercase();
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    out.into_iter()
}

// ---------------------------------------------------------------------------
// Metadata

/// `<meta>` contents by lower-cased `property`, `name` or `itemprop`, the
/// first of each.
fn metas(doc: &Document) -> FxHashMap<String, String> {
    let mut map = FxHashMap::default();
    for node in doc.select("meta[content]").nodes() {
        let Some(content) = node.attr("content") else {
            continue;
        };
        let content = content.trim();
        if content.is_empty() {
            continue;
        }
        for key in ["property", "name", "itemprop"] {
            if let Some(k) = node.attr(key) {
                map.entry(k.trim().to_ascii_lowercase())
                    .or_insert_with(|| content.to_owned());
            }
        }
    }
    map
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `og:title`, else the story's `<h1>`, else `<title>` without the site's
/// name; never the site's name alone.
fn page_title(
    doc: &Document,
    metas: &FxHashMap<String, String>,
    url: Option<&str>,
) -> Option<String> {
    let site = metas
        .get("og:site_name")
        .or_else(|| metas.get("application-name"))
        .map(|s| collapse(s));
    let site = Site {
        name: site.as_deref(),
        host: url.and_then(host),
    };
    if let Some(t) = metas
        .get("og:title")
        .map(|t| collapse(t))
        .filter(|t| !t.is_empty() && !site.is_name(t))
    {
        return Some(site.strip(&t, false));
    }
    for sel in ["article h1", "[itemprop=headline]", "main h1", "h1"] {
        for node in doc.select(sel).nodes() {
            let text = collapse(&node.text());
            if !text.is_empty() && !site.is_name(&text) {
                return Some(text);
            }
        }
    }
    let title = collapse(&doc.select_single("title").text());
    (!title.is_empty()).then(|| site.strip(&title, true))
}

/// What is known of the site's name, to take it off a title.
struct Site<'a> {
    name: Option<&'a str>,
    host: Option<&'a str>,
}

impl Site<'_> {
    /// Whether `segment` is the site's name: its `og:site_name`, or what
    /// its host name spells ("The Harbour Courier" and
    /// harbourcourier.example).
    fn is_name(&self, segment: &str) -> bool {
        let squash = |s: &str| {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        };
        let seg = squash(segment);
        if seg.is_empty() {
            return false;
        }
        if self.name.is_some_and(|n| squash(n) == seg) {
            return true;
        }
        let Some(host) = self.host else {
            return false;
        };
        let bare = seg.strip_prefix("the").unwrap_or(&seg);
        host.split('.')
            .filter(|label| !matches!(*label, "www" | "com" | "org" | "net" | "co" | "uk"))
            .map(|label| label.replace('-', "").to_ascii_lowercase())
            .any(|label| label.len() >= 3 && (label == seg || label == bare))
    }

    /// `title` without a leading or trailing site name ("Story | Site",
    /// "Site - Story"); with `guess`, also a short last segment after `|`
    /// (clearly a site name) even when the site is unknown.
    fn strip(&self, title: &str, guess: bool) -> String {
        const SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » "];
        for sep in SEPARATORS {
            if let Some((rest, last)) = title.rsplit_once(sep) {
                let clearly = guess
                    && matches!(*sep, " | " | " :: " | " · " | " • ")
                    && last.split_whitespace().count() <= 5
                    && rest.split_whitespace().count() >= last.split_whitespace().count();
                if (self.is_name(last) || clearly) && !rest.trim().is_empty() {
                    return rest.trim().to_owned();
                }
            }
            if let Some((first, rest)) = title.split_once(sep) {
                if self.is_name(first) && !rest.trim().is_empty() {
                    return rest.trim().to_owned();
                }
            }
        }
        title.to_owned()
    }
}

/// The host of an absolute http(s) URL.
fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#', ':']).unwrap_or(rest.len());
    let host = &rest[..end];
    (!host.is_empty()).then_some(host)
}

/// `<link rel="canonical">`, else `og:url`; absolute http(s) only.
fn page_url(doc: &Document, metas: &FxHashMap<String, String>) -> Option<String> {
    let canonical = doc
        .select("link[rel][href]")
        .nodes()
        .iter()
        .filter(|l| {
            l.attr("rel").is_some_and(|r| {
                r.split_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("canonical"))
            })
        })
        .find_map(|l| l.attr("href").and_then(|h| absolute_http(&h)));
    canonical.or_else(|| metas.get("og:url").and_then(|u| absolute_http(u)))
}

fn absolute_http(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let ok = (lower.starts_with("http://") || lower.starts_with("https://"))
        && !url.contains(char::is_whitespace)
        && host(url).is_some();
    ok.then(|| url.to_owned())
}

/// The publication date: JSON-LD `datePublished`, then
/// `article:published_time`, then a `<time>` of the story, then the
/// other usual meta names. Never a modification date.
fn page_date(
    doc: &Document,
    metas: &FxHashMap<String, String>,
    json_ld: &[String],
) -> Option<Date> {
    const META_NAMES: &[&str] = &[
        "date",
        "dc.date",
        "dc.date.issued",
        "dcterms.created",
        "dcterms.issued",
        "dcterms.date",
        "pubdate",
        "publish-date",
        "publish_date",
        "publishdate",
        "publication_date",
        "published_date",
        "sailthru.date",
        "parsely-pub-date",
        "article.published",
        "article_date_original",
        "original-publish-date",
        "citation_publication_date",
        "citation_date",
        "og:published_time",
    ];
    json_ld_date(json_ld)
        .or_else(|| {
            metas
                .get("article:published_time")
                .and_then(|v| parse_date(v))
        })
        .or_else(|| time_date(doc))
        .or_else(|| {
            META_NAMES
                .iter()
                .find_map(|name| metas.get(*name).and_then(|v| parse_date(v)))
        })
}

/// `datePublished` of the first article object in the JSON-LD blocks (an
/// object, a list, or a `@graph`), else of any object that has one.
fn json_ld_date(blocks: &[String]) -> Option<Date> {
    let values: Vec<Value> = blocks
        .iter()
        .filter_map(|b| serde_json::from_str(json_ld_body(b)).ok())
        .collect();
    let mut objects = Vec::new();
    for value in &values {
        collect_objects(value, &mut objects);
    }
    let published = |o: &&serde_json::Map<String, Value>| {
        let v = o.get("datePublished")?;
        let s = match v {
            Value::String(s) => s.as_str(),
            Value::Array(list) => list.iter().find_map(Value::as_str)?,
            Value::Object(o) => o.get("@value")?.as_str()?,
            _ => return None,
        };
        parse_date(s)
    };
    objects
        .iter()
        .filter(|o| is_article_type(o.get("@type")))
        .find_map(published)
        .or_else(|| objects.iter().find_map(published))
}

/// A JSON-LD block without the comment or CDATA wrapping some pages give
/// it.
fn json_ld_body(block: &str) -> &str {
    let mut s = block.trim();
    for (open, close) in [
        ("<!--", "-->"),
        ("<![CDATA[", "]]>"),
        ("//<![CDATA[", "//]]>"),
    ] {
        if let Some(inner) = s.strip_prefix(open) {
            s = inner.trim_end().strip_suffix(close).unwrap_or(inner).trim();
        }
    }
    s.strip_suffix(';').unwrap_or(s).trim_end()
}

/// The objects of a JSON-LD value: itself, the items of a list, and the
/// members of `@graph` (one level each: that is where articles are).
fn collect_objects<'v>(value: &'v Value, out: &mut Vec<&'v serde_json::Map<String, Value>>) {
    let items: &[Value] = match value {
        Value::Array(list) => list,
        other => std::slice::from_ref(other),
    };
    for item in items {
        let Value::Object(o) = item else {
            continue;
        };
        out.push(o);
        if let Some(Value::Array(graph)) = o.get("@graph") {
            out.extend(graph.iter().filter_map(Value::as_object));
        }
    }
}

/// Whether a `@type` (a name or a list) names a kind of article.
fn is_article_type(t: Option<&Value>) -> bool {
    let is_article = |name: &str| {
        let name = name.rsplit(['/', ':', '#']).next().unwrap_or(name);
        name.ends_with("Article")
            || matches!(
                name,
                "ReportageNews"
                    | "BlogPosting"
                    | "LiveBlogPosting"
                    | "SocialMediaPosting"
                    | "Report"
            )
    };
    match t {
        Some(Value::String(s)) => is_article(s),
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).any(is_article),
        _ => false,
    }
}

/// The date of a `<time>` that dates the story: one marked `pubdate` or
/// `itemprop="datePublished"` (or any element so marked), else the first
/// inside the `<article>`, else the page's only one.
fn time_date(doc: &Document) -> Option<Date> {
    let date_of = |node: &NodeRef| {
        ["datetime", "content"]
            .iter()
            .find_map(|a| node.attr(a).and_then(|v| parse_date(&v)))
            .or_else(|| parse_date(&node.text()))
    };
    let marked = doc.select("time[pubdate], [itemprop=datePublished]");
    if let Some(d) = marked.nodes().iter().find_map(date_of) {
        return Some(d);
    }
    let in_story = doc.select("article time[datetime], [itemprop=articleBody] time[datetime]");
    if let Some(d) = in_story.nodes().iter().find_map(date_of) {
        return Some(d);
    }
    match doc.select("time[datetime]").nodes() {
        [only] => date_of(only),
        _ => None,
    }
}

/// A date as pages write it: ISO 8601 / RFC 3339 with or without time and
/// offset (the calendar date as written, in its own offset), RFC 2822, or
/// the dates `date` recognises in text ("4 March 2026").
fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let date = jiff::fmt::temporal::Pieces::parse(s)
        .map(|p| p.date())
        .ok()
        .or_else(|| {
            // "2026-03-04T09:15:00+0200" and other near-ISO stamps: the
            // date as written.
            let head = s.get(..10)?;
            let next = s.as_bytes().get(10);
            (next.is_none() || matches!(next, Some(b'T' | b't' | b' ')))
                .then(|| head.parse::<Date>().ok())
                .flatten()
        })
        .or_else(|| jiff::fmt::rfc2822::parse(s).ok().map(|z| z.date()))
        .or_else(|| match super::date::scan(s).full {
            Some((d, 0)) => Some(d),
            _ => None,
        })?;
    (1900..=2100).contains(&date.year()).then_some(date)
}

// ---------------------------------------------------------------------------
// Fragments and text

/// An HTML fragment -> text, one paragraph per block, separated by a blank
/// line.
pub(super) fn fragment(html: &str) -> String {
    if !has_markup(html) {
        if !html.contains('&') {
            return html.to_owned();
        }
        // Plain text with character references: decoded, lines kept.
        let doc = Document::fragment(html);
        return super::decode::normalise(&doc.root().text());
    }
    let compact = compact(html);
    let doc = Document::fragment(compact.html.as_str());
    super::decode::normalise(&render(&doc.root()))
}

/// Whether `s` has a tag, end tag, comment or declaration in it.
fn has_markup(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(lt) = find_lt(b, i) {
        match b.get(lt + 1) {
            Some(c) if c.is_ascii_alphabetic() || matches!(c, b'!' | b'?') => return true,
            Some(b'/') if b.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) => return true,
            _ => i = lt + 1,
        }
    }
    false
}

/// What separates the next text from the text before it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    None,
    Space,
    Line,
    Paragraph,
}

/// Text being assembled from a tree.
struct TextOut {
    out: String,
    gap: Gap,
}

impl TextOut {
    fn gap(&mut self, gap: Gap) {
        self.gap = self.gap.max(gap);
    }

    /// A `<br>`: a line break; two in a row end the paragraph.
    fn line_break(&mut self) {
        self.gap = if self.gap >= Gap::Line {
            Gap::Paragraph
        } else {
            Gap::Line
        };
    }

    fn flush_gap(&mut self) {
        if !self.out.is_empty() {
            match self.gap {
                Gap::None => {}
                Gap::Space => self.out.push(' '),
                Gap::Line => self.out.push('\n'),
                Gap::Paragraph => self.out.push_str("\n\n"),
            }
        }
        self.gap = Gap::None;
    }

    /// Text with its white space collapsed, as a browser shows it.
    fn text(&mut self, s: &str) {
        if s.starts_with(char::is_whitespace) {
            self.gap(Gap::Space);
        }
        let mut any = false;
        for word in s.split_whitespace() {
            if any {
                self.gap(Gap::Space);
            }
            self.flush_gap();
            self.out.push_str(word);
            any = true;
        }
        if any && s.ends_with(char::is_whitespace) {
            self.gap(Gap::Space);
        }
    }

    /// Preformatted text: its lines kept.
    fn pre(&mut self, s: &str) {
        let s = s.strip_prefix('\n').unwrap_or(s).trim_end();
        if s.trim().is_empty() {
            return;
        }
        self.gap(Gap::Paragraph);
        self.flush_gap();
        for (i, line) in s.split('\n').enumerate() {
            if i > 0 {
                self.out.push('\n');
            }
            self.out.push_str(line.trim_end());
        }
        self.gap(Gap::Paragraph);
    }
}

/// How an element's content is laid out as text.
enum Layout {
    /// Not text at all.
    Skip,
    /// A paragraph of its own (block element).
    Block,
    /// A table cell: separated by a space.
    Cell,
    Break,
    Pre,
    Inline,
}

fn layout(name: &str) -> Layout {
    match name {
        "head" | "title" | "script" | "style" | "noscript" | "template" | "iframe" | "svg"
        | "math" | "textarea" | "select" | "button" | "input" | "object" | "embed" | "video"
        | "audio" | "canvas" | "img" | "picture" | "meta" | "link" => Layout::Skip,
        "br" => Layout::Break,
        "pre" | "listing" | "xmp" => Layout::Pre,
        "td" | "th" => Layout::Cell,
        _ if is_block(name)
            || matches!(
                name,
                "legend" | "tbody" | "thead" | "tfoot" | "option" | "optgroup" | "body" | "html"
            ) =>
        {
            Layout::Block
        }
        _ => Layout::Inline,
    }
}

/// The text of `root`'s content: one paragraph per block element, separated
/// by a blank line; `<br>` a line break; white space collapsed. Walks the
/// tree with a stack of its own, never recursion.
fn render(root: &NodeRef) -> String {
    enum Step<'a> {
        Enter(NodeRef<'a>),
        Leave(Gap),
    }
    let mut out = TextOut {
        out: String::new(),
        gap: Gap::None,
    };
    let mut steps: Vec<Step> = root.children_it(true).map(Step::Enter).collect();
    while let Some(step) = steps.pop() {
        let node = match step {
            Step::Leave(gap) => {
                out.gap(gap);
                continue;
            }
            Step::Enter(node) => node,
        };
        if node.is_text() {
            out.text(&node.text());
            continue;
        }
        if !node.is_element() {
            continue;
        }
        let name = node
            .qual_name_ref()
            .map(|q| q.local.to_string())
            .unwrap_or_default();
        match layout(&name) {
            Layout::Skip => continue,
            Layout::Break => {
                out.line_break();
                continue;
            }
            Layout::Pre => {
                out.pre(&node.text());
                continue;
            }
            Layout::Block => {
                out.gap(Gap::Paragraph);
                steps.push(Step::Leave(Gap::Paragraph));
            }
            Layout::Cell => {
                out.gap(Gap::Space);
                steps.push(Step::Leave(Gap::Space));
            }
            Layout::Inline => {}
        }
        steps.extend(node.children_it(true).map(Step::Enter));
    }
    out.out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A news site's story page with everything around the story: cookie
    /// banner, navigation, share bar, related links, comments, footer,
    /// inline script and style.
    const NEWS: &str = r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Minister offers to host ceasefire talks | The Harbour Courier</title>
<meta property="og:title" content="Minister offers to host ceasefire talks in Valmora">
<meta property="og:site_name" content="The Harbour Courier">
<meta property="og:url" content="https://harbourcourier.example/world/minister-offers-talks?ref=og">
<link rel="canonical" href="https://harbourcourier.example/world/minister-offers-talks">
<meta property="article:published_time" content="2026-03-03T22:40:00-05:00">
<meta property="article:modified_time" content="2026-03-05T11:00:00+02:00">
<style>body { font-family: serif; } .cookie { position: fixed; }</style>
<script>window.dataLayer = window.dataLayer || []; function track(x){ if (a < b) console.log("tracking pixel"); }</script>
<script type="application/ld+json">
{"@context":"https://schema.org","@type":"NewsArticle","headline":"Minister offers to host ceasefire talks in Valmora",
 "dateModified":"2026-03-05T11:00:00+02:00","datePublished":"2026-03-04T09:15:00+02:00"}
</script>
</head>
<body class="story-page">
<div id="cookie-banner" class="cookie-consent">
  <p>We use cookies to improve your experience. By continuing you accept our cookie policy.</p>
  <button>Accept all cookies</button>
</div>
<header class="site-header">
  <a href="/" class="logo">The Harbour Courier</a>
  <nav class="main-nav">
    <ul><li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li><li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li></ul>
  </nav>
</header>
<main>
<article class="story">
  <h1>Minister offers to host ceasefire talks in Valmora</h1>
  <p class="byline">By Tessa Marlow, diplomatic correspondent</p>
  <div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">Email this story</a></div>
  <p>The foreign minister of Estaria, Ilona Brandt, said on Tuesday that her government was ready to host talks between the two sides in the lakeside city of Valmora, offering a neutral venue and security guarantees for both delegations.</p>
  <p>"We have hosted difficult conversations before, and we are ready to do so again," Brandt told reporters at a press conference in the capital. She added that the talks could begin as early as next month if both parties agreed.</p>
  <h2>A long road to the table</h2>
  <p>Previous rounds of negotiations collapsed last year after disagreements over the sequencing of a prisoner exchange. Diplomats say a change of venue could help restart the process, which has stalled for almost eight months.</p>
  <p>Officials in Norland welcomed the proposal, but said they would study it carefully.<br>A spokesman said a formal reply would come &quot;within days&quot; &amp; not weeks.</p>
  <script>track("inline <p>not text</p>");</script>
  <p>The offer follows a week of shuttle diplomacy by envoys from several neighbouring states, who have been pressing both governments to return to the negotiating table before the winter.</p>
  <aside class="related">
    <h3>Related stories</h3>
    <ul><li><a href="/a">Envoys meet in secret ahead of summit</a></li><li><a href="/b">What the prisoner exchange dispute is about</a></li></ul>
  </aside>
</article>
<section id="comments" class="comments">
  <h3>Comments (12)</h3>
  <div class="comment"><p>Reader123: About time someone stepped up to host this, and I hope the talks go well for everyone involved in them.</p></div>
  <div class="comment"><p>Skeptic: I will believe it when I see it happen, these offers have been made many times before without result.</p></div>
</section>
</main>
<footer class="site-footer">
  <p>&copy; 2026 The Harbour Courier. All rights reserved.</p>
  <ul><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a></li></ul>
</footer>
</body>
</html>
"##;

    const NEWS_PARAGRAPHS: &[&str] = &[
        "The foreign minister of Estaria, Ilona Brandt, said on Tuesday that her government was ready to host talks between the two sides in the lakeside city of Valmora, offering a neutral venue and security guarantees for both delegations.",
        "\"We have hosted difficult conversations before, and we are ready to do so again,\" Brandt told reporters at a press conference in the capital. She added that the talks could begin as early as next month if both parties agreed.",
        "A long road to the table",
        "Previous rounds of negotiations collapsed last year after disagreements over the sequencing of a prisoner exchange. Diplomats say a change of venue could help restart the process, which has stalled for almost eight months.",
        "Officials in Norland welcomed the proposal, but said they would study it carefully.\nA spokesman said a formal reply would come \"within days\" & not weeks.",
        "The offer follows a week of shuttle diplomacy by envoys from several neighbouring states, who have been pressing both governments to return to the negotiating table before the winter.",
    ];

    const FURNITURE: &[&str] = &[
        "cookie",
        "Accept all",
        "Politics",
        "Share on",
        "Email this story",
        "Related stories",
        "Envoys meet",
        "Comments",
        "Reader123",
        "Skeptic",
        "rights reserved",
        "Privacy",
        "tracking",
        "track(",
        "font-family",
        "not text",
    ];

    fn body(parts: &Parts) -> &str {
        match &parts.body {
            Body::Text(t) => t,
            Body::Html(h) => h,
        }
    }

    fn date(s: &str) -> Option<Date> {
        s.parse().ok()
    }

    /// Runs `f` on a thread with the default stack size, as the pipeline's
    /// threads have.
    fn on_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        match std::thread::spawn(f).join() {
            Ok(v) => v,
            Err(_) => panic!("the thread panicked"),
        }
    }

    #[test]
    fn news_page_body_is_the_story_only() {
        let parts = page(NEWS);
        let text = body(&parts);
        eprintln!("{text}");
        assert_eq!(text, NEWS_PARAGRAPHS.join("\n\n"));
        for f in FURNITURE {
            assert!(!text.contains(f), "{f:?} in the body");
        }
    }

    #[test]
    fn news_page_metadata() {
        let parts = page(NEWS);
        assert_eq!(
            parts.title.as_deref(),
            Some("Minister offers to host ceasefire talks in Valmora")
        );
        // JSON-LD's datePublished, not dateModified, not the meta tag's.
        assert_eq!(parts.date, date("2026-03-04"));
        assert_eq!(
            parts.url.as_deref(),
            Some("https://harbourcourier.example/world/minister-offers-talks")
        );
    }
    /// A story in `<article>`, with the headline only in `<h1>` and
    /// `<title>`, and the date only in a `<time>`.
    const ARTICLE: &str = r##"<html><head>
<title>Envoys agree on a venue - Lakeside Daily</title>
<meta name="application-name" content="Lakeside Daily">
<meta property="og:url" content="https://www.lakesidedaily.example/news/envoys-venue">
<link rel="canonical" href="/news/envoys-venue">
</head><body>
<div class="top"><a href="/">Home</a> <a href="/news">News</a> <a href="/opinion">Opinion</a></div>
<p class="clock"><time datetime="2026-05-02">Saturday 2 May</time></p>
<article>
<header><h1>Envoys agree   on a
 venue for the spring round</h1>
<p class="meta">By Oskar Lind · <time datetime="2026-04-28T18:30:00+01:00">28 April 2026</time></p></header>
<p>After two days of consultations, envoys from Norland and Estaria agreed that the next round of talks will take place in the island town of Kessa, according to a statement released on Monday evening.</p>
<p>The choice of Kessa, which hosted a regional trade conference last autumn, was proposed by the mediator's office and accepted by both delegations without objection.</p>
<blockquote><p>"It is a quiet place where people can think," the mediator said.</p></blockquote>
<p>Preparations will begin next week, and the first session is expected to open on the fifteenth of the month, officials said.</p>
<ul><li>Each delegation will have twelve members.</li><li>The sessions will be closed to the press.</li></ul>
<footer><div class="tags">Tags: <a href="/t/diplomacy">diplomacy</a></div><div class="share">Share this</div></footer>
</article>
<div class="newsletter-signup"><h3>Get the morning briefing</h3><p>Sign up for our newsletter and never miss a story from the region.</p></div>
</body></html>"##;

    const ARTICLE_PARAGRAPHS: &[&str] = &[
        "By Oskar Lind · 28 April 2026",
        "After two days of consultations, envoys from Norland and Estaria agreed that the next round of talks will take place in the island town of Kessa, according to a statement released on Monday evening.",
        "The choice of Kessa, which hosted a regional trade conference last autumn, was proposed by the mediator's office and accepted by both delegations without objection.",
        "\"It is a quiet place where people can think,\" the mediator said.",
        "Preparations will begin next week, and the first session is expected to open on the fifteenth of the month, officials said.",
        "Each delegation will have twelve members.",
        "The sessions will be closed to the press.",
    ];

    /// An old-style page of `<div>`s only, the date in a JSON-LD `@graph`.
    const DIVS: &str = r##"<html><head><title>Summit host named | Northern Ledger</title>
<script type="application/ld+json">
<!--
{"@context":"https://schema.org","@graph":[
 {"@type":"WebSite","name":"Northern Ledger","url":"https://ledger.example/"},
 {"@type":"WebPage","datePublished":"2025-12-30","dateModified":"2026-01-09"},
 {"@type":["NewsArticle","Article"],"headline":"Summit host named","dateModified":"2026-01-09T08:00:00Z","datePublished":"2026-01-07T23:30:00-08:00"}
]}
-->
</script>
<script>var html = "<div class='story'>not the story</div>";</script>
</head><body>
<div id="wrapper">
 <div id="topmenu"><div class="menu-item"><a href="/">Front page</a></div><div class="menu-item"><a href="/world">World news</a></div></div>
 <div class="social-links"><a href="#">Follow us</a></div>
 <div id="main-content">
  <div class="headline"><h1>Summit host named</h1></div>
  <div class="story-body">
   <div class="para">The government of Tarsland confirmed on Wednesday that it will host the winter summit, ending weeks of speculation about the venue for the meeting between the rival leaders.</div>
   <div class="para">A spokeswoman said the capital's old parliament building had been chosen because it could be secured easily and had space for the large delegations both sides are expected to send.</div>
   <div class="para">Neither side has yet confirmed who will lead its delegation, though officials in both capitals said an announcement could come before the end of the week.</div>
  </div>
  <div id="comment-section"><div class="comment-body">Great news for the region, finally some progress after all these months.</div></div>
 </div>
 <div id="sidebar"><div class="most-read"><a href="/x">Most read: storm closes the harbour</a></div></div>
 <div id="footer">Northern Ledger &middot; Contact us &middot; Advertise</div>
</div>
</body></html>"##;

    const DIVS_PARAGRAPHS: &[&str] = &[
        "The government of Tarsland confirmed on Wednesday that it will host the winter summit, ending weeks of speculation about the venue for the meeting between the rival leaders.",
        "A spokeswoman said the capital's old parliament building had been chosen because it could be secured easily and had space for the large delegations both sides are expected to send.",
        "Neither side has yet confirmed who will lead its delegation, though officials in both capitals said an announcement could come before the end of the week.",
    ];

    /// A short story (well under Readability's 500 characters), which makes
    /// it retry without its filters.
    const SHORT: &str = r##"<html><head><title>Talks postponed</title></head><body>
<div class="cookie-notice">This site uses cookies for analytics and personalised advertising across our network of partner sites.</div>
<div class="content"><h1>Talks postponed</h1>
<p>The talks planned for Friday in Kessa have been postponed by a week, the mediator's office said.</p>
<p>No reason was given.</p></div>
<div class="comments"><p>Disappointing but not surprising, given how the last round ended in acrimony and delay.</p><p>Another week, another delay, and the people waiting for peace pay the price once again.</p></div>
</body></html>"##;

    #[test]
    fn article_page() {
        let parts = page(ARTICLE);
        let text = body(&parts);
        assert_eq!(text, ARTICLE_PARAGRAPHS.join("\n\n"), "{text}");
        for f in [
            "Home",
            "Opinion",
            "Saturday",
            "Tags",
            "Share",
            "newsletter",
            "briefing",
        ] {
            assert!(!text.contains(f), "{f:?} in the body");
        }
        assert_eq!(
            parts.title.as_deref(),
            Some("Envoys agree on a venue for the spring round")
        );
        // The article's own time, not the page's clock.
        assert_eq!(parts.date, date("2026-04-28"));
        // The canonical link is relative: og:url instead.
        assert_eq!(
            parts.url.as_deref(),
            Some("https://www.lakesidedaily.example/news/envoys-venue")
        );
    }

    #[test]
    fn article_page_through_the_layout() {
        // The byline goes with the header area, as in a text file.
        let fallback = Date::constant(2026, 6, 1);
        let article = match super::super::finish(page(ARTICLE), fallback) {
            Ok(a) => a,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(article.body, ARTICLE_PARAGRAPHS[1..].join("\n\n"));
        assert_eq!(article.date, Date::constant(2026, 4, 28));
        assert_eq!(article.date_source, super::super::DateSource::Metadata);
    }

    #[test]
    fn divs_page() {
        let parts = page(DIVS);
        let text = body(&parts);
        assert_eq!(text, DIVS_PARAGRAPHS.join("\n\n"), "{text}");
        for f in [
            "Front page",
            "Follow",
            "Great news",
            "Most read",
            "Contact",
            "not the story",
        ] {
            assert!(!text.contains(f), "{f:?} in the body");
        }
        assert_eq!(parts.title.as_deref(), Some("Summit host named"));
        // The NewsArticle's datePublished, in its own offset (in UTC it
        // would be the 8th), rather than the WebPage's.
        assert_eq!(parts.date, date("2026-01-07"));
        assert_eq!(parts.url, None);
    }

    #[test]
    fn short_story_keeps_out_furniture() {
        let parts = page(SHORT);
        let text = body(&parts);
        assert_eq!(
            text,
            "The talks planned for Friday in Kessa have been postponed by a week, the mediator's office said.\n\nNo reason was given.",
        );
        assert_eq!(parts.title.as_deref(), Some("Talks postponed"));
        assert_eq!(parts.date, None);
    }
    fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
        let start = std::time::Instant::now();
        let v = f();
        eprintln!("{what}: {:?}", start.elapsed());
        v
    }

    const DEEP_TEXT: &str = "Deep inside, the talks went on through the night.";

    /// Runs `page` and `fragment` on hostile markup: `open` repeated
    /// 100,000 times, then `close` as often, with a paragraph before and one
    /// inside. Each must finish (quickly, on a default stack) and keep the
    /// paragraph before; `inner` says whether the one inside survives too
    /// (markup that only nests is flattened to its text; markup that makes
    /// 100,000 elements side by side is cut off at [`MAX_ELEMENTS`]).
    fn hostile(what: &'static str, open: &'static str, close: &'static str, inner: bool) {
        on_thread(move || {
            let n = 100_000;
            let html = format!(
                "<html><body><p>{OPENING}</p>{}<p>{DEEP_TEXT}</p>{}</body></html>",
                open.repeat(n),
                close.repeat(n)
            );
            let start = std::time::Instant::now();
            let parts = page(&html);
            let paged = start.elapsed();
            let text = fragment(&html);
            eprintln!(
                "{what}: page {paged:?}, fragment {:?}",
                start.elapsed() - paged
            );
            for text in [body(&parts), text.as_str()] {
                assert!(text.contains(OPENING), "{what}: {text:?}");
                assert_eq!(text.contains(DEEP_TEXT), inner, "{what}");
            }
        });
    }

    const OPENING: &str =
        "The delegations arrived in Kessa late on Sunday evening and were met by the mediator.";

    #[test]
    fn nested_divs() {
        hostile("nested divs", "<div>", "</div>", true);
        hostile("unclosed divs", "<div>", "", true);
    }

    #[test]
    fn nested_inline_and_blocks() {
        hostile("spans around divs", "<span><div>", "</span>", true);
        hostile("mixed formatting", "<b><i><u><em>", "", true);
        hostile("divs around tables", "<div><table>", "</div>", true);
    }

    #[test]
    fn nested_tables() {
        hostile("nested tables", "<table><tr><td>", "", true);
    }

    #[test]
    fn nested_foreign_content() {
        // Dropped whole: everything after an unclosed <svg> is inside it.
        // (A <p> ends foreign content.)
        hostile("nested svg", "<svg><g>", "", true);
        hostile("nested templates", "<template>", "", false);
    }

    #[test]
    fn many_siblings() {
        hostile(
            "unclosed bold in paragraphs",
            "<p><b class=x>",
            "</p>",
            false,
        );
        hostile("unclosed links", "<a href=#>", "", false);
        hostile("list items", "<li>", "", false);
    }

    /// A 10 MiB page as a "save page, complete" tool writes it: megabytes
    /// of inline style, script and images around the story.
    fn saved_page() -> String {
        let style = ".card{margin:0 auto;padding:4px}\n".repeat(100_000);
        let script = "if (a < b && c > d) { track('view', {id: 42}); }\n".repeat(100_000);
        let image = format!(
            "<img alt=\"\" src=\"data:image/png;base64,{}\">",
            "iVBORw0KGgo".repeat(80_000)
        );
        let story = NEWS
            .replace("<style>", &format!("<style>{style}"))
            .replace("<main>", &format!("<main>{image}{image}"))
            .replace(
                "</footer>",
                &format!("</footer><script>{script}</script>{image}"),
            );
        assert!(story.len() > 10 << 20, "{}", story.len());
        story
    }

    #[test]
    fn ten_mib_saved_page() {
        on_thread(|| {
            let html = saved_page();
            let parts = timed("10 MiB saved page", || page(&html));
            assert_eq!(body(&parts), NEWS_PARAGRAPHS.join("\n\n"));
            assert_eq!(parts.date, date("2026-03-04"));
        });
    }

    #[test]
    fn ten_mib_of_paragraphs() {
        on_thread(|| {
            let para = "<p>The delegates met again in the afternoon to discuss the agenda for the next round, and agreed on little.</p>\n";
            let html = format!(
                "<html><head><title>Agenda talks</title></head><body><article><p>{OPENING}</p>{}</article></body></html>",
                para.repeat(100_000)
            );
            assert!(html.len() > 10 << 20);
            let parts = timed("10 MiB of paragraphs", || page(&html));
            assert!(body(&parts).starts_with(OPENING));
            let text = timed("10 MiB of paragraphs as a fragment", || fragment(&html));
            assert!(text.starts_with(OPENING));
        });
    }

    #[test]
    fn ten_mib_of_text() {
        on_thread(|| {
            let text =
                "Talks in Kessa &amp; Valmora went on late into the night.\n".repeat(200_000);
            assert!(text.len() > 10 << 20);
            let parts = timed("10 MiB of text as a page", || page(&text));
            assert!(body(&parts).starts_with("Talks in Kessa & Valmora"));
            let text = &text[..1 << 20];
            let decoded = timed("1 MiB of text as a fragment", || fragment(text));
            assert!(
                decoded.starts_with("Talks in Kessa & Valmora went on late into the night.\nTalks")
            );
        });
    }

    /// The depth of the deepest element of a tree.
    fn tree_depth(doc: &Document) -> usize {
        let mut max = 0;
        let mut todo = vec![(doc.root(), 0usize)];
        while let Some((node, depth)) = todo.pop() {
            max = max.max(depth);
            todo.extend(node.children_it(false).map(|c| (c, depth + 1)));
        }
        max
    }

    #[test]
    fn compacted_markup_stays_shallow() {
        on_thread(|| {
            for (open, close) in [
                ("<div>", "</div>"),
                ("<span><div>", "</span>"),
                ("<table><tr><td>", ""),
                ("<p><b>", "</p>"),
                ("<b><i><u><em>", ""),
                ("<div><table>", "</div>"),
                ("<li><dl><dt>", ""),
                ("<a href=#><div>", "</a>"),
                ("<select><option><div>", ""),
                ("<button><div>", ""),
            ] {
                let html = format!("{}text{}", open.repeat(5_000), close.repeat(5_000));
                let compact = compact(&html);
                let depth = tree_depth(&Document::from(compact.html.as_str()));
                assert!(depth <= 2 * MAX_DEPTH + 8, "{open}: depth {depth}");
            }
        });
    }

    // ---- metadata ----

    const STORY: &str = "The prime minister of Norland said on Thursday that he would accept an invitation to talks in Valmora, provided that the agenda included the release of detained fishermen and the reopening of the border crossing.";

    fn with_head(head: &str, body: &str) -> Parts {
        page(&format!(
            "<html><head>{head}</head><body>{body}<article><p>{STORY}</p></article></body></html>"
        ))
    }

    #[test]
    fn title_precedence() {
        let og = r#"<meta property="og:title" content="Norland accepts the invitation">"#;
        let title = "<title>Norland says yes | The Harbour Courier</title>";
        let h1 = "<h1>Norland premier accepts talks</h1>";
        let logo = "<header><h1>The Harbour Courier</h1></header>";
        let site = r#"<meta property="og:site_name" content="The Harbour Courier">"#;
        let cases = [
            (
                format!("{og}{title}"),
                h1.to_owned(),
                "Norland accepts the invitation",
            ),
            (
                title.to_owned(),
                format!("{logo}<article>{h1}</article>"),
                "Norland premier accepts talks",
            ),
            (
                format!("{site}{title}"),
                logo.to_owned(),
                "Norland says yes",
            ),
            (title.to_owned(), String::new(), "Norland says yes"),
            // An og:title that is only the site's name says nothing.
            (
                format!(
                    "{site}<meta property=\"og:title\" content=\"The Harbour Courier\">{title}"
                ),
                String::new(),
                "Norland says yes",
            ),
        ];
        for (head, body, want) in cases {
            assert_eq!(
                with_head(&head, &body).title.as_deref(),
                Some(want),
                "{head} {body}"
            );
        }
    }

    #[test]
    fn title_site_name_is_stripped_only_when_known_or_clear() {
        let canonical = r#"<link rel="canonical" href="https://www.lakesidedaily.example/a/1">"#;
        let site = r#"<meta property="og:site_name" content="Lakeside Daily">"#;
        let cases = [
            (
                format!("{canonical}<title>Talks resume - Lakeside Daily</title>"),
                "Talks resume",
            ),
            (
                format!("{site}<title>Lakeside Daily | Talks resume in Kessa</title>"),
                "Talks resume in Kessa",
            ),
            (
                format!("{site}<title>Talks resume in Kessa — Lakeside Daily</title>"),
                "Talks resume in Kessa",
            ),
            (
                "<title>Talks in Valmora - what we know</title>".to_owned(),
                "Talks in Valmora - what we know",
            ),
            (
                "<title>Talks resume in Kessa | Courier</title>".to_owned(),
                "Talks resume in Kessa",
            ),
            (
                "<title>  Talks \n   resume  </title>".to_owned(),
                "Talks resume",
            ),
            ("<title>Lakeside Daily</title>".to_owned(), "Lakeside Daily"),
        ];
        for (head, want) in cases {
            assert_eq!(with_head(&head, "").title.as_deref(), Some(want), "{head}");
        }
        assert_eq!(with_head("", "").title, None);
    }

    #[test]
    fn date_sources_in_order() {
        let ld = |json: &str| format!(r#"<script type="application/ld+json">{json}</script>"#);
        let meta_p = |p: &str, v: &str| format!(r#"<meta property="{p}" content="{v}">"#);
        let meta_n = |n: &str, v: &str| format!(r#"<meta name="{n}" content="{v}">"#);
        let cases: Vec<(String, String, Option<&str>)> = vec![
            // JSON-LD, as a list, wins over everything else.
            (
                ld(r#"[{"@type":"BreadcrumbList"},{"@type":"ReportageNews","datePublished":"2026-02-01T10:00:00+01:00"}]"#)
                    + &meta_p("article:published_time", "2026-02-02")
                    + &meta_n("date", "2026-02-03"),
                "<time datetime=\"2026-02-04\" pubdate></time>".into(),
                Some("2026-02-01"),
            ),
            // An object with dateModified before datePublished.
            (
                ld(r#"{"@context":"https://schema.org","@type":"NewsArticle","dateModified":"2026-02-09","datePublished":"2026-02-05"}"#),
                String::new(),
                Some("2026-02-05"),
            ),
            // Then article:published_time.
            (meta_p("article:published_time", "2026-02-02T23:59:00-05:00") + &meta_n("date", "2026-02-03"), String::new(), Some("2026-02-02")),
            // Then a <time> marked as the publication's.
            (meta_n("date", "2026-02-03"), "<time datetime=\"2026-02-04\" pubdate>4 Feb</time>".into(), Some("2026-02-04")),
            (String::new(), "<span itemprop=\"datePublished\" content=\"2026-02-06\">6 Feb</span>".into(), Some("2026-02-06")),
            (String::new(), "<time itemprop=\"datePublished\">7 February 2026</time>".into(), Some("2026-02-07")),
            // The first inside the article rather than the page's clock.
            (
                String::new(),
                "<p><time datetime=\"2026-03-01\">today</time></p><article><p>By A. Writer <time datetime=\"2026-02-08T07:00\">8 Feb</time></p><time datetime=\"2026-02-09\"></time></article>".into(),
                Some("2026-02-08"),
            ),
            // The page's only <time>.
            (String::new(), "<p>Posted <time datetime=\"2026-02-10\">10 Feb</time></p>".into(), Some("2026-02-10")),
            // Two outside any article: neither is known to date the story.
            (String::new(), "<time datetime=\"2026-02-11\"></time><time datetime=\"2026-02-12\"></time>".into(), None),
            // Then the other meta names.
            (meta_n("date", "2026-02-13"), String::new(), Some("2026-02-13")),
            (meta_n("DC.date.issued", "2026-02-14"), String::new(), Some("2026-02-14")),
            (meta_n("dcterms.created", "2026-02-15"), String::new(), Some("2026-02-15")),
            (meta_n("sailthru.date", "2026-02-16 08:30:00"), String::new(), Some("2026-02-16")),
            (meta_n("parsely-pub-date", "2026-02-17T06:00:00Z"), String::new(), Some("2026-02-17")),
            (meta_n("pubdate", "2026-02-18"), String::new(), Some("2026-02-18")),
            (meta_n("publish-date", "February 19, 2026"), String::new(), Some("2026-02-19")),
            // Bad JSON-LD is passed over.
            (ld(r#"{"@type":"NewsArticle","datePublished":"2026-02-20""#) + &meta_n("date", "2026-02-21"), String::new(), Some("2026-02-21")),
        ];
        for (head, body, want) in cases {
            assert_eq!(
                with_head(&head, &body).date,
                want.and_then(date),
                "{head} {body}"
            );
        }
    }

    #[test]
    fn modification_dates_are_never_the_date() {
        let head = r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","dateModified":"2026-02-09"}</script>
<meta property="article:modified_time" content="2026-02-09">
<meta property="og:updated_time" content="2026-02-09">
<meta name="last-modified" content="2026-02-09">
<meta http-equiv="last-modified" content="2026-02-09">"#;
        assert_eq!(with_head(head, "").date, None);
    }

    #[test]
    fn date_formats() {
        let cases = [
            ("2026-03-04", Some("2026-03-04")),
            ("2026-03-04T09:15:00+02:00", Some("2026-03-04")),
            ("2026-03-04T09:15:00Z", Some("2026-03-04")),
            ("2026-03-04T23:30:00-08:00", Some("2026-03-04")),
            ("2026-03-04T00:30:00+09:00", Some("2026-03-04")),
            ("2026-03-04 09:15", Some("2026-03-04")),
            (" 2026-03-04T09:15:00.000+0200 ", Some("2026-03-04")),
            ("2026-03-04T09:15:00+02", Some("2026-03-04")),
            ("Wed, 04 Mar 2026 09:15:00 +0000", Some("2026-03-04")),
            ("4 March 2026", Some("2026-03-04")),
            ("0001-01-01T00:00:00Z", None),
            ("2026-13-45", None),
            ("soon", None),
            ("", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_date(s), want.and_then(date), "{s:?}");
        }
    }

    #[test]
    fn url_sources() {
        let canonical = |href: &str| format!(r#"<link rel="canonical" href="{href}">"#);
        let og = |u: &str| format!(r#"<meta property="og:url" content="{u}">"#);
        let cases = [
            (
                canonical("https://courier.example/a") + &og("https://courier.example/b"),
                Some("https://courier.example/a"),
            ),
            (
                canonical("/a") + &og("https://courier.example/b"),
                Some("https://courier.example/b"),
            ),
            (
                r#"<link rel="Canonical alternate" href=" http://courier.example/c ">"#.to_owned(),
                Some("http://courier.example/c"),
            ),
            (
                canonical("javascript:void(0)") + &og("//courier.example/d"),
                None,
            ),
            (og("https:///nohost"), None),
            (String::new(), None),
        ];
        for (head, want) in cases {
            assert_eq!(with_head(&head, "").url.as_deref(), want, "{head}");
        }
    }

    // ---- charsets ----

    #[test]
    fn charset_from_meta() {
        let cp1252 = b"<html><head><meta charset=\"windows-1252\"><title>Caf\xe9 talks</title></head><body><p>Caf\xe9\xa0society\r\nmet.</p></body></html>";
        let text = decode(cp1252).unwrap_or_default();
        assert!(text.contains("<title>Café talks</title>"), "{text}");
        assert!(text.contains("Café society\nmet."), "{text}");

        let latin1 = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"></head><body><p>Gen\xe8ve</p></body></html>";
        assert!(decode(latin1).unwrap_or_default().contains("Genève"));

        // KOI8-R: mostly high bytes, which no guess would read.
        let mut koi8 =
            b"<meta content='text/html; charset=\"koi8-r\"' http-equiv=content-type><p>".to_vec();
        koi8.extend_from_slice(
            b"\xf0\xc5\xd2\xc5\xc7\xcf\xd7\xcf\xd2\xd9 \xcf \xcd\xc9\xd2\xc5</p>",
        );
        assert!(decode(&koi8)
            .unwrap_or_default()
            .contains("Переговоры о мире"));
        assert!(super::super::decode::decode(&koi8).map_or(true, |t| !t.contains("мире")));
    }

    #[test]
    fn charset_rules_that_outrank_or_ignore_the_meta() {
        let koi8_meta = "<meta charset=koi8-r>";
        // A BOM wins.
        let mut bom = b"\xef\xbb\xbf".to_vec();
        bom.extend_from_slice(format!("{koi8_meta}<p>Café</p>").as_bytes());
        assert!(decode(&bom).unwrap_or_default().contains("Café"));
        // Valid UTF-8 stays UTF-8.
        let utf8 = "<meta charset=\"iso-8859-1\"><p>Café</p>";
        assert!(decode(utf8.as_bytes()).unwrap_or_default().contains("Café"));
        // A bogus label falls back to the text rules (Windows-1252 here).
        let bogus = b"<meta charset=klingon><p>Caf\xe9</p>";
        assert!(decode(bogus).unwrap_or_default().contains("Café"));
        // In a comment, or past the first 1024 bytes, a declaration is not
        // one.
        let commented = b"<!-- <meta charset=koi8-r> --><p>Caf\xe9</p>";
        assert!(decode(commented).unwrap_or_default().contains("Café"));
        let mut late = format!("<p>{}</p>", "x".repeat(1100)).into_bytes();
        late.extend_from_slice(b"<meta charset=koi8-r><p>Caf\xe9</p>");
        assert!(decode(&late).unwrap_or_default().contains("Café"));
        // An attribute value is not a tag.
        let in_attr = b"<p title='<meta charset=koi8-r>'>Caf\xe9</p>";
        assert!(decode(in_attr).unwrap_or_default().contains("Café"));
        // Binary stays binary, whatever it declares.
        let binary = b"<meta charset=windows-1252>\x00\x01\x02\x00\xff\xfe";
        assert_eq!(decode(binary), Err(RejectReason::Binary));
        let controls = b"<meta charset=koi8-r>\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\xff\xfe";
        assert_eq!(decode(controls), Err(RejectReason::Binary));
        assert_eq!(decode(b""), Err(RejectReason::Empty));
    }

    // ---- fragments ----

    #[test]
    fn fragments() {
        let cases = [
            ("<p>One.</p><p>Two.</p>", "One.\n\nTwo."),
            ("<p>One.</p>\n\n   <p>Two.</p>", "One.\n\nTwo."),
            ("Line one<br>Line two<br/>Line three", "Line one\nLine two\nLine three"),
            ("First part.<br><br>Second part.", "First part.\n\nSecond part."),
            ("<p>Tom &amp; Jerry &eacute;t&eacute; &#8212; &lt;b&gt;</p>", "Tom & Jerry été — <b>"),
            ("<p>The <b>bold</b> <i>move</i>, <a href=\"/x\">said</a> one.</p>", "The bold move, said one."),
            ("<ul><li>Alpha</li><li>Beta</li></ul>", "Alpha\n\nBeta"),
            ("<div>Intro<p>Middle</p>tail</div>", "Intro\n\nMiddle\n\ntail"),
            ("<h2>Heading</h2>Text after", "Heading\n\nText after"),
            ("<p>a</p><script>var x = '<p>no</p>';</script><style>p{}</style><iframe src=x>frame</iframe><p>b</p>", "a\n\nb"),
            ("<p>Unclosed<p>paragraphs", "Unclosed\n\nparagraphs"),
            ("<table><tr><td>Kessa</td><td>12</td></tr><tr><td>Valmora</td><td>9</td></tr></table>", "Kessa 12\n\nValmora 9"),
            ("<pre>line 1\n  line 2</pre>", "line 1\n  line 2"),
            ("<!-- a comment --><p>Shown</p>", "Shown"),
            ("<p>Zero\u{200b}width and soft\u{ad}hyphen\u{a0}space</p>", "Zerowidth and softhyphen space"),
        ];
        for (html, want) in cases {
            assert_eq!(fragment(html), want, "{html:?}");
        }
    }

    #[test]
    fn fragments_without_markup() {
        let plain = "Just text.\n\nA second paragraph, with a < b.";
        assert_eq!(fragment(plain), plain);
        assert_eq!(
            fragment("Fish &amp; chips\nat the summit"),
            "Fish & chips\nat the summit"
        );
        assert_eq!(fragment(""), "");
    }

    // ---- hostile input ----

    #[test]
    fn malformed_and_empty_pages() {
        on_thread(|| {
            let cases = [
                ("<p>Hello <b>world", "Hello world"),
                ("<p>Hello <b", "Hello"),
                ("<div><p>Unclosed <a href=\"x", "Unclosed"),
                ("<p>Before<!-- never closed <p>hidden</p>", "Before"),
                ("<p>Before<script>never closed", "Before"),
                ("<p>Before</p><svg><text>drawn</text>", "Before"),
                ("<p>Before</p><plaintext><p>literal", "Before\n\n<p>literal"),
                ("<script>only();</script>", ""),
                ("<html></html>", ""),
                ("", ""),
                // `</ >` is a bogus comment, as are `<!>` and `<?x>`.
                ("<<<>>></></ >< / <!><?x>", "<<<>>>< /"),
            ];
            for (html, want) in cases {
                let parts = page(html);
                assert_eq!(body(&parts), want, "page {html:?}");
                assert_eq!(fragment(html), want, "fragment {html:?}");
            }
            let parts = page("<script>only();</script>");
            assert_eq!(parts.title, None);
            assert_eq!(parts.date, None);
        });
    }

    #[test]
    fn every_truncation_of_a_page() {
        on_thread(|| {
            for end in (0..NEWS.len()).step_by(41) {
                if let Some(cut) = NEWS.get(..end) {
                    let _ = page(cut);
                    let _ = fragment(cut);
                }
            }
        });
    }

    #[test]
    fn markup_soup() {
        on_thread(|| {
            // Pseudo-random runs of markup characters and tag names.
            const PIECES: &[&str] = &[
                "<",
                ">",
                "/",
                "=",
                "\"",
                "'",
                "&",
                "&amp;",
                "&#",
                ";",
                " ",
                "\n",
                "!--",
                "-->",
                "div",
                "p",
                "table",
                "td",
                "tr",
                "li",
                "svg",
                "math",
                "template",
                "script",
                "style",
                "title",
                "textarea",
                "select",
                "option",
                "b",
                "a",
                "br",
                "plaintext",
                "meta",
                "charset",
                "x",
                "<![CDATA[",
                "]]>",
                "\u{a0}",
                "é",
            ];
            let mut state = 0x2545_f491_4f6c_dd1du64;
            let mut html = String::new();
            for _ in 0..60_000 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let i = usize::try_from(state % PIECES.len() as u64).unwrap_or(0);
                html.push_str(PIECES[i]);
            }
            let _ = timed("markup soup page", || page(&html));
            let _ = timed("markup soup fragment", || fragment(&html));
            let _ = decode(html.as_bytes());
        });
    }

    #[test]
    fn class_and_id_words() {
        let words: Vec<&str> = words("shareBar article-body__main x2").collect();
        assert_eq!(words, ["share", "Bar", "article", "body", "main", "x2"]);
    }

    #[test]
    fn story_in_a_wrapper_named_like_furniture_is_kept() {
        // Some sites call their opinion section "comment".
        let html = format!(
            "<html><body><div class=\"comment-piece\"><h1>Why Kessa</h1><p>{STORY}</p><p>{OPENING}</p></div>\
             <div class=\"comments\"><p>First!</p></div></body></html>"
        );
        let parts = page(&html);
        assert_eq!(body(&parts), format!("{STORY}\n\n{OPENING}"));
        assert_eq!(parts.title.as_deref(), Some("Why Kessa"));
    }

    #[test]
    fn tiny_page() {
        let parts =
            page("<html><body><h1>Talks collapse</h1><p>The talks collapsed.</p></body></html>");
        assert_eq!(parts.title.as_deref(), Some("Talks collapse"));
        assert_eq!(body(&parts), "The talks collapsed.");
    }

    /// A realistic page of about 100 KiB: a long story inside a big site
    /// template. Prints how long reading it takes (run with `--release
    /// --nocapture` for the figure that matters).
    #[test]
    fn realistic_page_timing() {
        let nav: String = (0..600)
            .map(|i| {
                format!("<li class=\"menu-item\"><a href=\"/section/{i}\">Section {i}</a></li>")
            })
            .collect();
        let story: String = (0..90)
            .map(|i| format!("<p>{STORY} (Paragraph {i}.)</p>\n"))
            .collect();
        let comments: String = (0..200)
            .map(|i| format!("<div class=\"comment\"><span class=\"author\">reader{i}</span><p>I have followed these talks for years and this is the first time I feel hopeful, comment {i}.</p></div>"))
            .collect();
        let html = NEWS
            .replace(
                "<ul><li><a href=\"/world\">",
                &format!("<ul>{nav}<li><a href=\"/world\">"),
            )
            .replace(
                "<aside class=\"related\">",
                &format!("{story}<aside class=\"related\">"),
            )
            .replace(
                "<h3>Comments (12)</h3>",
                &format!("<h3>Comments (52)</h3>{comments}"),
            );
        assert!(html.len() > 90 << 10, "{}", html.len());
        let start = std::time::Instant::now();
        let parts = page(&html);
        eprintln!("a {} KiB page: {:?}", html.len() >> 10, start.elapsed());
        let text = body(&parts);
        assert!(text.contains("(Paragraph 89.)"));
        assert!(!text.contains("Section 1"));
        assert!(!text.contains("reader1"));
    }
}
