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
///
/// Counted over bytes, as every article passes here: a character is a byte
/// that does not continue a UTF-8 sequence, and the control characters are
/// the ASCII ones and U+0080..U+009F (`C2 80`..`C2 9F`).
fn looks_binary(text: &str) -> bool {
    let bytes = text.as_bytes();
    let total = bytes.iter().filter(|&&b| !is_continuation(b)).count();
    let mut control = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            0 => return true,
            b'\n' | b'\r' | b'\t' | 0x0B | 0x0C => {}
            0x01..=0x1F | 0x7F => control += 1,
            0xC2 if bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)) => control += 1,
            _ => {}
        }
    }
    control * 50 > total
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Whether byte `b` can start a character [`normalise`] changes: ASCII
/// controls, and the lead bytes of U+0080..U+00BF (C1 controls, no-break and
/// soft hyphen), U+1680, U+2000..U+206F, U+3000 and U+FEFF. Every other byte
/// is copied as it is.
fn may_change(b: u8) -> bool {
    b < 0x20 || b == 0x7F || matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF)
}

/// LF line ends, plain spaces, no BOM, no invisible or control characters.
pub(super) fn normalise(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // Unchanged stretches are copied whole; only the characters that may
    // change are decoded, one by one.
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !may_change(bytes[i]) {
            i += 1;
            continue;
        }
        // `i` starts a character: an ASCII byte or a lead byte.
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let mut next = i + c.len_utf8();
        let replacement = match c {
            '\r' => {
                if bytes.get(next) == Some(&b'\n') {
                    next += 1;
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
            copied = next;
        }
        i = next;
    }
    out.push_str(&text[copied..]);
    out
}
