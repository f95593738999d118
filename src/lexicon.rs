//! The lexicon: everything venuewatch knows about the world (leaders, their
//! titles and officials, venues and their aliases) and about language (cue
//! words), loaded from a TOML data file.
//!
//! The built-in lexicon is compiled in from two files: `lexicon/default.toml`
//! (cue words, venues, and the leaders curated with their titles and
//! officials) and `lexicon/governments.toml` (who directs each state's
//! foreign policy since 2017, the officials who speak for each government,
//! movements and organisations); an entry of the first wins over one with
//! the same id in the second. `--lexicon FILE` replaces or extends it. This
//! module only parses and validates; how the extractor matches these words
//! in text lives in `extract`.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Deserialize;

/// The built-in lexicon's curated file, compiled into the binary.
pub const DEFAULT_TOML: &str = include_str!("../lexicon/default.toml");

/// The built-in lexicon's world file: every government's leaders with their
/// terms, governments' officials, movements and organisations.
pub const GOVERNMENTS_TOML: &str = include_str!("../lexicon/governments.toml");

/// Why a lexicon could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    /// The file could not be read.
    #[error("cannot read lexicon {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not match the schema.
    #[error("lexicon {origin} is not valid: {message}")]
    Parse {
        /// Where the lexicon came from.
        origin: String,
        /// What is wrong, with the line when TOML knows it.
        message: String,
    },
}

/// A lexicon as written in the data file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    /// When true, this file extends the built-in lexicon instead of replacing
    /// it: its leaders and venues replace built-in ones with the same id or
    /// are added, and its cue words are added.
    #[serde(default)]
    pub extend_builtin: bool,
    /// Leaders: the principals whose venue positions are tracked.
    #[serde(default, rename = "leader")]
    pub leaders: Vec<Leader>,
    /// Places a meeting can be held, with their aliases.
    #[serde(default, rename = "venue")]
    pub venues: Vec<Venue>,
    /// Cue words that signal a stance, negation, attribution and so on.
    #[serde(default)]
    pub cues: Cues,
    /// Governments: the officials and institutions that speak for whoever
    /// leads a country on an article's date.
    #[serde(default, rename = "government")]
    pub governments: Vec<Government>,
    /// Officials who speak for a leader without a country (the UN
    /// Secretary-General's envoys, the EU's special representatives);
    /// folded into that leader's `officials` when the lexicon is parsed.
    #[serde(default, rename = "organisation")]
    pub organisations: Vec<Organisation>,
}

/// A government: who speaks for the leader of `country`, whoever that is on
/// the article's date.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Government {
    /// The country's venue id.
    pub country: String,
    /// Metonyms of the government that point at no one person ("Quai
    /// d'Orsay", "Foggy Bottom").
    #[serde(default)]
    pub institutions: Vec<String>,
    /// Ministers, spokespeople, advisers and negotiators, with their terms.
    #[serde(default)]
    pub officials: Vec<Official>,
}

/// Officials of an organisation, speaking for the leader `leader`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// The id of the leader they speak for (`guterres`).
    pub leader: String,
    /// Envoys, spokespeople and representatives, with their terms.
    #[serde(default)]
    pub officials: Vec<Official>,
}

/// A leader, identified by a lowercase ASCII id (`putin`, `pope_leo`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leader {
    /// The id used in claims (`putin`).
    pub id: String,
    /// Full names, surnames and spelling variants ("Volodymyr Zelensky",
    /// "Zelenskyy", "Zelenskiy").
    pub names: Vec<String>,
    /// The country (venue id) whose government this leader speaks for.
    #[serde(default)]
    pub country: Option<String>,
    /// Periods in office. A leader with no terms is always in office. Titles,
    /// and the country used as its government, resolve to whoever held the
    /// office on the article's date.
    #[serde(default)]
    pub terms: Vec<Term>,
    /// Titles that name this leader while in office ("the Russian president",
    /// "the Kremlin chief").
    #[serde(default)]
    pub titles: Vec<String>,
    /// Institutions that speak for this leader ("the Kremlin").
    #[serde(default)]
    pub institutions: Vec<String>,
    /// Officials who speak for this leader (spokespeople, aides, ministers).
    #[serde(default)]
    pub officials: Vec<Official>,
}

/// A period in office; `to` is exclusive and absent while still in office.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// First day in office.
    pub from: Date,
    /// First day out of office.
    #[serde(default)]
    pub to: Option<Date>,
    /// For a leader who led another government before ("rutte": the
    /// Netherlands' prime minister, then NATO's secretary general): the
    /// country (venue id) led during this term. Titles and institutions
    /// hold only in terms without one.
    #[serde(default)]
    pub country: Option<String>,
}

/// An official who speaks for a leader.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Official {
    /// Names as they appear in text ("Dmitry Peskov", "Peskov").
    pub names: Vec<String>,
    /// The role, for display ("Kremlin spokesman").
    #[serde(default)]
    pub role: Option<String>,
    /// When the official held the role; absent means always.
    #[serde(default)]
    pub terms: Vec<Term>,
}

/// What kind of place a venue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VenueKind {
    /// A city or town.
    City,
    /// A sovereign country (or the Holy See).
    Country,
    /// A region, a state of a country, or a group of countries.
    Region,
    /// A generic neutral place ("a third country").
    Neutral,
}

/// A place a meeting can be held.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Venue {
    /// The id used in claims (`moscow`, `abu_dhabi`).
    pub id: String,
    /// What kind of place it is.
    pub kind: VenueKind,
    /// The country it is in (venue id); absent for countries and regions
    /// spanning several.
    #[serde(default)]
    pub country: Option<String>,
    /// Whether a city is its country's capital (so "Moscow said" can mean the
    /// Russian government).
    #[serde(default)]
    pub capital: bool,
    /// Names and aliases as they appear in text ("Kyiv", "Kiev",
    /// "the Ukrainian capital").
    pub names: Vec<String>,
    /// For countries: adjectives of nationality ("Russian", "Ukrainian").
    #[serde(default)]
    pub demonyms: Vec<String>,
}

/// Cue words. Each list holds words or phrases matched case-insensitively on
/// word boundaries.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cues {
    /// Signal that the speaker proposes a venue ("invite", "ready to host").
    #[serde(default)]
    pub propose: Vec<String>,
    /// Signal that the speaker rejects a venue ("rule out", "unacceptable").
    #[serde(default)]
    pub reject: Vec<String>,
    /// Negators that flip a stance ("not", "never").
    #[serde(default)]
    pub negation: Vec<String>,
    /// Verbs of saying that attribute speech to a subject ("said", "told").
    #[serde(default)]
    pub speech: Vec<String>,
    /// Propose cues whose holder is the speaker of the sentence, not the
    /// grammatical subject: invitations and travel ("let him come to",
    /// "is welcome in", "would take place in").
    #[serde(default)]
    pub invite: Vec<String>,
    /// Reject cues whose holder is the speaker ("how can I go to").
    #[serde(default)]
    pub invite_reject: Vec<String>,
    /// Evaluations that propose the venue they describe, before or after
    /// them ("the best place", "made sense", "fine with").
    #[serde(default)]
    pub propose_predicate: Vec<String>,
    /// Evaluations that reject the venue they describe ("impossible",
    /// "out of the question", "not an option").
    #[serde(default)]
    pub reject_predicate: Vec<String>,
    /// Offers to host; with no venue named they mean the holder's own country
    /// ("ready to host", "serve as a venue").
    #[serde(default)]
    pub host: Vec<String>,
    /// Nouns of proposing whose holder is their possessor ("Putin's
    /// invitation to").
    #[serde(default)]
    pub propose_noun: Vec<String>,
    /// Nouns of rejecting whose holder is their possessor ("Lavrov's
    /// dismissal of").
    #[serde(default)]
    pub reject_noun: Vec<String>,
    /// Phrases placing where a statement was made; a venue right after them
    /// is not a claim ("speaking in", "news conference in").
    #[serde(default)]
    pub statement_place: Vec<String>,
    /// Phrases of things that happened; a venue they govern is not a claim
    /// ("took place", "were held", "met in").
    #[serde(default)]
    pub past_event: Vec<String>,
    /// Markers of a journalist's or analyst's view ("analysts", "in the view
    /// of").
    #[serde(default)]
    pub analyst: Vec<String>,
    /// Role nouns that, after a demonym or a country's possessive, name that
    /// country's government ("foreign minister", "spokesman").
    #[serde(default)]
    pub role: Vec<String>,
    /// Nouns that, after a demonym, name a country's land ("soil",
    /// "territory").
    #[serde(default)]
    pub territory: Vec<String>,
    /// Words that refer back to a proposal ("invitation", "offer", "it").
    #[serde(default)]
    pub reference: Vec<String>,
    /// First-person pronouns: inside a quote, the quote's speaker.
    #[serde(default)]
    pub pronoun_first: Vec<String>,
    /// Third-person pronouns: the last named speaker.
    #[serde(default)]
    pub pronoun_third: Vec<String>,
    /// Plural third-person pronouns: never the last single speaker.
    #[serde(default)]
    pub pronoun_plural: Vec<String>,
    /// Second-person pronouns: a subject that is no leader.
    #[serde(default)]
    pub pronoun_second: Vec<String>,
    /// Prepositions: an entity right after one is not a subject.
    #[serde(default)]
    pub preposition: Vec<String>,
    /// Prepositions that introduce a venue ("in", "to").
    #[serde(default)]
    pub locative: Vec<String>,
    /// Words that may stand between two listed venues ("and", "or", ",").
    #[serde(default)]
    pub coordinator: Vec<String>,
    /// Words that may also stand in a list of venues without linking it
    /// ("maybe", "the").
    #[serde(default)]
    pub list_filler: Vec<String>,
    /// Determiners allowed between a cue and its venue ("the", "a").
    #[serde(default)]
    pub determiner: Vec<String>,
    /// Words opening a condition or question: a cue inside is no claim
    /// ("if", "whether").
    #[serde(default)]
    pub conditional: Vec<String>,
    /// Words opening a subordinate clause; a subject search stops there
    /// ("that", "which").
    #[serde(default)]
    pub complementizer: Vec<String>,
    /// Auxiliaries of the passive: "was invited" names the one invited, not
    /// the one inviting.
    #[serde(default)]
    pub passive_aux: Vec<String>,
    /// Forms of "to be" that may stand between an evaluation and the venue
    /// it names ("the best place is Geneva").
    #[serde(default)]
    pub copula: Vec<String>,
    /// Words that take a list of venues up again after other words
    /// ("alongside Turkey").
    #[serde(default)]
    pub list_extender: Vec<String>,
    /// Adjectives that may stand after "neutral" in a neutral place ("a
    /// neutral European country"); demonyms are added to them.
    #[serde(default)]
    pub neutral_modifier: Vec<String>,
    /// Words opening a relative clause: a venue inside one describes an
    /// object, it is not the cue's ("the truce that leaders demanded in
    /// Kyiv").
    #[serde(default)]
    pub relative: Vec<String>,
    /// Modal verbs: a propose cue opening with one also matches with a
    /// negator after it ("would host" -> "would not host").
    #[serde(default)]
    pub modal: Vec<String>,
    /// Contracted negations of modals, as `modal=negated` ("will=won't").
    #[serde(default)]
    pub modal_negation: Vec<String>,
    /// Nouns of places: a cue on one ("three venues") may name them in a list
    /// after a colon ("...: Turkey, the Vatican or Switzerland").
    #[serde(default)]
    pub venue_noun: Vec<String>,
    /// Journeys of a party or its delegation ("arrived in", "left for",
    /// "heads to"): agreement by deed, held by the traveller or the one
    /// announcing it, and only with talks named in the sentence.
    #[serde(default)]
    pub trip: Vec<String>,
    /// Talks announced as going ahead ("will resume in", "will be meeting
    /// in"): held by the one announcing, and only with talks named in the
    /// sentence, like journeys.
    #[serde(default)]
    pub schedule: Vec<String>,
    /// Sending a delegation ("dispatched", "sent"): held by the sender, and
    /// only with talks or a delegation named in the sentence.
    #[serde(default)]
    pub send: Vec<String>,
    /// Broad verbs that propose a venue only with a meeting noun near them
    /// ("urged a summit in Geneva", not "urged a ceasefire in Ukraine").
    #[serde(default)]
    pub propose_meeting: Vec<String>,
    /// Nouns of meetings ("summit", "talks").
    #[serde(default)]
    pub meeting_noun: Vec<String>,
    /// Words that, after a comma, open a new clause: a cue's reach ends
    /// there (", as Macron urged ...").
    #[serde(default)]
    pub clause_opener: Vec<String>,
    /// Invitations whose grammatical subject is the one invited ("he can
    /// come to Kyiv"); also listed under `invite`.
    #[serde(default)]
    pub invites_other: Vec<String>,
    /// Roles that name the leader himself after a demonym ("the Ukrainian
    /// president"), unlike other roles ("the Ukrainian foreign minister").
    #[serde(default)]
    pub head_role: Vec<String>,
    /// Auxiliaries and adverbs that may stand between a subject and its verb
    /// ("has repeatedly", "would also").
    #[serde(default)]
    pub auxiliary: Vec<String>,
    /// Past-tense cues that, with a person right after them, greet an arrival
    /// rather than offer a place ("welcomed Trump to Alaska").
    #[serde(default)]
    pub greeting: Vec<String>,
    /// Words that, said of a venue, refer to the last venue named ("there").
    #[serde(default)]
    pub deictic_place: Vec<String>,
    /// Verbs after "there" that make it existential ("there is").
    #[serde(default)]
    pub existential: Vec<String>,
    /// Nouns of a place that may precede "of <venue>" ("the state of").
    #[serde(default)]
    pub place_noun: Vec<String>,
    /// Words after a negator that cancel it ("not only").
    #[serde(default)]
    pub negation_blocker: Vec<String>,
    /// Words that mark a time before the article ("back in").
    #[serde(default)]
    pub past_marker: Vec<String>,
    /// Abbreviations whose final period does not end a sentence ("mr",
    /// "jan").
    #[serde(default)]
    pub abbreviation: Vec<String>,
    /// Words of time and manner that may follow a venue ("in Geneva next
    /// week", "to Moscow soon"); any other plain word after a place makes
    /// it a modifier ("US interests", "the Minsk agreements"), not a venue.
    #[serde(default)]
    pub adjunct: Vec<String>,
    /// Nouns of fighting and its end: a place after them is where the war
    /// is ("the conflict in Gaza", "a ceasefire in Ukraine"), not where to
    /// meet.
    #[serde(default)]
    pub conflict_noun: Vec<String>,
}

impl Lexicon {
    /// The compiled-in lexicon: the curated file, with the world file's
    /// entries that it does not define itself.
    pub fn builtin() -> Result<Lexicon, LexiconError> {
        let table = builtin_table()?;
        let text = toml::to_string(&table).map_err(|e| LexiconError::Parse {
            origin: "(built-in)".into(),
            message: e.to_string(),
        })?;
        Lexicon::parse(&text, "(built-in)")
    }

    /// Loads a lexicon file.
    pub fn load(path: &Path) -> Result<Lexicon, LexiconError> {
        let text = std::fs::read_to_string(path).map_err(|source| LexiconError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let origin = path.display().to_string();
        let user: toml::Table = toml::from_str(&text).map_err(|e| LexiconError::Parse {
            origin: origin.clone(),
            message: e.to_string(),
        })?;
        if user.get("extend_builtin").and_then(toml::Value::as_bool) != Some(true) {
            return Lexicon::parse(&text, &origin);
        }
        // Merge as TOML tables, so that every list of cue words extends
        // without this code knowing each list.
        let mut merged = builtin_table()?;
        merge(&mut merged, user);
        let text = toml::to_string(&merged).map_err(|e| LexiconError::Parse {
            origin: origin.clone(),
            message: e.to_string(),
        })?;
        Lexicon::parse(&text, &format!("{origin} (extending the built-in lexicon)"))
    }

    /// Parses and validates lexicon text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Lexicon, LexiconError> {
        let mut lexicon: Lexicon = toml::from_str(text).map_err(|e| LexiconError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        lexicon.validate().map_err(|message| LexiconError::Parse {
            origin: origin.to_string(),
            message,
        })?;
        for org in std::mem::take(&mut lexicon.organisations) {
            if let Some(leader) = lexicon.leaders.iter_mut().find(|l| l.id == org.leader) {
                leader.officials.extend(org.officials);
            }
        }
        Ok(lexicon)
    }

    fn validate(&self) -> Result<(), String> {
        let mut ids = std::collections::HashSet::new();
        for leader in &self.leaders {
            check_id(&leader.id)?;
            if !ids.insert(("leader", leader.id.as_str())) {
                return Err(format!("leader `{}` is defined twice", leader.id));
            }
            if leader.names.is_empty() {
                return Err(format!("leader `{}` has no names", leader.id));
            }
        }
        for venue in &self.venues {
            check_id(&venue.id)?;
            if !ids.insert(("venue", venue.id.as_str())) {
                return Err(format!("venue `{}` is defined twice", venue.id));
            }
        }
        for gov in &self.governments {
            let country = self.venues.iter().find(|v| v.id == gov.country);
            if !country.is_some_and(|v| matches!(v.kind, VenueKind::Country | VenueKind::Region)) {
                return Err(format!(
                    "a government names country `{}`, which is not a country venue",
                    gov.country
                ));
            }
        }
        for org in &self.organisations {
            if !ids.contains(&("leader", org.leader.as_str())) {
                return Err(format!(
                    "an organisation names leader `{}`, who is not a leader",
                    org.leader
                ));
            }
        }
        for venue in &self.venues {
            if let Some(country) = &venue.country {
                if !ids.contains(&("venue", country.as_str())) {
                    return Err(format!(
                        "venue `{}` names country `{country}`, which is not a venue",
                        venue.id
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The built-in files as one TOML table: the curated file, then what the
/// world file adds (its leaders and venues whose ids the curated file does
/// not use, and all its governments and organisations).
fn builtin_table() -> Result<toml::Table, LexiconError> {
    let parse = |text: &str, origin: &str| {
        toml::from_str::<toml::Table>(text).map_err(|e| LexiconError::Parse {
            origin: format!("(built-in {origin})"),
            message: e.to_string(),
        })
    };
    let mut base = parse(DEFAULT_TOML, "default.toml")?;
    let world = parse(GOVERNMENTS_TOML, "governments.toml")?;
    for (key, value) in world {
        let toml::Value::Array(new) = value else {
            continue;
        };
        let entries = base
            .entry(key.clone())
            .or_insert_with(|| toml::Value::Array(Vec::new()));
        if let toml::Value::Array(entries) = entries {
            for entry in new {
                let id = entry.get("id");
                if id.is_none() || !entries.iter().any(|e| e.get("id") == id) {
                    entries.push(entry);
                }
            }
        }
    }
    Ok(base)
}

/// Merges a user's lexicon table into the built-in one: `leader` and `venue`
/// entries replace those with the same id or are added; other arrays (cue
/// words) are appended; other values are replaced.
fn merge(base: &mut toml::Table, user: toml::Table) {
    for (key, value) in user {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Array(entries)), toml::Value::Array(new))
                if key == "leader" || key == "venue" =>
            {
                for entry in new {
                    let id = entry.get("id").cloned();
                    entries.retain(|e| id.is_none() || e.get("id") != id.as_ref());
                    entries.push(entry);
                }
            }
            (Some(toml::Value::Array(items)), toml::Value::Array(new)) => items.extend(new),
            (Some(toml::Value::Table(table)), toml::Value::Table(new)) => merge(table, new),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

fn check_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "id `{id}` must be lowercase ASCII letters, digits and `_`"
        ))
    }
}

impl Leader {
    /// Whether the leader holds the office of their titles on `date` (terms
    /// that lead another country do not count).
    pub fn in_own_office(&self, date: Date) -> bool {
        self.terms.is_empty()
            || self
                .terms
                .iter()
                .any(|t| t.country.is_none() && t.contains(date))
    }

    /// Whether the leader leads the government of country `id` on `date`.
    pub fn leads(&self, id: &str, date: Date) -> bool {
        if self.terms.is_empty() {
            return self.country.as_deref() == Some(id);
        }
        self.terms.iter().any(|t| {
            t.contains(date) && t.country.as_deref().or(self.country.as_deref()) == Some(id)
        })
    }

    /// The country (venue id) whose government the leader leads on `date`:
    /// a term's own country, else the leader's.
    pub fn country_on(&self, date: Date) -> Option<&str> {
        let term = self.terms.iter().find(|t| t.contains(date));
        term.and_then(|t| t.country.as_deref())
            .or(self.country.as_deref())
    }

    /// Every country the leader has led (venue ids).
    pub fn countries(&self) -> impl Iterator<Item = &str> {
        self.country
            .as_deref()
            .into_iter()
            .chain(self.terms.iter().filter_map(|t| t.country.as_deref()))
    }
}

impl Term {
    /// Whether `date` falls in this term.
    pub fn contains(&self, date: Date) -> bool {
        self.from <= date && self.to.is_none_or(|to| date < to)
    }
}

/// Whether `date` falls in any of `terms`; no terms means always.
pub fn in_office(terms: &[Term], date: Date) -> bool {
    terms.is_empty() || terms.iter().any(|t| t.contains(date))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lexicon_parses() {
        let lex = Lexicon::builtin().expect("built-in lexicon");
        assert!(lex.leaders.iter().any(|l| l.id == "putin"));
        assert!(lex.venues.iter().any(|v| v.id == "moscow"));
    }

    #[test]
    fn unknown_keys_and_bad_ids_are_errors() {
        let err = Lexicon::parse(
            "[[leader]]\nid = \"x\"\nnames = [\"X\"]\nnickname = 1\n",
            "t",
        )
        .unwrap_err();
        assert!(err.to_string().contains("nickname"), "{err}");
        let err = Lexicon::parse(
            "[[venue]]\nid = \"Bad Id\"\nkind = \"city\"\nnames = []\n",
            "t",
        )
        .unwrap_err();
        assert!(err.to_string().contains("Bad Id"), "{err}");
    }

    #[test]
    fn a_user_file_can_extend_the_builtin_lexicon() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("mine.toml");
        std::fs::write(
            &path,
            "extend_builtin = true\n[cues]\npropose = [\"fancies\"]\n\
             [[leader]]\nid = \"tester\"\nnames = [\"Tess Tester\"]\n",
        )
        .expect("write");
        let lex = Lexicon::load(&path).expect("load");
        assert!(lex.leaders.iter().any(|l| l.id == "tester"));
        assert!(lex.leaders.iter().any(|l| l.id == "putin"));
        assert!(lex.cues.propose.iter().any(|c| c == "fancies"));
        assert!(lex.cues.propose.len() > 1);
        // Without the flag, the file replaces the built-in lexicon.
        std::fs::write(
            &path,
            "[[leader]]\nid = \"tester\"\nnames = [\"Tess Tester\"]\n",
        )
        .expect("write");
        let lex = Lexicon::load(&path).expect("load");
        assert_eq!(lex.leaders.len(), 1);
    }

    #[test]
    fn terms_are_half_open() {
        let t = Term {
            from: jiff::civil::date(2025, 1, 20),
            to: Some(jiff::civil::date(2029, 1, 20)),
            country: None,
        };
        assert!(t.contains(jiff::civil::date(2025, 1, 20)));
        assert!(!t.contains(jiff::civil::date(2029, 1, 20)));
        assert!(in_office(&[], jiff::civil::date(1900, 1, 1)));
    }

    // --- Checks on the built-in data ----------------------------------------

    fn builtin() -> Lexicon {
        Lexicon::builtin().expect("built-in lexicon")
    }

    fn fold(s: &str) -> String {
        s.to_lowercase()
    }

    fn venue<'a>(lex: &'a Lexicon, id: &str) -> Option<&'a Venue> {
        lex.venues.iter().find(|v| v.id == id)
    }

    /// Matching folds case and accents, so names are written in plain ASCII;
    /// only letters that do not decompose into a base letter and an accent
    /// (ø, ł, dotless ı) need an extra spelling that keeps them.
    #[test]
    fn builtin_names_are_plain_ascii() {
        let lex = builtin();
        let leader_words = lex.leaders.iter().flat_map(|l| {
            l.names
                .iter()
                .chain(&l.titles)
                .chain(&l.institutions)
                .chain(l.officials.iter().flat_map(|o| &o.names))
        });
        let venue_words = lex
            .venues
            .iter()
            .flat_map(|v| v.names.iter().chain(&v.demonyms));
        for word in leader_words.chain(venue_words) {
            assert!(
                word.chars().all(|c| c.is_ascii() || "øØłŁı".contains(c)),
                "`{word}` is not plain ASCII"
            );
            assert_eq!(word.trim(), word, "`{word}` has surrounding spaces");
            assert!(!word.is_empty());
        }
    }

    /// Every UN member and observer, Kosovo and Taiwan has someone leading
    /// its government on each of these dates (GUIDELINES, "Who speaks for
    /// whom"): the world file's coverage since 2017.
    #[test]
    fn builtin_every_government_has_a_leader_since_2017() {
        let lex = builtin();
        let states: Vec<&str> = lex
            .venues
            .iter()
            .filter(|v| v.kind == VenueKind::Country || v.id == "taiwan")
            .map(|v| v.id.as_str())
            .collect();
        assert!(states.len() >= 196, "{} states", states.len());
        for date in ["2017-06-01", "2018-06-01", "2020-06-01", "2022-06-01", "2026-06-01"] {
            let date: Date = date.parse().expect("date");
            let missing: Vec<&&str> = states
                .iter()
                .filter(|c| !lex.leaders.iter().any(|l| l.leads(c, date)))
                .collect();
            assert!(missing.is_empty(), "no leader on {date}: {missing:?}");
        }
    }

    #[test]
    fn builtin_governments_and_organisations_load_with_their_officials() {
        let lex = builtin();
        assert!(lex.governments.len() >= 60, "{} governments", lex.governments.len());
        let officials: usize = lex.governments.iter().map(|g| g.officials.len()).sum();
        assert!(officials >= 300, "{officials} government officials");
        // Organisations' officials are folded into their leader.
        let guterres = lex.leaders.iter().find(|l| l.id == "guterres").expect("guterres");
        assert!(guterres.officials.len() > 1);
        assert!(lex.organisations.is_empty());
        // Movements are principals of their own, with their spokespeople.
        for id in ["hamas", "houthis", "m23", "rsf", "taliban"] {
            let l = lex.leaders.iter().find(|l| l.id == id).expect(id);
            assert!(l.country.is_none() && !l.officials.is_empty(), "{id}");
        }
        // The curated file wins over the world file for the same id.
        let putin = lex.leaders.iter().find(|l| l.id == "putin").expect("putin");
        assert!(putin.officials.iter().any(|o| o.names.iter().any(|n| n == "Peskov")));
    }

    #[test]
    fn builtin_g20_and_unsc_have_a_head_in_office() {
        let lex = builtin();
        let g20 = [
            "argentina",
            "australia",
            "brazil",
            "canada",
            "china",
            "france",
            "germany",
            "india",
            "indonesia",
            "italy",
            "japan",
            "mexico",
            "russia",
            "saudi_arabia",
            "south_africa",
            "south_korea",
            "turkey",
            "uk",
            "usa",
            "eu",
        ];
        let others = [
            "ukraine",
            "belarus",
            "hungary",
            "uae",
            "qatar",
            "kuwait",
            "bahrain",
            "oman",
            "vatican",
            "north_korea",
            "israel",
            "iran",
            "switzerland",
            "austria",
            "finland",
            "poland",
            "slovakia",
            "kazakhstan",
            "azerbaijan",
            "armenia",
            "georgia",
            "egypt",
        ];
        for day in ["2022-06-01", "2024-01-01", "2025-09-01", "2026-01-01"] {
            let date: Date = day.parse().unwrap();
            for country in g20.iter().chain(&others) {
                let heads: Vec<&str> = lex
                    .leaders
                    .iter()
                    .filter(|l| l.country.as_deref() == Some(*country))
                    .filter(|l| in_office(&l.terms, date))
                    .map(|l| l.id.as_str())
                    .collect();
                assert!(
                    !heads.is_empty(),
                    "no leader of `{country}` in office on {day}"
                );
            }
        }
    }

    #[test]
    fn builtin_ids_used_by_the_guidelines_exist() {
        let lex = builtin();
        for id in [
            "putin",
            "zelensky",
            "trump",
            "biden",
            "erdogan",
            "orban",
            "macron",
            "xi",
            "pope_leo",
            "pope_francis",
            "lukashenko",
            "mbs",
            "mbz",
            "starmer",
            "merz",
            "kim",
            "meloni",
            "stocker",
            "keller_sutter",
            "parmelin",
        ] {
            assert!(lex.leaders.iter().any(|l| l.id == id), "no leader `{id}`");
        }
        for id in [
            "moscow",
            "kyiv",
            "minsk",
            "belarus",
            "istanbul",
            "turkey",
            "vatican",
            "geneva",
            "switzerland",
            "vienna",
            "austria",
            "abu_dhabi",
            "uae",
            "riyadh",
            "jeddah",
            "saudi_arabia",
            "doha",
            "qatar",
            "gulf_states",
            "alaska",
            "anchorage",
            "budapest",
            "hungary",
            "washington",
            "russia",
            "ukraine",
            "europe",
            "neutral",
            "ankara",
            "bern",
            "dubai",
            "st_petersburg",
            "sochi",
            "rome",
            "paris",
            "berlin",
            "london",
            "beijing",
            "new_york",
            "helsinki",
            "oslo",
            "stockholm",
            "warsaw",
            "baku",
            "astana",
            "eu",
            "crimea",
            "donbas",
            "dmz",
            "singapore",
        ] {
            assert!(venue(&lex, id).is_some(), "no venue `{id}`");
        }
    }

    #[test]
    fn builtin_countries_capitals_and_cities_are_consistent() {
        let lex = builtin();
        // City-states and places whose seat of government is not listed as a capital.
        let no_capital = ["vatican", "monaco", "singapore", "palestine"];
        let countries: Vec<&Venue> = lex
            .venues
            .iter()
            .filter(|v| v.kind == VenueKind::Country)
            .collect();
        assert!(countries.len() >= 195, "only {} countries", countries.len());
        for c in &countries {
            assert!(c.country.is_none(), "country `{}` names a country", c.id);
            let capitals = lex
                .venues
                .iter()
                .filter(|v| v.capital && v.country.as_deref() == Some(c.id.as_str()))
                .count();
            if no_capital.contains(&c.id.as_str()) {
                assert_eq!(capitals, 0, "`{}` has a capital", c.id);
            } else {
                assert!(capitals >= 1, "country `{}` has no capital", c.id);
            }
        }
        for v in &lex.venues {
            if v.capital {
                assert_eq!(v.kind, VenueKind::City, "capital `{}` is not a city", v.id);
            }
            if v.kind == VenueKind::City && v.id != "panmunjom" {
                let country = v.country.as_deref().expect("a city has a country");
                let parent = venue(&lex, country).expect("the country exists");
                assert!(
                    parent.kind == VenueKind::Country || parent.id == "taiwan",
                    "city `{}` lies in `{country}`, which is not a country",
                    v.id
                );
            }
            if !v.demonyms.is_empty() {
                assert_eq!(v.kind, VenueKind::Country, "`{}` has demonyms", v.id);
            }
            assert!(!v.names.is_empty(), "venue `{}` has no names", v.id);
        }
    }

    #[test]
    fn builtin_names_are_not_shared() {
        let lex = builtin();
        let mut seen = std::collections::HashMap::new();
        for leader in &lex.leaders {
            for name in &leader.names {
                if let Some(other) = seen.insert(fold(name), leader.id.as_str()) {
                    assert_eq!(
                        other, leader.id,
                        "`{name}` names `{other}` and `{}`",
                        leader.id
                    );
                }
            }
        }
        let mut seen = std::collections::HashMap::new();
        for v in &lex.venues {
            for name in &v.names {
                if let Some(other) = seen.insert(fold(name), v.id.as_str()) {
                    assert_eq!(other, v.id, "`{name}` names `{other}` and `{}`", v.id);
                }
            }
        }
        // A leader's name is never a venue name.
        for leader in &lex.leaders {
            for name in &leader.names {
                assert!(!seen.contains_key(&fold(name)), "`{name}` is also a venue");
            }
        }
    }

    #[test]
    fn builtin_terms_are_ordered_and_titles_have_one_holder_at_a_time() {
        let lex = builtin();
        let ordered = |terms: &[Term], who: &str| {
            for t in terms {
                if let Some(to) = t.to {
                    assert!(t.from < to, "{who}: term ends before it starts");
                }
            }
        };
        for l in &lex.leaders {
            ordered(&l.terms, &l.id);
            for o in &l.officials {
                ordered(&o.terms, &format!("{} ({})", o.names[0], l.id));
            }
            if let Some(country) = &l.country {
                assert!(
                    venue(&lex, country).is_some(),
                    "`{}`: no venue `{country}`",
                    l.id
                );
            }
        }
        let overlap = |a: &Term, b: &Term| {
            let starts_before_end = |t: &Term, from: Date| match t.to {
                Some(to) => from < to,
                None => true,
            };
            starts_before_end(a, b.from) && starts_before_end(b, a.from)
        };
        for (i, a) in lex.leaders.iter().enumerate() {
            for b in &lex.leaders[i + 1..] {
                let shared = a
                    .titles
                    .iter()
                    .find(|t| b.titles.iter().any(|u| fold(u) == fold(t)));
                if let Some(title) = shared {
                    // Terms leading another country do not carry the titles.
                    let own = |l: &'_ Leader| {
                        l.terms
                            .iter()
                            .filter(|t| t.country.is_none())
                            .cloned()
                            .collect::<Vec<_>>()
                    };
                    for ta in &own(a) {
                        for tb in &own(b) {
                            assert!(
                                !overlap(ta, tb),
                                "`{}` and `{}` both hold \"{title}\" at once",
                                a.id,
                                b.id
                            );
                        }
                    }
                }
            }
        }
    }
}
