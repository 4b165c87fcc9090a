-- The hospital window (issue 19, docs/INPATIENT.md): stays, their deposits (预交金), their fee
-- lines in batches, the journal's settlements of a stay, and the stay's center steps.
-- Owners: stays and stay_settlements electron/inpatient/stays.ts; stay_fee_batches and
-- stay_fee_lines electron/inpatient/fees.ts; stay_deposits electron/inpatient/deposits.ts;
-- stay_outbox electron/outbox/stay-queue.ts. The patient's identity (name, certificate) is kept
-- here like in the settlements journal: the whole database file is encrypted by the app.

CREATE TABLE stays (
  id                  TEXT PRIMARY KEY,
  state               TEXT NOT NULL CHECK (state IN ('admitted', 'discharged', 'settled', 'cancelled')),
  psn_no              TEXT NOT NULL,
  psn_name            TEXT NOT NULL,
  cert_type           TEXT NOT NULL,
  cert_no             TEXT NOT NULL,
  card_sn             TEXT,
  insutype            TEXT NOT NULL,
  insurance_type      TEXT NOT NULL,
  person_snapshot     TEXT NOT NULL,                 -- JSON PersonView at admission
  med_type            TEXT NOT NULL CHECK (med_type IN ('21', '23', '24', '52')),
  hospital_level      INTEGER NOT NULL CHECK (hospital_level BETWEEN 1 AND 3),
  dept_code           TEXT NOT NULL,
  dept_name           TEXT NOT NULL,
  ward                TEXT NOT NULL,
  bed                 TEXT,
  doctor_code         TEXT NOT NULL,
  doctor_name         TEXT NOT NULL,
  diagnoses           TEXT NOT NULL,                 -- JSON array of ICD-10 codes, the main one first
  his_stay_no         TEXT,
  admitted_on         TEXT NOT NULL,                 -- YYYY-MM-DD (China)
  discharged_on       TEXT,
  discharge_diagnoses TEXT,
  discharge_way       TEXT,
  center_stay_id      TEXT,                          -- mdtrt_id, once the 2401 answer is in
  operator_id         TEXT NOT NULL,
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL
);
CREATE INDEX stays_state ON stays (state);
CREATE INDEX stays_person ON stays (psn_no);

CREATE TABLE stay_fee_batches (
  id             TEXT PRIMARY KEY,
  stay_id        TEXT NOT NULL REFERENCES stays (id),
  source         TEXT NOT NULL CHECK (source IN ('bill', 'window')),
  bill_id        TEXT UNIQUE,                        -- a HIS bill becomes one batch, once
  operator_id    TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  revoked_at     TEXT,
  revoke_reason  TEXT
);
CREATE INDEX stay_fee_batches_stay ON stay_fee_batches (stay_id);

CREATE TABLE stay_fee_lines (
  stay_id        TEXT NOT NULL REFERENCES stays (id),
  line_no        INTEGER NOT NULL,                   -- per stay, 1.. (the feedetl_sn's number)
  batch_id       TEXT NOT NULL REFERENCES stay_fee_batches (id),
  code           TEXT NOT NULL,
  name           TEXT NOT NULL,
  unit_price     TEXT NOT NULL,
  quantity       TEXT NOT NULL,
  amount         INTEGER NOT NULL,                   -- fen, SPLIT-MODEL step 2
  own_pay        INTEGER NOT NULL CHECK (own_pay IN (0, 1)),
  fee_date       TEXT NOT NULL,                      -- YYYY-MM-DD: its year's accumulators apply
  revoked        INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
  settlement_id  TEXT REFERENCES settlements (id),   -- the journal row that settled it
  PRIMARY KEY (stay_id, line_no)
);
CREATE INDEX stay_fee_lines_batch ON stay_fee_lines (batch_id);

CREATE TABLE stay_deposits (
  id             TEXT PRIMARY KEY,
  stay_id        TEXT NOT NULL REFERENCES stays (id),
  -- deposit (+) and refund (−) are money handed over at the window; applied (−) is the balance a
  -- settlement consumed (its cash part), restored (+) gives it back when that settlement is cancelled.
  kind           TEXT NOT NULL CHECK (kind IN ('deposit', 'refund', 'applied', 'restored')),
  amount         INTEGER NOT NULL CHECK (amount <> 0),
  method         TEXT NOT NULL CHECK (method IN ('cash', 'card', 'mobile')),
  reference      TEXT,
  reason         TEXT,
  settlement_id  TEXT REFERENCES settlements (id),
  operator_id    TEXT NOT NULL,
  shift_id       TEXT,
  at             TEXT NOT NULL,
  request_id     TEXT UNIQUE,                        -- a repeated request (a double click) takes one deposit
  print_job_id   INTEGER
);
CREATE INDEX stay_deposits_stay ON stay_deposits (stay_id);
CREATE INDEX stay_deposits_shift ON stay_deposits (shift_id);

CREATE TABLE stay_settlements (
  settlement_id  TEXT PRIMARY KEY REFERENCES settlements (id),
  stay_id        TEXT NOT NULL REFERENCES stays (id),
  mid_stay       INTEGER NOT NULL CHECK (mid_stay IN (0, 1)),
  deposits       INTEGER NOT NULL,                   -- the balance netted
  personal_cash  INTEGER NOT NULL,
  refund         INTEGER NOT NULL,
  collect        INTEGER NOT NULL,
  axis_start     INTEGER NOT NULL,                   -- in-policy fen of the stay before this settlement
  axis_end       INTEGER NOT NULL,                   -- ... and after it (the next one continues there)
  estimate       TEXT NOT NULL,                      -- JSON StayEstimate as settled
  cancelled_by   TEXT REFERENCES settlements (id),   -- the journal's refund row of a 2305
  created_at     TEXT NOT NULL
);
CREATE INDEX stay_settlements_stay ON stay_settlements (stay_id);

-- A stay's center steps (2401 … 2305). The settlement outbox cannot hold them (its settlement_id
-- references settlements; an admission has none), as for mapping_outbox (0020). Same rules: the
-- msgid fixed when the row is written, in the transaction of the change; claimed ('sent')
-- durably before it leaves; an unknown outcome resent under the SAME msgid; a stay's steps
-- strictly in id order (a step waits for the stay's mdtrt_id from its 2401 answer).
CREATE TABLE stay_outbox (
  id              INTEGER PRIMARY KEY,
  stay_id         TEXT NOT NULL REFERENCES stays (id),
  kind            TEXT NOT NULL CHECK (kind IN ('admit', 'change', 'cancelAdmission', 'fees', 'revokeFees', 'discharge', 'undoDischarge', 'settle', 'cancelSettlement')),
  infno           TEXT NOT NULL CHECK (infno IN ('2401', '2402', '2403', '2404', '2405', '2301', '2302', '2304', '2305')),
  ref             TEXT NOT NULL,                     -- the batch, the settlement, or the stay
  msgid           TEXT NOT NULL UNIQUE,
  psn_no          TEXT NOT NULL,
  payload         TEXT NOT NULL,                     -- JSON facts of the step (mdtrt_id filled in at send time)
  state           TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'unknown', 'done', 'rejected')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  resolved_at     TEXT,
  response        TEXT
);
CREATE INDEX stay_outbox_open ON stay_outbox (stay_id, id) WHERE state IN ('queued', 'sent', 'unknown');

-- Whole fen only, as migration 0016 guards the journal's money columns.
CREATE TRIGGER stay_fee_lines_money_insert BEFORE INSERT ON stay_fee_lines
WHEN typeof(NEW.amount) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: stay_fee_lines: an amount is not whole fen'); END;
CREATE TRIGGER stay_fee_lines_money_update BEFORE UPDATE OF amount ON stay_fee_lines
WHEN typeof(NEW.amount) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: stay_fee_lines: an amount is not whole fen'); END;
CREATE TRIGGER stay_deposits_money_insert BEFORE INSERT ON stay_deposits
WHEN typeof(NEW.amount) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: stay_deposits: an amount is not whole fen'); END;
CREATE TRIGGER stay_deposits_money_update BEFORE UPDATE OF amount ON stay_deposits
WHEN typeof(NEW.amount) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: stay_deposits: an amount is not whole fen'); END;
CREATE TRIGGER stay_settlements_money_insert BEFORE INSERT ON stay_settlements
WHEN typeof(NEW.deposits) <> 'integer' OR typeof(NEW.personal_cash) <> 'integer' OR typeof(NEW.refund) <> 'integer'
   OR typeof(NEW.collect) <> 'integer' OR typeof(NEW.axis_start) <> 'integer' OR typeof(NEW.axis_end) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'MONEY_NOT_INTEGER: stay_settlements: an amount is not whole fen'); END;
