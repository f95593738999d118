//! Who holds a cue: attributions ("Putin said", "according to Peskov"),
//! quote speakers, subjects of verbs, pronouns, possessors and passive
//! agents.

use super::*;

impl Run<'_> {
    /// The speaker of the quote(s) in sentence `si`: a transcript label, an
    /// attribution outside the quote in this sentence or the next ones the
    /// quote runs into, else the last quote's speaker.
    pub(super) fn quote_speaker(&self, sents: &[Sent], si: usize) -> Option<Who> {
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
        for next in sents.iter().skip(si + 1).take(LOOKAHEAD) {
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
    pub(super) fn attributions(&self, s: &Sent) -> Vec<(usize, Who)> {
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
                    // "Kenya's Foreign Minister, Musalia Mudavadi, told ...": the
                    // appositive name right before the verb.
                    if steps == 0 && s.norm(i - 1) == "," {
                        found = s
                            .ending_at(i - 1)
                            .filter(|&e| matches!(s.refs[e], Some(Ref::Person(_))))
                            .filter(|&e| self.appositive(s, e))
                            .and_then(|e| self.who_of(s, e));
                    }
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
                if let Some(w) = self.definite_head(s, i) {
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
                // "..., said the president."
                let head = self
                    .ex
                    .words
                    .head_role_words
                    .iter()
                    .map(|r| j + r.len())
                    .filter(|&end| end >= s.toks.len() || s.is_punct(end))
                    .find_map(|end| self.definite_head(s, end));
                if let Some(w) = head.filter(|_| j > verb.end) {
                    found = Some(w);
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
        // '"Let him come to Kyiv." — Zelensky': a quote signed after a dash
        // (or '"...", Putin.' at the end).
        for m in 0..s.ments.len() {
            let mention = &s.ments[m];
            let signs = mention.start > s.first
                && (is_dash_break(s, mention.start - 1) || s.norm(mention.start - 1) == ",")
                && mention.start >= s.first + 2
                && s.quoted[mention.start - 2]
                && !s.quoted[mention.start]
                && (mention.end..s.toks.len()).all(|i| s.is_punct(i));
            if signs && matches!(s.refs[m], Some(Ref::Person(_))) {
                if let Some(w) = self.who_of(s, m) {
                    out.push((mention.start, w));
                }
            }
        }
        out
    }

    /// "the president", "the head of state" ending at token `end`, with no
    /// country named: the leader last spoken of, as a pronoun would be.
    pub(super) fn definite_head(&self, s: &Sent, end: usize) -> Option<Who> {
        let w = &self.ex.words;
        if end == 0 || end > s.toks.len() || s.at[end - 1].is_some() {
            return None;
        }
        let role = w.head_role_words.iter().find_map(|words| {
            let start = end.checked_sub(words.len())?;
            let same = start >= 1
                && (start..end).zip(words).all(|(i, word)| s.norm(i) == word)
                && (start..end).all(|i| s.at[i].is_none());
            same.then_some(start)
        })?;
        if s.norm(role - 1) != "the" {
            return None;
        }
        self.ctx.carried.clone().map(|c| Who {
            leader: c.leader,
            speaker: None,
            place: false,
        })
    }

    /// The holder for a cue whose holder is the speaker: the quote's
    /// speaker, else the nearest attribution, else the sentence's first
    /// subject.
    pub(super) fn speaker(&self, s: &Sent, at: usize, quote: Option<&Who>) -> Option<Who> {
        self.attributed(s, at, quote)
            .or_else(|| self.first_subject(s))
    }

    /// Who is said to say what is at `at`: the quote's speaker inside a
    /// quote, else the nearest attribution (before it, else after).
    pub(super) fn attributed(&self, s: &Sent, at: usize, quote: Option<&Who>) -> Option<Who> {
        if s.quoted.get(at).copied().unwrap_or(false) {
            if let Some(q) = quote {
                return Some(q.clone());
            }
        }
        let atts = self.attributions(s);
        let before = atts.iter().rev().find(|(p, _)| *p < at);
        let after = atts.iter().find(|(p, _)| *p >= at);
        before.or(after).map(|(_, w)| w.clone())
    }

    /// Whether the verb at `at` has a plain noun phrase for subject ("the
    /// European Union has rejected", "the two sides agreed"): an article, at
    /// most two words, then auxiliaries or adverbs, then the verb.
    pub(super) fn common_noun_subject(&self, s: &Sent, at: usize) -> bool {
        let w = &self.ex.words;
        let mut i = at;
        while i > s.first && (w.auxiliary.contains(s.norm(i - 1)) || s.norm(i - 1).ends_with("ly"))
        {
            i -= 1;
        }
        // A word of no leader: not a person, not a place with a government.
        let plain = |j: usize| {
            let leaderless = s.at[j].is_none_or(|m| match &s.refs[m] {
                Some(Ref::Place { gov, .. }) => gov.is_none(),
                Some(Ref::Person(_)) => false,
                None => !s.is_stance(m) && !s.is_speech(m),
            });
            s.toks[j].is_word() && leaderless && self.pronoun(s, j).is_none()
        };
        if i == s.first || !plain(i - 1) {
            return false;
        }
        let lo = i.saturating_sub(4).max(s.first);
        (lo..i - 1)
            .rev()
            .take_while(|&j| plain(j))
            .any(|j| matches!(s.norm(j), "the" | "a" | "an"))
    }

    /// The one an evaluation is judged by: "unacceptable to Ukraine",
    /// "impossible for him".
    pub(super) fn judge(&self, s: &Sent, end: usize) -> Option<Who> {
        if !matches!(s.norm(end), "for" | "to" | "with") {
            return None;
        }
        s.starting_at(end + 1)
            .and_then(|e| self.who_of(s, e))
            .or_else(|| self.pronoun(s, end + 1))
    }

    /// The first entity of a sentence in subject position (pronouns
    /// resolved).
    pub(super) fn first_subject(&self, s: &Sent) -> Option<Who> {
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
    pub(super) fn subjects(&self, s: &Sent, at: usize) -> Vec<Who> {
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
                    // "X and Y agreed", "X, Y, and Z agreed": coordinated subjects.
                    let mut start = s.ments[m].start;
                    while start >= 2 && matches!(s.norm(start - 1), "and" | ",") {
                        let mut gap = start - 1;
                        if s.norm(gap) == "and" && gap >= 1 && s.norm(gap - 1) == "," {
                            gap -= 1;
                        }
                        let Some(prev) = s.ending_at(gap) else {
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
    pub(super) fn same_country_speaker(&self, s: &Sent, m: usize, at: usize) -> Option<Who> {
        let who = self.who_of(s, m)?;
        if !matches!(s.refs[m], Some(Ref::Place { .. })) {
            return Some(who);
        }
        let country = self.country_of(who.leader);
        let atts = self.attributions(s);
        let speaker = atts
            .into_iter()
            .rev()
            .find(|(p, _)| *p < at)
            .map(|(_, w)| w)
            .filter(|w| country.is_some() && self.country_of(w.leader) == country);
        Some(speaker.unwrap_or(who))
    }

    /// Where the subject found for the cue at `at` ends (for "X is ready to
    /// host": the host default needs X close to the cue).
    pub(super) fn subject_end(&self, s: &Sent, at: usize) -> usize {
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
    pub(super) fn is_subject(&self, s: &Sent, m: usize, at: usize) -> bool {
        let mention = &s.ments[m];
        let Some(r) = &s.refs[m] else { return false };
        // "After Trump urged ...": a conjunction, not a preposition, when the
        // verb follows at once.
        let w = &self.ex.words;
        let opens_clause = mention.start > 0
            && w.clause_opener.contains(s.norm(mention.start - 1))
            && at <= mention.end + 2
            && !self.coordinated_object(s, mention.start);
        if (!self.subject_position(s, m) && !opens_clause) || after_stance(s, mention.start) {
            return false;
        }
        // "Xi, who met Trump in Busan, has invited ...": not inside a relative
        // clause that closes before the verb.
        if in_relative_clause(self, s, mention.start, at) {
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

    /// Whether person mention `e` stands between commas as an appositive
    /// (", Wycliffe Musalia Mudavadi,"), given names allowed before it.
    fn appositive(&self, s: &Sent, e: usize) -> bool {
        let mut p = s.ments[e].start;
        while p > s.first && capitalised(s, p - 1) && s.at[p - 1].is_none() {
            p -= 1;
        }
        p > s.first && s.norm(p - 1) == ","
    }

    /// Whether the mention starting at `start` is the second of a pair
    /// after a preposition ("delegations from Sudan and South Sudan"), not the
    /// subject of a new clause.
    fn coordinated_object(&self, s: &Sent, start: usize) -> bool {
        start >= 2
            && matches!(s.norm(start - 1), "and" | "or")
            && s.ending_at(start - 1)
                .is_some_and(|prev| after_preposition(self, s, s.ments[prev].start))
    }

    /// Not after a preposition, not a possessive (unless of a role: "Zelensky's
    /// office").
    pub(super) fn subject_position(&self, s: &Sent, m: usize) -> bool {
        let mention = &s.ments[m];
        if after_preposition(self, s, mention.start) {
            return false;
        }
        if s.norm(mention.end) == "'s" {
            return self.ex.words.role.contains(s.norm(mention.end + 1));
        }
        true
    }

    pub(super) fn who_of(&self, s: &Sent, m: usize) -> Option<Who> {
        match &s.refs[m] {
            Some(Ref::Person(w)) => Some(w.clone()),
            Some(Ref::Place { gov, .. }) => gov.clone(),
            None => None,
        }
    }

    /// A pronoun at token `t`, resolved: first person inside a quote is the
    /// quote's speaker; third person is the nearest earlier subject in the
    /// sentence that a verb follows, else the carried speaker.
    pub(super) fn pronoun(&self, s: &Sent, t: usize) -> Option<Who> {
        let w = &self.ex.words;
        if t >= s.toks.len() || s.at[t].is_some() {
            return None;
        }
        let word = s.norm(t);
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
        // "Asked why he had chosen Hungary, Trump said ...": in an opening
        // participle clause the pronoun is the main clause's subject.
        let first = &s.toks[s.first.min(s.toks.len() - 1)];
        let participle = first.norm.ends_with("ed") || first.norm.ends_with("ing");
        if participle {
            if let Some(comma) = (s.first..s.toks.len()).find(|&i| s.norm(i) == ",") {
                if t < comma {
                    let main = (comma + 1..s.toks.len().min(comma + 4)).find_map(|i| {
                        s.starting_at(i).and_then(|m| match &s.refs[m] {
                            Some(Ref::Person(who)) => Some(who.clone()),
                            _ => None,
                        })
                    });
                    if main.is_some() {
                        return main;
                    }
                }
            }
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
    pub(super) fn passive_agent(&self, s: &Sent, m: usize) -> Option<Who> {
        let cue = &s.ments[m];
        if s.stance_cue(m).map(|(_, c)| c) != Some(Class::Verb) || s.norm(cue.end) != "by" {
            return None;
        }
        let e = s.starting_at(cue.end + 1)?;
        self.who_of(s, e)
    }

    /// Every agent of a passive cue: "supported by Kyiv, European states and
    /// the United States".
    pub(super) fn passive_agents(&self, s: &Sent, m: usize) -> Vec<Who> {
        let w = &self.ex.words;
        let Some(first) = self.passive_agent(s, m) else {
            return Vec::new();
        };
        let mut out = vec![first];
        let Some(mut n) = s.starting_at(s.ments[m].end + 1) else {
            return out;
        };
        loop {
            let mut i = s.ments[n].end;
            let mut linked = false;
            // Coordinators and a few plain words ("European states") between.
            let hi = (i + 5).min(s.toks.len());
            while i < hi && s.starting_at(i).is_none() {
                if s.is_punct(i) && s.norm(i) != "," {
                    break;
                }
                linked |= w.coordinator.contains(s.norm(i));
                i += 1;
            }
            let Some(next) = s.starting_at(i).filter(|_| linked) else {
                break;
            };
            out.extend(self.who_of(s, next));
            n = next;
        }
        out
    }

    /// The possessor of a noun cue ("Lavrov's dismissal of"), or the one it
    /// comes from ("an invitation from Modi").
    pub(super) fn possessor(&self, s: &Sent, m: usize) -> Option<Who> {
        let cue = &s.ments[m];
        if s.norm(cue.end - 1) == "from" {
            let mut i = cue.end;
            while self.ex.words.determiner.contains(s.norm(i)) {
                i += 1;
            }
            // "from Chinese President Xi Jinping": the title and the name.
            let mut found = None;
            while let Some(n) = s.starting_at(i) {
                match &s.refs[n] {
                    Some(Ref::Person(w)) => found = Some(w.clone()),
                    _ => break,
                }
                i = s.ments[n].end;
            }
            return found;
        }
        self.owner(s, cue.start)
    }

    /// The possessor of what starts at `at`: "Putin's", "his", or a
    /// country's adjective ("a French proposal").
    fn owner(&self, s: &Sent, at: usize) -> Option<Who> {
        let demonym = (at > s.first)
            .then(|| self.ex.words.demonym.get(s.norm(at - 1)))
            .flatten();
        if let Some(&vi) = demonym.filter(|_| s.at[at - 1].is_none()) {
            return self.leader_of(vi).map(|leader| Who {
                leader,
                speaker: Some(s.original_tokens(at - 1, at).to_string()),
                place: true,
            });
        }
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
    pub(super) fn object(&self, s: &Sent, end: usize) -> Option<usize> {
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
}

/// Whether token `t` follows a preposition.
pub(super) fn after_preposition(run: &Run, s: &Sent, t: usize) -> bool {
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
pub(super) fn after_stance(s: &Sent, t: usize) -> bool {
    let mut p = t;
    while p > 0 && matches!(s.norm(p - 1), "the" | "a" | "an") {
        p -= 1;
    }
    s.ending_at(p).is_some_and(|c| s.is_stance(c))
}

/// Whether the sentence opens with the entity at `start`: nothing before it
/// but determiners, titles and capitalised words, or a short opening phrase
/// ("On Friday, ...", "Within hours ...").
pub(super) fn opens_sentence(run: &Run, s: &Sent, start: usize) -> bool {
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
        w.determiner.contains(t.norm.as_str())
            || w.role.contains(t.norm.as_str())
            || !t.is_word()
            || (k > s.first && orig.chars().next().is_some_and(char::is_uppercase))
    })
}

/// Whether token `t` sits in a relative clause (", who ... ,") that closes
/// before token `at`.
fn in_relative_clause(run: &Run, s: &Sent, t: usize, at: usize) -> bool {
    let w = &run.ex.words;
    let Some(open) = (s.first..t).rev().find(|&i| s.norm(i) == ",") else {
        return false;
    };
    let relative = matches!(s.norm(open + 1), "who" | "whom" | "whose" | "which")
        && w.relative.contains(s.norm(open + 1));
    relative && (t..at).any(|i| s.norm(i) == ",")
}
