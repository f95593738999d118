//! Property tests over the article reader and the extractor: arbitrary bytes
//! and arbitrary mixes of news-like words never panic, and the result is
//! well-formed. Run in CI with the rest of the tests.

use proptest::prelude::*;
use venuewatch::article;
use venuewatch::extract::Extractor;
use venuewatch::lexicon::Lexicon;

fn extractor() -> &'static Extractor {
    static EXTRACTOR: std::sync::OnceLock<Extractor> = std::sync::OnceLock::new();
    EXTRACTOR.get_or_init(|| Extractor::new(Lexicon::builtin().expect("built-in lexicon")))
}

/// Words that make the extractor work hard: names, venues, cues, negators,
/// quotes and sentence punctuation.
const WORDS: &[&str] = &[
    "Putin",
    "Zelensky",
    "Zelenskyy's",
    "Trump",
    "Erdogan",
    "the Kremlin",
    "Kyiv",
    "Moscow",
    "Istanbul",
    "the Russian capital",
    "the capital of",
    "a neutral venue",
    "invited",
    "invite",
    "let him come to",
    "ready to host",
    "ruled out",
    "rejected",
    "dismissed",
    "not",
    "never",
    "did not rule out",
    "he said",
    "said",
    "according to",
    "\"",
    "“",
    "”",
    ",",
    ".",
    "?",
    "!",
    ":",
    "\n",
    "\n\n",
    "In 2025,",
    "January 30, 2026",
    "date 2026-01-28",
    "the invitation",
    "Peskov",
    "Sybiha",
    "in",
    "to",
    "for talks",
    "Ж",
    "é",
    "—",
    "U.S.",
    "Dr.",
    "é\u{301}",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        if let Ok(a) = article::read(&bytes, jiff::civil::date(2026, 1, 1)) {
            for claim in extractor().extract(&a) {
                prop_assert!(!claim.leader.is_empty() && !claim.venue.is_empty());
            }
        }
    }

    #[test]
    fn news_like_word_salad_never_panics(words in proptest::collection::vec(proptest::sample::select(WORDS), 0..400)) {
        let text = words.join(" ");
        let a = article::read(text.as_bytes(), jiff::civil::date(2026, 1, 1));
        if let Ok(a) = a {
            for claim in extractor().extract(&a) {
                prop_assert!(!claim.evidence.is_empty());
                prop_assert!(!claim.leader.is_empty() && !claim.venue.is_empty());
            }
        }
    }
}

#[test]
fn a_five_megabyte_article_is_read_and_extracted() {
    let paragraph = "Putin said on Friday that Zelensky could come to Moscow. \
                     Zelensky ruled out travelling to Moscow and invited Putin to Kyiv.\n\n";
    let text = paragraph.repeat(5 * 1024 * 1024 / paragraph.len());
    let a = article::read(text.as_bytes(), jiff::civil::date(2026, 1, 1)).expect("article");
    let claims = extractor().extract(&a);
    // The same claims over and over are still one claim each.
    assert!(claims.len() < 20, "{} claims", claims.len());
}
