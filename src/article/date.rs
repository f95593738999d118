//! Recognising calendar dates in a short piece of text: ISO dates and
//! timestamps, numeric day/month/year, and dates with month names in the
//! usual English orders. Knows nothing about where in an article the text
//! came from; `layout` decides which text may carry the publication date.

use jiff::civil::Date;

/// What one piece of text contains, each the first by position.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Scan {
    /// A complete, valid date and the byte offset where it starts.
    pub full: Option<(Date, usize)>,
    /// A month name with a day but no year ("Jan 30"): month, day, offset.
    pub month_day: Option<(i8, i8, usize)>,
    /// A four-digit number that reads as a recent year.
    pub year: Option<i16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    /// Value (saturating) and number of digits.
    Num(u32, usize),
    Sym(char),
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
}

/// Years outside this range are not a news article's date.
const YEARS: std::ops::RangeInclusive<u32> = 1900..=2100;

/// Splits into words (letters), numbers (ASCII digits) and single symbols;
/// white space separates and is dropped.
fn tokens(s: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut iter = s.char_indices().peekable();
    while let Some((start, c)) = iter.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut end = start + c.len_utf8();
        let kind = if c.is_ascii_digit() {
            let mut value = c.to_digit(10).unwrap_or(0);
            let mut digits = 1usize;
            while let Some(&(i, d)) = iter.peek() {
                let Some(v) = d.to_digit(10).filter(|_| d.is_ascii_digit()) else {
                    break;
                };
                value = value.saturating_mul(10).saturating_add(v);
                digits += 1;
                end = i + d.len_utf8();
                iter.next();
            }
            Kind::Num(value, digits)
        } else if c.is_alphabetic() {
            while let Some(&(i, d)) = iter.peek() {
                if !d.is_alphabetic() {
                    break;
                }
                end = i + d.len_utf8();
                iter.next();
            }
            Kind::Word
        } else {
            Kind::Sym(c)
        };
        out.push(Tok { kind, start, end });
    }
    out
}

const MONTHS: &[(&str, i8)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

const WEEKDAYS: &[&str] = &[
    "monday",
    "mon",
    "tuesday",
    "tue",
    "tues",
    "wednesday",
    "wed",
    "thursday",
    "thu",
    "thur",
    "thurs",
    "friday",
    "fri",
    "saturday",
    "sat",
    "sunday",
    "sun",
];

/// Month number of a month name or abbreviation; it must be capitalised
/// ("May", "MAY", never the verb "may").
pub(super) fn month(word: &str) -> Option<i8> {
    if !word.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    MONTHS
        .iter()
        .find(|(name, _)| word.eq_ignore_ascii_case(name))
        .map(|&(_, m)| m)
}

/// Whether `word` names a day of the week (full or abbreviated).
pub(super) fn is_weekday(word: &str) -> bool {
    WEEKDAYS.iter().any(|d| word.eq_ignore_ascii_case(d))
}

fn valid(year: u32, month: u32, day: u32) -> Option<Date> {
    if !YEARS.contains(&year) {
        return None;
    }
    let y = i16::try_from(year).ok()?;
    let m = i8::try_from(month).ok()?;
    let d = i8::try_from(day).ok()?;
    Date::new(y, m, d).ok()
}

/// Scans `s` for dates.
pub(super) fn scan(s: &str) -> Scan {
    let toks = tokens(s);
    let mut out = Scan::default();
    let mut i = 0;
    while i < toks.len() && out.full.is_none() {
        let start = toks[i].start;
        if let Some(date) = numeric_at(&toks, i) {
            out.full = Some((date, start));
            break;
        }
        match named_at(s, &toks, i) {
            Some(Named::Full(date)) => {
                out.full = Some((date, start));
                break;
            }
            Some(Named::MonthDay(m, d)) if out.month_day.is_none() => {
                out.month_day = Some((m, d, start));
            }
            _ => {}
        }
        if let Kind::Num(v, 4) = toks[i].kind {
            if out.year.is_none() && (1990..=2100).contains(&v) {
                out.year = i16::try_from(v).ok();
            }
        }
        i += 1;
    }
    if let Some((date, _)) = out.full {
        out.year = out.year.or(Some(date.year()));
    }
    out
}

/// Tokens `i..i+5` are `number sep number sep number` with no space in
/// between and one separator (`-`, `/` or `.`) used twice.
fn numeric_triple(toks: &[Tok], i: usize) -> Option<([(u32, usize); 3], char)> {
    let t = toks.get(i..i + 5)?;
    if t.windows(2).any(|w| w[0].end != w[1].start) {
        return None;
    }
    let (Kind::Sym(sep), Kind::Sym(sep2)) = (t[1].kind, t[3].kind) else {
        return None;
    };
    if sep != sep2 || !matches!(sep, '-' | '/' | '.') {
        return None;
    }
    let num = |k: Kind| match k {
        Kind::Num(v, n) => Some((v, n)),
        _ => None,
    };
    Some(([num(t[0].kind)?, num(t[2].kind)?, num(t[4].kind)?], sep))
}

/// `2026-01-30` (also with `/` or `.`), `30.01.2026`, and `30/01/2026` or
/// `01/30/2026` when only one reading is possible.
fn numeric_at(toks: &[Tok], i: usize) -> Option<Date> {
    // Part of a longer run like 1.2.3.2026: not a date.
    if i > 0 && toks[i - 1].end == toks[i].start && matches!(toks[i - 1].kind, Kind::Sym(_)) {
        if let Some(prev) = i.checked_sub(2).and_then(|p| toks.get(p)) {
            if matches!(prev.kind, Kind::Num(..)) && prev.end == toks[i - 1].start {
                return None;
            }
        }
    }
    let ([(a, an), (b, bn), (c, cn)], sep) = numeric_triple(toks, i)?;
    if an == 4 && bn <= 2 && cn <= 2 {
        return valid(a, b, c);
    }
    if an <= 2 && bn <= 2 && cn == 4 {
        // Day-month-year is the only convention that writes dots; with
        // slashes or dashes, US month-first is common too, so only an
        // unambiguous reading counts.
        let (day, month) = if sep == '.' || (a > 12 && b <= 12) || a == b {
            (a, b)
        } else if b > 12 && a <= 12 {
            (b, a)
        } else {
            return None;
        };
        return valid(c, month, day);
    }
    None
}

enum Named {
    Full(Date),
    MonthDay(i8, i8),
}

fn word<'a>(s: &'a str, t: &Tok) -> Option<&'a str> {
    (t.kind == Kind::Word)
        .then(|| s.get(t.start..t.end))
        .flatten()
}

fn day_num(t: Option<&Tok>) -> Option<u32> {
    match t?.kind {
        Kind::Num(v, n) if n <= 2 && (1..=31).contains(&v) => Some(v),
        _ => None,
    }
}

fn year_num(t: Option<&Tok>) -> Option<u32> {
    match t?.kind {
        Kind::Num(v, 4) => Some(v),
        _ => None,
    }
}

/// Skips an ordinal suffix written right after a day ("3rd").
fn skip_ordinal(s: &str, toks: &[Tok], j: usize) -> usize {
    match toks.get(j) {
        Some(t)
            if toks
                .get(j.wrapping_sub(1))
                .is_some_and(|p| p.end == t.start)
                && word(s, t).is_some_and(|w| {
                    ["st", "nd", "rd", "th"]
                        .iter()
                        .any(|o| w.eq_ignore_ascii_case(o))
                }) =>
        {
            j + 1
        }
        _ => j,
    }
}

fn is_sym(toks: &[Tok], j: usize, c: char) -> bool {
    toks.get(j).is_some_and(|t| t.kind == Kind::Sym(c))
}

/// `January 30, 2026`, `Jan. 30 2026`, `30 January 2026`, `30th of Jan.,
/// 2026`; a month and day without a year gives [`Named::MonthDay`].
fn named_at(s: &str, toks: &[Tok], i: usize) -> Option<Named> {
    let t = &toks[i];
    if let Some(m) = word(s, t).and_then(month) {
        // Month first.
        let mut j = i + 1;
        if is_sym(toks, j, '.') {
            j += 1;
        }
        let day = day_num(toks.get(j))?;
        // "Jan 30:15" or "May 4.5" are not days.
        if toks.get(j + 1).is_some_and(|n| {
            n.start == toks[j].end
                && matches!(n.kind, Kind::Sym(':' | '.'))
                && toks
                    .get(j + 2)
                    .is_some_and(|d| matches!(d.kind, Kind::Num(..)))
        }) {
            return None;
        }
        j = skip_ordinal(s, toks, j + 1);
        if is_sym(toks, j, ',') {
            j += 1;
        }
        let day_i8 = i8::try_from(day).ok()?;
        return Some(
            match year_num(toks.get(j)).and_then(|y| valid(y, u32::from(m.unsigned_abs()), day)) {
                Some(date) => Named::Full(date),
                None => Named::MonthDay(m, day_i8),
            },
        );
    }
    // Day first.
    let day = day_num(Some(t))?;
    if i > 0
        && toks[i - 1].end == t.start
        && matches!(
            toks[i - 1].kind,
            Kind::Sym(':' | '.' | '/' | '-') | Kind::Num(..)
        )
    {
        // "10:30 May" or "1.5 March": the number belongs to something else.
        return None;
    }
    let mut j = skip_ordinal(s, toks, i + 1);
    if toks
        .get(j)
        .and_then(|t| word(s, t))
        .is_some_and(|w| w.eq_ignore_ascii_case("of"))
    {
        j += 1;
    }
    let m = toks.get(j).and_then(|t| word(s, t)).and_then(month)?;
    j += 1;
    if is_sym(toks, j, '.') {
        j += 1;
    }
    if is_sym(toks, j, ',') {
        j += 1;
    }
    let year = year_num(toks.get(j))?;
    valid(year, u32::from(m.unsigned_abs()), day).map(Named::Full)
}
