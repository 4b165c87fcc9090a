-- Drug traceability codes (追溯码, issue 17; electron/settlement/trace-codes.ts owns both tables).
-- A drug package carries one code; a code is sold once. Each code sold is a row here, written in
-- the settlement's own transaction; a refund frees it (freed_at, freed_by = the refund row), so
-- the same package may be sold again. The partial unique index is the rule itself: two windows
-- scanning the same package at once cannot both commit it.
CREATE TABLE trace_codes (
  id            INTEGER PRIMARY KEY,
  code          TEXT NOT NULL,
  settlement_id TEXT NOT NULL REFERENCES settlements (id),
  line_no       INTEGER NOT NULL,
  item_code     TEXT NOT NULL,
  format        TEXT NOT NULL,            -- 'common' (20 digits, starts with 8) or a configured format's name
  sold_at       TEXT NOT NULL,            -- ISO UTC
  freed_at      TEXT,
  freed_by      TEXT                      -- the refund settlement that gave the package back
) STRICT;
CREATE UNIQUE INDEX trace_codes_held ON trace_codes (code) WHERE freed_at IS NULL;
CREATE INDEX trace_codes_code ON trace_codes (code);
CREATE INDEX trace_codes_settlement ON trace_codes (settlement_id, line_no);

-- Old stock without codes (无码): a drug line settled without its codes, with the cashier's
-- reason. Counted in the supervisor's report; the fund may refuse it (setting
-- traceNoCodeFundRefuses: such a line is then only sold as own-pay).
CREATE TABLE trace_no_code (
  settlement_id TEXT NOT NULL REFERENCES settlements (id),
  line_no       INTEGER NOT NULL,
  item_code     TEXT NOT NULL,
  packages      INTEGER NOT NULL,
  reason        TEXT NOT NULL,
  operator_id   TEXT NOT NULL,
  own_pay       INTEGER NOT NULL CHECK (own_pay IN (0, 1)),
  created_at    TEXT NOT NULL,            -- ISO UTC
  created_day   TEXT NOT NULL,            -- yyyy-MM-dd China time (the report's day)
  PRIMARY KEY (settlement_id, line_no)
) STRICT;
CREATE INDEX trace_no_code_day ON trace_no_code (created_day);
