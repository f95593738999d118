//! The claim rules: who holds each stance cue, which venues it governs, and
//! which readings are not claims at all.
//!
//! The grammar lives here as small functions over one sentence's tokens and
//! mentions; every word they consult comes from the lexicon's `[cues]`.
//! Context carried between sentences (the last speaker, the last quote's
//! speaker, the last venue, earlier proposals) lives in [`Ctx`].
//!
//! # Layout
//! - here: the run over paragraphs and sentences, and each cue's pipeline
//!   (reading, holders, whether it states a position, venues, claims);
//! - `sentence`: a sentence's tokens, quote marks and resolved mentions;
//! - `holders`: attributions, quote speakers, subjects, pronouns;
//! - `scope`: which venues a cue reaches, and what ends its reach.

use std::collections::VecDeque;

use jiff::civil::Date;

use super::mentions::{Class, CueKind, Mention, Tag};
use super::text::{split_sentences, tokenize_into, SentenceSpan, Token};
use super::{Claim, Extractor, Stance};
use crate::lexicon::{in_office, VenueKind};

mod holders;
mod scope;
mod sentence;

use scope::{analyst_before, analysts_speak, in_condition, negated};
use sentence::{capitalised, ends_clause, is_dash_break};

/// How far (in tokens) a cue reaches for its venue or its subject.
const VENUE_REACH: usize = 20;
const PREDICATE_REACH: usize = 12;
const SUBJECT_REACH: usize = 40;
/// How far back a negator still negates a cue.
const NEGATION_REACH: usize = 5;
/// How many sentences ahead a quote's attribution is looked for.
const LOOKAHEAD: usize = 4;
/// How many earlier proposals "Putin's offer" may refer back to.
const RECENT_PROPOSALS: usize = 64;

/// The holder of a position: a leader, with the name as written when
/// someone else spoke for them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Who {
    leader: usize,
    speaker: Option<String>,
    /// Named as a country or capital ("Oslo", "Norway"), not as a person.
    place: bool,
}

/// What a mention refers to once the article's date is known.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ref {
    /// A person or institution speaking for a leader.
    Person(Who),
    /// A place; also its government when it has one.
    Place {
        venue: usize,
        gov: Option<Who>,
        territory: bool,
    },
}

/// One sentence, tokenized and matched.
struct Sent<'t> {
    text: &'t str,
    span: SentenceSpan,
    toks: Vec<Token>,
    quoted: Vec<bool>,
    ments: Vec<Mention>,
    refs: Vec<Option<Ref>>,
    /// The mention covering each token.
    at: Vec<Option<usize>>,
    /// First token after a dateline or a transcript label.
    first: usize,
    /// Cues that belong to an earlier cue ("invited him to come to").
    absorbed: Vec<bool>,
    /// Whether the sentence names talks or a delegation (a meeting noun).
    talks: bool,
}

impl Sent<'_> {
    fn norm(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| t.norm.as_str())
    }

    fn is_punct(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| !t.is_word())
    }

    fn has_cue(&self, m: usize, kind: CueKind) -> bool {
        self.ments[m].tags.contains(&Tag::Cue(kind))
    }

    fn stance_cue(&self, m: usize) -> Option<(Stance, Class)> {
        self.ments[m].tags.iter().find_map(|t| match t {
            Tag::Cue(CueKind::Stance(s, c)) => Some((*s, *c)),
            Tag::Cue(CueKind::Host) => Some((Stance::Proposes, Class::Verb)),
            _ => None,
        })
    }

    fn is_stance(&self, m: usize) -> bool {
        self.stance_cue(m).is_some()
    }

    fn is_speech(&self, m: usize) -> bool {
        self.has_cue(m, CueKind::Speech)
    }

    /// The mention that ends exactly at token `end`.
    fn ending_at(&self, end: usize) -> Option<usize> {
        let i = end.checked_sub(1)?;
        self.at[i].filter(|&m| self.ments[m].end == end)
    }

    /// The mention that starts exactly at token `start`.
    fn starting_at(&self, start: usize) -> Option<usize> {
        self.at
            .get(start)
            .copied()
            .flatten()
            .filter(|&m| self.ments[m].start == start)
    }

    /// The original text of tokens `a..b`.
    fn original_tokens(&self, a: usize, b: usize) -> &str {
        let s = self.toks[a].start;
        let e = self.toks[b - 1].end;
        self.text.get(s..e).unwrap_or("")
    }

    fn original(&self, m: usize) -> &str {
        let mention = &self.ments[m];
        let s = self.toks[mention.start].start;
        let e = self.toks[mention.end - 1].end;
        self.text.get(s..e).unwrap_or("")
    }

    fn evidence(&self) -> String {
        let sentence = self.text.get(self.span.start..self.span.end).unwrap_or("");
        let mut out = String::with_capacity(sentence.len());
        for word in sentence.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    }
}

/// What carries over from one sentence to the next.
#[derive(Debug, Default)]
struct Ctx {
    /// The last named speaker or subject, for "he said".
    carried: Option<Who>,
    /// The speaker of the last quote in the current paragraph.
    last_quote: Option<Who>,
    /// The speaker of the quote in the sentence being read.
    cur_quote: Option<Who>,
    /// The current paragraph's transcript label ("ZELENSKY:").
    label: Option<Who>,
    /// The last venue named, for "there".
    last_venue: Option<usize>,
    /// Earlier proposals: (sentence, cue position, leader, venue).
    proposals: Vec<(usize, usize, usize, usize)>,
}

/// The venues (indices into `Lexicon::venues`) a cue governs.
type Venues = Vec<usize>;

/// The article-wide state of one run of the rules.
struct Run<'a> {
    ex: &'a Extractor,
    date: Date,
    ctx: Ctx,
    out: Vec<Claim>,
    /// People the text introduced by a title ("Chilean Foreign Minister
    /// Alberto van Klaveren"), with who they speak for, in text order.
    people: Vec<sentence::Person>,
    /// Heads of a government the lexicon has no one for on the date, whom
    /// the text introduced: (id by the GUIDELINES' rule, country venue).
    /// A `Who::leader` past the lexicon's leaders points here.
    unknown: Vec<(String, usize)>,
    /// The token and mention-cover vectors of sentences done with, for the
    /// next sentences to fill (see `text::tokenize_into`).
    spare: Vec<(Vec<Token>, Vec<Option<usize>>)>,
}

/// The claims of one text (a body or a headline) dated `date`.
pub(crate) fn claims_in(ex: &Extractor, text: &str, date: Date) -> Vec<Claim> {
    run_over(ex, text, date).out
}

/// The people a text introduces by a title of a known government, in text
/// order, once each.
pub(crate) fn introductions_in(ex: &Extractor, text: &str, date: Date) -> Vec<super::Introduction> {
    let run = run_over(ex, text, date);
    run.people
        .iter()
        .map(|p| super::Introduction {
            name: p.name.clone(),
            country: ex.lexicon.venues[p.country].id.clone(),
            role: p.role.clone(),
            head: p.head,
            known_leader: p
                .who
                .as_ref()
                .and_then(|w| ex.lexicon.leaders.get(w.leader))
                .map(|l| l.id.clone()),
        })
        .collect()
}

/// One run of the rules over a text.
fn run_over<'a>(ex: &'a Extractor, text: &str, date: Date) -> Run<'a> {
    let spans = split_sentences(text, &ex.words.abbreviation);
    let mut run = Run {
        ex,
        date,
        ctx: Ctx::default(),
        out: Vec::new(),
        people: Vec::new(),
        unknown: Vec::new(),
        spare: Vec::new(),
    };
    let mut para: Vec<SentenceSpan> = Vec::new();
    let mut index = 0;
    for span in spans {
        if para.last().is_some_and(|p| p.para != span.para) {
            index = run.paragraph(text, &para, index);
            para.clear();
        }
        para.push(span);
    }
    run.paragraph(text, &para, index);
    run
}

impl Run<'_> {
    /// Runs the rules over one paragraph's sentences; `index` numbers
    /// sentences across the text. Returns the next index.
    fn paragraph(&mut self, text: &str, spans: &[SentenceSpan], index: usize) -> usize {
        self.ctx.last_quote = None;
        self.ctx.label = None;
        // Sentences are built a few ahead of the one read (a quote's
        // attribution may come later), so memory stays bounded however long
        // the paragraph.
        let mut open = false;
        let mut window: VecDeque<Sent> = VecDeque::with_capacity(LOOKAHEAD + 1);
        let mut next = 0;
        for si in 0..spans.len() {
            while window.len() <= LOOKAHEAD && next < spans.len() {
                let mut sent = self.sentence(text, spans[next], &mut open);
                if next == 0 {
                    self.ctx.label = self.label(&mut sent);
                }
                if self.ctx.label.is_some() {
                    sent.quoted.iter_mut().for_each(|q| *q = true);
                }
                window.push_back(sent);
                next += 1;
            }
            self.rules(window.make_contiguous(), 0, index + si);
            if let Some(done) = window.pop_front() {
                self.spare.push((done.toks, done.at));
            }
        }
        index + spans.len()
    }

    /// Applies the rules to sentence `si` of a paragraph (`global` numbers
    /// it across the text).
    fn rules(&mut self, sents: &[Sent], si: usize, global: usize) {
        let s = &sents[si];
        let quote = self.quote_speaker(sents, si);
        self.ctx.cur_quote = quote.clone();

        for m in 0..s.ments.len() {
            let Some((stance, class)) = s.stance_cue(m) else {
                continue;
            };
            if s.absorbed[m] {
                continue;
            }
            self.cue(s, m, stance, class, quote.as_ref(), global);
        }
        // Carry over: the sentence's speaker, else its first subject.
        let attribution = self.attributions(s).into_iter().map(|(_, w)| w).next();
        let first = self.first_subject(s);
        let all_quoted = s.quoted.iter().all(|&q| q);
        let quoted_speaker = quote.clone().filter(|_| all_quoted);
        if let Some(w) = attribution.or(first).or(quoted_speaker) {
            self.ctx.carried = Some(w);
        }
        if s.quoted.iter().any(|&q| q) {
            if let Some(q) = quote {
                self.ctx.last_quote = Some(q);
            }
        }
        if let Some(v) = (0..s.ments.len()).rev().find_map(|m| match &s.refs[m] {
            Some(Ref::Place { venue, .. })
                if s.norm(s.ments[m].end) != "'s" && !self.statement_place(s, m) =>
            {
                Some(*venue)
            }
            _ => None,
        }) {
            self.ctx.last_venue = Some(v);
        }
    }

    /// One stance cue: how it reads, who holds it, whether it states a
    /// position at all, and which venues it governs.
    fn cue(
        &mut self,
        s: &Sent,
        m: usize,
        stance: Stance,
        class: Class,
        quote: Option<&Who>,
        global: usize,
    ) {
        let Some((stance, class)) = self.reading(s, m, stance, class) else {
            return;
        };
        let Some((holders, direct)) = self.holders(s, m, class, quote) else {
            return;
        };
        if !self.states_position(s, m, class, &holders, direct) {
            return;
        }
        let venues = self.venues(s, m, class, &holders, direct, global);
        self.emit(s, m, stance, &holders, &venues, global);
    }

    /// How cue `m` reads here, or `None` when it states nothing: inside a
    /// condition or the article's own question. A verb used as a noun ("the
    /// invite") becomes a noun cue; negators flip the stance.
    fn reading(&self, s: &Sent, m: usize, stance: Stance, class: Class) -> Option<(Stance, Class)> {
        let w = &self.ex.words;
        let cue = &s.ments[m];
        if cue.start < s.first || in_condition(s, cue.start, &w.conditional) {
            return None;
        }
        // A question the article asks ("Will Putin come to Kyiv?") states no
        // position; a quoted one ("How can I go to Moscow?") may.
        let asks = s.toks.last().is_some_and(|t| t.norm == "?");
        if asks && !s.quoted[cue.start] {
            return None;
        }
        // "the invite", "his offer", "Putin's Moscow offer".
        // "we all offered", "they both agreed": a quantifier floating after
        // the subject, not a determiner of a noun.
        let floating = |i: usize| matches!(s.norm(i), "all" | "both" | "each");
        let det = |i: usize| {
            i >= s.first
                && ((w.determiner.contains(s.norm(i)) && !floating(i)) || s.norm(i) == "'s")
        };
        let noun_use = cue.start > s.first
            && (det(cue.start - 1)
                || (cue.start >= s.first + 2
                    && matches!(s.norm(cue.start - 2), "a" | "an" | "the" | "'s")
                    && s.toks[cue.start - 1].is_word()
                    && s.at[cue.start - 1]
                        .is_none_or(|m| matches!(s.refs[m], Some(Ref::Place { .. })))));
        let class = if class == Class::Verb && noun_use {
            Class::Noun
        } else {
            class
        };
        if class == Class::Predicate && self.attributive(s, m) {
            return None;
        }
        // "Sybiha, left, greets ...": a caption's position, not a journey.
        let aside = |i: usize| matches!(s.norm(i), "," | "(" | ")");
        if cue.end - cue.start == 1
            && matches!(s.norm(cue.start), "left" | "right")
            && cue.start > s.first
            && aside(cue.start - 1)
            && aside(cue.end)
        {
            return None;
        }
        // "After Erdogan travelled to Baku, ...": a journey in an opening
        // clause of time tells what happened.
        let opening = matches!(s.norm(s.first), "after" | "since" | "following" | "before");
        let journey = s.has_cue(m, CueKind::Trip);
        if journey && opening && (s.first..cue.start).all(|i| s.norm(i) != ",") {
            return None;
        }
        // A negator inside a propose cue ("would not host") or before any cue.
        let inner = stance == Stance::Proposes
            && class != Class::Predicate
            && (cue.start..cue.end).any(|i| w.negation.contains(s.norm(i)));
        // "refused to rule out Moscow": a refusal governing the cue negates it.
        let refused = cue.start >= 2
            && s.norm(cue.start - 1) == "to"
            && s.ending_at(cue.start - 1)
                .is_some_and(|g| s.stance_cue(g) == Some((Stance::Rejects, Class::Verb)));
        let before = negated(s, cue.start, &w.negation, &w.negation_blocker);
        let stance = if inner ^ refused ^ before {
            stance.flip()
        } else {
            stance
        };
        Some((stance, class))
    }

    /// Whether one-word evaluation `m` modifies the noun after it ("ideal
    /// conditions", "the appropriate decisions") instead of judging a venue.
    fn attributive(&self, s: &Sent, m: usize) -> bool {
        let w = &self.ex.words;
        let cue = &s.ments[m];
        if cue.end - cue.start != 1 {
            return false;
        }
        let next = cue.end;
        let Some(tok) = s.toks.get(next) else {
            return false;
        };
        let word = tok.norm.as_str();
        tok.is_word()
            && s.at[next].is_none()
            && !capitalised(s, next)
            && !w.preposition.contains(word)
            && !w.coordinator.contains(word)
            && !w.copula.contains(word)
            && !w.venue_noun.contains(word)
            && !w.determiner.contains(word)
            && !w.auxiliary.contains(word)
            && !w.clause_opener.contains(word)
            && !w.complementizer.contains(word)
            && !w.conditional.contains(word)
            && !word.ends_with("ly")
            && !matches!(word, "too" | "enough" | "either" | "as" | "by")
    }

    /// Who holds cue `m`, and whether directly (its subject or passive
    /// agent) rather than as the sentence's speaker.
    fn holders(
        &self,
        s: &Sent,
        m: usize,
        class: Class,
        quote: Option<&Who>,
    ) -> Option<(Vec<Who>, bool)> {
        let at = s.ments[m].start;
        let agents = self.passive_agents(s, m);
        if !agents.is_empty() {
            return Some((agents, true));
        }
        let (holders, direct) = match class {
            Class::Verb => {
                // "an idea the European Union has rejected": a subject that
                // is no leader; only someone quoted saying so holds it.
                if self.participial(s, at) {
                    // "Erdogan offered to host talks, proposing Ankara":
                    // the participle's subject is the main clause's.
                    (self.first_subject(s).into_iter().collect(), true)
                } else if self.common_noun_subject(s, at) {
                    (self.attributed(s, at, quote).into_iter().collect(), false)
                } else {
                    let subjects = self.subjects(s, at);
                    if subjects.is_empty() {
                        (self.speaker(s, at, quote).into_iter().collect(), false)
                    } else if let Some(speaker) = self.announcer(s, m, &subjects, quote) {
                        (vec![speaker], false)
                    } else {
                        (subjects, true)
                    }
                }
            }
            // "Minsk is unacceptable to Ukraine", with no one else speaking:
            // the judge holds the evaluation.
            Class::Predicate => {
                match (self.attributed(s, at, quote), self.judge(s, s.ments[m].end)) {
                    (None, Some(judge)) => (vec![judge], false),
                    _ => (self.speaker(s, at, quote).into_iter().collect(), false),
                }
            }
            Class::Speaker => (self.speaker(s, at, quote).into_iter().collect(), false),
            Class::Noun => (self.possessor(s, m).into_iter().collect(), true),
        };
        (!holders.is_empty()).then_some((holders, direct))
    }

    /// The id of leader `l`: the lexicon's, or one the text introduced.
    fn leader_id(&self, l: usize) -> &str {
        let lex = &self.ex.lexicon;
        match lex.leaders.get(l) {
            Some(leader) => &leader.id,
            None => self.unknown.get(l - lex.leaders.len()).map_or("", |u| &u.0),
        }
    }

    /// The country (venue id) leader `l` leads on the article's date.
    fn country_of(&self, l: usize) -> Option<&str> {
        let lex = &self.ex.lexicon;
        match lex.leaders.get(l) {
            Some(leader) => leader.country_on(self.date),
            None => self
                .unknown
                .get(l - lex.leaders.len())
                .map(|u| lex.venues[u.1].id.as_str()),
        }
    }

    /// Whether the verb cue at `at` opens a participle clause after a comma
    /// (", proposing Minsk").
    fn participial(&self, s: &Sent, at: usize) -> bool {
        at > s.first + 1 && s.norm(at - 1) == "," && s.norm(at).ends_with("ing")
    }

    /// The one announcing a meeting whose parties are the subjects: "Iran
    /// and Azerbaijan will meet in Abu Dhabi, Mirzoyan said", "Ruto said
    /// Tanzania or the Gulf states could host": the person speaking,
    /// when the subjects are countries (two or more, or one offered as host
    /// by someone else).
    fn announcer(&self, s: &Sent, m: usize, subjects: &[Who], quote: Option<&Who>) -> Option<Who> {
        if !subjects.iter().all(|w| w.place) {
            return None;
        }
        let host = s.has_cue(m, CueKind::Host);
        if subjects.len() < 2 && !host {
            return None;
        }
        let speaker = self
            .attributed(s, s.ments[m].start, quote)
            .filter(|w| !w.place)?;
        let country = |w: &Who| self.country_of(w.leader);
        let own = subjects.iter().any(|w| country(w) == country(&speaker));
        (!own || subjects.len() >= 2).then_some(speaker)
    }

    /// Whether cue `m` held by `holders` states a position rather than a
    /// guess at another's, an agentless passive, an analyst's view, an
    /// invitation its own invitee would hold, or a broad verb with no
    /// meeting.
    fn states_position(
        &self,
        s: &Sent,
        m: usize,
        class: Class,
        holders: &[Who],
        direct: bool,
    ) -> bool {
        let w = &self.ex.words;
        let cue = &s.ments[m];
        let held_by = |leader: usize| holders.iter().any(|h| h.leader == leader);
        // "impossible for him" is the speaker's own position; "impossible for
        // Putin", said by someone else, is a guess at another's.
        if class == Class::Predicate && self.judge(s, cue.end).is_some_and(|j| !held_by(j.leader)) {
            return false;
        }
        // "he was invited to Budapest": the subject of a passive is the one
        // invited; with no "by" agent nobody's position is stated.
        let participle = cue.end - cue.start == 1
            && s.norm(cue.start).ends_with("ed")
            && !s.has_cue(m, CueKind::Host);
        let agentless = class == Class::Verb
            && participle
            && direct
            && cue.start > s.first
            && self.passive_agent(s, m).is_none();
        if agentless {
            let mut p = cue.start - 1;
            while p > s.first && w.negation.contains(s.norm(p)) {
                p -= 1;
            }
            if w.passive_aux.contains(s.norm(p)) {
                return false;
            }
        }
        // "are scheduled to", "expected to": a journalist's hedge, unless a
        // party says so in a quote.
        let hedged = !direct && analyst_before(s, cue.start) && !s.quoted[cue.start];
        if hedged || analysts_speak(s) {
            return false;
        }
        // "Zelensky can come to Moscow" with no one saying so: the one
        // invited is not the one inviting.
        if s.has_cue(m, CueKind::InvitesOther) {
            let invitee = (cue.start.saturating_sub(3).max(s.first)..cue.start)
                .rev()
                .find_map(|i| s.ending_at(i + 1))
                .and_then(|e| match &s.refs[e] {
                    Some(Ref::Person(who)) => Some(who.leader),
                    _ => None,
                });
            if invitee.is_some_and(held_by) {
                return false;
            }
        }
        // "sent a letter to Armenia": only a delegation sent is a deed.
        if class == Class::Verb && s.has_cue(m, CueKind::Trip) {
            let hi = (cue.end + 5).min(s.toks.len());
            let delegation = (cue.end..hi)
                .any(|i| w.role.contains(s.norm(i)) || w.meeting_noun.contains(s.norm(i)));
            if !delegation {
                return false;
            }
        }
        // "He will fly to Tokyo": a journey is a position on a venue only
        // when the sentence is about talks ("for the talks", "the
        // delegation").
        if s.has_cue(m, CueKind::Trip) && !s.talks {
            return false;
        }
        if s.has_cue(m, CueKind::NeedsMeeting) {
            let hi = (cue.end + VENUE_REACH).min(s.toks.len());
            if !(cue.end..hi).any(|i| w.meeting_noun.contains(s.norm(i))) {
                return false;
            }
        }
        // "Putin welcomed Trump to Alaska": a greeting on arrival, not an offer
        // ("would welcome him there" is one).
        if w.greeting.contains(s.norm(cue.start)) && cue.end - cue.start == 1 {
            let mut i = cue.end;
            while w.determiner.contains(s.norm(i)) {
                i += 1;
            }
            let person = s
                .starting_at(i)
                .is_some_and(|n| matches!(s.refs[n], Some(Ref::Person(_))))
                || w.pronoun_third.contains(s.norm(i));
            if person {
                return false;
            }
        }
        // One does not invite oneself: "inviting me to Moscow" is about
        // someone else proposing.
        let object = (class == Class::Verb)
            .then(|| self.object(s, cue.end))
            .flatten();
        !object.is_some_and(held_by)
    }

    /// The venues cue `m` governs: named in its scope, referred back to
    /// ("dismissed the invitation"), or, for an offer to host with no place,
    /// the host's own country.
    fn venues(
        &self,
        s: &Sent,
        m: usize,
        class: Class,
        holders: &[Who],
        direct: bool,
        global: usize,
    ) -> Venues {
        let w = &self.ex.words;
        let cue = &s.ments[m];
        let named = if self.passive_agent(s, m).is_some() {
            self.venues_before(s, cue.start, VENUE_REACH)
        } else if class == Class::Predicate {
            // "no objection to Riyadh": a prepositional evaluation names its
            // venue after it; others mostly before ("Budapest is ideal").
            let prepositional = w.preposition.contains(s.norm(cue.end - 1));
            let after = self.venues_after(s, m, true);
            let before = self.venues_before(s, cue.start, PREDICATE_REACH);
            let (first, second) = if prepositional {
                (after, before)
            } else {
                (before, after)
            };
            if !first.is_empty() {
                first
            } else if !second.is_empty() {
                second
            } else {
                self.fronted_subject(s, cue.start)
            }
        } else {
            self.object_venues(s, m)
        };
        if !named.is_empty() {
            return named;
        }
        let referenced = self.referenced(s, m, class, holders, global);
        if !referenced.is_empty() {
            return referenced;
        }
        let close = cue.start - self.subject_end(s, cue.start) <= 8;
        // "suggesting it could host talks": the place spoken of, not the
        // speaker's own country.
        let mut p = cue.start;
        while p > s.first && w.auxiliary.contains(s.norm(p - 1)) {
            p -= 1;
        }
        if s.has_cue(m, CueKind::Host) && p > s.first && s.norm(p - 1) == "it" {
            let named = (s.first..p - 1)
                .rev()
                .find_map(|i| s.ending_at(i + 1).and_then(|n| self.place(s, n)));
            return named.map(|(v, _)| v).into_iter().collect();
        }
        // "Ruto said Tanzania or the Gulf states could host": the places
        // offered as hosts by their announcer.
        if s.has_cue(m, CueKind::Host) && !direct && close {
            let mut p = cue.start;
            while p > s.first && w.auxiliary.contains(s.norm(p - 1)) {
                p -= 1;
            }
            if let Some(n) = s.ending_at(p).filter(|&n| self.place(s, n).is_some()) {
                return self.list_before(s, n);
            }
        }
        if s.has_cue(m, CueKind::Host) && direct && close {
            let lex = &self.ex.lexicon;
            return holders
                .iter()
                .filter_map(|h| self.country_of(h.leader))
                .filter_map(|c| lex.venues.iter().position(|v| v.id == c))
                .take(1)
                .collect();
        }
        Vec::new()
    }

    /// The venues of a verb, trip or noun cue: after it; else the place a
    /// relative clause holding it is about ("Budapest, which officials have
    /// floated"); else a quoted list before an inverted attribution
    /// ('"Minsk, Istanbul, Geneva," he offered').
    fn object_venues(&self, s: &Sent, m: usize) -> Venues {
        let cue = &s.ments[m];
        // "we will be there": the place just named.
        if self.ex.words.deictic_place.contains(s.norm(cue.end - 1)) {
            return self.deictic(s, cue.end - 1).into_iter().collect();
        }
        let after = self.venues_after(s, m, false);
        // "Gyeongju, which Trump left": where a departure is from.
        let departure = s.has_cue(m, CueKind::Trip) && cue.end - cue.start == 1;
        if !after.is_empty() || departure {
            return after;
        }
        let antecedent = self.relative_antecedent(s, cue.start);
        if !antecedent.is_empty() {
            return antecedent;
        }
        let inverted = cue.start > s.first
            && ends_clause(s, cue.end)
            && !s.quoted[cue.start]
            && (s.ending_at(cue.start).is_some() || self.pronoun(s, cue.start - 1).is_some());
        let quoted = (cue.start.saturating_sub(8)..cue.start).any(|i| s.quoted[i]);
        if inverted && quoted {
            self.venues_before(s, cue.start, 8)
        } else {
            Vec::new()
        }
    }

    /// Records the claims of cue `m` (and its proposals, for later
    /// references).
    fn emit(
        &mut self,
        s: &Sent,
        m: usize,
        stance: Stance,
        holders: &[Who],
        venues: &[usize],
        global: usize,
    ) {
        let at = s.ments[m].start;
        let historical = self.historical(s, at);
        let lex = &self.ex.lexicon;
        for h in holders {
            for &v in venues {
                if stance == Stance::Proposes {
                    self.ctx.proposals.push((global, at, h.leader, v));
                }
                self.out.push(Claim {
                    leader: self.leader_id(h.leader).to_string(),
                    stance,
                    venue: lex.venues[v].id.clone(),
                    evidence: s.evidence(),
                    speaker: h.speaker.clone(),
                    historical,
                });
            }
        }
    }

    /// Venues a cue refers back to ("dismissed the invitation", "Putin's
    /// offer", "turned it down"): the possessor's last proposal, else the
    /// last proposal by someone else in this or the previous two sentences.
    fn referenced(
        &self,
        s: &Sent,
        m: usize,
        class: Class,
        holders: &[Who],
        global: usize,
    ) -> Venues {
        let w = &self.ex.words;
        let cue = &s.ments[m];
        // "turned it down" carries its reference; in "and Putin accepted." or
        // "Zelensky's answer was no." the offer just made is the unspoken
        // object (of a verb, or of a refusal noun).
        let refusal = s.stance_cue(m).is_some_and(|(st, _)| st == Stance::Rejects);
        let intransitive = (class == Class::Verb || (class == Class::Noun && refusal))
            && cue.start > s.first
            && (cue.end >= s.toks.len() || matches!(s.norm(cue.end), "." | ";" | "!"));
        let inside = intransitive || (cue.start..cue.end).any(|i| w.reference.contains(s.norm(i)));
        let passive = s.norm(cue.end) == "by";
        let window: Vec<usize> = match class {
            // "an offer ... welcomed by Trump": the passive's subject.
            Class::Verb if passive => (cue.start.saturating_sub(12).max(s.first)..cue.start)
                .rev()
                .collect(),
            Class::Verb => (cue.end..(cue.end + 4).min(s.toks.len())).collect(),
            Class::Predicate => (cue.start.saturating_sub(4).max(s.first)..cue.start).collect(),
            _ => Vec::new(),
        };
        let found = window.iter().copied().find(|&i| {
            let named = s.at[i].is_some_and(|m| s.refs[m].is_some());
            w.reference.contains(s.norm(i)) && !named
        });
        if !inside && found.is_none() {
            return Vec::new();
        }
        // "accepted an invitation to visit Beijing": the reference names its
        // own venue, which the cues inside it carry.
        let from = found.map_or(cue.end, |i| i + 1);
        let names_own = (from..(from + 8).min(s.toks.len()))
            .take_while(|&i| !s.is_punct(i))
            .any(|i| {
                s.starting_at(i)
                    .is_some_and(|n| matches!(s.refs[n], Some(Ref::Place { .. })))
            });
        if names_own {
            return Vec::new();
        }
        // Between the cue and the noun only determiners and a possessor.
        let possessor = found.and_then(|i| {
            (i >= 2 && s.norm(i - 1) == "'s")
                .then(|| s.ending_at(i - 1))
                .flatten()
                .and_then(|e| self.who_of(s, e))
        });
        let proposals = &self.ctx.proposals;
        let pick = match possessor {
            // A possessor's offer is looked for among the recent ones only,
            // which keeps long articles linear.
            Some(p) => proposals
                .iter()
                .rev()
                .take(RECENT_PROPOSALS)
                .find(|x| x.2 == p.leader),
            None => proposals
                .iter()
                .rev()
                .take_while(|x| x.0 + 2 >= global)
                .find(|x| holders.iter().all(|h| h.leader != x.2)),
        };
        let Some(&(ps, pc, pl, _)) = pick else {
            return Vec::new();
        };
        let mut out: Venues = proposals
            .iter()
            .filter(|x| x.0 == ps && x.1 == pc && x.2 == pl)
            .map(|x| x.3)
            .collect();
        out.dedup();
        out
    }

    /// Whether the cue at `at` recounts the past: "in 2022" (a year before
    /// the article's) before it in the sentence.
    fn historical(&self, s: &Sent, at: usize) -> bool {
        let w = &self.ex.words;
        (s.first..at).any(|i| {
            let year = s.norm(i);
            let past_year = year.len() == 4
                && year
                    .parse::<i16>()
                    .is_ok_and(|y| (1900..self.date.year()).contains(&y));
            // "in 2025", "in a 2019 interview", "back in March 2022".
            past_year
                && (i.saturating_sub(3).max(s.first)..i).any(|j| w.past_marker.contains(s.norm(j)))
        })
    }
}
