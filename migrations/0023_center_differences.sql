-- Issue 16: every difference between the local split and the center's figures, kept beside the
-- settlement (electron/settlement/center-differences.ts owns it). Online the center's figures are
-- the record (the adjustments table carries the money corrections that reports and receivables
-- sum); this table says where each difference is and why, for the window and the supervisor:
-- which line (0 = the settlement's totals), which field, the local value, the center's value, and
-- the reason when the center gave one. `source` is the transaction whose answer differed: 2204
-- (a fee line as the center priced it), 2206 (the pre-settlement, recorded only where it differs
-- from the 2207 that followed it), 2207 (the settlement).
CREATE TABLE center_differences (
  id            INTEGER PRIMARY KEY,
  settlement_id TEXT NOT NULL REFERENCES settlements (id),
  outbox_id     INTEGER NOT NULL,
  source        TEXT NOT NULL CHECK (source IN ('2204', '2206', '2207')),
  line_no       INTEGER NOT NULL CHECK (line_no >= 0),
  item_code     TEXT,
  field         TEXT NOT NULL,
  -- Money fields: integer fen (the class field leaves these NULL and fills the codes).
  local_fen     INTEGER CHECK (local_fen IS NULL OR typeof(local_fen) = 'integer'),
  center_fen    INTEGER CHECK (center_fen IS NULL OR typeof(center_fen) = 'integer'),
  local_code    TEXT,
  center_code   TEXT,
  why           TEXT,
  created_at    TEXT NOT NULL,
  reviewed_by   TEXT,
  reviewed_at   TEXT,
  CHECK ((local_fen IS NULL) = (center_fen IS NULL) AND (local_code IS NULL) = (center_code IS NULL) AND (local_fen IS NULL) <> (local_code IS NULL)),
  UNIQUE (settlement_id, source, line_no, field)
) STRICT;
