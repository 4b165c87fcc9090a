-- Keeps the two per-settle / per-upload lookups that used to read a growing set of rows at a
-- cost that does not grow with the queue or the history (issue 5 benchmarks).

-- Each person's head of line: their earliest open outbox item, the only one of theirs the
-- worker may send (uploads go in commit order per person). Kept by the triggers below for
-- every writer of `outbox` (the journal, the worker, reconciliation), so it cannot drift from
-- the rows. `next_attempt_at` is the head row's, copied so that "what is due now" and "when is
-- the next one due" are answered from this small table alone.
CREATE TABLE outbox_heads (
  psn_no          TEXT PRIMARY KEY,
  outbox_id       INTEGER NOT NULL UNIQUE REFERENCES outbox (id),
  next_attempt_at TEXT NOT NULL
);
CREATE INDEX outbox_heads_next ON outbox_heads (next_attempt_at);

-- A person's open items in commit order, off the resolved history: finding the next head
-- after one is resolved reads one index entry, however many of that person's rows are done.
CREATE INDEX outbox_open_person ON outbox (psn_no, id) WHERE state IN ('queued', 'sent', 'unknown');

INSERT INTO outbox_heads (psn_no, outbox_id, next_attempt_at)
  SELECT o.psn_no, o.id, o.next_attempt_at FROM outbox o
  WHERE o.state IN ('queued', 'sent', 'unknown')
    AND o.id = (SELECT min(p.id) FROM outbox p WHERE p.psn_no = o.psn_no AND p.state IN ('queued', 'sent', 'unknown'));

-- Ids only grow, so a new open item is the head only when its person has none yet.
CREATE TRIGGER outbox_heads_insert AFTER INSERT ON outbox
WHEN NEW.state IN ('queued', 'sent', 'unknown')
BEGIN
  INSERT OR IGNORE INTO outbox_heads (psn_no, outbox_id, next_attempt_at) VALUES (NEW.psn_no, NEW.id, NEW.next_attempt_at);
END;

-- An item leaves the open states (states only move forward): if it was the head, the person's
-- next open item (if any) becomes the head. If it was not the head, the INSERT is ignored.
CREATE TRIGGER outbox_heads_resolve AFTER UPDATE OF state ON outbox
WHEN OLD.state IN ('queued', 'sent', 'unknown') AND NEW.state NOT IN ('queued', 'sent', 'unknown')
BEGIN
  DELETE FROM outbox_heads WHERE outbox_id = NEW.id;
  INSERT OR IGNORE INTO outbox_heads (psn_no, outbox_id, next_attempt_at)
    SELECT psn_no, id, next_attempt_at FROM outbox INDEXED BY outbox_open_person
    WHERE psn_no = NEW.psn_no AND state IN ('queued', 'sent', 'unknown')
    ORDER BY id LIMIT 1;
END;

-- A claim or a retry moves the head's next attempt time.
CREATE TRIGGER outbox_heads_next_attempt AFTER UPDATE OF next_attempt_at ON outbox
WHEN NEW.state IN ('queued', 'sent', 'unknown')
BEGIN
  UPDATE outbox_heads SET next_attempt_at = NEW.next_attempt_at WHERE outbox_id = NEW.id;
END;

-- The day's offline total for the per-day offline limit (journal.offlineLimitExceeded), kept
-- as a running sum instead of summing every offline settlement of the day at each settle.
-- Same rows as before: offline (online = 0) and not a refund, by created_day.
CREATE TABLE offline_day_totals (
  day   TEXT PRIMARY KEY,
  total INTEGER NOT NULL
);

INSERT INTO offline_day_totals (day, total)
  SELECT created_day, sum(total) FROM settlements WHERE online = 0 AND refund_of IS NULL GROUP BY created_day;

CREATE TRIGGER offline_day_totals_insert AFTER INSERT ON settlements
WHEN NEW.online = 0 AND NEW.refund_of IS NULL
BEGIN
  INSERT INTO offline_day_totals (day, total) VALUES (NEW.created_day, NEW.total)
    ON CONFLICT (day) DO UPDATE SET total = total + excluded.total;
END;

-- Nothing updates these columns today; if something ever does, the sum still follows.
CREATE TRIGGER offline_day_totals_update AFTER UPDATE OF created_day, online, refund_of, total ON settlements
BEGIN
  UPDATE offline_day_totals SET total = total - OLD.total
    WHERE day = OLD.created_day AND OLD.online = 0 AND OLD.refund_of IS NULL;
  INSERT INTO offline_day_totals (day, total)
    SELECT NEW.created_day, NEW.total WHERE NEW.online = 0 AND NEW.refund_of IS NULL
    ON CONFLICT (day) DO UPDATE SET total = total + excluded.total;
END;
