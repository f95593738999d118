-- The change log clustered by leader and timeline: a leader's changes (what
-- `changes --leader` reads, and what derivation replaces) are one range of
-- the table itself, not an index range with a table lookup per row.
CREATE TABLE changes_clustered (
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
) WITHOUT ROWID;
INSERT INTO changes_clustered
    SELECT leader, venue, kind, from_stance, to_stance, date, article, hash, seq,
           previous_article, evidence, diff
    FROM changes;
DROP TABLE changes;
ALTER TABLE changes_clustered RENAME TO changes;
CREATE INDEX changes_date ON changes(date, article);
