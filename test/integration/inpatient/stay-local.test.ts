// The hospital window's flow on a real app and a real SQLite file (issue 19, docs/INPATIENT.md),
// the window offline (the persons looked up once at the real HTTP sandbox center, then from the
// cache, as the window's settle does; stay-center.test.ts is the same flow online): admission, deposits (cash and card, a
// refund, the receipt printed), fee batches from a HIS bill and typed at the window (with the
// refusals), the local estimate, discharge, settlement into ONE journal row netting the deposits,
// the shift's expected cash, the cancel (2305) bringing it all back, and every step queued for
// the center in the stay's commit order.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallInput, CallName } from '../../../electron/api/contract';
import type { StayView } from '../../../electron/api/contract/inpatient';
import { newSession, type Session } from '../../../electron/api/session';
import { chinaDate } from '../../../electron/app/clock';
import type { App } from '../../../electron/app/create-app';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { renderShiftReportLines } from '../../../electron/shift/report-lines';
import { callApp, callCode, callOk } from '../../helpers/app-call';
import { tempDir } from '../../helpers/temp-app';
import { rowCount } from '../../helpers/db-rows';
import { value } from '../../../electron/db/sql';
import { z } from 'zod';
import { openClient, prepareClient, SETTLEABLE, startCenter } from '../settlement/fixtures';

let dir: string;
let center: SandboxCenter;
let app: App;
let cashier: Session;
let supervisor: Session;

const NURSING = '120100001000000'; // 一级护理, class A service
const BLOOD = '250101015000000'; // 血常规, class A
const wang = SETTLEABLE.find((p) => p.psn_name === '王芳')!; // resident, no personal account
const zhang = SETTLEABLE.find((p) => p.psn_name === '张伟')!;

const ok = <N extends CallName>(s: Session, name: N, input: CallInput<N>) => callOk(app, s, name, input);
const code = <N extends CallName>(s: Session, name: N, input: CallInput<N>) => callCode(app, s, name, input);
const admission = { department: { code: 'NK', name: '内科' }, ward: '三病区', bed: '12', doctor: { code: 'D01', name: '李医生' }, diagnoses: ['J18.9'], hospitalLevel: 1 };
const steps = (s: StayView) => s.uploads.map((u) => u.kind);
const expectedCash = () => app.shift.shifts.report(app.shift.currentShiftId('1001')!).figures.cash.expected!;

beforeAll(async () => {
  dir = tempDir('inpt-local-');
  center = await startCenter(join(dir, 'center'));
  app = await openClient({ dataDir: join(dir, 'client'), centerUrl: center.url });
  await prepareClient(app);
  cashier = newSession('test');
  supervisor = newSession('test');
  expect((await callApp(app, cashier, 'auth.login', { operatorId: '1001', pin: '1234' })).ok).toBe(true);
  expect((await callApp(app, supervisor, 'auth.login', { operatorId: '2001', pin: '246810' })).ok).toBe(true);
  if (!app.shift.currentShiftId('2001')) app.shift.shifts.open('2001', [{ denomination: 10000, count: 1 }]);
  // Offline from here on: every step stays queued for the center.
  await center.setOffline(true);
  await app.center.probeNow();
  expect(app.center.isOnline()).toBe(false);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await center?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a stay from admission to settlement and its cancel, locally', () => {
  let stay: StayView;
  const cash0 = () => 0;

  it('admits the person read from the card (the person cache, offline), once', async () => {
    stay = await ok(cashier, 'inpatient.admit', { person: { certType: '02', certNo: wang.certno }, admission });
    expect(stay.state).toBe('admitted');
    expect(stay.patientName).toBe('王芳');
    expect(stay.certNoMasked).toMatch(/^\d{4}\*+\w{4}$/);
    expect(stay.certNoMasked).not.toContain(wang.certno.slice(4, 10));
    expect(steps(stay)).toEqual(['admit']);
    expect(await code(cashier, 'inpatient.admit', { person: { certType: '02', certNo: wang.certno }, admission })).toBe('STAY_ALREADY_OPEN');
    expect((await ok(cashier, 'inpatient.list', {})).map((s) => s.id)).toContain(stay.id);
    void cash0;
  });

  it('takes deposits: cash counted in the shift, card only with its reference; receipts printed; refunds no more than the balance', async () => {
    const before = expectedCash();
    const d1 = await ok(cashier, 'inpatient.deposit', { stayId: stay.id, amount: 300_000, method: 'cash', requestId: 'dep-1' });
    // The same request again (a double click) is the same deposit.
    const again = await ok(cashier, 'inpatient.deposit', { stayId: stay.id, amount: 300_000, method: 'cash', requestId: 'dep-1' });
    expect(again.id).toBe(d1.id);
    expect(d1.printJobId).not.toBeNull();
    expect(await code(cashier, 'inpatient.deposit', { stayId: stay.id, amount: 100_000, method: 'card' })).toBe('DEPOSIT_REFERENCE_REQUIRED');
    await ok(cashier, 'inpatient.deposit', { stayId: stay.id, amount: 200_000, method: 'card', reference: 'POS-778899' });
    expect(await code(cashier, 'inpatient.refundDeposit', { stayId: stay.id, amount: 500_001, method: 'cash', reason: '多退' })).toBe('DEPOSIT_REFUND_OVER_BALANCE');
    await ok(cashier, 'inpatient.refundDeposit', { stayId: stay.id, amount: 50_000, method: 'cash', reason: '家属取回部分' });
    stay = await ok(cashier, 'inpatient.get', { stayId: stay.id });
    // 3,000.00 + 2,000.00 − 500.00 = 4,500.00
    expect(stay.depositBalance).toBe(450_000);
    // Cash only: +3,000.00 − 500.00; the card deposit is not drawer money.
    expect(expectedCash() - before).toBe(250_000);
    // The deposit receipt: a durable print job with the amount and the balance.
    const receipt = value(app.db, 'SELECT receipt_json FROM print_jobs WHERE id = :id', { id: d1.printJobId }, z.string());
    expect(receipt).toContain('住院押金收据');
    expect(receipt).toContain('收取 3,000.00 元');
  });

  it('refuses fees that cannot be: zero price, unknown code, a date before admission, both sources, another person’s bill', async () => {
    expect(await code(cashier, 'inpatient.addFees', { stayId: stay.id, items: [{ code: NURSING, unitPrice: '0', quantity: '1' }] })).toBe('LINE_PRICE_NOT_POSITIVE');
    expect(await code(cashier, 'inpatient.addFees', { stayId: stay.id, items: [{ code: 'NO-SUCH', unitPrice: '1', quantity: '1' }] })).toBe('UNKNOWN_ITEM');
    expect(await code(cashier, 'inpatient.addFees', { stayId: stay.id, items: [{ code: NURSING, unitPrice: '1', quantity: '1', feeDate: '2020-01-01' }] })).toBe('STAY_DATE_INVALID');
    expect(await code(cashier, 'inpatient.addFees', { stayId: stay.id })).toBe('FEES_SOURCE_ONE');
    const [other] = app.settlement.bills.add(
      [{ credential: { certType: '02', certNo: zhang.certno }, visit: { visitType: 'inpatient', date: chinaDate(app.clock.now()) }, useAccount: true, items: [{ code: BLOOD, unitPrice: '20', quantity: '1' }] }],
      'window',
      'test-other',
    );
    expect(await code(cashier, 'inpatient.addFees', { stayId: stay.id, billId: other!.id })).toBe('BILL_OTHER_PERSON');
    expect(await code(cashier, 'inpatient.discharge', { stayId: stay.id, diagnoses: ['J18.9'] })).toBe('STAY_NO_FEES');
  });

  it('takes a HIS bill as one batch (the bill consumed) and typed lines as another; revokes one; the running total follows', async () => {
    const [bill] = app.settlement.bills.add(
      [{ credential: { certType: '02', certNo: wang.certno }, visit: { visitType: 'inpatient', date: chinaDate(app.clock.now()) }, useAccount: true, items: [{ code: NURSING, unitPrice: '1000.00', quantity: '3' }] }],
      'window',
      'test-his',
    );
    stay = await ok(cashier, 'inpatient.addFees', { stayId: stay.id, billId: bill!.id });
    expect(app.settlement.bills.get(bill!.id)!.state).toBe('settled');
    expect(await code(cashier, 'inpatient.addFees', { stayId: stay.id, billId: bill!.id })).toBe('BILL_NOT_PENDING');
    stay = await ok(cashier, 'inpatient.addFees', { stayId: stay.id, items: [{ code: BLOOD, unitPrice: '25.00', quantity: '2' }] });
    stay = await ok(cashier, 'inpatient.addFees', { stayId: stay.id, items: [{ code: BLOOD, unitPrice: '99.00', quantity: '1' }] });
    expect(stay.batches.map((b) => [b.source, b.lines, b.total])).toEqual([
      ['bill', 1, 300_000],
      ['window', 1, 5_000],
      ['window', 1, 9_900],
    ]);
    expect(stay.runningTotal).toBe(314_900);
    stay = await ok(cashier, 'inpatient.revokeFees', { stayId: stay.id, batchId: stay.batches[2]!.id, reason: '录错' });
    expect(stay.runningTotal).toBe(305_000);
    expect(stay.lines.map((l) => [l.lineNo, l.revoked])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(await code(cashier, 'inpatient.revokeFees', { stayId: stay.id, batchId: stay.batches[2]!.id, reason: '再撤' })).toBe('FEE_BATCH_REVOKED');
  });

  it('estimates the patient share over the stay so far and the deposit netting (computed by hand)', async () => {
    const e = await ok(cashier, 'inpatient.estimate', { stayId: stay.id });
    // Resident, level 1 (demo policy res-inpatient): deductible 300.00 per stay, 80 %.
    // In policy 3,000.00 + 50.00 = 305,000; deductible 30,000; fund 80 % × 275,000 = 220,000;
    // co-pay 55,000; personal 85,000, no account: cash 85,000.
    expect(e.source).toBe('local');
    expect([e.total, e.money.fund, e.money.account, e.money.cash]).toEqual([305_000, 220_000, 0, 85_000]);
    // Deposits 4,500.00 − 850.00 = 3,650.00 back.
    expect(e.netting).toEqual({ deposits: 450_000, personalCash: 85_000, refund: 365_000, collect: 0 });
    expect(e.explanation.at(-1)!.text).toBe('押金 4,500.00 − 个人负担 850.00 = 退还 3,650.00');
  });

  it('discharges, pre-settles (local, marked) and settles into ONE journal row that nets the deposits', async () => {
    expect(await code(cashier, 'inpatient.settle', { stayId: stay.id })).toBe('STAY_NOT_DISCHARGED');
    stay = await ok(cashier, 'inpatient.discharge', { stayId: stay.id, diagnoses: ['J18.9'] });
    expect(stay.state).toBe('discharged');
    expect(await code(cashier, 'inpatient.addFees', { stayId: stay.id, items: [{ code: BLOOD, unitPrice: '1', quantity: '1' }] })).toBe('STAY_NOT_ADMITTED');
    const pre = await ok(cashier, 'inpatient.preSettle', { stayId: stay.id });
    expect(pre.source).toBe('local');
    expect(pre.centerUnavailable?.code).toBe('CENTER_UNAVAILABLE');
    const before = expectedCash();
    const journalBefore = rowCount(app.db, 'settlements');
    const s = await ok(cashier, 'inpatient.settle', { stayId: stay.id });
    expect(s.stay.state).toBe('settled');
    expect(s.stay.depositBalance).toBe(0);
    expect(s.estimate.netting.refund).toBe(365_000);
    expect(rowCount(app.db, 'settlements')).toBe(journalBefore + 1);
    const row = await ok(cashier, 'settlement.get', { id: s.settlementId });
    expect(row.visitType).toBe('inpatient');
    expect(row.lines.map((l) => [l.code, l.amount])).toEqual([
      [NURSING, 300_000],
      [BLOOD, 5_000],
    ]);
    expect([row.money.total, row.money.fundPay, row.money.cashPay]).toEqual([305_000, 220_000, 85_000]);
    // The drawer: the refund of the rest (3,650.00) went out; the 850.00 cash part was already in
    // it since the cash deposit, so the settlement adds nothing: expected cash falls by 3,650.00.
    expect(expectedCash() - before).toBe(-365_000);
    // The X report shows the deposits.
    const x = renderShiftReportLines(app.shift.shifts.report(app.shift.currentShiftId('1001')!)).join('\n');
    expect(x).toMatch(/押金收\s+3000\.00/);
    expect(x).toMatch(/押金退\s+-4150\.00/);
    stay = s.stay;
    expect(steps(stay)).toEqual(['admit', 'fees', 'fees', 'fees', 'revokeFees', 'discharge', 'settle']);
    expect(stay.uploads.every((u) => u.state === 'queued')).toBe(true);
    const ov = await ok(supervisor, 'inpatient.overview', {});
    expect(ov.settledNotUploaded.map((x) => x.id)).toContain(stay.id);
    expect(ov.todayDeposits.find((d) => d.method === 'card')).toEqual({ method: 'card', paidIn: 200_000, paidBack: 0 });
  });

  it('the supervisor cancels the settlement (2305 queued): a refund row, the lines and the deposit back, the stay discharged again', async () => {
    const settlementId = stay.settlementIds[0]!;
    expect(await code(cashier, 'inpatient.cancelSettlement', { stayId: stay.id, settlementId, reason: '结算有误', supervisorId: '1001', supervisorPin: '1234' })).toBe('SUPERVISOR_REQUIRED');
    const before = expectedCash();
    stay = await ok(cashier, 'inpatient.cancelSettlement', { stayId: stay.id, settlementId, reason: '结算有误', supervisorId: '2001', supervisorPin: '246810' });
    expect(stay.state).toBe('discharged');
    expect(stay.runningTotal).toBe(305_000);
    // What the settlement consumed (850.00) is held again; the 3,650.00 paid back stays paid back.
    expect(stay.depositBalance).toBe(85_000);
    const orig = await ok(supervisor, 'settlement.get', { id: settlementId });
    expect(orig.state).toBe('refunded');
    expect(steps(stay).at(-1)).toBe('cancelSettlement');
    expect(await code(cashier, 'inpatient.cancelSettlement', { stayId: stay.id, settlementId, reason: '再撤', supervisorId: '2001', supervisorPin: '246810' })).toBe('STAY_SETTLEMENT_CANCELLED');
    void before;
    // Settled again: the deposit balance nets exactly the cash part now.
    const again = await ok(cashier, 'inpatient.settle', { stayId: stay.id });
    expect(again.estimate.netting).toEqual({ deposits: 85_000, personalCash: 85_000, refund: 0, collect: 0 });
    expect(again.stay.depositBalance).toBe(0);
  });

  it('mid-stay settlement keeps the stay admitted and the next one continues the axis (no second deductible)', async () => {
    const s2 = await ok(cashier, 'inpatient.admit', { person: { certType: '02', certNo: zhang.certno }, admission: { ...admission, diagnoses: ['K35.8'] } });
    await ok(cashier, 'inpatient.addFees', { stayId: s2.id, items: [{ code: NURSING, unitPrice: '1000.00', quantity: '1' }] });
    const mid = await ok(cashier, 'inpatient.settle', { stayId: s2.id, midStay: true, useAccount: false, cashReceived: 100_000 });
    // Employee, level 1 (emp-inpatient): deductible 500.00 per stay, 90 %: in policy 100,000:
    // deductible 50,000, fund 90 % × 50,000 = 45,000, co-pay 5,000: cash 55,000; no deposit: collect 55,000.
    expect(mid.stay.state).toBe('admitted');
    expect([mid.estimate.money.fund, mid.estimate.money.cash, mid.estimate.netting.collect]).toEqual([45_000, 55_000, 55_000]);
    await ok(cashier, 'inpatient.addFees', { stayId: s2.id, items: [{ code: NURSING, unitPrice: '1000.00', quantity: '1' }] });
    const e2 = await ok(cashier, 'inpatient.estimate', { stayId: s2.id });
    // The axis continues at 100,000: no deductible left; fund 90 % × 100,000 = 90,000 (account not asked: cash 10,000 less the account).
    expect(e2.money.fund).toBe(90_000);
    expect(await code(cashier, 'inpatient.cancelAdmission', { stayId: s2.id, reason: '测试撤销', supervisorId: '1001', supervisorPin: '1234' })).toBe('SUPERVISOR_REQUIRED');
    expect(await code(cashier, 'inpatient.cancelAdmission', { stayId: s2.id, reason: '测试撤销', supervisorId: '2001', supervisorPin: '246810' })).toBe('STAY_HAS_FEES');
  });

  it('cancels an admission without fees and with the deposit paid back (2404 queued)', async () => {
    const p = SETTLEABLE.find((x) => x.psn_name === '杨磊')!;
    const s3 = await ok(cashier, 'inpatient.admit', { person: { certType: '02', certNo: p.certno }, admission });
    await ok(cashier, 'inpatient.deposit', { stayId: s3.id, amount: 10_000, method: 'cash' });
    expect(await code(cashier, 'inpatient.cancelAdmission', { stayId: s3.id, reason: '登记错误', supervisorId: '2001', supervisorPin: '246810' })).toBe('STAY_DEPOSIT_NOT_ZERO');
    await ok(cashier, 'inpatient.refundDeposit', { stayId: s3.id, amount: 10_000, method: 'cash', reason: '撤销入院退回' });
    const c = await ok(cashier, 'inpatient.cancelAdmission', { stayId: s3.id, reason: '登记错误', supervisorId: '2001', supervisorPin: '246810' });
    expect(c.state).toBe('cancelled');
    expect(steps(c)).toEqual(['admit', 'cancelAdmission']);
    expect(await code(cashier, 'inpatient.deposit', { stayId: s3.id, amount: 100, method: 'cash' })).toBe('STAY_NOT_OPEN');
  });
});
