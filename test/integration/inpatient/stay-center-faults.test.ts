// A stay through the center with the faults stay-center.test.ts does not inject (issue 19), on a
// real app against the real HTTP sandbox center in BOTH protocols: malformed answers (not JSON,
// HTTP 500, cut off) and, in the national protocol, an expired sign-in, a gateway error and
// infcode 0 with an err_msg — every step still reaches the center exactly once. A mid-stay
// settlement and then the discharge settlement agree with the center to the fen (the deductible
// once per stay on both sides); the undo steps (2302 a batch and "0000", 2405, 2404) are done at
// the center.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallInput, CallName } from '../../../electron/api/contract';
import type { Session } from '../../../electron/api/session';
import type { App } from '../../../electron/app/create-app';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { callOk } from '../../helpers/app-call';
import type { Desk } from '../../helpers/settlement-desk';
import { openStayDesk, sentStay } from '../../helpers/stay-desk';
import { SETTLEABLE } from '../settlement/fixtures';

const NURSING = '120100001000000'; // 一级护理, class A service
const BLOOD = '250101015000000'; // 血常规, class A
const admission = { department: { code: 'NK', name: '内科' }, ward: '五病区', bed: '3', doctor: { code: 'D02', name: '王医生' }, diagnoses: ['J18.9'], hospitalLevel: 1 };

describe.each(['simple', 'national'] as const)('a stay through the center with malformed and national faults, %s protocol', (protocol) => {
  let desk: Desk;
  let center: SandboxCenter;
  let app: App;
  let cashier: Session;
  const ok = <N extends CallName>(s: Session, name: N, input: CallInput<N>) => callOk(app, s, name, input);

  const sent = (stayId: string, rounds?: number) => sentStay(app, cashier, stayId, rounds);
  /** Every fault switched on has fired (its count used up): the step really met it. */
  const fired = () => {
    const f = center.faults;
    for (const c of [f.malformed, f.signInExpired, f.gatewayError, f.errWithSuccess]) expect(c?.count ?? 0).toBe(0);
  };
  /** Distinct message ids the center saw for an infno (each step has one). */
  const msgids = (infno: string) => new Set(center.envelopes().filter((e) => e.infno === infno).map((e) => e.msgid)).size;

  beforeAll(async () => {
    desk = await openStayDesk(`inpt-center-faults-${protocol}-`, { flags: { centerProtocol: protocol } });
    ({ center, app, cashier } = desk);
  }, 60_000);

  afterAll(() => desk?.close());

  it('malformed answers (and the national faults) at every step: each step once at the center; a mid-stay and a discharge settlement agree to the fen', async () => {
    const p = SETTLEABLE.find((x) => x.insutype === '310')!;
    await center.clearFaults();
    // 2401 answered with something that is not JSON: unknown, sent again under its msgid.
    await center.setFaults({ malformed: { mode: 'not-json', count: 1, infno: '2401' } });
    let stay = await ok(cashier, 'inpatient.admit', { person: { certType: '02', certNo: p.certno }, admission });
    stay = await sent(stay.id);
    fired();
    expect(stay.centerStayId).toBeTruthy();
    expect(msgids('2401')).toBe(1);

    // 2301: HTTP 500 after the commit; national: the sign-in expired too.
    await center.setFaults({ malformed: { mode: 'http-500', count: 1, infno: '2301' }, ...(protocol === 'national' ? { signInExpired: { count: 1, infno: '2301' } } : {}) });
    await ok(cashier, 'inpatient.addFees', { stayId: stay.id, items: [{ code: NURSING, unitPrice: '1000.00', quantity: '2' }, { code: BLOOD, unitPrice: '25.00', quantity: '4' }] });
    stay = await sent(stay.id);
    fired();
    expect(stay.batches.map((b) => b.upload)).toEqual(['done']);
    expect(center.stay(stay.centerStayId!)!.openFees).toBe(2);
    expect(msgids('2301')).toBe(1);

    // Mid-stay: the center's pre-settlement is the window's estimate; the settlement agrees.
    const midLocal = await ok(cashier, 'inpatient.estimate', { stayId: stay.id });
    const midPre = await ok(cashier, 'inpatient.preSettle', { stayId: stay.id, midStay: true });
    expect(midPre.source).toBe('center');
    expect(midPre.money).toEqual(midLocal.money);
    await center.setFaults({ malformed: { mode: 'truncated', count: 1, infno: '2304' } });
    const mid = await ok(cashier, 'inpatient.settle', { stayId: stay.id, midStay: true, cashReceived: 1_000_000 });
    stay = await sent(stay.id);
    fired();
    expect(stay.state).toBe('admitted');
    expect((await ok(cashier, 'settlement.get', { id: mid.settlementId })).state).toBe('confirmed');

    // More fees, discharge (national: the gateway fails once), then the rest settled.
    await ok(cashier, 'inpatient.addFees', { stayId: stay.id, items: [{ code: NURSING, unitPrice: '1000.00', quantity: '1' }] });
    if (protocol === 'national') await center.setFaults({ gatewayError: { count: 1, infno: '2402' } });
    await ok(cashier, 'inpatient.discharge', { stayId: stay.id, diagnoses: ['J18.9'] });
    stay = await sent(stay.id);
    fired();
    expect(center.stay(stay.centerStayId!)!.state).toBe('discharged');
    expect(msgids('2402')).toBe(1);
    const finLocal = await ok(cashier, 'inpatient.estimate', { stayId: stay.id });
    const finPre = await ok(cashier, 'inpatient.preSettle', { stayId: stay.id });
    expect(finPre.source).toBe('center');
    // The deductible was charged by the mid-stay settlement: not again, on either side.
    expect(finPre.money).toEqual(finLocal.money);
    if (protocol === 'national') await center.setFaults({ errWithSuccess: { count: 1, infno: '2304' } });
    else await center.setFaults({ malformed: { mode: 'garbage', count: 1, infno: '2304' } });
    const fin = await ok(cashier, 'inpatient.settle', { stayId: stay.id, cashReceived: 1_000_000 });
    stay = await sent(stay.id);
    fired();
    expect((await ok(cashier, 'settlement.get', { id: fin.settlementId })).state).toBe('confirmed');
    expect(center.stay(stay.centerStayId!)).toMatchObject({ state: 'settled', unsettledFees: 0 });
    expect(center.stay(stay.centerStayId!)!.liveSettlements.map((x) => x.mid)).toEqual([true, false]);
    expect(msgids('2304')).toBe(2);
    expect(stay.uploads.every((u) => u.state === 'done')).toBe(true);
  });

  it('revoking a batch and all fees, undoing the discharge and cancelling the admission are done at the center', async () => {
    const p = SETTLEABLE.filter((x) => x.insutype === '310')[1] ?? SETTLEABLE[1]!;
    await center.clearFaults();
    let stay = await ok(cashier, 'inpatient.admit', { person: { certType: '02', certNo: p.certno }, admission });
    stay = await ok(cashier, 'inpatient.addFees', { stayId: stay.id, items: [{ code: NURSING, unitPrice: '100.00', quantity: '1' }] });
    stay = await ok(cashier, 'inpatient.addFees', { stayId: stay.id, items: [{ code: BLOOD, unitPrice: '25.00', quantity: '1' }, { code: BLOOD, unitPrice: '25.00', quantity: '2' }] });
    stay = await sent(stay.id);
    fired();
    expect(center.stay(stay.centerStayId!)!.openFees).toBe(3);
    // One batch (two lines) revoked, with a malformed answer on the way.
    await center.setFaults({ malformed: { mode: 'wrong-types', count: 1, infno: '2302' } });
    await ok(cashier, 'inpatient.revokeFees', { stayId: stay.id, batchId: stay.batches[1]!.id, reason: '医嘱取消' });
    stay = await sent(stay.id);
    fired();
    expect(center.stay(stay.centerStayId!)).toMatchObject({ openFees: 1, unsettledFees: 1 });
    await ok(cashier, 'inpatient.discharge', { stayId: stay.id, diagnoses: ['J18.9'] });
    stay = await sent(stay.id);
    fired();
    await center.setFaults({ malformed: { mode: 'missing-fields', count: 1, infno: '2405' } });
    await ok(cashier, 'inpatient.undoDischarge', { stayId: stay.id, reason: '出院登记有误', supervisorId: '2001', supervisorPin: '246810' });
    stay = await sent(stay.id);
    fired();
    expect(center.stay(stay.centerStayId!)!.state).toBe('admitted');
    await ok(cashier, 'inpatient.revokeFees', { stayId: stay.id, batchId: 'all', reason: '转院' });
    await ok(cashier, 'inpatient.cancelAdmission', { stayId: stay.id, reason: '转院', supervisorId: '2001', supervisorPin: '246810' });
    stay = await sent(stay.id);
    fired();
    expect(center.stay(stay.centerStayId!)).toMatchObject({ state: 'cancelled', openFees: 0 });
    expect(stay.uploads.every((u) => u.state === 'done')).toBe(true);
  });
});
