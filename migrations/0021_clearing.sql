-- Monthly clearing (issue 17; docs/CLEARING.md). Two owners:
-- - reconciled_settlements (electron/shift/reconcile.ts): each settlement a reconciliation run
--   covered and found no difference in, with that run. Written at the end of every run that was
--   not a failure; a later run that finds a difference in it takes it out again. The clearing
--   application is made only of these.
-- - clearing_applications, clearing_items (electron/shift/clearing-store.ts): the month's
--   clearing application per clearing type (national 3203; our protocol's equivalent), and the
--   settlements it was made of.

CREATE TABLE reconciled_settlements (
  settlement_id TEXT PRIMARY KEY,
  run_id        INTEGER NOT NULL REFERENCES reconciliation_runs (id),
  reconciled_at TEXT NOT NULL
) WITHOUT ROWID;

-- prepared: computed and shown to the supervisor, nothing sent yet.
-- sending: the 3203's msgid stored before sending; its outcome is not known yet (a lost answer
--   leaves it here; sending again uses the same msgid, so the center answers what it did).
-- sent: the center accepted it (center_appy_id). cancelling: the 3204's msgid stored before
--   sending, outcome not yet known. cancelled: the center cancelled it (or it was never sent).
-- paid: the center says the fund paid it.
CREATE TABLE clearing_applications (
  id             TEXT PRIMARY KEY,                 -- CLR-yyyyMM-<clr_type>-<n>
  setlym         TEXT NOT NULL CHECK (setlym GLOB '[0-9][0-9][0-9][0-9][0-1][0-9]'),
  clr_type       TEXT NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('prepared', 'sending', 'sent', 'cancelling', 'cancelled', 'paid')),
  psntime        INTEGER NOT NULL,                 -- person-times: settlements less refunds
  row_count      INTEGER NOT NULL,                 -- rows in it (settlements and refund rows)
  medfee_sumamt  INTEGER NOT NULL,                 -- fen, center-agreed amounts
  fund_appy_sum  INTEGER NOT NULL,                 -- fund + critical illness
  acct_pay       INTEGER NOT NULL,
  cash_payamt    INTEGER NOT NULL,
  send_msgid     TEXT,
  center_appy_id TEXT,
  cancel_msgid   TEXT,
  prepared_by    TEXT NOT NULL,
  prepared_at    TEXT NOT NULL,
  sent_at        TEXT,
  cancelled_by   TEXT,
  cancelled_at   TEXT,
  paid_at        TEXT,
  last_error     TEXT
);
-- One application alive per month and clearing type; a cancelled one may be followed by another.
CREATE UNIQUE INDEX clearing_live ON clearing_applications (setlym, clr_type) WHERE state <> 'cancelled';

CREATE TABLE clearing_items (
  application_id TEXT NOT NULL REFERENCES clearing_applications (id),
  settlement_id  TEXT NOT NULL,
  center_setl_id TEXT,
  PRIMARY KEY (application_id, settlement_id)
) WITHOUT ROWID;
CREATE INDEX clearing_items_settlement ON clearing_items (settlement_id);

CREATE TRIGGER clearing_money_insert BEFORE INSERT ON clearing_applications
WHEN typeof(NEW.medfee_sumamt) <> 'integer' OR typeof(NEW.fund_appy_sum) <> 'integer'
  OR typeof(NEW.acct_pay) <> 'integer' OR typeof(NEW.cash_payamt) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: clearing_applications: an amount is not whole fen'); END;
CREATE TRIGGER clearing_money_update BEFORE UPDATE OF medfee_sumamt, fund_appy_sum, acct_pay, cash_payamt ON clearing_applications
WHEN typeof(NEW.medfee_sumamt) <> 'integer' OR typeof(NEW.fund_appy_sum) <> 'integer'
  OR typeof(NEW.acct_pay) <> 'integer' OR typeof(NEW.cash_payamt) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: clearing_applications: an amount is not whole fen'); END;
