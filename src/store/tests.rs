//! Store tests: migrations, recording, derivation against full replays,
//! the outbox and reindex's rereads.

use super::*;
use crate::article::DateSource;

fn article(day: i8) -> Article {
    Article {
        date: jiff::civil::date(2026, 1, day),
        date_source: DateSource::Header,
        title: None,
        body: String::new(),
        url: None,
    }
}

fn claim(leader: &str, stance: Stance, venue: &str) -> Claim {
    Claim {
        leader: leader.into(),
        stance,
        venue: venue.into(),
        evidence: format!("{leader} {venue}"),
        speaker: None,
        historical: false,
    }
}

const META: FileMeta = FileMeta {
    size: 1,
    mtime_ns: 1,
    inode: 1,
};

/// Records a file and derives, as the live path does; returns the
/// changes added.
fn put(store: &mut Store, path: &str, hash: &[u8], day: i8, claims: &[Claim]) -> Vec<NewChange> {
    let file = FileVersion {
        path,
        item: "",
        name: path.trim_start_matches('/'),
        meta: META,
        hash,
    };
    let a = article(day);
    store
        .write(|w| {
            let content = (!w.has_content(hash)?).then_some(Content {
                raw: hash,
                article: &a,
                claims,
            });
            w.record(&file, content)?;
            let mut changes = Vec::new();
            w.derive(&mut |c| changes.push(c))?;
            Ok(changes)
        })
        .expect("record")
}

#[test]
fn a_late_older_report_is_slotted_in_and_later_changes_rederived() {
    let mut s = Store::in_memory().expect("db");
    let r = put(
        &mut s,
        "/b",
        b"h2",
        5,
        &[claim("putin", Stance::Rejects, "kyiv")],
    );
    assert_eq!(r.len(), 1);
    // An older report arrives late: the later one becomes a reversal.
    let r = put(
        &mut s,
        "/a",
        b"h1",
        1,
        &[claim("putin", Stance::Proposes, "kyiv")],
    );
    let kinds: Vec<_> = r.iter().map(|c| c.change.kind).collect();
    assert_eq!(kinds, [ChangeKind::New, ChangeKind::Reversed]);
    let log = s.changes(&ChangeFilter::default()).expect("changes");
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].change.previous_article.as_deref(), Some("a"));
    assert_eq!(
        s.positions().expect("positions")[0].position.stance,
        Stance::Rejects
    );
}

#[test]
fn batches_derived_later_equal_articles_derived_one_by_one() {
    let reports: Vec<(String, Vec<u8>, i8, Vec<Claim>)> = (0..40)
        .map(|i: i8| {
            let stance = if i % 3 == 0 {
                Stance::Rejects
            } else {
                Stance::Proposes
            };
            let venue = ["moscow", "kyiv", "minsk"][(i % 3) as usize];
            // Dates out of file order, so later files land earlier in the timeline.
            let day = (1 + (i as i32 * 7) % 28) as i8;
            (
                format!("/f{i:02}"),
                format!("h{i}").into_bytes(),
                day,
                vec![claim("putin", stance, venue)],
            )
        })
        .collect();
    let mut one_by_one = Store::in_memory().expect("db");
    for (path, hash, day, claims) in &reports {
        put(&mut one_by_one, path, hash, *day, claims);
    }
    let mut batched = Store::in_memory().expect("db");
    batched
        .write(|w| {
            for (path, hash, day, claims) in &reports {
                let file = FileVersion {
                    path,
                    item: "",
                    name: path.trim_start_matches('/'),
                    meta: META,
                    hash,
                };
                let a = article(*day);
                w.record(
                    &file,
                    Some(Content {
                        raw: hash,
                        article: &a,
                        claims,
                    }),
                )?;
            }
            Ok(())
        })
        .expect("batch");
    assert!(
        batched.positions().expect("positions").is_empty(),
        "not derived yet"
    );
    batched.write(|w| w.derive(&mut |_| {})).expect("derive");
    let all = ChangeFilter::default();
    assert_eq!(
        batched.changes(&all).expect("c"),
        one_by_one.changes(&all).expect("c")
    );
    assert_eq!(
        batched.positions().expect("p"),
        one_by_one.positions().expect("p")
    );
    assert_eq!(
        batched.timeline("putin").expect("t").changes.len(),
        one_by_one.changes(&all).expect("c").len()
    );
}

/// The stored changes and positions of `leader` are what replaying all
/// of its reports from scratch gives.
#[track_caller]
fn assert_matches_replay(s: &Store, leader: &str, context: &str) {
    let reference = s.timeline(leader).expect("timeline");
    let filter = ChangeFilter {
        leader: Some(leader.into()),
        ..ChangeFilter::default()
    };
    let stored: Vec<Change> = s
        .changes(&filter)
        .expect("changes")
        .into_iter()
        .map(|c| c.change)
        .collect();
    assert_eq!(stored, reference.changes, "{context}");
    let positions: Vec<Position> = s
        .positions()
        .expect("positions")
        .into_iter()
        .filter(|p| p.leader == leader)
        .map(|p| p.position)
        .collect();
    assert_eq!(positions, reference.positions, "{context}");
}

#[test]
fn deriving_as_articles_arrive_in_any_order_equals_replaying_everything() {
    // A fixed pseudo-random arrival order, dates, venues and stances,
    // with corrections and copies mixed in.
    let mut seed = 0x9e37_79b9_u64;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut s = Store::in_memory().expect("db");
    for i in 0..300 {
        let venue = ["moscow", "kyiv", "minsk", "istanbul", "geneva"][next(5) as usize];
        let stance = if next(3) == 0 {
            Stance::Rejects
        } else {
            Stance::Proposes
        };
        let leader = ["putin", "zelensky"][next(2) as usize];
        let day = 1 + next(28) as i8;
        // Every tenth file rewrites an earlier path (a correction).
        let path = if i % 10 == 9 {
            format!("/f{:03}", next(i))
        } else {
            format!("/f{i:03}")
        };
        put(
            &mut s,
            &path,
            format!("h{i}").as_bytes(),
            day,
            &[claim(leader, stance, venue)],
        );
    }
    for leader in ["putin", "zelensky"] {
        assert_matches_replay(&s, leader, leader);
    }
}

#[test]
fn deriving_batches_of_late_articles_equals_replaying_everything() {
    let mut seed = 0x2545_f491_u64;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut s = Store::in_memory().expect("db");
    let mut i = 0u64;
    while i < 400 {
        // Several articles, dated anywhere, recorded before one derivation.
        let batch = 1 + next(6);
        let reports: Vec<(String, Vec<u8>, i8, Claim)> = (0..batch)
            .map(|k| {
                let venue = ["moscow", "kyiv", "minsk", "istanbul"][next(4) as usize];
                let stance = if next(3) == 0 {
                    Stance::Rejects
                } else {
                    Stance::Proposes
                };
                let day = 1 + next(28) as i8;
                (
                    format!("/b{:04}", i + k),
                    format!("b{}", i + k).into_bytes(),
                    day,
                    claim("putin", stance, venue),
                )
            })
            .collect();
        i += batch;
        s.write(|w| {
            for (path, hash, day, c) in &reports {
                let file = FileVersion {
                    path,
                    item: "",
                    name: path.trim_start_matches('/'),
                    meta: META,
                    hash,
                };
                let a = article(*day);
                let claims = [c.clone()];
                w.record(
                    &file,
                    Some(Content {
                        raw: hash,
                        article: &a,
                        claims: &claims,
                    }),
                )?;
            }
            w.derive(&mut |_| {})
        })
        .expect("batch");
        assert_matches_replay(&s, "putin", &format!("after {i} articles"));
    }
}

#[test]
fn a_correction_replaces_claims_and_drops_the_old_version() {
    let mut s = Store::in_memory().expect("db");
    put(
        &mut s,
        "/a",
        b"h1",
        1,
        &[claim("putin", Stance::Proposes, "moscow")],
    );
    put(
        &mut s,
        "/a",
        b"h2",
        1,
        &[claim("zelensky", Stance::Proposes, "kyiv")],
    );
    let c = s.counts().expect("counts");
    assert_eq!(
        (c.articles, c.files, c.claims, c.positions, c.changes),
        (1, 1, 1, 1, 1)
    );
    assert_eq!(s.positions().expect("positions")[0].leader, "zelensky");
}

#[test]
fn historical_claims_stay_out_of_positions() {
    let mut s = Store::in_memory().expect("db");
    let mut old = claim("zelensky", Stance::Proposes, "istanbul");
    old.historical = true;
    put(&mut s, "/a", b"h1", 1, &[old]);
    assert_eq!(s.counts().expect("counts").claims, 1);
    assert!(s.positions().expect("positions").is_empty());
}

#[test]
fn rejected_and_recorded_files_are_known_by_metadata() {
    let mut s = Store::in_memory().expect("db");
    assert!(!s.is_unchanged("/x", META).expect("query"));
    s.write(|w| w.reject("/x", META, "the file is binary"))
        .expect("reject");
    assert!(s.is_unchanged("/x", META).expect("query"));
    let newer = FileMeta {
        mtime_ns: 2,
        ..META
    };
    assert!(!s.is_unchanged("/x", newer).expect("query"));
    assert_eq!(
        s.rejections().expect("list")[0].reason,
        "the file is binary"
    );
    // Once the file is an article, it is no longer rejected.
    put(&mut s, "/x", b"h1", 1, &[]);
    assert!(s.rejections().expect("list").is_empty());
}

#[test]
fn changes_filter_by_leader_and_date() {
    let mut s = Store::in_memory().expect("db");
    put(
        &mut s,
        "/a",
        b"h1",
        1,
        &[claim("putin", Stance::Proposes, "moscow")],
    );
    put(
        &mut s,
        "/b",
        b"h2",
        9,
        &[claim("zelensky", Stance::Proposes, "kyiv")],
    );
    let only = |leader: Option<&str>, since: Option<Date>| {
        s.changes(&ChangeFilter {
            leader: leader.map(String::from),
            since,
            ..ChangeFilter::default()
        })
        .expect("changes")
        .len()
    };
    assert_eq!(only(None, None), 2);
    assert_eq!(only(Some("putin"), None), 1);
    assert_eq!(only(None, Some(jiff::civil::date(2026, 1, 5))), 1);
}

/// The keys of the pending alerts, oldest first, marking each delivered
/// when `deliver` says.
fn pending(s: &Store, deliver: bool) -> Vec<String> {
    let mut keys = Vec::new();
    let mut skipped = HashSet::new();
    while let Some(alert) = s.next_alert().expect("next") {
        if skipped.contains(&alert.id) {
            break;
        }
        keys.push(alert.key.clone());
        if deliver {
            s.alert_delivered(alert.id).expect("delivered");
        } else {
            // Stand-in for a failed attempt; the row stays at the head.
            s.alert_failed(alert.id, "503").expect("failed");
            skipped.insert(alert.id);
        }
    }
    keys
}

#[test]
fn alert_keys_are_stable_and_tell_different_changes_apart() {
    let change = |venue: &str, kind, to| Change {
        venue: venue.into(),
        kind,
        from: None,
        to,
        date: jiff::civil::date(2026, 1, 5),
        article: "a.txt".into(),
        previous_article: None,
        evidence: "e".into(),
        diff: "d".into(),
    };
    let c = change("kyiv", ChangeKind::New, Stance::Proposes);
    let key = alert_key("putin", &c, b"h", 0);
    assert_eq!(key.len(), 32);
    // The same change, however its evidence or diff read, has the same key.
    let same = Change {
        evidence: "other".into(),
        diff: "other".into(),
        ..c.clone()
    };
    assert_eq!(alert_key("putin", &same, b"h", 0), key);
    // A fixed value: keys must not change between releases either, or
    // an upgrade would announce pending changes under new keys.
    assert_eq!(key, "0c652fbb24dd4323f9de4cbd04e8093b");
    let different = [
        alert_key("zelensky", &c, b"h", 0),
        alert_key("putin", &c, b"g", 0),
        alert_key("putin", &c, b"h", 1),
        alert_key(
            "putin",
            &change("moscow", ChangeKind::New, Stance::Proposes),
            b"h",
            0,
        ),
        alert_key(
            "putin",
            &change("kyiv", ChangeKind::Reversed, Stance::Proposes),
            b"h",
            0,
        ),
        alert_key(
            "putin",
            &change("kyiv", ChangeKind::New, Stance::Rejects),
            b"h",
            0,
        ),
        alert_key(
            "putin",
            &Change {
                article: "b.txt".into(),
                ..c.clone()
            },
            b"h",
            0,
        ),
        alert_key(
            "putin",
            &Change {
                date: jiff::civil::date(2026, 1, 6),
                ..c.clone()
            },
            b"h",
            0,
        ),
    ];
    let distinct: HashSet<&String> = different.iter().chain([&key]).collect();
    assert_eq!(distinct.len(), different.len() + 1);
}

#[test]
fn alerts_are_enqueued_only_with_the_outbox_on() {
    let mut s = Store::in_memory().expect("db");
    put(
        &mut s,
        "/a",
        b"h1",
        1,
        &[claim("putin", Stance::Proposes, "kyiv")],
    );
    assert_eq!(s.outbox_counts().expect("counts"), OutboxCounts::default());
    s.set_outbox(true);
    put(
        &mut s,
        "/b",
        b"h2",
        2,
        &[claim("putin", Stance::Rejects, "kyiv")],
    );
    let alert = s.next_alert().expect("next").expect("one alert");
    assert_eq!(alert.change.change.kind, ChangeKind::Reversed);
    assert_eq!(
        alert.change,
        s.changes(&ChangeFilter::default()).expect("c")[1]
    );
    assert_eq!(
        s.outbox_counts().expect("counts"),
        OutboxCounts {
            pending: 1,
            delivered: 0
        }
    );
}

#[test]
fn an_alert_commits_with_its_change_or_not_at_all() {
    let mut s = Store::in_memory().expect("db");
    s.set_outbox(true);
    let a = article(1);
    let claims = [claim("putin", Stance::Proposes, "kyiv")];
    let file = FileVersion {
        path: "/a",
        item: "",
        name: "a",
        meta: META,
        hash: b"h1",
    };
    // A crash after derivation, before the commit: the transaction rolls back.
    let err = s
        .write(|w| {
            w.record(
                &file,
                Some(Content {
                    article: &a,
                    claims: &claims,
                    raw: b"h1",
                }),
            )?;
            let added = w.derive(&mut |_| {})?;
            assert_eq!(added, 1);
            Err::<(), _>(StoreError::Invalid("crash".into()))
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)));
    assert_eq!(s.counts().expect("counts").changes, 0);
    assert_eq!(s.outbox_counts().expect("counts"), OutboxCounts::default());
    // Done again, it commits both.
    put(&mut s, "/a", b"h1", 1, &claims);
    assert_eq!(s.counts().expect("counts").changes, 1);
    assert_eq!(s.outbox_counts().expect("counts").pending, 1);
}

#[test]
fn a_delivered_change_derived_again_is_not_enqueued_again() {
    let mut s = Store::in_memory().expect("db");
    s.set_outbox(true);
    put(
        &mut s,
        "/b",
        b"h2",
        5,
        &[claim("putin", Stance::Proposes, "kyiv")],
    );
    let first = pending(&s, true);
    assert_eq!(first.len(), 1);
    // An earlier report of the same stance: the change moves to it, and
    // the one delivered leaves the log.
    put(
        &mut s,
        "/a",
        b"h1",
        1,
        &[claim("putin", Stance::Proposes, "kyiv")],
    );
    let log = s.changes(&ChangeFilter::default()).expect("changes");
    assert_eq!((log.len(), log[0].change.article.as_str()), (1, "a"));
    let second = pending(&s, false);
    assert_eq!(second.len(), 1);
    assert_ne!(second, first);
    // Corrected to say nothing: the first change is back in the log,
    // with its old key, and is not announced a second time.
    put(&mut s, "/a", b"h3", 1, &[]);
    let log = s.changes(&ChangeFilter::default()).expect("changes");
    assert_eq!((log.len(), log[0].change.article.as_str()), (1, "b"));
    assert_eq!(pending(&s, true), second, "only the one never delivered");
    assert_eq!(
        s.outbox_counts().expect("counts"),
        OutboxCounts {
            pending: 0,
            delivered: 2
        }
    );
}

#[test]
fn failed_attempts_are_counted_and_keep_the_alert_first() {
    let mut s = Store::in_memory().expect("db");
    s.set_outbox(true);
    put(
        &mut s,
        "/a",
        b"h1",
        1,
        &[claim("putin", Stance::Proposes, "kyiv")],
    );
    put(
        &mut s,
        "/b",
        b"h2",
        2,
        &[claim("putin", Stance::Rejects, "kyiv")],
    );
    let head = s.next_alert().expect("next").expect("alert");
    assert_eq!(s.alert_failed(head.id, "HTTP 503").expect("failed"), 1);
    assert_eq!(s.alert_failed(head.id, "HTTP 503").expect("failed"), 2);
    let again = s.next_alert().expect("next").expect("alert");
    assert_eq!((again.id, again.attempts), (head.id, 2));
    assert_eq!(s.outbox_failed_attempts().expect("attempts"), 2);
    s.alert_delivered(head.id).expect("delivered");
    assert_eq!(
        s.outbox_failed_attempts().expect("attempts"),
        0,
        "a delivered alert's attempts are not counted"
    );
    let next = s.next_alert().expect("next").expect("alert");
    assert!(next.id > head.id);
    assert_eq!(next.change.change.kind, ChangeKind::Reversed);
}

#[test]
fn two_processes_creating_the_database_at_once_both_succeed() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("db");
    let opened: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| Store::open(&path).map(drop)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    for result in opened {
        result.expect("open");
    }
    assert_eq!(
        Store::open(&path)
            .expect("open")
            .schema_version()
            .expect("v"),
        MIGRATIONS.len()
    );
}

#[test]
fn a_version_1_database_with_articles_upgrades_to_version_2() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("db");
    let conn = Connection::open(&path).expect("open");
    conn.execute_batch(MIGRATIONS[0]).expect("0001");
    conn.pragma_update(None, "user_version", 1).expect("v1");
    conn.execute_batch(
        "INSERT INTO articles (id, hash, name, date, date_source, title, body, size, ingested_at)
             VALUES (7, x'01', 'a.txt', '2026-01-05', 'header', 'Talks', 'Putin invited Zelensky to Moscow.', 40, 'then');
         INSERT INTO files (path, name, article_id, size, mtime_ns, inode) VALUES ('/a.txt', 'a.txt', 7, 40, 1, 1);
         INSERT INTO claims (article_id, seq, date, name, hash, leader, stance, venue, evidence, speaker, historical)
             VALUES (7, 0, '2026-01-05', 'a.txt', x'01', 'putin', 'proposes', 'moscow', 'Putin invited Zelensky to Moscow.', NULL, 0);",
    )
    .expect("rows");
    drop(conn);

    let mut s = Store::open(&path).expect("upgrade");
    assert_eq!(s.schema_version().expect("v"), MIGRATIONS.len());
    let c = s.counts().expect("counts");
    assert_eq!((c.articles, c.files, c.claims), (1, 1, 1));
    let columns: Vec<String> = s
        .conn
        .prepare("SELECT name FROM pragma_table_info('articles')")
        .expect("columns")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert!(!columns.iter().any(|c| c == "body"), "{columns:?}");
    let stored = s
        .rewrite(false, |w| w.stored_articles(0, 10))
        .expect("read");
    assert_eq!(stored.len(), 1);
    let a = &stored[0];
    assert_eq!(a.text, StoredText::BodyOnly);
    assert_eq!(a.article.body, "Putin invited Zelensky to Moscow.");
    assert_eq!(a.article.title.as_deref(), Some("Talks"));
    assert_eq!(a.article.date_source, DateSource::Header);
    assert_eq!(a.paths, ["/a.txt"]);
    assert_eq!(
        a.fallback_date,
        jiff::civil::date(1970, 1, 1),
        "the file's mtime"
    );
    // Replacing the file drops the article and, with it, its text.
    put(&mut s, "/a.txt", b"h2", 1, &[]);
    let texts: u64 = s
        .conn
        .query_row("SELECT COUNT(*) FROM article_text", [], |r| r.get(0))
        .expect("count");
    assert_eq!(texts, 1);
}

/// Rereads the article at `path` with `claims` dated `day`, derives, and
/// returns what changed: the reread, changes added and removed.
fn reread(
    s: &mut Store,
    commit: bool,
    name: &str,
    day: i8,
    claims: &[Claim],
) -> (Reread, Vec<LeaderChange>, Vec<LeaderChange>) {
    s.rewrite(commit, |w| {
        w.snapshot_changes()?;
        let stored = w.stored_articles(0, 100)?;
        let a = stored.iter().find(|a| a.name == name).expect("stored");
        assert_eq!(a.text, StoredText::Raw(a.hash.clone()), "raw bytes kept");
        let mut article = a.article.clone();
        article.date = jiff::civil::date(2026, 1, day);
        let r = w.reread(
            a.id,
            Reading {
                article: &article,
                claims,
                raw: None,
            },
        )?;
        w.derive(&mut |_| {})?;
        let (added, removed) = w.changes_since_snapshot()?;
        Ok((r, added, removed))
    })
    .expect("reread")
}

#[test]
fn rereading_replaces_claims_and_reports_what_changed() {
    let mut s = Store::in_memory().expect("db");
    put(
        &mut s,
        "/a",
        b"h1",
        1,
        &[claim("putin", Stance::Proposes, "moscow")],
    );
    put(
        &mut s,
        "/b",
        b"h2",
        5,
        &[claim("putin", Stance::Rejects, "moscow")],
    );
    put(
        &mut s,
        "/c",
        b"h3",
        9,
        &[claim("zelensky", Stance::Proposes, "kyiv")],
    );

    // The same reading changes nothing.
    let same = [claim("putin", Stance::Rejects, "moscow")];
    let (r, added, removed) = reread(&mut s, true, "b", 5, &same);
    assert_eq!(r, Reread::default());
    assert!(added.is_empty() && removed.is_empty());

    // Another claim: the reversal goes, a new position comes.
    let other = [claim("putin", Stance::Proposes, "kyiv")];
    let (r, added, removed) = reread(&mut s, true, "b", 5, &other);
    assert!(r.rewritten);
    assert_eq!(r.added, other);
    assert_eq!(r.removed, same);
    assert_eq!(r.old_date, None);
    let show = |l: &[LeaderChange]| -> Vec<(String, String, &'static str)> {
        l.iter()
            .map(|c| {
                (
                    c.leader.clone(),
                    c.change.venue.clone(),
                    c.change.kind.as_str(),
                )
            })
            .collect()
    };
    assert_eq!(show(&added), [("putin".into(), "kyiv".into(), "new")]);
    assert_eq!(
        show(&removed),
        [("putin".into(), "moscow".into(), "reversed")]
    );
    assert_eq!(added[0].change.article, "b");
    assert_matches_replay(&s, "putin", "after a reread");

    // A new date moves the report in the timeline: a now comes after b.
    let (r, _, _) = reread(
        &mut s,
        true,
        "a",
        20,
        &[claim("putin", Stance::Proposes, "moscow")],
    );
    assert_eq!(r.old_date, Some(jiff::civil::date(2026, 1, 1)));
    assert!(r.added.is_empty() && r.removed.is_empty());
    assert_matches_replay(&s, "putin", "after a re-date");
    let stored: Vec<String> = s
        .timeline("putin")
        .expect("timeline")
        .steps
        .iter()
        .map(|step| step.article.clone())
        .collect();
    assert_eq!(stored, ["b", "a"]);
}

#[test]
fn a_rewrite_rolled_back_leaves_everything_as_it_was() {
    let mut s = Store::in_memory().expect("db");
    put(
        &mut s,
        "/a",
        b"h1",
        1,
        &[claim("putin", Stance::Proposes, "moscow")],
    );
    let all = ChangeFilter::default();
    let before = (
        s.counts().expect("c"),
        s.positions().expect("p"),
        s.changes(&all).expect("c"),
    );
    let (r, added, removed) = reread(
        &mut s,
        false,
        "a",
        3,
        &[claim("putin", Stance::Rejects, "minsk")],
    );
    assert!(r.rewritten && added.len() == 1 && removed.len() == 1);
    let after = (
        s.counts().expect("c"),
        s.positions().expect("p"),
        s.changes(&all).expect("c"),
    );
    assert_eq!(before, after);
}

#[test]
fn a_database_from_the_future_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("db");
    drop(Store::open(&path).expect("create"));
    let conn = Connection::open(&path).expect("open");
    conn.pragma_update(None, "user_version", 99).expect("bump");
    drop(conn);
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
}

#[test]
fn data_version_moves_only_when_another_connection_commits() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("db");
    let mut writer = Store::open(&path).expect("create");
    let reader = Store::open_read_only(&path).expect("open read-only");
    let first = reader.data_version().expect("version");
    assert_eq!(reader.data_version().expect("version"), first);
    put(
        &mut writer,
        "/a.txt",
        b"a",
        1,
        &[claim("putin", Stance::Proposes, "moscow")],
    );
    let after = reader.data_version().expect("version");
    assert_ne!(after, first, "a commit elsewhere changes the version");
    assert_eq!(reader.data_version().expect("version"), after);
}

/// Records one version of a file of many articles: each `(item, hash, day,
/// claims)` as an item, then the file as read whole, as the pipeline does.
fn put_items(store: &mut Store, path: &str, meta: FileMeta, items: &[(&str, &[u8], i8, &[Claim])]) {
    store
        .write(|w| {
            for &(item, hash, day, claims) in items {
                let name = format!("{}#{item}", path.trim_start_matches('/'));
                let file = FileVersion {
                    path,
                    item,
                    name: &name,
                    meta,
                    hash,
                };
                let mut a = article(day);
                a.url = Some(format!("https://wire.example/{item}"));
                a.title = Some(format!("Story {item}"));
                let content = (!w.has_content(hash)?).then_some(Content {
                    raw: hash,
                    article: &a,
                    claims,
                });
                w.record(&file, content)?;
            }
            w.record_source(path, meta, items.len())?;
            w.derive(&mut |_| {})?;
            Ok(())
        })
        .expect("record items");
}

fn venues_of(s: &Store, leader: &str) -> Vec<(String, Stance)> {
    s.positions()
        .expect("positions")
        .into_iter()
        .filter(|p| p.leader == leader)
        .map(|p| (p.position.venue, p.position.stance))
        .collect()
}

#[test]
fn a_file_of_many_articles_keeps_each_item_and_knows_its_version() {
    let mut s = Store::in_memory().expect("db");
    let doha = [claim("erdogan", Stance::Proposes, "doha")];
    let rome = [claim("erdogan", Stance::Proposes, "rome")];
    put_items(
        &mut s,
        "/wire.rss",
        META,
        &[("a", b"i1", 2, &doha), ("b", b"i2", 3, &rome)],
    );
    let counts = s.counts().expect("counts");
    assert_eq!(
        (counts.articles, counts.files),
        (2, 1),
        "two articles, one file"
    );
    assert!(
        s.is_unchanged("/wire.rss", META).expect("check"),
        "the version read whole is known"
    );
    let newer = FileMeta {
        mtime_ns: 2,
        ..META
    };
    assert!(!s.is_unchanged("/wire.rss", newer).expect("check"));

    let positions = s.positions().expect("positions");
    let rome_source = &positions
        .iter()
        .find(|p| p.position.venue == "rome")
        .expect("rome")
        .source;
    assert_eq!(
        rome_source,
        &Source {
            file: Some("/wire.rss".into()),
            item: Some("b".into()),
            url: Some("https://wire.example/b".into()),
            title: Some("Story b".into()),
        }
    );
    let changes = s.changes(&ChangeFilter::default()).expect("changes");
    assert!(
        changes.iter().all(|c| c.source.item.is_some()),
        "{changes:?}"
    );
}

#[test]
fn a_rewritten_feed_corrects_changed_items_and_retracts_none_it_dropped() {
    let mut s = Store::in_memory().expect("db");
    let doha = [claim("erdogan", Stance::Proposes, "doha")];
    let rome = [claim("erdogan", Stance::Proposes, "rome")];
    let rome_rejected = [claim("erdogan", Stance::Rejects, "rome")];
    put_items(
        &mut s,
        "/wire.rss",
        META,
        &[("a", b"i1", 2, &doha), ("b", b"i2", 3, &rome)],
    );
    // Item a is gone from the feed; b was corrected.
    let newer = FileMeta {
        mtime_ns: 2,
        ..META
    };
    put_items(
        &mut s,
        "/wire.rss",
        newer,
        &[("b", b"i3", 3, &rome_rejected)],
    );
    assert_eq!(
        venues_of(&s, "erdogan"),
        [
            ("doha".to_string(), Stance::Proposes),
            ("rome".to_string(), Stance::Rejects)
        ],
        "the dropped item still stands; the corrected one replaced its old version"
    );
    assert_eq!(
        s.counts().expect("counts").articles,
        2,
        "the old version of b is gone"
    );
}

#[test]
fn a_file_that_becomes_a_feed_replaces_the_article_it_was() {
    let mut s = Store::in_memory().expect("db");
    put(
        &mut s,
        "/news",
        b"whole",
        1,
        &[claim("putin", Stance::Proposes, "minsk")],
    );
    let newer = FileMeta {
        mtime_ns: 2,
        ..META
    };
    let rome = [claim("putin", Stance::Proposes, "rome")];
    put_items(&mut s, "/news", newer, &[("a", b"i1", 2, &rome)]);
    assert_eq!(
        venues_of(&s, "putin"),
        [("rome".to_string(), Stance::Proposes)]
    );
    assert_eq!(s.counts().expect("counts").articles, 1);
}

#[test]
fn a_file_rewritten_as_something_else_no_longer_holds_its_article() {
    let mut s = Store::in_memory().expect("db");
    let minsk = [claim("putin", Stance::Proposes, "minsk")];
    put(&mut s, "/a", b"text", 1, &minsk);
    put(&mut s, "/copy", b"text", 1, &minsk);
    put(
        &mut s,
        "/b",
        b"other",
        2,
        &[claim("erdogan", Stance::Proposes, "ankara")],
    );
    put_items(
        &mut s,
        "/wire.rss",
        META,
        &[("x", b"i1", 3, &[claim("erdogan", Stance::Proposes, "doha")])],
    );
    let newer = FileMeta {
        mtime_ns: 2,
        ..META
    };
    let rejected_and_derived = |s: &mut Store, path: &str| {
        s.write(|w| {
            w.reject(path, newer, "the file is binary")?;
            w.derive(&mut |_| {})
        })
        .expect("reject");
    };
    rejected_and_derived(&mut s, "/b");
    assert_eq!(
        venues_of(&s, "erdogan"),
        [("doha".to_string(), Stance::Proposes)],
        "the article b held is gone with it; the feed's item stands"
    );
    rejected_and_derived(&mut s, "/a");
    assert_eq!(
        venues_of(&s, "putin"),
        [("minsk".to_string(), Stance::Proposes)],
        "a copy elsewhere keeps the article"
    );
    rejected_and_derived(&mut s, "/wire.rss");
    let c = s.counts().expect("counts");
    assert_eq!(
        (c.articles, c.files, c.rejected),
        (2, 2, 3),
        "the copy's article and the feed's item remain"
    );
    assert!(s.is_unchanged("/b", newer).expect("query"));
}

#[test]
fn pages_of_changes_hold_each_change_once_and_filters_narrow_them() {
    let mut s = Store::in_memory().expect("db");
    for day in 1..=9i8 {
        let stance = if day % 2 == 0 {
            Stance::Rejects
        } else {
            Stance::Proposes
        };
        let hash = [day as u8];
        put(
            &mut s,
            &format!("/p{day}"),
            &hash,
            day,
            &[claim("putin", stance, "minsk")],
        );
        put(
            &mut s,
            &format!("/e{day}"),
            &[100 + day as u8],
            day,
            &[claim("erdogan", stance, "ankara")],
        );
    }
    let all = s.changes(&ChangeFilter::default()).expect("all");
    assert_eq!(all.len(), 18);
    for (limit, leader) in [(1, None), (4, None), (5, Some("putin")), (100, None)] {
        let mut seen = Vec::new();
        let mut filter = ChangeFilter {
            leader: leader.map(String::from),
            limit: Some(limit),
            ..ChangeFilter::default()
        };
        loop {
            let page = s.change_page(&filter).expect("page");
            assert!(page.changes.len() <= limit);
            seen.extend(page.changes);
            match page.next {
                // A cursor survives its trip through a URL.
                Some(next) => filter.after = Some(next.to_string().parse().expect("cursor")),
                None => break,
            }
        }
        let want: Vec<_> = all
            .iter()
            .filter(|c| leader.is_none_or(|l| c.leader == l))
            .cloned()
            .collect();
        assert_eq!(seen, want, "limit {limit}, leader {leader:?}");
    }
    let count = |f: ChangeFilter| s.changes(&f).expect("filtered").len();
    assert_eq!(
        count(ChangeFilter {
            venue: Some("ankara".into()),
            ..Default::default()
        }),
        9
    );
    assert_eq!(
        count(ChangeFilter {
            kind: Some(ChangeKind::New),
            ..Default::default()
        }),
        2
    );
    assert_eq!(
        count(ChangeFilter {
            stance: Some(Stance::Rejects),
            ..Default::default()
        }),
        8
    );
    let day = |d: i8| article(d).date;
    assert_eq!(
        count(ChangeFilter {
            since: Some(day(3)),
            until: Some(day(4)),
            ..Default::default()
        }),
        4
    );
    assert!("zz".parse::<Cursor>().is_err() && "abc".parse::<Cursor>().is_err());
}

#[test]
fn change_events_follow_the_order_changes_were_found_and_skip_rewritten_ones() {
    let mut s = Store::in_memory().expect("db");
    assert_eq!(s.last_change_event().expect("last"), 0);
    put(
        &mut s,
        "/a",
        b"h1",
        5,
        &[claim("putin", Stance::Proposes, "minsk")],
    );
    let first = s.last_change_event().expect("last");
    assert_eq!(s.change_events(0, 10).expect("events").len(), 1);
    // A late article dated earlier: found second, though first in the
    // timeline; it turns the change of day 5 from new into reversed.
    put(
        &mut s,
        "/b",
        b"h2",
        1,
        &[claim("putin", Stance::Rejects, "minsk")],
    );
    let events = s.change_events(0, 10).expect("events");
    let found: Vec<(i8, ChangeKind)> = events
        .iter()
        .map(|e| (e.change.change.date.day(), e.change.change.kind))
        .collect();
    assert_eq!(found, [(1, ChangeKind::New), (5, ChangeKind::Reversed)]);
    assert!(
        events.iter().all(|e| e.id > first),
        "the rewritten change is skipped"
    );
    assert!(events.windows(2).all(|w| w[0].id < w[1].id));
    let last = s.last_change_event().expect("last");
    assert!(s.change_events(last, 10).expect("none").is_empty());
    assert_eq!(s.change_events(0, 1).expect("one").len(), 1);
    let log = s.changes(&ChangeFilter::default()).expect("log");
    assert!(
        events.iter().all(|e| log.contains(&e.change)),
        "{events:?}\n{log:?}"
    );
}

#[test]
fn a_change_names_the_first_of_the_files_that_hold_its_article() {
    let mut s = Store::in_memory().expect("db");
    let rome = [claim("erdogan", Stance::Proposes, "rome")];
    // The same content in three files, the first by name recorded neither
    // first nor last; another article, in a feed, so that the lookups of
    // several articles go together.
    put(&mut s, "/c/b.txt", b"same", 2, &rome);
    put(&mut s, "/a/b.txt", b"same", 2, &rome);
    put(&mut s, "/z/a.txt", b"same", 2, &rome);
    let doha = [claim("erdogan", Stance::Proposes, "doha")];
    put_items(&mut s, "/wire.rss", META, &[("x", b"other", 3, &doha)]);

    let changes = s.changes(&ChangeFilter::default()).expect("changes");
    let files: Vec<(&str, Option<&str>)> = changes
        .iter()
        .map(|c| {
            (
                c.source.file.as_deref().unwrap_or(""),
                c.source.item.as_deref(),
            )
        })
        .collect();
    assert_eq!(files, [("/a/b.txt", None), ("/wire.rss", Some("x"))]);
    // The positions' source is chosen by the same rule.
    for p in s.positions().expect("positions") {
        let change = changes
            .iter()
            .find(|c| c.change.venue == p.position.venue)
            .expect("a change per position");
        assert_eq!(change.source, p.source, "{}", p.position.venue);
    }
}

fn indexes(s: &Store) -> Vec<String> {
    let mut stmt = s
        .conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('claims_timeline', 'articles_order') ORDER BY name")
        .expect("prepare");
    stmt.query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("names")
}

#[test]
fn a_backlog_into_an_empty_database_builds_its_indexes_once_at_the_end() {
    let rome = [claim("erdogan", Stance::Proposes, "rome")];
    let rome_rejected = [claim("erdogan", Stance::Rejects, "rome")];
    let load = |s: &mut Store| {
        s.set_backlog(true).expect("backlog on");
        let during = indexes(s);
        put(s, "/b.txt", b"b", 3, &rome_rejected);
        put(s, "/a.txt", b"a", 2, &rome);
        s.set_backlog(false).expect("backlog off");
        during
    };
    let mut bulk = Store::in_memory().expect("db");
    assert!(load(&mut bulk).is_empty(), "dropped while loading");
    assert_eq!(indexes(&bulk), ["articles_order", "claims_timeline"]);

    // Into a database that holds articles, the indexes stay.
    let mut kept = Store::in_memory().expect("db");
    put(&mut kept, "/c.txt", b"c", 1, &rome);
    assert_eq!(load(&mut kept), ["articles_order", "claims_timeline"]);

    // A load cut short leaves them missing: the next backlog builds them.
    let mut cut = Store::in_memory().expect("db");
    cut.set_backlog(true).expect("backlog on");
    put(&mut cut, "/a.txt", b"a", 2, &rome);
    cut.set_backlog(true).expect("backlog on again");
    assert_eq!(indexes(&cut), ["articles_order", "claims_timeline"]);

    // What is derived is what the same articles give one by one.
    let mut plain = Store::in_memory().expect("db");
    put(&mut plain, "/b.txt", b"b", 3, &rome_rejected);
    put(&mut plain, "/a.txt", b"a", 2, &rome);
    let changes = |s: &Store| s.changes(&ChangeFilter::default()).expect("changes");
    assert_eq!(changes(&bulk), changes(&plain));
    assert_eq!(bulk.positions().expect("p"), plain.positions().expect("p"));
}
