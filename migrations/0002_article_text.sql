-- An article's text moves out of `articles` into a table of its own, as the
-- file's bytes as read instead of the reader's output, so that `reindex` can
-- run the reader (decode, date, boilerplate) again and not only the
-- extractor.
--
-- `articles.body` (the reader's output) goes: nothing read it back, and it
-- can be derived from the raw bytes again, so keeping both would store each
-- article's text twice (about 4 KB more per article). Articles ingested
-- before this migration have no raw bytes; for them the body is kept (`raw`
-- NULL), and `reindex` runs only the extractor on it.
--
-- A table of its own keeps the rows of `articles`, which queries scan and
-- join, a few dozen bytes long instead of a page each.
CREATE TABLE article_text (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    raw        BLOB,   -- the file's bytes as read; NULL for articles from before 0002
    body       TEXT,   -- the reader's output, kept only where raw is NULL
    CHECK ((raw IS NULL) <> (body IS NULL))
);

INSERT INTO article_text (article_id, body) SELECT id, body FROM articles;

ALTER TABLE articles DROP COLUMN body;
