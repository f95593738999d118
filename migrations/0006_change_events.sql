-- Changes in the order they were found (not timeline order): what a live
-- page follows (`GET /api/events`, whose event ids are these ids, so that a
-- client resumes with Last-Event-ID). A row names its change by the
-- change's place in the log and what it says; a change that a later
-- derivation deleted or rewrote is skipped by the join, and one derived
-- again unchanged is not found again, so gets no row.
CREATE TABLE change_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    leader      TEXT NOT NULL,
    date        TEXT NOT NULL,
    article     TEXT NOT NULL,
    hash        BLOB NOT NULL,
    seq         INTEGER NOT NULL,
    venue       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    from_stance TEXT,
    to_stance   TEXT NOT NULL
);
