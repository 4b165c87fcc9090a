// The national catalogue sync (issue 16) against the real sandbox center over HTTP: 1312 / 1318 /
// 1319 paged and incremental by updt_time into the real policy store on a real SQLite file.
// Checked: the synced entries equal the center's table code by code; a change at the center
// arrives as a delta of just that change (and a removal as a delete); a hostile or truncated
// page changes nothing and says which page; a sync stopped half way resumes at the page it lacks.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncNationalCatalog, type NationalCatalogSyncDeps } from '../../../electron/center/national/catalog-sync';
import { NationalCatalogStore } from '../../../electron/policy/national-catalog-store';
import { PolicyStore } from '../../../electron/policy/store';
import type { CatalogEntry, PolicyTable } from '../../../electron/policy/split/types';
import { isAppError } from '../../../electron/api/result';
import { silentLogger } from '../../../electron/app/log';
import { NationalSession } from '../../../electron/center/national/session';
import { CODES, startRig, type Rig } from './helpers';

let rig: Rig;
let policy: PolicyStore;
const PAGE = 40;

beforeEach(async () => {
  rig = await startRig();
  policy = new PolicyStore(rig.db, rig.clock);
  // The regional rules (and a first catalogue) as a deployment imports them: the demo table.
  policy.applyTable(rig.center.currentPolicy());
});
afterEach(async () => {
  await rig.close();
});

/** The app's signed-in national exchange (a 9001 first, renewed when the center asks). */
const session = (r: Rig) => new NationalSession({ client: async () => r.client, terminalNo: () => '01', log: silentLogger });

function deps(over: Partial<NationalCatalogSyncDeps> = {}): NationalCatalogSyncDeps {
  return { store: new NationalCatalogStore(rig.db, rig.clock), policy, port: session(rig), clock: rig.clock, pageSize: PAGE, operator: { id: '2001', name: '王主管' }, ...over };
}

const pagesAsked = (infno: string) => rig.center.envelopes().filter((e) => e.infno === infno).length;

/** A catalog entry with its decimals written the same way on both sides ("10.00" = "10"). */
function norm(e: CatalogEntry | null): unknown {
  if (!e) return null;
  const n = (s: string | undefined) => (s === undefined ? undefined : String(Number(s)));
  const byType = e.selfPayRatioByInsuranceType && Object.fromEntries(Object.entries(e.selfPayRatioByInsuranceType).map(([k, v]) => [k, n(v)]));
  return JSON.parse(JSON.stringify({ ...e, selfPayRatio: n(e.selfPayRatio), priceCap: n(e.priceCap), selfPayRatioByInsuranceType: byType }));
}

function expectSameAsCenter(table: PolicyTable): void {
  for (const e of table.catalog) expect(norm(policy.entry(e.code)), e.code).toEqual(norm(e));
}

async function expectRefused(p: Promise<unknown>, code: string): Promise<Record<string, unknown>> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(isAppError(e) ? e.code : e).toBe(code);
  return (isAppError(e) ? e.details : {}) as Record<string, unknown>;
}

describe('national catalogue sync (1312 / 1318 / 1319)', () => {
  it('first sync pages through all three sources and builds a whole table equal to the center’s, keeping the regional rules', async () => {
    const center = rig.center.currentPolicy();
    const rulesBefore = policy.currentRules()!;
    const progress: string[] = [];
    const r = await syncNationalCatalog(deps({ onProgress: (p) => progress.push(`${p.infno}:${p.page}/${p.pages}`) }));
    expect(r).toMatchObject({ kind: 'full', upserts: center.catalog.length });
    // 297 entries at 40 a page: 8 pages of 1312; caps and ratios are fewer.
    expect(progress.filter((p) => p.startsWith('1312:'))).toHaveLength(Math.ceil(center.catalog.length / PAGE));
    expect(progress.some((p) => p.startsWith('1318:')) && progress.some((p) => p.startsWith('1319:'))).toBe(true);
    expect(policy.status()!.entries).toBe(center.catalog.length);
    expectSameAsCenter(center);
    expect(policy.currentRules()!.schemes).toEqual(rulesBefore.schemes);
    // Signed in once (9001) before the first page; every page carried that sign-in.
    expect(pagesAsked('9001')).toBe(1);
    expect(rig.center.envelopes().filter((e) => e.infno === '1312').every((e) => e.sign_no && e.opter === '2001')).toBe(true);
    // The restriction travels (lmt_used_flag + the extension), the per-type ratio by insutype.
    const restricted = center.catalog.find((e) => e.restriction)!;
    expect(policy.entry(restricted.code)!.restriction).toEqual(restricted.restriction);
    const byType = center.catalog.find((e) => e.selfPayRatioByInsuranceType)!;
    expect(Object.keys(policy.entry(byType.code)!.selfPayRatioByInsuranceType!)).toEqual(Object.keys(byType.selfPayRatioByInsuranceType!));
  });

  it('a change at the center arrives as a delta of only that change; a removal as a delete; nothing new → current', async () => {
    // The seeded table's rows all carry one updt_time; a later change makes the watermark newer
    // than them (rows AT the watermark are asked again: a row changed later in that same second
    // must not be missed).
    rig.clock.advance(60_000);
    rig.center.publishPolicyChange({ upserts: [{ code: 'XNEW0000', name: '首批新增项目', kind: 'service', unit: '次', class: 'B', selfPayRatio: '0.1', priceCap: '30' }] });
    await syncNationalCatalog(deps());
    const seq = policy.currentSeq();
    rig.clock.advance(60_000);
    const cef = rig.center.currentPolicy().catalog.find((e) => e.code === CODES.cefuroxime)!;
    const consult = rig.center.currentPolicy().catalog.find((e) => e.code === CODES.consult)!;
    rig.center.publishPolicyChange({
      upserts: [{ ...cef, selfPayRatio: '0.2' }, { ...consult, priceCap: '12.5' }, { code: 'XNEW0001', name: '新增检查项目', kind: 'service', unit: '次', class: 'A' }],
      deletes: [CODES.vitaminC],
    });
    const before = { p1312: pagesAsked('1312'), p1318: pagesAsked('1318'), p1319: pagesAsked('1319') };
    const r = await syncNationalCatalog(deps());
    expect(r).toMatchObject({ kind: 'delta', seq: seq + 1, upserts: 3, deletes: 1 });
    // Incremental: one page per source, not the whole catalogue again.
    expect(pagesAsked('1312') - before.p1312).toBe(1);
    expect(pagesAsked('1318') - before.p1318).toBe(1);
    expect(pagesAsked('1319') - before.p1319).toBe(1);
    expect(policy.entry(CODES.cefuroxime)!.selfPayRatio).toBe('0.2');
    expect(policy.entry(CODES.consult)!.priceCap).toBe('12.5');
    expect(policy.entry('XNEW0001')).toMatchObject({ name: '新增检查项目', class: 'A' });
    expect(policy.entry(CODES.vitaminC)).toBeNull();
    expectSameAsCenter(rig.center.currentPolicy());
    // The old table stays readable by seq (history), the new one is in force.
    expect(policy.history().map((h) => h.seq)).toContain(seq);
    // Nothing changed since: the rows at the watermark come again and change nothing.
    const again = await syncNationalCatalog(deps());
    expect(again).toMatchObject({ kind: 'current', seq: seq + 1 });
  });

  it.each([
    ['hostile page (bad level, negative cap, injected code)', { hostileCatalog: { count: 1, infno: '1312' } }, 'NATIONAL_CATALOG_PAGE_INVALID'],
    ['truncated answer', { malformed: { mode: 'truncated' as const, count: 1, infno: '1312' } }, 'NATIONAL_CATALOG_SYNC_FAILED'],
    ['wrong types', { malformed: { mode: 'wrong-types' as const, count: 1, infno: '1318' } }, 'NATIONAL_CATALOG_SYNC_FAILED'],
    ['busy', { busy: { count: 1, infno: '1319' } }, 'NATIONAL_CATALOG_SYNC_FAILED'],
    ['gateway error', { gatewayError: { count: 1, infno: '1312' } }, 'NATIONAL_CATALOG_SYNC_FAILED'],
  ])('%s: refused with a code and the page, the table in force unchanged, the next sync completes', async (_name, fault, code) => {
    const seq = policy.currentSeq();
    await rig.center.setFaults(fault);
    const details = await expectRefused(syncNationalCatalog(deps()), code);
    expect(details.page).toBeTypeOf('number');
    expect(policy.currentSeq()).toBe(seq);
    expect(policy.history()).toHaveLength(1);
    const r = await syncNationalCatalog(deps());
    expect(r.kind).toBe('full');
    expectSameAsCenter(rig.center.currentPolicy());
  });

  it('a hostile page names its row and field and keeps nothing of it', async () => {
    await syncNationalCatalog(deps());
    rig.clock.advance(60_000);
    rig.center.publishPolicyChange({ upserts: [{ code: 'XNEW0002', name: '新增项目二', kind: 'service', unit: '次', class: 'A' }] });
    await rig.center.setFaults({ hostileCatalog: { count: 1, infno: '1312' } });
    const seq = policy.currentSeq();
    const details = await expectRefused(syncNationalCatalog(deps()), 'NATIONAL_CATALOG_PAGE_INVALID');
    expect(details).toMatchObject({ infno: '1312', page: 1, row: 1 });
    expect(policy.currentSeq()).toBe(seq);
    expect(policy.entry('XNEW0002')).toBeNull();
    expect(rig.db.prepare("SELECT count(*) FROM national_catalog_staged WHERE hilist_code LIKE 'X''%'").pluck().get()).toBe(0);
    await syncNationalCatalog(deps());
    expect(policy.entry('XNEW0002')).not.toBeNull();
  });

  it('a sync stopped half way resumes at the first page it lacks and ends equal to one uninterrupted sync', async () => {
    const center = rig.center.currentPolicy();
    const seq = policy.currentSeq();
    const first = await syncNationalCatalog(deps({ stopAfterPages: 3 }));
    expect(first).toEqual({ kind: 'interrupted', pages: 3 });
    expect(policy.currentSeq()).toBe(seq);
    expect(new NationalCatalogStore(rig.db, rig.clock).roundUnderWay()).toBe(true);
    const asked = pagesAsked('1312');
    // A new store on the same file (as after a restart): nothing but the database carries over.
    const r = await syncNationalCatalog(deps({ store: new NationalCatalogStore(rig.db, rig.clock) }));
    expect(r.kind).toBe('full');
    expect(pagesAsked('1312') - asked).toBe(Math.ceil(center.catalog.length / PAGE) - 3);
    expectSameAsCenter(center);
  });

  it('rows that make an invalid entry (乙 without a ratio) are refused whole, and asked again next time', async () => {
    await syncNationalCatalog(deps());
    rig.clock.advance(60_000);
    const amox = rig.center.currentPolicy().catalog.find((e) => e.code === CODES.amoxicillin)!;
    // Class B without a self-pay ratio: the center publishes it, the policy schema refuses it.
    rig.center.publishPolicyChange({ upserts: [{ ...amox, class: 'B' }] });
    const seq = policy.currentSeq();
    await expectRefused(syncNationalCatalog(deps()), 'NATIONAL_CATALOG_INVALID');
    expect(policy.currentSeq()).toBe(seq);
    expect(policy.entry(CODES.amoxicillin)!.class).toBe('A');
    rig.clock.advance(60_000);
    rig.center.publishPolicyChange({ upserts: [{ ...amox, class: 'B', selfPayRatio: '0.1' }] });
    const r = await syncNationalCatalog(deps());
    expect(r).toMatchObject({ kind: 'delta', upserts: 1 });
    expect(policy.entry(CODES.amoxicillin)).toMatchObject({ class: 'B', selfPayRatio: '0.1' });
  });

  it('without regional rules in force the sync refuses to build a table', async () => {
    const bare = await startRig();
    try {
      const p = new PolicyStore(bare.db, bare.clock);
      await expectRefused(syncNationalCatalog({ store: new NationalCatalogStore(bare.db, bare.clock), policy: p, port: session(bare), clock: bare.clock, pageSize: 100 }), 'NATIONAL_CATALOG_NO_RULES');
      expect(p.currentSeq()).toBe(0);
    } finally {
      await bare.close();
    }
  });
});
