-- Changes waiting to be (or already) announced to the configured notifier
-- (`watch --notify-url` / `--notify-exec`). A row is written in the same
-- transaction that adds its change to the log, so a change is never in the
-- log without its alert, nor the other way round.
--
-- The row is a copy of the change as it was announced, not a reference: a
-- later re-derivation may delete or replace the change, and the alert still
-- says what was found at the time.
--
-- Rows are kept once delivered (`delivered_at` set): `key` is UNIQUE, so a
-- change that disappears and is derived again later is not enqueued, and so
-- not acknowledged, twice.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,  -- delivery order
    key              TEXT NOT NULL UNIQUE,               -- the idempotency key
    leader           TEXT NOT NULL,
    venue            TEXT NOT NULL,
    kind             TEXT NOT NULL,
    from_stance      TEXT,
    to_stance        TEXT NOT NULL,
    date             TEXT NOT NULL,
    article          TEXT NOT NULL,
    previous_article TEXT,
    evidence         TEXT NOT NULL,
    diff             TEXT NOT NULL,
    enqueued_at      TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    delivered_at     TEXT
);

-- The sender's queue: pending rows in delivery order.
CREATE INDEX outbox_pending ON outbox(id) WHERE delivered_at IS NULL;
