-- Drug traceability sales reports in the outbox (issue 17): two new kinds, 'trace_sale' (3505,
-- a drug line sold with its codes) and 'trace_return' (3506, the same line given back by a
-- refund). The kind column's CHECK (0005) can only be widened by rebuilding the table.
--
-- The SQLite way (https://sqlite.org/lang_altertable.html, "other kinds of table schema
-- changes"), inside this migration's transaction. Foreign keys cannot be switched off in a
-- transaction (`PRAGMA foreign_keys` is a no-op there), and `adjustments` and `outbox_heads`
-- reference outbox rows, so instead they are DEFERRED for this transaction: dropping the old
-- table counts the child rows it orphans, and copying every row into the new table of the same
-- name counts them back (a row inserted into a parent table settles the deferred violations of
-- the children that name it). Were one row lost or changed, the commit would fail with
-- "FOREIGN KEY constraint failed" and the database stay at the previous version.
-- test/integration/db/outbox-rebuild.test.ts checks every row, index, trigger and head survives.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE outbox_copy AS SELECT * FROM outbox;

-- Also drops its indexes and its triggers (re-created below, as 0005 / 0009 wrote them).
DROP TABLE outbox;

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  settlement_id   TEXT NOT NULL REFERENCES settlements (id),
  kind            TEXT NOT NULL CHECK (kind IN ('upload', 'cancel', 'reversal', 'trace_sale', 'trace_return')),
  infno           TEXT NOT NULL,                  -- 2207 | 2208 | 2601 | chain | chain-undo | 3505 | 3506
  msgid           TEXT NOT NULL UNIQUE,
  psn_no          TEXT NOT NULL,                  -- the queue: the person, or '#trace' for the traceability reports
  payload         TEXT NOT NULL,                  -- JSON `input` of the message
  state           TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'unknown', 'confirmed', 'adjusted', 'rejected', 'reversed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,                  -- ISO UTC
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  deadline_at     TEXT NOT NULL,                  -- created_at + uploadDeadlineHours
  sent_at         TEXT,
  resolved_at     TEXT,                           -- when it reached a final state
  response        TEXT,                           -- JSON output of the final answer
  reject_code     TEXT,
  reject_reason   TEXT,
  reviewed_by     TEXT,                           -- supervisor who handled a rejection
  reviewed_at     TEXT
);

INSERT INTO outbox SELECT * FROM outbox_copy;
DROP TABLE outbox_copy;

CREATE INDEX outbox_open ON outbox (id) WHERE state IN ('queued', 'sent', 'unknown');
CREATE INDEX outbox_state ON outbox (state);
CREATE INDEX outbox_settlement ON outbox (settlement_id);
CREATE INDEX outbox_open_person ON outbox (psn_no, id) WHERE state IN ('queued', 'sent', 'unknown');

-- The heads triggers of 0009, unchanged (the outbox_heads rows themselves were kept).
CREATE TRIGGER outbox_heads_insert AFTER INSERT ON outbox
WHEN NEW.state IN ('queued', 'sent', 'unknown')
BEGIN
  INSERT OR IGNORE INTO outbox_heads (psn_no, outbox_id, next_attempt_at) VALUES (NEW.psn_no, NEW.id, NEW.next_attempt_at);
END;

CREATE TRIGGER outbox_heads_resolve AFTER UPDATE OF state ON outbox
WHEN OLD.state IN ('queued', 'sent', 'unknown') AND NEW.state NOT IN ('queued', 'sent', 'unknown')
BEGIN
  DELETE FROM outbox_heads WHERE outbox_id = NEW.id;
  INSERT OR IGNORE INTO outbox_heads (psn_no, outbox_id, next_attempt_at)
    SELECT psn_no, id, next_attempt_at FROM outbox INDEXED BY outbox_open_person
    WHERE psn_no = NEW.psn_no AND state IN ('queued', 'sent', 'unknown')
    ORDER BY id LIMIT 1;
END;

CREATE TRIGGER outbox_heads_next_attempt AFTER UPDATE OF next_attempt_at ON outbox
WHEN NEW.state IN ('queued', 'sent', 'unknown')
BEGIN
  UPDATE outbox_heads SET next_attempt_at = NEW.next_attempt_at WHERE outbox_id = NEW.id;
END;

-- A sale's 3505 names the center's settlement id, known only once the center has answered the
-- settlement's upload (2207, or the national chain). Until then the report is written held
-- (next attempt '9999-…', electron/outbox/store.ts TRACE_HELD_UNTIL); whatever ends the upload
-- (taken, adjusted, refused, reversed by a refund) releases it in the same transaction, for
-- every writer of the outbox.
CREATE TRIGGER outbox_trace_release AFTER UPDATE OF state ON outbox
WHEN NEW.kind = 'upload' AND OLD.state IN ('queued', 'sent', 'unknown') AND NEW.state NOT IN ('queued', 'sent', 'unknown')
BEGIN
  UPDATE outbox SET next_attempt_at = coalesce(NEW.resolved_at, NEW.next_attempt_at)
    WHERE settlement_id = NEW.settlement_id AND kind = 'trace_sale' AND state = 'queued' AND next_attempt_at >= '9999';
END;
