// Migration 0010 (closures in catalog_closed, initials in an FTS5 index) on a database file
// written at version 9 with a full table and a delta in the old layout (to_seq on the rows,
// the pinyin B-tree), and on a fresh database.
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../electron/app/clock';
import { migrate } from '../../../electron/db/migrate';
import { openDatabase, type Db } from '../../../electron/db/open';
import { values } from '../../../electron/db/sql';
import { z } from 'zod';
import { projectPath } from '../../../electron/app/paths';
import { CatalogSearch } from '../../../electron/policy/search';
import { PolicyStore } from '../../../electron/policy/store';

let dirs: string[] = [];
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mig10-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A database file at `version`, by the project's first `version` migrations. */
function atVersion(version: number): string {
  const only = dir();
  for (const f of readdirSync(projectPath('migrations')).filter((f) => Number(f.slice(0, 4)) <= version)) copyFileSync(projectPath('migrations', f), join(only, f));
  const file = join(dir(), 'cashier.db');
  const db = new Database(file);
  migrate(db, only);
  expect(db.pragma('user_version', { simple: true })).toBe(version);
  db.close();
  return file;
}

const columns = (db: Db, table: string) => values(db, 'SELECT name FROM pragma_table_info(:table)', { table }, z.string());
const chars = (name: string) => Array.from(name).join(' ');

/**
 * What the version-9 code wrote for table seq 1 (three entries) and a delta seq 2 that
 * changed 阿莫西林胶囊 to class B and deleted 葡萄糖注射液: the old rows closed by to_seq.
 */
function writeOldLayout(file: string): void {
  const db = new Database(file);
  const table = `INSERT INTO policy_tables (seq, base_seq, version, region, effective_from, effective_to, schemes, entries, kind, applied_at) VALUES (?, 1, ?, 'r', ?, NULL, '[]', ?, ?, '2026-01-01T00:00:00.000Z')`;
  db.prepare(table).run(1, 'v1', '2026-01-01', 3, 'full');
  db.prepare(table).run(2, 'v2', '2026-07-01', 2, 'delta');
  db.prepare('INSERT INTO policy_current (id, seq) VALUES (1, 2)').run();
  const entry = db.prepare(`INSERT INTO catalog_entries (id, code, from_seq, to_seq, name, kind, class, spec, unit, pinyin, rules) VALUES (?, ?, ?, ?, ?, 'drug', ?, NULL, NULL, ?, ?)`);
  const fts = db.prepare('INSERT INTO catalog_fts (rowid, chars, head) VALUES (?, ?, ?)');
  const rows: [number, string, number, number | null, string, string, string, string | null][] = [
    [1, 'XA01', 1, 2, '阿莫西林胶囊', 'A', 'amxljn', null],
    [2, 'XB01', 1, null, '布洛芬片', 'A', 'blfp', null],
    [3, 'XC01', 1, 2, '葡萄糖注射液', 'C', 'pttzsy', null],
    [4, 'XA01', 2, null, '阿莫西林胶囊', 'B', 'amxljn', '{"selfPayRatio":"0.2"}'],
  ];
  for (const [id, code, from, to, name, cls, py, rules] of rows) {
    entry.run(id, code, from, to, name, cls, py, rules);
    // The old code indexed every row it inserted (a delta's closed rows stay, filtered by join).
    fts.run(id, chars(name), Array.from(name).slice(0, 3).map((_, k, a) => a.slice(0, k + 1).join('')).join(' '));
  }
  db.close();
}

describe('migration 0010 (policy delta pages)', () => {
  it('moves closures and initials out of the rows on a database at version 9, keeping history and search', () => {
    const file = atVersion(9);
    writeOldLayout(file);
    const { db, migrations } = openDatabase({ file });
    try {
      expect(migrations.applied).toContain('0010_policy_delta_pages');
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(columns(db, 'catalog_entries')).not.toContain('to_seq');
      expect(db.prepare('SELECT id, to_seq FROM catalog_closed ORDER BY id').all()).toEqual([{ id: 1, to_seq: 2 }, { id: 3, to_seq: 2 }]);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'catalog_entries_pinyin'").get()).toBeUndefined();
      // Only the live rows of the lineage in force are in the initials index.
      expect(db.prepare("SELECT rowid FROM catalog_initials WHERE catalog_initials MATCH '\"a\" *' OR catalog_initials MATCH 'blfp' ORDER BY rowid").pluck().all()).toEqual([2, 4]);

      const store = new PolicyStore(db, new ManualClock());
      const search = new CatalogSearch(db, store);
      // History: before the delta's date the old rows, after it the new ones.
      expect(store.tableFor('2026-03-01', ['XA01', 'XC01']).table.catalog.map((e) => [e.code, e.class])).toEqual([['XA01', 'A'], ['XC01', 'C']]);
      expect(store.tableFor('2026-08-01', ['XA01', 'XC01']).table.catalog).toEqual([{ code: 'XA01', name: '阿莫西林胶囊', kind: 'drug', class: 'B', selfPayRatio: '0.2' }]);
      // Search by initials, name and code sees the table in force only.
      expect(search.search('amx').map((h) => [h.code, h.class])).toEqual([['XA01', 'B']]);
      expect(search.search('blf').map((h) => h.code)).toEqual(['XB01']);
      expect(search.search('ptt')).toEqual([]);
      expect(search.search('葡萄糖')).toEqual([]);
      expect(search.search('xc01')).toEqual([]);
      // And the migrated file takes the next delta.
      store.applyDelta({ format: 'policy-delta/1', fromSeq: 2, toSeq: 3, version: 'v3', catalogUpserts: [{ code: 'XB01', name: '布洛芬缓释胶囊', kind: 'drug', class: 'B', selfPayRatio: '0.1' }], catalogDeletes: [] });
      expect(search.search('blf').map((h) => h.name)).toEqual(['布洛芬缓释胶囊']);
      expect(store.tableFor('2026-08-01', ['XB01']).seq).toBe(3);
      expect(store.status()!.entries).toBe(2);
    } finally {
      db.close();
    }
  });

  it('gives a fresh database the new layout, empty', () => {
    const { db } = openDatabase({ file: join(dir(), 'fresh.db') });
    try {
      expect(columns(db, 'catalog_entries')).not.toContain('to_seq');
      expect(columns(db, 'catalog_closed')).toEqual(['id', 'to_seq']);
      expect(db.prepare("SELECT rowid FROM catalog_initials WHERE catalog_initials MATCH '\"a\" *'").all()).toEqual([]);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'catalog_entries'").pluck().all()).toEqual(['catalog_entries_code']);
    } finally {
      db.close();
    }
  });
});
