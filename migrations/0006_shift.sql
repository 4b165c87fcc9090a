-- Shifts, cash counts, reconciliation with the center, receivables (electron/shift).
-- Money is integer fen. A closed shift's handover is frozen; once signed off the row cannot
-- change (trigger below) and is only corrected by new shift_corrections rows.

CREATE TABLE shifts (
  id              TEXT PRIMARY KEY,              -- SH-yyyyMMdd-<operator>-<n>
  operator_id     TEXT NOT NULL,
  opened_at       TEXT NOT NULL,                 -- ISO UTC
  opened_day      TEXT NOT NULL,                 -- yyyy-MM-dd China time
  state           TEXT NOT NULL CHECK (state IN ('open', 'closed', 'signed')),
  opening_float   INTEGER NOT NULL CHECK (opening_float >= 0),
  opening_counts  TEXT NOT NULL,                 -- JSON [{denomination, count}]
  closed_at       TEXT,
  counted_cash    INTEGER,                       -- blind count at close
  counted_counts  TEXT,                          -- JSON [{denomination, count}]
  expected_cash   INTEGER,
  variance        INTEGER,                       -- counted − expected
  close_note      TEXT,
  handover        TEXT,                          -- JSON ShiftReport frozen at close
  handover_hash   TEXT,                          -- sha256 of handover, printed on the report
  signed_by       TEXT,
  signed_at       TEXT,
  signoff_note    TEXT
);
-- One open shift per operator: currentShiftId() is a point lookup and a second open is refused.
CREATE UNIQUE INDEX shifts_one_open ON shifts (operator_id) WHERE state = 'open';
CREATE INDEX shifts_opened ON shifts (opened_day, operator_id);

CREATE TRIGGER shifts_signed_frozen BEFORE UPDATE ON shifts WHEN OLD.state = 'signed'
BEGIN SELECT RAISE(ABORT, 'a signed-off shift is frozen; add a correction instead'); END;
CREATE TRIGGER shifts_no_delete BEFORE DELETE ON shifts
BEGIN SELECT RAISE(ABORT, 'shifts are never deleted'); END;

-- Cash put into or taken out of the drawer during a shift, besides settlements.
CREATE TABLE cash_movements (
  id          INTEGER PRIMARY KEY,
  shift_id    TEXT NOT NULL REFERENCES shifts (id),
  at          TEXT NOT NULL,
  direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  amount      INTEGER NOT NULL CHECK (amount > 0),
  reason      TEXT NOT NULL,
  operator_id TEXT NOT NULL
);
CREATE INDEX cash_movements_shift ON cash_movements (shift_id);
CREATE TRIGGER cash_movements_append_only BEFORE UPDATE ON cash_movements
BEGIN SELECT RAISE(ABORT, 'cash movements are append-only'); END;

-- Corrections of a closed or signed-off shift: a new, audited entry, never an edit.
CREATE TABLE shift_corrections (
  id          INTEGER PRIMARY KEY,
  shift_id    TEXT NOT NULL REFERENCES shifts (id),
  at          TEXT NOT NULL,
  operator_id TEXT NOT NULL,
  cash_delta  INTEGER NOT NULL,                  -- added to the counted cash (fen, may be 0)
  note        TEXT NOT NULL
);
CREATE INDEX shift_corrections_shift ON shift_corrections (shift_id);

-- One reconciliation run with the center over a day range.
CREATE TABLE reconciliation_runs (
  id           INTEGER PRIMARY KEY,
  from_day     TEXT NOT NULL,
  to_day       TEXT NOT NULL,
  run_at       TEXT NOT NULL,
  operator_id  TEXT,
  result       TEXT NOT NULL CHECK (result IN ('match', 'mismatch', 'failed')),
  totals       TEXT NOT NULL,                    -- JSON: 3201 groups, local and center figures
  detail_count INTEGER NOT NULL DEFAULT 0,       -- rows compared by 3202
  error        TEXT
);

-- What the reconciliation found, and what was done about it.
CREATE TABLE discrepancies (
  id              INTEGER PRIMARY KEY,
  run_id          INTEGER NOT NULL REFERENCES reconciliation_runs (id),
  kind            TEXT NOT NULL CHECK (kind IN ('only_center', 'only_local', 'amount_differs')),
  settlement_id   TEXT,                          -- local id (medins_setl_id); NULL when only at center
  center_setl_id  TEXT,
  day             TEXT NOT NULL,
  local_total     INTEGER,
  local_fund      INTEGER,
  local_account   INTEGER,
  center_total    INTEGER,
  center_fund     INTEGER,
  center_account  INTEGER,
  state           TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'reupload_requested', 'resolved')),
  action_note     TEXT,
  acted_by        TEXT,
  acted_at        TEXT,
  key             TEXT NOT NULL                  -- kind + ids: one open row per finding across runs
);
CREATE UNIQUE INDEX discrepancies_open_key ON discrepancies (key) WHERE state <> 'resolved';
CREATE INDEX discrepancies_state ON discrepancies (state, day);

-- Supervisor actions on adjusted and rejected settlements (the work lists).
CREATE TABLE worklist_actions (
  id            INTEGER PRIMARY KEY,
  settlement_id TEXT NOT NULL,
  list          TEXT NOT NULL CHECK (list IN ('adjustment', 'rejection')),
  action        TEXT NOT NULL CHECK (action IN ('accept', 'correct_reupload', 'refund', 'write_off')),
  note          TEXT NOT NULL,
  operator_id   TEXT NOT NULL,
  at            TEXT NOT NULL
);
CREATE INDEX worklist_actions_settlement ON worklist_actions (settlement_id);

-- Payment, rejection and deduction notices from the center (3301), each kept once.
CREATE TABLE center_notices (
  notice_id      TEXT PRIMARY KEY,
  type           TEXT NOT NULL CHECK (type IN ('paid', 'rejected', 'deducted')),
  center_setl_id TEXT NOT NULL,
  settlement_id  TEXT,                           -- local settlement, when known
  amount         INTEGER NOT NULL,
  reason_code    TEXT,
  reason         TEXT,
  time           TEXT NOT NULL,
  received_at    TEXT NOT NULL
);
CREATE INDEX center_notices_settlement ON center_notices (settlement_id);
CREATE INDEX center_notices_center ON center_notices (center_setl_id);

-- Where the 3301 notice stream was read up to.
CREATE TABLE center_notice_cursor (
  k          INTEGER PRIMARY KEY CHECK (k = 1),
  cursor     TEXT NOT NULL,
  fetched_at TEXT NOT NULL
);

-- 3301 notices name the center's setl_id; matching them to local settlements is a point lookup.
CREATE INDEX settlements_center_setl ON settlements (center_setl_id) WHERE center_setl_id IS NOT NULL;
