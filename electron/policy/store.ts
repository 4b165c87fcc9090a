// The policy tables in SQLite: every applied seq kept, the one in force switched in the same
// transaction that stores it, the catalog read per code (it never sits in a JS array).
// See migrations/0002_policy.sql for how history is kept without copying the catalog, and
// 0010_policy_delta_pages.sql for why closures and initials live apart from the rows.
import type { Clock } from '../app/clock';
import { AppError } from '../api/result';
import type { Db } from '../db/open';
import { createInitials, innerInitials, nameChars, nameHeads } from './pinyin';
import { parsePolicyDelta, parsePolicyTable } from './schema';
import type { CatalogEntry, DiseaseRule, PolicyDelta, PolicyTable, Scheme } from './split/types';

import type { PolicyStatus } from '../api/contract/policy';
import { z } from 'zod';
import { insertInto, many, one, run, value } from '../db/sql';

export type { PolicyStatus };

const int = z.number().int();
const maybeText = z.string().nullable();
const TableRow = z.object({
  seq: int,
  base_seq: int,
  version: z.string(),
  region: z.string(),
  effective_from: z.string(),
  effective_to: maybeText,
  schemes: z.string(),
  disease_rules: maybeText,
  entries: int,
  applied_at: z.string(),
});
type TableRow = z.output<typeof TableRow>;

export const EntryRow = z.object({
  id: int,
  code: z.string(),
  name: z.string(),
  kind: z.string(),
  class: z.string(),
  spec: maybeText,
  unit: maybeText,
  pinyin: z.string(),
  rules: maybeText,
});
export type EntryRow = z.output<typeof EntryRow>;

const CURRENT_SQL = 'SELECT t.* FROM policy_current c JOIN policy_tables t ON t.seq = c.seq WHERE c.id = 1';
const ENTRY_AT_SQL =
  'SELECT e.* FROM catalog_entries e WHERE e.code = :code AND e.from_seq BETWEEN :base AND :seq AND NOT EXISTS (SELECT 1 FROM catalog_closed k WHERE k.id = e.id AND k.to_seq <= :seq)';
const TABLE_INSERT_SQL = `INSERT INTO policy_tables (seq, base_seq, version, region, effective_from, effective_to, schemes, disease_rules, entries, kind, applied_at)
  VALUES (:seq, :base, :version, :region, :from, :to, :schemes, :diseaseRules, :entries, :kind, :at)`;

/**
 * The bulk import's columns, in the order fillParams writes them. The one place that binds by
 * position instead of through db/sql.ts: a 300,000-entry import reuses one parameter array per
 * batch of 200 rows (docs/PERFORMANCE.md, Policy); the placeholders are generated from this list.
 */
const ENTRY_COLUMNS = ['code', 'from_seq', 'name', 'kind', 'class', 'spec', 'unit', 'pinyin', 'rules'] as const;
const ENTRY_COLS = ENTRY_COLUMNS.length;
/** Rows per multi-row INSERT: fewer statement steps, well under SQLite's parameter limit. */
const BATCH = 200;
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
  private readonly charsCache = new Map<string, [string, string]>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    const row = `(${ENTRY_COLUMNS.map(() => '?').join(',')})`;
    const insert = `INSERT INTO catalog_entries (${ENTRY_COLUMNS.join(', ')}) VALUES `;
    this.insertOne = db.prepare(insert + row);
    this.insertMany = db.prepare(insert + Array.from({ length: BATCH }, () => row).join(','));
    // Names repeat across specs and makers: each distinct name is split once per import.
    db.function('policy_name_chars', { deterministic: true }, (name: unknown) => this.tokens(String(name))[0]);
    db.function('policy_name_heads', { deterministic: true }, (name: unknown) => this.tokens(String(name))[1]);
    db.function('policy_initials_inner', { deterministic: true }, (initials: unknown) => innerInitials(String(initials)));
    this.ensureInnerInitials();
  }

  /** A database made before catalog_initials_inner existed gets it, filled for the lineage in force. */
  private ensureInnerInitials(): void {
    if (value(this.db, "SELECT 1 FROM sqlite_master WHERE name = 'catalog_initials_inner'", {}, int) !== undefined) return;
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

  private currentRow(): TableRow | undefined {
    return one(this.db, CURRENT_SQL, {}, TableRow);
  }

  currentSeq(): number {
    return this.currentRow()?.seq ?? 0;
  }

  /** Lineage of the table in force: its rows are those with from_seq ≥ base and no closure. */
  current(): { seq: number; base: number } | null {
    const r = this.currentRow();
    return r ? { seq: r.seq, base: r.base_seq } : null;
  }

  status(): PolicyStatus | null {
    const r = this.currentRow();
    return r ? toStatus(r) : null;
  }

  /** The table in force without its catalog: what a national catalogue sync keeps (the regional rules). */
  currentRules(): { seq: number; region: string; effectiveFrom: string; effectiveTo: string | null; schemes: Scheme[]; diseaseRules?: DiseaseRule[] } | null {
    const r = this.currentRow();
    if (!r) return null;
    const rules = { seq: r.seq, region: r.region, effectiveFrom: r.effective_from, effectiveTo: r.effective_to, schemes: JSON.parse(r.schemes) as Scheme[] };
    return r.disease_rules === null ? rules : { ...rules, diseaseRules: JSON.parse(r.disease_rules) as DiseaseRule[] };
  }

  /** The highest seq ever applied (a new table or delta must be above it). */
  latestSeq(): number {
    return value(this.db, 'SELECT max(seq) FROM policy_tables', {}, int.nullable()) ?? 0;
  }

  history(): PolicyStatus[] {
    return many(this.db, 'SELECT * FROM policy_tables ORDER BY seq', {}, TableRow).map(toStatus);
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
      run(this.db, TABLE_INSERT_SQL, {
        seq: t.seq,
        base: t.seq,
        version: t.version,
        region: t.region,
        from: t.effectiveFrom,
        to: t.effectiveTo,
        schemes: JSON.stringify(t.schemes),
        diseaseRules: t.diseaseRules ? JSON.stringify(t.diseaseRules) : null,
        entries: t.catalog.length,
        kind: 'full',
        at: this.clock.now().toISOString(),
      });
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
      const cur = this.currentRow();
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
      const visible = many(
        this.db,
        // Answered from the code index alone (code, from_seq, rowid) plus the small closures table.
        `SELECT e.code, e.id FROM json_each(:codes) j JOIN catalog_entries e ON e.code = j.value WHERE e.from_seq >= :base AND ${NOT_CLOSED}`,
        { codes: JSON.stringify(touched), base },
        z.object({ code: z.string(), id: int }),
      );
      const live = new Map(visible.map((r) => [r.code, r.id]));
      const missing = d.catalogDeletes.findIndex((code) => !live.has(code));
      if (missing >= 0) {
        const code = d.catalogDeletes[missing]!;
        throw new AppError('POLICY_DELTA_MISMATCH', `政策变更包要删除的项目 ${code} 不在本机当前目录中：请重新同步。`, { path: `catalogDeletes[${missing}]`, code });
      }
      // Ascending ids: the closures go into catalog_closed's B-tree in order.
      run(this.db, 'INSERT INTO catalog_closed (id, to_seq) SELECT value, :toSeq FROM json_each(:ids)', {
        toSeq: d.toSeq,
        ids: JSON.stringify([...live.values()].sort((a, b) => a - b)),
      });
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
      run(this.db, TABLE_INSERT_SQL, {
        seq: d.toSeq,
        base,
        version: d.version,
        region: cur.region,
        from,
        to,
        schemes: d.schemes ? JSON.stringify(d.schemes) : cur.schemes,
        diseaseRules: d.diseaseRules ? JSON.stringify(d.diseaseRules) : cur.disease_rules,
        entries,
        kind: 'delta',
        at: this.clock.now().toISOString(),
      });
      this.switchTo(d.toSeq);
    })();
  }

  /**
   * The table effective on `date` (the highest applied seq whose period contains it), with
   * only the catalog entries of `codes`. Codes not in that table are simply absent, so the
   * split engine reports them as UNKNOWN_ITEM.
   */
  tableFor(date: string, codes: string[]): { seq: number; table: PolicyTable } {
    const t = one(
      this.db,
      `SELECT * FROM policy_tables WHERE effective_from <= :date AND (effective_to IS NULL OR effective_to >= :date)
       ORDER BY seq DESC LIMIT 1`,
      { date },
      TableRow,
    );
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
      const row = one(this.db, ENTRY_AT_SQL, { code, base: t.base_seq, seq: t.seq }, EntryRow);
      if (row) catalog.push(rowToEntry(row));
    }
    return { seq: t.seq, table: toTable(t, catalog) };
  }

  /** One catalog entry of the table in force. */
  entry(code: string): CatalogEntry | null {
    const cur = this.current();
    if (!cur) return null;
    const row = one(this.db, ENTRY_AT_SQL, { code, base: cur.base, seq: cur.seq }, EntryRow);
    return row ? rowToEntry(row) : null;
  }

  private requireNewer(seq: number): void {
    const max = value(this.db, 'SELECT max(seq) FROM policy_tables', {}, int.nullable()) ?? 0;
    if (seq <= max) {
      throw new AppError('POLICY_SEQ_NOT_NEWER', `政策版本序号 ${seq} 不比本机已有的 ${max} 新，未应用。`, { path: 'seq', seq, latest: max });
    }
  }

  /** The id the next inserted catalog row gets (rows are only ever appended). */
  private nextId(): number {
    return value(this.db, 'SELECT coalesce(max(id), 0) + 1 FROM catalog_entries', {}, int) ?? 1;
  }

  /** Add the names and initials of the rows inserted from `firstId` on to the search indexes (a rowid range, no scan). */
  private indexNames(firstId: number): void {
    // Not cached (sql.ts would keep them): an import drops and re-creates these virtual tables.
    this.db.prepare('INSERT INTO catalog_fts (rowid, chars, head) SELECT id, policy_name_chars(name), policy_name_heads(name) FROM catalog_entries WHERE id >= :firstId').run({ firstId });
    this.db.prepare('INSERT INTO catalog_initials (rowid, initials) SELECT id, pinyin FROM catalog_entries WHERE id >= :firstId').run({ firstId });
    this.db.prepare('INSERT INTO catalog_initials_inner (rowid, initials) SELECT id, policy_initials_inner(pinyin) FROM catalog_entries WHERE id >= :firstId').run({ firstId });
  }

  private switchTo(seq: number): void {
    insertInto(this.db, 'policy_current', { id: 1, seq }, 'ON CONFLICT (id) DO UPDATE SET seq = excluded.seq');
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
  const table: PolicyTable = {
    format: 'policy-table/1',
    seq: t.seq,
    version: t.version,
    region: t.region,
    effectiveFrom: t.effective_from,
    effectiveTo: t.effective_to,
    catalog,
    schemes: JSON.parse(t.schemes) as Scheme[],
  };
  if (t.disease_rules !== null) table.diseaseRules = JSON.parse(t.disease_rules) as DiseaseRule[];
  return table;
}
