// Partial refund (issue 13): the patient returns some lines. One audited action, one
// transaction: the settlement is cancelled (2208, or 2601 if never answered) and the remaining
// lines settled again (2207); both receipts print; the center sees the cancel and the new
// settle exactly once; the shift's figures net to the remaining lines; the year's accumulators
// agree with the center's. Real app, real SQLite file, the real sandbox center on 127.0.0.1.
import type { CallInput, CallName, CallOutput } from '../../../electron/api/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../electron/app/create-app';
import type { SettleInput } from '../../../electron/api/contract/settlement';
import type { Session } from '../../../electron/api/session';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { compact } from '../../../electron/settlement/accumulators';
import { SETTLEABLE } from './fixtures';
import { openDesk, type Desk } from '../../helpers/settlement-desk';
import { callApp } from '../../helpers/app-call';
import { rowCount } from '../../helpers/db-rows';
import { z } from 'zod';
import { values } from '../../../electron/db/sql';

let desk: Desk;
let center: SandboxCenter;
let app: App;
let cashier: Session;

const AMOX = 'XJ01CAA040A001010101445'; // A
const PARA = 'XN02BEA010A001010105555'; // A, price cap 3.50
const VITC = 'XA11GAA001E001010100999'; // C
const SUP = { supervisorId: '2001', supervisorPin: '246810' };
const byName = (name: string) => SETTLEABLE.find((p) => p.psn_name === name)!;
const bill = (name: string, items: SettleInput['items']): SettleInput => ({ person: { certType: '02', certNo: byName(name).certno }, visit: { visitType: 'outpatient' }, items, useAccount: true });

const call = <N extends CallName>(name: N, input: CallInput<N>) => callApp(app, cashier, name, input);
async function ok<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>> {
  const r = await call(name, input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
const count = (table: string) => rowCount(app.db, table);
const xreport = async () => (await ok('shift.xreport', {})).figures;

beforeAll(async () => {
  desk = await openDesk('partial-refund-');
  ({ app, center, cashier } = desk);
}, 60_000);

afterAll(() => desk?.close());

describe('partial refund', () => {
  it('cancels and re-settles the remaining lines as one action: both receipts, 2208 and 2207 once each, the shift nets', async () => {
    const before = await xreport();
    const orig = await ok('settlement.settle', bill('周杰', [
      { code: AMOX, unitPrice: '12.50', quantity: '2' },
      { code: VITC, unitPrice: '15.00', quantity: '1' },
      { code: PARA, unitPrice: '3.50', quantity: '2' },
    ]));
    expect(orig.state).toBe('confirmed');

    // What goes back, before anything is done (nothing written).
    const n = [count('settlements'), count('outbox'), count('print_jobs')];
    const preview = await ok('settlement.partialRefundPreview', { id: orig.id, lineNos: [2] });
    expect(preview.remaining.total).toBe(orig.money.total - 1500);
    expect(preview.returns.cash + preview.returns.account + preview.returns.fund).toBe(1500);
    expect([count('settlements'), count('outbox'), count('print_jobs')]).toEqual(n);

    // A wrong PIN changes nothing.
    expect(await call('settlement.partialRefund', { id: orig.id, lineNos: [2], supervisorId: '2001', supervisorPin: '000000', reason: '退药' })).toMatchObject({ ok: false });
    expect([count('settlements'), count('outbox'), count('print_jobs')]).toEqual(n);

    const r = await ok('settlement.partialRefund', { id: orig.id, lineNos: [2], ...SUP, reason: '患者退回维生素C' });
    expect(r.refund.refundOf).toBe(orig.id);
    expect(r.refund.money.total).toBe(-orig.money.total);
    expect(r.resettled.lines.map((l) => [l.code, l.quantity])).toEqual([[AMOX, '2'], [PARA, '2']]);
    expect(r.resettled.money.total).toBe(orig.money.total - 1500);
    expect(r.resettled.money).toMatchObject({ total: preview.remaining.total, cashPay: preview.remaining.cashPay });
    expect(r.resettled.supervisorId).toBe('2001');
    expect(app.settlement.get(orig.id)!.state).toBe('refunded');
    expect([count('settlements'), count('outbox'), count('print_jobs')]).toEqual([n[0]! + 2, n[1]! + 2, n[2]! + 2]);
    // Both receipts: the refund slip and the new settlement's.
    expect(app.devices.receiptPreview(r.refund.id).join('\n')).toContain('医保结算退费单');
    expect(app.devices.receiptPreview(r.resettled.id).join('\n')).toContain(r.resettled.id);
    const audit = values(app.db, "SELECT detail FROM audit_log WHERE action = 'settlement.partialRefund' AND subject = :id", { id: orig.id }, z.string());
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!)).toMatchObject({ refundId: r.refund.id, resettledId: r.resettled.id, returnedLines: [2], supervisorId: '2001' });

    await app.settlement.drain({ untilEmpty: true, timeoutMs: 15_000 });
    const outbox = [r.refund.id, r.resettled.id].map((id) => app.settlement.get(id)!.uploads.map((u) => [u.infno, u.state]));
    expect(outbox).toEqual([[['2208', 'confirmed']], [['2207', 'confirmed']]]);
    const atCenter = center.settlements();
    const centerSetlId = app.settlement.reader.row(orig.id)!.center_setl_id;
    expect(atCenter.filter((x) => x.kind === 'settle' && x.medins_setl_id === orig.id)).toHaveLength(1);
    expect(atCenter.filter((x) => x.kind === 'cancel' && x.cancels === centerSetlId)).toHaveLength(1);
    expect(atCenter.filter((x) => x.kind === 'settle' && x.medins_setl_id === r.resettled.id)).toHaveLength(1);
    // The year so far: ours (after the re-settlement) is the center's.
    const local = compact(JSON.parse(app.settlement.reader.row(r.resettled.id)!.accumulators_after));
    expect(compact(center.personYear(byName('周杰').psn_no)!.accumulators)).toEqual(local);

    // The shift nets to the remaining lines: settlement + its cancel + the new one.
    const after = await xreport();
    expect(after.all.total - before.all.total).toBe(r.resettled.money.total);
    expect(after.all.cash - before.all.cash).toBe(r.resettled.money.cashPay);
    expect(after.all.refundCount - before.all.refundCount).toBe(1);
  });

  it('a self-pay settlement: the returned lines\' cash goes back, the rest is settled again as self-pay, nothing reaches the center', async () => {
    const before = await xreport();
    const envelopes = () => center.envelopes().filter((e) => ['2207', '2208', '2601'].includes(e.infno)).length;
    const sent = envelopes();
    const orig = await ok('settlement.settle', {
      person: { certType: '02', certNo: '110101199003070011' }, // not insured: the center does not know them
      visit: { visitType: 'outpatient' },
      items: [{ code: AMOX, unitPrice: '12.50', quantity: '2' }, { code: 'NOT-IN-CATALOG-1', name: '自购敷料', unitPrice: '3.33', quantity: '3' }],
      useAccount: false,
      selfPay: true,
      patientName: '路人甲',
      cashReceived: 5000,
    });
    expect(orig).toMatchObject({ selfPay: true, state: 'confirmed' });
    expect(orig.money.total).toBe(3499);

    const n = [count('settlements'), count('outbox'), count('print_jobs')];
    const preview = await ok('settlement.partialRefundPreview', { id: orig.id, lineNos: [2] });
    expect(preview.remaining).toMatchObject({ total: 2500, cashPay: 2500, fundPay: 0, accountPay: 0 });
    expect(preview.returns).toEqual({ cash: 999, account: 0, fund: 0 });
    expect([count('settlements'), count('outbox'), count('print_jobs')]).toEqual(n);

    const r = await ok('settlement.partialRefund', { id: orig.id, lineNos: [2], ...SUP, reason: '退回敷料' });
    expect(r.refund).toMatchObject({ refundOf: orig.id, selfPay: true, state: 'confirmed', uploads: [] });
    expect(r.refund.money).toMatchObject({ total: -3499, cashPay: -3499, fundPay: 0, accountPay: 0 });
    expect(r.resettled).toMatchObject({ selfPay: true, state: 'confirmed', psnName: '路人甲', supervisorId: '2001', uploads: [] });
    expect(r.resettled.lines.map((l) => [l.code, l.quantity])).toEqual([[AMOX, '2']]);
    expect(r.resettled.money).toMatchObject({ total: 2500, cashPay: 2500, fundPay: 0, accountPay: 0 });
    expect(app.settlement.get(orig.id)!.state).toBe('refunded');
    // Two rows, two receipts, no message for the center.
    expect([count('settlements'), count('outbox'), count('print_jobs')]).toEqual([n[0]! + 2, n[1]!, n[2]! + 2]);
    expect(app.devices.receiptPreview(r.refund.id).join('\n')).toContain('自费退费单');
    expect(app.devices.receiptPreview(r.resettled.id).join('\n')).toContain('自费收费单');
    const audit = values(app.db, "SELECT detail FROM audit_log WHERE action = 'settlement.partialRefund' AND subject = :id", { id: orig.id }, z.string());
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!)).toMatchObject({ refundId: r.refund.id, resettledId: r.resettled.id, returnedLines: [2], supervisorId: '2001' });
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 5000 });
    expect(envelopes()).toBe(sent);

    // The shift's cash counts it: the patient paid 34.99, got 34.99 back and paid 25.00 again.
    const after = await xreport();
    expect(after.all.cash - before.all.cash).toBe(2500);
    expect(after.all.total - before.all.total).toBe(2500);
    expect(after.all.refundCount - before.all.refundCount).toBe(1);
    expect(after.byInsuranceType.self_pay!.cash - (before.byInsuranceType.self_pay?.cash ?? 0)).toBe(2500); // net of the refund
    expect(after.cash.settlementCash - before.cash.settlementCash).toBe(2500);
  });

  it('refuses no lines, every line, an unknown line, a refund row and a settlement already refunded — changing nothing', async () => {
    const orig = await ok('settlement.settle', bill('王芳', [
      { code: AMOX, unitPrice: '12.50', quantity: '1' },
      { code: VITC, unitPrice: '15.00', quantity: '1' },
    ]));
    const n = [count('settlements'), count('outbox'), count('audit_log')];
    expect(await call('settlement.partialRefund', { id: orig.id, lineNos: [1, 2], ...SUP, reason: 'x' })).toMatchObject({ ok: false, error: { code: 'REFUND_ALL_LINES' } });
    expect(await call('settlement.partialRefund', { id: orig.id, lineNos: [7], ...SUP, reason: 'x' })).toMatchObject({ ok: false, error: { code: 'REFUND_LINE_UNKNOWN', details: { lineNo: 7 } } });
    expect(await call('settlement.partialRefund', { id: orig.id, lineNos: [], ...SUP, reason: 'x' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect([count('settlements'), count('outbox')]).toEqual([n[0], n[1]]);
    const full = await ok('settlement.refund', { id: orig.id, ...SUP, reason: '整单' });
    expect(await call('settlement.partialRefund', { id: orig.id, lineNos: [1], ...SUP, reason: 'x' })).toMatchObject({ ok: false, error: { code: 'ALREADY_REFUNDED' } });
    expect(await call('settlement.partialRefund', { id: full.id, lineNos: [1], ...SUP, reason: 'x' })).toMatchObject({ ok: false, error: { code: 'REFUND_OF_REFUND' } });
  });
});
