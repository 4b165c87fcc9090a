// The catalogue mapping (对照): the clinic's own item codes ↔ national codes (migration 0020,
// catalog_mappings; this module is its one owner). Written by a CSV import from the HIS
// (all rows or none), by the supervisor's screen (one pair at a time), or by accepting a
// suggestion (name/spec match in the catalogue in force). Every change that alters what the
// center should hold queues its 3302 (revoke the old pair) and/or 3301 (upload the new one) in
// the mapping outbox IN THE SAME TRANSACTION, so no change is lost and none is sent twice.
//
// nationalCodeFor(clinicCode) is the one lookup the settlement chain uses for 2204's
// med_list_codg: a code only when the center has confirmed holding exactly the pair the clinic
// wants. Anything else (never mapped, upload queued, refused) is unmapped for settling, so the
// window blocks the line before settling instead of the center refusing it.
import { z } from 'zod';
import { AppError } from '../api/result';
import type { Clock } from '../app/clock';
import type { Db } from '../db/open';
import { many, one, run } from '../db/sql';
import { mapping3301, mapping3302 } from '../center/wire/national/mapping';
import type { MappingOutboxRow, MappingQueue } from '../outbox/mapping-queue';
import { CODE_PATTERN, readMappingCsv } from './mapping-csv';
import type { CatalogEntry } from './split/types';
import type { MappingState, MappingSuggestion, MappingView } from '../api/contract/mapping';

export type { MappingState, MappingSuggestion, MappingView };

/** What the store needs of the policy part: the catalogue in force. */
export interface MappingCatalog {
  entry(code: string): CatalogEntry | null;
  search(query: string, limit?: number): CatalogEntry[];
}

const Row = z.object({
  clinic_code: z.string(),
  clinic_name: z.string(),
  clinic_spec: z.string().nullable(),
  clinic_unit: z.string().nullable(),
  national_code: z.string().nullable(),
  list_type: z.string().nullable(),
  origin: z.enum(['import', 'suggested', 'edited']),
  center_code: z.string().nullable(),
  last_error: z.string().nullable(),
  updated_by: z.string(),
  updated_at: z.string(),
});
type MappingRow = z.output<typeof Row>;

const LIST_TYPE: Record<CatalogEntry['kind'], string> = { drug: '101', service: '201', material: '301' };

export class MappingStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly catalog: MappingCatalog,
    private readonly queue: MappingQueue,
    private readonly newMsgId: () => string,
  ) {}

  private row(code: string): MappingRow | undefined {
    return one(this.db, 'SELECT * FROM catalog_mappings WHERE clinic_code = :code', { code }, Row);
  }

  /**
   * Import the HIS's CSV: every line checked first; any bad line → MAPPING_IMPORT_INVALID with
   * every error (line, field, code) and nothing applied. Otherwise all rows in one transaction.
   * A line without a national code adds or renames the item and leaves its mapping as it is.
   */
  importCsv(text: string, by: string): { rows: number; mapped: number; queued: number } {
    const { rows, errors } = readMappingCsv(text, (c) => this.catalog.entry(c) !== null);
    if (errors.length) {
      const first = errors[0]!;
      throw new AppError('MAPPING_IMPORT_INVALID', `对照文件有 ${errors.length} 处错误，未导入任何一行。第 ${first.line} 行：${first.message}`, {
        errors: errors.slice(0, 100),
        count: errors.length,
      });
    }
    let queued = 0;
    this.db.transaction(() => {
      for (const r of rows) {
        const held = this.row(r.clinicCode);
        this.upsertItem(r.clinicCode, r.name, r.spec, r.unit, by);
        if (r.nationalCode !== null && r.nationalCode !== held?.national_code) queued += this.change(r.clinicCode, r.nationalCode, 'import', by);
      }
    })();
    return { rows: rows.length, mapped: rows.filter((r) => r.nationalCode !== null).length, queued };
  }

  /** The supervisor sets (or clears, null) one item's national code. */
  setMapping(clinicCode: string, nationalCode: string | null, by: string, origin: 'edited' | 'suggested' = 'edited'): MappingView {
    if (!this.row(clinicCode)) throw new AppError('MAPPING_NOT_FOUND', `院内项目 ${clinicCode.slice(0, 50)} 不在对照表中：请先从 HIS 导入。`, { clinicCode: clinicCode.slice(0, 50) });
    if (nationalCode !== null && (!CODE_PATTERN.test(nationalCode) || !this.catalog.entry(nationalCode))) {
      throw new AppError('MAPPING_NATIONAL_UNKNOWN', `医保编码 ${nationalCode.slice(0, 50)} 不在当前医保目录中。未更改。`, { nationalCode: nationalCode.slice(0, 50) });
    }
    this.db.transaction(() => this.change(clinicCode, nationalCode, origin, by))();
    return this.view(clinicCode)!;
  }

  private upsertItem(code: string, name: string, spec: string | null, unit: string | null, by: string): void {
    run(
      this.db,
      `INSERT INTO catalog_mappings (clinic_code, clinic_name, clinic_spec, clinic_unit, national_code, list_type, origin, center_code, last_error, updated_by, updated_at)
       VALUES (:code, :name, :spec, :unit, NULL, NULL, 'import', NULL, NULL, :by, :now)
       ON CONFLICT (clinic_code) DO UPDATE SET clinic_name = :name, clinic_spec = :spec, clinic_unit = :unit, updated_by = :by, updated_at = :now`,
      { code, name, spec, unit, by, now: this.clock.now().toISOString() },
    );
  }

  /**
   * The pair the center will hold once the messages already queued are through: the last open
   * message decides (3301 → its code, 3302 → none); with none open, what the center confirmed.
   */
  private expectedAtCenter(r: MappingRow): string | null {
    const open = this.queue.forCode(r.clinic_code).filter((m) => m.state === 'queued' || m.state === 'sent' || m.state === 'unknown');
    const last = open.at(-1);
    if (!last) return r.center_code;
    return last.infno === '3301' ? last.national_code : null;
  }

  /** Record the wanted code and queue what brings the center to it. Returns messages queued. */
  private change(clinicCode: string, nationalCode: string | null, origin: MappingRow['origin'], by: string): number {
    const r = this.row(clinicCode)!;
    const entry = nationalCode ? this.catalog.entry(nationalCode) : null;
    run(
      this.db,
      'UPDATE catalog_mappings SET national_code = :national, list_type = :listType, origin = :origin, last_error = NULL, updated_by = :by, updated_at = :now WHERE clinic_code = :code',
      { code: clinicCode, national: nationalCode, listType: entry ? LIST_TYPE[entry.kind] : r.list_type, origin, by, now: this.clock.now().toISOString() },
    );
    const expected = this.expectedAtCenter(r);
    if (expected === nationalCode) return 0;
    let n = 0;
    if (expected !== null) {
      const old = this.catalog.entry(expected);
      const listType = old ? LIST_TYPE[old.kind] : (r.list_type ?? '201');
      this.queue.enqueueMapping({ clinicCode, infno: '3302', msgid: this.newMsgId(), nationalCode: expected, input: mapping3302({ clinicCode, nationalCode: expected, listType }), by });
      n++;
    }
    if (nationalCode !== null) {
      const begndate = this.clock.now().toISOString().slice(0, 10);
      const input = mapping3301({ clinicCode, clinicName: r.clinic_name, nationalCode, listType: entry ? LIST_TYPE[entry.kind] : '201', begndate });
      this.queue.enqueueMapping({ clinicCode, infno: '3301', msgid: this.newMsgId(), nationalCode, input, by });
      n++;
    }
    return n;
  }

  /** The center's final answer to a 3301 / 3302 (mapping outbox onAnswer; in its transaction). */
  recordAnswer(m: MappingOutboxRow, result: { kind: 'confirmed' } | { kind: 'rejected'; reason: string }): void {
    const now = this.clock.now().toISOString();
    if (result.kind === 'rejected') {
      run(this.db, 'UPDATE catalog_mappings SET last_error = :error, updated_at = :now WHERE clinic_code = :code', {
        code: m.clinic_code,
        error: `${m.infno === '3301' ? '上传' : '撤销'}对照被中心拒绝：${result.reason}`.slice(0, 500),
        now,
      });
      return;
    }
    if (m.infno === '3301') {
      run(this.db, 'UPDATE catalog_mappings SET center_code = :national, last_error = NULL WHERE clinic_code = :code', { code: m.clinic_code, national: m.national_code });
    } else {
      run(this.db, 'UPDATE catalog_mappings SET center_code = NULL WHERE clinic_code = :code AND center_code = :national', { code: m.clinic_code, national: m.national_code });
    }
  }

  /** The national code 2204 sends for a clinic code, or null: only a pair the center confirmed holding. */
  nationalCodeFor(clinicCode: string): string | null {
    const r = this.row(clinicCode);
    return r && r.national_code !== null && r.national_code === r.center_code ? r.national_code : null;
  }

  /** The clinic codes among `codes` that cannot be settled in the national protocol, each with why. */
  unmapped(codes: readonly string[]): { clinicCode: string; state: Exclude<MappingState, 'mapped'> }[] {
    const out: { clinicCode: string; state: Exclude<MappingState, 'mapped'> }[] = [];
    for (const code of new Set(codes)) {
      const v = this.view(code);
      if (!v) out.push({ clinicCode: code, state: 'unmapped' });
      else if (v.state !== 'mapped') out.push({ clinicCode: code, state: v.state });
    }
    return out;
  }

  view(clinicCode: string): MappingView | null {
    const r = this.row(clinicCode);
    return r ? this.toView(r, this.queue.openCodes()) : null;
  }

  /** The mapping list for the screen: all items, or those whose code/name contains `query`; unmapped first when asked. */
  list(opts: { query?: string; onlyUnmapped?: boolean; limit?: number } = {}): MappingView[] {
    const q = (opts.query ?? '').trim();
    const rows = many(
      this.db,
      `SELECT * FROM catalog_mappings WHERE (:q = '' OR instr(clinic_code, :q) > 0 OR instr(clinic_name, :q) > 0 OR instr(coalesce(national_code, ''), :q) > 0)
       ORDER BY (national_code IS NOT NULL AND national_code = coalesce(center_code, '')), clinic_code LIMIT :limit`,
      { q, limit: opts.limit ?? 500 },
      Row,
    );
    const open = this.queue.openCodes();
    const views = rows.map((r) => this.toView(r, open));
    return opts.onlyUnmapped ? views.filter((v) => v.state !== 'mapped') : views;
  }

  counts(): Record<MappingState, number> {
    const out: Record<MappingState, number> = { unmapped: 0, uploading: 0, mapped: 0, rejected: 0, pending: 0 };
    for (const v of this.list({ limit: 100_000 })) out[v.state]++;
    return out;
  }

  private toView(r: MappingRow, open: Set<string>): MappingView {
    const state: MappingState = open.has(r.clinic_code)
      ? 'uploading'
      : r.national_code !== null && r.national_code === r.center_code
        ? 'mapped'
        : r.last_error
          ? 'rejected'
          : r.national_code === null && r.center_code === null
            ? 'unmapped'
            : 'pending';
    return {
      clinicCode: r.clinic_code, clinicName: r.clinic_name, clinicSpec: r.clinic_spec, clinicUnit: r.clinic_unit,
      nationalCode: r.national_code, nationalName: r.national_code ? (this.catalog.entry(r.national_code)?.name ?? null) : null,
      centerCode: r.center_code, origin: r.origin, state, lastError: r.last_error, updatedBy: r.updated_by, updatedAt: r.updated_at,
    };
  }

  /**
   * Candidates for an item from the catalogue in force, by name (whole name, then its first
   * characters) and spec: a same name scores 70, a name containing it 50, otherwise by shared
   * characters; a same spec adds 30 (a spec sharing its numbers 15).
   */
  suggest(clinicCode: string, limit = 5): MappingSuggestion[] {
    const r = this.row(clinicCode);
    if (!r) return [];
    const name = r.clinic_name.replace(/\s+/g, '');
    const seen = new Map<string, CatalogEntry>();
    for (const q of [name, name.slice(0, 4), name.slice(0, 2)]) {
      if (!q) continue;
      for (const e of this.catalog.search(q, 20)) if (!seen.has(e.code)) seen.set(e.code, e);
      if (seen.size >= 20) break;
    }
    const scored = [...seen.values()].map((e) => ({ e, score: nameScore(name, e.name) + specScore(r.clinic_spec, e.spec ?? null) }));
    scored.sort((a, b) => b.score - a.score || a.e.code.localeCompare(b.e.code));
    return scored.slice(0, limit).map(({ e, score }) => ({ nationalCode: e.code, name: e.name, spec: e.spec ?? null, unit: e.unit ?? null, score: Math.min(100, score) }));
  }
}

function nameScore(a: string, b: string): number {
  const nb = b.replace(/\s+/g, '');
  if (a === nb) return 70;
  if (nb.includes(a) || a.includes(nb)) return 50;
  const chars = new Set(a);
  const shared = [...new Set(nb)].filter((c) => chars.has(c)).length;
  return Math.round((40 * shared) / Math.max(chars.size, 1));
}

function specScore(a: string | null, b: string | null): number {
  if (!a || !b) return 0;
  const norm = (s: string) => s.toLowerCase().replace(/\s+/g, '').replace(/[×x]/g, '*');
  if (norm(a) === norm(b)) return 30;
  const nums = (s: string) => (s.match(/\d+(\.\d+)?/g) ?? []).join(',');
  return nums(a) && nums(a) === nums(b) ? 15 : 0;
}
