//! Tests for the article reader, on short texts written for the purpose.

use super::*;

const MTIME: Date = jiff::civil::date(2000, 1, 1);

/// A paragraph of prose long enough to end the header area; it mentions
/// dates of events, which must never be taken for the publication date.
const PROSE: &str = "Officials said the agreement signed on March 3, 2025 would be \
    reviewed, recalling that the last meeting of the two leaders took place in \
    Paris in December 2019 and that envoys had met again on August 15.";

fn read_str(text: &str) -> Article {
    match read(text.as_bytes(), MTIME) {
        Ok(article) => article,
        Err(e) => panic!("rejected {text:?}: {e}"),
    }
}

/// Checks the date found for `text`: `None` means the fallback.
fn check_date(text: &str, expected: Option<&str>, source: DateSource) {
    let article = read_str(text);
    let want = expected.map_or(MTIME, |s| s.parse().expect("test date"));
    assert_eq!(
        (article.date, article.date_source),
        (want, source),
        "text: {text:?}"
    );
}

fn check_header_date(header: &str, expected: Option<&str>) {
    let text = format!("{header}\n\n{PROSE}\n");
    let source = if expected.is_some() {
        DateSource::Header
    } else {
        DateSource::Mtime
    };
    check_date(&text, expected, source);
}

#[test]
fn header_date_formats() {
    for (header, want) in [
        ("January 30, 2026", "2026-01-30"),
        ("Jan. 30, 2026", "2026-01-30"),
        ("JAN 30, 2026", "2026-01-30"),
        ("Sept. 3, 2025", "2025-09-03"),
        ("30 January 2026", "2026-01-30"),
        ("30th January, 2026", "2026-01-30"),
        ("January 28, 2026, Wednesday", "2026-01-28"),
        ("Saturday, November 8, 2025", "2025-11-08"),
        ("Published: Friday 30 January 2026", "2026-01-30"),
        ("Updated 12:30 GMT, 5 March 2025", "2025-03-05"),
        ("2026-01-30", "2026-01-30"),
        ("2026-01-30T10:15:00Z", "2026-01-30"),
        ("2026-01-30 10:15", "2026-01-30"),
        ("30/01/2026", "2026-01-30"),
        ("01/30/2026", "2026-01-30"),
        ("30.01.2026 · 19:20 · Kyiv", "2026-01-30"),
        ("05.04.2026", "2026-04-05"),
        ("By Jane Doe | Jan. 30, 2026", "2026-01-30"),
        ("ANALYSIS | 16 May 2025", "2025-05-16"),
        ("MOSCOW, February 2, 2026", "2026-02-02"),
        ("Posted by Jane Doe on 30 January 2026", "2026-01-30"),
        (
            "Talks resume in Geneva\n\nBy Jane Doe\nJanuary 5, 2026",
            "2026-01-05",
        ),
    ] {
        check_header_date(header, Some(want));
    }
}

#[test]
fn not_a_header_date() {
    for header in [
        // Relative times.
        "Published about 2 hours ago",
        "World 2 months ago",
        "Europe Desk · Published 5 hours ago · 4 min read",
        // Ambiguous day and month.
        "05/04/2026",
        // Not calendar dates.
        "February 30, 2026",
        "2026-13-01",
        // Month and year, or month and day without any year.
        "January 2026",
        "Jan 30",
        // A headline with a day but no year.
        "Talks set for May 15 in Istanbul, officials say",
        "Putin and Zelensky to meet in Istanbul on May 15, 2025",
        // A standfirst that mentions a date in passing.
        "The two sides last met in Istanbul on May 16, 2025, and agreed to swap prisoners but nothing else",
        "",
    ] {
        check_header_date(header, None);
    }
}

#[test]
fn body_dates_are_not_the_publication_date() {
    let text =
        format!("{PROSE}\n\nTalks were held on March 3, 2025.\n\n{PROSE}\n\n© 2026 Example Media");
    check_date(&text, None, DateSource::Mtime);
}

#[test]
fn dateline_in_first_paragraph() {
    check_date(
        &format!("Headline about talks in Beijing\n\nBEIJING, Sept. 3, 2025 — {PROSE}"),
        Some("2025-09-03"),
        DateSource::Header,
    );
    check_date(
        &format!("Moscow, 23 May 2025 — {PROSE}"),
        Some("2025-05-23"),
        DateSource::Header,
    );
    // A date later in the first paragraph is narrative.
    check_date(
        &format!("Officials in Kyiv said on Friday that on January 3, 2026 — {PROSE}"),
        None,
        DateSource::Mtime,
    );
}

#[test]
fn wire_dateline_needs_a_year_in_the_header() {
    let wire = format!("KYIV, Jan 30 (Reuters) - {PROSE}");
    check_date(
        &format!("World news · 2026\n\nZelensky invites Putin to Kyiv\n\n{wire}"),
        Some("2026-01-30"),
        DateSource::Header,
    );
    check_date(
        &format!("Zelensky invites Putin to Kyiv\n\n{wire}"),
        None,
        DateSource::Mtime,
    );
    // The year in a headline is an event's.
    check_date(
        &format!("Zelensky recalls the talks of 2022 in Istanbul\n\n{wire}"),
        None,
        DateSource::Mtime,
    );
}

#[test]
fn date_line() {
    let text = format!(
        " date 2026-01-28 Putin Invites Zelensky to Moscow, Offers 'Guarantees'\n\n\
         January 27, 2026\n{PROSE}"
    );
    let article = read_str(&text);
    assert_eq!(article.date, jiff::civil::date(2026, 1, 28));
    assert_eq!(article.date_source, DateSource::DateLine);
    assert_eq!(
        article.title.as_deref(),
        Some("Putin Invites Zelensky to Moscow, Offers 'Guarantees'")
    );
    assert_eq!(article.body, PROSE);

    // Headline on the next line.
    let article = read_str(&format!(
        "date 2025-10-17\nLeaders pick Budapest for summit\n\n{PROSE}"
    ));
    assert_eq!(article.date_source, DateSource::DateLine);
    assert_eq!(
        article.title.as_deref(),
        Some("Leaders pick Budapest for summit")
    );
    assert_eq!(article.body, PROSE);

    // Not a calendar date: no date, but still not body.
    let article = read_str(&format!(
        "date 2026-02-30 Some headline for the story\n\n{PROSE}"
    ));
    assert_eq!(article.date_source, DateSource::Mtime);
    assert_eq!(article.body, PROSE);

    let article = read_str(&format!("Date:2026-01-28\n{PROSE}"));
    assert_eq!(article.date_source, DateSource::DateLine);
    assert_eq!(article.title, None);

    // "date" as an ordinary word.
    check_date(
        &format!("Date night in Vienna: a review\n\n{PROSE}"),
        None,
        DateSource::Mtime,
    );
}

#[test]
fn scan_table() {
    use super::date::scan;
    for (text, want) in [
        ("on 2025-05-28 14:05", Some("2025-05-28")),
        ("2025/05/28", Some("2025-05-28")),
        ("1.2.30.01.2026", None),
        ("at 10:30 May 5 2026", Some("2026-05-05")),
        ("(30 January 2026)", Some("2026-01-30")),
        ("3rd of March, 2025", Some("2025-03-03")),
        ("you may 5 2026", None),
        ("Feb 29, 2024", Some("2024-02-29")),
        ("Feb 29, 2025", None),
        ("99999999999999999999-01-01", None),
        ("March 1850", None),
    ] {
        let got = scan(text).full.map(|(d, _)| d.to_string());
        assert_eq!(got.as_deref(), want, "{text:?}");
    }
    assert_eq!(
        scan("KYIV, Jan 30 (Reuters)")
            .month_day
            .map(|(m, d, _)| (m, d)),
        Some((1, 30))
    );
    assert_eq!(scan("© 2026 Media").year, Some(2026));
}

#[test]
fn encodings() {
    let expected = "Café “talks” – Zelensky’s offer stands.";
    // UTF-8, with and without BOM.
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(expected.as_bytes());
    for bytes in [expected.as_bytes().to_vec(), with_bom] {
        assert_eq!(read(&bytes, MTIME).map(|a| a.body).as_deref(), Ok(expected));
    }
    // UTF-16 with BOM.
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for unit in expected.encode_utf16() {
        le.extend_from_slice(&unit.to_le_bytes());
        be.extend_from_slice(&unit.to_be_bytes());
    }
    assert_eq!(read(&le, MTIME).map(|a| a.body).as_deref(), Ok(expected));
    assert_eq!(read(&be, MTIME).map(|a| a.body).as_deref(), Ok(expected));
    // Windows-1252.
    let cp1252 = b"Caf\xe9 \x93talks\x94 \x96 Zelensky\x92s offer stands.";
    assert_eq!(read(cp1252, MTIME).map(|a| a.body).as_deref(), Ok(expected));
    // UTF-8 cut off in the middle of its last character stays UTF-8.
    let mut cut = expected.as_bytes().to_vec();
    cut.extend_from_slice("Zelensky’".as_bytes());
    cut.pop();
    let body = read(&cut, MTIME).map(|a| a.body).unwrap_or_default();
    assert!(body.starts_with(expected), "{body:?}");
}

#[test]
fn stray_byte_in_plain_text() {
    let mut bytes = PROSE.as_bytes().to_vec();
    bytes.insert(10, 0x81);
    let body = read(&bytes, MTIME).map(|a| a.body).unwrap_or_default();
    assert!(
        body.contains('\u{FFFD}') && body.ends_with("on August 15."),
        "{body:?}"
    );
}

#[test]
fn normalisation() {
    let article = read_str(
        "First line of\r\nthe paragraph.\r\n\r\nSecond\u{a0}paragraph.\rThird one.\u{200b}",
    );
    assert_eq!(
        article.body,
        "First line of the paragraph.\n\nSecond paragraph.\n\nThird one."
    );
}

#[test]
fn rejects() {
    let mut utf16_nul = vec![0xFF, 0xFE];
    for unit in "abc\0def".encode_utf16() {
        utf16_nul.extend_from_slice(&unit.to_le_bytes());
    }
    let mut utf16_space = vec![0xFE, 0xFF];
    for unit in " \n ".encode_utf16() {
        utf16_space.extend_from_slice(&unit.to_be_bytes());
    }
    let cases: &[(&[u8], RejectReason)] = &[
        (b"", RejectReason::Empty),
        (b"  \n\t \r\n ", RejectReason::Empty),
        (b"\xEF\xBB\xBF", RejectReason::Empty),
        (b"\xEF\xBB\xBF \n", RejectReason::Empty),
        ("\u{a0}\u{200b}\n".as_bytes(), RejectReason::Empty),
        (&utf16_space, RejectReason::Empty),
        (b"PK\x03\x04\x00\x00 zip", RejectReason::Binary),
        (b"text with a \0 inside", RejectReason::Binary),
        (&utf16_nul, RejectReason::Binary),
        (
            b"\x01\x02\x03\x04 mostly \x05\x06\x07 control",
            RejectReason::Binary,
        ),
        // UTF-16 without a BOM has NULs: binary by rule.
        (b"h\0e\0l\0l\0o\0", RejectReason::Binary),
        // Bytes unassigned in Windows-1252.
        (b"abc \x81\x8d def", RejectReason::Undecodable),
        (b"Caf\xe9 and \x9d quote", RejectReason::Undecodable),
        // Mostly high bytes: Cyrillic in KOI8-R, not Latin text.
        (
            b"\xf0\xd2\xc5\xda\xc9\xc4\xc5\xce\xd4 \xd0\xd2\xc9\xc7\xcc\xc1\xd3\xc9\xcc",
            RejectReason::Undecodable,
        ),
        // UTF-8 damaged beyond the tolerance.
        (
            b"\xe2\x80\x99 \xff\xfe\xfd\xfc \xe2\x80\x99 \xe2\x80\x99 \xc0",
            RejectReason::Undecodable,
        ),
    ];
    for (bytes, want) in cases {
        assert_eq!(read(bytes, MTIME).as_ref().err(), Some(want), "{bytes:?}");
    }
}

/// Checks title and body.
fn check(input: &str, title: Option<&str>, body: &str) {
    let article = read_str(input);
    assert_eq!(article.title.as_deref(), title, "title of {input:?}");
    assert_eq!(article.body, body, "body of {input:?}");
}

#[test]
fn boilerplate_is_removed() {
    let input = "\
Earth logo
World | Europe

Leaders agree to meet in Geneva next month

Officials say the venue was chosen after weeks of talks

By Jane Doe, Geneva correspondent
Published 3 hours ago · 4 min read
Share | Tweet | Email

GENEVA — The two presidents will meet in the Swiss city next month, officials from both governments said on Tuesday, after weeks of talks about the venue and the format.

Photo: The Palais des Nations in Geneva. Getty Images
Delegates arrive at the Palais des Nations on Monday. (Reuters)
Listen to this article
Swiss diplomats have offered to host the talks for more than a year.

Why It Matters
The choice of Geneva ends a long argument over the venue.

(Reporting by Jane Doe; editing by John Roe)
Read more: How Geneva became the capital of diplomacy
Related
• Earlier talks in Istanbul ended without a deal
• What the two sides want
Tags: Geneva · Switzerland · diplomacy
Comments (12)
Great article, thanks!
Sign in to comment
Find us on social media
• Privacy Policy
• Terms of Use
© 2026 Example Media. All Rights Reserved.
We use cookies to improve your experience. Accept | Manage
";
    check(
        input,
        Some("Leaders agree to meet in Geneva next month"),
        "Officials say the venue was chosen after weeks of talks\n\n\
         GENEVA — The two presidents will meet in the Swiss city next month, officials from both governments said on Tuesday, after weeks of talks about the venue and the format.\n\n\
         Swiss diplomats have offered to host the talks for more than a year.\n\n\
         Why It Matters\n\n\
         The choice of Geneva ends a long argument over the venue.",
    );
}

#[test]
fn footer_without_comments_section() {
    let input = format!(
        "{PROSE}\n\nThe talks will resume in May, the ministry said.\n\n\
         Reader insights\nBe the first to share your insights about this piece.\n\
         Newsletter: Get our weekly digest. Subscribe\n📧 Sign up for breaking news alerts\n\
         MORE FROM POLITICS\nSenate confirms new envoy\nMinisters meet in Brussels\n\
         Cookies help us deliver our services. By using this site you agree to our use of cookies. [OK]\n"
    );
    check(
        &input,
        None,
        &format!("{PROSE}\n\nThe talks will resume in May, the ministry said."),
    );
}

#[test]
fn sentences_that_look_like_furniture_stay() {
    let input = format!(
        "{PROSE}\n\nShare prices fell sharply after the announcement, traders said.\n\
         Related talks in Riyadh are expected to follow next week.\n\
         By proposing Kyiv as the venue, Zelensky put the burden of refusal on Moscow.\n\
         Photo opportunities were kept to a minimum at the request of both delegations.\n\
         He arrived in Ankara two days ago.\n\
         Comments by the minister angered Moscow.\n\
         The Kremlin had no comments on the report.\n\
         Published in 1994, the memorandum is still cited.\n\
         Written by hand, the note was short.\n\
         In 2013 an envoy handed out cookies on the square, because she wanted to show support.\n"
    );
    check(
        &input,
        None,
        &format!(
            "{PROSE}\n\nShare prices fell sharply after the announcement, traders said.\n\n\
             Related talks in Riyadh are expected to follow next week.\n\n\
             By proposing Kyiv as the venue, Zelensky put the burden of refusal on Moscow.\n\n\
             Photo opportunities were kept to a minimum at the request of both delegations.\n\n\
             He arrived in Ankara two days ago.\n\n\
             Comments by the minister angered Moscow.\n\n\
             The Kremlin had no comments on the report.\n\n\
             Published in 1994, the memorandum is still cited.\n\n\
             Written by hand, the note was short.\n\n\
             In 2013 an envoy handed out cookies on the square, because she wanted to show support."
        ),
    );
}

#[test]
fn hard_wrapped_paragraphs_are_joined() {
    let input = "\
Talks in Vienna are back on the table

The Austrian government said on Monday that it was ready to host
a meeting between the two leaders in Vienna, and that preparations
could begin within days if both sides agreed.
Officials added that security would be provided by the police.

What Comes Next
Diplomats expect an answer from Moscow by the end of the week, but
few are optimistic about a quick reply from the Kremlin given the
history of earlier proposals.
";
    check(
        input,
        Some("Talks in Vienna are back on the table"),
        "The Austrian government said on Monday that it was ready to host a meeting between the two leaders in Vienna, and that preparations could begin within days if both sides agreed. Officials added that security would be provided by the police.\n\n\
         What Comes Next\n\n\
         Diplomats expect an answer from Moscow by the end of the week, but few are optimistic about a quick reply from the Kremlin given the history of earlier proposals.",
    );
}

#[test]
fn hard_wrapped_header_lines_stand_alone() {
    let input = "\
Talks in Vienna are back on the table
By Jane Doe
January 5, 2026
VIENNA - The Austrian government said on Monday that it was ready
to host a meeting between the two leaders in Vienna, and that the
preparations could begin within days if both sides agreed to it.
";
    let article = read_str(input);
    assert_eq!(
        article.title.as_deref(),
        Some("Talks in Vienna are back on the table")
    );
    assert_eq!(article.date, jiff::civil::date(2026, 1, 5));
    assert_eq!(
        article.body,
        "VIENNA - The Austrian government said on Monday that it was ready to host a meeting between the two leaders in Vienna, and that the preparations could begin within days if both sides agreed to it."
    );
}

#[test]
fn unwrapped_lines_are_paragraphs() {
    // One paragraph per line, no blank lines: each line stays a paragraph;
    // a lower-case continuation after an unfinished line is joined.
    let input = format!(
        "By Jane Doe\nJanuary 30, 2026\n{PROSE}\nZelensky said he was ready to meet Putin in Kyiv but\nnot in Moscow or Minsk.\nThe Kremlin did not comment.\n"
    );
    let article = read_str(&input);
    assert_eq!(article.title, None);
    assert_eq!(article.date_source, DateSource::Header);
    assert_eq!(
        article.body,
        format!(
            "{PROSE}\n\nZelensky said he was ready to meet Putin in Kyiv but not in Moscow or Minsk.\n\nThe Kremlin did not comment."
        )
    );
}

#[test]
fn headline_extraction() {
    for (input, title) in [
        (format!("OPINION\n\nBudapest was never a neutral address\n\n{PROSE}"), Some("Budapest was never a neutral address")),
        (format!("THE DAILY LEDGER\nZelensky: I will wait for Putin in Turkey\nKateryna Holub\n13 May 2025\n\n{PROSE}"), Some("Zelensky: I will wait for Putin in Turkey")),
        (format!("LIVE: Delegations meet in Riyadh\n2025-02-18T09:30:00Z\n\n{PROSE}"), Some("LIVE: Delegations meet in Riyadh")),
        // Prose first: no headline to tell apart.
        (format!("{PROSE}\n\n{PROSE}"), None),
        // A sentence with a full stop is not a headline.
        (format!("The talks ended without agreement on Friday.\n\n{PROSE}"), None),
        // Only kickers.
        (format!("ANALYSIS\nWorld | Europe\n\n{PROSE}"), None),
    ] {
        let article = read_str(&input);
        assert_eq!(article.title.as_deref(), title, "{input:?}");
        if let Some(t) = title {
            assert!(!article.body.contains(t), "headline left in body: {:?}", article.body);
        }
    }
}

#[test]
fn large_input_is_read() {
    let paragraph = format!("{PROSE}\n\n");
    let big = paragraph.repeat(5_000_000 / paragraph.len() + 1);
    let article = read_str(&format!("January 30, 2026\n\n{big}"));
    assert_eq!(article.date, jiff::civil::date(2026, 1, 30));
    assert!(article.body.len() > 4_000_000);

    // One enormous line, and enormous runs of digits and letters.
    let line = "word ".repeat(1_000_000);
    assert!(read_str(&line).body.len() > 4_000_000);
    let digits = "7".repeat(1_000_000);
    assert_eq!(read_str(&digits).date_source, DateSource::Mtime);
    let mut lines = "Short line\n".repeat(100_000);
    lines.push_str(&"x".repeat(100));
    let _ = read_str(&lines);
}

#[test]
fn arbitrary_bytes_never_panic() {
    // xorshift64*, fixed seed.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let sample = format!(
        "\u{feff}OPINION\nTalks in Geneva — café “venue” 30.01.2026\n\nBy Jane\nJan. 30, 2026\n\n{PROSE}\n• Related\n© 2026"
    );
    let alphabet: Vec<u8> =
        b" \n\r\t.-/:,|()0123456789JanMayby\xc3\xa9\xe2\x80\x94\xff\xfe\x00\x81\x93".to_vec();
    for round in 0..3000 {
        let len = (next() % 300) as usize;
        let bytes: Vec<u8> = if round % 3 == 0 {
            (0..len).map(|_| next() as u8).collect()
        } else if round % 3 == 1 {
            (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect()
        } else {
            let mut b = sample.as_bytes().to_vec();
            for _ in 0..(next() % 8) {
                let i = (next() % b.len() as u64) as usize;
                b[i] = next() as u8;
            }
            b.truncate((next() % (b.len() as u64 + 1)) as usize);
            b
        };
        let _ = read(&bytes, MTIME);
    }
}
