//! The format-level pieces of [`super`]'s renderers, knowing nothing of
//! positions or changes: CSV records, JSON lines, Markdown escaping, tables
//! and code fences, and marked-up evidence for a terminal or Markdown.

use std::io::{self, Write};

use serde::Serialize;

use crate::extract::{Mark, MarkKind};

/// Writes `rows` as CSV under `header`: RFC 4180 quoting (fields holding
/// commas, quotes or line breaks are quoted, quotes doubled) by the `csv`
/// crate. The header is written even with no rows, so an empty result is
/// still a valid file with its columns.
pub fn csv<T: Serialize>(
    header: &[&str],
    rows: impl IntoIterator<Item = T>,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(&mut *out);
    w.write_record(header)?;
    for row in rows {
        w.serialize(row)?;
    }
    w.flush()
}

/// Writes one compact JSON value per line.
pub fn jsonl<T: Serialize>(
    rows: impl IntoIterator<Item = T>,
    out: &mut impl Write,
) -> io::Result<()> {
    for row in rows {
        serde_json::to_writer(&mut *out, &row)?;
        writeln!(out)?;
    }
    Ok(())
}

/// `text` as literal Markdown inline text: every ASCII punctuation mark that
/// could start markup is backslash-escaped (CommonMark allows escaping any of
/// them), and line breaks become spaces so a value stays on its line, in its
/// table cell or in its quote.
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A Markdown link showing `text` (already escaped with [`md`]) that leads
/// to `url`. Nothing in the address can end the link, the table cell or
/// the line early, or be read as markup: the characters an address may not
/// hold (space, `|`, `<`, `` ` ``, control characters...) are
/// percent-encoded, which leaves it the same address, and the parentheses
/// and `&` it may hold are backslash-escaped, which CommonMark undoes.
pub fn md_link(text: &str, url: &str) -> String {
    let mut dest = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '(' | ')' | '&' => {
                dest.push('\\');
                dest.push(c);
            }
            'A'..='Z' | 'a'..='z' | '0'..='9' => dest.push(c),
            '-' | '.' | '_' | '~' | ':' | '/' | '?' | '#' | '[' | ']' | '@' | '!' | '$' | '\''
            | '*' | '+' | ',' | ';' | '=' | '%' => dest.push(c),
            c if !c.is_ascii() && !c.is_control() && !c.is_whitespace() => dest.push(c),
            c => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    dest.push_str(&format!("%{b:02X}"));
                }
            }
        }
    }
    format!("[{text}]({dest})")
}

/// Lines of `text`, each escaped, joined with `<br>`: a multi-line value in
/// one table cell.
pub fn md_lines(text: &str) -> String {
    text.lines().map(md).collect::<Vec<_>>().join("<br>")
}

/// Writes a Markdown table; cells must already be escaped ([`md`]).
pub fn md_table(header: &[&str], rows: &[Vec<String>], out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "| {} |", header.join(" | "))?;
    writeln!(
        out,
        "|{}|",
        header.iter().map(|_| " --- ").collect::<Vec<_>>().join("|")
    )?;
    for row in rows {
        writeln!(out, "| {} |", row.join(" | "))?;
    }
    Ok(())
}

/// A code fence longer than any run of backticks in `body`, so the body
/// cannot close it early.
pub fn fence(body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    "`".repeat((longest + 1).max(3))
}

/// How marked phrases are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// ANSI SGR codes around each phrase.
    Ansi,
    /// Markdown emphasis; the rest escaped with [`md`].
    Markdown,
}

/// `text` with its `marks` shown in `markup`. Marks that overlap an earlier
/// one or fall outside the text (a claim stored before the lexicon changed)
/// are skipped, never a panic.
pub fn marked(text: &str, marks: &[Mark], markup: Markup) -> String {
    let plain = |s: &str| match markup {
        Markup::Ansi => s.to_string(),
        Markup::Markdown => md(s),
    };
    let mut out = String::with_capacity(text.len() + 16 * marks.len());
    let mut at = 0;
    for m in marks {
        let (start, end) = (m.range.start, m.range.end);
        let Some(phrase) = text.get(start..end).filter(|_| start >= at && start < end) else {
            continue;
        };
        out.push_str(&plain(&text[at..start]));
        let (open, close) = match (markup, m.kind) {
            (Markup::Ansi, MarkKind::Venue) => ("\x1b[1;36m", "\x1b[0m"),
            (Markup::Ansi, MarkKind::Cue) => ("\x1b[1;35m", "\x1b[0m"),
            (Markup::Ansi, MarkKind::Leader) => ("\x1b[1m", "\x1b[0m"),
            (Markup::Markdown, MarkKind::Venue) => ("**", "**"),
            (Markup::Markdown, MarkKind::Cue) => ("*", "*"),
            // Bold is the venue's: the leader is named in the line above.
            (Markup::Markdown, MarkKind::Leader) => ("", ""),
        };
        out.push_str(open);
        out.push_str(&plain(phrase));
        out.push_str(close);
        at = end;
    }
    out.push_str(&plain(&text[at..]));
    out
}

/// `text` in ANSI color `code` when `color`, else as is.
pub fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}
