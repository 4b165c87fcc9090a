// Reconciliation, work lists and receivables against the real sandbox center on 127.0.0.1,
// with settlements made through the real settlement part (settle, upload, refund). Then
// discrepancies are injected — a settlement the center lost, a local amount that drifted, a
// settlement made by another window — and each is found, explained and acted on.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../electron/app/create-app';
import { ManualClock } from '../../../electron/app/clock';
import type { DiscrepancyView } from '../../../electron/api/contract/shift';
import type { SettleInput, SettlementView } from '../../../electron/api/contract/settlement';
import { newSession, type Session } from '../../../electron/api/session';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { tempDir } from '../../helpers/temp-app';
import { openClient, prepareClient, randomBill, rng, SETTLEABLE, startCenter } from '../settlement/fixtures';
import { callApp, callOk, callCode } from '../../helpers/app-call';
import { fenColumn, many, one, value, values } from '../../../electron/db/sql';
import { z } from 'zod';

const DAY = '2026-03-16';
let dir: string;
let clock: ManualClock;
let center: SandboxCenter;
let app: App;
let other: App;

const call = callOk;
const callErr = callCode;
async function session(a: App, id: string, pin: string): Promise<Session> {
  const s = newSession('test');
  await call(a, s, 'auth.login', { operatorId: id, pin });
  return s;
}
const cashier = () => session(app, '1001', '1234');
const supervisor = () => session(app, '2001', '246810');
async function settle(a: App, input: SettleInput): Promise<SettlementView> {
  return call(a, await session(a, '1001', '1234'), 'settlement.settle', input);
}
async function drain(a: App): Promise<void> {
  await a.settlement.drain({ untilEmpty: true, timeoutMs: 15_000 });
}
const SettlementFigures = z.object({
  id: z.string(),
  state: z.string(),
  total: fenColumn,
  fund: fenColumn,
  account: fenColumn,
  cash: fenColumn,
  center_setl_id: z.string().nullable(),
  insutype: z.string(),
  refund_of: z.string().nullable(),
});
const row = (id: string) =>
  one(
    app.db,
    'SELECT id, state, total, fund_pay + critical_illness_pay AS fund, account_pay AS account, cash_pay AS cash, center_setl_id, insutype, refund_of FROM settlements WHERE id = :id',
    { id },
    SettlementFigures,
  )!;
/** The msgids of a settlement's uploads (each re-upload is a new one). */
const uploadMsgids = (id: string) => values(app.db, "SELECT msgid FROM outbox WHERE settlement_id = :id AND kind = 'upload'", { id }, z.string());

const settled: SettlementView[] = [];
let refunded: SettlementView;
let lost: SettlementView;
let drifted: SettlementView;
let elsewhere: SettlementView;
let rejected: SettlementView;
let adjustedId: string;

beforeAll(async () => {
  dir = tempDir('shift-reconcile-');
  clock = new ManualClock(new Date(`${DAY}T10:00:00+08:00`));
  center = await startCenter(join(dir, 'center'), clock);
  app = await openClient({ dataDir: join(dir, 'client'), centerUrl: center.url, clock });
  await prepareClient(app);
  app.settlement.configureOutbox({ backoff: { baseMs: 10, capMs: 50 }, pollMs: 20 });

  // A morning of ordinary settlements, all uploaded and answered.
  const r = rng(8);
  for (let i = 0; i < 14; i++) settled.push(await settle(app, randomBill(r, i % SETTLEABLE.length)));
  await drain(app);
  // One refunded (2208 at the center).
  refunded = settled[3]!;
  await call(app, await cashier(), 'settlement.refund', { id: refunded.id, supervisorId: '2001', supervisorPin: '246810', reason: '患者取消' });
  await drain(app);
}, 120_000);

afterAll(async () => {
  await other?.close();
  await app?.close();
  await center?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('reconciliation with the sandbox center', () => {
  it('a clean day matches on 3201 totals, and the totals equal the center’s own records', async () => {
    const res = await call(app, await supervisor(), 'reconcile.run', { from: DAY, to: DAY });
    expect(res.result).toBe('match');
    expect(res.discrepancies).toEqual([]);
    expect(res.detailRows).toBe(0); // no 3202 when the totals agree
    // Independent sums: the sandbox's own store, per insutype.
    const rows = center.settlements().filter((s) => s.state === 'active' && s.setl_date === DAY);
    for (const g of res.groups) {
      const mine = rows.filter((s) => s.insutype === g.insutype);
      expect(g.local.count).toBe(mine.length);
      expect(g.local.total).toBe(mine.reduce((a, s) => a + s.amounts.total, 0));
      expect(g.local.fund).toBe(mine.reduce((a, s) => a + s.amounts.fundPay + s.amounts.criticalIllnessPay, 0));
      expect(g.local.account).toBe(mine.reduce((a, s) => a + s.amounts.accountPay, 0));
      expect(g.center).toEqual({ count: g.local.count, total: g.local.total, fund: g.local.fund, account: g.local.account });
    }
    // The refund and its cancel row are both counted.
    expect(res.groups.reduce((a, g) => a + g.local.count, 0)).toBe(15);
  });

  it('injected discrepancies are found by 3202, explained, and acted on', async () => {
    // 1. A settlement the center lost: made offline, then (injected) marked as accepted under a
    //    center id the center never issued.
    await center.setOffline(true);
    await app.center.probeNow();
    lost = await settle(app, randomBill(rng(99), 1));
    expect(lost.provisional).toBe(true);
    app.db.prepare("UPDATE outbox SET state = 'confirmed', resolved_at = ? WHERE settlement_id = ?").run(clock.now().toISOString(), lost.id);
    app.db.prepare("UPDATE settlements SET state = 'confirmed', center_setl_id = 'STLOST00000001' WHERE id = ?").run(lost.id);
    await center.setOffline(false);
    await app.center.probeNow();
    // 2. A local amount that drifted by 1.00 yuan (fund share).
    drifted = settled[5]!;
    app.db.prepare('UPDATE settlements SET total = total + 100, fund_pay = fund_pay + 100 WHERE id = ?').run(drifted.id);
    // 3. A settlement made by another window of the clinic (another database, same center). Its
    //    clock reads a later hour: message ids are institution + second + sequence, and two
    //    installations frozen on the same second would share them (the center would replay).
    other = await openClient({ dataDir: join(dir, 'other'), centerUrl: center.url, clock: new ManualClock(new Date(`${DAY}T15:00:00+08:00`)) });
    await prepareClient(other);
    other.settlement.configureOutbox({ backoff: { baseMs: 10, capMs: 50 }, pollMs: 20 });
    elsewhere = await settle(other, randomBill(rng(7), 2));
    await drain(other);
    const elsewhereCenterId = value(other.db, 'SELECT center_setl_id FROM settlements WHERE id = :id', { id: elsewhere.id }, z.string())!;

    const sup = await supervisor();
    const res = await call(app, sup, 'reconcile.run', { from: DAY, to: DAY });
    expect(res.result).toBe('mismatch');
    expect(res.groups.some((g) => !g.match)).toBe(true);
    expect(res.detailRows).toBeGreaterThan(0);
    const byKind = (k: DiscrepancyView['kind']) => res.discrepancies.filter((d) => d.kind === k);
    expect(res.discrepancies).toHaveLength(3);
    expect(byKind('only_local').map((d) => d.settlementId)).toEqual([lost.id]);
    const drift = byKind('amount_differs')[0]!;
    expect(drift.settlementId).toBe(drifted.id);
    const d0 = row(drifted.id);
    expect(drift.local).toEqual({ total: d0.total, fund: d0.fund, account: d0.account });
    expect(drift.center).toEqual({ total: d0.total - 100, fund: d0.fund - 100, account: d0.account });
    const only = byKind('only_center')[0]!;
    expect(only.centerSetlId).toBe(elsewhereCenterId);
    expect(only.settlementId).toBe(elsewhere.id); // the other window's id, unknown here
    for (const d of res.discrepancies) expect(d.advice.length).toBeGreaterThan(10);
    // The window words the advice from its code, in its own language (the CLI keeps the words).
    expect(res.discrepancies.map((d) => `${d.kind}:${d.adviceCode}`).sort()).toEqual(['amount_differs:amount_differs', 'only_center:only_center', 'only_local:only_local']);

    // Over a range, the difference is pinned to its day: 3202 is asked for that day only.
    const wide = await call(app, sup, 'reconcile.run', { from: '2026-03-12', to: DAY });
    expect([...new Set(wide.groups.flatMap((g) => g.mismatchedDays))]).toEqual([DAY]);
    expect(wide.discrepancies.map((d) => d.id).sort()).toEqual(res.discrepancies.map((d) => d.id).sort());

    // Running again does not duplicate open findings.
    const again = await call(app, sup, 'reconcile.run', { from: DAY, to: DAY });
    expect(again.discrepancies.map((d) => d.id).sort()).toEqual(res.discrepancies.map((d) => d.id).sort());

    // Actions: a note is required; a center-only row cannot be re-uploaded from here.
    expect(await callErr(app, sup, 'reconcile.resolve', { id: only.id, action: 'resolve', note: '' })).toBe('INVALID_INPUT');
    expect(await callErr(app, sup, 'reconcile.resolve', { id: only.id, action: 'reupload', note: '试试' })).toBe('REUPLOAD_NOT_POSSIBLE');
    expect(await callErr(app, await cashier(), 'reconcile.resolve', { id: only.id, action: 'resolve', note: '无权' })).toBe('FORBIDDEN');
    const resolved = await call(app, sup, 'reconcile.resolve', { id: only.id, action: 'resolve', note: '二号窗口所收，已核实' });
    expect(resolved.state).toBe('resolved');
    await call(app, sup, 'reconcile.resolve', { id: drift.id, action: 'resolve', note: '本地记录被改动，以中心为准' });

    // Re-upload the lost one: a NEW 2207 message; the center now has it.
    const lostFinding = byKind('only_local')[0]!;
    const msgidsBefore = uploadMsgids(lost.id);
    const re = await call(app, sup, 'reconcile.resolve', { id: lostFinding.id, action: 'reupload', note: '中心无此笔，重新上传' });
    expect(re.state).toBe('reupload_requested');
    const msgidsAfter = uploadMsgids(lost.id);
    expect(msgidsAfter).toHaveLength(msgidsBefore.length + 1);
    expect(msgidsBefore).not.toContain(msgidsAfter[msgidsAfter.length - 1]);
    await drain(app);
    expect(center.settlements().filter((s) => s.medins_setl_id === lost.id)).toHaveLength(1);
    expect(row(lost.id).center_setl_id).not.toBe('STLOST00000001');

    // The next run: the re-uploaded one is matched (finding closed by the system); the two
    // acknowledged findings stay acknowledged and are not raised again.
    const third = await call(app, sup, 'reconcile.run', { from: DAY, to: DAY });
    expect(third.discrepancies).toEqual([]);
    const all = await call(app, sup, 'reconcile.discrepancies', { state: 'all' });
    expect(all).toHaveLength(3);
    expect(all.find((d) => d.id === lostFinding.id)).toMatchObject({ state: 'resolved', actedBy: 'system' });
    const actions = values(app.db, "SELECT action FROM audit_log WHERE action LIKE 'reconcile.%'", {}, z.string());
    expect(actions).toEqual(expect.arrayContaining(['reconcile.run', 'reconcile.resolve', 'reconcile.reupload']));
  });

  it('a center that cannot be reached fails the run clearly and records it', async () => {
    await center.setOffline(true);
    expect(await callErr(app, await supervisor(), 'reconcile.run', { from: DAY, to: DAY })).toBe('CENTER_UNREACHABLE');
    await center.setOffline(false);
    expect(app.db.prepare("SELECT count(*) FROM reconciliation_runs WHERE result = 'failed'").pluck().get()).toBe(1);
  });

  it('a center answering busy is asked again; one busy all along fails the run with CENTER_BUSY', async () => {
    const sup = await supervisor();
    const calm = await call(app, sup, 'reconcile.run', { from: DAY, to: DAY });
    // Two busy answers to the totals query: asked again, the run comes out as without them.
    await center.setFaults({ busy: { count: 2, infno: '3201' } });
    const res = await call(app, sup, 'reconcile.run', { from: DAY, to: DAY });
    expect(center.faults.busy?.count).toBe(0);
    expect(res.groups).toEqual(calm.groups);
    expect(res.result).toBe(calm.result);
    // Busy on every try: the run fails with the code and a Chinese message, and is recorded.
    await center.setFaults({ busy: { count: -1, infno: '3201' } });
    try {
      const r = await callApp(app, sup, 'reconcile.run', { from: DAY, to: DAY });
      expect(r).toMatchObject({ ok: false, error: { code: 'CENTER_BUSY', details: { attempts: 4 } } });
      expect(!r.ok && r.error.message).toMatch(/中心繁忙/);
    } finally {
      await center.setFaults({ busy: null });
    }
    expect(app.db.prepare("SELECT count(*) FROM reconciliation_runs WHERE result = 'failed'").pluck().get()).toBe(2);
  });
});

describe('work lists', () => {
  it('a rejection shows the center’s reason; refund needs the refund first; write-off and correct-and-reupload are audited', async () => {
    const bill = randomBill(rng(3), 0);
    const code = bill.items[0]!.code;
    await center.setFaults({ rejectItems: { [code]: '该项目不予支付（测试）' } });
    rejected = await settle(app, bill);
    await drain(app);
    expect(row(rejected.id).state).toBe('rejected');
    const sup = await supervisor();
    const list = await call(app, sup, 'worklist.list', { list: 'rejection' });
    const item = list.find((w) => w.settlementId === rejected.id)!;
    expect(item.rejectReason).toContain('不予支付');
    expect(await callErr(app, sup, 'worklist.act', { settlementId: rejected.id, list: 'rejection', action: 'refund', note: '退给患者' })).toBe('REFUND_FIRST');
    expect(await callErr(app, sup, 'worklist.act', { settlementId: rejected.id, list: 'rejection', action: 'accept', note: 'x' })).toBe('ACTION_NOT_ALLOWED');
    // Fix at the center side (the item is payable after all) and upload again.
    await center.clearFaults();
    const acted = await call(app, sup, 'worklist.act', { settlementId: rejected.id, list: 'rejection', action: 'correct_reupload', note: '目录已更正，重新上传' });
    expect(acted.lastAction).toMatchObject({ action: 'correct_reupload', operatorId: '2001' });
    await drain(app);
    expect(['confirmed', 'adjusted']).toContain(row(rejected.id).state);
    expect((await call(app, sup, 'worklist.list', { list: 'rejection' })).map((w) => w.settlementId)).not.toContain(rejected.id);
    expect(app.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'worklist.rejection.correct_reupload' AND subject = ?").pluck().get(rejected.id)).toBe(1);
  });

  it('an adjustment lists the differing fields and is accepted with a note', async () => {
    // Injected: the center's answer for one upload differed in the fund share.
    const s = settled.slice(6).find((x) => row(x.id).fund > 100)!;
    adjustedId = s.id;
    const up = value(app.db, "SELECT id FROM outbox WHERE settlement_id = :id AND kind = 'upload'", { id: s.id }, z.number().int())!;
    const local = row(s.id);
    app.db.prepare('INSERT INTO adjustments (settlement_id, outbox_id, field, local_amount, center_amount, difference, created_at) VALUES (?,?,?,?,?,?,?)').run(s.id, up, 'fund_pay', local.fund, local.fund - 50, -50, clock.now().toISOString());
    const sup = await supervisor();
    const item = (await call(app, sup, 'worklist.list', { list: 'adjustment' })).find((w) => w.settlementId === s.id)!;
    expect(item.differences).toEqual([{ field: 'fund_pay', local: local.fund, center: local.fund - 50, difference: -50 }]);
    await call(app, sup, 'worklist.act', { settlementId: s.id, list: 'adjustment', action: 'accept', note: '以中心为准' });
    expect((await call(app, sup, 'worklist.list', { list: 'adjustment' })).map((w) => w.settlementId)).not.toContain(s.id);
    expect(await callErr(app, sup, 'worklist.act', { settlementId: s.id, list: 'adjustment', action: 'accept', note: '再来' })).toBe('WORKITEM_NOT_OPEN');
  });
});

describe('receivables from 3301 notices', () => {
  it('status, totals and aging equal sums computed from the journal and the notices', async () => {
    const cid = (id: string) => row(id).center_setl_id!;
    const owedOf = (id: string) => {
      const r = row(id);
      const adj = value(app.db, "SELECT coalesce(sum(difference), 0) FROM adjustments WHERE settlement_id = :id AND field IN ('fund_pay','critical_illness_pay','account_pay')", { id }, fenColumn)!;
      return r.fund + r.account + adj;
    };
    // Settlements the fund owes something for (some bills were paid all in cash), untouched above.
    const touched = new Set([refunded.id, drifted.id, adjustedId]);
    const candidates = settled.filter((s) => !touched.has(s.id) && owedOf(s.id) > 100);
    expect(candidates.length).toBeGreaterThanOrEqual(4);
    const [paid, part, ded, rej] = candidates as [SettlementView, SettlementView, SettlementView, SettlementView];
    center.emitNotices({ type: 'paid', setlId: cid(paid.id), amount: owedOf(paid.id) });
    center.emitNotices({ type: 'paid', setlId: cid(part.id), amount: 100 });
    center.emitNotices({ type: 'paid', setlId: cid(ded.id), amount: owedOf(ded.id) - 30 });
    center.emitNotices({ type: 'deducted', setlId: cid(ded.id), amount: 30, reason: '超量开药扣款' });
    center.emitNotices({ type: 'rejected', setlId: cid(rej.id), amount: owedOf(rej.id), reason: '不符合支付规定' });

    // 45 days later.
    clock.set(new Date(`2026-04-30T10:00:00+08:00`));
    const sup = await supervisor();
    const sum = await call(app, sup, 'receivables.summary', { fetch: true, limit: 1000 });
    expect(sum.notices.error).toBeNull();
    expect(sum.notices.fetched).toBe(5);

    // Independent: every settlement the clinic advanced money for.
    const rows = many(app.db, "SELECT id, created_day FROM settlements WHERE refund_of IS NULL AND state IN ('provisional','confirmed','adjusted')", {}, z.object({ id: z.string(), created_day: z.string() }));
    const owed = rows.map((r) => ({ ...r, owed: owedOf(r.id) })).filter((r) => r.owed !== 0);
    const totalOwed = owed.reduce((a, r) => a + r.owed, 0);
    expect(sum.totals.owed).toBe(totalOwed);
    expect(sum.totals.paid).toBe(owedOf(paid.id) + 100 + owedOf(ded.id) - 30);
    expect(sum.totals.deducted).toBe(30);
    expect(sum.totals.rejected).toBe(owedOf(rej.id));
    expect(sum.totals.outstanding).toBe(totalOwed - sum.totals.paid - 30 - owedOf(rej.id));
    const status = (id: string) => sum.rows.find((r) => r.settlementId === id)?.status;
    expect(status(paid.id)).toBeUndefined(); // fully paid: nothing outstanding
    expect(status(part.id)).toBe('partly_paid');
    expect(status(rej.id)).toBe('rejected');
    expect(sum.totals.count).toBe(owed.length);
    expect(Object.values(sum.byStatus).reduce((a, x) => a + x.count, 0)).toBe(owed.length);
    expect(Object.values(sum.byStatus).reduce((a, x) => a + x.outstanding, 0)).toBe(sum.totals.outstanding);
    // Oldest first, and every row listed is open or rejected.
    expect(sum.rows.length).toBe(owed.length - 2); // the fully paid and the deducted-and-settled carry nothing
    expect(sum.byStatus.paid?.count).toBe(1);
    expect(sum.byStatus.deducted?.count).toBe(1);
    expect(sum.byStatus.rejected?.count).toBe(1);
    // Everything was settled on 03-16: 45 days old.
    expect(sum.rows.every((r) => r.ageDays === 45)).toBe(true);
    const openCount = owed.length - 3; // paid, deducted-and-settled, rejected carry nothing outstanding
    expect(sum.aging).toEqual([
      { bucket: '0-30', count: 0, outstanding: 0 },
      { bucket: '31-60', count: openCount, outstanding: sum.totals.outstanding },
      { bucket: '61-90', count: 0, outstanding: 0 },
      { bucket: '90+', count: 0, outstanding: 0 },
    ]);

    // Fetching again reads nothing new (the cursor is kept).
    const again = await call(app, sup, 'receivables.summary', { fetch: true, limit: 10 });
    expect(again.notices.fetched).toBe(0);
    expect(again.totals).toEqual(sum.totals);
  });
});
