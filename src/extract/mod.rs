//! The extractor: an [`Article`] -> the venue [`Claim`]s it reports, by rules
//! over the [`Lexicon`].
//!
//! Pure: values in, values out. The pipeline, one small step per module:
//! - [`text`]: fold text, split sentences, tokenize with offsets back into
//!   the original (for evidence);
//! - [`mentions`]: find leaders, titles, officials, venues and cue phrases
//!   with one trie of folded words built in [`Extractor::new`];
//! - [`rules`]: for each stance cue, its holder (`rules::holders`:
//!   attribution, quotes, pronouns, titles by date) and its venues
//!   (`rules::scope`: objects, prepositions, lists, "there"), negation, and
//!   the filters for non-claims (statement places, past events, analysts,
//!   conditions, questions);
//! - here: run the steps over body and headline and dedupe per
//!   (leader, stance, venue), keeping the first evidence.

mod mentions;
mod rules;
mod text;

#[cfg(test)]
mod tests;

use std::ops::Range;

use rustc_hash::FxHashMap as HashMap;

use crate::article::Article;
use crate::lexicon::Lexicon;

/// A leader's stance on a venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stance {
    /// Invites, suggests, insists on, accepts or offers to host there.
    Proposes,
    /// Rules out, refuses, dismisses, calls unacceptable.
    Rejects,
}

impl Stance {
    /// The name used in JSON, the database and the gold files.
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Proposes => "proposes",
            Stance::Rejects => "rejects",
        }
    }

    /// Parses [`Stance::as_str`] back.
    pub fn parse(s: &str) -> Option<Stance> {
        match s {
            "proposes" => Some(Stance::Proposes),
            "rejects" => Some(Stance::Rejects),
            _ => None,
        }
    }

    /// The opposite stance (what a negator makes of a cue).
    pub fn flip(self) -> Stance {
        match self {
            Stance::Proposes => Stance::Rejects,
            Stance::Rejects => Stance::Proposes,
        }
    }
}

/// One stated venue position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The leader id whose position it is (`putin`).
    pub leader: String,
    /// Proposes or rejects.
    pub stance: Stance,
    /// The venue id (`moscow`, `neutral`).
    pub venue: String,
    /// The sentence that carries the claim.
    pub evidence: String,
    /// Who said it, as named in the text ("Peskov"), when not the leader.
    pub speaker: Option<String>,
    /// A past position the article recounts as history; kept out of the
    /// current position.
    pub historical: bool,
}

/// `s` folded as matching folds it: lowercase, no diacritics, plain quotes
/// and dashes.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        text::fold_char(c, &mut out);
    }
    out
}

/// A person an article introduces by a title of a known government
/// ("Kenyan Foreign Minister Musalia Mudavadi"), whom the lexicon does not
/// name: what `venuewatch lexicon suggest` proposes to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Introduction {
    /// The name as written.
    pub name: String,
    /// The country's venue id.
    pub country: String,
    /// The title as written ("Foreign Minister").
    pub role: String,
    /// Whether the title is the head of the government's ("Prime Minister").
    pub head: bool,
    /// The leader the lexicon has in office for that country on the date.
    pub known_leader: Option<String>,
}

/// What a marked phrase of an evidence sentence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    /// A name of the claim's venue ("Moscow", "the Russian capital").
    Venue,
    /// A stance cue ("let him come to", "rule out", "ready to host").
    Cue,
    /// The claim's leader by name.
    Leader,
}

/// A phrase of an evidence sentence worth emphasising when it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// Byte range in the sentence.
    pub range: Range<usize>,
    /// What it is.
    pub kind: MarkKind,
}

/// A lexicon prepared for matching: build once, extract many.
#[derive(Debug)]
pub struct Extractor {
    lexicon: Lexicon,
    matcher: mentions::Matcher,
    words: mentions::Words,
    /// For each venue, the leaders whose country it is, in lexicon order.
    by_country: Vec<Vec<usize>>,
    /// For each government, its country's venue index.
    government_venue: Vec<Option<usize>>,
}

impl Extractor {
    /// Prepares `lexicon` for matching.
    pub fn new(lexicon: Lexicon) -> Extractor {
        let matcher = mentions::Matcher::new(&lexicon);
        let words = mentions::Words::new(&lexicon);
        let venue_index = |id: &str| lexicon.venues.iter().position(|v| v.id == id);
        let mut by_country = vec![Vec::new(); lexicon.venues.len()];
        for (li, leader) in lexicon.leaders.iter().enumerate() {
            for vi in leader.countries().filter_map(venue_index) {
                if !by_country[vi].contains(&li) {
                    by_country[vi].push(li);
                }
            }
        }
        let government_venue = lexicon
            .governments
            .iter()
            .map(|g| venue_index(&g.country))
            .collect();
        Extractor {
            lexicon,
            matcher,
            words,
            by_country,
            government_venue,
        }
    }

    /// The lexicon this extractor matches.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The claims `article` reports, in text order: the body's first, then
    /// any the headline adds.
    pub fn extract(&self, article: &Article) -> Vec<Claim> {
        let mut claims: Vec<Claim> = Vec::new();
        let mut seen: HashMap<(String, Stance, String), usize> = HashMap::default();
        let texts = std::iter::once(article.body.as_str()).chain(article.title.as_deref());
        for text in texts {
            for claim in rules::claims_in(self, text, article.date) {
                merge(&mut claims, &mut seen, claim);
            }
        }
        claims
    }

    /// The people `article` introduces by a title of a known government and
    /// the lexicon does not name, once each, in text order.
    pub fn introductions(&self, article: &Article) -> Vec<Introduction> {
        let mut out: Vec<Introduction> = Vec::new();
        let texts = std::iter::once(article.body.as_str()).chain(article.title.as_deref());
        for text in texts {
            for intro in rules::introductions_in(self, text, article.date) {
                if !out.iter().any(|o| o.name == intro.name) {
                    out.push(intro);
                }
            }
        }
        out
    }

    /// The phrases of `evidence` that carry a claim of `leader` on `venue`:
    /// where the venue is named, the stance cues and the leader's name, in
    /// text order. For display only. Claims do not store which cue matched,
    /// so the sentence is matched again: one pass of the automaton over one
    /// sentence, and no rules, so every stance cue in it is marked, not
    /// only the one the claim came from.
    pub fn marks(&self, evidence: &str, leader: &str, venue: &str) -> Vec<Mark> {
        let tokens = text::tokenize(evidence);
        let lex = &self.lexicon;
        let mut marks = Vec::new();
        for m in self.matcher.find(&tokens) {
            let is = |want: MarkKind| {
                m.tags.iter().any(|tag| match (want, tag) {
                    (MarkKind::Venue, mentions::Tag::Venue { venue: i, .. }) => {
                        lex.venues.get(*i).is_some_and(|v| v.id == venue)
                    }
                    (MarkKind::Cue, mentions::Tag::Cue(kind)) => matches!(
                        kind,
                        mentions::CueKind::Stance(..)
                            | mentions::CueKind::Host
                            | mentions::CueKind::InvitesOther
                    ),
                    (MarkKind::Leader, mentions::Tag::Leader(i)) => {
                        lex.leaders.get(*i).is_some_and(|l| l.id == leader)
                    }
                    _ => false,
                })
            };
            // A phrase that is both (a capital named as its government) is
            // shown as what the claim is about.
            let kind = [MarkKind::Venue, MarkKind::Cue, MarkKind::Leader]
                .into_iter()
                .find(|&k| is(k));
            if let (Some(kind), Some(first), Some(last)) =
                (kind, tokens.get(m.start), tokens.get(m.end.wrapping_sub(1)))
            {
                marks.push(Mark {
                    range: first.start..last.end,
                    kind,
                });
            }
        }
        marks
    }
}

/// Adds `claim` unless the same (leader, stance, venue) is known; a current
/// claim replaces a historical one.
fn merge(
    claims: &mut Vec<Claim>,
    seen: &mut HashMap<(String, Stance, String), usize>,
    claim: Claim,
) {
    let key = (claim.leader.clone(), claim.stance, claim.venue.clone());
    match seen.get(&key) {
        Some(&i) if claims[i].historical && !claim.historical => claims[i] = claim,
        Some(_) => {}
        None => {
            seen.insert(key, claims.len());
            claims.push(claim);
        }
    }
}
