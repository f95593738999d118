//! Text steps of the extractor: folding (case, diacritics, typographic
//! quotes and dashes), word tokens with offsets back into the original text,
//! and sentence splitting.
//!
//! Pure functions over `&str`; nothing here knows about leaders or venues.

use compact_str::CompactString;
use rustc_hash::FxHashSet as HashSet;

/// A word or punctuation token of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// Folded text: lowercase ASCII where possible, `"` for any double
    /// quote, `'` for any apostrophe, `-` for any dash.
    pub norm: CompactString,
    /// Byte offset of the token's first character in the tokenized text.
    pub start: usize,
    /// Byte offset just past the token.
    pub end: usize,
}

impl Token {
    /// Whether the token is a word (letters or digits), not punctuation.
    pub fn is_word(&self) -> bool {
        self.norm.chars().next().is_some_and(char::is_alphanumeric)
    }
}

/// Folds one character to what matching compares: lowercase, no diacritics,
/// plain quotes and dashes.
pub(crate) fn fold_char(c: char, out: &mut String) {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => {
            out.push('\'')
        }
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}'
        | '\u{2033}' => out.push('"'),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => out.push('-'),
        _ if c.is_ascii() => out.push(c.to_ascii_lowercase()),
        _ => {
            for l in c.to_lowercase() {
                match strip_accent(l) {
                    Some(s) => out.push_str(s),
                    None => out.push(l),
                }
            }
        }
    }
}

/// The base letters of common accented Latin letters (already lowercase).
fn strip_accent(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ǎ' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'þ' => "th",
        _ => return None,
    })
}

/// Splits `text` into tokens: runs of letters and digits (with inner
/// apostrophes, except a possessive `'s`, which is its own token) and single
/// punctuation characters. White space separates and is dropped.
///
/// This runs over every sentence of every article, so it avoids allocating:
/// ASCII takes a fast path, and a token's folded text is stored inline
/// ([`CompactString`]) unless it is unusually long.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    tokenize_into(text, &mut tokens);
    tokens
}

/// [`tokenize`] into `tokens`, cleared first: the rules reuse one vector
/// sentence after sentence, since a sentence's tokens are past the size the
/// allocator keeps at hand and allocating them anew each time showed in
/// profiles.
pub(crate) fn tokenize_into(text: &str, tokens: &mut Vec<Token>) {
    let char_at = |i: usize| text.get(i..).and_then(|rest| rest.chars().next());
    tokens.clear();
    // English prose runs about 4.5-5.5 bytes a token with punctuation: room
    // for a token every 4 bytes means the vector does not grow as it fills.
    tokens.reserve(text.len() / 4 + 2);
    let mut word = String::new();
    let mut word_start = 0;
    let mut folded = String::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        // Fast paths for the bulk of English text: a run of ASCII letters
        // and digits is taken whole, and a space with no word to end is
        // skipped; everything else goes character by character below.
        if bytes[at].is_ascii_alphanumeric() {
            let run = bytes[at..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .unwrap_or(bytes.len() - at);
            // A whole word when what follows is ASCII and no apostrophe (the
            // only ASCII that can go on with a word): made at once.
            let ends = bytes
                .get(at + run)
                .is_none_or(|&b| b.is_ascii() && b != b'\'' && b != b'`');
            if word.is_empty() && ends {
                let mut norm = CompactString::from(&text[at..at + run]);
                norm.make_ascii_lowercase();
                tokens.push(Token {
                    norm,
                    start: at,
                    end: at + run,
                });
                at += run;
                continue;
            }
            if word.is_empty() {
                word_start = at;
            }
            let from = word.len();
            word.push_str(&text[at..at + run]);
            word[from..].make_ascii_lowercase();
            at += run;
            continue;
        }
        if bytes[at] == b' ' && word.is_empty() {
            at += 1;
            continue;
        }
        let Some(c) = char_at(at) else {
            break;
        };
        let end = at + c.len_utf8();
        folded.clear();
        fold_char(c, &mut folded);
        if !c.is_ascii() && !folded.is_empty() && folded.chars().all(char::is_alphanumeric) {
            if word.is_empty() {
                word_start = at;
            }
            word.push_str(&folded);
            at = end;
            continue;
        }
        let next = char_at(end);
        if folded == "'" && !word.is_empty() && next.is_some_and(char::is_alphabetic) {
            let after_s = end + 1;
            let possessive = matches!(next, Some('s' | 'S'))
                && !char_at(after_s).is_some_and(char::is_alphanumeric);
            if possessive {
                flush(tokens, &mut word, word_start, at);
                tokens.push(Token {
                    norm: CompactString::const_new("'s"),
                    start: at,
                    end: after_s,
                });
                at = after_s;
                continue;
            }
            word.push('\'');
            at = end;
            continue;
        }
        flush(tokens, &mut word, word_start, at);
        if !c.is_whitespace() && !folded.trim().is_empty() {
            tokens.push(Token {
                norm: CompactString::from(folded.as_str()),
                start: at,
                end,
            });
        }
        at = end;
    }
    flush(tokens, &mut word, word_start, text.len());
}

fn flush(tokens: &mut Vec<Token>, word: &mut String, start: usize, end: usize) {
    if !word.is_empty() {
        tokens.push(Token {
            norm: CompactString::from(word.as_str()),
            start,
            end,
        });
        word.clear();
    }
}

/// The folded, space-joined form of a phrase, as patterns and sentences are
/// compared: `" let him come to "`.
pub(crate) fn phrase_key(phrase: &str) -> String {
    let mut key = String::from(" ");
    for t in tokenize(phrase) {
        key.push_str(&t.norm);
        key.push(' ');
    }
    key
}

/// A sentence: a byte range of the text and the paragraph it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SentenceSpan {
    /// First byte.
    pub start: usize,
    /// Byte just past the end.
    pub end: usize,
    /// Index of the paragraph (blank-line separated block).
    pub para: usize,
}

/// Sentences longer than this are cut at a space: bounds the work of the
/// rules on text with no punctuation.
const MAX_SENTENCE_BYTES: usize = 3000;

/// Splits `text` into sentences. Paragraphs are separated by blank lines; a
/// single line break also ends a sentence unless it looks like a hard wrap
/// (the line does not end a sentence and the next one goes on in lowercase
/// or both lines are long). Within a line, `.`, `!` and `?` end a sentence
/// when followed by space and a capital, a digit or a quote, unless the word
/// before is an abbreviation or an initial ("U.S.", "Mr.").
pub(crate) fn split_sentences(text: &str, abbreviations: &HashSet<String>) -> Vec<SentenceSpan> {
    let mut out = Vec::new();
    let mut para = 0;
    let mut blocks: Vec<(usize, usize, usize)> = Vec::new();
    let lines = line_spans(text);
    let mut current: Option<(usize, usize)> = None;
    let mut prev_line: Option<(usize, usize)> = None;
    for (ls, le) in lines {
        let line = &text[ls..le];
        if line.trim().is_empty() {
            if let Some((s, e)) = current.take() {
                blocks.push((s, e, para));
            }
            para += 1;
            prev_line = None;
            continue;
        }
        match (current, prev_line) {
            (Some((s, _)), Some((ps, pe))) if joins(&text[ps..pe], line) => {
                current = Some((s, le));
            }
            (Some(block), _) => {
                blocks.push((block.0, block.1, para));
                current = Some((ls, le));
            }
            (None, _) => current = Some((ls, le)),
        }
        prev_line = Some((ls, le));
    }
    if let Some((s, e)) = current {
        blocks.push((s, e, para));
    }
    for (s, e, p) in blocks {
        split_block(text, s, e, p, abbreviations, &mut out);
    }
    out
}

/// Byte ranges of the lines of `text`, without their line breaks.
fn line_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            let end = if i > start && text.as_bytes()[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            out.push((start, end));
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// Whether a single line break between `prev` and `next` is a hard wrap
/// inside a sentence.
fn joins(prev: &str, next: &str) -> bool {
    let prev = prev.trim_end();
    let next = next.trim_start();
    let ends_sentence = prev.chars().last().is_some_and(|c| {
        matches!(
            c,
            '.' | '!' | '?' | ':' | '"' | '\u{201D}' | '\u{2026}' | ']' | ')'
        )
    });
    if ends_sentence {
        return false;
    }
    let starts_lower = next
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit());
    starts_lower || (prev.chars().count() >= 60 && next.chars().count() >= 40)
}

/// Splits one block (a paragraph or line) into sentences at terminal
/// punctuation.
fn split_block(
    text: &str,
    start: usize,
    end: usize,
    para: usize,
    abbreviations: &HashSet<String>,
    out: &mut Vec<SentenceSpan>,
) {
    let block = &text[start..end];
    let run = |from: usize, pred: fn(char) -> bool| -> usize {
        block[from..]
            .chars()
            .take_while(|&c| pred(c))
            .map(char::len_utf8)
            .sum::<usize>()
    };
    let bytes = block.as_bytes();
    let mut sent_start = 0;
    let mut at = 0;
    while let Some(c) = block[at..].chars().next() {
        let terminal = matches!(c, '.' | '!' | '?' | '\u{2026}');
        // Skip to the next byte that can start a terminal ('.', '!', '?' or
        // the ellipsis, whose UTF-8 begins 0xE2), unless the sentence is
        // long enough to be cut at a space, which goes char by char.
        if at - sent_start <= MAX_SENTENCE_BYTES && !terminal {
            let mut limit = (sent_start + MAX_SENTENCE_BYTES + 1).min(bytes.len());
            while !block.is_char_boundary(limit) {
                limit += 1;
            }
            let next = bytes[at..limit]
                .iter()
                .position(|b| matches!(b, b'.' | b'!' | b'?' | 0xE2))
                .map_or(limit, |p| at + p);
            if next > at {
                at = next;
                continue;
            }
        }
        let after = at + c.len_utf8();
        if at - sent_start > MAX_SENTENCE_BYTES && c.is_whitespace() {
            push_span(block, start, sent_start, at, para, out);
            sent_start = at;
            at = after;
            continue;
        }
        if !terminal {
            at = after;
            continue;
        }
        // Closing quotes and brackets belong to the sentence they end.
        let j = after + run(after, is_closer);
        let k = j + run(j, char::is_whitespace);
        let dot = std::mem::replace(&mut at, j);
        let Some(next) = block[k..].chars().next().filter(|_| k > j) else {
            continue;
        };
        let opens = next.is_uppercase()
            || next.is_ascii_digit()
            || matches!(next, '"' | '\u{201C}' | '\'' | '\u{2018}' | '(' | '[');
        if opens && !(c == '.' && is_abbreviation(block, dot, abbreviations)) {
            push_span(block, start, sent_start, j, para, out);
            sent_start = j;
        }
    }
    push_span(block, start, sent_start, block.len(), para, out);
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\u{201D}' | '\'' | '\u{2019}' | ')' | ']')
}

/// Whether the period at byte `dot` of `block` ends an abbreviation or an
/// initial rather than a sentence.
fn is_abbreviation(block: &str, dot: usize, abbreviations: &HashSet<String>) -> bool {
    let before = &block[..dot];
    let letters: usize = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .map(char::len_utf8)
        .sum();
    let word = &before[dot - letters..];
    if word.is_empty() {
        return false;
    }
    if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
        return true;
    }
    abbreviations.contains(&word.to_lowercase())
}

fn push_span(
    block: &str,
    offset: usize,
    s: usize,
    e: usize,
    para: usize,
    out: &mut Vec<SentenceSpan>,
) {
    let piece = &block[s..e];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if piece.trim().is_empty() {
        return;
    }
    out.push(SentenceSpan {
        start: offset + s + lead,
        end: offset + e - trail,
        para,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        let abbr: HashSet<String> = ["mr", "jan"].iter().map(|s| s.to_string()).collect();
        split_sentences(text, &abbr)
            .into_iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    fn norms(text: &str) -> Vec<CompactString> {
        tokenize(text).into_iter().map(|t| t.norm).collect()
    }

    #[test]
    fn folds_case_accents_quotes_and_dashes() {
        assert_eq!(
            norms("Türkiye’s “Zelenskyy”—Kyiv"),
            ["turkiye", "'s", "\"", "zelenskyy", "\"", "-", "kyiv"]
        );
        assert_eq!(
            norms("don't Moscow-based"),
            ["don't", "moscow", "-", "based"]
        );
        // Words that end at ASCII (made at once) and words that go on past
        // it (an apostrophe) or into a non-ASCII letter (built up).
        assert_eq!(
            norms("TALKS in Moscow's and Kyiv`s Genève-2 O'Neill."),
            [
                "talks", "in", "moscow", "'s", "and", "kyiv", "'s", "geneve", "-", "2", "o'neill",
                "."
            ]
        );
    }

    #[test]
    fn token_offsets_point_into_the_original() {
        let text = "Élysée said";
        let toks = tokenize(text);
        assert_eq!(&text[toks[0].start..toks[0].end], "Élysée");
        assert_eq!(phrase_key("The  Élysée"), " the elysee ");
    }

    #[test]
    fn splits_sentences_but_not_abbreviations() {
        assert_eq!(
            sentences("The U.S. envoy met Mr. Smith on Jan. 5. He left. \"Go,\" he said."),
            [
                "The U.S. envoy met Mr. Smith on Jan. 5.",
                "He left.",
                "\"Go,\" he said."
            ]
        );
        assert_eq!(
            sentences("He said: \"No. Never.\" Then left."),
            ["He said: \"No.", "Never.\"", "Then left."]
        );
    }

    #[test]
    fn line_breaks_end_headlines_but_not_wrapped_lines() {
        assert_eq!(
            sentences("Big headline here\nBody starts here."),
            ["Big headline here", "Body starts here."]
        );
        assert_eq!(
            sentences("A sentence that wraps\nonto the next line."),
            ["A sentence that wraps\nonto the next line."]
        );
        assert_eq!(sentences("One.\n\nTwo."), ["One.", "Two."]);
        let spans = split_sentences("One.\n\nTwo.", &HashSet::default());
        assert_eq!((spans[0].para, spans[1].para), (0, 1));
    }

    #[test]
    fn a_sentence_without_punctuation_is_cut_at_a_space_past_the_cap() {
        // Two-byte letters, so that the cap falls inside one at some offset.
        for lead in 0..4 {
            let text = format!("{}{}", "x".repeat(lead), "éé ".repeat(2000));
            let spans = split_sentences(&text, &HashSet::default());
            assert!(spans.len() > 1, "cut");
            for s in &spans {
                assert!(s.end - s.start <= MAX_SENTENCE_BYTES + 8, "{s:?}");
                assert!(text[s.start..s.end].starts_with(['x', 'é']), "{s:?}");
            }
            let cut = &text[spans[0].end..spans[1].start];
            assert_eq!(cut.trim(), "", "cut between words");
        }
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "",
            "\n\n\n",
            ".",
            "?!?",
            "’",
            "a’",
            "\u{0}\u{FFFF}.",
            "é.\r\nÉ",
            "x'",
            "'s",
        ] {
            let _ = sentences(text);
            let _ = tokenize(text);
        }
    }
}
