// The national catalogue's sync state (migrations/0019_national_catalog.sql): the rows the policy
// table in force was built from, the pages of the round under way, and each source's cursor.
// Named transitions only: beginRound, stagePage, finish (merge + the policy switch, one
// transaction), discardRound. A page is staged whole or not at all; the policy table changes
// only in finish(), so a crash at any point leaves either the old table with the pages held so
// far (the next sync resumes at the first page it lacks) or the new table — never a mix.
import { z } from 'zod';
import type { Clock } from '../app/clock';
import type { Db } from '../db/open';
import { jsonColumn, many, one, run } from '../db/sql';
import { CATALOG_INFNOS, type CatalogInfno, type CatalogRow } from '../center/wire/national/catalog';

export interface CatalogCursor {
  source: CatalogInfno;
  /** updt_time the table in force is complete through; null before the first complete sync. */
  watermark: string | null;
  /** The round under way asks from this updt_time; null when no round is under way. */
  roundSince: string | null;
  nextPage: number;
  pages: number | null;
  roundMax: string | null;
  complete: boolean;
}

export interface StagedRow {
  key: string;
  code: string;
  row: CatalogRow;
  updtTime: string;
}

/** One code's rows after a merge, by source: what its policy entry is built from. */
export interface CodeRows {
  code: string;
  main: Record<string, unknown> | null;
  caps: Record<string, unknown>[];
  ratios: Record<string, unknown>[];
}

const CursorRow = z.object({
  source: z.enum(CATALOG_INFNOS),
  watermark: z.string().nullable(),
  round_since: z.string().nullable(),
  next_page: z.number().int(),
  pages: z.number().int().nullable(),
  round_max: z.string().nullable(),
  complete: z.union([z.literal(0), z.literal(1)]),
});
const SourceRow = z.object({ source: z.enum(CATALOG_INFNOS), hilist_code: z.string(), row: jsonColumn });
const CodeOnly = z.object({ hilist_code: z.string() });

export class NationalCatalogStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  cursor(source: CatalogInfno): CatalogCursor {
    const r = one(this.db, 'SELECT * FROM national_catalog_cursor WHERE source = :source', { source }, CursorRow);
    if (!r) return { source, watermark: null, roundSince: null, nextPage: 1, pages: null, roundMax: null, complete: false };
    return { source, watermark: r.watermark, roundSince: r.round_since, nextPage: r.next_page, pages: r.pages, roundMax: r.round_max, complete: r.complete === 1 };
  }

  /** Whether a round is under way for any source (a sync was interrupted and will resume). */
  roundUnderWay(): boolean {
    return CATALOG_INFNOS.some((s) => this.cursor(s).roundSince !== null);
  }

  /** No round under way → one from the watermark (the first sync: from the beginning). Idempotent. */
  beginRound(source: CatalogInfno): CatalogCursor {
    const c = this.cursor(source);
    if (c.roundSince !== null) return c;
    const since = c.watermark ?? '1970-01-01 00:00:00';
    run(
      this.db,
      `INSERT INTO national_catalog_cursor (source, watermark, round_since, next_page, pages, round_max, complete, updated_at)
       VALUES (:source, :watermark, :since, 1, NULL, NULL, 0, :now)
       ON CONFLICT (source) DO UPDATE SET round_since = :since, next_page = 1, pages = NULL, round_max = NULL, complete = 0, updated_at = :now`,
      { source, watermark: c.watermark, since, now: this.clock.now().toISOString() },
    );
    return this.cursor(source);
  }

  /**
   * Keep one validated page: its rows (a later row of the same key replaces an earlier one) and
   * the cursor past it, in one transaction. `pages` is the count the page claimed; the round is
   * complete when this was the last page.
   */
  stagePage(source: CatalogInfno, pageNum: number, pages: number, rows: readonly StagedRow[]): void {
    this.db.transaction(() => {
      const c = this.cursor(source);
      if (c.roundSince === null || c.nextPage !== pageNum) return; // a page already held
      let max = c.roundMax;
      for (const r of rows) {
        run(
          this.db,
          `INSERT INTO national_catalog_staged (source, row_key, hilist_code, row, updt_time) VALUES (:source, :key, :code, :row, :updt)
           ON CONFLICT (source, row_key) DO UPDATE SET hilist_code = :code, row = :row, updt_time = :updt WHERE excluded.updt_time >= national_catalog_staged.updt_time`,
          { source, key: r.key, code: r.code, row: JSON.stringify(r.row), updt: r.updtTime },
        );
        if (max === null || r.updtTime > max) max = r.updtTime;
      }
      run(
        this.db,
        'UPDATE national_catalog_cursor SET next_page = :next, pages = :pages, round_max = :max, complete = :complete, updated_at = :now WHERE source = :source',
        { source, next: pageNum + 1, pages, max, complete: pageNum >= pages ? 1 : 0, now: this.clock.now().toISOString() },
      );
    })();
  }

  /** A round with nothing to read (the center has no row at or after round_since). */
  markEmpty(source: CatalogInfno): void {
    run(this.db, 'UPDATE national_catalog_cursor SET pages = 0, complete = 1, updated_at = :now WHERE source = :source AND round_since IS NOT NULL', {
      source,
      now: this.clock.now().toISOString(),
    });
  }

  /**
   * End the rounds: merge the staged rows that differ from those held, hand the codes they touch
   * to `apply` (which switches the policy table), advance each watermark to the round's newest
   * updt_time, clear the rounds. One transaction: if `apply` throws, nothing of it happened.
   */
  finish<T>(apply: (touched: string[], first: boolean) => T): T {
    return this.db.transaction(() => {
      const first = CATALOG_INFNOS.every((s) => this.cursor(s).watermark === null);
      const changed = many(
        this.db,
        `SELECT s.hilist_code FROM national_catalog_staged s LEFT JOIN national_catalog_rows r ON r.source = s.source AND r.row_key = s.row_key
         WHERE r.row IS NULL OR r.row <> s.row`,
        {},
        CodeOnly,
      ).map((r) => r.hilist_code);
      // A row that moved to another code (never expected) touches its old code too.
      const moved = many(
        this.db,
        `SELECT r.hilist_code FROM national_catalog_staged s JOIN national_catalog_rows r ON r.source = s.source AND r.row_key = s.row_key WHERE r.hilist_code <> s.hilist_code`,
        {},
        CodeOnly,
      ).map((r) => r.hilist_code);
      run(
        this.db,
        `INSERT INTO national_catalog_rows (source, row_key, hilist_code, row, updt_time) SELECT source, row_key, hilist_code, row, updt_time FROM national_catalog_staged WHERE true
         ON CONFLICT (source, row_key) DO UPDATE SET hilist_code = excluded.hilist_code, row = excluded.row, updt_time = excluded.updt_time`,
        {},
      );
      const touched = [...new Set([...changed, ...moved])].sort();
      const result = apply(touched, first);
      this.clearRounds(true);
      return result;
    })();
  }

  /** Forget the round under way (its pages are asked again from the watermark next time). */
  discardRound(): void {
    this.db.transaction(() => this.clearRounds(false))();
  }

  private clearRounds(advance: boolean): void {
    run(this.db, 'DELETE FROM national_catalog_staged', {});
    run(
      this.db,
      `UPDATE national_catalog_cursor SET
         watermark = CASE WHEN :advance = 1 AND round_max IS NOT NULL AND (watermark IS NULL OR round_max > watermark) THEN round_max
                          WHEN :advance = 1 AND watermark IS NULL THEN round_since ELSE watermark END,
         round_since = NULL, next_page = 1, pages = NULL, round_max = NULL, complete = 0, updated_at = :now`,
      { advance: advance ? 1 : 0, now: this.clock.now().toISOString() },
    );
  }

  /** The merged rows of each code, for building its policy entry. */
  rowsOf(codes: readonly string[]): Map<string, CodeRows> {
    const out = new Map<string, CodeRows>();
    for (const code of codes) out.set(code, { code, main: null, caps: [], ratios: [] });
    const rows = many(
      this.db,
      'SELECT source, hilist_code, row FROM national_catalog_rows WHERE hilist_code IN (SELECT value FROM json_each(:codes)) ORDER BY source, row_key',
      { codes: JSON.stringify(codes) },
      SourceRow,
    );
    for (const r of rows) {
      const c = out.get(r.hilist_code)!;
      const row = r.row as Record<string, unknown>;
      if (r.source === '1312') c.main = row;
      else if (r.source === '1318') c.caps.push(row);
      else c.ratios.push(row);
    }
    return out;
  }

  /** Every code with a valid 1312 row (a first sync builds a whole table of them). */
  validCodes(): string[] {
    return many(
      this.db,
      "SELECT hilist_code FROM national_catalog_rows WHERE source = '1312' AND json_extract(row, '$.vali_flag') = '1' ORDER BY hilist_code",
      {},
      CodeOnly,
    ).map((r) => r.hilist_code);
  }
}
