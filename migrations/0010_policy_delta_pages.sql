-- Fewer pages written per policy delta (issue 3: a 1,000-entry delta ≤ 50 ms on 300,000
-- entries). A delta's cost is the pages it dirties: every one goes into the WAL at commit and
-- is copied back by the checkpoint. Before this migration a 1,000-entry delta dirtied ~2,200
-- pages: ~750 table leaves to set `to_seq` on the rows it closes (one random row per page),
-- ~600 leaves of the pinyin B-tree (one random key per page), ~800 of the code index. After
-- it, ~880: the code index's ~800 (a new row sits beside its code's older rows) and ~70 more.
--
-- 1. Closing a row no longer rewrites it: the closure is a row of `catalog_closed`, a small
--    table whose pages a delta fills densely. A catalog row is visible at seq s of its lineage
--    when  base_seq(s) <= from_seq <= s  and it has no closure with to_seq <= s.
--    Catalog rows are never deleted, so `id` needs no foreign key (it would cost a lookup
--    per closed row).
-- 2. The pinyin initials are searched through an FTS5 index instead of a B-tree: FTS5 writes
--    each transaction's terms as one new segment (a few sequential pages) instead of one
--    random leaf per row. detail = 'none' and columnsize = 0 because only whole-token and
--    prefix matches are asked; prefix indexes for 1–3 letters keep short as-you-type queries
--    to one doclist. The initials stay in catalog_entries.pinyin (search returns them).
--    Contentless: rowid = catalog_entries.id. Keep in step with INITIALS_DDL in
--    electron/policy/store.ts (a full import re-creates the table).

CREATE TABLE catalog_closed (
  id     INTEGER PRIMARY KEY,        -- catalog_entries.id of the closed row
  to_seq INTEGER NOT NULL            -- the seq whose delta replaced or deleted it
);
INSERT INTO catalog_closed (id, to_seq) SELECT id, to_seq FROM catalog_entries WHERE to_seq IS NOT NULL;
ALTER TABLE catalog_entries DROP COLUMN to_seq;

DROP INDEX catalog_entries_pinyin;
CREATE VIRTUAL TABLE catalog_initials USING fts5 (initials, content = '', detail = 'none', columnsize = 0, prefix = '1 2 3', tokenize = 'ascii');
-- Only the lineage in force is searched (as catalog_fts): its rows not closed.
INSERT INTO catalog_initials (rowid, initials)
  SELECT e.id, e.pinyin FROM catalog_entries e
  WHERE e.from_seq >= (SELECT t.base_seq FROM policy_current c JOIN policy_tables t ON t.seq = c.seq WHERE c.id = 1)
    AND NOT EXISTS (SELECT 1 FROM catalog_closed k WHERE k.id = e.id);
