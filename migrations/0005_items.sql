-- A file may hold many articles (a feed, a JSON export): `files` gets one
-- row per article a file holds, keyed by the file's path and the item's id
-- inside it ('' for a file that is one article), and `sources` records each
-- version of a multi-article file that was read whole, so that a rescan
-- does not read it again. An item missing from a later version of its file
-- keeps its row: a feed that drops an old item retracts nothing.
--
-- Articles keep the address their file states (a page's canonical link, a
-- feed item's link), so that every claim can be followed to its source.
ALTER TABLE articles ADD COLUMN url TEXT;

CREATE TABLE files_v5 (
    path       TEXT NOT NULL,
    item       TEXT NOT NULL DEFAULT '',
    name       TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    size       INTEGER NOT NULL,
    mtime_ns   INTEGER NOT NULL,
    inode      INTEGER NOT NULL,
    PRIMARY KEY (path, item)
);
INSERT INTO files_v5 (path, item, name, article_id, size, mtime_ns, inode)
    SELECT path, '', name, article_id, size, mtime_ns, inode FROM files;
DROP TABLE files;
ALTER TABLE files_v5 RENAME TO files;
CREATE INDEX files_article ON files(article_id);

CREATE TABLE sources (
    path     TEXT PRIMARY KEY,
    items    INTEGER NOT NULL,   -- articles read from this version
    size     INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode    INTEGER NOT NULL
);

-- An alert says where its change was found, as the change log does.
ALTER TABLE outbox ADD COLUMN url TEXT;
ALTER TABLE outbox ADD COLUMN title TEXT;
ALTER TABLE outbox ADD COLUMN file TEXT;
ALTER TABLE outbox ADD COLUMN item TEXT;
