// Issue 13 at the cash desk, on a real app, a real SQLite file and the real sandbox center on
// 127.0.0.1: the cash the patient hands over is recorded with the settlement (short is refused,
// nothing written), the receipt shows it with the change and the account balance before/after;
// a self-pay (自费) settlement is all cash, never reaches the center (no envelope, not in its
// store, also after a refund), is left out of the offline limit and of reconciliation, and is
// counted in every shift figure (X report, CSV, printed report).
import type { CallInput, CallName } from '../../../electron/api/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../electron/app/create-app';
import type { SettleInput, SettlementView } from '../../../electron/api/contract/settlement';
import type { Session } from '../../../electron/api/session';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { DEMO_PERSONS } from '../../../electron/center/sandbox/demo-persons';
import { chinaDate } from '../../../electron/app/clock';
import { fenToYuan } from '../../../electron/api/money';
import { SETTLEABLE } from './fixtures';
import { openDesk, type Desk } from '../../helpers/settlement-desk';
import { callApp } from '../../helpers/app-call';
import { rowCount } from '../../helpers/db-rows';
import { fenColumn, value } from '../../../electron/db/sql';

let desk: Desk;
let center: SandboxCenter;
let app: App;
let cashier: Session;
let supervisor: Session;

const AMOX = 'XJ01CAA040A001010101445';
const zhang = SETTLEABLE.find((p) => p.psn_name === '张伟')!;
const ZHANG_BALANCE = 234567; // the sandbox's demo person 张伟: ¥2,345.67 in the personal account
const suspended = DEMO_PERSONS.find((p) => p.psn_name === '陈静')!;
/** A resident ID the sandbox center does not know (not insured). */
const UNINSURED = '110101199003070011';

const bill = (extra: Partial<SettleInput> = {}): SettleInput => ({
  person: { certType: '02', certNo: zhang.certno },
  visit: { visitType: 'outpatient' },
  items: [{ code: AMOX, unitPrice: '12.50', quantity: '2' }],
  useAccount: true,
  ...extra,
});
const count = (table: string) => rowCount(app.db, table);
/** Messages that would tell the center about a settlement: 2207 upload, 2208 cancel, 2601 reversal. */
const settlementEnvelopes = () => center.envelopes().filter((e) => ['2207', '2208', '2601'].includes(e.infno)).length;

const call = <N extends CallName>(s: Session, name: N, input: CallInput<N>) => callApp(app, s, name, input);
async function settle(input: SettleInput): Promise<SettlementView> {
  const r = await call(cashier, 'settlement.settle', input);
  if (!r.ok) throw new Error(`settle failed: ${r.error.code}`);
  return r.value;
}
async function receiptText(id: string): Promise<string> {
  const r = await call(cashier, 'device.receiptPreview', { settlementId: id });
  if (!r.ok) throw new Error(`receipt: ${r.error.code}`);
  return r.value.join('\n');
}

beforeAll(async () => {
  desk = await openDesk('self-pay-', { flags: { offlineLimitPerDay: '5000' }, supervisor: true });
  ({ app, center, cashier, supervisor } = desk);
}, 60_000);

afterAll(() => desk?.close());

describe('cash received in the confirm step', () => {
  it('less than the cash due is refused with the amounts, and nothing is written', async () => {
    const preview = await call(cashier, 'settlement.preview', bill({ useAccount: false }));
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    const due = preview.value.split.cashPay;
    expect(due).toBeGreaterThan(0);
    const before = { s: count('settlements'), o: count('outbox'), p: count('print_jobs') };
    const r = await call(cashier, 'settlement.settle', bill({ useAccount: false, cashReceived: due - 1 }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('CASH_RECEIVED_SHORT');
    expect(r.error.details).toMatchObject({ due: expect.stringMatching(/^\d+\.\d\d$/), received: expect.stringMatching(/^\d+\.\d\d$/) });
    expect({ s: count('settlements'), o: count('outbox'), p: count('print_jobs') }).toEqual(before);
  });

  it('is recorded with the change and the account balance before / after, and printed on the receipt', async () => {
    const v = await settle(bill({ cashReceived: 10000 }));
    expect(v.selfPay).toBe(false);
    expect(v.cashReceived).toBe(10000);
    expect(v.change).toBe(10000 - v.money.cashPay);
    expect(v.accountBalanceBefore).toBe(ZHANG_BALANCE);
    expect(v.accountBalanceAfter).toBe(ZHANG_BALANCE - v.money.accountPay);
    expect(v.money.accountPay).toBeGreaterThan(0);
    const again = await call(cashier, 'settlement.get', { id: v.id });
    expect(again.ok && again.value.cashReceived).toBe(10000);
    const text = await receiptText(v.id);
    expect(text).toContain('实收现金');
    expect(text).toContain('100.00');
    expect(text).toContain('找零');
    expect(text).toContain('账户余额 结算前');
    expect(text).toContain('账户余额 结算后');
    expect(text).toMatch(new RegExp(`账户余额 结算后 +${((ZHANG_BALANCE - v.money.accountPay) / 100).toFixed(2)}`));
    // The next preview starts from the balance after.
    const next = await call(cashier, 'settlement.preview', bill());
    expect(next.ok && next.value.accountBalanceBefore).toBe(ZHANG_BALANCE - v.money.accountPay);
  });
});

describe('self-pay (自费)', () => {
  let uninsured: SettlementView;

  it('a person the center does not know: the whole bill in cash, recorded without any upload', async () => {
    // The center really does not know this number.
    const look = await call(cashier, 'center.lookupPerson', { certType: '02', certNo: UNINSURED });
    expect(look.ok).toBe(false);
    const envelopes = settlementEnvelopes();
    const outbox = count('outbox');
    uninsured = await settle(bill({
      person: { certType: '02', certNo: UNINSURED },
      items: [{ code: AMOX, unitPrice: '12.50', quantity: '2' }, { code: 'NOT-IN-CATALOG-1', name: '自购敷料', unitPrice: '3.33', quantity: '3' }],
      selfPay: true,
      patientName: '路人甲',
      cashReceived: 5000,
    }));
    expect(uninsured.selfPay).toBe(true);
    expect(uninsured.state).toBe('confirmed');
    expect(uninsured.provisional).toBe(false);
    expect(uninsured.insuranceType).toBe('self_pay');
    expect(uninsured.psnName).toBe('路人甲');
    expect(uninsured.money).toMatchObject({ total: 3499, cashPay: 3499, fundPay: 0, criticalIllnessPay: 0, accountPay: 0 });
    expect(uninsured.cashReceived).toBe(5000);
    expect(uninsured.change).toBe(1501);
    expect(uninsured.uploads).toEqual([]);
    expect(count('outbox')).toBe(outbox);
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 5000 });
    expect(settlementEnvelopes()).toBe(envelopes);
    expect(center.settlements().some((s) => s.medins_setl_id === uninsured.id)).toBe(false);
  });

  it('its own receipt: titled 自费, the cash received and change, never a fund share', async () => {
    const text = await receiptText(uninsured.id);
    expect(text).toContain('自费收费单');
    expect(text).not.toContain('医保结算单');
    expect(text).toContain('现金支付（自费）');
    expect(text).toContain('34.99');
    expect(text).toContain('实收现金');
    expect(text).toContain('15.01');
    for (const fund of ['统筹', '大病保险', '个人账户支付', '账户余额']) expect(text).not.toContain(fund);
  });

  it('a suspended person, and while the center is offline: still self-pay, outside the offline limit', async () => {
    await center.setOffline(true);
    await app.center.probeNow();
    expect(app.center.isOnline()).toBe(false);
    const day = chinaDate(app.clock.now());
    const offlineTotal = () => value(app.db, 'SELECT coalesce(sum(total), 0) FROM offline_day_totals WHERE day = :day', { day }, fenColumn);
    const before = offlineTotal();
    // ¥60 is over this app's offline day limit (¥50): a self-pay puts no fund money at risk.
    const v = await settle(bill({
      person: { certType: '02', certNo: suspended.certno },
      items: [{ code: AMOX, unitPrice: '12.00', quantity: '5' }],
      selfPay: true,
      patientName: suspended.psn_name,
    }));
    expect(v.selfPay).toBe(true);
    expect(v.online).toBe(false);
    expect(v.provisional).toBe(false);
    expect(v.cashReceived).toBeNull();
    expect(offlineTotal()).toBe(before);
    await center.setOffline(false);
    await app.center.probeNow();
  });

  it('a refund gives the cash back and sends nothing to the center', async () => {
    const envelopes = settlementEnvelopes();
    const r = await call(cashier, 'settlement.refund', { id: uninsured.id, supervisorId: '2001', supervisorPin: '246810', reason: '患者退药' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.selfPay).toBe(true);
    expect(r.value.refundOf).toBe(uninsured.id);
    expect(r.value.money.cashPay).toBe(-3499);
    expect(r.value.uploads).toEqual([]);
    expect(r.value.state).toBe('confirmed');
    expect(await receiptText(r.value.id)).toContain('自费退费单');
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 5000 });
    expect(settlementEnvelopes()).toBe(envelopes);
  });

  it('is counted in every shift figure and is not expected at the center by reconciliation', async () => {
    // One more self-pay that stays (the first was refunded).
    const kept = await settle(bill({ items: [{ code: AMOX, unitPrice: '12.50', quantity: '4' }], selfPay: true, patientName: '张伟', cashReceived: 5000 }));
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 10_000 });
    const x = await call(cashier, 'shift.xreport', {});
    expect(x.ok).toBe(true);
    if (!x.ok) return;
    const f = x.value.figures;
    const selfPay = f.byInsuranceType.self_pay!;
    // Three self-pay rows (uninsured, suspended, kept) and one refund of the first.
    expect(selfPay).toMatchObject({ count: 3, refundCount: 1, fund: 0, critical: 0, account: 0 });
    expect(selfPay.cash).toBe(6000 + kept.money.cashPay);
    expect(f.byState.self_pay!.cash).toBe(6000 + kept.money.cashPay - 3499);
    // The shift's cash is the sum of every row's cash, self-pay included.
    const cash = value(app.db, 'SELECT coalesce(sum(cash_pay), 0) FROM settlements WHERE shift_id = :shiftId', { shiftId: x.value.shift.id }, fenColumn);
    expect(f.all.cash).toBe(cash);
    expect(f.cash.settlementCash).toBe(cash);

    const csv = await call(cashier, 'shift.exportReport', { shiftId: x.value.shift.id, format: 'csv' });
    expect(csv.ok).toBe(true);
    if (!csv.ok) return;
    const text = Buffer.from(csv.value.base64, 'base64').toString('utf8');
    const line = text.split('\r\n').find((l) => l.startsWith('insurance_type,self_pay,'));
    const y = (fen: number) => fenToYuan(fen);
    const net = 6000 + kept.money.cashPay;
    expect(line).toBe(['insurance_type', 'self_pay', '自费', '3', '1', y(net + 3499), y(-3499), y(net), '0.00', '0.00', '0.00', y(net)].join(','));
    const printed = await call(cashier, 'shift.printReport', { shiftId: x.value.shift.id });
    expect(printed.ok && printed.value.lines.some((l) => l.includes('自费'))).toBe(true);

    const day = chinaDate(app.clock.now());
    const rec = await call(supervisor, 'reconcile.run', { from: day, to: day });
    expect(rec.ok).toBe(true);
    if (!rec.ok) return;
    expect(rec.value.discrepancies.filter((d) => [uninsured.id, kept.id].includes(d.settlementId ?? ''))).toEqual([]);
    expect(rec.value.result).toBe('match');
  });
});
