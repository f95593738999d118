//! Decoded text -> date, title and body: paragraph assembly (joining
//! hard-wrapped lines), the header area and its date, the headline, and
//! boilerplate removal. Pure string work; every pass is linear in the text.

use jiff::civil::Date;

use super::date;

/// A paragraph, or a single line that stands on its own (heading, byline,
/// caption, list item).
#[derive(Debug, Clone)]
pub(super) struct Unit {
    pub text: String,
    pub words: usize,
}

impl Unit {
    fn new(text: String) -> Unit {
        let words = text.split_whitespace().count();
        Unit { text, words }
    }
}

/// The header area ends at the first paragraph of prose: this many words...
const PROSE_WORDS: usize = 25;
/// ...or this many bytes.
const PROSE_BYTES: usize = 200;
/// At most this many paragraphs are header.
const HEADER_UNITS: usize = 12;
/// Date scanning looks at most this far into one paragraph; a header date
/// or dateline is always near the start.
const SCAN_BYTES: usize = 400;

/// Characters that end a sentence or a quoted sentence.
fn ends_sentence(s: &str) -> bool {
    s.trim_end()
        .chars()
        .next_back()
        .is_some_and(|c| matches!(c, '.' | '!' | '?' | '"' | '”' | '’' | '\'' | '…'))
}

/// Like [`ends_sentence`], plus the marks that end a clause before a list.
fn ends_clause(s: &str) -> bool {
    ends_sentence(s) || s.trim_end().ends_with([':', ';', ')'])
}

/// The longest prefix of `s` of at most `max` bytes, on a char boundary.
pub(super) fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn is_bullet(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some('•' | '▸' | '▪' | '›' | '→' | '·' | '◦' | '■' | '►') => true,
        Some('-' | '*' | '–') => chars.next() == Some(' '),
        Some(c) if c.is_ascii_digit() => {
            // "1 Headline", "2. Headline", "3) Headline".
            let rest = s.trim_start_matches(|c: char| c.is_ascii_digit());
            rest.starts_with(". ") || rest.starts_with(") ") || rest.starts_with(' ')
        }
        _ => false,
    }
}

/// Builds paragraphs from lines.
///
/// A blank line always separates paragraphs. Within a block of lines, a line
/// that starts in lower case after a line that does not end a clause
/// continues it. Text counts as hard-wrapped when at least two lines (and a
/// fifth of the long lines) break mid-sentence that way and hardly any line
/// exceeds 120 characters; then all lines of a block form one paragraph,
/// except list items and short lines without closing punctuation before a
/// capitalised line (headings, bylines, datelines), which stand alone.
pub(super) fn assemble<'a>(lines: impl Iterator<Item = &'a str> + Clone) -> Vec<Unit> {
    let mut long = 0usize;
    let mut breaks = 0usize;
    let mut over = 0usize;
    let mut width = 0usize;
    let mut prev: Option<&str> = None;
    for line in lines.clone() {
        let n = line.chars().count();
        if n > 120 {
            over += 1;
        } else {
            width = width.max(n);
        }
        if n >= 40 {
            long += 1;
        }
        if let Some(p) = prev {
            if continues(p, line) && (40..=120).contains(&p.chars().count()) {
                breaks += 1;
            }
        }
        prev = (!line.is_empty()).then_some(line);
    }
    let wrapped = breaks >= 2 && breaks * 5 >= long && over * 10 <= long;

    let mut units = Vec::new();
    let mut current = String::new();
    let mut last: &str = "";
    for line in lines {
        if line.is_empty() {
            if !current.is_empty() {
                units.push(Unit::new(std::mem::take(&mut current)));
            }
            continue;
        }
        if !current.is_empty() {
            let stands_alone = is_bullet(line)
                || (last.chars().count() * 5 < width * 3
                    && !ends_clause(last)
                    && line.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()));
            if continues(last, line) || (wrapped && !stands_alone) {
                if !(current.ends_with('-')
                    && line.starts_with(char::is_lowercase)
                    && current[..current.len() - 1].ends_with(char::is_alphabetic))
                {
                    // Otherwise a word broken by the wrapping ("nego-" /
                    // "tiations") or a hyphenated compound: no space.
                    current.push(' ');
                }
                current.push_str(line);
                last = line;
                continue;
            }
            units.push(Unit::new(std::mem::take(&mut current)));
        }
        current.push_str(line);
        last = line;
    }
    if !current.is_empty() {
        units.push(Unit::new(current));
    }
    units
}

/// `next` continues the sentence of `line`: it starts in lower case and
/// `line` does not end a clause.
fn continues(line: &str, next: &str) -> bool {
    !line.is_empty()
        && !ends_clause(line)
        && !is_bullet(next)
        && next.starts_with(char::is_lowercase)
}

/// Parses a `date YYYY-MM-DD [headline]` line. Returns the date (`None` when
/// it is not a real calendar date) and the rest of the line.
pub(super) fn date_line(line: &str) -> Option<(Option<Date>, &str)> {
    let line = line.trim();
    let head = line.get(..4)?;
    if !head.eq_ignore_ascii_case("date") {
        return None;
    }
    let after_word = &line[4..];
    let rest = after_word.strip_prefix(':').unwrap_or(after_word);
    if rest.len() == after_word.len() && !rest.starts_with(' ') {
        // "dated", "dates": another word.
        return None;
    }
    let rest = rest.trim_start();
    let iso = rest.get(..10)?;
    let b = iso.as_bytes();
    let shape = b.iter().enumerate().all(|(i, c)| match i {
        4 | 7 => *c == b'-',
        _ => c.is_ascii_digit(),
    });
    let after = &rest[10..];
    if !shape || after.chars().next().is_some_and(|c| !c.is_whitespace()) {
        return None;
    }
    let date = iso.parse::<Date>().ok();
    let title = after
        .trim()
        .trim_start_matches(['-', '|', ':', '—', '–'])
        .trim();
    Some((date, title))
}

/// What the header analysis found.
#[derive(Debug, Default)]
pub(super) struct Header {
    pub date: Option<Date>,
    pub title: Option<usize>,
    /// Header units that are metadata, kickers or the title: not body.
    pub drop: Vec<usize>,
}

fn is_prose(u: &Unit) -> bool {
    u.words >= PROSE_WORDS || u.text.len() >= PROSE_BYTES
}

/// The part of a paragraph before a dateline dash ("BEIJING, Sept. 3, 2025
/// — ..."), when such a dash comes early.
fn dateline_prefix(s: &str) -> Option<&str> {
    let head = prefix(s, 100);
    let cut = ["—", "–", " - ", " -- "]
        .iter()
        .filter_map(|d| head.find(d))
        .min()?;
    let pre = &head[..cut];
    let starts_upper = pre.chars().next().is_some_and(char::is_uppercase);
    (starts_upper && pre.split_whitespace().count() <= 10).then_some(pre)
}

/// Byte offset after the first `n` words of `s`.
fn after_words(s: &str, n: usize) -> usize {
    let mut seen = 0;
    let mut in_word = false;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if in_word {
                seen += 1;
                if seen == n {
                    return i;
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    s.len()
}

/// Finds the header area (at most [`HEADER_UNITS`] paragraphs before the
/// first prose paragraph), its date and the headline.
///
/// A header paragraph gives its date if it is short (a dateline, byline or
/// "Published ..." line) or if the date opens it; a longer paragraph that
/// mentions a date in passing is a standfirst about events, not a dateline.
/// The first prose paragraph gives its date only from a dateline before an
/// early dash. A month and day without a year ("KYIV, Jan 30 (Reuters) -")
/// counts only in such a dateline, and only when a header line that is not
/// the headline or standfirst states a year.
pub(super) fn header(units: &[Unit], want_title: bool) -> Header {
    let mut out = Header::default();
    let mut year = None;
    let mut prose = None;
    for (i, u) in units.iter().enumerate().take(HEADER_UNITS) {
        if is_prose(u) {
            prose = Some(i);
            break;
        }
        let scan = date::scan(prefix(&u.text, SCAN_BYTES));
        let dateline_end = dateline_prefix(&u.text)
            .map_or(0, str::len)
            .max(after_words(&u.text, 4));
        let lower = u.text.to_lowercase();
        let verdict = classify(u);
        let metadata = is_metadata(u, &lower);
        // A short headline may name the day of the event it announces.
        let headline = verdict == Verdict::Keep && !metadata && is_title(u);
        let dated = scan
            .full
            .filter(|(_, at)| *at < dateline_end || (u.words <= 12 && !headline));
        if let Some((d, _)) = dated {
            out.date = out.date.or(Some(d));
            out.drop.push(i);
            continue;
        }
        if verdict != Verdict::Keep || metadata || is_kicker(u) {
            // Only page furniture (an edition line, a byline with a year)
            // supplies the year of a wire dateline: a year in a headline or
            // standfirst is usually that of an event.
            year = year.or(scan.year);
            out.drop.push(i);
            continue;
        }
        // A headline heads something: the last paragraph is never one.
        if want_title && out.title.is_none() && i + 1 < units.len() && is_title(u) {
            out.title = Some(i);
            out.drop.push(i);
        }
    }
    if out.date.is_none() {
        let first_prose = prose.and_then(|i| units.get(i));
        if let Some(pre) = first_prose.and_then(|u| dateline_prefix(&u.text)) {
            let scan = date::scan(pre);
            out.date = scan.full.map(|(d, _)| d).or_else(|| {
                let (m, d, _) = scan.month_day?;
                Date::new(year?, m, d).ok()
            });
        }
    }
    out
}

/// A short header line that is a section name, site name, place or author
/// rather than a headline: under four words, or all capitals, and not a
/// sentence.
fn is_kicker(u: &Unit) -> bool {
    let has_lower = u.text.chars().any(char::is_lowercase);
    !ends_sentence(&u.text) && (u.words < 4 || (!has_lower && u.words <= 8))
}

/// Lines that carry only dates, times, "Published"/"Updated", reading time
/// or relative times; never a sentence ("He arrived two days ago.").
/// `lower` is the paragraph in lower case.
fn is_metadata(u: &Unit, lower: &str) -> bool {
    if u.words > 14 || ends_sentence(&u.text) {
        return false;
    }
    let core = strip_symbols(lower);
    if [
        "published",
        "updated",
        "last updated",
        "posted",
        "first published",
    ]
    .iter()
    .any(|p| starts_with_word(core, p))
    {
        return true;
    }
    if lower.contains(" read")
        && (lower.contains("min read")
            || lower.contains("minute read")
            || lower.contains("mins read"))
    {
        return true;
    }
    relative_time(lower) || date_only(&u.text)
}

fn words_of(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// "2 hours ago", "about a month ago", "yesterday".
fn relative_time(lower: &str) -> bool {
    let mut prev = "";
    for (i, w) in words_of(lower).enumerate() {
        if i == 0 && matches!(w, "yesterday" | "today" | "just") && words_of(lower).count() <= 4 {
            return true;
        }
        if w == "ago"
            && matches!(
                prev.trim_end_matches('s'),
                "second"
                    | "sec"
                    | "minute"
                    | "min"
                    | "hour"
                    | "hr"
                    | "h"
                    | "day"
                    | "week"
                    | "month"
                    | "year"
                    | "m"
                    | "d"
            )
        {
            return true;
        }
        prev = w;
    }
    false
}

/// A line made only of a date or time and the words around one.
fn date_only(text: &str) -> bool {
    let mut digits = false;
    for w in words_of(text) {
        if w.bytes().all(|c| c.is_ascii_digit()) {
            digits = true;
            continue;
        }
        let ok = date::month(w).is_some()
            || date::is_weekday(w)
            || (w.len() <= 4 && w.bytes().all(|c| c.is_ascii_uppercase()))
            || [
                "am", "pm", "a", "p", "m", "at", "on", "of", "st", "nd", "rd", "th",
            ]
            .iter()
            .any(|x| w.eq_ignore_ascii_case(x))
            || (w.starts_with(|c: char| c.is_ascii_digit())
                && w.ends_with(|c: char| c.is_ascii_alphabetic()));
        if !ok {
            return false;
        }
    }
    digits
}

/// A headline: a short line of several words in normal case that does not
/// read as a sentence of prose or a list of links.
fn is_title(u: &Unit) -> bool {
    let t = u.text.as_str();
    (4..=30).contains(&u.words)
        && t.len() <= 300
        && t.chars().any(char::is_lowercase)
        && !t.ends_with('.')
        && !has_separators(t)
        && !is_bullet(t)
        && t.chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || "\"'‘“".contains(c))
}

fn has_separators(t: &str) -> bool {
    [" | ", " · ", " • ", " ▸ ", " ¦ "]
        .iter()
        .any(|s| t.contains(s))
        || t.contains("  |  ")
}

/// Leading symbols, bullets and emoji off.
fn strip_symbols(s: &str) -> &str {
    s.trim_start_matches(|c: char| !c.is_alphanumeric())
}

/// `s` starts with `word` followed by a non-letter or the end.
fn starts_with_word(s: &str, word: &str) -> bool {
    starts(s, word)
        && s.get(word.len()..)
            .is_some_and(|rest| !rest.starts_with(char::is_alphanumeric))
}

/// `s.starts_with(p)`, first checking the first byte: these tests run on
/// every short line against dozens of phrases, and nearly all fail there.
fn starts(s: &str, p: &str) -> bool {
    s.as_bytes().first() == p.as_bytes().first() && s.starts_with(p)
}

/// What to do with one paragraph of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    Keep,
    Drop,
    /// A heading of a list of links ("Related", "Most read"): drop it and the
    /// link-like lines after it.
    Links,
    /// The start of the comment section: nothing after it is the article.
    Comments,
}

/// Headings of link lists. Matched at the start of a paragraph, as a whole
/// word or phrase.
const LINK_HEADINGS: &[&str] = &[
    "related",
    "read more",
    "read also",
    "also read",
    "read next",
    "see also",
    "more from",
    "more on",
    "more in",
    "more stories",
    "also on",
    "most read",
    "most popular",
    "most viewed",
    "popular",
    "trending",
    "recommended",
    "you might also like",
    "you may also like",
    "top stories",
    "latest news",
    "editor's picks",
    "editors' picks",
    "further reading",
    "about the author",
    "about the creator",
];

/// Labels of captions, credits, tags and promotions: a paragraph that starts
/// with one of these and a colon is not article text.
const LABELS: &[&str] = &[
    "photo",
    "photos",
    "photo caption",
    "photo credit",
    "photograph",
    "caption",
    "image",
    "image credit",
    "picture",
    "pictured",
    "graphic",
    "chart",
    "map",
    "video",
    "watch",
    "listen",
    "audio",
    "tags",
    "topics",
    "filed under",
    "credit",
    "credits",
    "newsletter",
    "advertisement",
    "sponsored",
    "disclaimer",
    "cookies",
    "share",
    "share on",
    "share this",
    "share this article",
    "follow us",
    "follow",
    "subscribe",
    "sign up",
];

/// Whole-paragraph footer and navigation entries.
const FOOTER: &[&str] = &[
    "privacy",
    "privacy policy",
    "terms",
    "terms of use",
    "terms of service",
    "terms and conditions",
    "cookie policy",
    "cookie settings",
    "contact",
    "contact us",
    "about",
    "about us",
    "support",
    "help",
    "faq",
    "accessibility",
    "sitemap",
    "site map",
    "careers",
    "advertise",
    "advertisement",
    "sponsored",
    "imprint",
    "explore",
    "all rights reserved",
    "share",
    "tweet",
    "email",
    "print",
    "save",
];

/// Classifies one paragraph. Each rule names a kind of page furniture; a
/// rule that could match prose is limited to short paragraphs or to a label
/// with a colon, so that a full sentence stays.
pub(super) fn classify(u: &Unit) -> Verdict {
    let text = u.text.trim();
    if !text.chars().any(char::is_alphanumeric) {
        // Rules, dividers, lone bullets.
        return Verdict::Drop;
    }
    // Every rule below is about page furniture, which is never this long.
    if u.words > 60 {
        return Verdict::Keep;
    }
    let lower = text.to_lowercase();
    let head = prefix(&lower, 80);
    let core = strip_symbols(head);
    let short = u.words <= 6 && !ends_sentence(text);

    // Bracketed asides standing alone: "(Reuters)", "[Advertisement]",
    // "(Reporting by ...; editing by ...)", "[Photo: ...]".
    if u.words <= 20
        && ((text.starts_with('(') && text.ends_with(')'))
            || (text.starts_with('[') && text.ends_with(']')))
    {
        return Verdict::Drop;
    }
    if text.starts_with('©') || core.starts_with("copyright") || head.starts_with("(c) ") {
        return Verdict::Drop;
    }
    if u.words <= 8
        && !ends_sentence(text)
        && (starts_with_word(core, "comments")
            || starts_with_word(core, "reader comments")
            || starts_with_word(core, "show comments")
            || starts_with_word(core, "view comments")
            || starts_with_word(core, "join the conversation")
            || core
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start()
                .starts_with("comments")
                && core.starts_with(|c: char| c.is_ascii_digit()))
    {
        return Verdict::Comments;
    }
    for h in LINK_HEADINGS {
        if starts_with_word(core, h) {
            let rest = core[h.len()..].trim_start();
            if rest.is_empty() || rest == ":" || (short && !rest.starts_with(':')) {
                return Verdict::Links;
            }
            if rest.starts_with(':') && u.words <= 40 {
                return Verdict::Drop;
            }
        }
    }
    for l in LABELS {
        if starts(core, l) && core[l.len()..].trim_start().starts_with([':', '|', '▸']) {
            return Verdict::Drop;
        }
    }
    let bare = core.trim_end_matches(|c: char| !c.is_alphanumeric());
    if u.words <= 4 && FOOTER.contains(&bare) {
        return Verdict::Drop;
    }
    // Bylines and credits.
    if u.words <= 12
        && !text.ends_with('.')
        && text
            .strip_prefix("By ")
            .or_else(|| text.strip_prefix("BY "))
            .is_some_and(|r| r.starts_with(char::is_uppercase))
    {
        return Verdict::Drop;
    }
    if u.words <= 20
        && (["reporting by", "additional reporting by", "editing by"]
            .iter()
            .any(|p| starts(core, p))
            || (!ends_sentence(text)
                && [
                    "written by",
                    "edited by",
                    "compiled by",
                    "photo by",
                    "photograph by",
                ]
                .iter()
                .any(|p| starts(core, p))))
    {
        return Verdict::Drop;
    }
    // Navigation, share and "also in this section" rows.
    if u.words <= 25 && has_separators(text) && !ends_sentence(text) {
        return Verdict::Drop;
    }
    if is_bullet(text) && u.words <= 4 && !ends_sentence(text) {
        return Verdict::Drop;
    }
    if short
        && [
            "share",
            "follow us",
            "find us",
            "like us",
            "tweet",
            "email this",
            "print this",
            "copy link",
            "save for later",
            "listen to this",
            "report an error",
        ]
        .iter()
        .any(|p| starts_with_word(core, p))
    {
        return Verdict::Drop;
    }
    if u.words <= 3 && bare.ends_with("links") {
        return Verdict::Drop;
    }
    if u.words <= 4 && bare.ends_with(" logo") {
        return Verdict::Drop;
    }
    if u.words <= 15
        && ([
            "sign in",
            "log in",
            "be the first to",
            "add a comment",
            "leave a comment",
            "post a comment",
        ]
        .iter()
        .any(|p| starts_with_word(core, p))
            || (head.contains("comments")
                && (head.contains("comments are closed")
                    || head.contains("there are no comments")
                    || head.contains("no comments yet"))))
    {
        return Verdict::Drop;
    }
    if u.words <= 25
        && [
            "sign up",
            "subscribe",
            "newsletter",
            "get our newsletter",
            "register for",
        ]
        .iter()
        .any(|p| starts_with_word(core, p))
    {
        return Verdict::Drop;
    }
    if u.words <= 40 {
        // Cookie banners, not a story that mentions biscuits.
        if lower.contains("cookie")
            && [
                "we use",
                "this site",
                "our site",
                "this website",
                "accept",
                "consent",
                "cookie policy",
                "cookie settings",
                "you agree",
                "by using",
                "by continuing",
            ]
            .iter()
            .any(|w| lower.contains(w))
        {
            return Verdict::Drop;
        }
        if lower.contains("all rights reserved")
            || (lower.contains("photo") && (lower.contains("ap photo/") || starts_with_word(core, "ap photo")))
            || (lower.contains("getty") && lower.contains("getty images"))
            || lower.contains("/reuters")
            // A caption signed by its picture agency.
            || ["(reuters)", "(ap)", "(afp)", "(epa)", "(file)", "(file photo)", "(getty images)"]
                .iter()
                .any(|c| lower.ends_with(c))
            || core.starts_with("the views expressed")
            || core.starts_with("views expressed")
            || core.starts_with("this article is for information")
        {
            return Verdict::Drop;
        }
    }
    if is_metadata(u, &lower) {
        return Verdict::Drop;
    }
    Verdict::Keep
}

/// After a link-list heading: list items and short lines that read as
/// headlines rather than sentences.
fn is_link_like(u: &Unit) -> bool {
    is_bullet(&u.text) || (u.words <= 15 && !ends_sentence(&u.text))
}

/// The body: every unit that is not header furniture or boilerplate, one
/// paragraph each, separated by a blank line.
pub(super) fn body(units: &[Unit], header: &Header, title: Option<&str>) -> String {
    let mut drop = vec![false; units.len()];
    for &i in &header.drop {
        if let Some(d) = drop.get_mut(i) {
            *d = true;
        }
    }
    let mut kept: Vec<&Unit> = Vec::new();
    let mut in_links = false;
    for (i, u) in units.iter().enumerate() {
        if drop[i] || title.is_some_and(|t| t == u.text) {
            continue;
        }
        let verdict = classify(u);
        if in_links {
            if verdict != Verdict::Comments && is_link_like(u) {
                continue;
            }
            in_links = false;
        }
        match verdict {
            Verdict::Keep => kept.push(u),
            Verdict::Drop => {}
            Verdict::Links => in_links = true,
            Verdict::Comments => {
                if kept.iter().any(|k| k.words >= 12) {
                    break;
                }
            }
        }
    }
    // Page furniture after the last paragraph of prose: tag strips, prompts,
    // short headings of empty sections.
    let last_prose = kept.iter().rposition(|u| u.words >= 12);
    while kept.len() > last_prose.map_or(usize::MAX, |i| i + 1) {
        let Some(last) = kept.last() else { break };
        let t = last.text.as_str();
        let junk = (last.words < 8 && !ends_sentence(t)) || (last.words < 5 && t.ends_with('?'));
        if !junk {
            break;
        }
        kept.pop();
    }
    let mut out = String::new();
    for u in kept {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&u.text);
    }
    out
}
