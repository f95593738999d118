//! `venuewatch lexicon suggest`: the people articles introduce by a title of
//! a known government ("Kenyan Foreign Minister Musalia Mudavadi") whom the
//! lexicon does not name, written as lexicon entries ready to review and
//! paste into a file that extends the built-in lexicon.
//!
//! Pure: introductions in, TOML text out. Finding the introductions is the
//! extractor's job ([`crate::extract::Extractor::introductions`]).

use std::io::{self, Write};

use jiff::civil::Date;

use crate::extract::Introduction;
use crate::lexicon::Lexicon;

/// An introduction and where it was read.
#[derive(Debug, Clone)]
pub struct Sighting {
    /// Who, with which title.
    pub intro: Introduction,
    /// The article file, as shown to the user.
    pub file: String,
    /// The article's date.
    pub date: Date,
}

/// Words that belong to a family name when they stand before its last word
/// ("van Klaveren", "al-Busaidi", "de Gaulle").
const PARTICLES: &[&str] = &[
    "al", "el", "bin", "ibn", "van", "von", "der", "den", "de", "da", "do", "dos", "du", "la",
    "le", "di", "del", "della", "ter",
];

/// The family name as English news writes it alone ("Mudavadi", "van
/// Klaveren").
fn family_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let Some((last, rest)) = words.split_last() else {
        return String::new();
    };
    let mut family = vec![*last];
    for w in rest.iter().rev() {
        if PARTICLES.contains(&w.to_lowercase().as_str()) {
            family.insert(0, w);
        } else {
            break;
        }
    }
    family.join(" ")
}

/// A leader id by the GUIDELINES' rule: the family name, lowercase ASCII,
/// `_` for spaces; with the given name joined when the id is taken.
pub(crate) fn leader_id(name: &str, taken: &dyn Fn(&str) -> bool) -> String {
    let fold = |s: &str| {
        let mut id = String::new();
        for c in crate::extract::fold(s).chars() {
            if c.is_ascii_alphanumeric() {
                id.push(c);
            } else if !id.ends_with('_') && !id.is_empty() {
                id.push('_');
            }
        }
        id.trim_end_matches('_').to_string()
    };
    let family = fold(&family_name(name));
    if !taken(&family) {
        return family;
    }
    fold(name)
}

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes one entry per person (the first sighting decides the date and
/// title): heads of a government with no leader on the date as
/// `[[leader]]`, everyone else as an official of a `[[government]]`.
pub fn render(sightings: &[Sighting], lexicon: &Lexicon, out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "# People the articles introduce by a title of a known government and the\n\
         # lexicon does not name. Review each (names, role, the term's start), then\n\
         # add them to a file that begins with `extend_builtin = true` and pass it\n\
         # with --lexicon; `venuewatch reindex` reads the stored articles again."
    )?;
    let mut seen: Vec<&str> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    let mut count = 0;
    for s in sightings {
        let intro = &s.intro;
        if seen.contains(&intro.name.as_str()) {
            continue;
        }
        seen.push(&intro.name);
        count += 1;
        let family = family_name(&intro.name);
        let mut names = vec![quote(&intro.name)];
        if family != intro.name {
            names.push(quote(&family));
        }
        writeln!(out)?;
        writeln!(
            out,
            "# {} {}: introduced as \"{}\" in {}",
            intro.name, intro.country, intro.role, s.file
        )?;
        match (&intro.known_leader, intro.head) {
            (None, true) => {
                let taken = |id: &str| {
                    lexicon.leaders.iter().any(|l| l.id == id) || ids.iter().any(|i| i == id)
                };
                let id = leader_id(&intro.name, &taken);
                writeln!(out, "[[leader]]")?;
                writeln!(out, "id = {}", quote(&id))?;
                writeln!(out, "names = [{}]", names.join(", "))?;
                writeln!(out, "country = {}", quote(&intro.country))?;
                writeln!(out, "terms = [{{ from = \"{}\" }}]", s.date)?;
                ids.push(id);
            }
            (known, head) => {
                if let (Some(leader), true) = (known, head) {
                    writeln!(
                        out,
                        "# The lexicon has `{leader}` leading {} on {}: if this is someone\n\
                         # else, give `{leader}` a `to` date and add a [[leader]] for them.",
                        intro.country, s.date
                    )?;
                }
                writeln!(out, "[[government]]")?;
                writeln!(out, "country = {}", quote(&intro.country))?;
                writeln!(
                    out,
                    "officials = [{{ names = [{}], role = {}, terms = [{{ from = \"{}\" }}] }}]",
                    names.join(", "),
                    quote(&intro.role.to_lowercase()),
                    s.date
                )?;
            }
        }
    }
    if count == 0 {
        writeln!(
            out,
            "\n# Nobody: every titled person in these articles is known."
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sighting(
        name: &str,
        country: &str,
        role: &str,
        head: bool,
        known: Option<&str>,
    ) -> Sighting {
        Sighting {
            intro: Introduction {
                name: name.into(),
                country: country.into(),
                role: role.into(),
                head,
                known_leader: known.map(str::to_string),
            },
            file: "a.txt".into(),
            date: jiff::civil::date(2025, 3, 20),
        }
    }

    fn rendered(sightings: &[Sighting]) -> String {
        let lexicon = Lexicon::builtin().expect("lexicon");
        let mut out = Vec::new();
        render(sightings, &lexicon, &mut out).expect("render");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn officials_become_government_entries_and_the_output_is_a_lexicon() {
        let minister = sighting(
            "Alberto van Klaveren",
            "chile",
            "Foreign Minister",
            false,
            Some("boric"),
        );
        // Seen twice, written once.
        let text = rendered(&[minister.clone(), minister]);
        assert!(text.contains(
            "officials = [{ names = [\"Alberto van Klaveren\", \"van Klaveren\"], \
             role = \"foreign minister\", terms = [{ from = \"2025-03-20\" }] }]"
        ));
        assert_eq!(text.matches("[[government]]").count(), 1, "{text}");
        // Pasted after `extend_builtin = true`, it loads.
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("mine.toml");
        std::fs::write(&path, format!("extend_builtin = true\n{text}")).expect("write");
        let lex = Lexicon::load(&path).expect("loads");
        let chile = lex.governments.iter().filter(|g| g.country == "chile");
        assert!(chile
            .flat_map(|g| &g.officials)
            .any(|o| o.names.iter().any(|n| n == "van Klaveren")));
    }

    #[test]
    fn an_unknown_head_becomes_a_leader_named_by_family_name() {
        let text = rendered(&[sighting("Jane Newleader", "peru", "President", true, None)]);
        assert!(text.contains("[[leader]]\nid = \"newleader\""), "{text}");
        assert!(text.contains("country = \"peru\""));
        let with_peru =
            format!("{text}\n[[venue]]\nid = \"peru\"\nkind = \"country\"\nnames = [\"Peru\"]\n");
        let lex = Lexicon::parse(&with_peru, "suggestion").expect("parses");
        assert_eq!(lex.leaders[0].names, ["Jane Newleader", "Newleader"]);
        // A taken family name gets the given name joined.
        assert_eq!(
            leader_id("Vladimir Putin", &|id| id == "putin"),
            "vladimir_putin"
        );
        assert_eq!(leader_id("Badr al-Busaidi", &|_| false), "al_busaidi");
        assert_eq!(family_name("Ursula von der Leyen"), "von der Leyen");
    }

    #[test]
    fn nobody_new_says_so() {
        assert!(rendered(&[]).contains("Nobody"));
    }
}
