//! Derivation: a leader's reports replayed into positions and the change
//! log, appended to, resumed from a report's place in the timeline, or
//! replayed whole (see [`derive_leader`]).

use super::*;

/// A leader's current (non-historical) claims from `from` on, grouped into
/// reports in timeline order, passed to `each` one report at a time so that
/// memory stays flat however long the timeline; `each` returns whether to go
/// on.
pub(super) fn for_each_report(
    conn: &Connection,
    leader: &str,
    from: Option<&ReportKey>,
    mut each: impl FnMut(&Report, &ReportKey) -> Result<bool, StoreError>,
) -> Result<(), StoreError> {
    let (date, name, hash) = from.cloned().unwrap_or_default();
    let mut stmt = conn.prepare_cached(
        "SELECT article_id, name, date, hash, venue, stance, evidence FROM claims
         WHERE leader = ?1 AND historical = 0 AND (date, name, hash) >= (?2, ?3, ?4)
         ORDER BY date, name, hash, seq",
    )?;
    let mut rows = stmt.query(params![leader, date, name, hash])?;
    let mut current: Option<(i64, Report, ReportKey)> = None;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let claim = ReportClaim {
            venue: r.get(4)?,
            stance: parse_stance(&r.get::<_, String>(5)?)?,
            evidence: r.get(6)?,
        };
        match &mut current {
            Some((current_id, report, _)) if *current_id == id => report.claims.push(claim),
            _ => {
                if let Some((_, report, key)) = current.take() {
                    if !each(&report, &key)? {
                        return Ok(());
                    }
                }
                let date_text: String = r.get(2)?;
                let report = Report {
                    article: r.get(1)?,
                    date: parse_date(&date_text)?,
                    claims: vec![claim],
                };
                let key = (date_text, r.get(1)?, r.get(3)?);
                current = Some((id, report, key));
            }
        }
    }
    if let Some((_, report, key)) = current {
        each(&report, &key)?;
    }
    Ok(())
}

/// A leader's current claims grouped into reports, in timeline order.
pub(super) fn reports(conn: &Connection, leader: &str) -> Result<Vec<Report>, StoreError> {
    let mut reports = Vec::new();
    for_each_report(conn, leader, None, |report, _| {
        reports.push(report.clone());
        Ok(true)
    })?;
    Ok(reports)
}

/// Brings a leader's positions and changes up to date with their claims,
/// from `from` (the earliest report that changed) on, passing each change new
/// to the log to `on_change`; returns how many there were.
///
/// The work is proportional to what changed, not to the whole timeline:
/// - a report after every report applied so far is applied on top of the
///   stored positions;
/// - a report that lands earlier in the timeline is replayed from its place,
///   starting from the state the change log records there, and only until
///   the position is again what the stored change log says it was: from
///   there on every stored change still holds;
/// - a removed or renamed report (`full`) replays the whole timeline.
pub(super) fn derive_leader(
    tx: &Transaction,
    leader: &str,
    stretch: &Stretch,
    outbox: bool,
    on_change: &mut dyn FnMut(NewChange),
) -> Result<usize, StoreError> {
    let (from, full) = (&stretch.from, stretch.full);
    let last: Option<ReportKey> = tx
        .prepare_cached("SELECT last_date, last_name, last_hash FROM derived WHERE leader = ?1")?
        .query_row([leader], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let old_positions: HashMap<String, Position> = leader_positions(tx, leader)?
        .into_iter()
        .map(|p| (p.venue.clone(), p))
        .collect();
    let mode = match &last {
        Some(last) if !full && from > last => Mode::Append,
        Some(_) if !full => Mode::Insert,
        _ => Mode::Full,
    };
    let (mut replay, start) = match mode {
        Mode::Append => (
            Replay::resume(old_positions.values().cloned().collect()),
            Some(from.clone()),
        ),
        Mode::Insert => (
            Replay::resume(state_before(tx, leader, from)?),
            Some(from.clone()),
        ),
        Mode::Full => (Replay::default(), None),
    };
    // Only an insertion into the timeline compares the replay with the
    // stored log (to stop where they agree again) and so holds its new
    // changes until the end of the stretch. Appending and replaying
    // everything write each report's changes as they go, so that memory
    // stays flat however many changes a leader has: a full replay first
    // notes which changes the log holds (to tell the new ones) and empties
    // it.
    let streaming = !matches!(mode, Mode::Insert);
    let mut known: HashSet<ChangeKey> = HashSet::new();
    if let Mode::Full = mode {
        known = stored_change_keys(tx, leader)?;
        tx.prepare_cached("DELETE FROM changes WHERE leader = ?1")?
            .execute([leader])?;
    }
    // The stored changes from the start on, oldest first: what an insertion
    // is compared with, and what it may have to replace.
    let mut old = StoredChanges::new(leader, start.as_ref(), streaming);
    let mut added = 0;
    // The position the stored log describes, kept in step with the replay.
    let mut logged: HashMap<String, Position> = match mode {
        Mode::Insert => replay
            .clone()
            .into_positions()
            .into_iter()
            .map(|p| (p.venue.clone(), p))
            .collect(),
        _ => HashMap::new(),
    };

    let same = |a: Option<&Position>, b: Option<&Position>| match (a, b) {
        (Some(a), Some(b)) => (&a.stance, a.since, &a.article) == (&b.stance, b.since, &b.article),
        (None, None) => true,
        _ => false,
    };
    let mut differing: HashSet<String> = HashSet::new();
    let mut replaced: Vec<(ReportKey, Change)> = Vec::new();
    let mut written: Vec<(ReportKey, Vec<Change>)> = Vec::new();
    let mut flipped: HashSet<String> = HashSet::new();
    let mut applied_last: Option<ReportKey> = None;
    let mut converged = false;
    for_each_report(tx, leader, start.as_ref(), |report, key| {
        let changes = replay.apply(report);
        let mut touched: Vec<String> = changes.iter().map(|c| c.venue.clone()).collect();
        while old.peek(tx)?.is_some_and(|(k, _)| k <= key) {
            if let Some((k, c)) = old.pop() {
                if let Mode::Insert = mode {
                    touched.push(c.venue.clone());
                    logged.insert(
                        c.venue.clone(),
                        Position {
                            venue: c.venue.clone(),
                            stance: c.to,
                            since: c.date,
                            last_seen: c.date,
                            article: c.article.clone(),
                            evidence: c.evidence.clone(),
                        },
                    );
                }
                replaced.push((k, c));
            }
        }
        for venue in touched {
            if same(replay.position(&venue), logged.get(&venue)) {
                differing.remove(&venue);
            } else {
                differing.insert(venue);
            }
        }
        flipped.extend(changes.iter().map(|c| c.venue.clone()));
        if streaming {
            added += write_changes(tx, leader, &key.2, changes, &known, outbox, on_change)?;
        } else {
            written.push((key.clone(), changes));
        }
        applied_last = Some(key.clone());
        if let Mode::Insert = mode {
            // Past every changed report, and back to what the log says.
            converged = differing.is_empty() && key >= &stretch.until;
        }
        Ok(!converged)
    })?;

    // Replayed to the end: stored changes past the last report (of reports
    // that are gone) go too.
    if !converged {
        while old.peek(tx)?.is_some() {
            replaced.extend(old.pop());
        }
    }
    // Replace the stored changes of the replayed stretch with the replay's.
    let old_keys: HashSet<ChangeKey> = replaced.iter().map(|(_, c)| change_key(c)).collect();
    {
        let mut delete = tx.prepare_cached(
            "DELETE FROM changes WHERE leader = ?1 AND date = ?2 AND article = ?3 AND hash = ?4",
        )?;
        for (k, _) in &replaced {
            delete.execute(params![leader, k.0, k.1, k.2])?;
        }
    }
    for (key, changes) in written {
        added += write_changes(tx, leader, &key.2, changes, &old_keys, outbox, on_change)?;
    }

    tx.execute("DELETE FROM positions WHERE leader = ?1", [leader])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO positions (leader, venue, stance, since, last_seen, article, evidence)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let positions: Vec<Position> = if converged {
        // From here on the stored log holds, and so do the stored positions,
        // but for what the replayed stretch saw last.
        old_positions
            .into_values()
            .map(|mut p| {
                if let Some(r) = replay.position(&p.venue) {
                    p.last_seen = p.last_seen.max(r.last_seen);
                }
                p
            })
            .collect()
    } else {
        replay
            .into_positions()
            .into_iter()
            .map(|mut p| {
                // A stance set before the replayed stretch and never flipped
                // in it was last seen when the stored position says, if later.
                if start.is_some() && !flipped.contains(&p.venue) {
                    if let Some(old) = old_positions.get(&p.venue) {
                        p.last_seen = p.last_seen.max(old.last_seen);
                    }
                }
                p
            })
            .collect()
    };
    for p in positions {
        insert.execute(params![
            leader,
            p.venue,
            p.stance.as_str(),
            p.since.to_string(),
            p.last_seen.to_string(),
            p.article,
            p.evidence
        ])?;
    }
    let last = match (last.filter(|_| !matches!(mode, Mode::Full)), applied_last) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    match last {
        Some((date, name, hash)) => tx
            .prepare_cached(
                "INSERT INTO derived (leader, last_date, last_name, last_hash) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (leader) DO UPDATE SET last_date = ?2, last_name = ?3, last_hash = ?4",
            )?
            .execute(params![leader, date, name, hash])?,
        None => tx.execute("DELETE FROM derived WHERE leader = ?1", [leader])?,
    };
    Ok(added)
}

/// Inserts one report's `changes` (its hash `hash`) into the log; those
/// not in `known` are new: they are passed to `on_change` and, with the
/// outbox on, queued for alerting. Returns how many were new.
fn write_changes(
    tx: &Transaction,
    leader: &str,
    hash: &[u8],
    changes: Vec<Change>,
    known: &HashSet<ChangeKey>,
    outbox: bool,
    on_change: &mut dyn FnMut(NewChange),
) -> Result<usize, StoreError> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO changes (leader, venue, kind, from_stance, to_stance, date, article, hash, seq, previous_article, evidence, diff)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let mut added = 0;
    // The report's source, for its alerts: looked up once, and only with
    // the outbox on.
    let mut source: Option<Source> = None;
    for (seq, c) in changes.into_iter().enumerate() {
        insert.execute(params![
            leader,
            c.venue,
            c.kind.as_str(),
            c.from.map(Stance::as_str),
            c.to.as_str(),
            c.date.to_string(),
            c.article,
            hash,
            seq,
            c.previous_article,
            c.evidence,
            c.diff
        ])?;
        if !known.contains(&change_key(&c)) {
            added += 1;
            tx.prepare_cached(
                "INSERT INTO change_events (leader, date, article, hash, seq, venue, kind, from_stance, to_stance)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                leader,
                c.date.to_string(),
                c.article,
                hash,
                seq,
                c.venue,
                c.kind.as_str(),
                c.from.map(Stance::as_str),
                c.to.as_str()
            ])?;
            if outbox {
                let source = match &mut source {
                    Some(s) => s,
                    None => source.insert(source_of(tx, hash)?),
                };
                enqueue(tx, leader, hash, seq, &c, source)?;
            }
            on_change(NewChange {
                leader: leader.to_string(),
                change: c,
            });
        }
    }
    Ok(added)
}

/// What identifies each of a leader's stored changes.
fn stored_change_keys(tx: &Transaction, leader: &str) -> Result<HashSet<ChangeKey>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT venue, from_stance, to_stance, date, article FROM changes WHERE leader = ?1",
    )?;
    let mut rows = stmt.query([leader])?;
    let mut keys = HashSet::new();
    while let Some(r) = rows.next()? {
        let from: Option<String> = r.get(1)?;
        keys.insert((
            r.get(0)?,
            from.as_deref().map(parse_stance).transpose()?,
            parse_stance(&r.get::<_, String>(2)?)?,
            parse_date(&r.get::<_, String>(3)?)?,
            r.get(4)?,
        ));
    }
    Ok(keys)
}

/// The stretch of a leader's timeline whose reports changed.
pub(super) struct Stretch {
    /// The earliest changed report.
    pub(super) from: ReportKey,
    /// The latest changed report.
    pub(super) until: ReportKey,
    /// Whether a report was removed or moved: replay everything.
    pub(super) full: bool,
}

/// How a leader's derivation proceeds; see [`derive_leader`].
#[derive(Clone, Copy)]
enum Mode {
    Append,
    Insert,
    Full,
}

/// A change is the same change when all of what it says is the same.
pub(super) type ChangeKey = (String, Option<Stance>, Stance, Date, String);

pub(super) fn change_key(c: &Change) -> ChangeKey {
    (c.venue.clone(), c.from, c.to, c.date, c.article.clone())
}

/// A leader's stored changes from a point of the timeline on, oldest first,
/// without their diffs, read a page at a time as the replay reaches them: a
/// replay that converges early reads only the few it passed.
struct StoredChanges {
    leader: String,
    /// Where the next page starts: after this (key, seq), or at `from`.
    after: Option<(ReportKey, i64)>,
    from: ReportKey,
    page: VecDeque<(ReportKey, Change)>,
    done: bool,
}

impl StoredChanges {
    const PAGE: i64 = 256;

    fn new(leader: &str, from: Option<&ReportKey>, none: bool) -> StoredChanges {
        StoredChanges {
            leader: leader.to_string(),
            after: None,
            from: from.cloned().unwrap_or_default(),
            page: VecDeque::new(),
            done: none,
        }
    }

    fn peek(&mut self, tx: &Transaction) -> Result<Option<&(ReportKey, Change)>, StoreError> {
        if self.page.is_empty() && !self.done {
            self.fetch(tx)?;
        }
        Ok(self.page.front())
    }

    fn pop(&mut self) -> Option<(ReportKey, Change)> {
        self.page.pop_front()
    }

    fn fetch(&mut self, tx: &Transaction) -> Result<(), StoreError> {
        let ((date, article, hash), seq) = match &self.after {
            Some(after) => after.clone(),
            None => (self.from.clone(), -1),
        };
        let mut stmt = tx.prepare_cached(
            "SELECT venue, kind, from_stance, to_stance, date, article, hash, seq, previous_article, evidence
             FROM changes WHERE leader = ?1 AND (date, article, hash, seq) > (?2, ?3, ?4, ?5)
             ORDER BY date, article, hash, seq LIMIT ?6",
        )?;
        let mut rows = stmt.query(params![self.leader, date, article, hash, seq, Self::PAGE])?;
        let mut fetched = 0;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(1)?;
            let from: Option<String> = r.get(2)?;
            let date: String = r.get(4)?;
            let change = Change {
                venue: r.get(0)?,
                kind: ChangeKind::parse(&kind)
                    .ok_or_else(|| StoreError::Invalid(format!("change kind {kind:?}")))?,
                from: from.as_deref().map(parse_stance).transpose()?,
                to: parse_stance(&r.get::<_, String>(3)?)?,
                date: parse_date(&date)?,
                article: r.get(5)?,
                previous_article: r.get(8)?,
                evidence: r.get(9)?,
                diff: String::new(),
            };
            let key: ReportKey = (date, change.article.clone(), r.get(6)?);
            let seq: i64 = r.get(7)?;
            self.after = Some((key.clone(), seq));
            self.page.push_back((key, change));
            fetched += 1;
        }
        self.done = fetched < Self::PAGE;
        Ok(())
    }
}

/// A leader's position just before `key` in the timeline, read from the
/// change log: the last change on each venue before it.
pub(super) fn state_before(
    tx: &Transaction,
    leader: &str,
    key: &ReportKey,
) -> Result<Vec<Position>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT venue, to_stance, date, article, evidence FROM (
             SELECT venue, to_stance, date, article, evidence, ROW_NUMBER() OVER (
                 PARTITION BY venue ORDER BY date DESC, article DESC, hash DESC, seq DESC) AS latest
             FROM changes WHERE leader = ?1 AND (date, article, hash) < (?2, ?3, ?4))
         WHERE latest = 1",
    )?;
    let mut rows = stmt.query(params![leader, key.0, key.1, key.2])?;
    let mut state = Vec::new();
    while let Some(r) = rows.next()? {
        let since = parse_date(&r.get::<_, String>(2)?)?;
        state.push(Position {
            venue: r.get(0)?,
            stance: parse_stance(&r.get::<_, String>(1)?)?,
            since,
            // Raised by the replay and by the stored position; see the caller.
            last_seen: since,
            article: r.get(3)?,
            evidence: r.get(4)?,
        });
    }
    Ok(state)
}

pub(super) fn leader_positions(
    conn: &Connection,
    leader: &str,
) -> Result<Vec<Position>, StoreError> {
    Ok(positions(conn, Some(leader))?
        .into_iter()
        .map(|p| p.position)
        .collect())
}
