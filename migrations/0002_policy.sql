-- Policy tables (electron/policy): every applied version by seq, the catalog with history,
-- and the catalog's search index.
--
-- History without copies: a catalog row is visible at seq s of its lineage when
--   base_seq(s) <= from_seq <= s  and  (to_seq IS NULL or to_seq > s)
-- A full table starts a new lineage (base_seq = its seq) by inserting its rows; a delta
-- closes the rows it replaces (to_seq = new seq) and inserts the new ones. So a 1,000-entry
-- delta touches ~2,000 rows, never the whole catalog, and older seqs stay readable for
-- visits dated in their effective period.

CREATE TABLE policy_tables (
  seq            INTEGER PRIMARY KEY,
  base_seq       INTEGER NOT NULL,   -- seq of the full table this one descends from
  version        TEXT NOT NULL,
  region         TEXT NOT NULL,
  effective_from TEXT NOT NULL,      -- YYYY-MM-DD
  effective_to   TEXT,               -- YYYY-MM-DD, NULL = open-ended
  schemes        TEXT NOT NULL,      -- JSON array of schemes (policy-table/1)
  entries        INTEGER NOT NULL,   -- catalog entries visible at this seq
  kind           TEXT NOT NULL CHECK (kind IN ('full', 'delta')),
  applied_at     TEXT NOT NULL
);

-- The one table in force; switched in the same transaction that stores a new seq.
CREATE TABLE policy_current (
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL REFERENCES policy_tables (seq)
);

CREATE TABLE catalog_entries (
  id        INTEGER PRIMARY KEY,
  code      TEXT NOT NULL,
  from_seq  INTEGER NOT NULL,
  to_seq    INTEGER,                 -- NULL while still valid in its lineage
  name      TEXT NOT NULL,
  kind      TEXT NOT NULL,
  class     TEXT NOT NULL,
  spec      TEXT,
  unit      TEXT,
  pinyin    TEXT NOT NULL,           -- initials of the name, lower case (阿莫西林胶囊 → amxljn)
  rules     TEXT                     -- JSON of selfPayRatio*, priceCap, restriction when present
);
-- A full import drops these, bulk-inserts, and builds them again in the same transaction
-- (a sorted build is about twice as fast as 300,000 random B-tree inserts); keep the DDL in
-- step with INDEX_DDL in electron/policy/store.ts.
CREATE INDEX catalog_entries_code ON catalog_entries (code, from_seq);
CREATE INDEX catalog_entries_pinyin ON catalog_entries (pinyin);

-- Name search. `chars`: each character of the name is one token (the name with spaces between
-- characters), so a phrase query matches any substring, even of one or two Chinese characters,
-- which a trigram index cannot. `head`: the name's first 1, 2 and 3 characters as three tokens,
-- so "name starts with q" is one token lookup instead of a scan of positions. Contentless: the
-- text lives in catalog_entries; rowid = catalog_entries.id. Keep in step with FTS_DDL in
-- electron/policy/store.ts (a full import re-creates the table).
CREATE VIRTUAL TABLE catalog_fts USING fts5 (chars, head, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0');
