//! The claim rules: who holds each stance cue, which venues it governs, and
//! which readings are not claims at all.
//!
//! The grammar lives here as small functions over one sentence's tokens and
//! mentions; every word they consult comes from the lexicon's `[cues]`.
//! Context carried between sentences (the last speaker, the last quote's
//! speaker, the last venue, earlier proposals) lives in [`Ctx`].

use jiff::civil::Date;

use super::mentions::{Class, CueKind, Mention, Tag};
use super::text::{split_sentences, tokenize, SentenceSpan, Token};
use super::{Claim, Extractor, Stance};
use crate::lexicon::{in_office, VenueKind};

/// How far (in tokens) a cue reaches for its venue or its subject.
const VENUE_REACH: usize = 20;
const PREDICATE_REACH: usize = 12;
const SUBJECT_REACH: usize = 40;
/// How far back a negator still negates a cue.
const NEGATION_REACH: usize = 5;

/// The holder of a position: a leader, with the name as written when
/// someone else spoke for them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Who {
    leader: usize,
    speaker: Option<String>,
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

    fn original(&self, m: usize) -> &str {
        let mention = &self.ments[m];
        let s = self.toks[mention.start].start;
        let e = self.toks[mention.end - 1].end;
        self.text.get(s..e).unwrap_or("")
    }

    fn evidence(&self) -> String {
        self.text
            .get(self.span.start..self.span.end)
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
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
}

/// The claims of one text (a body or a headline) dated `date`.
pub(crate) fn claims_in(ex: &Extractor, text: &str, date: Date) -> Vec<Claim> {
    let spans = split_sentences(text, &ex.words.abbreviation);
    let mut run = Run {
        ex,
        date,
        ctx: Ctx::default(),
        out: Vec::new(),
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
    run.out
}

impl Run<'_> {
    /// Runs the rules over one paragraph's sentences; `index` numbers
    /// sentences across the text. Returns the next index.
    fn paragraph(&mut self, text: &str, spans: &[SentenceSpan], index: usize) -> usize {
        let mut open = false;
        let mut sents = Vec::with_capacity(spans.len());
        for span in spans {
            sents.push(self.sentence(text, *span, &mut open));
        }
        self.ctx.last_quote = None;
        self.ctx.label = None;
        if let Some(first) = sents.first_mut() {
            self.ctx.label = self.label(first);
        }
        if self.ctx.label.is_some() {
            for s in &mut sents {
                s.quoted.iter_mut().for_each(|q| *q = true);
            }
        }
        for si in 0..sents.len() {
            self.rules(&sents, si, index + si);
        }
        index + sents.len()
    }

    fn sentence<'t>(&self, text: &'t str, span: SentenceSpan, open: &mut bool) -> Sent<'t> {
        let slice = text.get(span.start..span.end).unwrap_or("");
        let mut toks = tokenize(slice);
        for t in &mut toks {
            t.start += span.start;
            t.end += span.start;
        }
        let mut quoted = Vec::with_capacity(toks.len());
        for t in &toks {
            if t.norm == "\"" {
                match text.get(t.start..t.end) {
                    Some("\u{201C}") | Some("\u{201E}") | Some("\u{00AB}") => *open = true,
                    Some("\u{201D}") | Some("\u{00BB}") => {
                        quoted.push(true);
                        *open = false;
                        continue;
                    }
                    _ => {
                        if *open {
                            quoted.push(true);
                            *open = false;
                            continue;
                        }
                        *open = true;
                    }
                }
            }
            quoted.push(*open);
        }
        unquote_short(&toks, &mut quoted);
        let ments = self.ex.matcher.find(&toks);
        let mut at = vec![None; toks.len()];
        for (mi, m) in ments.iter().enumerate() {
            at[m.start..m.end].iter_mut().for_each(|a| *a = Some(mi));
        }
        let mut sent = Sent {
            text,
            span,
            toks,
            quoted,
            ments,
            refs: Vec::new(),
            at,
            first: 0,
            absorbed: Vec::new(),
        };
        sent.refs = (0..sent.ments.len())
            .map(|m| self.resolve(&sent, m))
            .collect();
        name_titles(&mut sent);
        sent.first = dateline_end(&sent);
        sent.absorbed = absorbed_cues(&sent);
        sent
    }

    /// A transcript label opening a paragraph ("ZELENSKY: ..."): its speaker,
    /// and the label is skipped.
    fn label(&self, s: &mut Sent) -> Option<Who> {
        let colon = (s.first..s.toks.len().min(s.first + 4)).find(|&i| s.norm(i) == ":")?;
        let words = &s.toks[s.first..colon];
        let all_caps = !words.is_empty()
            && words.iter().all(|t| {
                let orig = s.text.get(t.start..t.end).unwrap_or("");
                orig.chars().any(char::is_alphabetic) && !orig.chars().any(char::is_lowercase)
            });
        if !all_caps {
            return None;
        }
        let who = (s.first..colon)
            .filter_map(|i| s.at[i])
            .find_map(|m| match &s.refs[m] {
                Some(Ref::Person(w)) => Some(w.clone()),
                _ => None,
            });
        s.first = colon + 1;
        who
    }

    /// What mention `m` refers to on the article's date.
    fn resolve(&self, s: &Sent, m: usize) -> Option<Ref> {
        let lex = &self.ex.lexicon;
        let tags = &s.ments[m].tags;
        let person = self.person(tags).map(|(leader, named)| Who {
            leader,
            speaker: (!named).then(|| s.original(m).to_string()),
        });
        let venue = tags.iter().find_map(|t| match t {
            Tag::Venue { venue, territory } => Some((*venue, *territory)),
            _ => None,
        });
        match venue {
            Some((vi, territory)) => {
                let v = &lex.venues[vi];
                let country = match v.kind {
                    VenueKind::Country => Some(vi),
                    VenueKind::City if v.capital => v
                        .country
                        .as_deref()
                        .and_then(|c| lex.venues.iter().position(|x| x.id == c)),
                    _ => None,
                };
                let gov = person.or_else(|| {
                    country.and_then(|c| self.leader_of(c)).map(|leader| Who {
                        leader,
                        speaker: Some(s.original(m).to_string()),
                    })
                });
                Some(Ref::Place {
                    venue: vi,
                    gov,
                    territory,
                })
            }
            None => person.map(Ref::Person),
        }
    }

    /// The leader a person-like mention names on the date, and whether by
    /// the leader's own name.
    fn person(&self, tags: &[Tag]) -> Option<(usize, bool)> {
        let lex = &self.ex.lexicon;
        let date = self.date;
        let in_office_leader = |li: usize| {
            lex.leaders
                .get(li)
                .is_some_and(|l| in_office(&l.terms, date))
        };
        tags.iter()
            .find_map(|t| match t {
                Tag::Leader(li) => Some((*li, true)),
                _ => None,
            })
            .or_else(|| {
                tags.iter().find_map(|t| match t {
                    Tag::Official(li, oi) => lex.leaders[*li]
                        .officials
                        .get(*oi)
                        .filter(|o| in_office(&o.terms, date))
                        .map(|_| (*li, false)),
                    Tag::Title(li) | Tag::Institution(li) if in_office_leader(*li) => {
                        Some((*li, false))
                    }
                    _ => None,
                })
            })
            .or_else(|| {
                tags.iter().find_map(|t| match t {
                    Tag::CountryRole(vi) => self.leader_of(*vi).map(|l| (l, false)),
                    _ => None,
                })
            })
    }

    /// The leader in office for the country venue `vi` on the date.
    fn leader_of(&self, vi: usize) -> Option<usize> {
        let lex = &self.ex.lexicon;
        let id = &lex.venues.get(vi)?.id;
        lex.leaders.iter().position(|l| {
            l.country.as_deref() == Some(id.as_str()) && in_office(&l.terms, self.date)
        })
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
            Some(Ref::Place { venue, .. }) if s.norm(s.ments[m].end) != "'s" => Some(*venue),
            _ => None,
        }) {
            self.ctx.last_venue = Some(v);
        }
    }

    /// One stance cue: its holder(s) and venue(s), negation and filters.
    fn cue(
        &mut self,
        s: &Sent,
        m: usize,
        stance: Stance,
        class: Class,
        quote: Option<&Who>,
        global: usize,
    ) {
        let w = &self.ex.words;
        let cue = &s.ments[m];
        if cue.start < s.first || in_condition(s, cue.start, &w.conditional) {
            return;
        }
        // A question the article asks ("Will Putin come to Kyiv?") states no
        // position; a quoted one ("How can I go to Moscow?") may.
        let asks = s.toks.last().is_some_and(|t| t.norm == "?");
        if asks && !s.quoted[cue.start] {
            return;
        }
        // "the invite", "his offer": a verb cue used as a noun belongs to its
        // possessor.
        let det =
            |i: usize| i >= s.first && (w.determiner.contains(s.norm(i)) || s.norm(i) == "'s");
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
        // A negator inside a propose cue ("would not host") or before any cue.
        let inner = stance == Stance::Proposes
            && class != Class::Predicate
            && (cue.start..cue.end).any(|i| w.negation.contains(s.norm(i)));
        let stance = if inner || negated(s, cue.start, &w.negation, &w.negation_blocker) {
            stance.flip()
        } else {
            stance
        };
        // The holder.
        let passive = self.passive_agent(s, m);
        let mut direct = false;
        let holders: Vec<Who> = if let Some(agent) = passive.clone() {
            direct = true;
            vec![agent]
        } else {
            match class {
                Class::Verb => {
                    let subjects = self.subjects(s, cue.start);
                    if subjects.is_empty() {
                        self.speaker(s, cue.start, quote).into_iter().collect()
                    } else {
                        direct = true;
                        subjects
                    }
                }
                Class::Speaker | Class::Predicate => {
                    self.speaker(s, cue.start, quote).into_iter().collect()
                }
                Class::Noun => self.possessor(s, cue.start).into_iter().collect(),
            }
        };
        if holders.is_empty() {
            return;
        }
        // "impossible for him" is the speaker's own position; "impossible for
        // Putin", said by someone else, is a guess at another's.
        if class == Class::Predicate && s.norm(cue.end) == "for" {
            let judged = s
                .starting_at(cue.end + 1)
                .and_then(|e| self.who_of(s, e))
                .or_else(|| self.pronoun(s, cue.end + 1));
            if judged.is_some_and(|j| holders.iter().all(|h| h.leader != j.leader)) {
                return;
            }
        }
        // "he was invited to Budapest": the subject of a passive is the one
        // invited; with no "by" agent nobody's position is stated.
        let participle = cue.end - cue.start == 1
            && s.norm(cue.start).ends_with("ed")
            && !s.has_cue(m, CueKind::Host);
        if class == Class::Verb && participle && passive.is_none() && cue.start > s.first {
            let mut p = cue.start - 1;
            while p > s.first && w.negation.contains(s.norm(p)) {
                p -= 1;
            }
            if w.passive_aux.contains(s.norm(p)) && direct {
                return;
            }
        }
        if (!direct && analyst_before(s, cue.start)) || analysts_speak(s) {
            return;
        }
        // The venues.
        let mut venues: Venues = match class {
            _ if passive.is_some() => self.venues_before(s, cue.start, VENUE_REACH),
            Class::Predicate => {
                // "no objection to Riyadh": a prepositional evaluation names
                // its venue after it.
                let prepositional = w.preposition.contains(s.norm(cue.end - 1));
                let after = || self.venues_after(s, m, true);
                let before = || self.venues_before(s, cue.start, PREDICATE_REACH);
                if prepositional {
                    Some(after())
                        .filter(|v| !v.is_empty())
                        .unwrap_or_else(before)
                } else {
                    Some(before())
                        .filter(|v| !v.is_empty())
                        .unwrap_or_else(after)
                }
            }
            _ => {
                let after = self.venues_after(s, m, false);
                // '"Minsk, Istanbul, Geneva," he offered': the quoted list
                // before an inverted attribution.
                let inverted = cue.start > s.first
                    && ends_clause(s, cue.end)
                    && !s.quoted[cue.start]
                    && (s.ending_at(cue.start).is_some()
                        || self.pronoun(s, cue.start - 1).is_some());
                if after.is_empty() && inverted {
                    let before = self.venues_before(s, cue.start, 8);
                    let quoted = (cue.start.saturating_sub(8)..cue.start).any(|i| s.quoted[i]);
                    if quoted {
                        before
                    } else {
                        Vec::new()
                    }
                } else {
                    after
                }
            }
        };
        if s.has_cue(m, CueKind::NeedsMeeting) {
            let hi = (cue.end + VENUE_REACH).min(s.toks.len());
            if !(cue.end..hi).any(|i| w.meeting_noun.contains(s.norm(i))) {
                return;
            }
        }
        if venues.is_empty() {
            venues = self.referenced(s, m, class, &holders, global);
        }
        if venues.is_empty()
            && s.has_cue(m, CueKind::Host)
            && direct
            && cue.start - self.subject_end(s, cue.start) <= 8
        {
            venues = holders
                .iter()
                .filter_map(|h| self.ex.lexicon.leaders[h.leader].country.as_deref())
                .filter_map(|c| self.ex.lexicon.venues.iter().position(|v| v.id == c))
                .take(1)
                .collect();
        }
        if venues.is_empty() {
            return;
        }
        // One does not invite oneself: "inviting me to Moscow" is about
        // someone else proposing.
        if class == Class::Verb {
            if let Some(obj) = self.object(s, cue.end) {
                if holders.iter().any(|h| h.leader == obj) {
                    return;
                }
            }
        }
        let historical = self.historical(s, cue.start);
        let lex = &self.ex.lexicon;
        for h in &holders {
            for &v in &venues {
                if stance == Stance::Proposes {
                    self.ctx.proposals.push((global, cue.start, h.leader, v));
                }
                self.out.push(Claim {
                    leader: lex.leaders[h.leader].id.clone(),
                    stance,
                    venue: lex.venues[v].id.clone(),
                    evidence: s.evidence(),
                    speaker: h.speaker.clone(),
                    historical,
                });
            }
        }
    }

    /// The speaker of the quote(s) in sentence `si`: a transcript label, an
    /// attribution outside the quote in this sentence or the next ones the
    /// quote runs into, else the last quote's speaker.
    fn quote_speaker(&self, sents: &[Sent], si: usize) -> Option<Who> {
        if let Some(l) = &self.ctx.label {
            return Some(l.clone());
        }
        let s = &sents[si];
        if !s.quoted.iter().any(|&q| q) {
            return None;
        }
        let outside = |s: &Sent| {
            self.attributions(s)
                .into_iter()
                .find(|(at, _)| !s.quoted.get(*at).copied().unwrap_or(false))
                .map(|(_, w)| w)
        };
        if let Some(w) = outside(s) {
            return Some(w);
        }
        let mut continues = s.quoted.last().copied().unwrap_or(false);
        for next in sents.iter().skip(si + 1).take(4) {
            if !continues {
                break;
            }
            if let Some(w) = outside(next) {
                return Some(w);
            }
            continues = next.quoted.last().copied().unwrap_or(false);
        }
        self.ctx
            .last_quote
            .clone()
            .or_else(|| self.ctx.carried.clone())
    }

    /// Attributions in a sentence: (position of the verb of saying, who),
    /// in text order.
    fn attributions(&self, s: &Sent) -> Vec<(usize, Who)> {
        let mut out = Vec::new();
        for m in 0..s.ments.len() {
            if !s.is_speech(m) || s.ments[m].start < s.first {
                continue;
            }
            let verb = &s.ments[m];
            // "Putin said", "the Kremlin also said"
            let mut i = verb.start;
            let mut steps = 0;
            let mut found = None;
            while i > s.first && steps < 5 {
                if s.is_punct(i - 1) {
                    break;
                }
                if let Some(e) = s.ending_at(i) {
                    if self.subject_position(s, e) {
                        found = self.who_of(s, e);
                    }
                    break;
                }
                if let Some(w) = self.pronoun(s, i - 1) {
                    found = Some(w);
                    break;
                }
                i -= 1;
                steps += 1;
            }
            // "..., said Peskov.", "according to the Kremlin" (not "told X":
            // the one told is not the speaker; not "said Moscow was ...": that
            // is the subject of what was said).
            let according = s.norm(verb.start) == "according";
            let told = s.norm(verb.start).starts_with("tel") || s.norm(verb.start) == "told";
            if found.is_none() && !told {
                let mut j = verb.end;
                while j < s.toks.len() && self.ex.words.determiner.contains(s.norm(j)) {
                    j += 1;
                }
                let reach = if according { 6 } else { 1 };
                let hi = (j + reach).min(s.toks.len());
                while j < hi && !s.is_punct(j) {
                    if let Some(e) = s.starting_at(j) {
                        let closes = according
                            || s.ments[e].end >= s.toks.len()
                            || s.is_punct(s.ments[e].end);
                        if closes {
                            found = self.who_of(s, e);
                        }
                        break;
                    }
                    j += 1;
                }
            }
            if let Some(w) = found {
                out.push((verb.start, w));
            }
        }
        out
    }

    /// The holder for a cue whose holder is the speaker: the quote's
    /// speaker, else the nearest attribution, else the sentence's first
    /// subject.
    fn speaker(&self, s: &Sent, at: usize, quote: Option<&Who>) -> Option<Who> {
        if s.quoted.get(at).copied().unwrap_or(false) {
            if let Some(q) = quote {
                return Some(q.clone());
            }
        }
        let atts = self.attributions(s);
        let before = atts.iter().rev().find(|(p, _)| *p < at);
        let after = atts.iter().find(|(p, _)| *p >= at);
        before
            .or(after)
            .map(|(_, w)| w.clone())
            .or_else(|| self.first_subject(s))
    }

    /// The first entity of a sentence in subject position (pronouns
    /// resolved).
    fn first_subject(&self, s: &Sent) -> Option<Who> {
        for i in s.first..s.toks.len() {
            if s.quoted[i] && self.ctx.label.is_none() {
                continue;
            }
            if let Some(m) = s.starting_at(i) {
                if matches!(s.refs[m], Some(Ref::Person(_))) && !after_preposition(self, s, i) {
                    return self.who_of(s, m);
                }
            } else if let Some(w) = self.pronoun(s, i) {
                if !after_preposition(self, s, i) {
                    return Some(w);
                }
            }
        }
        None
    }

    /// The subject(s) of the verb at token `at`: the nearest entity before
    /// it in subject position, with any coordinated with it ("X and Y
    /// agreed").
    fn subjects(&self, s: &Sent, at: usize) -> Vec<Who> {
        let w = &self.ex.words;
        let lo = at.saturating_sub(SUBJECT_REACH).max(s.first);
        let in_quote = s.quoted.get(at).copied().unwrap_or(false);
        let mut i = at;
        while i > lo {
            let t = i - 1;
            if s.quoted[t] != in_quote || s.norm(t) == ";" {
                break;
            }
            let word = s.norm(t);
            if w.complementizer.contains(word) || w.pronoun_second.contains(word) {
                break;
            }
            if let Some(m) = s.ending_at(i) {
                if self.is_subject(s, m, at) {
                    let mut out: Vec<Who> =
                        self.same_country_speaker(s, m, at).into_iter().collect();
                    // "X and Y agreed": coordinated subjects.
                    let mut start = s.ments[m].start;
                    while start >= 2 && matches!(s.norm(start - 1), "and" | ",") {
                        let Some(prev) = s.ending_at(start - 1) else {
                            break;
                        };
                        if !self.is_subject(s, prev, at) {
                            break;
                        }
                        out.extend(self.who_of(s, prev));
                        start = s.ments[prev].start;
                    }
                    if !out.is_empty() {
                        return out;
                    }
                }
                i = s.ments[m].start;
                continue;
            }
            if let Some(p) = self.pronoun(s, t) {
                // ", he said," is an attribution, not the subject.
                let parenthetical = s.starting_at(t + 1).is_some_and(|c| s.is_speech(c));
                if !after_preposition(self, s, t) && !after_stance(s, t) && !parenthetical {
                    return vec![p];
                }
            }
            i -= 1;
        }
        Vec::new()
    }

    /// The holder for subject mention `m`: a place speaks through its
    /// government, unless someone of that country is quoted saying so ("the
    /// Swiss president said Switzerland was ready": the one speaking).
    fn same_country_speaker(&self, s: &Sent, m: usize, at: usize) -> Option<Who> {
        let who = self.who_of(s, m)?;
        if !matches!(s.refs[m], Some(Ref::Place { .. })) {
            return Some(who);
        }
        let leaders = &self.ex.lexicon.leaders;
        let country = leaders[who.leader].country.as_deref();
        let atts = self.attributions(s);
        let speaker = atts
            .into_iter()
            .rev()
            .find(|(p, _)| *p < at)
            .map(|(_, w)| w)
            .filter(|w| {
                w.leader != who.leader
                    && country.is_some()
                    && leaders[w.leader].country.as_deref() == country
            });
        Some(speaker.unwrap_or(who))
    }

    /// Where the subject found for the cue at `at` ends (for "X is ready to
    /// host": the host default needs X close to the cue).
    fn subject_end(&self, s: &Sent, at: usize) -> usize {
        let lo = at.saturating_sub(SUBJECT_REACH).max(s.first);
        (lo..at)
            .rev()
            .find(|&t| {
                s.ending_at(t + 1)
                    .is_some_and(|m| self.is_subject(s, m, at))
                    || (self.pronoun(s, t).is_some() && !after_preposition(self, s, t))
            })
            .map_or(lo, |t| t + 1)
    }

    /// Whether mention `m` can be the subject of the verb at `at`.
    fn is_subject(&self, s: &Sent, m: usize, at: usize) -> bool {
        let mention = &s.ments[m];
        let Some(r) = &s.refs[m] else { return false };
        // "After Trump urged ...": a conjunction, not a preposition, when the
        // verb follows at once.
        let w = &self.ex.words;
        let opens_clause = mention.start > 0
            && w.clause_opener.contains(s.norm(mention.start - 1))
            && at <= mention.end + 2;
        if (!self.subject_position(s, m) && !opens_clause) || after_stance(s, mention.start) {
            return false;
        }
        // "dares Putin to come": an object with an infinitive, not a subject.
        let place_next = s
            .starting_at(mention.end + 1)
            .is_some_and(|n| matches!(s.refs[n], Some(Ref::Place { .. })));
        if s.norm(mention.end) == "to" && !place_next {
            return false;
        }
        match r {
            Ref::Person(_) => true,
            // A place is a government only as the close subject of a verb:
            // "Kyiv has long refused", "Hungary, for its part, wants".
            Ref::Place { gov, .. } => {
                gov.is_some()
                    && at - mention.end <= 8
                    && (mention.end..at).all(|i| !s.is_punct(i) || s.norm(i) == ",")
            }
        }
    }

    /// Not after a preposition, not a possessive (unless of a role: "Zelensky's
    /// office").
    fn subject_position(&self, s: &Sent, m: usize) -> bool {
        let mention = &s.ments[m];
        if after_preposition(self, s, mention.start) {
            return false;
        }
        if s.norm(mention.end) == "'s" {
            return self.ex.words.role.contains(s.norm(mention.end + 1));
        }
        true
    }

    fn who_of(&self, s: &Sent, m: usize) -> Option<Who> {
        match &s.refs[m] {
            Some(Ref::Person(w)) => Some(w.clone()),
            Some(Ref::Place { gov, .. }) => gov.clone(),
            None => None,
        }
    }

    /// A pronoun at token `t`, resolved: first person inside a quote is the
    /// quote's speaker; third person is the nearest earlier subject in the
    /// sentence that a verb follows, else the carried speaker.
    fn pronoun(&self, s: &Sent, t: usize) -> Option<Who> {
        let w = &self.ex.words;
        let word = s.norm(t);
        if s.at[t].is_some() {
            return None;
        }
        if w.pronoun_first.contains(word) {
            if s.quoted.get(t).copied().unwrap_or(false) {
                return self
                    .ctx
                    .label
                    .clone()
                    .or_else(|| self.ctx.cur_quote.clone())
                    .or_else(|| self.ctx.last_quote.clone());
            }
            return None;
        }
        if !w.pronoun_third.contains(word) {
            return None;
        }
        for i in (s.first..t).rev() {
            let Some(m) = s.ending_at(i + 1) else {
                continue;
            };
            let Some(Ref::Person(who)) = &s.refs[m] else {
                continue;
            };
            let mention = &s.ments[m];
            if s.quoted[mention.start] != s.quoted[t]
                || in_condition(s, mention.start, &w.conditional)
            {
                continue;
            }
            let verb_follows = (mention.end..(mention.end + 3).min(t)).any(|j| {
                s.at[j].is_some_and(|c| s.is_speech(c) || s.is_stance(c))
                    && !(mention.end..j).any(|k| s.is_punct(k))
            });
            let opens = (s.first..mention.start).all(|k| s.starting_at(k).is_none())
                && opens_sentence(self, s, mention.start);
            if verb_follows || opens {
                return Some(who.clone());
            }
        }
        // "they" is not the last single speaker.
        if w.pronoun_plural.contains(word) {
            return None;
        }
        self.ctx.carried.clone()
    }

    /// The "by X" agent of a passive cue ("a location rejected by Kyiv").
    fn passive_agent(&self, s: &Sent, m: usize) -> Option<Who> {
        let cue = &s.ments[m];
        if s.stance_cue(m).map(|(_, c)| c) != Some(Class::Verb) || s.norm(cue.end) != "by" {
            return None;
        }
        let e = s.starting_at(cue.end + 1)?;
        self.who_of(s, e)
    }

    /// The possessor of a noun cue ("Lavrov's dismissal of").
    fn possessor(&self, s: &Sent, at: usize) -> Option<Who> {
        if at >= 1 && self.ex.words.determiner.contains(s.norm(at - 1)) {
            // "his offer": a possessive pronoun; "the offer": none.
            return self.pronoun(s, at - 1);
        }
        if at < 2 || s.norm(at - 1) != "'s" {
            return None;
        }
        let e = s.ending_at(at - 1)?;
        self.who_of(s, e)
    }

    /// The leader named right after a verb cue (its object), if any.
    fn object(&self, s: &Sent, end: usize) -> Option<usize> {
        let w = &self.ex.words;
        let mut i = end;
        while w.determiner.contains(s.norm(i)) {
            i += 1;
        }
        if let Some(m) = s.starting_at(i) {
            return match &s.refs[m] {
                Some(Ref::Person(who)) => Some(who.leader),
                _ => None,
            };
        }
        // "invite me": first person only; "him" is never the subject himself.
        if w.pronoun_first.contains(s.norm(i)) {
            return self.pronoun(s, i).map(|p| p.leader);
        }
        None
    }

    /// Venues after cue `m`: the first licensed one within reach and those
    /// listed with it. A predicate's reach stops at a comma.
    fn venues_after(&self, s: &Sent, m: usize, predicate: bool) -> Venues {
        let cue = &s.ments[m];
        let reach = if predicate {
            PREDICATE_REACH
        } else {
            VENUE_REACH
        };
        let hi = (cue.end + reach).min(s.toks.len());
        let mut i = cue.end;
        while i < hi {
            let word = s.norm(i);
            if word == ";" || (predicate && word == ",") {
                break;
            }
            // ", as Macron urged ...": a new clause, unless it goes on
            // listing places (", and Belarus").
            if word == "," && self.ex.words.clause_opener.contains(s.norm(i + 1)) {
                let mut j = i + 2;
                while self.ex.words.determiner.contains(s.norm(j)) {
                    j += 1;
                }
                let listing = s.starting_at(j).is_some_and(|n| self.place(s, n).is_some());
                if !listing {
                    break;
                }
            }
            // A relative clause after the object ("the truce that leaders
            // demanded in Kyiv"); "proposed that ..." and ", that ..." open
            // what was proposed.
            let w = &self.ex.words;
            if w.relative.contains(word) && i > cue.end + 1 && s.norm(i - 1) != "," {
                break;
            }
            if let Some(n) = s.starting_at(i) {
                // A noun cue inside the object ("rejected Putin's invitation to")
                // leaves the venue to both.
                let noun = s.stance_cue(n).is_some_and(|(_, c)| c == Class::Noun);
                let stops =
                    (s.is_stance(n) && !s.absorbed[n] && !noun) || s.has_cue(n, CueKind::PastEvent);
                if stops || (predicate && s.is_speech(n)) {
                    break;
                }
                if self.licensed_after(s, n, cue.end, predicate) {
                    return self.list_after(s, n);
                }
                i = s.ments[n].end;
                continue;
            }
            if let Some(v) = self.deictic(s, i) {
                return vec![v];
            }
            i += 1;
        }
        self.announced_list(s, cue.end)
    }

    /// "considering three venues for a broader meeting: Turkey, the Vatican
    /// or Switzerland": a cue whose object is a noun of places, and a list
    /// after a colon or dash later in the sentence.
    fn announced_list(&self, s: &Sent, from: usize) -> Venues {
        let w = &self.ex.words;
        let hi = (from + VENUE_REACH).min(s.toks.len());
        let Some(noun) = (from..hi).find(|&i| w.venue_noun.contains(s.norm(i))) else {
            return Vec::new();
        };
        let Some(colon) = (noun..s.toks.len())
            .take(SUBJECT_REACH)
            .find(|&i| s.norm(i) == ":" || is_dash_break(s, i) || s.norm(i) == ";")
        else {
            return Vec::new();
        };
        if s.norm(colon) == ";" {
            return Vec::new();
        }
        let mut i = colon + 1;
        while i < s.toks.len() && (w.determiner.contains(s.norm(i)) || s.norm(i) == "\"") {
            i += 1;
        }
        match s.starting_at(i) {
            Some(n) if self.place(s, n).is_some() => self.list_after(s, n),
            _ => Vec::new(),
        }
    }

    /// Venues before `at` (within `reach`): the nearest usable one and those
    /// listed with it.
    fn venues_before(&self, s: &Sent, at: usize, reach: usize) -> Venues {
        let lo = at.saturating_sub(reach).max(s.first);
        let mut i = at;
        while i > lo {
            let t = i - 1;
            if s.norm(t) == ";" {
                break;
            }
            if let Some(n) = s.ending_at(i) {
                if s.is_stance(n) || s.has_cue(n, CueKind::PastEvent) {
                    break;
                }
                if self.licensed_before(s, n) {
                    return self.list_before(s, n);
                }
                i = s.ments[n].start;
                continue;
            }
            if let Some(v) = self.deictic(s, t) {
                return vec![v];
            }
            i -= 1;
        }
        Vec::new()
    }

    /// "there" used of a place: the last venue named before it.
    fn deictic(&self, s: &Sent, t: usize) -> Option<usize> {
        let w = &self.ex.words;
        if !w.deictic_place.contains(s.norm(t)) || w.existential.contains(s.norm(t + 1)) {
            return None;
        }
        (s.first..t)
            .rev()
            .find_map(|i| match s.at[i].and_then(|m| s.refs[m].clone()) {
                Some(Ref::Place { venue, .. }) => Some(venue),
                _ => None,
            })
            .or(self.ctx.last_venue)
    }

    fn place(&self, s: &Sent, n: usize) -> Option<(usize, bool)> {
        match &s.refs[n] {
            Some(Ref::Place {
                venue, territory, ..
            }) => Some((*venue, *territory)),
            _ => None,
        }
    }

    /// Whether place mention `n` after a cue ending at `cue_end` is the
    /// cue's venue: right after the cue (modulo determiners), after a
    /// locative preposition, a colon, dash or quote, or "the state of"; not
    /// a statement's place, a possessive, or the subject of a next verb.
    fn licensed_after(&self, s: &Sent, n: usize, cue_end: usize, predicate: bool) -> bool {
        let w = &self.ex.words;
        let Some((_, territory)) = self.place(s, n) else {
            return false;
        };
        let mention = &s.ments[n];
        let mut p = mention.start;
        while p > cue_end && w.determiner.contains(s.norm(p - 1)) {
            p -= 1;
        }
        // Right after the cue it is its object ("rejects Vatican offer"),
        // whatever follows.
        let object = p <= cue_end || s.ending_at(p).is_some_and(|c| s.absorbed[c]);
        if !self.usable(s, n, object) {
            return false;
        }
        if object {
            // "urged Kyiv to agree": the one addressed, not the place; broad
            // verbs ("urged", "wants") always address their object.
            let to_verb = s.norm(mention.end) == "to"
                && s.toks.get(mention.end + 1).is_some_and(|t| t.is_word())
                && s.starting_at(mention.end + 1).is_none();
            let broad = s
                .ending_at(cue_end)
                .is_some_and(|c| s.has_cue(c, CueKind::NeedsMeeting));
            return !to_verb && !broad;
        }
        let prev = s.norm(p - 1);
        // "acceptable to Kyiv", "impossible for Moscow": who judges.
        if predicate && p == cue_end + 1 && matches!(prev, "to" | "for" | "with") {
            return false;
        }
        // After a colon or dash only when the cue's object announced places
        // ("the location of the meeting: Anchorage").
        let announced = (cue_end.saturating_sub(3)..p).any(|i| w.venue_noun.contains(s.norm(i)));
        w.locative.contains(prev)
            || (matches!(prev, ":" | "-" | "\"" | "(") && (announced || p == cue_end + 1))
            || (territory && prev == "on")
            || (prev == "of" && w.place_noun.contains(s.norm(p.saturating_sub(2))))
            || (predicate && (w.copula.contains(prev) || w.coordinator.contains(prev)))
    }

    /// Whether place mention `n` before a predicate is its venue.
    fn licensed_before(&self, s: &Sent, n: usize) -> bool {
        let w = &self.ex.words;
        if self.place(s, n).is_none() || !self.usable(s, n, false) {
            return false;
        }
        let start = s.ments[n].start;
        let mut p = start;
        while p > s.first && w.determiner.contains(s.norm(p - 1)) {
            p -= 1;
        }
        let prev = if p > s.first { s.norm(p - 1) } else { "" };
        !w.preposition.contains(prev) || w.locative.contains(prev)
    }

    /// Not where a statement was made, not a possessive ("Russia's role"),
    /// not the subject of a verb that follows ("Moscow rejected").
    fn usable(&self, s: &Sent, n: usize, object: bool) -> bool {
        let w = &self.ex.words;
        let mention = &s.ments[n];
        let mut p = mention.start;
        while p > s.first && w.determiner.contains(s.norm(p - 1)) {
            p -= 1;
        }
        if s.ending_at(p)
            .is_some_and(|c| s.has_cue(c, CueKind::StatementPlace))
        {
            return false;
        }
        if s.norm(mention.end) == "'s" {
            return false;
        }
        // "Russia-Ukraine talks": the parties, not the place.
        let hyphen = s.norm(mention.end) == "-" && !is_dash_break(s, mention.end);
        let pair = |i: usize| {
            s.starting_at(i)
                .is_some_and(|n| matches!(s.refs[n], Some(Ref::Place { .. })))
        };
        if hyphen && pair(mention.end + 1) {
            return false;
        }
        if mention.start >= 2
            && s.norm(mention.start - 1) == "-"
            && !is_dash_break(s, mention.start - 1)
            && s.ending_at(mention.start - 1)
                .is_some_and(|n| matches!(s.refs[n], Some(Ref::Place { .. })))
        {
            return false;
        }
        let next = s.starting_at(mention.end);
        object
            || !next.is_some_and(|c| {
                s.is_speech(c) || s.stance_cue(c).is_some_and(|(_, k)| k == Class::Verb)
            })
    }

    /// Place `n` and the places listed after it ("Turkey, the Vatican or
    /// Switzerland").
    fn list_after(&self, s: &Sent, n: usize) -> Venues {
        let mut out: Venues = self.place(s, n).map(|p| p.0).into_iter().collect();
        let mut end = s.ments[n].end;
        while let Some(next) = (end..(end + 10).min(s.toks.len()))
            .find_map(|i| s.starting_at(i).filter(|&m| self.place(s, m).is_some()))
        {
            let next_start = s.ments[next].start;
            let linked =
                self.list_gap(s, end, next_start) || self.list_extension(s, end, next_start);
            if !linked || !self.usable(s, next, false) {
                break;
            }
            match self.place(s, next) {
                Some((v, _)) => out.push(v),
                None => break,
            }
            end = s.ments[next].end;
        }
        out
    }

    /// Place `n` and the places listed before it.
    fn list_before(&self, s: &Sent, n: usize) -> Venues {
        let mut out: Venues = self.place(s, n).map(|p| p.0).into_iter().collect();
        let mut start = s.ments[n].start;
        loop {
            let lo = start.saturating_sub(6).max(s.first);
            let Some(prev) = (lo..start).rev().find_map(|i| s.ending_at(i + 1)) else {
                break;
            };
            if !self.list_gap(s, s.ments[prev].end, start) || !self.usable(s, prev, false) {
                break;
            }
            match self.place(s, prev) {
                Some((v, _)) => out.insert(0, v),
                None => break,
            }
            start = s.ments[prev].start;
        }
        out
    }

    /// Whether tokens `a..b` take a list up again after other words:
    /// "..., alongside Turkey", "... at some point — possibly to Florida".
    fn list_extension(&self, s: &Sent, a: usize, b: usize) -> bool {
        let w = &self.ex.words;
        let gap = a..b;
        if gap
            .clone()
            .any(|i| s.norm(i) == ";" || s.at[i].is_some_and(|m| s.is_speech(m)))
        {
            return false;
        }
        let mut p = b;
        while p > a && w.determiner.contains(s.norm(p - 1)) {
            p -= 1;
        }
        if p > a && w.list_extender.contains(s.norm(p - 1)) {
            return true;
        }
        // A dash or colon, then only list words.
        let Some(k) = gap
            .clone()
            .rev()
            .find(|&i| s.norm(i) == ":" || is_dash_break(s, i))
        else {
            return false;
        };
        (a..k).all(|i| s.toks[i].is_word())
            && k - a <= 6
            && (k + 1..b)
                .all(|i| w.list_filler.contains(s.norm(i)) || w.coordinator.contains(s.norm(i)))
    }

    /// Whether tokens `a..b` only link two listed venues.
    fn list_gap(&self, s: &Sent, a: usize, b: usize) -> bool {
        let w = &self.ex.words;
        let words = &s.toks[a..b];
        words.iter().any(|t| w.coordinator.contains(&t.norm))
            && words.iter().all(|t| {
                w.coordinator.contains(&t.norm) || w.list_filler.contains(&t.norm) || t.norm == "\""
            })
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
        let inside = (cue.start..cue.end).any(|i| w.reference.contains(s.norm(i)));
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
        // Between the cue and the noun only determiners and a possessor.
        let possessor = found.and_then(|i| {
            (i >= 2 && s.norm(i - 1) == "'s")
                .then(|| s.ending_at(i - 1))
                .flatten()
                .and_then(|e| self.who_of(s, e))
        });
        let proposals = &self.ctx.proposals;
        let pick = match possessor {
            Some(p) => proposals.iter().rev().find(|x| x.2 == p.leader),
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

/// Whether token `t` follows a preposition.
fn after_preposition(run: &Run, s: &Sent, t: usize) -> bool {
    let w = &run.ex.words;
    // "with President Erdogan": titles between do not count.
    let mut p = t;
    loop {
        if let Some(m) = s
            .ending_at(p)
            .filter(|&m| matches!(s.refs[m], Some(Ref::Person(_))))
        {
            // "with Ukrainian President Volodymyr Zelensky": title and name.
            p = s.ments[m].start;
        } else if p > s.first + 1
            && (w.role.contains(s.norm(p - 1))
                || w.determiner.contains(s.norm(p - 1))
                || capitalised(s, p - 1))
        {
            // Titles and first names between ("with President Recep Erdogan").
            p -= 1;
        } else {
            break;
        }
    }
    if p == 0 {
        return false;
    }
    if w.preposition.contains(s.norm(p - 1)) {
        return true;
    }
    // "between Trump and Putin": the second of a pair after a preposition.
    if matches!(s.norm(p - 1), "and" | "or") {
        if let Some(m) = s.ending_at(p - 1) {
            return after_preposition(run, s, s.ments[m].start);
        }
    }
    false
}

/// Whether token `t` directly follows a stance cue (it is its object).
fn after_stance(s: &Sent, t: usize) -> bool {
    let mut p = t;
    while p > 0 && matches!(s.norm(p - 1), "the" | "a" | "an") {
        p -= 1;
    }
    s.ending_at(p).is_some_and(|c| s.is_stance(c))
}

/// Whether the cue at `at` sits in an "if"/"whether" clause: a conditional
/// word before it with no clause break between.
fn in_condition(s: &Sent, at: usize, conditional: &std::collections::HashSet<String>) -> bool {
    for i in (s.first..at).rev() {
        let word = s.norm(i);
        if matches!(word, "," | ";" | ":" | "\"" | "(" | ")") || is_dash_break(s, i) {
            return false;
        }
        if conditional.contains(word) {
            return true;
        }
    }
    false
}

/// Whether a negator stands shortly before the cue at `at`.
fn negated(
    s: &Sent,
    at: usize,
    negation: &std::collections::HashSet<String>,
    blocker: &std::collections::HashSet<String>,
) -> bool {
    let lo = at.saturating_sub(NEGATION_REACH).max(s.first);
    for i in (lo..at).rev() {
        // Scare quotes around the negator do not end its reach.
        if s.norm(i) == "\"" {
            continue;
        }
        if s.is_punct(i) || s.at[i].is_some_and(|m| s.is_stance(m)) {
            return false;
        }
        if negation.contains(s.norm(i)) {
            return !blocker.contains(s.norm(i + 1));
        }
    }
    false
}

/// Whether analysts are the ones speaking ("..., analysts said").
fn analysts_speak(s: &Sent) -> bool {
    (0..s.ments.len()).any(|m| {
        s.has_cue(m, CueKind::Analyst)
            && !s.quoted[s.ments[m].start]
            && (s.ments[m].end..s.ments[m].end + 3).any(|i| {
                s.at.get(i)
                    .copied()
                    .flatten()
                    .is_some_and(|c| s.is_speech(c))
            })
    })
}

/// Whether an analyst's view is reported before token `at`.
fn analyst_before(s: &Sent, at: usize) -> bool {
    (0..s.ments.len()).any(|m| s.ments[m].start < at && s.has_cue(m, CueKind::Analyst))
}

/// Whether the clause ends right after token `end` ("Minsk, Geneva," he
/// offered —).
fn ends_clause(s: &Sent, end: usize) -> bool {
    end >= s.toks.len() || s.is_punct(end)
}

/// Travel and agreement cues right after an invitation belong to it:
/// "invited him to come to Moscow", "suggested Putin come to Kyiv".
fn absorbed_cues(s: &Sent) -> Vec<bool> {
    let mut out = vec![false; s.ments.len()];
    for (m, mention) in s.ments.iter().enumerate() {
        // Only trips and invitations ("to come to") join an earlier cue;
        // an exception ("anywhere but") stands on its own.
        if s.stance_cue(m) != Some((Stance::Proposes, Class::Speaker)) {
            continue;
        }
        let lo = mention.start.saturating_sub(5);
        let governor = (lo..mention.start)
            .rev()
            .find_map(|i| s.ending_at(i + 1).filter(|&c| s.is_stance(c)));
        if let Some(g) = governor {
            let between = s.ments[g].end..mention.start;
            if between.clone().all(|i| !s.is_punct(i)) {
                out[m] = true;
            }
        }
    }
    out
}

/// Where a dateline ("BEIJING —", "Moscow, 23 May 2025 —") ends.
fn dateline_end(s: &Sent) -> usize {
    let Some(dash) = (0..s.toks.len().min(9)).find(|&i| s.norm(i) == "-") else {
        return 0;
    };
    if dash == 0 {
        return 0;
    }
    let first = &s.toks[0];
    let orig = s.text.get(first.start..first.end).unwrap_or("");
    let caps = orig.chars().filter(|c| c.is_alphabetic()).count() >= 3
        && !orig.chars().any(char::is_lowercase);
    let year =
        (0..dash).any(|i| s.norm(i).len() == 4 && s.norm(i).chars().all(|c| c.is_ascii_digit()));
    if caps || year {
        dash + 1
    } else {
        0
    }
}

/// Whether token `i` is a dash that breaks a clause ("Moscow — and"), not a
/// hyphen inside a compound ("Putin-Zelensky").
fn is_dash_break(s: &Sent, i: usize) -> bool {
    let Some(t) = s.toks.get(i) else { return false };
    if t.norm != "-" {
        return false;
    }
    let orig = s.text.get(t.start..t.end).unwrap_or("");
    let spaced = s
        .text
        .get(..t.start)
        .is_some_and(|b| b.ends_with(char::is_whitespace));
    orig != "-" || spaced
}

/// Whether the sentence opens with the entity at `start`: nothing before it
/// but determiners, titles and capitalised words, or a short opening phrase
/// ("On Friday, ...", "Within hours ...").
fn opens_sentence(run: &Run, s: &Sent, start: usize) -> bool {
    let w = &run.ex.words;
    let prefix = s.first..start;
    if prefix.is_empty() {
        return true;
    }
    if w.preposition.contains(s.norm(s.first)) {
        return start <= s.first + 5;
    }
    prefix.clone().all(|k| {
        let t = &s.toks[k];
        let orig = s.text.get(t.start..t.end).unwrap_or("");
        w.determiner.contains(&t.norm)
            || w.role.contains(&t.norm)
            || !t.is_word()
            || (k > s.first && orig.chars().next().is_some_and(char::is_uppercase))
    })
}

/// Whether token `i` is written with a capital (a name or title word).
fn capitalised(s: &Sent, i: usize) -> bool {
    let t = &s.toks[i];
    t.is_word()
        && s.text
            .get(t.start..t.end)
            .and_then(|o| o.chars().next())
            .is_some_and(char::is_uppercase)
}

/// "Ukrainian President Volodymyr Zelensky": a title next to the leader's
/// own name is the leader speaking, not someone for them.
fn name_titles(s: &mut Sent) {
    for m in 1..s.ments.len() {
        if s.ments[m - 1].end != s.ments[m].start {
            continue;
        }
        let (Some(Ref::Person(a)), Some(Ref::Person(b))) = (&s.refs[m - 1], &s.refs[m]) else {
            continue;
        };
        if a.leader == b.leader && (a.speaker.is_none() || b.speaker.is_none()) {
            for i in [m - 1, m] {
                if let Some(Ref::Person(w)) = &mut s.refs[i] {
                    w.speaker = None;
                }
            }
        }
    }
}

/// Scare quotes ("called Geneva \"unfriendly\"") are no speech: a quote
/// opened and closed within the sentence around fewer than four words is
/// treated as unquoted.
fn unquote_short(toks: &[Token], quoted: &mut [bool]) {
    let mut i = 0;
    while i < toks.len() {
        if !(quoted[i] && toks[i].norm == "\"" && (i == 0 || !quoted[i - 1])) {
            i += 1;
            continue;
        }
        let Some(close) = (i + 1..toks.len()).find(|&j| toks[j].norm == "\"") else {
            break;
        };
        let words = (i + 1..close).filter(|&j| toks[j].is_word()).count();
        if words < 4 && (i..=close).all(|j| quoted[j]) {
            quoted[i..=close].iter_mut().for_each(|q| *q = false);
        }
        i = close + 1;
    }
}
