-- Articles are content versions: one row per distinct file content.
CREATE TABLE articles (
    id          INTEGER PRIMARY KEY,
    hash        TEXT NOT NULL UNIQUE,
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

CREATE TABLE claims (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    leader     TEXT NOT NULL,
    stance     TEXT NOT NULL,
    venue      TEXT NOT NULL,
    evidence   TEXT NOT NULL,
    speaker    TEXT,
    historical INTEGER NOT NULL,
    PRIMARY KEY (article_id, seq)
);
CREATE INDEX claims_leader ON claims(leader);

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
    seq              INTEGER NOT NULL,
    venue            TEXT NOT NULL,
    kind             TEXT NOT NULL,
    from_stance      TEXT,
    to_stance        TEXT NOT NULL,
    date             TEXT NOT NULL,
    article          TEXT NOT NULL,
    previous_article TEXT,
    evidence         TEXT NOT NULL,
    diff             TEXT NOT NULL,
    PRIMARY KEY (leader, seq)
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
