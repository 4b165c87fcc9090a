// The hospital window's center steps (issue 19) through the protocol-neutral adapter
// (electron/center/inpatient/client.ts) against the real HTTP sandbox center, in both protocols:
// a whole stay, mid-stay settlement, the rules the center enforces, replays under the same msgid,
// each fault switch, and hostile answers from a center that is not the sandbox.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/app/log';
import { CenterClient } from '../../../electron/center/client';
import { inpatientCenter, type InpatientCenter, type InpatientCenterPort, type InpatientOutcome } from '../../../electron/center/inpatient/client';
import { NationalSession } from '../../../electron/center/national/session';
import { DEMO_PERSONS } from '../../../electron/center/sandbox/demo-persons';
import type { DischargeFacts, StayFacts, StayFeeLine, StayRef, StaySettleFacts } from '../../../electron/center/wire/national/inpatient';
import type { SettlementAmounts } from '../../../electron/center/wire/settlement';
import { computeSplit } from '../../../electron/policy/split';
import { fenToYuan, lineAmountFen, tryYuanToFen } from '../../../electron/api/money';
import { apply3203 } from '../../../electron/center/wire/clearing';
import { values } from '../../../electron/db/sql';
import { z } from 'zod';
import { CODES, startRig, type Rig } from './helpers';

const ZHANG = DEMO_PERSONS[0]!; // employee, active
const LI = DEMO_PERSONS[1]!;

type Protocol = 'simple' | 'national';

let rig: Rig;
let session: NationalSession;

function adapter(protocol: Protocol, client: CenterClient = rig.client): InpatientCenter {
  const port: InpatientCenterPort = {
    protocol: () => protocol,
    send: (infno, input, o) => client.send(infno, input, o),
    sendNational: (infno, input, o) => session.send(infno, input, o),
  };
  return inpatientCenter(port);
}

const msgid = (): string => rig.client.newMsgId();
const opts = () => ({ msgid: msgid(), operator: { id: '1001', name: '收费员甲' } });

function stayFacts(p = ZHANG, iptNo = 'ZY0001'): StayFacts {
  return {
    psnNo: p.psn_no, insutype: p.insutype, certType: '02', certNo: p.certno, medType: '21', iptNo, admittedAt: '2026-03-10 08:30:00',
    department: { code: 'A03', name: '内科' }, ward: '三病区', bed: '12', doctor: { code: 'D01', name: '医生甲' }, diagnoses: [{ code: 'J18.900', name: '肺炎' }], hospitalLevel: 2,
  };
}

function line(sn: string, code: string, unitPrice: string, quantity: string, feeTime = '2026-03-11 10:00:00'): StayFeeLine {
  return {
    feedetlSn: sn, medListCodg: code, medinsListCodg: `H-${sn}`, unitPrice, quantity, amount: lineAmountFen(unitPrice, quantity)!, feeTime,
    department: { code: 'A03', name: '内科' }, doctor: { code: 'D01', name: '医生甲' },
  };
}

const DISCHARGE: DischargeFacts = { dischargedAt: '2026-03-14 10:00:00', diagnoses: [{ code: 'J18.900', name: '肺炎' }], dischargeWay: '1', department: { code: 'A03', name: '内科' }, doctor: { code: 'D01', name: '医生甲' } };

const settleFacts = (p: typeof ZHANG, total: number, midStay = false): StaySettleFacts => ({ certType: '02', certNo: p.certno, insutype: p.insutype, total, useAccount: true, midStay });

function expectOk<T>(o: InpatientOutcome<T>): T {
  expect(o.kind, JSON.stringify(o)).toBe('success');
  return (o as { value: T }).value;
}
function expectRejected(o: InpatientOutcome<unknown>, code: string): void {
  expect(o.kind, JSON.stringify(o)).toBe('rejected');
  expect((o as { code?: string }).code).toBe(code);
}

beforeEach(async () => {
  rig = await startRig({ hospitalLevel: 2 });
  session = new NationalSession({ client: async () => rig.client, terminalNo: () => '01', log: silentLogger });
});
afterEach(async () => {
  await rig.close();
});

/** The local split of lines as an inpatient visit, from the center's own policy and the person's year. */
function localSplit(p: typeof ZHANG, lines: readonly StayFeeLine[]) {
  const year = rig.center.personYear(p.psn_no)!;
  const out = computeSplit(
    rig.center.currentPolicy(),
    { insuranceType: p.insutype === '310' ? 'employee' : 'resident', personGroup: p.psn_type.startsWith('12') ? 'retired' : 'active', status: 'active', accountBalance: year.balance, accumulators: year.accumulators },
    { visitType: 'inpatient', hospitalLevel: 2, date: '2026-03-10', diagnoses: ['J18.900'], useAccount: true },
    lines.map((l) => ({ code: l.medListCodg, unitPrice: l.unitPrice, quantity: l.quantity })),
  );
  if (!out.ok) throw new Error(out.error.message);
  return out.result;
}

describe.each<Protocol>(['simple', 'national'])('inpatient steps, %s protocol', (protocol) => {
  it('takes a whole stay from admission to settlement and back, each rule enforced on the way', async () => {
    const c = adapter(protocol);
    const { centerStayId } = expectOk(await c.admit(stayFacts(), opts()));
    expect(centerStayId).toMatch(/^ZY/);
    const ref: StayRef = { psnNo: ZHANG.psn_no, centerStayId };
    // A second admission while the first stands is refused.
    expectRejected(await c.admit(stayFacts(ZHANG, 'ZY0002'), opts()), protocol === 'national' ? 'CENTER_REJECTED' : 'STAY_OPEN');

    const batch1 = [line('1', CODES.amoxicillin, '12.5', '4'), line('2', CODES.cefuroxime, '36.8', '2')];
    const batch2 = [line('3', CODES.bloodTest, '25', '1', '2026-03-12 09:00:00')];
    const first = opts();
    const fees1 = expectOk(await c.uploadFees(ref, '21', batch1, first));
    expect(fees1.lines.map((l) => [l.feedetlSn, l.amount])).toEqual([['1', 5000], ['2', 7360]]);
    expect(fees1.lines[1]!.itemClass).toBe('B');
    // The same batch again under its msgid: the first answer, nothing added.
    const again = await c.uploadFees(ref, '21', batch1, first);
    expect(expectOk(again)).toEqual(fees1);
    expectOk(await c.uploadFees(ref, '21', batch2, opts()));
    expect(rig.center.stay(centerStayId)!.openFees).toBe(3);
    // The same line under a new msgid is a duplicate; a fee before admission is refused.
    expectRejected(await c.uploadFees(ref, '21', [line('1', CODES.amoxicillin, '12.5', '4')], opts()), protocol === 'national' ? 'CENTER_REJECTED' : 'DUPLICATE_FEE');
    expectRejected(await c.uploadFees(ref, '21', [line('9', CODES.amoxicillin, '1', '1', '2026-03-09 23:00:00')], opts()), protocol === 'national' ? 'CENTER_REJECTED' : 'FEE_BEFORE_ADMISSION');

    const total = [...batch1, ...batch2].reduce((s, l) => s + l.amount, 0);
    // Not before discharge unless mid-stay; no cancel of an admission with fees.
    expectRejected(await c.settle(ref, settleFacts(ZHANG, total), opts()), protocol === 'national' ? 'CENTER_REJECTED' : 'NOT_DISCHARGED');
    expectRejected(await c.cancelAdmission(ref, opts()), protocol === 'national' ? 'CENTER_REJECTED' : 'FEES_REMAIN');

    // Revoke one line, then discharge and settle the other two.
    expectOk(await c.revokeFees(ref, ['3'], opts()));
    expect(rig.center.stay(centerStayId)!.unsettledFees).toBe(2);
    const left = batch1.reduce((s, l) => s + l.amount, 0);
    expectOk(await c.discharge(ref, { insutype: ZHANG.insutype }, DISCHARGE, opts()));
    expectRejected(await c.uploadFees(ref, '21', [line('4', CODES.amoxicillin, '1', '1', '2026-03-15 09:00:00')], opts()), protocol === 'national' ? 'CENTER_REJECTED' : 'FEE_AFTER_DISCHARGE');
    // The medfee total must be the unsettled lines' sum.
    expectRejected(await c.preSettle(ref, settleFacts(ZHANG, total), opts()), protocol === 'national' ? 'CENTER_REJECTED' : 'MEDFEE_MISMATCH');

    const expected = localSplit(ZHANG, batch1);
    const pre = expectOk(await c.preSettle(ref, settleFacts(ZHANG, left), opts()));
    expect(pre.setlId).toBeNull();
    expect(pre.amounts).toMatchObject({ total: left, fundPay: expected.fundPay, accountPay: expected.accountPay, cashPay: expected.cashPay, deductible: expected.deductible });
    if (protocol === 'simple') {
      // Our protocol: the window's own figures ride along (2207's amount fields, yuan strings) and
      // the center says whether its split agrees — the same figures accepted, a fen off adjusted.
      const { total, fullOwnPay, overLimitSelfPay, preSelfPay, eligible, deductible, fundPay, coPay, criticalIllnessPay, personalTotal, accountPay, cashPay } = expected;
      const local: SettlementAmounts = { total, fullOwnPay, overLimitSelfPay, preSelfPay, eligible, deductible, fundPay, coPay, criticalIllnessPay, personalTotal, accountPay, cashPay };
      const same = expectOk(await c.preSettle(ref, settleFacts(ZHANG, left), { ...opts(), extras: { local } }));
      expect(same.stmt).toBe('accepted');
      const off = expectOk(await c.preSettle(ref, settleFacts(ZHANG, left), { ...opts(), extras: { local: { ...local, fundPay: fundPay + 1 } } }));
      expect(off.stmt).toBe('adjusted');
      expect(off.amounts).toEqual(pre.amounts);
    }
    const yearBefore = rig.center.personYear(ZHANG.psn_no)!;
    const settleMsg = opts();
    const settled = await c.settle(ref, settleFacts(ZHANG, left), settleMsg);
    const s = expectOk(settled);
    expect(s.setlId).toMatch(/^ST/);
    expect(s.amounts).toEqual(pre.amounts);
    expect(s.clrType).toBe('21');
    // The normalised answer has 2207's layout, in yuan strings outbox/outcome.ts reads.
    const out = (settled as { output: { setlinfo: Record<string, unknown>; setl_id: string } }).output;
    expect(out.setl_id).toBe(s.setlId);
    expect(tryYuanToFen(out.setlinfo.hifp_pay)).toBe(s.amounts.fundPay);
    expect(tryYuanToFen(out.setlinfo.psn_cash_pay)).toBe(s.amounts.cashPay);
    expect(rig.center.personYear(ZHANG.psn_no)!.balance).toBe(yearBefore.balance - s.amounts.accountPay);
    expect(rig.center.stay(centerStayId)!.state).toBe('settled');
    // The same 2304 again: the first answer, one settlement.
    expect(expectOk(await c.settle(ref, settleFacts(ZHANG, left), settleMsg)).setlId).toBe(s.setlId);
    expect(rig.center.settlements().filter((x) => x.kind === 'settle')).toHaveLength(1);

    // Settled: no fees, no undoing the discharge, no second settlement.
    expectRejected(await c.undoDischarge(ref, opts()), protocol === 'national' ? 'CENTER_REJECTED' : 'STAY_SETTLED');
    expectRejected(await c.revokeFees(ref, 'all', opts()), protocol === 'national' ? 'CENTER_REJECTED' : 'STAY_SETTLED');

    // 2305: undone; the year as before; the stay discharged again with its lines unsettled.
    const cancelled = expectOk(await c.cancelSettlement(ref, s.setlId!, opts()));
    expect(cancelled.amounts.total).toBe(-left);
    expect(rig.center.personYear(ZHANG.psn_no)!.balance).toBe(yearBefore.balance);
    expect(rig.center.stay(centerStayId)).toMatchObject({ state: 'discharged', unsettledFees: 2 });
    expectRejected(await c.cancelSettlement(ref, s.setlId!, opts()), protocol === 'national' ? 'CENTER_REJECTED' : 'SETTLEMENT_NOT_FOUND');

    // 2405, then revoke every unsettled line ("0000") and cancel the admission.
    expectOk(await c.undoDischarge(ref, opts()));
    expectRejected(await c.cancelAdmission(ref, opts()), protocol === 'national' ? 'CENTER_REJECTED' : 'FEES_REMAIN');
    expectOk(await c.revokeFees(ref, 'all', opts()));
    expectOk(await c.cancelAdmission(ref, opts()));
    expect(rig.center.stay(centerStayId)!.state).toBe('cancelled');
    // The stay is gone: every later step names a stay the center no longer has.
    expectRejected(await c.discharge(ref, { insutype: ZHANG.insutype }, DISCHARGE, opts()), protocol === 'national' ? 'CENTER_REJECTED' : 'STAY_NOT_FOUND');
  });

  it('settles part-way through a stay (中途结算), then the rest at discharge; both counted as clr_type 21', async () => {
    const c = adapter(protocol);
    const { centerStayId } = expectOk(await c.admit(stayFacts(LI, 'ZY0100'), opts()));
    const ref = { psnNo: LI.psn_no, centerStayId };
    const part1 = [line('1', CODES.bloodTest, '25', '60'), line('2', CODES.amoxicillin, '12.5', '10')];
    expectOk(await c.uploadFees(ref, '21', part1, opts()));
    const sum1 = part1.reduce((s, l) => s + l.amount, 0);
    const mid = expectOk(await c.settle(ref, settleFacts(LI, sum1, true), opts()));
    expect(mid.amounts.total).toBe(sum1);
    expect(rig.center.stay(centerStayId)).toMatchObject({ state: 'admitted', unsettledFees: 0 });
    // The settled lines cannot be revoked; new lines go on.
    expectRejected(await c.revokeFees(ref, ['1'], opts()), protocol === 'national' ? 'CENTER_REJECTED' : 'FEES_SETTLED');
    const part2 = [line('3', CODES.cefuroxime, '36.8', '3', '2026-03-13 08:00:00')];
    expectOk(await c.uploadFees(ref, '21', part2, opts()));
    expectOk(await c.discharge(ref, { insutype: LI.insutype }, DISCHARGE, opts()));
    // Mid-stay after discharge is refused: the discharge settlement settles the rest.
    expectRejected(await c.settle(ref, settleFacts(LI, part2[0]!.amount, true), opts()), protocol === 'national' ? 'CENTER_REJECTED' : 'STAY_DISCHARGED');
    const fin = expectOk(await c.settle(ref, settleFacts(LI, part2[0]!.amount), opts()));
    expect(fin.amounts.total).toBe(part2[0]!.amount);
    // The deductible is the stay's, charged once: the mid-stay settlement crossed it, the rest
    // continues on the stay's axis (the window's own split does the same, inpatient/stay-split.ts).
    expect(mid.amounts.deductible).toBeGreaterThan(0);
    expect(mid.amounts.deductible).toBeLessThan(mid.amounts.eligible);
    expect(fin.amounts.deductible).toBe(0);
    expect(fin.amounts.fundPay).toBeGreaterThan(0);
    // Only the latest settlement of the stay may be cancelled.
    expectRejected(await c.cancelSettlement(ref, mid.setlId!, opts()), protocol === 'national' ? 'CENTER_REJECTED' : 'LATER_SETTLEMENT');
    const clrTypes = values(rig.center.db, "SELECT n.clr_type FROM settlements s JOIN nat_settlements n ON n.setl_id = s.setl_id WHERE s.kind = 'settle' AND s.state = 'active'", {}, z.string());
    expect(clrTypes).toEqual(['21', '21']);
  });

  it('a busy answer, a lost answer and every malformed answer resolve by sending the same msgid again', async () => {
    const c = adapter(protocol);
    // busy: nothing done; the same msgid then goes through.
    await rig.center.setFaults({ busy: { count: 1, infno: '2401' } });
    const admitMsg = opts();
    expect((await c.admit(stayFacts(), admitMsg)).kind).toBe('busy');
    const { centerStayId } = expectOk(await c.admit(stayFacts(), admitMsg));
    const ref = { psnNo: ZHANG.psn_no, centerStayId };
    // dropAfterCommit: committed, never answered → unknown; the same msgid gets the stored answer.
    const lines = [line('1', CODES.amoxicillin, '12.5', '2')];
    // (every answer dropped while the fault is on: the client's one retry on a stale kept-alive socket is dropped too)
    await rig.center.setFaults({ dropAfterCommit: { count: -1, infno: '2301' } });
    const feeMsg = opts();
    expect((await c.uploadFees(ref, '21', lines, feeMsg)).kind).toBe('unknown');
    await rig.center.setFaults({ dropAfterCommit: null });
    expect(expectOk(await c.uploadFees(ref, '21', lines, feeMsg)).lines).toHaveLength(1);
    expect(rig.center.stay(centerStayId)!.openFees).toBe(1);
    expectOk(await c.discharge(ref, { insutype: ZHANG.insutype }, DISCHARGE, opts()));
    // Every malformed mode on the settlement: unknown, then the same msgid settles once.
    for (const mode of ['garbage', 'truncated', 'wrong-types', 'missing-fields', 'not-json', 'http-500'] as const) {
      await rig.center.setFaults({ malformed: { mode, count: 1, infno: '2303' } });
      const pre = opts();
      expect((await c.preSettle(ref, settleFacts(ZHANG, lines[0]!.amount), pre)).kind, mode).toBe('unknown');
      expectOk(await c.preSettle(ref, settleFacts(ZHANG, lines[0]!.amount), pre));
    }
    await rig.center.setFaults({ malformed: { mode: 'garbage', count: 1, infno: '2304' } });
    const settleMsg = opts();
    expect((await c.settle(ref, settleFacts(ZHANG, lines[0]!.amount), settleMsg)).kind).toBe('unknown');
    const s = expectOk(await c.settle(ref, settleFacts(ZHANG, lines[0]!.amount), settleMsg));
    expect(rig.center.settlements().filter((x) => x.kind === 'settle').map((x) => x.setl_id)).toEqual([s.setlId]);
    // A refused item: the batch is refused as a whole, nothing kept.
    await rig.center.clearFaults();
    expectOk(await c.cancelSettlement(ref, s.setlId!, opts()));
    expectOk(await c.undoDischarge(ref, opts()));
    await rig.center.setFaults({ rejectItems: { [CODES.cefuroxime]: '超出限定支付范围' } });
    const refused = await c.uploadFees(ref, '21', [line('2', CODES.cefuroxime, '36.8', '1')], opts());
    expectRejected(refused, protocol === 'national' ? 'CENTER_REJECTED' : 'ITEM_REJECTED');
    expect(rig.center.stay(centerStayId)!.openFees).toBe(1);
    // A person the center refuses: no admission.
    await rig.center.setFaults({ rejectPersons: { [LI.psn_no]: '该人员暂停结算' } });
    expectRejected(await c.admit(stayFacts(LI, 'ZY0200'), opts()), protocol === 'national' ? 'CENTER_REJECTED' : 'PERSON_REJECTED');
    // Offline: no answer at all is unknown, never a throw.
    await rig.center.setOffline(true);
    expect((await c.undoDischarge(ref, opts())).kind).toBe('unknown');
  });
});

describe('inpatient steps, national faults only', () => {
  it('an expired sign-in is renewed and the step sent again; infcode 0 with an err_msg and a gateway error resolve by the same msgid', async () => {
    const c = adapter('national');
    const { centerStayId } = expectOk(await c.admit(stayFacts(), opts()));
    const ref = { psnNo: ZHANG.psn_no, centerStayId };
    await rig.center.setFaults({ signInExpired: { count: 1, infno: '2301' } });
    expectOk(await c.uploadFees(ref, '21', [line('1', CODES.amoxicillin, '12.5', '2')], opts()));
    expect(rig.center.signIns().length).toBe(2);
    await rig.center.setFaults({ gatewayError: { count: 1, infno: '2402' } });
    const dis = opts();
    expectRejected(await c.discharge(ref, { insutype: ZHANG.insutype }, DISCHARGE, dis), 'GATEWAY_REJECTED');
    expectOk(await c.discharge(ref, { insutype: ZHANG.insutype }, DISCHARGE, dis));
    await rig.center.setFaults({ errWithSuccess: { count: 1, infno: '2304' } });
    const settleMsg = opts();
    expect((await c.settle(ref, settleFacts(ZHANG, 2500), settleMsg)).kind).toBe('unknown');
    expect(expectOk(await c.settle(ref, settleFacts(ZHANG, 2500), settleMsg)).amounts.total).toBe(2500);
    expect(rig.center.settlements().filter((x) => x.kind === 'settle')).toHaveLength(1);
  });
});

describe('hostile answers', () => {
  let server: http.Server;
  let answer: unknown;
  let hostile: CenterClient;

  beforeEach(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    hostile = rig.clientWith({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
  afterEach(async () => {
    hostile.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const ok = (output: unknown) => ({ infcode: 0, inf_refmsgid: 'R', err_msg: '', output });
  const ref = { psnNo: ZHANG.psn_no, centerStayId: 'ZY1' };

  it('refuses answers it cannot take with ANSWER_INVALID, never a throw and never a guess', async () => {
    const c = adapter('simple', hostile);
    const cases: Array<[string, unknown, () => Promise<InpatientOutcome<unknown>>]> = [
      ['admission without a stay id', ok({ result: { psn_no: ZHANG.psn_no } }), () => c.admit(stayFacts(), opts())],
      ['admission for another person', ok({ result: { mdtrt_id: 'ZY9', psn_no: 'someone-else' } }), () => c.admit(stayFacts(), opts())],
      ['fee answer missing a line', ok({ result: [] }), () => c.uploadFees(ref, '21', [line('1', CODES.amoxicillin, '1', '1')], opts())],
      [
        'fee answer with a line twice',
        ok({ result: [1, 2].map(() => ({ feedetl_sn: '1', det_item_fee_sumamt: '1.00', cnt: '1', pric: '1', selfpay_prop: '0', fulamt_ownpay_amt: '0', overlmt_amt: '0', preselfpay_amt: '0', inscp_scp_amt: '1.00', chrgitm_lv: '01' })) }),
        () => c.uploadFees(ref, '21', [line('1', CODES.amoxicillin, '1', '1')], opts()),
      ],
      ['settlement money with a third place', ok({ setlinfo: { ...moneyFields('1.005'), setl_id: 'S1' } }), () => c.settle(ref, settleFacts(ZHANG, 100), opts())],
      ['settlement without setl_id', ok({ setlinfo: moneyFields('1.00') }), () => c.settle(ref, settleFacts(ZHANG, 100), opts())],
      ['settlement of another stay', ok({ setlinfo: { ...moneyFields('1.00'), setl_id: 'S1', mdtrt_id: 'ZY2' } }), () => c.settle(ref, settleFacts(ZHANG, 100), opts())],
      ['settlement as a number soup', ok(12345), () => c.preSettle(ref, settleFacts(ZHANG, 100), opts())],
    ];
    for (const [what, body, run] of cases) {
      answer = body;
      const o = await run();
      expect(o.kind, what).toBe('unknown');
      expect((o as { code?: string }).code, what).toBe('ANSWER_INVALID');
    }
    // JSON numbers for money are read exactly (provinces differ), and normalised to yuan strings.
    answer = ok({ setlinfo: { ...moneyFields(1), hifp_pay: 0.7, fund_pay_sumamt: 0.7, psn_cash_pay: 0.3, setl_id: 'S1' } });
    const s = await c.settle(ref, settleFacts(ZHANG, 100), opts());
    expect(expectOk(s).amounts.fundPay).toBe(70);
    expect((s as { output: { setlinfo: { hifp_pay: string } } }).output.setlinfo.hifp_pay).toBe('0.70');
  });

  it('a price the wire cannot carry is refused before anything is sent', async () => {
    answer = ok({ result: [] });
    const c = adapter('simple', hostile);
    const o = await c.uploadFees(ref, '21', [{ ...line('1', CODES.amoxicillin, '1', '1'), unitPrice: '1.123456789' }], opts());
    expectRejected(o, 'NATIONAL_NUMBER_INVALID');
  });
});

function moneyFields(v: string | number): Record<string, string | number> {
  const keys = ['medfee_sumamt', 'fulamt_ownpay_amt', 'overlmt_selfpay', 'preselfpay_amt', 'inscp_scp_amt', 'act_pay_dedc', 'hifp_pay', 'hifmi_pay', 'psn_part_amt', 'acct_pay', 'psn_cash_pay', 'fund_pay_sumamt'];
  return Object.fromEntries(keys.map((k) => [k, v]));
}

describe.each<Protocol>(['simple', 'national'])('inpatient settlements in reconciliation and clearing, %s protocol', (protocol) => {
  it('3201 over the day (ours) or for clr_type 21 (national) agrees, and the month\'s clearing for clr_type 21 is taken at those figures', async () => {
    const c = adapter(protocol);
    const { centerStayId } = expectOk(await c.admit(stayFacts(), opts()));
    const ref = { psnNo: ZHANG.psn_no, centerStayId };
    const lines = [line('1', CODES.amoxicillin, '12.5', '4'), line('2', CODES.cefuroxime, '36.8', '2')];
    expectOk(await c.uploadFees(ref, '21', lines, opts()));
    expectOk(await c.discharge(ref, { insutype: ZHANG.insutype }, DISCHARGE, opts()));
    const s = expectOk(await c.settle(ref, settleFacts(ZHANG, 12360), { ...opts(), extras: { medinsSetlId: 'JS1' } }));
    // Ours: the journal's settlement id is the center's medins_setl_id.
    if (protocol === 'simple') expect(rig.center.settlements().find((x) => x.setl_id === s.setlId)!.medins_setl_id).toBe('JS1');
    const fund = s.amounts.fundPay + s.amounts.criticalIllnessPay;
    const totals = { stmt_begndate: '2026-03-15', stmt_enddate: '2026-03-15', medfee_sumamt: '123.60', fund_pay_sumamt: fenToYuan(fund), acct_pay: fenToYuan(s.amounts.accountPay), fixmedins_setl_cnt: 1 };
    const stmt =
      protocol === 'simple'
        ? await rig.client.send('3201', { data: totals }, { msgid: msgid() })
        : await session.send('3201', { data: { ...totals, insutype: ZHANG.insutype, clr_type: '21', setl_optins: ZHANG.insuplc_admdvs } }, { msgid: msgid() });
    expect(stmt.kind, JSON.stringify(stmt)).toBe('success');
    expect((stmt as { output: { stmtinfo: { stmt_rslt: string } } }).output.stmtinfo.stmt_rslt).toBe('0');
    if (protocol === 'national') {
      // Not counted as outpatient (clr_type 11).
      const out = await session.send('3201', { data: { ...totals, insutype: ZHANG.insutype, clr_type: '11', setl_optins: ZHANG.insuplc_admdvs } }, { msgid: msgid() });
      expect((out as { output: { stmtinfo: { stmt_rslt: string } } }).output.stmtinfo.stmt_rslt).toBe('1');
    }
    const figures = { setlym: '202603', clrType: '21', psntime: 1, medfee: 12360, fund, account: s.amounts.accountPay, cash: 12360 - fund - s.amounts.accountPay, begndate: '2026-03-01', enddate: '2026-03-31' };
    const apply = apply3203(figures, protocol === 'simple' ? [s.setlId!] : undefined);
    const applied = protocol === 'simple' ? await rig.client.send('3203', apply, { msgid: msgid() }) : await session.send('3203', apply, { msgid: msgid() });
    expect(applied.kind, JSON.stringify(applied)).toBe('success');
  });
});
