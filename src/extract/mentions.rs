//! Mentions: the lexicon compiled into one trie over folded word sequences (leaders, titles, officials, institutions, venues,
//! derived capital/demonym forms, cue phrases) and the single-word classes
//! the rules consult (negators, pronouns, prepositions, ...).
//!
//! Built once per [`super::Extractor`]; matching a sentence is linear in its
//! length. This module decides what a phrase *is*; `rules` decides what the
//! phrases mean together.

use std::sync::Arc;

use compact_str::CompactString;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::text::{phrase_key, Token};
use super::Stance;
use crate::lexicon::{Lexicon, VenueKind};

/// Who holds a stance cue: decides where the rules look for the holder and
/// the venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// A verb: the holder is its subject, the venue follows.
    Verb,
    /// An invitation or a trip: the holder is the sentence's speaker.
    Speaker,
    /// An evaluation of a venue named before or after it; holder is the
    /// speaker.
    Predicate,
    /// A noun: the holder is its possessor.
    Noun,
}

/// What a cue phrase signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CueKind {
    /// A stance of the given class.
    Stance(Stance, Class),
    /// An offer to host (propose; the holder's country when no venue).
    Host,
    /// A verb of saying.
    Speech,
    /// Where a statement was made.
    StatementPlace,
    /// Something that happened.
    PastEvent,
    /// An analyst's or journalist's view.
    Analyst,
    /// A broad verb ("urged", "called for") that proposes a venue only for
    /// a meeting named with it ("urged a summit in Geneva").
    NeedsMeeting,
    /// An invitation whose subject is the one invited.
    InvitesOther,
    /// A journey or a sending: a claim only with talks in the sentence.
    Trip,
}

/// What a matched phrase can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    /// A leader by name (index into `Lexicon::leaders`).
    Leader(usize),
    /// A title of a leader, valid while in office.
    Title(usize),
    /// An official of a leader, valid during the official's terms.
    Official(usize, usize),
    /// An institution speaking for a leader while in office.
    Institution(usize),
    /// An official of a government (index into `Lexicon::governments`, then
    /// into its officials), speaking for whoever leads it on the date.
    GovOfficial(usize, usize),
    /// An institution of a government, speaking for whoever leads it.
    GovInstitution(usize),
    /// "<demonym> <role>" or "<country>'s <role>": the government of a
    /// country (index into `Lexicon::venues`).
    CountryRole(usize),
    /// A venue; `territory` when named as land ("Russian soil"), which
    /// allows "on" before it.
    Venue {
        /// Index into `Lexicon::venues`.
        venue: usize,
        /// Named as land.
        territory: bool,
    },
    /// A cue phrase.
    Cue(CueKind),
    /// A person the article introduced by a title of a known government
    /// (index into the run's introductions); never in the trie.
    Introduced(u32),
}

/// A matched phrase: tokens `start..end` of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mention {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// Everything the phrase can be (shared with the matcher: a sentence
    /// has many mentions, and copying their tags showed in profiles).
    pub tags: Arc<[Tag]>,
}

/// Single-word classes the rules consult by token.
#[derive(Debug, Default)]
pub(crate) struct Words {
    pub negation: HashSet<String>,
    pub negation_blocker: HashSet<String>,
    pub reference: HashSet<String>,
    pub pronoun_first: HashSet<String>,
    pub pronoun_third: HashSet<String>,
    pub pronoun_second: HashSet<String>,
    pub pronoun_plural: HashSet<String>,
    pub preposition: HashSet<String>,
    pub locative: HashSet<String>,
    pub coordinator: HashSet<String>,
    pub list_filler: HashSet<String>,
    pub determiner: HashSet<String>,
    pub conditional: HashSet<String>,
    pub complementizer: HashSet<String>,
    pub deictic_place: HashSet<String>,
    pub existential: HashSet<String>,
    pub place_noun: HashSet<String>,
    pub past_marker: HashSet<String>,
    pub copula: HashSet<String>,
    pub greeting: HashSet<String>,
    pub auxiliary: HashSet<String>,
    pub head_role: Vec<String>,
    /// `head_role`, each split into its folded words.
    pub head_role_words: Vec<Vec<String>>,
    pub meeting_noun: HashSet<String>,
    pub clause_opener: HashSet<String>,
    pub venue_noun: HashSet<String>,
    pub relative: HashSet<String>,
    pub passive_aux: HashSet<String>,
    pub role: HashSet<String>,
    pub abbreviation: HashSet<String>,
    pub adjunct: HashSet<String>,
    pub conflict_noun: HashSet<String>,
    /// `list_extender`, each split into its folded words.
    pub list_extender_words: Vec<Vec<String>>,
    /// Each country's demonyms, folded, and the country's venue index.
    pub demonym: HashMap<String, usize>,
}

fn word_set(list: &[String]) -> HashSet<String> {
    list.iter()
        .map(|w| phrase_key(w).trim().to_string())
        .collect()
}

/// Each phrase split into its folded words.
fn phrase_words(list: &[String]) -> Vec<Vec<String>> {
    list.iter()
        .map(|r| {
            phrase_key(r)
                .split_whitespace()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

impl Words {
    pub fn new(lexicon: &Lexicon) -> Words {
        let c = &lexicon.cues;
        Words {
            negation: word_set(&c.negation),
            negation_blocker: word_set(&c.negation_blocker),
            reference: word_set(&c.reference),
            pronoun_first: word_set(&c.pronoun_first),
            pronoun_third: word_set(&c.pronoun_third),
            pronoun_second: word_set(&c.pronoun_second),
            pronoun_plural: word_set(&c.pronoun_plural),
            preposition: word_set(&c.preposition),
            locative: word_set(&c.locative),
            coordinator: word_set(&c.coordinator),
            list_filler: word_set(&c.list_filler),
            determiner: word_set(&c.determiner),
            conditional: word_set(&c.conditional),
            complementizer: word_set(&c.complementizer),
            deictic_place: word_set(&c.deictic_place),
            existential: word_set(&c.existential),
            place_noun: word_set(&c.place_noun),
            past_marker: word_set(&c.past_marker),
            copula: word_set(&c.copula),
            greeting: word_set(&c.greeting),
            auxiliary: word_set(&c.auxiliary),
            head_role: c.head_role.iter().map(|r| phrase_key(r)).collect(),
            head_role_words: phrase_words(&c.head_role),
            meeting_noun: word_set(&c.meeting_noun),
            clause_opener: word_set(&c.clause_opener),
            venue_noun: word_set(&c.venue_noun),
            relative: word_set(&c.relative),
            passive_aux: word_set(&c.passive_aux),
            // Only the last word of a role matters after a possessive.
            role: c
                .role
                .iter()
                .filter_map(|r| phrase_key(r).split_whitespace().next().map(str::to_string))
                .collect(),
            abbreviation: word_set(&c.abbreviation),
            adjunct: word_set(&c.adjunct),
            conflict_noun: word_set(&c.conflict_noun),
            list_extender_words: phrase_words(&c.list_extender),
            demonym: lexicon
                .venues
                .iter()
                .enumerate()
                .filter(|(_, v)| v.kind == VenueKind::Country)
                .flat_map(|(vi, v)| {
                    v.demonyms
                        .iter()
                        .map(move |d| (phrase_key(d).trim().to_string(), vi))
                })
                .collect(),
        }
    }
}

/// "would host" -> "would not host", "would never host", "won't host".
fn negated_forms(phrase: &str, cues: &crate::lexicon::Cues) -> Vec<String> {
    let key = phrase_key(phrase);
    let mut words = key.split_whitespace();
    let (Some(first), rest) = (words.next(), words.collect::<Vec<_>>().join(" ")) else {
        return Vec::new();
    };
    if rest.is_empty() || !cues.modal.iter().any(|m| m == first) {
        return Vec::new();
    }
    let mut out = vec![
        format!("{first} not {rest}"),
        format!("{first} never {rest}"),
    ];
    for pair in &cues.modal_negation {
        if let Some((modal, negated)) = pair.split_once('=') {
            if modal == first {
                out.push(format!("{negated} {rest}"));
            }
        }
    }
    out
}

/// Every phrase of the lexicon as a trie over folded tokens.
///
/// Phrases are matched token by token rather than as bytes (an Aho-Corasick
/// automaton over the joined sentence did the same job at several times the
/// cost): a phrase only ever matches whole tokens, most tokens start no
/// phrase, and one hash lookup per token settles that.
#[derive(Debug)]
pub(crate) struct Matcher {
    nodes: Vec<Node>,
}

/// A trie node: the tokens that extend the phrase so far, and what the
/// phrase ending here means, if it is one.
#[derive(Debug, Default)]
struct Node {
    next: HashMap<CompactString, u32>,
    tags: Option<Arc<[Tag]>>,
}

impl Matcher {
    /// Compiles every phrase of the lexicon, with derived forms.
    pub fn new(lexicon: &Lexicon) -> Matcher {
        let mut patterns: HashMap<String, Vec<Tag>> = HashMap::default();
        let mut add = |phrase: &str, tag: Tag| {
            let key = phrase_key(phrase);
            if key.trim().is_empty() {
                return;
            }
            let tags = patterns.entry(key).or_default();
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        };
        for (li, leader) in lexicon.leaders.iter().enumerate() {
            for n in &leader.names {
                add(n, Tag::Leader(li));
            }
            for t in &leader.titles {
                add(t, Tag::Title(li));
            }
            for n in &leader.institutions {
                add(n, Tag::Institution(li));
            }
            for (oi, o) in leader.officials.iter().enumerate() {
                for n in &o.names {
                    add(n, Tag::Official(li, oi));
                }
            }
            // A movement or an organisation has no demonym: "Hamas
            // negotiators", "the Houthi delegation" name it by its name.
            if leader.country.is_none() {
                for n in &leader.names {
                    let bare = n.strip_prefix("the ").unwrap_or(n);
                    for role in &lexicon.cues.role {
                        add(&format!("{bare} {role}"), Tag::Institution(li));
                        add(&format!("{bare}'s {role}"), Tag::Institution(li));
                    }
                }
            }
        }
        for (gi, gov) in lexicon.governments.iter().enumerate() {
            for n in &gov.institutions {
                add(n, Tag::GovInstitution(gi));
            }
            for (oi, o) in gov.officials.iter().enumerate() {
                for n in &o.names {
                    add(n, Tag::GovOfficial(gi, oi));
                }
            }
        }
        let demonyms: Vec<&String> = lexicon.venues.iter().flat_map(|v| &v.demonyms).collect();
        for (vi, venue) in lexicon.venues.iter().enumerate() {
            for n in &venue.names {
                add(
                    n,
                    Tag::Venue {
                        venue: vi,
                        territory: false,
                    },
                );
            }
            if venue.kind == VenueKind::Neutral {
                // "a neutral European country": a modifier after "neutral".
                let modifiers = lexicon
                    .cues
                    .neutral_modifier
                    .iter()
                    .chain(demonyms.iter().copied());
                for m in modifiers {
                    for n in &venue.names {
                        let key = phrase_key(n);
                        if let Some(at) = key.find(" neutral ") {
                            let (head, tail) = key.split_at(at + " neutral".len());
                            if tail.trim().is_empty() {
                                continue;
                            }
                            add(
                                &format!("{head} {m}{tail}"),
                                Tag::Venue {
                                    venue: vi,
                                    territory: false,
                                },
                            );
                        }
                    }
                }
            }
            if venue.kind != VenueKind::Country {
                continue;
            }
            for role in &lexicon.cues.role {
                for d in &venue.demonyms {
                    add(&format!("{d} {role}"), Tag::CountryRole(vi));
                }
                for n in &venue.names {
                    add(&format!("{n}'s {role}"), Tag::CountryRole(vi));
                    // "US officials": a short name used as an adjective.
                    if let Some(bare) = n.strip_prefix("the ") {
                        add(&format!("{bare} {role}"), Tag::CountryRole(vi));
                    }
                }
            }
            for land in &lexicon.cues.territory {
                for d in &venue.demonyms {
                    add(
                        &format!("{d} {land}"),
                        Tag::Venue {
                            venue: vi,
                            territory: true,
                        },
                    );
                }
            }
            let capital = lexicon
                .venues
                .iter()
                .position(|c| c.capital && c.country.as_deref() == Some(venue.id.as_str()));
            if let Some(ci) = capital {
                let tag = Tag::Venue {
                    venue: ci,
                    territory: false,
                };
                for d in &venue.demonyms {
                    add(&format!("{d} capital"), tag);
                }
                for n in &venue.names {
                    add(&format!("capital of {n}"), tag);
                }
            }
        }
        let c = &lexicon.cues;
        let cue_lists: [(&[String], CueKind); 22] = [
            (&c.trip, CueKind::Stance(Stance::Proposes, Class::Speaker)),
            (&c.trip, CueKind::Trip),
            (
                &c.schedule,
                CueKind::Stance(Stance::Proposes, Class::Speaker),
            ),
            (&c.schedule, CueKind::Trip),
            (&c.send, CueKind::Stance(Stance::Proposes, Class::Verb)),
            (&c.send, CueKind::Trip),
            (&c.invites_other, CueKind::InvitesOther),
            (
                &c.propose_meeting,
                CueKind::Stance(Stance::Proposes, Class::Verb),
            ),
            (&c.propose_meeting, CueKind::NeedsMeeting),
            (&c.propose, CueKind::Stance(Stance::Proposes, Class::Verb)),
            (&c.reject, CueKind::Stance(Stance::Rejects, Class::Verb)),
            (&c.invite, CueKind::Stance(Stance::Proposes, Class::Speaker)),
            (
                &c.invite_reject,
                CueKind::Stance(Stance::Rejects, Class::Speaker),
            ),
            (
                &c.propose_predicate,
                CueKind::Stance(Stance::Proposes, Class::Predicate),
            ),
            (
                &c.reject_predicate,
                CueKind::Stance(Stance::Rejects, Class::Predicate),
            ),
            (
                &c.propose_noun,
                CueKind::Stance(Stance::Proposes, Class::Noun),
            ),
            (
                &c.reject_noun,
                CueKind::Stance(Stance::Rejects, Class::Noun),
            ),
            (&c.host, CueKind::Host),
            (&c.speech, CueKind::Speech),
            (&c.statement_place, CueKind::StatementPlace),
            (&c.past_event, CueKind::PastEvent),
            (&c.analyst, CueKind::Analyst),
        ];
        for (list, kind) in cue_lists {
            for phrase in list {
                let forms: Vec<String> = if phrase.contains("{demonym}") {
                    demonyms
                        .iter()
                        .map(|d| phrase.replace("{demonym}", d))
                        .collect()
                } else {
                    vec![phrase.clone()]
                };
                for form in forms {
                    // "would host" -> "would not host", "won't host": the
                    // rules see the negator inside the cue.
                    let proposes =
                        matches!(kind, CueKind::Host | CueKind::Stance(Stance::Proposes, _));
                    if proposes {
                        for negated in negated_forms(&form, c) {
                            add(&negated, Tag::Cue(kind));
                        }
                    }
                    add(&form, Tag::Cue(kind));
                }
            }
        }
        let mut nodes = vec![Node::default()];
        for (key, tags) in patterns {
            let mut at = 0;
            for word in key.split_whitespace() {
                at = match nodes[at].next.get(word) {
                    Some(&n) => n as usize,
                    None => {
                        let n = nodes.len();
                        nodes.push(Node::default());
                        nodes[at].next.insert(word.into(), n as u32);
                        n
                    }
                };
            }
            nodes[at].tags = Some(tags.into());
        }
        Matcher { nodes }
    }

    /// The phrases in `tokens`, longest first where they overlap, sorted by
    /// position.
    pub fn find(&self, tokens: &[Token]) -> Vec<Mention> {
        // Quote marks are skipped, so that a phrase matches across scare
        // quotes ("had \"no objection\" to").
        let word = |i: &usize| tokens[*i].norm != "\"";
        let mut found: Vec<(usize, usize, &Arc<[Tag]>)> = Vec::new();
        for a in (0..tokens.len()).filter(word) {
            let mut node = &self.nodes[0];
            for b in (a..tokens.len()).filter(word) {
                let Some(&n) = node.next.get(tokens[b].norm.as_str()) else {
                    break;
                };
                node = &self.nodes[n as usize];
                if let Some(tags) = &node.tags {
                    found.push((a, b + 1, tags));
                }
            }
        }
        found.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.0.cmp(&b.0)));
        let mut taken = vec![false; tokens.len()];
        let mut out = Vec::new();
        for (s, e, tags) in found {
            if taken[s..e].iter().any(|&t| t) {
                continue;
            }
            taken[s..e].iter_mut().for_each(|t| *t = true);
            out.push(Mention {
                start: s,
                end: e,
                tags: tags.clone(),
            });
        }
        out.sort_by_key(|m| m.start);
        out
    }
}
