-- The national catalogue sync (issue 16; electron/policy/national-catalog-store.ts owns these).
-- 1312 (catalogue), 1318 (price caps) and 1319 (self-pay ratios by person type) are read page by
-- page, incrementally by updt_time. Pages are kept here as they arrive, so a sync killed half way
-- resumes at the first page it does not hold; the policy table in force changes only when every
-- source's round is complete, in one transaction with the merge of the staged rows.

-- The last row of each source per key (hilist_code, or hilist_code|person type for 1319), as the
-- policy table in force was built from. JSON as validated by wire/national/catalog.ts.
CREATE TABLE national_catalog_rows (
  source      TEXT NOT NULL CHECK (source IN ('1312', '1318', '1319')),
  row_key     TEXT NOT NULL,
  hilist_code TEXT NOT NULL,
  row         TEXT NOT NULL,
  updt_time   TEXT NOT NULL,
  PRIMARY KEY (source, row_key)
) STRICT;
CREATE INDEX national_catalog_rows_code ON national_catalog_rows (hilist_code);

-- Rows of the round under way (validated pages), merged into national_catalog_rows at its end.
CREATE TABLE national_catalog_staged (
  source      TEXT NOT NULL CHECK (source IN ('1312', '1318', '1319')),
  row_key     TEXT NOT NULL,
  hilist_code TEXT NOT NULL,
  row         TEXT NOT NULL,
  updt_time   TEXT NOT NULL,
  PRIMARY KEY (source, row_key)
) STRICT;

-- Per source: the updt_time the table in force is complete through (watermark), and the round
-- under way (asked from round_since; pages before next_page are staged; complete = all pages).
CREATE TABLE national_catalog_cursor (
  source      TEXT PRIMARY KEY CHECK (source IN ('1312', '1318', '1319')),
  watermark   TEXT,
  round_since TEXT,
  next_page   INTEGER NOT NULL DEFAULT 1,
  pages       INTEGER,
  round_max   TEXT,
  complete    INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
  updated_at  TEXT NOT NULL
) STRICT;
