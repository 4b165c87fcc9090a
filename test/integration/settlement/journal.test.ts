// The settlement journal on a real app, a real SQLite file and the real sandbox center on
// 127.0.0.1: the one-transaction commit, online and offline settlements, offline limits,
// accumulators carried between offline settlements, adjusted and rejected answers, refunds
// (2208 and 2601), per-person order and a stuck item that does not block others.
import type { CallInput, CallName } from '../../../electron/api/contract';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../../electron/app/create-app';
import type { SettleInput, SettlementView } from '../../../electron/api/contract/settlement';
import { newSession, type Session } from '../../../electron/api/session';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { readYear, writeYear } from '../../../electron/center/sandbox/store';
import { combine, compact } from '../../../electron/settlement/accumulators';
import type { Accumulators } from '../../../electron/policy/split/types';
import { SETTLEABLE } from './fixtures';
import { openDesk, type Desk } from '../../helpers/settlement-desk';
import { callApp } from '../../helpers/app-call';
import { rowCount } from '../../helpers/db-rows';
import { z } from 'zod';
import { value } from '../../../electron/db/sql';

let desk: Desk;
let center: SandboxCenter;
let app: App;
let cashier: Session;
let supervisor: Session;

const byName = (name: string) => SETTLEABLE.find((p) => p.psn_name === name)!;
const bill = (name: string, items: SettleInput['items'], extra: Partial<SettleInput> = {}): SettleInput => ({
  person: { certType: '02', certNo: byName(name).certno },
  visit: { visitType: 'outpatient' },
  items,
  useAccount: true,
  ...extra,
});
const AMOX = 'XJ01CAA040A001010101445'; // A
const PARA = 'XN02BEA010A001010105555'; // A, price cap 3.50
const VITC = 'XA11GAA001E001010100999'; // C

const call = <N extends CallName>(s: Session, name: N, input: CallInput<N>) => callApp(app, s, name, input);
async function settle(input: SettleInput, s = cashier): Promise<SettlementView> {
  const r = await call(s, 'settlement.settle', input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
const count = (table: string) => rowCount(app.db, table);
const atCenter = (id: string) => center.settlements().filter((r) => r.medins_setl_id === id);
async function goOffline(offline: boolean) {
  await center.setOffline(offline);
  await app.center.probeNow();
  expect(app.center.isOnline()).toBe(!offline);
}

beforeAll(async () => {
  desk = await openDesk('settle-journal-', { flags: { offlineLimitPerSettlement: '20000', offlineLimitPerDay: '30000' }, supervisor: true });
  ({ app, center, cashier, supervisor } = desk);
}, 60_000);

afterAll(() => desk?.close());

describe('settle', () => {
  it('previews with per-line warnings and writes nothing', async () => {
    const before = count('settlements');
    const r = await call(cashier, 'settlement.preview', bill('张伟', [
      { code: PARA, unitPrice: '4.20', quantity: '2' },
      { code: VITC, unitPrice: '15.00', quantity: '1' },
    ]));
    expect(r.ok && r.value.split.total).toBe(840 + 1500);
    expect(r.ok && r.value.warnings.map((w) => [w.code, w.kind])).toEqual([[PARA, 'overLimit'], [VITC, 'classC']]);
    expect(r.ok && r.value.provisional).toBe(false);
    expect(count('settlements')).toBe(before);
  });

  it('online: commits settlement, lines, upload message, accumulators and audit together, prints, then uploads once', async () => {
    const auditBefore = count('audit_log');
    const v = await settle(bill('张伟', [{ code: AMOX, unitPrice: '12.50', quantity: '2' }, { code: VITC, unitPrice: '15.00', quantity: '1' }]));
    expect(v).toMatchObject({ online: true, provisional: false, shiftId: expect.stringMatching(/^SH-/), operatorId: '1001', policySeq: 1 });
    expect(v.money.total).toBe(4000);
    expect(v.lines.map((l) => [l.code, l.class, l.amount])).toEqual([[AMOX, 'A', 2500], [VITC, 'C', 1500]]);
    expect(v.uploads[0]!.msgid).toMatch(/^H99010000001\d{18}$/);
    expect(v.printJobId).toEqual(expect.any(Number));
    expect(app.devices.receiptPreview(v.id).join('\n')).toContain(v.id);
    const detail = value(app.db, "SELECT detail FROM audit_log WHERE action = 'settlement.settle' AND subject = :id", { id: v.id }, z.string());
    expect(JSON.parse(detail!)).toMatchObject({ total: 4000, online: true, policySeq: 1 });
    expect(count('audit_log')).toBeGreaterThan(auditBefore);

    await app.settlement.drain({ untilEmpty: true, timeoutMs: 10_000 });
    const after = app.settlement.get(v.id)!;
    expect(after.state).toBe('confirmed');
    expect(after.uploads[0]).toMatchObject({ state: 'confirmed', attempts: 1 });
    expect(atCenter(v.id)).toHaveLength(1);
    await vi.waitFor(() => expect(app.status.get().outbox.depth).toBe(0));
  });

  it('refuses without an open shift and changes nothing', async () => {
    const s = newSession('test');
    expect((await callApp(app, s, 'auth.login', { operatorId: '1002', pin: '1234' })).ok).toBe(true);
    const n = [count('settlements'), count('outbox'), count('audit_log')];
    const r = await call(s, 'settlement.settle', bill('张伟', [{ code: AMOX, unitPrice: '1', quantity: '1' }]));
    expect(r).toMatchObject({ ok: false, error: { code: 'SHIFT_NOT_OPEN' } });
    expect([count('settlements'), count('outbox'), count('audit_log')]).toEqual(n);
  });

  it('refuses an unknown item with the split engine code and changes nothing', async () => {
    const n = count('settlements');
    const r = await call(cashier, 'settlement.settle', bill('张伟', [{ code: 'NOPE', unitPrice: '1', quantity: '1' }]));
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ITEM' } });
    expect(count('settlements')).toBe(n);
  });
});

describe('offline', () => {
  it('settles provisionally, builds each offline settlement on the one before, enforces the limits, then uploads in order', async () => {
    await goOffline(true);
    try {
      await offlineDay();
    } finally {
      if (!app.center.isOnline()) await goOffline(false);
    }
  });
});

async function offlineDay() {
  {
    const p = '周杰';
    const a = await settle(bill(p, [{ code: AMOX, unitPrice: '12.50', quantity: '4' }]));
    const b = await settle(bill(p, [{ code: AMOX, unitPrice: '12.50', quantity: '6' }]));
    expect([a.online, a.provisional, a.state, a.uploads[0]!.state]).toEqual([false, true, 'provisional', 'queued']);
    expect(app.devices.receiptPreview(a.id).join('\n')).toMatch(/暂存结算/);
    const rowA = app.settlement.reader.row(a.id)!;
    const rowB = app.settlement.reader.row(b.id)!;
    // The second offline settlement starts from the first one's result, not from the stale cache.
    expect(compact(JSON.parse(rowB.accumulators_before))).toEqual(compact(JSON.parse(rowA.accumulators_after)));
    // The base of the next one (summed in SQL): the cached year plus both deltas, key by key,
    // and the cached balance less both personal-account payments.
    const cached = await app.center.lookupPerson({ certType: '02', certNo: byName(p).certno });
    expect(cached.source).toBe('cache');
    const base = app.settlement.journal.baseFor(cached, rowA.visit_date.slice(0, 4));
    const deltas = [rowA, rowB].map((r) => JSON.parse(r.accumulators_delta) as Accumulators);
    expect(compact(base.accumulators)).toEqual(compact(deltas.reduce<Accumulators>((acc, d) => combine(acc, d), cached.accumulators ?? {})));
    expect(Object.keys(compact(deltas[0]!)).length).toBeGreaterThan(0);
    expect(base.accountBalance).toBe(Math.max(0, cached.accountBalance - rowA.account_pay - rowB.account_pay));
    expect(rowA.account_pay + rowB.account_pay).toBeGreaterThan(0);
    expect(app.status.get().offlineProvisional).toBe(true);

    // Per-settlement limit 200.00 yuan: above it a supervisor must approve.
    const big = bill(p, [{ code: AMOX, unitPrice: '12.50', quantity: '20' }]);
    const refused = await call(cashier, 'settlement.settle', big);
    expect(refused).toMatchObject({ ok: false, error: { code: 'OFFLINE_LIMIT', details: { needsSupervisor: true } } });
    const notSup = await call(cashier, 'settlement.settle', { ...big, supervisorId: '1002', supervisorPin: '1234' });
    expect(notSup).toMatchObject({ ok: false, error: { code: 'SUPERVISOR_REQUIRED' } });
    const approved = await settle({ ...big, supervisorId: '2001', supervisorPin: '246810' });
    expect(app.settlement.reader.row(approved.id)!.supervisor_id).toBe('2001');
    // Day limit 300.00 yuan: 50 + 75 + 250 already offline today.
    const dayRefused = await call(cashier, 'settlement.settle', bill(p, [{ code: AMOX, unitPrice: '12.50', quantity: '1' }]));
    expect(dayRefused).toMatchObject({ ok: false, error: { code: 'OFFLINE_LIMIT' } });

    const status = await call(cashier, 'outbox.status', {});
    expect(status.ok && status.value.depth).toBe(3);

    await goOffline(false);
    const r = await app.settlement.drain({ untilEmpty: true, timeoutMs: 10_000 });
    expect(r.remaining).toBe(0);
    for (const s of [a, b, approved]) expect(app.settlement.get(s.id)!.state).toBe('confirmed');
    // The center got them in commit order, once each, and agrees on the year so far.
    const mine = center.settlements().filter((x) => x.kind === 'settle' && [a.id, b.id, approved.id].includes(x.medins_setl_id ?? ''));
    expect(mine.map((x) => x.medins_setl_id)).toEqual([a.id, b.id, approved.id]);
    const local = compact(JSON.parse(app.settlement.reader.row(approved.id)!.accumulators_after));
    expect(compact(center.personYear(byName(p).psn_no)!.accumulators)).toEqual(local);
  }
}

describe('answers from the center', () => {
  it('stores an adjusted answer beside the local split, field by field, for the supervisor', async () => {
    // 李秀英 is 100 yuan short of her deductible in our cache. A claim from another hospital
    // (written into the sandbox center's own record of her year) takes her past it there.
    const psn = byName('李秀英').psn_no;
    const year = readYear(center.db, psn)!;
    const acc = year.accumulators as Record<string, { eligible: number; fundPaid: number }>;
    const key = Object.keys(acc).find((k) => k.includes('outpatient')) ?? 'emp-outpatient';
    writeYear(center.db, psn, { ...year, accumulators: { ...acc, [key]: { eligible: (acc[key]?.eligible ?? 0) + 12000, fundPaid: acc[key]?.fundPaid ?? 0 } } }, new Date().toISOString());
    await goOffline(true);
    let v: SettlementView;
    try {
      v = await settle(bill('李秀英', [{ code: AMOX, unitPrice: '12.50', quantity: '4' }], { supervisorId: '2001', supervisorPin: '246810' }));
      expect(v.money.fundPay).toBe(0); // all of it inside the deductible, as far as we know
    } finally {
      await goOffline(false);
    }
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 10_000 });
    const after = app.settlement.get(v.id)!;
    expect(after.state).toBe('adjusted');
    expect(after.adjustments.find((a) => a.field === 'fund_pay')!.centerAmount).toBeGreaterThan(0);
    expect(after.money).toEqual(v.money); // the local record is not overwritten
    expect(after.adjustments.length).toBeGreaterThan(0);
    for (const adj of after.adjustments) {
      expect(adj.difference).toBe(adj.centerAmount - adj.localAmount);
      expect(adj.localAmount).toBe((v.money as unknown as Record<string, number>)[adj.field.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase())]);
    }
    // The supervisor's adjustment work list shows each differing field; accepting it takes the
    // item off the list, once.
    const list = await call(supervisor, 'worklist.list', { list: 'adjustment' });
    expect(list.ok && list.value.find((x) => x.settlementId === v.id)?.differences).toHaveLength(after.adjustments.length);
    expect(await call(cashier, 'worklist.list', { list: 'adjustment' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const accept = { settlementId: v.id, list: 'adjustment' as const, action: 'accept' as const, note: '已核对中心结算单' };
    expect((await call(supervisor, 'worklist.act', accept)).ok).toBe(true);
    expect(await call(supervisor, 'worklist.act', accept)).toMatchObject({ ok: false, error: { code: 'WORKITEM_NOT_OPEN' } });
  });

  it('a -1 rejection is final and goes to the supervisor with its reason', async () => {
    await center.setFaults({ rejectItems: { [VITC]: '该项目不予支付' } });
    try {
      const v = await settle(bill('刘洋', [{ code: VITC, unitPrice: '15.00', quantity: '1' }]));
      await app.settlement.drain({ untilEmpty: true, timeoutMs: 10_000 });
      const after = app.settlement.get(v.id)!;
      expect(after.state).toBe('rejected');
      expect(after.uploads[0]).toMatchObject({ state: 'rejected', attempts: 1 });
      const list = await call(supervisor, 'worklist.list', { list: 'rejection' });
      expect(list.ok && list.value.find((x) => x.settlementId === v.id)?.rejectReason).toContain('不予支付');
    } finally {
      await center.clearFaults();
    }
  });

  it('busy and lost answers are retried with the same msgid; the center keeps one settlement', async () => {
    await center.setFaults({ busy: { count: 2, infno: '2207' }, dropAfterCommit: { count: 1, infno: '2207' } });
    const v = await settle(bill('王芳', [{ code: AMOX, unitPrice: '12.50', quantity: '1' }]));
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 15_000 });
    const after = app.settlement.get(v.id)!;
    expect(after.uploads[0]).toMatchObject({ state: 'confirmed', msgid: v.uploads[0]!.msgid });
    expect(after.uploads[0]!.attempts).toBeGreaterThanOrEqual(3);
    expect(atCenter(v.id).filter((r) => r.kind === 'settle')).toHaveLength(1);
  });
});

describe('who the center is told sent it', () => {
  it('an upload sent later (offline, then a drain) names the cashier who settled, not "system"', async () => {
    await goOffline(true);
    let v: SettlementView;
    try {
      v = await settle(bill('王芳', [{ code: AMOX, unitPrice: '12.5', quantity: '1' }], { supervisorId: '2001', supervisorPin: '246810' })); // past the day's offline limit by now
    } finally {
      await goOffline(false);
    }
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 10_000 });
    const name = app.auth.listOperators().find((o) => o.id === '1001')!.name;
    const sent = center.envelopes().filter((e) => e.msgid === v.uploads[0]!.msgid);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    for (const e of sent) expect(e).toMatchObject({ infno: '2207', opter: '1001', opter_name: name });
    expect(name).not.toBe('系统');
  });
});

describe('refund', () => {
  it('needs a supervisor, is the exact negation (accumulators included), cancels with 2208 and only once', async () => {
    const p = '李秀英';
    const v = await settle(bill(p, [{ code: AMOX, unitPrice: '12.50', quantity: '3' }, { code: PARA, unitPrice: '4.20', quantity: '1' }]));
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 10_000 });
    const yearBefore = center.personYear(byName(p).psn_no)!;

    const wrongPin = await call(cashier, 'settlement.refund', { id: v.id, supervisorId: '2001', supervisorPin: '0000', reason: '患者退药' });
    expect(wrongPin.ok).toBe(false);
    const cashierOnly = await call(cashier, 'settlement.refund', { id: v.id, supervisorId: '1001', supervisorPin: '1234', reason: '患者退药' });
    expect(cashierOnly).toMatchObject({ ok: false, error: { code: 'SUPERVISOR_REQUIRED' } });

    const r = await call(cashier, 'settlement.refund', { id: v.id, supervisorId: '2001', supervisorPin: '246810', reason: '患者退药' });
    if (!r.ok) throw new Error(r.error.message);
    const refund = r.value;
    expect(refund.refundOf).toBe(v.id);
    for (const [k, amount] of Object.entries(v.money)) expect((refund.money as unknown as Record<string, number>)[k]).toBe(-amount || 0);
    expect(refund.lines.map((l) => [l.code, l.quantity, l.amount])).toEqual(v.lines.map((l) => [l.code, `-${l.quantity}`, -l.amount]));
    expect(refund.uploads[0]).toMatchObject({ kind: 'cancel', infno: '2208' });
    expect(app.settlement.get(v.id)!.state).toBe('refunded');
    const accAfter = value(app.db, 'SELECT accumulators FROM person_accumulators WHERE psn_no = :psnNo', { psnNo: byName(p).psn_no }, z.string());
    // Back to what the original settlement started from.
    expect(compact(JSON.parse(accAfter!))).toEqual(compact(JSON.parse(app.settlement.reader.row(v.id)!.accumulators_before)));

    await app.settlement.drain({ untilEmpty: true, timeoutMs: 10_000 });
    expect(app.settlement.get(refund.id)!.state).toBe('confirmed');
    const [row] = atCenter(v.id).filter((x) => x.kind === 'settle');
    expect(row!.cancelled_by).toBeTruthy();
    expect(center.personYear(byName(p).psn_no)!.balance).toBe(yearBefore.balance + v.money.accountPay);

    expect(await call(cashier, 'settlement.refund', { id: v.id, supervisorId: '2001', supervisorPin: '246810', reason: 'again' })).toMatchObject({ ok: false, error: { code: 'ALREADY_REFUNDED' } });
    expect(await call(cashier, 'settlement.refund', { id: refund.id, supervisorId: '2001', supervisorPin: '246810', reason: 'x' })).toMatchObject({ ok: false, error: { code: 'REFUND_OF_REFUND' } });
  });

  it('reverses (2601) an upload that was never answered, so the center ends with nothing', async () => {
    // The center commits the 2207 but the answer is lost; before the retry the cashier refunds.
    // (Twice: the client itself resends once at once when a kept-alive socket was reset.)
    await center.setFaults({ dropAfterCommit: { count: 2, infno: '2207' } });
    const v = await settle(bill('杨磊', [{ code: AMOX, unitPrice: '12.50', quantity: '2' }]));
    await vi.waitFor(() => expect(app.settlement.get(v.id)!.uploads[0]!.state).toBe('unknown'), { timeout: 5_000 });
    await center.clearFaults();
    expect(atCenter(v.id).filter((r) => r.state === 'active')).toHaveLength(1);

    const r = await call(cashier, 'settlement.refund', { id: v.id, supervisorId: '2001', supervisorPin: '246810', reason: '未获应答' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.uploads[0]).toMatchObject({ kind: 'reversal', infno: '2601' });
    expect(app.settlement.get(v.id)!.uploads[0]!.state).toBe('reversed');
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 10_000 });
    expect(app.settlement.get(r.value.id)!.state).toBe('confirmed');
    expect(atCenter(v.id).filter((x) => x.state === 'active')).toHaveLength(0);
  });
});

describe('outbox order', () => {
  const sup = { supervisorId: '2001', supervisorPin: '246810' }; // past today's offline limit by now
  it('keeps each person in commit order while a stuck item holds back only its own person', async () => {
    await goOffline(true);
    const a1 = await settle(bill('孙浩', [{ code: AMOX, unitPrice: '1.00', quantity: '1' }], sup));
    const a2 = await settle(bill('孙浩', [{ code: AMOX, unitPrice: '2.00', quantity: '1' }], sup));
    const b1 = await settle(bill('赵敏', [{ code: AMOX, unitPrice: '3.00', quantity: '1' }], sup));
    // a1 is stuck: its next attempt is an hour away (as after many failures).
    app.db.prepare("UPDATE outbox SET next_attempt_at = ?, attempts = 9 WHERE settlement_id = ?").run(new Date(Date.now() + 3600_000).toISOString(), a1.id);
    await goOffline(false);
    await app.settlement.drain({ timeoutMs: 10_000 });
    expect(app.settlement.get(b1.id)!.uploads[0]!.state).toBe('confirmed');
    expect(app.settlement.get(a1.id)!.uploads[0]!.state).toBe('queued');
    expect(app.settlement.get(a2.id)!.uploads[0]!.state).toBe('queued'); // waits behind a1
    const st = app.settlement.outboxStatus();
    expect(st.depth).toBe(2);
    app.db.prepare('UPDATE outbox SET next_attempt_at = ? WHERE settlement_id = ?').run(new Date(0).toISOString(), a1.id);
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 10_000 });
    const order = center.settlements().filter((x) => x.kind === 'settle' && [a1.id, a2.id].includes(x.medins_setl_id ?? ''));
    expect(order.map((x) => x.medins_setl_id)).toEqual([a1.id, a2.id]);
  });
});
