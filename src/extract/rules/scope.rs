//! Which venues a cue governs: after or before it, licensed by a
//! preposition or as its object, lists, "there", and the clauses that end a
//! cue's reach (conditions, relative clauses, negation scope).

use super::*;

impl Run<'_> {
    /// Venues after cue `m`: the first licensed one within reach and those
    /// listed with it. A predicate's reach stops at a comma.
    pub(super) fn venues_after(&self, s: &Sent, m: usize, predicate: bool) -> Venues {
        let w = &self.ex.words;
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
            if word == "," && w.clause_opener.contains(s.norm(i + 1)) {
                let mut j = i + 2;
                while w.determiner.contains(s.norm(j)) {
                    j += 1;
                }
                let listing = s.starting_at(j).is_some_and(|n| self.place(s, n).is_some());
                if !listing {
                    break;
                }
            }
            // ", reaffirming ...": a participle clause says something else.
            let after = if s.norm(i + 1) == "\"" { i + 2 } else { i + 1 };
            let participle = word == ","
                && s.norm(after).ends_with("ing")
                && s.at.get(after).is_some_and(|a| a.is_none())
                && !self.extender_before(s, after, after + 1);
            if participle {
                break;
            }
            // A relative clause after the object ("the truce that leaders
            // demanded in Kyiv"); "proposed that ..." and ", that ..." open
            // what was proposed.
            if w.relative.contains(word) && i > cue.end + 1 && s.norm(i - 1) != "," {
                break;
            }
            if let Some(n) = s.starting_at(i) {
                // A noun cue inside the object ("rejected Putin's invitation to")
                // leaves the venue to both; so does a participle used as an
                // adjective ("the proposed Vienna summit").
                let adjective = i > 0
                    && w.determiner.contains(s.norm(i - 1))
                    && s.starting_at(s.ments[n].end).is_some_and(|v| {
                        self.place(s, v).is_some()
                            && w.meeting_noun.contains(s.norm(s.ments[v].end))
                    });
                let noun = s.stance_cue(n).is_some_and(|(_, c)| c == Class::Noun) || adjective;
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
    pub(super) fn announced_list(&self, s: &Sent, from: usize) -> Venues {
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
    pub(super) fn venues_before(&self, s: &Sent, at: usize, reach: usize) -> Venues {
        let lo = at.saturating_sub(reach).max(s.first);
        let mut i = at;
        while i > lo {
            let t = i - 1;
            if s.norm(t) == ";" {
                break;
            }
            if let Some(n) = s.ending_at(i) {
                // ", favoured by the Kremlin," is an aside about the venue.
                let aside = s.norm(s.ments[n].end) == "by";
                if (s.is_stance(n) && !aside) || s.has_cue(n, CueKind::PastEvent) {
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

    /// "Budapest, which US officials have floated": the place a relative
    /// clause holding the cue is about.
    pub(super) fn relative_antecedent(&self, s: &Sent, at: usize) -> Venues {
        let w = &self.ex.words;
        let lo = at.saturating_sub(6).max(s.first);
        let Some(r) = (lo..at).rev().find(|&i| w.relative.contains(s.norm(i))) else {
            return Vec::new();
        };
        if (r + 1..at).any(|i| s.is_punct(i)) {
            return Vec::new();
        }
        let mut p = r;
        if p > s.first && s.norm(p - 1) == "," {
            p -= 1;
        }
        match s.ending_at(p) {
            Some(n) if self.place(s, n).is_some() => self.list_before(s, n),
            _ => Vec::new(),
        }
    }

    /// "Budapest, Trump's choice last autumn, is a non-starter": the place
    /// opening the sentence before an aside is what the evaluation at `at`
    /// (after a copula) is about.
    pub(super) fn fronted_subject(&self, s: &Sent, at: usize) -> Venues {
        let w = &self.ex.words;
        let mut i = s.first;
        while w.determiner.contains(s.norm(i)) {
            i += 1;
        }
        let Some(n) = s.starting_at(i).filter(|&n| self.place(s, n).is_some()) else {
            return Vec::new();
        };
        let end = s.ments[n].end;
        let copula = (at.saturating_sub(3)..at).any(|j| w.copula.contains(s.norm(j)));
        let aside = s.norm(end) == "," && (end + 1..at).any(|j| s.norm(j) == ",");
        let clear = (end..at).all(|j| !s.at[j].is_some_and(|c| s.is_stance(c) || s.is_speech(c)));
        if copula && aside && clear {
            self.place(s, n).map(|p| p.0).into_iter().collect()
        } else {
            Vec::new()
        }
    }

    /// "there" used of a place: the last venue named before it.
    pub(super) fn deictic(&self, s: &Sent, t: usize) -> Option<usize> {
        let w = &self.ex.words;
        if !w.deictic_place.contains(s.norm(t)) || w.existential.contains(s.norm(t + 1)) {
            return None;
        }
        (s.first..t)
            .rev()
            .filter_map(|i| s.ending_at(i + 1))
            .filter(|&n| !self.statement_place(s, n))
            .find_map(|n| self.place(s, n).map(|p| p.0))
            .or(self.ctx.last_venue)
    }

    /// Whether place mention `n` is where a statement was made ("at a news
    /// conference in Beijing").
    pub(super) fn statement_place(&self, s: &Sent, n: usize) -> bool {
        let w = &self.ex.words;
        let mut p = s.ments[n].start;
        while p > s.first && w.determiner.contains(s.norm(p - 1)) {
            p -= 1;
        }
        let Some(c) = s
            .ending_at(p)
            .filter(|&c| s.has_cue(c, CueKind::StatementPlace))
        else {
            return false;
        };
        // "will host Lula for a state visit to India", "hold talks
        // during a visit to Malaysia": the visit a cue offers or plans is
        // where the meeting is.
        let start = s.ments[c].start;
        let visit = (start..s.ments[c].end).any(|i| s.norm(i).starts_with("visit"));
        let offered = (start.saturating_sub(8).max(s.first)..start)
            .take_while(|&i| !s.is_punct(i))
            .any(|i| s.at[i].is_some_and(|m| s.is_stance(m)));
        let offered = offered
            && (start.saturating_sub(8).max(s.first)..start)
                .all(|i| !s.is_punct(i) || s.norm(i) == "-");
        !(visit && offered)
    }

    pub(super) fn place(&self, s: &Sent, n: usize) -> Option<(usize, bool)> {
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
    pub(super) fn licensed_after(
        &self,
        s: &Sent,
        n: usize,
        cue_end: usize,
        predicate: bool,
    ) -> bool {
        let w = &self.ex.words;
        let Some((_, territory)) = self.place(s, n) else {
            return false;
        };
        let mention = &s.ments[n];
        let mut p = mention.start;
        // "proposed either Nairobi or ...": determiners and list words.
        while p > cue_end
            && (w.determiner.contains(s.norm(p - 1))
                || matches!(s.norm(p - 1), "either" | "maybe" | "possibly" | "perhaps"))
        {
            p -= 1;
        }
        // "rejected the proposed Vienna summit": a place naming the meeting
        // in the object, with only determiners and modifiers before it.
        let names_meeting = w.meeting_noun.contains(s.norm(mention.end))
            && (cue_end..mention.start).all(|i| {
                s.toks[i].is_word()
                    && !w.preposition.contains(s.norm(i))
                    && s.at[i].is_none_or(|c| s.is_stance(c))
            });
        if names_meeting && self.usable(s, n, true) {
            return true;
        }
        // Right after the cue it is its object ("rejects Vatican offer"),
        // whatever follows.
        let object = p <= cue_end || s.ending_at(p).is_some_and(|c| s.absorbed[c]);
        // "left Moscow for Ankara": a departure's object is where from, and
        // "for" says where to.
        let trip = s
            .ending_at(cue_end)
            .filter(|&c| s.has_cue(c, CueKind::Trip));
        if let Some(c) = trip {
            let departure = s.ments[c].end - s.ments[c].start == 1;
            if departure && object {
                return false;
            }
            if p > cue_end && s.norm(p - 1) == "for" && self.usable(s, n, false) {
                return true;
            }
        }
        if !self.usable(s, n, object) {
            return false;
        }
        if object {
            // "urged Kyiv to agree": the one addressed, not the place; broad
            // verbs ("urged", "wants") always address their object.
            let to_verb = s.norm(mention.end) == "to"
                && s.toks.get(mention.end + 1).is_some_and(|t| t.is_word())
                && !w.determiner.contains(s.norm(mention.end + 1))
                && !capitalised(s, mention.end + 1)
                && s.starting_at(mention.end + 1).is_none();
            let broad = s
                .ending_at(cue_end)
                .is_some_and(|c| s.has_cue(c, CueKind::NeedsMeeting));
            // "offered Armenia a ceasefire": a recipient; "ready to meet
            // Russia": the other party. Neither is where to meet.
            let recipient = matches!(s.norm(mention.end), "a" | "an");
            let counterpart = matches!(s.norm(cue_end - 1), "meet" | "meeting");
            return !to_verb && !broad && !recipient && !counterpart;
        }
        let prev = s.norm(p - 1);
        // "a plan to end the war in Sudan": where the war is.
        if p >= 2 && w.locative.contains(prev) && w.conflict_noun.contains(s.norm(p - 2)) {
            return false;
        }
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
    pub(super) fn licensed_before(&self, s: &Sent, n: usize) -> bool {
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
    pub(super) fn usable(&self, s: &Sent, n: usize, object: bool) -> bool {
        let mention = &s.ments[n];
        if self.statement_place(s, n) {
            return false;
        }
        // "Russia's role", "the Yerevan authorities", "Moscow officials": the
        // place names an actor, not where to meet.
        if s.norm(mention.end) == "'s" || self.ex.words.role.contains(s.norm(mention.end)) {
            return false;
        }
        if self.modifier(s, n) || self.between(s, n) {
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

    /// Whether place mention `n` is one of the parties "between" names
    /// ("talks between Colombia and Venezuela").
    pub(super) fn between(&self, s: &Sent, n: usize) -> bool {
        let w = &self.ex.words;
        let mut p = s.ments[n].start;
        while p > s.first && w.determiner.contains(s.norm(p - 1)) {
            p -= 1;
        }
        if p == s.first {
            return false;
        }
        match s.norm(p - 1) {
            "between" => true,
            "and" => s
                .ending_at(p - 1)
                .filter(|&prev| self.place(s, prev).is_some())
                .is_some_and(|prev| self.between(s, prev)),
            _ => false,
        }
    }

    /// Whether place mention `n` modifies the plain noun after it ("US
    /// interests", "the Minsk agreements"); before a meeting noun it still
    /// names where ("the Istanbul talks").
    pub(super) fn modifier(&self, s: &Sent, n: usize) -> bool {
        let w = &self.ex.words;
        let next = s.ments[n].end;
        let Some(tok) = s.toks.get(next) else {
            return false;
        };
        let word = tok.norm.as_str();
        let plain = tok.is_word()
            && s.at[next].is_none()
            && !capitalised(s, next)
            && !word.chars().next().is_some_and(|c| c.is_ascii_digit());
        // "neutral countries such as Austria": a list goes on.
        if !plain || (1..=2).any(|k| self.extender_before(s, next, next + k)) {
            return false;
        }
        // A verb after the place makes it a subject ("Moscow remained the
        // best place", "Istanbul surprised nobody"): past tenses, and words
        // followed by a determiner or a pronoun.
        let then = s.norm(next + 1);
        let verb = word.ends_with("ed")
            || w.determiner.contains(then)
            || w.pronoun_third.contains(then)
            || w.pronoun_first.contains(then);
        plain
            && !verb
            && !word.ends_with("ly")
            && !word.ends_with("ing")
            && ![
                &w.preposition,
                &w.determiner,
                &w.coordinator,
                &w.auxiliary,
                &w.copula,
                &w.negation,
                &w.complementizer,
                &w.relative,
                &w.clause_opener,
                &w.conditional,
                &w.meeting_noun,
                &w.venue_noun,
                &w.list_filler,
                &w.adjunct,
            ]
            .iter()
            .any(|set| set.contains(word))
    }

    /// Place `n` and the places listed after it ("Turkey, the Vatican or
    /// Switzerland").
    pub(super) fn list_after(&self, s: &Sent, n: usize) -> Venues {
        let mut out: Venues = self.place(s, n).map(|p| p.0).into_iter().collect();
        let mut end = s.ments[n].end;
        while let Some(next) = (end..(end + 10).min(s.toks.len()))
            .find_map(|i| s.starting_at(i).filter(|&m| self.place(s, m).is_some()))
        {
            let next_start = s.ments[next].start;
            let prev = s.at[end - 1].unwrap_or(n);
            if self.apposition(s, prev, next) {
                end = s.ments[next].end;
                continue;
            }
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
    pub(super) fn list_before(&self, s: &Sent, n: usize) -> Venues {
        let mut out: Venues = self.place(s, n).map(|p| p.0).into_iter().collect();
        let mut start = s.ments[n].start;
        loop {
            let lo = start.saturating_sub(6).max(s.first);
            let Some(prev) = (lo..start).rev().find_map(|i| s.ending_at(i + 1)) else {
                break;
            };
            if let Some(cur) = s.starting_at(start) {
                if self.apposition(s, prev, cur) {
                    out.retain(|&v| Some(v) != self.place(s, cur).map(|p| p.0));
                }
            }
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
    pub(super) fn list_extension(&self, s: &Sent, a: usize, b: usize) -> bool {
        let w = &self.ex.words;
        let gap = a..b;
        // ", which is mediating alongside Uganda": a relative clause is about
        // the place before it, not a list.
        let relative = gap
            .clone()
            .any(|i| s.norm(i) == "," && w.relative.contains(s.norm(i + 1)));
        if relative
            || gap
                .clone()
                .any(|i| s.norm(i) == ";" || s.at[i].is_some_and(|m| s.is_speech(m)))
        {
            return false;
        }
        let mut p = b;
        while p > a && w.determiner.contains(s.norm(p - 1)) {
            p -= 1;
        }
        if self.extender_before(s, a, p) {
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

    /// Whether a list extender ("alongside", "such as") ends right before
    /// token `p`, after token `a`.
    pub(super) fn extender_before(&self, s: &Sent, a: usize, p: usize) -> bool {
        self.ex.words.list_extender_words.iter().any(|words| {
            let k = words.len();
            p >= a + k && (p - k..p).zip(words).all(|(i, word)| s.norm(i) == word)
        })
    }

    /// Whether tokens `a..b` only link two listed venues ("Turkey, Qatar",
    /// "in Turkey, in Europe or in Switzerland").
    pub(super) fn list_gap(&self, s: &Sent, a: usize, b: usize) -> bool {
        let w = &self.ex.words;
        let words = &s.toks[a..b];
        words
            .iter()
            .any(|t| w.coordinator.contains(t.norm.as_str()))
            && words.iter().all(|t| {
                w.coordinator.contains(t.norm.as_str())
                    || w.list_filler.contains(t.norm.as_str())
                    || w.locative.contains(t.norm.as_str())
                    || t.norm == "\""
            })
    }

    /// Whether place `next` only restates the country of place `prev` right
    /// before it ("Sharm el-Sheikh, Egypt"; "Muscat, Oman").
    pub(super) fn apposition(&self, s: &Sent, prev: usize, next: usize) -> bool {
        let lex = &self.ex.lexicon;
        let (Some((a, _)), Some((b, _))) = (self.place(s, prev), self.place(s, next)) else {
            return false;
        };
        let adjacent =
            s.ments[prev].end + 1 == s.ments[next].start && s.norm(s.ments[prev].end) == ",";
        adjacent
            && lex.venues[b].kind == VenueKind::Country
            && lex.venues[a].country.as_deref() == Some(lex.venues[b].id.as_str())
    }
}

/// Whether the cue at `at` sits in an "if"/"whether" clause: a conditional
/// word before it with no clause break between.
pub(super) fn in_condition(
    s: &Sent,
    at: usize,
    conditional: &rustc_hash::FxHashSet<String>,
) -> bool {
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
pub(super) fn negated(
    s: &Sent,
    at: usize,
    negation: &rustc_hash::FxHashSet<String>,
    blocker: &rustc_hash::FxHashSet<String>,
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
pub(super) fn analysts_speak(s: &Sent) -> bool {
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
pub(super) fn analyst_before(s: &Sent, at: usize) -> bool {
    (0..s.ments.len()).any(|m| s.ments[m].start < at && s.has_cue(m, CueKind::Analyst))
}
