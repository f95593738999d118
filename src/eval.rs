//! Scoring the extractor against a hand-labelled gold file, the same way as
//! `shared/eval/score.py`: strict and country-level micro precision, recall
//! and F1 over (leader, stance, venue) triples, optional gold claims ignored
//! on both sides, and date accuracy.
//!
//! Pure: gold and predictions in, scores out. `cli` reads the files.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use serde::Deserialize;

/// Why a gold file could not be read.
#[derive(Debug, thiserror::Error)]
#[error(
    "gold file {origin} is not valid: {message} (see shared/eval/GUIDELINES.md for the format)"
)]
pub struct GoldError {
    origin: String,
    message: String,
}

/// One hand-labelled article.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldArticle {
    /// The article's file name.
    pub file: String,
    /// Its stated date, `None` when the text states none.
    #[serde(default)]
    pub date: Option<String>,
    /// Its claims.
    #[serde(default)]
    pub claims: Vec<GoldClaim>,
}

/// One hand-labelled claim.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldClaim {
    /// Leader id.
    pub leader: String,
    /// `proposes` or `rejects`.
    pub stance: String,
    /// Venue id.
    pub venue: String,
    /// A quote from the sentence that carries it.
    #[serde(default)]
    pub evidence: String,
    /// Whether a careful reader could go either way.
    #[serde(default)]
    pub optional: bool,
}

/// Parses a gold file's JSON.
pub fn parse_gold(text: &str, origin: &str) -> Result<Vec<GoldArticle>, GoldError> {
    serde_json::from_str(text).map_err(|e| GoldError {
        origin: origin.to_string(),
        message: e.to_string(),
    })
}

/// The extractor's output for one article.
#[derive(Debug, Clone)]
pub struct Predicted {
    /// The article's file name (matched to the gold by base name).
    pub file: String,
    /// The date found, `YYYY-MM-DD`.
    pub date: String,
    /// Claims: (leader, stance, venue, evidence).
    pub claims: Vec<(String, String, String, String)>,
}

/// Scores at one level.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Score {
    /// True positives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    /// False negatives.
    pub fn_: usize,
    /// Each miss: file, triple, the gold evidence.
    pub misses: Vec<(String, Triple, String)>,
    /// Each false claim: file, triple, the predicted evidence.
    pub falses: Vec<(String, Triple, String)>,
}

/// (leader, stance, venue).
pub type Triple = (String, String, String);

impl Score {
    /// Precision; 1 when nothing was predicted.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// Recall; 1 when nothing was expected.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// Strict and country scores and date accuracy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evaluation {
    /// Venue ids matched exactly.
    pub strict: Score,
    /// Cities mapped to their countries first.
    pub country: Score,
    /// Dated gold articles given their stated date.
    pub dates_right: usize,
    /// Dated gold articles.
    pub dated: usize,
    /// Each wrong date: file, gold date, predicted date.
    pub wrong_dates: Vec<(String, String, String)>,
}

/// Scores `predicted` against `gold`.
pub fn evaluate(gold: &[GoldArticle], predicted: &[Predicted]) -> Evaluation {
    let by_file: BTreeMap<&str, &Predicted> =
        predicted.iter().map(|p| (base_name(&p.file), p)).collect();
    let mut eval = Evaluation {
        strict: score(gold, &by_file, Level::Strict),
        country: score(gold, &by_file, Level::Country),
        ..Evaluation::default()
    };
    for g in gold {
        let Some(date) = &g.date else { continue };
        eval.dated += 1;
        let got = by_file
            .get(base_name(&g.file))
            .map(|p| p.date.chars().take(10).collect::<String>())
            .unwrap_or_default();
        if &got == date {
            eval.dates_right += 1;
        } else {
            eval.wrong_dates.push((g.file.clone(), date.clone(), got));
        }
    }
    eval
}

#[derive(Clone, Copy)]
enum Level {
    Strict,
    Country,
}

fn score(gold: &[GoldArticle], by_file: &BTreeMap<&str, &Predicted>, level: Level) -> Score {
    let mut s = Score::default();
    for g in gold {
        let triple = |leader: &str, stance: &str, venue: &str| -> Triple {
            let mut venue = norm(venue);
            if let Level::Country = level {
                venue = country(&venue).unwrap_or(&venue).to_string();
            }
            (
                leader.trim().to_lowercase(),
                stance.trim().to_lowercase(),
                venue,
            )
        };
        let mut want: BTreeMap<Triple, &str> = BTreeMap::new();
        let mut optional: BTreeSet<Triple> = BTreeSet::new();
        for c in &g.claims {
            let t = triple(&c.leader, &c.stance, &c.venue);
            if c.optional {
                optional.insert(t);
            } else {
                want.insert(t, &c.evidence);
            }
        }
        optional.retain(|t| !want.contains_key(t));
        let mut got: BTreeMap<Triple, &str> = BTreeMap::new();
        if let Some(p) = by_file.get(base_name(&g.file)) {
            for (leader, stance, venue, evidence) in &p.claims {
                let t = triple(leader, stance, venue);
                if !optional.contains(&t) {
                    got.entry(t).or_insert(evidence);
                }
            }
        }
        for (t, evidence) in &want {
            if got.contains_key(t) {
                s.tp += 1;
            } else {
                s.fn_ += 1;
                s.misses
                    .push((g.file.clone(), t.clone(), evidence.to_string()));
            }
        }
        for (t, evidence) in &got {
            if !want.contains_key(t) {
                s.fp += 1;
                s.falses
                    .push((g.file.clone(), t.clone(), evidence.to_string()));
            }
        }
    }
    s
}

fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The scorer's own venue normalisation, as in score.py.
fn norm(venue: &str) -> String {
    let v = venue.trim().to_lowercase().replace([' ', '-'], "_");
    match v.as_str() {
        "kiev" => "kyiv".into(),
        "holy_see" => "vatican".into(),
        "türkiye" | "turkiye" => "turkey".into(),
        "united_arab_emirates" => "uae".into(),
        "dr_congo" | "democratic_republic_of_the_congo" => "drc".into(),
        "united_states" => "usa".into(),
        "united_kingdom" => "uk".into(),
        "czech_republic" => "czechia".into(),
        _ => v,
    }
}

/// The scorer's city -> country table, as in score.py, so that both print the
/// same figures. (The extractor's own knowledge of places is in the lexicon.)
fn country(venue: &str) -> Option<&'static str> {
    Some(match venue {
        "istanbul" | "ankara" | "antalya" => "turkey",
        "geneva" | "bern" | "zurich" | "davos" | "lucerne" | "burgenstock" | "crans_montana" => {
            "switzerland"
        }
        "moscow" | "st_petersburg" | "sochi" => "russia",
        "kyiv" | "kiev" | "lviv" | "odesa" => "ukraine",
        "minsk" => "belarus",
        "budapest" => "hungary",
        "vienna" | "salzburg" => "austria",
        "abu_dhabi" | "dubai" => "uae",
        "riyadh" | "jeddah" => "saudi_arabia",
        "doha" | "lusail" => "qatar",
        "muscat" => "oman",
        "manama" => "bahrain",
        "kuwait_city" => "kuwait",
        "cairo" | "sharm_el_sheikh" => "egypt",
        "amman" => "jordan",
        "beirut" | "naqoura" => "lebanon",
        "damascus" => "syria",
        "baghdad" => "iraq",
        "tehran" => "iran",
        "sanaa" | "aden" => "yemen",
        "anchorage" => "alaska",
        "rome" | "milan" => "italy",
        "vatican_city" | "holy_see" => "vatican",
        "paris" => "france",
        "berlin" | "munich" => "germany",
        "london" => "uk",
        "madrid" | "granada" => "spain",
        "lisbon" => "portugal",
        "brussels" => "belgium",
        "the_hague" | "amsterdam" => "netherlands",
        "copenhagen" => "denmark",
        "helsinki" => "finland",
        "oslo" => "norway",
        "stockholm" => "sweden",
        "reykjavik" => "iceland",
        "warsaw" => "poland",
        "prague" => "czechia",
        "bratislava" => "slovakia",
        "belgrade" => "serbia",
        "pristina" => "kosovo",
        "sarajevo" => "bosnia_and_herzegovina",
        "ohrid" | "skopje" => "north_macedonia",
        "chisinau" => "moldova",
        "baku" => "azerbaijan",
        "yerevan" => "armenia",
        "tbilisi" => "georgia",
        "astana" | "almaty" => "kazakhstan",
        "tashkent" => "uzbekistan",
        "kabul" => "afghanistan",
        "islamabad" => "pakistan",
        "new_delhi" => "india",
        "beijing" | "shanghai" => "china",
        "tokyo" => "japan",
        "seoul" | "busan" | "gyeongju" => "south_korea",
        "pyongyang" => "north_korea",
        "panmunjom" | "demilitarized_zone" => "dmz",
        "hanoi" => "vietnam",
        "bangkok" | "chanthaburi" | "ban_laem" => "thailand",
        "phnom_penh" => "cambodia",
        "kuala_lumpur" | "putrajaya" => "malaysia",
        "jakarta" | "bali" => "indonesia",
        "manila" => "philippines",
        "ulaanbaatar" => "mongolia",
        "washington" | "new_york" | "camp_david" | "white_house" => "usa",
        "mexico_city" => "mexico",
        "caracas" => "venezuela",
        "bogota" => "colombia",
        "havana" => "cuba",
        "bridgetown" => "barbados",
        "addis_ababa" => "ethiopia",
        "nairobi" => "kenya",
        "kigali" => "rwanda",
        "kinshasa" | "goma" => "drc",
        "luanda" => "angola",
        "port_sudan" | "khartoum" => "sudan",
        "pretoria" | "johannesburg" => "south_africa",
        _ => return None,
    })
}

/// Writes the figures as score.py prints them; with `verbose`, each miss and
/// false claim with its evidence, and each wrong date.
pub fn render(e: &Evaluation, verbose: bool, out: &mut impl Write) -> io::Result<()> {
    if verbose {
        for (file, (l, s, v), evidence) in &e.strict.misses {
            writeln!(out, "  miss  {file}: ({l}, {s}, {v})  gold: \"{evidence}\"")?;
        }
        for (file, (l, s, v), evidence) in &e.strict.falses {
            writeln!(out, "  false {file}: ({l}, {s}, {v})  from: \"{evidence}\"")?;
        }
        for (file, want, got) in &e.wrong_dates {
            writeln!(out, "  date  {file}: want {want}, got {got}")?;
        }
    }
    for (name, s) in [("strict", &e.strict), ("country", &e.country)] {
        writeln!(
            out,
            "{name:8} tp={} fp={} fn={} precision={:.3} recall={:.3} f1={:.3}",
            s.tp,
            s.fp,
            s.fn_,
            s.precision(),
            s.recall(),
            s.f1()
        )?;
    }
    writeln!(
        out,
        "dates    {}/{} dated articles given their stated date",
        e.dates_right, e.dated
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold() -> Vec<GoldArticle> {
        parse_gold(
            r#"[{"file": "a.txt", "date": "2026-01-02", "claims": [
                {"leader": "putin", "stance": "proposes", "venue": "moscow"},
                {"leader": "zelensky", "stance": "rejects", "venue": "Kiev"},
                {"leader": "trump", "stance": "proposes", "venue": "alaska", "optional": true}]}]"#,
            "test",
        )
        .expect("gold")
    }

    fn predicted(claims: &[(&str, &str, &str)], date: &str) -> Vec<Predicted> {
        vec![Predicted {
            file: "dir/a.txt".into(),
            date: date.into(),
            claims: claims
                .iter()
                .map(|(l, s, v)| (l.to_string(), s.to_string(), v.to_string(), String::new()))
                .collect(),
        }]
    }

    #[test]
    fn optional_claims_count_neither_way() {
        let e = evaluate(
            &gold(),
            &predicted(
                &[
                    ("putin", "proposes", "moscow"),
                    ("trump", "proposes", "alaska"),
                ],
                "2026-01-02",
            ),
        );
        assert_eq!((e.strict.tp, e.strict.fp, e.strict.fn_), (1, 0, 1));
        assert_eq!((e.dates_right, e.dated), (1, 1));
    }

    #[test]
    fn country_level_maps_cities_and_aliases() {
        let e = evaluate(
            &gold(),
            &predicted(
                &[
                    ("putin", "proposes", "russia"),
                    ("zelensky", "rejects", "ukraine"),
                ],
                "x",
            ),
        );
        assert_eq!((e.strict.tp, e.strict.fp), (0, 2));
        assert_eq!((e.country.tp, e.country.fp, e.country.fn_), (2, 0, 0));
        assert_eq!(e.dates_right, 0);
    }

    #[test]
    fn renders_like_score_py() {
        let e = evaluate(
            &gold(),
            &predicted(&[("putin", "proposes", "moscow")], "2026-01-02"),
        );
        let mut out = Vec::new();
        render(&e, false, &mut out).expect("render");
        assert_eq!(
            String::from_utf8(out).expect("utf8"),
            "strict   tp=1 fp=0 fn=1 precision=1.000 recall=0.500 f1=0.667\n\
             country  tp=1 fp=0 fn=1 precision=1.000 recall=0.500 f1=0.667\n\
             dates    1/1 dated articles given their stated date\n"
        );
    }
}
