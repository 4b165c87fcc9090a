// The national catalogue sync (NATIONAL-PLATFORM.md "Catalogue"): 1312, 1318 and 1319 paged and
// incremental by updt_time, into the same validated policy tables the simple protocol's 1399
// feeds. The regional rules (schemes: deductibles, bands, caps by insurance type, visit type and
// hospital level) are not in any national transaction: they stay those of the table in force (a
// configured, validated table, imported with `policy import` or synced by 1399).
//
// Order of events, each durable before the next:
//   1. per source, a round from its watermark (national_catalog_cursor);
//   2. each page is checked whole (wire/national/catalog.ts) and staged with the cursor past it;
//      a bad page is refused with its page, row and field, and nothing of it is kept;
//   3. when all three rounds are complete, one transaction merges the staged rows, rebuilds the
//      entries of the codes they touch, applies them as a policy delta (a full table on the
//      first sync) through PolicyStore's validation, and advances the watermarks.
// A sync killed anywhere resumes at the first page not staged. A merge whose entries the policy
// schema refuses discards the round (the next sync asks again from the watermark): the center
// must correct its rows, and we must not keep reusing the bad ones.
import { AppError, isAppError } from '../../api/result';
import type { Clock } from '../../app/clock';
import { entryFromNationalRows, sameEntry } from '../../policy/national-entries';
import type { NationalCatalogStore, StagedRow } from '../../policy/national-catalog-store';
import type { CatalogEntry, PolicyDelta, PolicyTable } from '../../policy/split/types';
import type { SendOptions } from '../client';
import { insutypeToInsuranceType } from '../wire/codes';
import { CATALOG_INFNOS, CATALOG_PAGE_SIZE, catalogPageInput, checkCatalogPage, rowKey, type CatalogInfno } from '../wire/national/catalog';
import type { NationalOutcome } from '../wire/national/envelope';
import { msgStamp } from '../wire/msgid';

/** What the sync needs of the policy part. */
export interface NationalPolicySink {
  currentRules(): { seq: number; region: string; effectiveFrom: string; effectiveTo: string | null; schemes: PolicyTable['schemes']; diseaseRules?: PolicyTable['diseaseRules'] } | null;
  latestSeq(): number;
  entry(code: string): CatalogEntry | null;
  applyTable(raw: unknown): { seq: number; version: string };
  applyDelta(raw: unknown): { seq: number; version: string };
}

/** The national exchange, signed in (NationalSession.send: a 9001 first when needed, renewed on demand). */
export interface NationalCatalogPort {
  send(infno: string, input: object, opts?: SendOptions): Promise<NationalOutcome>;
}

export interface CatalogSyncProgress {
  infno: CatalogInfno;
  page: number;
  pages: number;
}

export interface NationalCatalogSyncDeps {
  store: NationalCatalogStore;
  policy: NationalPolicySink;
  port: NationalCatalogPort;
  clock: Clock;
  operator?: { id: string; name: string };
  pageSize?: number;
  onProgress?: (p: CatalogSyncProgress) => void;
  /** Tests: stop after staging this many pages in all (a crash mid-sync, simulated in process). */
  stopAfterPages?: number;
}

export type NationalCatalogSyncResult =
  | { kind: 'current'; seq: number; pages: number }
  | { kind: 'full' | 'delta'; seq: number; pages: number; upserts: number; deletes: number }
  | { kind: 'interrupted'; pages: number };

export async function syncNationalCatalog(deps: NationalCatalogSyncDeps): Promise<NationalCatalogSyncResult> {
  const pageSize = deps.pageSize ?? CATALOG_PAGE_SIZE;
  let pages = 0;
  for (const infno of CATALOG_INFNOS) {
    let c = deps.store.beginRound(infno);
    while (!c.complete) {
      const input = catalogPageInput(c.roundSince, c.nextPage, pageSize);
      const o = await deps.port.send(infno, input, { ...(deps.operator ? { operator: deps.operator } : {}) });
      if (o.kind !== 'success') {
        const why = o.kind === 'unknown' ? o.reason : o.message;
        throw new AppError('NATIONAL_CATALOG_SYNC_FAILED', `医保目录同步（${infno}）第 ${c.nextPage} 页未完成：${why}。已收到的页保留，下次从此页继续；当前目录不变。`, {
          infno,
          page: c.nextPage,
          kind: o.kind,
        });
      }
      const checked = checkCatalogPage(infno, { pageNum: c.nextPage, pageSize }, o.output);
      if (!checked.ok) {
        throw new AppError('NATIONAL_CATALOG_PAGE_INVALID', `医保目录（${infno}）第 ${c.nextPage} 页被拒收：${checked.reason}。本页未保存，当前目录不变。`, {
          infno,
          page: c.nextPage,
          ...(checked.row !== undefined ? { row: checked.row } : {}),
          ...(checked.field ? { field: checked.field } : {}),
        });
      }
      const p = checked.page;
      if (p.recordCounts === 0) {
        deps.store.markEmpty(infno);
      } else {
        const staged: StagedRow[] = p.rows.map((row) => ({ key: rowKey(infno, row), code: row.hilist_code, row, updtTime: row.updt_time }));
        deps.store.stagePage(infno, p.pageNum, p.pages, staged);
        pages++;
        deps.onProgress?.({ infno, page: p.pageNum, pages: p.pages });
        if (deps.stopAfterPages !== undefined && pages >= deps.stopAfterPages) return { kind: 'interrupted', pages };
      }
      c = deps.store.cursor(infno);
    }
  }
  return apply(deps, pages);
}

/** 'yyyyMMddHHmmss' of a 'yyyy-MM-dd HH:mm:ss' updt_time, for the version label. */
const compact = (t: string): string => t.replace(/[- :]/g, '');

function apply(deps: NationalCatalogSyncDeps, pages: number): NationalCatalogSyncResult {
  const { store, policy } = deps;
  const date = chinaDate(deps.clock.now());
  try {
    return store.finish((touched, first) => {
      const rules = policy.currentRules();
      if (!rules) {
        throw new AppError('NATIONAL_CATALOG_NO_RULES', '本机还没有地区待遇规则（起付线、比例、封顶线等）：请先导入政策表（policy import），再同步国家医保目录。未应用任何更改。');
      }
      const newest = CATALOG_INFNOS.map((s) => store.cursor(s).roundMax ?? store.cursor(s).watermark ?? '').sort().at(-1) ?? '';
      const seq = policy.latestSeq() + 1;
      const version = `national-${compact(newest) || msgStamp(deps.clock.now())}`.slice(0, 64);
      if (first) {
        const codes = store.validCodes();
        const rows = store.rowsOf(codes);
        const catalog = codes.map((c) => entryFromNationalRows(rows.get(c)!, date, insutypeToInsuranceType)).filter((e): e is CatalogEntry => e !== null);
        const table: PolicyTable = { format: 'policy-table/1', seq, version, region: rules.region, effectiveFrom: rules.effectiveFrom, effectiveTo: rules.effectiveTo, catalog, schemes: rules.schemes, ...(rules.diseaseRules ? { diseaseRules: rules.diseaseRules } : {}) };
        const r = policy.applyTable(table);
        return { kind: 'full', seq: r.seq, pages, upserts: catalog.length, deletes: 0 };
      }
      const rows = store.rowsOf(touched);
      const upserts: CatalogEntry[] = [];
      const deletes: string[] = [];
      for (const code of touched) {
        const next = entryFromNationalRows(rows.get(code)!, date, insutypeToInsuranceType);
        const held = policy.entry(code);
        if (next === null) {
          if (held) deletes.push(code);
        } else if (!sameEntry(next, held)) {
          upserts.push(next);
        }
      }
      if (upserts.length === 0 && deletes.length === 0) return { kind: 'current', seq: rules.seq, pages };
      const delta: PolicyDelta = { format: 'policy-delta/1', fromSeq: rules.seq, toSeq: seq, version, catalogUpserts: upserts, catalogDeletes: deletes };
      const r = policy.applyDelta(delta);
      return { kind: 'delta', seq: r.seq, pages, upserts: upserts.length, deletes: deletes.length };
    });
  } catch (e) {
    if (isAppError(e) && e.code === 'POLICY_INVALID') {
      // The center's rows make an entry the policy schema refuses: ask for them again next time.
      store.discardRound();
      throw new AppError('NATIONAL_CATALOG_INVALID', `医保目录数据不能组成有效的政策表：${e.message}`, { policy: e.details ?? null });
    }
    throw e;
  }
}

/** yyyy-MM-dd in China time (the national dates are China dates). */
function chinaDate(d: Date): string {
  const s = msgStamp(d);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}
