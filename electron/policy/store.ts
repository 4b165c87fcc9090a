// The policy tables in SQLite: every applied seq kept, the one in force switched in the same
// transaction that stores it, the catalog read per code (it never sits in a JS array).
// See migrations/0002_policy.sql for how history is kept without copying the catalog, and
// 0010_policy_delta_pages.sql for why closures and initials live apart from the rows.
import type { Clock } from '../app/clock';
import { AppError } from '../api/result';
import type { Db } from '../db/open';
import { createInitials, innerInitials, nameChars, nameHeads } from './pinyin';
import { parsePolicyDelta, parsePolicyTable } from './schema';
import type { CatalogEntry, PolicyDelta, PolicyTable, Scheme } from './split/types';

import type { PolicyStatus } from '../api/contract/policy';
import { stmt } from '../db/statements';

export type { PolicyStatus };

interface TableRow {
  seq: number;
  base_seq: number;
  version: string;
  region: string;
  effective_from: string;
  effective_to: string | null;
  schemes: string;
  entries: number;
  applied_at: string;
}

export interface EntryRow {
  id: number;
  code: string;
  name: string;
  kind: string;
  class: string;
  spec: string | null;
  unit: string | null;
  pinyin: string;
  rules: string | null;
}

/** Rows per multi-row INSERT: fewer statement steps, well under SQLite's parameter limit. */
const BATCH = 200;
const ENTRY_COLS = 9;
const INDEX_DDL = 'CREATE INDEX catalog_entries_code ON catalog_entries (code, from_seq);';
const DROP_INDEXES = 'DROP INDEX IF EXISTS catalog_entries_code;';
/**
 * Page cache while importing, KiB. 8 MiB imports as fast as 16 or 64 here (the rows go in key
 * order; the indexes are built after) and keeps the importing process under 300 MB with the WAL
 * checkpoint thread beside it. Restored after.
 */
const IMPORT_CACHE_KIB = 8192;
const FTS_DDL = `CREATE VIRTUAL TABLE catalog_fts USING fts5 (chars, head, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0')`;
const INITIALS_DDL = `CREATE VIRTUAL TABLE catalog_initials USING fts5 (initials, content = '', detail = 'none', columnsize = 0, prefix = '1 2 3', tokenize = 'ascii')`;
/**
 * Initials matched anywhere in the name ("xl" finds 阿莫西林, amxl): each row's initials from the
 * second letter on, as suffix tokens ("mxl xl"), so an FTS5 prefix query finds a run of letters
 * inside. Kept apart from catalog_initials so a whole-name match still ranks first. Created by
 * the store itself (ensureInnerInitials) rather than a migration: it is an index, rebuilt from
 * catalog_entries.pinyin whenever it is missing.
 */
const INNER_DDL = `CREATE VIRTUAL TABLE IF NOT EXISTS catalog_initials_inner USING fts5 (initials, content = '', detail = 'none', columnsize = 0, prefix = '2 3', tokenize = 'ascii')`;
/** SQL condition: catalog row `e` has not been closed (it is live in its lineage). */
export const NOT_CLOSED = 'NOT EXISTS (SELECT 1 FROM catalog_closed k WHERE k.id = e.id)';

export function rowToEntry(r: EntryRow): CatalogEntry {
  const e: CatalogEntry = { code: r.code, name: r.name, kind: r.kind as CatalogEntry['kind'], class: r.class as CatalogEntry['class'] };
  if (r.spec !== null) e.spec = r.spec;
  if (r.unit !== null) e.unit = r.unit;
  if (r.rules !== null) Object.assign(e, JSON.parse(r.rules) as Partial<CatalogEntry>);
  return e;
}

/**
 * The JSON of an entry's split rules, or null when it has none (most A/C entries). The common
 * shapes (a ratio and/or a cap, both validated decimal strings that need no escaping) are
 * written directly: JSON.stringify of a fresh object per entry was a tenth of a 300k import.
 */
function rulesOf(e: CatalogEntry): string | null {
  const { selfPayRatio, selfPayRatioByInsuranceType, priceCap, restriction } = e;
  if (selfPayRatioByInsuranceType !== undefined || restriction !== undefined) {
    return JSON.stringify({ selfPayRatio, selfPayRatioByInsuranceType, priceCap, restriction });
  }
  if (selfPayRatio === undefined) return priceCap === undefined ? null : `{"priceCap":"${priceCap}"}`;
  return priceCap === undefined ? `{"selfPayRatio":"${selfPayRatio}"}` : `{"selfPayRatio":"${selfPayRatio}","priceCap":"${priceCap}"}`;
}

export class PolicyStore {
  private readonly insertOne;
  private readonly insertMany;
  private readonly currentRow;
  private readonly tableRow;
  private readonly maxSeq;
  private readonly visibleIds;
  private readonly closeRows;
  private readonly entryAt;
  private readonly charsCache = new Map<string, [string, string]>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    const values = (n: number) => Array.from({ length: n }, () => `(${Array(ENTRY_COLS).fill('?').join(',')})`).join(',');
    const insert = `INSERT INTO catalog_entries (code, from_seq, name, kind, class, spec, unit, pinyin, rules) VALUES `;
    this.insertOne = db.prepare(insert + values(1));
    this.insertMany = db.prepare(insert + values(BATCH));
    this.currentRow = db.prepare<[], TableRow>('SELECT t.* FROM policy_current c JOIN policy_tables t ON t.seq = c.seq WHERE c.id = 1');
    this.tableRow = db.prepare<[number], TableRow>('SELECT * FROM policy_tables WHERE seq = ?');
    this.maxSeq = db.prepare<[], { m: number | null }>('SELECT max(seq) AS m FROM policy_tables');
    this.visibleIds = db.prepare<[string, number], { code: string; id: number }>(
      // Answered from the code index alone (code, from_seq, rowid) plus the small closures table.
      `SELECT e.code, e.id FROM json_each(?) j JOIN catalog_entries e ON e.code = j.value WHERE e.from_seq >= ? AND ${NOT_CLOSED}`,
    );
    this.closeRows = db.prepare('INSERT INTO catalog_closed (id, to_seq) SELECT value, ? FROM json_each(?)');
    this.entryAt = db.prepare<[string, number, number, number], EntryRow>(
      'SELECT e.* FROM catalog_entries e WHERE e.code = ? AND e.from_seq BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM catalog_closed k WHERE k.id = e.id AND k.to_seq <= ?)',
    );
    // Names repeat across specs and makers: each distinct name is split once per import.
    db.function('policy_name_chars', { deterministic: true }, (name: unknown) => this.tokens(String(name))[0]);
    db.function('policy_name_heads', { deterministic: true }, (name: unknown) => this.tokens(String(name))[1]);
    db.function('policy_initials_inner', { deterministic: true }, (initials: unknown) => innerInitials(String(initials)));
    this.ensureInnerInitials();
  }

  /** A database made before catalog_initials_inner existed gets it, filled for the lineage in force. */
  private ensureInnerInitials(): void {
    const exists = this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'catalog_initials_inner'").get();
    if (exists) return;
    this.db.transaction(() => {
      this.db.exec(INNER_DDL);
      this.db.exec(
        `INSERT INTO catalog_initials_inner (rowid, initials)
         SELECT e.id, policy_initials_inner(e.pinyin) FROM catalog_entries e
         WHERE e.from_seq >= (SELECT t.base_seq FROM policy_current c JOIN policy_tables t ON t.seq = c.seq WHERE c.id = 1) AND ${NOT_CLOSED}`,
      );
    })();
  }

  /** FTS text of a name: [chars, heads]. */
  private tokens(name: string): [string, string] {
    let v = this.charsCache.get(name);
    if (v === undefined) this.charsCache.set(name, (v = [nameChars(name), nameHeads(name)]));
    return v;
  }

  currentSeq(): number {
    return this.currentRow.get()?.seq ?? 0;
  }

  /** Lineage of the table in force: its rows are those with from_seq ≥ base and no closure. */
  current(): { seq: number; base: number } | null {
    const r = this.currentRow.get();
    return r ? { seq: r.seq, base: r.base_seq } : null;
  }

  status(): PolicyStatus | null {
    const r = this.currentRow.get();
    return r ? toStatus(r) : null;
  }

  history(): PolicyStatus[] {
    return this.db.prepare<[], TableRow>('SELECT * FROM policy_tables ORDER BY seq').all().map(toStatus);
  }

  /** Validate, store as a new lineage, switch to it. All or nothing. */
  applyTable(raw: unknown): { seq: number; version: string } {
    const t = parsePolicyTable(raw);
    const initials = createInitials();
    const cacheBefore = this.db.pragma('cache_size', { simple: true }) as number;
    this.db.pragma(`cache_size = -${IMPORT_CACHE_KIB}`);
    try {
      this.importTable(t, initials);
    } finally {
      this.db.pragma(`cache_size = ${cacheBefore}`);
      this.charsCache.clear();
    }
    return { seq: t.seq, version: t.version };
  }

  private importTable(t: PolicyTable, initials: (n: string) => string): void {
    this.db.transaction(() => {
      this.requireNewer(t.seq);
      this.db.prepare(
        `INSERT INTO policy_tables (seq, base_seq, version, region, effective_from, effective_to, schemes, entries, kind, applied_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'full', ?)`,
      ).run(t.seq, t.seq, t.version, t.region, t.effectiveFrom, t.effectiveTo, JSON.stringify(t.schemes), t.catalog.length, this.clock.now().toISOString());
      // Indexes are built after the bulk insert (sorted, one pass) instead of row by row.
      this.db.exec(DROP_INDEXES);
      const firstId = this.nextId();
      this.bulkInsert(t.catalog, t.seq, initials);
      this.db.exec(INDEX_DDL);
      // Only the lineage in force is searched: rebuild the index for it after the bulk insert
      // (one pass, faster than indexing row by row, and drops the old lineage's tokens).
      this.db.exec(`DROP TABLE catalog_fts; ${FTS_DDL}; DROP TABLE catalog_initials; ${INITIALS_DDL}; DROP TABLE IF EXISTS catalog_initials_inner; ${INNER_DDL}`);
      this.indexNames(firstId);
      this.switchTo(t.seq);
    })();
  }

  /** A policy-delta/1 on the table in force, which must be at fromSeq exactly. */
  applyDelta(raw: unknown): { seq: number; version: string } {
    const d = parsePolicyDelta(raw);
    const initials = createInitials();
    try {
      this.deltaTransaction(d, initials);
    } finally {
      this.charsCache.clear();
    }
    return { seq: d.toSeq, version: d.version };
  }

  private deltaTransaction(d: PolicyDelta, initials: (n: string) => string): void {
    this.db.transaction(() => {
      const cur = this.currentRow.get();
      if (!cur || cur.seq !== d.fromSeq) {
        throw new AppError(
          'POLICY_DELTA_MISMATCH',
          `政策变更包基于版本序号 ${d.fromSeq}，本机当前为 ${cur?.seq ?? 0}：请重新同步（需要完整政策表或对应的变更包）。`,
          { fromSeq: d.fromSeq, currentSeq: cur?.seq ?? 0 },
        );
      }
      this.requireNewer(d.toSeq);
      const base = cur.base_seq;
      // Set-wise, not row by row: one lookup, one UPDATE, batched inserts, one FTS insert.
      const touched = [...d.catalogDeletes, ...d.catalogUpserts.map((e) => e.code)];
      const live = new Map(this.visibleIds.all(JSON.stringify(touched), base).map((r) => [r.code, r.id]));
      const missing = d.catalogDeletes.findIndex((code) => !live.has(code));
      if (missing >= 0) {
        const code = d.catalogDeletes[missing]!;
        throw new AppError('POLICY_DELTA_MISMATCH', `政策变更包要删除的项目 ${code} 不在本机当前目录中：请重新同步。`, { path: `catalogDeletes[${missing}]`, code });
      }
      // Ascending ids: the closures go into catalog_closed's B-tree in order.
      this.closeRows.run(d.toSeq, JSON.stringify([...live.values()].sort((a, b) => a - b)));
      const added = d.catalogUpserts.filter((e) => !live.has(e.code)).length;
      const entries = cur.entries - d.catalogDeletes.length + added;
      const firstId = this.nextId();
      this.bulkInsert(d.catalogUpserts, d.toSeq, initials);
      this.indexNames(firstId);
      const from = d.effectiveFrom ?? cur.effective_from;
      const to = d.effectiveTo === undefined ? cur.effective_to : d.effectiveTo;
      if (to !== null && to < from) {
        throw new AppError('POLICY_INVALID', `政策变更包无效：有效期 ${from} 至 ${to} 不成立。未应用任何更改。`, { path: d.effectiveFrom ? 'effectiveFrom' : 'effectiveTo' });
      }
      this.db.prepare(
        `INSERT INTO policy_tables (seq, base_seq, version, region, effective_from, effective_to, schemes, entries, kind, applied_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'delta', ?)`,
      ).run(
        d.toSeq,
        base,
        d.version,
        cur.region,
        from,
        to,
        d.schemes ? JSON.stringify(d.schemes) : cur.schemes,
        entries,
        this.clock.now().toISOString(),
      );
      this.switchTo(d.toSeq);
    })();
  }

  /**
   * The table effective on `date` (the highest applied seq whose period contains it), with
   * only the catalog entries of `codes`. Codes not in that table are simply absent, so the
   * split engine reports them as UNKNOWN_ITEM.
   */
  tableFor(date: string, codes: string[]): { seq: number; table: PolicyTable } {
    const t = stmt(
      this.db,
      `SELECT * FROM policy_tables WHERE effective_from <= ? AND (effective_to IS NULL OR effective_to >= ?)
       ORDER BY seq DESC LIMIT 1`,
    ).get(date, date) as TableRow | undefined;
    if (!t) {
      const any = this.currentSeq() > 0;
      throw new AppError(
        'POLICY_NOT_EFFECTIVE',
        any ? `没有在 ${date} 有效的政策表：请同步政策或核对就诊日期。` : '本机尚未导入政策表：请先同步政策（或 policy import）。',
        { date },
      );
    }
    const catalog: CatalogEntry[] = [];
    for (const code of new Set(codes)) {
      const row = this.entryAt.get(code, t.base_seq, t.seq, t.seq);
      if (row) catalog.push(rowToEntry(row));
    }
    return { seq: t.seq, table: toTable(t, catalog) };
  }

  /** One catalog entry of the table in force. */
  entry(code: string): CatalogEntry | null {
    const cur = this.current();
    if (!cur) return null;
    const row = this.entryAt.get(code, cur.base, cur.seq, cur.seq);
    return row ? rowToEntry(row) : null;
  }

  private requireNewer(seq: number): void {
    const max = this.maxSeq.get()?.m ?? 0;
    if (seq <= max) {
      throw new AppError('POLICY_SEQ_NOT_NEWER', `政策版本序号 ${seq} 不比本机已有的 ${max} 新，未应用。`, { path: 'seq', seq, latest: max });
    }
  }

  /** The id the next inserted catalog row gets (rows are only ever appended). */
  private nextId(): number {
    return (this.db.prepare('SELECT coalesce(max(id), 0) + 1 AS n FROM catalog_entries').pluck().get() as number);
  }

  /** Add the names and initials of the rows inserted from `firstId` on to the search indexes (a rowid range, no scan). */
  private indexNames(firstId: number): void {
    this.db.prepare('INSERT INTO catalog_fts (rowid, chars, head) SELECT id, policy_name_chars(name), policy_name_heads(name) FROM catalog_entries WHERE id >= ?').run(firstId);
    this.db.prepare('INSERT INTO catalog_initials (rowid, initials) SELECT id, pinyin FROM catalog_entries WHERE id >= ?').run(firstId);
    this.db.prepare('INSERT INTO catalog_initials_inner (rowid, initials) SELECT id, policy_initials_inner(pinyin) FROM catalog_entries WHERE id >= ?').run(firstId);
  }

  private switchTo(seq: number): void {
    this.db.prepare('INSERT INTO policy_current (id, seq) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq').run(seq);
  }

  private bulkInsert(catalog: CatalogEntry[], seq: number, initials: (n: string) => string): void {
    // One reused parameter array per batch: no per-row arrays for the collector to chase.
    const params: unknown[] = new Array<unknown>(BATCH * ENTRY_COLS);
    let i = 0;
    for (; i + BATCH <= catalog.length; i += BATCH) {
      for (let k = 0; k < BATCH; k++) fillParams(params, k * ENTRY_COLS, catalog[i + k]!, seq, initials);
      this.insertMany.run(params);
    }
    const one: unknown[] = new Array<unknown>(ENTRY_COLS);
    for (; i < catalog.length; i++) {
      fillParams(one, 0, catalog[i]!, seq, initials);
      this.insertOne.run(one);
    }
  }
}

function fillParams(p: unknown[], at: number, e: CatalogEntry, seq: number, initials: (n: string) => string): void {
  p[at] = e.code;
  p[at + 1] = seq;
  p[at + 2] = e.name;
  p[at + 3] = e.kind;
  p[at + 4] = e.class;
  p[at + 5] = e.spec ?? null;
  p[at + 6] = e.unit ?? null;
  p[at + 7] = initials(e.name);
  p[at + 8] = rulesOf(e);
}

function toStatus(r: TableRow): PolicyStatus {
  return { seq: r.seq, version: r.version, effectiveFrom: r.effective_from, effectiveTo: r.effective_to, appliedAt: r.applied_at, entries: r.entries };
}

function toTable(t: TableRow, catalog: CatalogEntry[]): PolicyTable {
  return {
    format: 'policy-table/1',
    seq: t.seq,
    version: t.version,
    region: t.region,
    effectiveFrom: t.effective_from,
    effectiveTo: t.effective_to,
    catalog,
    schemes: JSON.parse(t.schemes) as Scheme[],
  };
}
