-- Articles are content versions: one row per distinct file content.
CREATE TABLE articles (
    id          INTEGER PRIMARY KEY,
    hash        BLOB NOT NULL UNIQUE,   -- BLAKE3 of the file's bytes
    name        TEXT NOT NULL,          -- the smallest file name holding this content
    date        TEXT NOT NULL,          -- YYYY-MM-DD
    date_source TEXT NOT NULL,          -- date_line | header | mtime
    title       TEXT,
    body        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    ingested_at TEXT NOT NULL
);

-- Files on disk and the content version each holds now.
CREATE TABLE files (
    path       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    size       INTEGER NOT NULL,
    mtime_ns   INTEGER NOT NULL,
    inode      INTEGER NOT NULL
);
CREATE INDEX files_article ON files(article_id);

-- A claim carries its article's timeline key (date, name, hash), so that a
-- leader's reports from any point on are one index range, read in order
-- without touching the articles table.
CREATE TABLE claims (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    date       TEXT NOT NULL,
    name       TEXT NOT NULL,
    hash       BLOB NOT NULL,
    leader     TEXT NOT NULL,
    stance     TEXT NOT NULL,
    venue      TEXT NOT NULL,
    evidence   TEXT NOT NULL,
    speaker    TEXT,
    historical INTEGER NOT NULL,
    PRIMARY KEY (article_id, seq)
);
CREATE INDEX claims_timeline ON claims(leader, historical, date, name, hash, seq);

-- Derived from claims by the diff engine; rewritten per leader.
CREATE TABLE positions (
    leader    TEXT NOT NULL,
    venue     TEXT NOT NULL,
    stance    TEXT NOT NULL,
    since     TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    article   TEXT NOT NULL,
    evidence  TEXT NOT NULL,
    PRIMARY KEY (leader, venue)
);

CREATE TABLE changes (
    leader           TEXT NOT NULL,
    venue            TEXT NOT NULL,
    kind             TEXT NOT NULL,
    from_stance      TEXT,
    to_stance        TEXT NOT NULL,
    date             TEXT NOT NULL,
    article          TEXT NOT NULL,
    hash             BLOB NOT NULL,      -- the article's, completing its timeline key
    seq              INTEGER NOT NULL,   -- the change's place among its report's changes
    previous_article TEXT,
    evidence         TEXT NOT NULL,
    diff             TEXT NOT NULL,
    PRIMARY KEY (leader, date, article, hash, seq)
);
CREATE INDEX changes_date ON changes(date, article);

-- Files that could not be ingested, and why; retried when they change.
CREATE TABLE rejected (
    path     TEXT PRIMARY KEY,
    reason   TEXT NOT NULL,
    size     INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode    INTEGER NOT NULL,
    at       TEXT NOT NULL
);

-- Where each leader's derivation stands: the last report applied (in
-- timeline order), so a report that comes after it is applied without
-- replaying the timeline.
CREATE TABLE derived (
    leader    TEXT PRIMARY KEY,
    last_date TEXT NOT NULL,
    last_name TEXT NOT NULL,
    last_hash BLOB NOT NULL
);

-- Leaders whose claims changed since their positions were derived, with the
-- earliest and the latest report (in timeline order) that changed, and
-- whether a report was removed or moved (which needs a full replay). Written
-- in the same transaction as the claims, so a crash never leaves stale
-- positions unmarked.
CREATE TABLE dirty (
    leader    TEXT PRIMARY KEY,
    from_date TEXT NOT NULL,
    from_name TEXT NOT NULL,
    from_hash BLOB NOT NULL,
    to_date   TEXT NOT NULL,
    to_name   TEXT NOT NULL,
    to_hash   BLOB NOT NULL,
    full      INTEGER NOT NULL
);

CREATE INDEX articles_order ON articles(date, name, hash);
