// The window settles through the national chain (issue 16, centerProtocol = national): online
// the chain 2201 → 2203 → 2204 → 2206 → 2207 runs from the settlement's commit and the center's
// 2207 figures are the record (differences from the local split kept as adjustments); offline
// the local split makes a provisional settlement and the whole chain waits in the outbox as one
// item, replayed in commit order when the center is back; a refund undoes the chain (2208 →
// 2205 → 2202), a partial refund is that plus a new chain. Real app, real SQLite file, the real
// sandbox center on 127.0.0.1 speaking the national interface.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../../electron/app/create-app';
import { centerFigures, type OutboxItemsView, type SettleInput, type SettlementView } from '../../../electron/api/contract/settlement';
import type { WorkItem } from '../../../electron/api/contract/shift';
import { newSession, type Session } from '../../../electron/api/session';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { checkAgreement } from '../center/national-chain-fixtures';
import { SETTLEABLE } from './fixtures';
import { openDesk, type Desk } from '../../helpers/settlement-desk';
import { callApp } from '../../helpers/app-call';
import { rowCount } from '../../helpers/db-rows';
import { z } from 'zod';
import { many, one, values } from '../../../electron/db/sql';

let desk: Desk;
let center: SandboxCenter;
let app: App;
let cashier: Session;

const AMOX = 'XJ01CAA040A001010101445'; // A
const CEFU = 'XJ01DCC040A001010101234';
const VITC = 'XA11GAA001E001010100999'; // C
const byName = (name: string) => SETTLEABLE.find((p) => p.psn_name === name)!;
const bill = (name: string, items: SettleInput['items'], extra: Partial<SettleInput['visit']> = {}): SettleInput => ({
  person: { certType: '02', certNo: byName(name).certno },
  visit: { visitType: 'outpatient', ...extra },
  items,
  useAccount: true,
});

async function settle(input: SettleInput): Promise<SettlementView> {
  const r = await callApp(app, cashier, 'settlement.settle', input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as SettlementView;
}
const view = async (id: string) => {
  const r = await callApp(app, cashier, 'settlement.get', { id });
  if (!r.ok) throw new Error(r.error.message);
  return r.value as SettlementView;
};
const ChainRow = z.object({ chain_id: z.string(), state: z.string(), mdtrt_id: z.string().nullable(), setl_id: z.string().nullable() });
const StepRow = z.object({ infno: z.string(), purpose: z.string(), state: z.string() });
const chainOf = (settlementId: string) =>
  one(app.db, 'SELECT chain_id, state, mdtrt_id, setl_id FROM national_chains WHERE settlement_id = :settlementId', { settlementId }, ChainRow);
const stepsOf = (chainId: string) => many(app.db, 'SELECT infno, purpose, state FROM national_steps WHERE chain_id = :chainId ORDER BY seq', { chainId }, StepRow);
const liveAtCenter = () => center.settlements().filter((s) => s.kind === 'settle' && s.state === 'active' && !s.cancelled_by);
const agreement = () => checkAgreement(app.db, center);

beforeAll(async () => {
  desk = await openDesk('national-window-', { flags: { centerProtocol: 'national', centerAnswerWaitSeconds: '5' } });
  ({ app, center, cashier } = desk);
  // As in the app: the worker runs (a partial refund's new chain follows its undoing at once).
  app.settlement.worker.start();
}, 60_000);

afterAll(() => desk?.close());

beforeEach(async () => {
  await center.clearFaults();
  app.settlement.configureOutbox({ backoff: { baseMs: 10, capMs: 50 }, pollMs: 20 });
});

describe('online: the window settles through the national chain', () => {
  it('settle runs 2201 → 2203 → 2204 → 2206 → 2207; the window shows the center as confirmed; one settlement at the center', async () => {
    const before = liveAtCenter().length;
    const v = await settle(bill('张伟', [{ code: AMOX, unitPrice: '12.50', quantity: '2' }, { code: CEFU, unitPrice: '28.00', quantity: '1' }]));
    expect(v.state).toBe('confirmed');
    const chain = chainOf(v.id)!;
    expect(chain.state).toBe('settled');
    // (A first 2201 may be answered 'sign in first': journaled as busy, 9001, the same msgid again.)
    expect(stepsOf(chain.chain_id).filter((s) => s.state !== 'busy').map((s) => `${s.infno}:${s.state}`)).toEqual(['2201:success', '2203:success', '2204:success', '2206:success', '2207:success']);
    const live = liveAtCenter();
    expect(live).toHaveLength(before + 1);
    // The center settled what the window did, to the fen.
    const mine = live.find((s) => s.setl_id === chain.setl_id)!;
    expect(mine.amounts.total).toBe(v.money.total);
    expect(mine.amounts.fundPay).toBe(v.money.fundPay);
    expect(agreement().problems).toEqual([]);
  });

  it('the center priced otherwise (it has the clinic at another hospital level): its 2207 figures are the record, each difference an adjustment the window shows', async () => {
    // The window settles as a level-3 hospital; the center has the institution on file as level 1.
    const v = await settle(bill('周杰', [{ code: AMOX, unitPrice: '12.50', quantity: '8' }], { hospitalLevel: 3 }));
    expect(v.state).toBe('adjusted');
    expect(v.adjustments.length).toBeGreaterThan(0);
    const chain = chainOf(v.id)!;
    const centerRow = liveAtCenter().find((s) => s.setl_id === chain.setl_id)!;
    // What the window shows as the center's figures is exactly the center's settlement.
    const shown = centerFigures(v);
    expect(shown.fundPay).toBe(centerRow.amounts.fundPay);
    expect(shown.cashPay).toBe(centerRow.amounts.cashPay);
    expect(shown.accountPay).toBe(centerRow.amounts.accountPay);
    // The local split stays as it was (the explanation's figures).
    const fund = v.adjustments.find((a) => a.field === 'fund_pay');
    if (fund) expect(fund.localAmount).toBe(v.money.fundPay);
    expect(agreement().problems).toEqual([]);
  });

  it('the center refuses an item at 2204: the chain is undone (2205, 2202), the settlement is rejected with the reason, nothing stays at the center', async () => {
    await center.setFaults({ rejectItems: { [VITC]: '目录外项目' } });
    const before = liveAtCenter().length;
    const v = await settle(bill('张伟', [{ code: VITC, unitPrice: '15.00', quantity: '1' }]));
    expect(v.state).toBe('rejected');
    const chain = chainOf(v.id)!;
    expect(chain.state).toBe('undone');
    expect(stepsOf(chain.chain_id).some((s) => s.infno === '2202' && s.purpose === 'undo')).toBe(true);
    expect(liveAtCenter()).toHaveLength(before);
    const row = app.settlement.worker.store.forSettlement(v.id)[0]!;
    expect(row.state).toBe('rejected');
    expect(row.reject_reason).toContain('目录外项目');
    expect(agreement().problems).toEqual([]);
  });

  it('the 2207 answer is lost after the center committed: the chain finds out (2601) and the settlement ends confirmed once at the center', async () => {
    await center.setFaults({ dropAfterCommit: { count: 2, infno: '2207' } });
    const before = liveAtCenter().length;
    const v = await settle(bill('李秀英', [{ code: AMOX, unitPrice: '12.50', quantity: '1' }]));
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 20_000 });
    const after = await view(v.id);
    expect(['confirmed', 'adjusted']).toContain(after.state);
    expect(liveAtCenter()).toHaveLength(before + 1);
    expect(stepsOf(chainOf(v.id)!.chain_id).map((s) => `${s.infno}:${s.state}`)).toContain('2601:success');
    expect(agreement().problems).toEqual([]);
  });

  it('refund = the chain undone 2208 → 2205 → 2202: nothing left at the center, the refund row confirmed', async () => {
    const v = await settle(bill('张伟', [{ code: AMOX, unitPrice: '12.50', quantity: '3' }]));
    expect(v.state).toBe('confirmed');
    const before = liveAtCenter().length;
    const r = await callApp(app, cashier, 'settlement.refund', { id: v.id, supervisorId: '2001', supervisorPin: '246810', reason: '患者退药' });
    if (!r.ok) throw new Error(r.error.message);
    const refund = r.value as SettlementView;
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 20_000 });
    const chain = chainOf(v.id)!;
    expect(chain.state).toBe('undone');
    expect(stepsOf(chain.chain_id).filter((s) => s.purpose === 'undo').map((s) => s.infno)).toEqual(['2208', '2205', '2202']);
    expect(liveAtCenter()).toHaveLength(before - 1);
    expect((await view(refund.id)).state).toBe('confirmed');
    expect(agreement().problems).toEqual([]);
  });

  it('partial refund = cancel + re-settle: the old chain undone, a new chain settled for the lines that stay', async () => {
    const v = await settle(bill('王芳', [{ code: AMOX, unitPrice: '12.50', quantity: '2' }, { code: CEFU, unitPrice: '28.00', quantity: '1' }]));
    const r = await callApp(app, cashier, 'settlement.partialRefund', { id: v.id, lineNos: [2], supervisorId: '2001', supervisorPin: '246810', reason: '退一项' });
    if (!r.ok) throw new Error(r.error.message);
    const { resettled } = (r as { value: unknown }).value as { refund: SettlementView; resettled: SettlementView };
    // The new chain went out right after the old one was undone, within the window's wait.
    expect(resettled.state).toBe('confirmed');
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 20_000 });
    expect(chainOf(v.id)!.state).toBe('undone');
    const next = chainOf(resettled.id)!;
    expect(next.state).toBe('settled');
    const centerRow = liveAtCenter().find((s) => s.setl_id === next.setl_id)!;
    expect(centerRow.amounts.total).toBe(2500);
    expect(agreement().problems).toEqual([]);
  });
});

describe('offline: the chain waits in the outbox as one item and is replayed in commit order', () => {
  it('offline settlements are provisional; the queue shows each chain (step, msgid) and its deadline; back online they upload and agree with the center', async () => {
    await center.setOffline(true);
    await app.center.probeNow();
    expect(app.center.isOnline()).toBe(false);
    const a = await settle(bill('张伟', [{ code: AMOX, unitPrice: '12.50', quantity: '1' }]));
    const b = await settle(bill('张伟', [{ code: CEFU, unitPrice: '28.00', quantity: '2' }]));
    const c = await settle(bill('周杰', [{ code: AMOX, unitPrice: '12.50', quantity: '4' }], { hospitalLevel: 3 }));
    for (const v of [a, b, c]) expect(v.state).toBe('provisional');
    // Each is ONE outbox item carrying its whole chain.
    const items = await callApp(app, cashier, 'outbox.items', { limit: 50 });
    if (!items.ok) throw new Error(items.error.message);
    const mine = (items.value as OutboxItemsView).items.filter((i) => [a.id, b.id, c.id].includes(i.settlementId));
    expect(mine).toHaveLength(3);
    for (const i of mine) {
      expect(i.infno).toBe('chain');
      expect(i.chain?.state).toBe('running');
      expect(i.deadlineAt > i.createdAt).toBe(true);
    }
    // A try while offline journals the step it tried (the queue names it and its msgid).
    await app.settlement.drain({ timeoutMs: 5_000 });
    const tried = await callApp(app, cashier, 'outbox.items', { limit: 50 });
    if (!tried.ok) throw new Error(tried.error.message);
    const first = (tried.value as OutboxItemsView).items.find((i) => i.settlementId === a.id)!;
    // 2201 went out (no answer), then its 2601 reversal (no answer either): the latest is named.
    expect(['2201', '2601']).toContain(first.chain?.infno);
    expect(first.chain?.msgid).toMatch(/^\w{30}$/);
    expect(stepsOf(first.chain!.chainId).map((s) => s.infno)[0]).toBe('2201');

    const before = liveAtCenter().length;
    await center.setOffline(false);
    await app.center.probeNow();
    const drained = await app.settlement.drain({ untilEmpty: true, timeoutMs: 30_000 });
    expect(drained.remaining).toBe(0);
    expect(liveAtCenter()).toHaveLength(before + 3);
    // Commit order per person: 张伟's first settlement reached the center before his second.
    const [ca, cb] = [chainOf(a.id)!, chainOf(b.id)!];
    const order = liveAtCenter().map((s) => s.setl_id);
    expect(order.indexOf(ca.setl_id!)).toBeLessThan(order.indexOf(cb.setl_id!));
    expect((await view(a.id)).state).toBe('confirmed');
    // The center's 2207 figures became the record: 周杰's level-3 settlement is adjusted.
    const vc = await view(c.id);
    expect(vc.state).toBe('adjusted');
    expect(vc.adjustments.length).toBeGreaterThan(0);
    expect(agreement().problems).toEqual([]);
  });

  it('refund of an offline settlement whose chain never left: the chain is undone without a word to the center', async () => {
    await center.setOffline(true);
    await app.center.probeNow();
    const v = await settle(bill('李秀英', [{ code: AMOX, unitPrice: '12.50', quantity: '1' }]));
    const r = await callApp(app, cashier, 'settlement.refund', { id: v.id, supervisorId: '2001', supervisorPin: '246810', reason: '未就诊' });
    expect(r.ok).toBe(true);
    await center.setOffline(false);
    await app.center.probeNow();
    const before = liveAtCenter().length;
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 20_000 });
    expect(chainOf(v.id)!.state).toBe('undone');
    expect(stepsOf(chainOf(v.id)!.chain_id).filter((s) => s.purpose === 'forward')).toEqual([]);
    expect(liveAtCenter()).toHaveLength(before);
    expect(agreement().problems).toEqual([]);
  });
});

describe('catalogue mapping at the window (对照): an unmapped line is refused before settling, never at the center', () => {
  const CSV = ['院内编码,名称,规格,单位,医保编码', `H-0001,阿莫西林胶囊,0.25g*24粒,盒,${AMOX}`, `H-0002,头孢呋辛酯片,0.25g*12片,盒,${CEFU}`, 'H-0003,阿莫西林胶囊(大包装),0.25g*24粒,盒,'].join('\r\n');
  const supervisor = '2001';
  const steps2204 = (settlementId: string) =>
    values(app.db, "SELECT body FROM national_steps WHERE chain_id = :chainId AND infno = '2204' AND state = 'success'", { chainId: `NC${settlementId}` }, z.string()).map(
      (body) => JSON.parse(body) as { feedetail: { medins_list_codg: string; med_list_codg: string }[] },
    );

  it('a clinic code with no confirmed pair: MAPPING_UNMAPPED_LINE naming the line, at preview and settle, with nothing written or sent; a confirmed one settles under its national code', async () => {
    // The center refuses a 2204 line whose pair it was never given (as a real one does).
    await center.setFaults({ requireMapping: true });
    const imported = app.mapping.importCsv(CSV, supervisor);
    expect(imported.queued).toBeGreaterThan(0);
    // Before the 3301 is answered H-0001 is "uploading": refused as well.
    const input = bill('张伟', [{ code: 'H-0002', unitPrice: '28.00', quantity: '1' }, { code: 'H-0001', unitPrice: '12.50', quantity: '2' }]);
    const early = await callApp(app, cashier, 'settlement.preview', input);
    // (Unless the background upload was quicker: then it settles below like the rest.)
    if (!early.ok) {
      expect(early.error.code).toBe('MAPPING_UNMAPPED_LINE');
      expect(early.error.message).toContain('对照上传中');
    }
    expect((await app.mapping.upload()).remaining).toBe(0);
    expect(app.mapping.nationalCodeFor('H-0001')).toBe(AMOX);

    const envelopesBefore = center.envelopes().length;
    const settlementsBefore = rowCount(app.db, 'settlements');
    const unmapped = bill('张伟', [{ code: 'H-0002', unitPrice: '28.00', quantity: '1' }, { code: 'H-0001', unitPrice: '12.50', quantity: '1' }, { code: 'H-0003', unitPrice: '12.50', quantity: '1' }]);
    for (const call of ['settlement.preview', 'settlement.settle'] as const) {
      const r = await callApp(app, cashier, call, unmapped);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe('MAPPING_UNMAPPED_LINE');
      expect(r.error.message).toContain('第 3 行（H-0003');
      expect(r.error.message).toContain('未对照');
      expect(r.error.details).toMatchObject({ lineNo: 3, code: 'H-0003', field: 'mapping', state: 'unmapped', lines: [{ lineNo: 3, code: 'H-0003', state: 'unmapped' }] });
    }
    // Found here, not at the center: nothing written, not even the person looked up.
    expect(rowCount(app.db, 'settlements')).toBe(settlementsBefore);
    expect(center.envelopes().length).toBe(envelopesBefore);

    // A code neither mapped nor in the catalogue is refused the same way (it has no national code).
    const stranger = await callApp(app, cashier, 'settlement.preview', bill('张伟', [{ code: 'H-9999', unitPrice: '1.00', quantity: '1' }]));
    expect(!stranger.ok && stranger.error.code).toBe('MAPPING_UNMAPPED_LINE');

    // The confirmed clinic code settles: priced under its national code, 2204 carrying both.
    const v = await settle(input);
    expect(v.state).toBe('confirmed');
    expect(v.lines.map((l) => l.code)).toEqual(['H-0002', 'H-0001']);
    expect(v.lines.map((l) => l.name)).toEqual(['头孢呋辛酯片', '阿莫西林胶囊']);
    const [body] = steps2204(v.id);
    expect(body!.feedetail.map((l) => `${l.medins_list_codg}>${l.med_list_codg}`)).toEqual([`H-0002>${CEFU}`, `H-0001>${AMOX}`]);
    expect(agreement().problems).toEqual([]);
  });
});

describe("online, the center's figures are the record: every difference from the local split is kept, line by line, with why", () => {
  it("the center's catalogue moved (its self-pay ratio for an item is no longer the one this window holds): 2204's line and 2207's totals differ; each difference is recorded durably and shown to the window and the supervisor", async () => {
    // The fault: the center prices 头孢呋辛酯片 (乙类) at 30 % self-paid first; the window's synced
    // table still says 10 %. (As when the center changes its catalogue before the clinic syncs.)
    const original = center.currentPolicy().catalog.find((e) => e.code === CEFU)!;
    expect(original.selfPayRatio).toBe('0.1');
    center.publishPolicyChange({ upserts: [{ ...original, selfPayRatio: '0.3' }] });
    try {
      // 周杰 is past the deductible: the fund's share moves with the line.
      const v = await settle(bill('周杰', [{ code: CEFU, unitPrice: '28.00', quantity: '2' }, { code: AMOX, unitPrice: '12.50', quantity: '1' }]));
      expect(v.state).toBe('adjusted');
      const chain = chainOf(v.id)!;
      const centerRow = liveAtCenter().find((s) => s.setl_id === chain.setl_id)!;
      // The window shows the center's figures (the record), the local split beside them.
      expect(centerFigures(v).fundPay).toBe(centerRow.amounts.fundPay);
      expect(centerFigures(v).cashPay).toBe(centerRow.amounts.cashPay);

      // Line 1 (CEFU, 56.00): the center's 30 % first self-pay against the window's 10 %.
      const line1 = v.centerDifferences.filter((d) => d.lineNo === 1);
      const pre = line1.find((d) => d.field === 'pre_self_pay')!;
      expect(pre).toMatchObject({ source: '2204', itemCode: CEFU, localFen: 560, centerFen: 1680 });
      expect(pre.why).toContain('自付比例 0.3');
      expect(line1.find((d) => d.field === 'eligible')).toMatchObject({ localFen: 5040, centerFen: 3920 });
      // Line 2 (AMOX, 甲类) is priced alike: no difference named for it.
      expect(v.centerDifferences.filter((d) => d.lineNo === 2)).toEqual([]);
      // The totals: each differing field of the 2207, local beside the center's, why = the line.
      const totals = v.centerDifferences.filter((d) => d.lineNo === 0);
      expect(totals.length).toBeGreaterThan(0);
      for (const d of totals) {
        expect(d.source).toBe('2207');
        expect(d.why).toContain(`第 1 行 ${CEFU}`);
      }
      expect(totals.map((d) => d.field)).toEqual(expect.arrayContaining(['pre_self_pay', 'eligible', 'fund_pay']));
      const camel = (f: string) => f.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()) as keyof typeof v.money;
      for (const d of totals) {
        // Local = the window's own split as written; center = the center's own settlement row.
        expect(d.localFen).toBe(v.money[camel(d.field)]);
        expect(d.centerFen).toBe((centerRow.amounts as unknown as Record<string, number>)[camel(d.field)]);
        expect(d.localFen).not.toBe(d.centerFen);
      }
      // Every total difference is also the money adjustment the reports sum (one per field).
      expect(v.adjustments.map((a) => a.field).sort()).toEqual(totals.map((d) => d.field).sort());

      // Durable: rows of their own, written in the answer's transaction.
      expect(rowCount(app.db, 'center_differences', 'settlement_id = :id', { id: v.id })).toBe(v.centerDifferences.length);

      // The supervisor's view of that settlement (the adjustment work list) names the same.
      const supervisor = newSession('test');
      expect((await callApp(app, supervisor, 'auth.login', { operatorId: '2001', pin: '246810' })).ok).toBe(true);
      const list = await callApp(app, supervisor, 'worklist.list', { list: 'adjustment' });
      if (!list.ok) throw new Error(list.error.message);
      const item = (list.value as WorkItem[]).find((w) => w.settlementId === v.id)!;
      expect(item.centerDifferences).toEqual(v.centerDifferences);
      const acted = await callApp(app, supervisor, 'worklist.act', { settlementId: v.id, list: 'adjustment', action: 'accept', note: '中心目录已调整，接受' });
      expect(acted.ok).toBe(true);
      const after = await callApp(app, supervisor, 'worklist.list', { list: 'adjustment' });
      expect(after.ok && (after.value as WorkItem[]).some((w) => w.settlementId === v.id)).toBe(false);
      expect(agreement().problems).toEqual([]);
    } finally {
      center.publishPolicyChange({ upserts: [original] });
    }
  });
});
