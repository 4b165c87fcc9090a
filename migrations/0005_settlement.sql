-- The settlement journal (electron/settlement) and the upload outbox (electron/outbox).
-- Money columns are integer fen. A refund is its own settlements row with negated amounts and
-- refund_of set. Rows here are never deleted; states move forward only.

CREATE TABLE settlements (
  id                   TEXT PRIMARY KEY,          -- medins_setl_id sent to the center
  created_at           TEXT NOT NULL,             -- ISO UTC
  created_day          TEXT NOT NULL,             -- yyyy-MM-dd China time (day totals, offline limits)
  visit_date           TEXT NOT NULL,             -- yyyy-MM-dd
  operator_id          TEXT NOT NULL,
  shift_id             TEXT NOT NULL,
  psn_no               TEXT NOT NULL,
  psn_name             TEXT NOT NULL,
  cert_type            TEXT NOT NULL,             -- '01' | '02' | '03'
  cert_no              TEXT NOT NULL,
  insutype             TEXT NOT NULL,             -- center code, e.g. '310'
  psn_type             TEXT NOT NULL DEFAULT '',
  insurance_type       TEXT NOT NULL,             -- split model: 'employee' | 'resident' | ...
  person_group         TEXT NOT NULL,
  visit_type           TEXT NOT NULL,             -- 'outpatient' | 'chronic' | 'inpatient'
  hospital_level       INTEGER NOT NULL,
  diagnoses            TEXT NOT NULL DEFAULT '[]', -- JSON array of ICD-10 codes
  use_account          INTEGER NOT NULL DEFAULT 1,
  scheme               TEXT NOT NULL DEFAULT '',
  policy_seq           INTEGER NOT NULL,
  policy_version       TEXT NOT NULL DEFAULT '',
  online               INTEGER NOT NULL CHECK (online IN (0, 1)),
  provisional          INTEGER NOT NULL CHECK (provisional IN (0, 1)),
  state                TEXT NOT NULL CHECK (state IN ('provisional', 'confirmed', 'adjusted', 'rejected', 'refunded')),
  refund_of            TEXT REFERENCES settlements (id),
  refund_reason        TEXT,
  supervisor_id        TEXT,                      -- who approved (refund, offline over limit)
  manual_entry_reason  TEXT,
  bill_id              TEXT,                      -- the imported bill this settled, if any
  -- money, fen (SPLIT-MODEL result fields)
  total                INTEGER NOT NULL,
  full_own_pay         INTEGER NOT NULL,
  over_limit_self_pay  INTEGER NOT NULL,
  pre_self_pay         INTEGER NOT NULL,
  eligible             INTEGER NOT NULL,
  deductible           INTEGER NOT NULL,
  fund_pay             INTEGER NOT NULL,
  co_pay               INTEGER NOT NULL,
  over_cap_self_pay    INTEGER NOT NULL,
  critical_illness_pay INTEGER NOT NULL,
  personal_total       INTEGER NOT NULL,
  account_pay          INTEGER NOT NULL,
  cash_pay             INTEGER NOT NULL,
  -- what the split was computed from and produced, kept for receipts, audits and refunds
  explanation          TEXT NOT NULL DEFAULT '[]', -- JSON ExplanationLine[]
  person_snapshot      TEXT NOT NULL DEFAULT '{}', -- JSON PersonView at settle time
  accumulators_before  TEXT NOT NULL DEFAULT '{}', -- JSON Accumulators the split started from
  accumulators_after   TEXT NOT NULL DEFAULT '{}', -- JSON Accumulators after this settlement
  accumulators_delta   TEXT NOT NULL DEFAULT '{}', -- JSON after − before (negated on refunds)
  center_setl_id       TEXT,                      -- setl_id from the center's 2207 answer
  center_mdtrt_id      TEXT,
  updated_at           TEXT NOT NULL
);
CREATE INDEX settlements_day ON settlements (created_day, online);
CREATE INDEX settlements_shift ON settlements (shift_id);
CREATE INDEX settlements_person ON settlements (psn_no, visit_date);
CREATE UNIQUE INDEX settlements_one_refund ON settlements (refund_of) WHERE refund_of IS NOT NULL;

CREATE TABLE settlement_lines (
  settlement_id       TEXT NOT NULL REFERENCES settlements (id),
  line_no             INTEGER NOT NULL,           -- 1.., feedetl_sn
  code                TEXT NOT NULL,
  name                TEXT NOT NULL DEFAULT '',
  class               TEXT NOT NULL,              -- 'A' | 'B' | 'C' as settled
  unit_price          TEXT NOT NULL,              -- yuan decimal string as billed
  quantity            TEXT NOT NULL,              -- decimal string as billed
  own_pay             INTEGER NOT NULL DEFAULT 0,
  reason              TEXT,                       -- 'ownPay' | 'restriction' when turned into C
  amount              INTEGER NOT NULL,
  full_own_pay        INTEGER NOT NULL,
  over_limit_self_pay INTEGER NOT NULL,
  pre_self_pay        INTEGER NOT NULL,
  eligible            INTEGER NOT NULL,
  PRIMARY KEY (settlement_id, line_no)
);

-- One row per message to the center. id order is commit order; the worker sends a person's
-- messages strictly in that order. msgid is fixed when the row is written and never changes.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  settlement_id   TEXT NOT NULL REFERENCES settlements (id),
  kind            TEXT NOT NULL CHECK (kind IN ('upload', 'cancel', 'reversal')),
  infno           TEXT NOT NULL,                  -- 2207 | 2208 | 2601
  msgid           TEXT NOT NULL UNIQUE,
  psn_no          TEXT NOT NULL,
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
-- The worker scans open rows in commit order; the partial index keeps that scan off the
-- (ever growing) resolved history.
CREATE INDEX outbox_open ON outbox (id) WHERE state IN ('queued', 'sent', 'unknown');
CREATE INDEX outbox_state ON outbox (state);
CREATE INDEX outbox_person ON outbox (psn_no, id);
CREATE INDEX outbox_settlement ON outbox (settlement_id);

-- The center answered 'adjusted': one row per money field that differs, beside the local split
-- (the settlements row keeps what was computed and printed at the window).
CREATE TABLE adjustments (
  id            INTEGER PRIMARY KEY,
  settlement_id TEXT NOT NULL REFERENCES settlements (id),
  outbox_id     INTEGER NOT NULL REFERENCES outbox (id),
  field         TEXT NOT NULL,                    -- settlements column name, e.g. 'fund_pay'
  local_amount  INTEGER NOT NULL,
  center_amount INTEGER NOT NULL,
  difference    INTEGER NOT NULL,                 -- center − local
  created_at    TEXT NOT NULL,
  reviewed_by   TEXT,
  reviewed_at   TEXT,
  UNIQUE (outbox_id, field)
);
CREATE INDEX adjustments_settlement ON adjustments (settlement_id);

-- Bills waiting at the window: imported from files, the watched inbox, or posted by the HIS.
CREATE TABLE bills (
  id            TEXT PRIMARY KEY,
  source        TEXT NOT NULL CHECK (source IN ('file', 'inbox', 'http', 'window')),
  source_ref    TEXT NOT NULL DEFAULT '',         -- file name or HIS client
  external_id   TEXT,                             -- the HIS's own bill number, if given
  received_at   TEXT NOT NULL,
  cert_type     TEXT NOT NULL,
  cert_no       TEXT NOT NULL,
  card_sn       TEXT,
  psn_name      TEXT,
  visit         TEXT NOT NULL,                    -- JSON {visitType, hospitalLevel?, date, diagnoses?}
  items         TEXT NOT NULL,                    -- JSON BillItem[] (+ name)
  use_account   INTEGER NOT NULL DEFAULT 1,
  state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'settled', 'discarded')),
  settlement_id TEXT REFERENCES settlements (id)
);
CREATE UNIQUE INDEX bills_external ON bills (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX bills_pending ON bills (state, cert_no);

-- Local view of a person's year: the accumulators after the latest local settlement, so the
-- next settlement (online or offline) builds on it before the center has heard of it.
CREATE TABLE person_accumulators (
  psn_no        TEXT NOT NULL,
  year          TEXT NOT NULL,                    -- yyyy
  accumulators  TEXT NOT NULL,                    -- JSON Accumulators
  settlement_id TEXT NOT NULL,                    -- the settlement that produced it
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (psn_no, year)
);
