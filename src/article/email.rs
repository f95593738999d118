//! One email message (`.eml`, `mail-parser`): a newsletter or a forwarded
//! story, dated by its `Date:` header.
//!
//! # What a message gives
//! - Title: the `Subject:` without `Re:`, `Fwd:`, `Fw:` prefixes (any
//!   case, repeated) or a `[Fwd: ...]` wrapping. A forwarded story's own
//!   `Subject:` line, when the forwarding block states one, wins: the
//!   forwarder may have edited the outer one.
//! - Date: the `Date:` header's calendar date in its own stated offset; a
//!   forwarded story's `Date:` (or Outlook's `Sent:`) line wins, as the
//!   outer header only says when it was forwarded.
//! - Body: the text/plain part when there is one of at least
//!   [`SUBSTANTIAL_WORDS`] words, or no HTML part; else the HTML part. A
//!   newsletter's HTML goes to `finish` as HTML, whose fragment reading
//!   keeps every story of it; the reader view of a page would keep only
//!   one block of a digest's layout. A message forwarded as an attachment
//!   (`message/rfc822`) under a short note is read as that message.
//! - Forwarded stories: the forwarding block ("---------- Forwarded
//!   message ---------", "Begin forwarded message:", "-----Original
//!   Message-----", or an Outlook rule of underscores, followed by its
//!   `From:`/`Date:`/`Subject:`/`To:` lines) is dropped, with the
//!   forwarder's note above it. HTML with such a block is read as text
//!   first to find it.
//! - URL: an `Archived-At:` header (RFC 5064) with a web address.
//!
//! Transfer encodings (quoted-printable, base64), encoded words and
//! charsets are decoded by `mail-parser`.

use mail_parser::{Message, MessageParser, PartType};

use super::json::{date_str, is_web_url};
use super::{Body, Parts, RejectReason};

/// A text part this long is the message's text, not a stub pointing to the
/// HTML ("View this email in your browser").
const SUBSTANTIAL_WORDS: usize = 40;

/// A forwarded story more deeply nested than this is not looked into.
const MAX_FORWARDS: usize = 8;

/// At most this many MIME parts. `mail-parser` reads a message nested in
/// a message nested in ... without recursion, but the tree it builds is
/// dropped recursively: thousands of levels overflow a thread's stack. Each
/// level needs a `Content-Type` header, so counting those bounds the depth.
const MAX_PARTS: usize = 1000;

/// The message's article.
pub(super) fn message(bytes: &[u8]) -> Result<Parts, RejectReason> {
    if content_types(bytes) > MAX_PARTS {
        return Err(malformed(&format!("more than {MAX_PARTS} MIME parts")));
    }
    let parsed = MessageParser::default()
        .parse(bytes)
        .filter(|m| !m.headers().is_empty())
        .ok_or_else(|| malformed("no mail headers found"))?;
    let message = attached_story(&parsed).unwrap_or(&parsed);

    let (body, forwarded) = body(message)?;
    let title = forwarded
        .subject
        .or_else(|| message.subject().map(str::to_owned))
        .map(|s| clean_subject(&s))
        .filter(|s| !s.is_empty());
    let date = forwarded.date.or_else(|| header_date(message));
    let url = message
        .header_raw("Archived-At")
        .map(|v| {
            v.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .trim()
        })
        .filter(|u| is_web_url(u))
        .map(str::to_owned);
    Ok(Parts {
        title,
        date,
        url,
        body,
    })
}

/// How many times `Content-Type` occurs, in any case.
fn content_types(bytes: &[u8]) -> usize {
    const NAME: &[u8] = b"content-type";
    bytes
        .windows(NAME.len())
        .filter(|w| w.eq_ignore_ascii_case(NAME))
        .count()
}

fn malformed(detail: &str) -> RejectReason {
    RejectReason::Malformed {
        format: "email",
        detail: detail.to_owned(),
    }
}

/// The calendar date of the `Date:` header in its own offset.
fn header_date(message: &Message<'_>) -> Option<jiff::civil::Date> {
    if let Some(d) = message.date() {
        let date = jiff::civil::Date::new(
            i16::try_from(d.year).ok()?,
            i8::try_from(d.month).ok()?,
            i8::try_from(d.day).ok()?,
        );
        if let Ok(date) = date {
            return Some(date);
        }
    }
    // A date mail-parser does not read ("2026-03-04" in a hand-made file).
    message
        .header_raw("Date")
        .and_then(|raw| date_str(raw.trim()))
}

/// A message forwarded as an attachment, when the outer text is only a
/// short note.
fn attached_story<'a>(message: &'a Message<'a>) -> Option<&'a Message<'a>> {
    let inner = message.attachments().find_map(|part| match &part.body {
        PartType::Message(inner) => Some(inner),
        _ => None,
    })?;
    let note_words = plain_part(message).map_or(0, |t| t.split_whitespace().count());
    (note_words < SUBSTANTIAL_WORDS).then_some(inner)
}

fn plain_part<'a>(message: &'a Message<'a>) -> Option<&'a str> {
    message.text_bodies().find_map(|part| match &part.body {
        PartType::Text(text) if !text.trim().is_empty() => Some(text.as_ref()),
        _ => None,
    })
}

fn html_part<'a>(message: &'a Message<'a>) -> Option<&'a str> {
    message.html_bodies().find_map(|part| match &part.body {
        PartType::Html(html) if !html.trim().is_empty() => Some(html.as_ref()),
        _ => None,
    })
}

/// The body, and what a forwarding block said about the story.
fn body(message: &Message<'_>) -> Result<(Body, Forwarded), RejectReason> {
    let plain = plain_part(message);
    let html = html_part(message);
    let substantial =
        plain.is_some_and(|t| t.split_whitespace().nth(SUBSTANTIAL_WORDS - 1).is_some());
    match (plain, html) {
        (Some(text), None) => Ok(as_text(text)),
        (Some(text), Some(_)) if substantial => Ok(as_text(text)),
        (_, Some(html)) => {
            if has_forward_marker(html) {
                Ok(as_text(&super::page::fragment(html)))
            } else {
                Ok((Body::Html(html.to_owned()), Forwarded::default()))
            }
        }
        (None, None) => Err(malformed("the message has no text or HTML body")),
    }
}

fn as_text(text: &str) -> (Body, Forwarded) {
    let (text, forwarded) = unforward(text);
    (Body::Text(text), forwarded)
}

/// What a forwarding block states about the story.
#[derive(Debug, Default, PartialEq, Eq)]
struct Forwarded {
    subject: Option<String>,
    date: Option<jiff::civil::Date>,
}

/// Whether an HTML body may hold a forwarding block (then it is read as
/// text to drop it).
fn has_forward_marker(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    ["forwarded message", "original message"]
        .iter()
        .any(|m| lower.contains(m))
}

/// A line that opens a forwarding block.
fn is_marker(line: &str) -> bool {
    let core = line
        .trim_matches(|c: char| c == '-' || c == '_' || c == ':' || c == '*' || c.is_whitespace())
        .to_ascii_lowercase();
    if matches!(
        core.as_str(),
        "forwarded message" | "begin forwarded message" | "original message"
    ) {
        return true;
    }
    // Outlook: a rule of underscores, then the headers.
    core.is_empty() && line.trim().len() >= 10 && line.trim().chars().all(|c| c == '_')
}

/// The name of a forwarded header line, lower-cased, if it is one.
fn forwarded_header(line: &str) -> Option<(String, &str)> {
    let line = line.trim().trim_start_matches('*');
    let (name, value) = line.split_once(':')?;
    let name = name.trim().trim_end_matches('*').to_ascii_lowercase();
    let known = matches!(
        name.as_str(),
        "from" | "date" | "sent" | "subject" | "to" | "cc" | "bcc" | "reply-to"
    );
    known.then(|| (name, value.trim().trim_start_matches('*').trim()))
}

/// Drops forwarding blocks (and the notes above them) from a text; the
/// innermost block's `Subject:` and `Date:` are the story's.
fn unforward(text: &str) -> (String, Forwarded) {
    let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let mut start = 0;
    let mut forwarded = Forwarded::default();
    for _ in 0..MAX_FORWARDS {
        let Some((after, block)) = next_block(&lines, start) else {
            break;
        };
        start = after;
        if block.subject.is_some() {
            forwarded.subject = block.subject;
        }
        if block.date.is_some() {
            forwarded.date = block.date;
        }
    }
    let rest = lines.get(start..).unwrap_or_default();
    (unquote(rest), forwarded)
}

/// The first forwarding block at or after line `from`: the line after its
/// headers, and what they say. A marker needs at least two header lines
/// after it (blank lines between allowed), so prose that mentions a
/// "forwarded message" is left alone.
fn next_block(lines: &[&str], from: usize) -> Option<(usize, Forwarded)> {
    let mut i = from;
    while let Some(line) = lines.get(i) {
        if is_marker(unquoted(line)) {
            let mut j = i + 1;
            while lines.get(j).is_some_and(|l| unquoted(l).trim().is_empty()) {
                j += 1;
            }
            let mut block = Forwarded::default();
            let mut headers = 0;
            while let Some((name, value)) = lines.get(j).and_then(|l| forwarded_header(unquoted(l)))
            {
                headers += 1;
                match name.as_str() {
                    "subject" => block.subject = Some(value.to_owned()),
                    "date" | "sent" => block.date = date_str(value),
                    _ => {}
                }
                j += 1;
            }
            if headers >= 2 {
                return Some((j, block));
            }
        }
        i += 1;
    }
    None
}

/// A line without one level of `>` quoting.
fn unquoted(line: &str) -> &str {
    let trimmed = line.trim_start();
    match trimmed.strip_prefix('>') {
        Some(rest) => rest.strip_prefix(' ').unwrap_or(rest),
        None => line,
    }
}

/// The lines joined, without one level of `>` quoting when every
/// non-empty line has it (a client that quotes what it forwards).
fn unquote(lines: &[&str]) -> String {
    let quoted = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .all(|l| l.trim_start().starts_with('>'));
    let has_lines = lines.iter().any(|l| !l.trim().is_empty());
    let out: Vec<&str> = if quoted && has_lines {
        lines.iter().map(|l| unquoted(l)).collect()
    } else {
        lines.to_vec()
    };
    out.join("\n").trim().to_owned()
}

/// A subject without reply and forward prefixes.
fn clean_subject(subject: &str) -> String {
    let mut s = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    loop {
        let trimmed = s.trim_start();
        let lower = trimmed.to_ascii_lowercase();
        let prefix = ["re", "fwd", "fw"].iter().find_map(|p| {
            let rest = lower.strip_prefix(p)?;
            let rest_trim = rest.trim_start();
            rest_trim
                .strip_prefix(':')
                .map(|after| trimmed.len() - after.len())
        });
        if let Some(cut) = prefix {
            s = trimmed
                .get(cut..)
                .unwrap_or_default()
                .trim_start()
                .to_owned();
            continue;
        }
        if lower.starts_with("[fwd:") && trimmed.ends_with(']') {
            let inner = trimmed.get(5..trimmed.len() - 1).unwrap_or_default();
            s = inner.trim().to_owned();
            continue;
        }
        return trimmed.to_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn parts(text: &str) -> Parts {
        match message(text.as_bytes()) {
            Ok(parts) => parts,
            Err(e) => panic!("{e}"),
        }
    }

    fn text_of(body: &Body) -> &str {
        match body {
            Body::Text(t) => t,
            Body::Html(h) => panic!("HTML, not text: {h}"),
        }
    }

    /// A newsletter forwarded from a webmail: quoted-printable, UTF-8, an
    /// HTML alternative, a forwarding block with its own date.
    const FORWARDED: &str = "Return-Path: <ana@example.net>\r
Received: from mx.example.net by mail.example.org; Mon, 9 Mar 2026 08:01:02 +0000\r
From: Ana Reader <ana@example.net>\r
To: desk@example.org\r
Subject: Fwd: FW: Minister offers to host talks in =?UTF-8?Q?Valdm=C3=B3ra?=\r
Date: Mon, 9 Mar 2026 09:01:00 +0100\r
Message-ID: <fwd-1@example.net>\r
MIME-Version: 1.0\r
Content-Type: multipart/alternative; boundary=\"b1\"\r
\r
--b1\r
Content-Type: text/plain; charset=\"UTF-8\"\r
Content-Transfer-Encoding: quoted-printable\r
\r
Thought you would want this one.\r
\r
---------- Forwarded message ---------\r
From: Coastal Dispatch <news@dispatch.example.com>\r
Date: Tue, Mar 3, 2026 at 11:45 PM\r
Subject: Minister offers to host talks in Valdm=C3=B3ra\r
To: <ana@example.net>\r
\r
The foreign minister of Estravia said on Tuesday that Valdm=C3=B3ra stood r=\r
eady to host both delegations, and that a first round could open within thr=\r
ee weeks if the envoys agreed.\r
\r
=E2=80=9CWe are ready,=E2=80=9D he told reporters, adding that the offer ha=\r
d been passed to both camps through the mediators in Portsel.\r
--b1\r
Content-Type: text/html; charset=\"UTF-8\"\r
\r
<div>Thought you would want this one.</div>\r
--b1--\r
";

    #[test]
    fn forwarded_newsletter() {
        let p = parts(FORWARDED);
        assert_eq!(
            p.title.as_deref(),
            Some("Minister offers to host talks in Valdmóra")
        );
        // The story's own date, not the day it was forwarded.
        assert_eq!(p.date, Some(date(2026, 3, 3)));
        let body = text_of(&p.body);
        assert!(
            body.starts_with(
                "The foreign minister of Estravia said on Tuesday that Valdmóra stood ready"
            ),
            "{body}"
        );
        assert!(body.contains("“We are ready,” he told reporters"), "{body}");
        assert!(
            !body.contains("Forwarded message") && !body.contains("Thought you"),
            "{body}"
        );
        assert!(!body.contains("From:"), "{body}");
    }

    #[test]
    fn read_as_a_file() {
        for name in ["story.eml", "story.txt"] {
            let entries =
                crate::article::read_file(FORWARDED.as_bytes(), name, date(2000, 1, 1)).unwrap();
            assert_eq!(entries.len(), 1);
            let article = entries[0].article.as_ref().unwrap();
            assert_eq!(
                article.title.as_deref(),
                Some("Minister offers to host talks in Valdmóra")
            );
            assert_eq!(
                (article.date, article.date_source),
                (date(2026, 3, 3), crate::article::DateSource::Metadata)
            );
            assert!(
                article.body.contains("“We are ready,” he told reporters"),
                "{}",
                article.body
            );
        }
    }

    #[test]
    fn apple_and_outlook_forwards() {
        let apple = "From: a@example.net\nTo: b@example.org\nSubject: Fwd: Envoys meet\n\
            Date: Thu, 5 Mar 2026 10:00:00 +0000\nMIME-Version: 1.0\n\n\
            Begin forwarded message:\n\n\
            > From: Wire <w@example.com>\n> Subject: Envoys meet in Portsel\n\
            > Date: 4 March 2026 at 18:02:11 CET\n> To: a@example.net\n>\n\
            > Envoys met in Portsel on Wednesday.\n>\n> Talks resume next week.\n";
        let p = parts(apple);
        assert_eq!(p.title.as_deref(), Some("Envoys meet in Portsel"));
        assert_eq!(p.date, Some(date(2026, 3, 4)));
        assert_eq!(
            text_of(&p.body),
            "Envoys met in Portsel on Wednesday.\n\nTalks resume next week."
        );
        let outlook = "From: a@example.net\nTo: b@example.org\nSubject: FW: Truce terms\n\
            Date: Thu, 5 Mar 2026 10:00:00 +0000\nMIME-Version: 1.0\n\n\
            FYI\n\n________________________________\n\
            From: Desk <d@example.com>\nSent: Monday, March 2, 2026 4:10 PM\n\
            To: a@example.net\nSubject: Truce terms agreed\n\n\
            Both sides agreed to meet in Valdmora.\n";
        let p = parts(outlook);
        assert_eq!(p.title.as_deref(), Some("Truce terms agreed"));
        assert_eq!(p.date, Some(date(2026, 3, 2)));
        assert_eq!(text_of(&p.body), "Both sides agreed to meet in Valdmora.");
    }

    #[test]
    fn prose_about_forwarding_is_kept() {
        let text = "From: a@example.net\nSubject: Note\nDate: Thu, 5 Mar 2026 10:00:00 +0000\n\n\
            He said the original message was lost.\n\nForwarded message\nwas the only line.\n";
        let p = parts(text);
        assert!(text_of(&p.body).contains("Forwarded message\nwas the only line."));
        assert_eq!(p.date, Some(date(2026, 3, 5)));
    }

    #[test]
    fn html_newsletter() {
        let html = "From: Coastal Dispatch <news@dispatch.example.com>\r\n\
            To: reader@example.org\r\nSubject: Morning briefing\r\n\
            Date: Wed, 04 Mar 2026 06:00:00 -0500\r\nMIME-Version: 1.0\r\n\
            Archived-At: <https://dispatch.example.com/briefing/2026-03-04>\r\n\
            Content-Type: multipart/alternative; boundary=\"x\"\r\n\r\n\
            --x\r\nContent-Type: text/plain\r\n\r\nView this email in your browser.\r\n\
            --x\r\nContent-Type: text/html; charset=\"iso-8859-1\"\r\n\
            Content-Transfer-Encoding: base64\r\n\r\n\
            PGh0bWw+PGJvZHk+PHA+VGhlIG1pbmlzdGVyIG9mZmVyZWQgdGhlIGNhcGl0YWwuPC9wPjxwPkNh\r\n\
            ZukgdGFsayBlbmRlZC48L3A+PC9ib2R5PjwvaHRtbD4=\r\n--x--\r\n";
        let p = parts(html);
        assert_eq!(p.title.as_deref(), Some("Morning briefing"));
        assert_eq!(p.date, Some(date(2026, 3, 4)));
        assert_eq!(
            p.url.as_deref(),
            Some("https://dispatch.example.com/briefing/2026-03-04")
        );
        assert_eq!(
            p.body,
            Body::Html("<html><body><p>The minister offered the capital.</p><p>Café talk ended.</p></body></html>".into())
        );
    }

    #[test]
    fn dates_in_their_own_offset() {
        for (header, want) in [
            ("Tue, 03 Mar 2026 23:30:00 -0500", Some(date(2026, 3, 3))),
            ("Wed, 04 Mar 2026 00:30:00 +1200", Some(date(2026, 3, 4))),
            ("4 Mar 2026 09:00 GMT", Some(date(2026, 3, 4))),
            ("2026-03-04", Some(date(2026, 3, 4))),
            ("someday", None),
        ] {
            let text = format!("From: a@example.org\nSubject: S\nDate: {header}\n\nBody text.\n");
            assert_eq!(parts(&text).date, want, "{header}");
        }
    }

    #[test]
    fn forwarded_as_attachment() {
        let text = "From: a@example.net\nTo: b@example.org\nSubject: Fwd: see attached\n\
            Date: Fri, 6 Mar 2026 10:00:00 +0000\nMIME-Version: 1.0\n\
            Content-Type: multipart/mixed; boundary=\"m\"\n\n\
            --m\nContent-Type: text/plain\n\nSee below.\n\
            --m\nContent-Type: message/rfc822\n\n\
            From: Wire <w@example.com>\nSubject: Mediators propose Portsel\n\
            Date: Wed, 4 Mar 2026 08:00:00 +0100\nContent-Type: text/plain\n\n\
            Mediators proposed Portsel as the venue.\n--m--\n";
        let p = parts(text);
        assert_eq!(p.title.as_deref(), Some("Mediators propose Portsel"));
        assert_eq!(p.date, Some(date(2026, 3, 4)));
        assert_eq!(text_of(&p.body), "Mediators proposed Portsel as the venue.");
    }

    #[test]
    fn subjects() {
        for (subject, want) in [
            ("Fwd: Talks", "Talks"),
            ("FW: Fw: RE: re:Talks", "Talks"),
            ("Fwd : Talks", "Talks"),
            ("[Fwd: Talks in Portsel]", "Talks in Portsel"),
            ("Refugees return", "Refugees return"),
            ("Forward planning", "Forward planning"),
            ("Fwd:", ""),
        ] {
            assert_eq!(clean_subject(subject), want, "{subject}");
        }
    }

    #[test]
    fn not_a_message() {
        for bytes in [&b""[..], b"\n\n\n", b"just some words without any header"] {
            match message(bytes) {
                Err(RejectReason::Malformed {
                    format: "email", ..
                }) => {}
                other => panic!("{bytes:?}: {other:?}"),
            }
        }
        let attachment_only = "From: a@example.org\nSubject: Scan\nMIME-Version: 1.0\n\
            Content-Type: multipart/mixed; boundary=\"z\"\n\n--z\n\
            Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n--z--\n";
        match message(attachment_only.as_bytes()) {
            Err(RejectReason::Malformed { format, detail }) => {
                assert_eq!(format, "email");
                assert!(detail.contains("no text or HTML body"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hostile_messages() {
        std::thread::spawn(|| {
            let start = std::time::Instant::now();
            // Deeply nested multiparts.
            let mut deep = String::from("From: a@example.org\nSubject: Deep\nMIME-Version: 1.0\n");
            for i in 0..MAX_PARTS - 1 {
                deep.push_str(&format!(
                    "Content-Type: multipart/mixed; boundary=\"b{i}\"\n\n--b{i}\n"
                ));
            }
            deep.push_str("Content-Type: text/plain\n\nInnermost text.\n");
            let _ = message(deep.as_bytes());
            // Messages nested in messages.
            let mut nested = String::new();
            for _ in 0..20_000 {
                nested
                    .push_str("From: a@example.org\nSubject: N\nContent-Type: message/rfc822\n\n");
            }
            nested.push_str("From: a@example.org\nSubject: N\n\nText.\n");
            match message(nested.as_bytes()) {
                Err(RejectReason::Malformed { detail, .. }) => {
                    assert!(detail.contains("MIME parts"))
                }
                other => panic!("{other:?}"),
            }
            // Under the limit, the nesting is still read without overflow.
            let mut nested = String::new();
            for _ in 0..MAX_PARTS {
                nested
                    .push_str("From: a@example.org\nSubject: N\nContent-Type: message/rfc822\n\n");
            }
            nested.push_str("From: a@example.org\nSubject: N\n\nText.\n");
            let _ = message(nested.as_bytes());
            // A huge body, and many forwarding markers.
            let big = format!(
                "From: a@example.org\nSubject: Big\nDate: Fri, 6 Mar 2026 10:00:00 +0000\n\n{}",
                "word ".repeat(2 * 1024 * 1024)
            );
            assert!(message(big.as_bytes()).is_ok());
            let markers = format!(
                "From: a@example.org\nSubject: M\nDate: Fri, 6 Mar 2026 10:00:00 +0000\n\n{}",
                "---------- Forwarded message ---------\nFrom: x\n".repeat(100_000)
            );
            assert!(message(markers.as_bytes()).is_ok());
            let elapsed = start.elapsed();
            println!("hostile email inputs in {elapsed:?}");
            assert!(elapsed < std::time::Duration::from_secs(30));
        })
        .join()
        .expect("no stack overflow");
    }
}
