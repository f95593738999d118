//! Tests of the extractor as a whole, on short texts of our own, through
//! one data-driven `check` helper.

use super::*;
use crate::article::{Article, DateSource};

/// A small world for the tests: the built-in cues with a few leaders and
/// venues, so the tests do not depend on the full data file.
const WORLD: &str = r#"
[[leader]]
id = "putin"
names = ["Vladimir Putin", "Putin"]
country = "russia"
terms = [{ from = "2012-05-07" }]
titles = ["Russian President", "the Russian leader"]
institutions = ["the Kremlin", "Kremlin"]
officials = [
  { names = ["Dmitry Peskov", "Peskov"], role = "Kremlin spokesman" },
  { names = ["Yuri Ushakov", "Ushakov"], role = "aide" },
]

[[leader]]
id = "zelensky"
names = ["Volodymyr Zelensky", "Zelensky", "Zelenskyy"]
country = "ukraine"
terms = [{ from = "2019-05-20" }]
titles = ["Ukrainian President", "the Ukrainian leader"]
officials = [{ names = ["Andrii Sybiha", "Sybiha"], role = "foreign minister" }]

[[leader]]
id = "poroshenko"
names = ["Petro Poroshenko", "Poroshenko"]
country = "ukraine"
terms = [{ from = "2014-06-07", to = "2019-05-20" }]
titles = ["Ukrainian President"]

[[leader]]
id = "trump"
names = ["Donald Trump", "Trump"]
country = "usa"
terms = [{ from = "2025-01-20" }]
institutions = ["the White House"]

[[leader]]
id = "erdogan"
names = ["Recep Tayyip Erdogan", "Erdogan"]
country = "turkey"

[[leader]]
id = "orban"
names = ["Viktor Orban", "Orban"]
country = "hungary"

[[venue]]
id = "russia"
kind = "country"
names = ["Russia", "the Russian Federation"]
demonyms = ["Russian"]

[[venue]]
id = "moscow"
kind = "city"
country = "russia"
capital = true
names = ["Moscow"]

[[venue]]
id = "ukraine"
kind = "country"
names = ["Ukraine"]
demonyms = ["Ukrainian"]

[[venue]]
id = "kyiv"
kind = "city"
country = "ukraine"
capital = true
names = ["Kyiv", "Kiev"]

[[venue]]
id = "usa"
kind = "country"
names = ["the United States"]
demonyms = ["American", "US"]

[[venue]]
id = "washington"
kind = "city"
country = "usa"
capital = true
names = ["Washington"]

[[venue]]
id = "turkey"
kind = "country"
names = ["Turkey", "Türkiye"]
demonyms = ["Turkish"]

[[venue]]
id = "istanbul"
kind = "city"
country = "turkey"
names = ["Istanbul"]

[[venue]]
id = "ankara"
kind = "city"
country = "turkey"
capital = true
names = ["Ankara"]

[[venue]]
id = "hungary"
kind = "country"
names = ["Hungary"]
demonyms = ["Hungarian"]

[[venue]]
id = "budapest"
kind = "city"
country = "hungary"
capital = true
names = ["Budapest"]

[[venue]]
id = "belarus"
kind = "country"
names = ["Belarus"]
demonyms = ["Belarusian"]

[[venue]]
id = "paris"
kind = "city"
names = ["Paris"]

[[venue]]
id = "beijing"
kind = "city"
names = ["Beijing"]

[[venue]]
id = "abu_dhabi"
kind = "city"
names = ["Abu Dhabi"]

[[venue]]
id = "neutral"
kind = "neutral"
names = ["a neutral venue", "a neutral country", "a third country", "a neutral location"]
"#;

fn extractor() -> Extractor {
    let builtin = crate::lexicon::Lexicon::builtin().expect("built-in lexicon");
    let mut world = crate::lexicon::Lexicon::parse(WORLD, "test world").expect("test world");
    world.cues = builtin.cues;
    Extractor::new(world)
}

fn article(date: &str, text: &str) -> Article {
    Article {
        date: date.parse().expect("date"),
        date_source: DateSource::DateLine,
        title: None,
        body: text.to_string(),
    }
}

/// Extracts from `text` dated 2026-01-30 and compares the claims, written
/// "leader stance venue", with "[h]" for historical ones.
fn check(text: &str, expected: &[&str]) {
    check_on("2026-01-30", text, expected);
}

fn check_on(date: &str, text: &str, expected: &[&str]) {
    let claims = extractor().extract(&article(date, text));
    let mut got: Vec<String> = claims
        .iter()
        .map(|c| {
            let h = if c.historical { " [h]" } else { "" };
            format!("{} {} {}{h}", c.leader, c.stance.as_str(), c.venue)
        })
        .collect();
    got.sort();
    let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(got, want, "\ntext: {text}\nclaims: {claims:#?}");
}

#[test]
fn debug_seed() {
    check(
        "Russian President Vladimir Putin on Wednesday said he had \"never refused\" a meeting with Ukrainian President Volodymyr Zelenskyy and invited him to come to Moscow for security talks, remarks issued by the news agency Tass said.",
        &["putin proposes moscow"],
    );
}
