//! Bytes -> normalised text: encoding detection, the binary / undecodable
//! verdicts, and the character clean-up every later step relies on (LF line
//! ends, plain spaces, no BOM or invisible characters).
//!
//! # Which encoding
//! 1. A BOM decides: UTF-8, UTF-16 LE or UTF-16 BE.
//! 2. Without a BOM, a NUL byte means binary (UTF-16 without a BOM is not
//!    supported; it is indistinguishable from binary by this rule).
//! 3. Valid UTF-8 is UTF-8.
//! 4. Invalid UTF-8 that still contains more well-formed multi-byte
//!    sequences than broken ones is damaged UTF-8 (say, a file cut off in
//!    the middle of a character): it is decoded with U+FFFD for the broken
//!    parts if within the damage tolerance below, else it is undecodable.
//!    A BOM'd text is held to the same tolerance.
//! 5. Otherwise Windows-1252, if it is plausible (see [`plausible_1252`]).
//! 6. Otherwise UTF-8 with replacement characters, within the tolerance
//!    (plain text with a stray byte that is unassigned in 1252).
//! 7. Otherwise [`RejectReason::Undecodable`].
//!
//! Damage tolerance: a decode that needed replacement characters is accepted
//! only while they are at most 1 + 1% of the characters; beyond that the
//! text would be mostly guesswork.

use encoding_rs::{Encoding, WINDOWS_1252};

use super::RejectReason;

/// Decodes `bytes` and normalises the result.
pub(super) fn decode(bytes: &[u8]) -> Result<String, RejectReason> {
    if bytes.is_empty() {
        return Err(RejectReason::Empty);
    }
    let text = match Encoding::for_bom(bytes) {
        Some((encoding, bom_len)) => {
            let rest = bytes.get(bom_len..).unwrap_or_default();
            let (text, had_errors) = encoding.decode_without_bom_handling(rest);
            if had_errors && !within_tolerance(&text) {
                return Err(RejectReason::Undecodable);
            }
            text.into_owned()
        }
        None => {
            if bytes.contains(&0) {
                return Err(RejectReason::Binary);
            }
            match std::str::from_utf8(bytes) {
                Ok(text) => text.to_owned(),
                Err(_) => decode_without_bom(bytes)?,
            }
        }
    };
    if looks_binary(&text) {
        return Err(RejectReason::Binary);
    }
    Ok(normalise(&text))
}

/// Invalid UTF-8 without a BOM: damaged UTF-8 or Windows-1252 (module doc).
fn decode_without_bom(bytes: &[u8]) -> Result<String, RejectReason> {
    let mut well_formed = 0usize;
    let mut broken = 0usize;
    for chunk in bytes.utf8_chunks() {
        well_formed += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            broken += 1;
        }
    }
    if well_formed > broken {
        let text = String::from_utf8_lossy(bytes);
        return if within_tolerance(&text) {
            Ok(text.into_owned())
        } else {
            Err(RejectReason::Undecodable)
        };
    }
    if plausible_1252(bytes) {
        let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
        return Ok(text.into_owned());
    }
    // Neither: a stray byte in otherwise plain text is still readable.
    let text = String::from_utf8_lossy(bytes);
    if within_tolerance(&text) {
        Ok(text.into_owned())
    } else {
        Err(RejectReason::Undecodable)
    }
}

/// Whether bytes can be Windows-1252 text.
///
/// Windows-1252 maps almost every byte to something, so two facts decide:
/// the five bytes 0x81, 0x8D, 0x8F, 0x90 and 0x9D are unassigned in it and
/// never occur in real 1252 text; and Latin-script text is mostly ASCII (even
/// French or Portuguese stay far below 30% non-ASCII), whereas Cyrillic,
/// Greek or CJK text in some other legacy encoding, read as 1252, is mostly
/// high bytes.
fn plausible_1252(bytes: &[u8]) -> bool {
    const UNASSIGNED: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];
    let mut high = 0usize;
    let mut visible = 0usize;
    for &b in bytes {
        if UNASSIGNED.contains(&b) {
            return false;
        }
        if !b.is_ascii_whitespace() {
            visible += 1;
            if !b.is_ascii() {
                high += 1;
            }
        }
    }
    high * 10 <= visible * 3
}

/// Replacement characters are at most 1 + 1% of the characters.
fn within_tolerance(text: &str) -> bool {
    let mut total = 0usize;
    let mut replaced = 0usize;
    for c in text.chars() {
        total += 1;
        if c == char::REPLACEMENT_CHARACTER {
            replaced += 1;
        }
    }
    replaced <= 1 + total / 100
}

/// A NUL, or more than 2% control characters (line breaks, tabs and form
/// feeds aside): text files do not look like that.
fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars() {
        total += 1;
        if c == '\0' {
            return true;
        }
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0B' | '\x0C') {
            control += 1;
        }
    }
    control * 50 > total
}

/// LF line ends, plain spaces, no BOM, no invisible or control characters.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Unchanged stretches are copied whole; only the characters that change
    // are handled one by one.
    let mut copied = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let replacement = match c {
            '\r' => {
                if chars.peek().is_some_and(|&(_, n)| n == '\n') {
                    chars.next();
                }
                Some("\n")
            }
            '\n' => None,
            '\x0B' | '\x0C' | '\u{85}' | '\u{2028}' | '\u{2029}' => Some("\n"),
            '\t'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}' => Some(" "),
            '\u{AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}' => Some(""),
            c if c.is_control() => Some(""),
            _ => None,
        };
        if let Some(r) = replacement {
            out.push_str(&text[copied..i]);
            out.push_str(r);
            copied = chars.peek().map_or(text.len(), |&(j, _)| j);
        }
    }
    out.push_str(&text[copied..]);
    out
}
