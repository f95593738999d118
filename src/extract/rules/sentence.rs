//! One sentence made ready for the rules: tokens with quote marks, the
//! matched mentions resolved on the article's date (a person speaking for a
//! leader, a place and its government), datelines and transcript labels.

use super::*;

/// How a mention names a leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Named {
    /// By the leader's own name.
    Name,
    /// By a title of the office ("the Russian President").
    Title,
    /// "<demonym> <role>": the leader for a head role ("Ukrainian
    /// president"), someone for them otherwise ("Ukrainian officials").
    Role,
    /// An official or institution speaking for the leader.
    Other,
}

/// A person introduced in the text by a title of a known government.
#[derive(Debug, Clone)]
pub(super) struct Person {
    /// The name as written ("Alberto van Klaveren").
    pub name: String,
    /// Folded words of the name, and of the family name alone, that later
    /// mentions may use.
    pub keys: Vec<Vec<String>>,
    /// The country's venue index.
    pub country: usize,
    /// The title as written ("Foreign Minister").
    pub role: String,
    /// Whether the title names the head of the government itself.
    pub head: bool,
    /// Who the person speaks for on the article's date, when the lexicon
    /// knows who leads that country then.
    pub who: Option<Who>,
}

impl Run<'_> {
    pub(super) fn sentence<'t>(
        &mut self,
        text: &'t str,
        span: SentenceSpan,
        open: &mut bool,
    ) -> Sent<'t> {
        let slice = text.get(span.start..span.end).unwrap_or("");
        let (mut toks, mut at) = self.spare.pop().unwrap_or_default();
        tokenize_into(slice, &mut toks);
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
        let mut ments = self.ex.matcher.find(&toks);
        self.people_in(text, &toks, &mut ments);
        at.clear();
        at.resize(toks.len(), None);
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
            talks: false,
        };
        sent.refs = (0..sent.ments.len())
            .map(|m| self.resolve(&sent, m))
            .collect();
        name_titles(&mut sent);
        sent.first = dateline_end(&sent);
        sent.absorbed = absorbed_cues(&sent);
        let meeting = &self.ex.words.meeting_noun;
        sent.talks = sent.toks.iter().any(|t| meeting.contains(t.norm.as_str()));
        sent
    }

    /// A transcript label opening a paragraph ("ZELENSKY: ..."): its speaker,
    /// and the label is skipped.
    pub(super) fn label(&self, s: &mut Sent) -> Option<Who> {
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

    /// Adds to `ments` the people this text introduces by a title
    /// ("Kenyan Foreign Minister Musalia Mudavadi", "Mudavadi, the Kenyan
    /// foreign minister,") and later mentions of them by name or surname.
    fn people_in(&mut self, text: &str, toks: &[Token], ments: &mut Vec<Mention>) {
        let ex = self.ex;
        let w = &ex.words;
        let titled = ments
            .iter()
            .any(|m| m.tags.iter().any(|t| matches!(t, Tag::CountryRole(_))));
        if self.people.is_empty() && !titled {
            return;
        }
        let mut covered = vec![false; toks.len()];
        for m in ments.iter() {
            covered[m.start..m.end].iter_mut().for_each(|c| *c = true);
        }
        let name_word = |covered: &[bool], i: usize| {
            toks.get(i).is_some_and(|t| {
                let orig = text.get(t.start..t.end).unwrap_or("");
                t.is_word()
                    && !covered[i]
                    && orig.chars().next().is_some_and(char::is_uppercase)
                    && orig.chars().any(char::is_lowercase)
                    && !w.adjunct.contains(t.norm.as_str())
                    && !w.abbreviation.contains(t.norm.as_str())
                    && !w.determiner.contains(t.norm.as_str())
                    && !w.preposition.contains(t.norm.as_str())
            })
        };
        let mut added: Vec<Mention> = Vec::new();
        // Later mentions of someone introduced earlier: the longest key.
        let mut i = 0;
        while i < toks.len() {
            let hit = self.people.iter().enumerate().find_map(|(pi, p)| {
                p.keys.iter().find_map(|k| {
                    let end = i + k.len();
                    let same = end <= toks.len()
                        && (i..end).all(|j| name_word(&covered, j))
                        && (i..end).zip(k).all(|(j, word)| toks[j].norm == *word)
                        && !name_word(&covered, end);
                    same.then_some((pi, end))
                })
            });
            match hit {
                Some((pi, end)) => {
                    covered[i..end].iter_mut().for_each(|c| *c = true);
                    added.push(Mention {
                        start: i,
                        end,
                        tags: std::sync::Arc::from([Tag::Introduced(pi as u32)]),
                    });
                    i = end;
                }
                None => i += 1,
            }
        }
        // New introductions: a government's title right before or after a
        // name no mention covers.
        for m in ments.iter() {
            let Some(vi) = m.tags.iter().find_map(|t| match t {
                Tag::CountryRole(vi) => Some(*vi),
                _ => None,
            }) else {
                continue;
            };
            // "Sayyid Badr bin Hamad Al Busaidi": particles inside a name.
            let particle = |i: usize| {
                matches!(
                    toks[i].norm.as_str(),
                    "bin"
                        | "bint"
                        | "ibn"
                        | "al"
                        | "van"
                        | "von"
                        | "de"
                        | "da"
                        | "del"
                        | "der"
                        | "la"
                ) && name_word(&covered, i + 1)
            };
            let mut end = m.end;
            while end < toks.len()
                && end < m.end + 6
                && (name_word(&covered, end) || (end > m.end && particle(end)))
            {
                end += 1;
            }
            // "Ukrainian President Volodymyr Zelensky": a first name before a
            // known person is no new person.
            let before_known = ments.iter().any(|n| {
                n.start == end
                    && n.tags.iter().any(|t| {
                        matches!(t, Tag::Leader(_) | Tag::Official(..) | Tag::GovOfficial(..))
                    })
            });
            let (start, stop) = if end > m.end && !before_known {
                (m.end, end)
            } else if toks.get(m.end).is_some_and(|t| t.norm == ",") {
                // "the Peruvian president, Jorge Madeupname, said".
                let start = m.end + 1;
                let mut stop = start;
                while stop < toks.len() && stop < start + 4 && name_word(&covered, stop) {
                    stop += 1;
                }
                let closed = toks.get(stop).is_none_or(|t| !t.is_word());
                if !closed {
                    continue;
                }
                (start, stop)
            } else if m.start >= 3
                && toks[m.start - 1].norm == "the"
                && toks[m.start - 2].norm == ","
            {
                // "Musalia Mudavadi, the Kenyan foreign minister,".
                let stop = m.start - 2;
                let mut start = stop;
                while start > 0 && start + 4 > stop && name_word(&covered, start - 1) {
                    start -= 1;
                }
                (start, stop)
            } else {
                continue;
            };
            if start == stop || (start == 0 && stop - start == 1) {
                continue;
            }
            let words: Vec<String> = (start..stop).map(|j| toks[j].norm.to_string()).collect();
            if self.people.iter().any(|p| p.keys.first() == Some(&words)) {
                continue;
            }
            let name = text
                .get(toks[start].start..toks[stop - 1].end)
                .unwrap_or("")
                .to_string();
            // The title without its country: "Foreign Minister" of "Chilean
            // Foreign Minister", "President" of "Italy's President".
            let own = (m.start..m.end)
                .position(|i| toks[i].norm == "'s")
                .map_or(m.start + usize::from(m.end - m.start > 1), |p| {
                    m.start + p + 1
                });
            let role_text = text.get(toks[own].start..toks[m.end - 1].end).unwrap_or("");
            let folded = super::super::text::phrase_key(role_text);
            let head = w.head_role.iter().any(|r| folded.ends_with(r.as_str()));
            // A head of government the lexicon has no one for on the date
            // (an election after its data) becomes a leader of its own, with
            // an id by the GUIDELINES' rule.
            let leader = self.leader_of(vi).or_else(|| {
                head.then(|| {
                    let taken = |id: &str| {
                        ex.lexicon.leaders.iter().any(|l| l.id == id)
                            || self.unknown.iter().any(|u| u.0 == id)
                    };
                    let id = crate::suggest::leader_id(&name, &taken);
                    self.unknown.push((id, vi));
                    ex.lexicon.leaders.len() + self.unknown.len() - 1
                })
            });
            let who = leader.map(|leader| Who {
                leader,
                speaker: (!head).then(|| name.clone()),
                place: false,
            });
            let mut keys = vec![words.clone()];
            if let Some(last) = words.last().filter(|_| words.len() > 1) {
                keys.push(vec![last.clone()]);
            }
            let role = role_text.to_string();
            self.people.push(Person {
                name,
                keys,
                country: vi,
                role,
                head,
                who,
            });
            covered[start..stop].iter_mut().for_each(|c| *c = true);
            added.push(Mention {
                start,
                end: stop,
                tags: std::sync::Arc::from([Tag::Introduced((self.people.len() - 1) as u32)]),
            });
        }
        if !added.is_empty() {
            ments.extend(added);
            ments.sort_by_key(|m| m.start);
        }
    }

    /// What mention `m` refers to on the article's date.
    pub(super) fn resolve(&self, s: &Sent, m: usize) -> Option<Ref> {
        let lex = &self.ex.lexicon;
        let tags = &s.ments[m].tags;
        if let Some(Tag::Introduced(pi)) = tags.first() {
            let person = self.people.get(*pi as usize)?;
            return person.who.clone().map(|mut w| {
                if w.speaker.is_some() {
                    w.speaker = Some(s.original(m).to_string());
                }
                Ref::Person(w)
            });
        }
        // The leader by name or title is the leader speaking; an official, an
        // institution or "the Russian foreign minister" speaks for them.
        let mention = &s.ments[m];
        let mut text = String::with_capacity(32);
        for i in mention.start..mention.end {
            text.push(' ');
            text.push_str(s.norm(i));
        }
        text.push(' ');
        let head = self
            .ex
            .words
            .head_role
            .iter()
            .any(|r| text.ends_with(r.as_str()));
        let person = self.person(tags).map(|(leader, how)| Who {
            leader,
            place: false,
            speaker: match how {
                Named::Name | Named::Title => None,
                Named::Role if head => None,
                Named::Role | Named::Other => Some(s.original(m).to_string()),
            },
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
                        place: true,
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
    pub(super) fn person(&self, tags: &[Tag]) -> Option<(usize, Named)> {
        let lex = &self.ex.lexicon;
        let date = self.date;
        let in_office_leader =
            |li: usize| lex.leaders.get(li).is_some_and(|l| l.in_own_office(date));
        tags.iter()
            .find_map(|t| match t {
                Tag::Leader(li) => Some((*li, Named::Name)),
                _ => None,
            })
            .or_else(|| {
                tags.iter().find_map(|t| match t {
                    Tag::Official(li, oi) => lex.leaders[*li]
                        .officials
                        .get(*oi)
                        .filter(|o| in_office(&o.terms, date))
                        .map(|_| (*li, Named::Other)),
                    Tag::Title(li) if in_office_leader(*li) => Some((*li, Named::Title)),
                    Tag::Institution(li) if in_office_leader(*li) => Some((*li, Named::Other)),
                    Tag::GovOfficial(gi, oi) => lex.governments[*gi]
                        .officials
                        .get(*oi)
                        .filter(|o| in_office(&o.terms, date))
                        .and_then(|_| self.ex.government_venue[*gi])
                        .and_then(|vi| self.leader_of(vi))
                        .map(|l| (l, Named::Other)),
                    Tag::GovInstitution(gi) => self.ex.government_venue[*gi]
                        .and_then(|vi| self.leader_of(vi))
                        .map(|l| (l, Named::Other)),
                    _ => None,
                })
            })
            .or_else(|| {
                tags.iter().find_map(|t| match t {
                    Tag::CountryRole(vi) => self.leader_of(*vi).map(|l| (l, Named::Role)),
                    _ => None,
                })
            })
    }

    /// The leader in office for the country venue `vi` on the date.
    pub(super) fn leader_of(&self, vi: usize) -> Option<usize> {
        let lex = &self.ex.lexicon;
        let id = &lex.venues.get(vi)?.id;
        self.ex
            .by_country
            .get(vi)?
            .iter()
            .copied()
            .find(|&l| lex.leaders[l].leads(id, self.date))
    }
}

/// Whether the clause ends right after token `end` ("Minsk, Geneva," he
/// offered —).
pub(super) fn ends_clause(s: &Sent, end: usize) -> bool {
    end >= s.toks.len() || s.is_punct(end)
}

/// Travel and agreement cues right after an invitation belong to it:
/// "invited him to come to Moscow", "suggested Putin come to Kyiv".
pub(super) fn absorbed_cues(s: &Sent) -> Vec<bool> {
    let mut out = vec![false; s.ments.len()];
    for (m, mention) in s.ments.iter().enumerate() {
        // Only trips and invitations ("to come to") join an earlier cue;
        // an exception ("anywhere but") stands on its own.
        if s.stance_cue(m) != Some((Stance::Proposes, Class::Speaker)) {
            continue;
        }
        // Five words back, not counting the names of the one invited
        // ("an invitation from Chinese President Xi Jinping to visit").
        let mut lo = mention.start;
        let mut words = 0;
        while lo > 0 && words < 5 {
            lo -= 1;
            let named = s.at[lo].is_some_and(|n| {
                s.refs
                    .get(n)
                    .is_some_and(|r| matches!(r, Some(Ref::Person(_))))
            });
            if !named {
                words += 1;
            }
        }
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
pub(super) fn dateline_end(s: &Sent) -> usize {
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
    // A headline in capitals ("PUTIN INVITES ZELENSKY — REPORT") says
    // something; a dateline names places and dates only.
    let says = (0..dash).any(|i| s.at[i].is_some_and(|m| s.is_stance(m) || s.is_speech(m)));
    if (caps || year) && !says {
        dash + 1
    } else {
        0
    }
}

/// Whether token `i` is a dash that breaks a clause ("Moscow — and"), not a
/// hyphen inside a compound ("Putin-Zelensky").
pub(super) fn is_dash_break(s: &Sent, i: usize) -> bool {
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

/// Whether token `i` is written with a capital (a name or title word).
pub(super) fn capitalised(s: &Sent, i: usize) -> bool {
    let Some(t) = s.toks.get(i) else {
        return false;
    };
    t.is_word()
        && s.text
            .get(t.start..t.end)
            .and_then(|o| o.chars().next())
            .is_some_and(char::is_uppercase)
}

/// "Ukrainian President Volodymyr Zelensky": a title next to the leader's
/// own name is the leader speaking, not someone for them.
pub(super) fn name_titles(s: &mut Sent) {
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
pub(super) fn unquote_short(toks: &[Token], quoted: &mut [bool]) {
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
