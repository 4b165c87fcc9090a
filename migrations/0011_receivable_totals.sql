-- What the fund owes the clinic, kept up to date as it changes (issue 8 benchmark): the
-- receivables summary used to read every settlement ever made (~1 s over a million rows on the
-- main process's connection). Now each settlement's receivable is stored when the settlement,
-- its adjustments or the center's 3301 notices about it are written, and summed per day and
-- status; the summary reads days, and its list of open rows reads only open receivables.
-- Kept by triggers below for every writer (the journal, the outbox outcome, the notice fetch),
-- so no writer can forget it and the rows cannot drift from their sources.

-- One settlement's receivable, computed from scratch from its row, its adjustments and its
-- notices. The single definition: the triggers, the backfill and the tests all use it.
-- Only settlements the clinic advanced money for: refunded ones and their refund rows cancel
-- out, rejected uploads were never owed, and a receivable of 0 (all cash) is none.
CREATE VIEW receivable_computed AS
SELECT settlement_id, day, owed, paid, deducted, rejected, owed - paid - deducted - rejected AS outstanding,
       CASE WHEN has_rej THEN 'rejected'
            WHEN deducted > 0 AND paid + deducted >= owed THEN 'deducted'
            WHEN owed > 0 AND paid >= owed THEN 'paid'
            WHEN paid > 0 THEN 'partly_paid'
            WHEN state = 'provisional' THEN 'uploaded'
            ELSE 'confirmed' END AS status
FROM (
  -- DISTINCT (each id is one row anyway) keeps SQLite from flattening this into the outer
  -- query, which would copy every subquery into each expression that uses its result.
  SELECT DISTINCT s.id AS settlement_id, s.created_day AS day, s.state,
         s.fund_pay + s.critical_illness_pay + s.account_pay
           + coalesce((SELECT sum(a.difference) FROM adjustments a
                       WHERE a.settlement_id = s.id AND a.field IN ('fund_pay', 'critical_illness_pay', 'account_pay')), 0) AS owed,
         coalesce((SELECT sum(n.amount) FROM center_notices n WHERE n.settlement_id = s.id AND n.type = 'paid'), 0) AS paid,
         coalesce((SELECT sum(n.amount) FROM center_notices n WHERE n.settlement_id = s.id AND n.type = 'deducted'), 0) AS deducted,
         coalesce((SELECT sum(n.amount) FROM center_notices n WHERE n.settlement_id = s.id AND n.type = 'rejected'), 0) AS rejected,
         EXISTS (SELECT 1 FROM center_notices n WHERE n.settlement_id = s.id AND n.type = 'rejected') AS has_rej
  FROM settlements s
  WHERE s.refund_of IS NULL AND s.state IN ('provisional', 'confirmed', 'adjusted'))
WHERE owed <> 0;

-- Each settlement's receivable as last computed (a settlement with none has no row).
CREATE TABLE receivables (
  settlement_id TEXT PRIMARY KEY,
  day           TEXT NOT NULL,                   -- the settlement's created_day: its age
  status        TEXT NOT NULL,
  owed          INTEGER NOT NULL,
  paid          INTEGER NOT NULL,
  deducted      INTEGER NOT NULL,
  rejected      INTEGER NOT NULL,
  outstanding   INTEGER NOT NULL
) WITHOUT ROWID;
-- The supervisor's list (oldest first) holds only what is open or rejected: paid ones leave it.
CREATE INDEX receivables_listed ON receivables (day, settlement_id) WHERE outstanding <> 0 OR status = 'rejected';

-- The receivables summed per day and status. Aging buckets move with today's date, so they
-- are computed from `day` when the summary is read, never stored.
CREATE TABLE receivable_days (
  day         TEXT NOT NULL,
  status      TEXT NOT NULL,
  count       INTEGER NOT NULL,
  owed        INTEGER NOT NULL,
  paid        INTEGER NOT NULL,
  deducted    INTEGER NOT NULL,
  rejected    INTEGER NOT NULL,
  outstanding INTEGER NOT NULL,
  open_count  INTEGER NOT NULL,                  -- receivables with outstanding > 0
  open_amount INTEGER NOT NULL,                  -- their outstanding
  PRIMARY KEY (day, status)
) WITHOUT ROWID;

-- "Recompute settlement X's receivable": INSERT INTO receivable_refresh VALUES (X). A view with
-- an INSTEAD OF trigger stores nothing; it is a procedure the triggers below share. It takes
-- X's stored receivable out of its day's sums, computes it again, stores it, adds it back.
CREATE VIEW receivable_refresh AS SELECT NULL AS settlement_id;
CREATE TRIGGER receivable_refresh_run INSTEAD OF INSERT ON receivable_refresh
WHEN NEW.settlement_id IS NOT NULL
BEGIN
  UPDATE receivable_days SET
      count = receivable_days.count - 1, owed = receivable_days.owed - r.owed, paid = receivable_days.paid - r.paid,
      deducted = receivable_days.deducted - r.deducted, rejected = receivable_days.rejected - r.rejected,
      outstanding = receivable_days.outstanding - r.outstanding,
      open_count = receivable_days.open_count - (r.outstanding > 0),
      open_amount = receivable_days.open_amount - max(r.outstanding, 0)
    FROM receivables r
    WHERE r.settlement_id = NEW.settlement_id AND receivable_days.day = r.day AND receivable_days.status = r.status;
  DELETE FROM receivable_days
    WHERE count = 0 AND (day, status) IN (SELECT day, status FROM receivables WHERE settlement_id = NEW.settlement_id);
  DELETE FROM receivables WHERE settlement_id = NEW.settlement_id;
  INSERT INTO receivables (settlement_id, day, status, owed, paid, deducted, rejected, outstanding)
    SELECT settlement_id, day, status, owed, paid, deducted, rejected, outstanding
    FROM receivable_computed WHERE settlement_id = NEW.settlement_id;
  INSERT INTO receivable_days (day, status, count, owed, paid, deducted, rejected, outstanding, open_count, open_amount)
    SELECT day, status, 1, owed, paid, deducted, rejected, outstanding, outstanding > 0, max(outstanding, 0)
    FROM receivables WHERE settlement_id = NEW.settlement_id
  ON CONFLICT (day, status) DO UPDATE SET
    count = count + 1, owed = owed + excluded.owed, paid = paid + excluded.paid, deducted = deducted + excluded.deducted,
    rejected = rejected + excluded.rejected, outstanding = outstanding + excluded.outstanding,
    open_count = open_count + excluded.open_count, open_amount = open_amount + excluded.open_amount;
END;

-- Settlements: a new one; a change of what it owes or whether it counts (state: uploaded →
-- confirmed / adjusted / rejected / refunded); never deleted, but kept right if one were.
CREATE TRIGGER receivables_settlement_insert AFTER INSERT ON settlements
BEGIN
  INSERT INTO receivable_refresh (settlement_id) VALUES (NEW.id);
END;
CREATE TRIGGER receivables_settlement_update
AFTER UPDATE OF state, refund_of, created_day, fund_pay, critical_illness_pay, account_pay ON settlements
WHEN OLD.state IS NOT NEW.state OR OLD.refund_of IS NOT NEW.refund_of OR OLD.created_day IS NOT NEW.created_day
  OR OLD.fund_pay IS NOT NEW.fund_pay OR OLD.critical_illness_pay IS NOT NEW.critical_illness_pay OR OLD.account_pay IS NOT NEW.account_pay
BEGIN
  INSERT INTO receivable_refresh (settlement_id) VALUES (NEW.id);
END;
CREATE TRIGGER receivables_settlement_delete AFTER DELETE ON settlements
BEGIN
  INSERT INTO receivable_refresh (settlement_id) VALUES (OLD.id);
END;

-- The center's adjustments of what is owed (fund, critical illness, personal account).
CREATE TRIGGER receivables_adjustment_insert AFTER INSERT ON adjustments
WHEN NEW.field IN ('fund_pay', 'critical_illness_pay', 'account_pay')
BEGIN
  INSERT INTO receivable_refresh (settlement_id) VALUES (NEW.settlement_id);
END;
CREATE TRIGGER receivables_adjustment_update AFTER UPDATE OF settlement_id, field, difference ON adjustments
BEGIN
  INSERT INTO receivable_refresh (settlement_id) VALUES (OLD.settlement_id);
  INSERT INTO receivable_refresh (settlement_id) SELECT NEW.settlement_id WHERE NEW.settlement_id IS NOT OLD.settlement_id;
END;
CREATE TRIGGER receivables_adjustment_delete AFTER DELETE ON adjustments
BEGIN
  INSERT INTO receivable_refresh (settlement_id) VALUES (OLD.settlement_id);
END;

-- 3301 notices: a new one (an ignored duplicate fires nothing), and a notice matched to its
-- settlement later (settlement_id filled in by the summary).
CREATE TRIGGER receivables_notice_insert AFTER INSERT ON center_notices
WHEN NEW.settlement_id IS NOT NULL
BEGIN
  INSERT INTO receivable_refresh (settlement_id) VALUES (NEW.settlement_id);
END;
CREATE TRIGGER receivables_notice_update AFTER UPDATE OF settlement_id, type, amount ON center_notices
BEGIN
  INSERT INTO receivable_refresh (settlement_id) VALUES (OLD.settlement_id);
  INSERT INTO receivable_refresh (settlement_id) SELECT NEW.settlement_id WHERE NEW.settlement_id IS NOT OLD.settlement_id;
END;
CREATE TRIGGER receivables_notice_delete AFTER DELETE ON center_notices
BEGIN
  INSERT INTO receivable_refresh (settlement_id) VALUES (OLD.settlement_id);
END;

-- What is already there.
INSERT INTO receivables (settlement_id, day, status, owed, paid, deducted, rejected, outstanding)
  SELECT settlement_id, day, status, owed, paid, deducted, rejected, outstanding FROM receivable_computed;
INSERT INTO receivable_days (day, status, count, owed, paid, deducted, rejected, outstanding, open_count, open_amount)
  SELECT day, status, count(*), sum(owed), sum(paid), sum(deducted), sum(rejected), sum(outstanding),
         sum(outstanding > 0), sum(max(outstanding, 0))
  FROM receivables GROUP BY day, status;
