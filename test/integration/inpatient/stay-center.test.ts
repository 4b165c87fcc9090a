// A stay through the center (issue 19), on a real app against the real HTTP sandbox center, in
// BOTH protocols: admission (2401 → mdtrt_id), fee batches (2301, each exactly once), discharge
// (2402), pre-settlement (2303, the center's figures), settlement (2304, the journal row takes
// the center's answer), cancel (2305) — with the sandbox's faults at every step (busy, an answer
// lost after the commit, a refusal), and offline then replayed in the stay's commit order.
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
const admission = { department: { code: 'NK', name: '内科' }, ward: '三病区', bed: '12', doctor: { code: 'D01', name: '李医生' }, diagnoses: ['J18.9'], hospitalLevel: 1 };

describe.each(['simple', 'national'] as const)('a stay through the center, %s protocol', (protocol) => {
  let desk: Desk;
  let center: SandboxCenter;
  let app: App;
  let cashier: Session;
  let supervisor: Session;
  const ok = <N extends CallName>(s: Session, name: N, input: CallInput<N>) => callOk(app, s, name, input);

  /** Send until the stay has nothing open; the view after. */
  const sent = (stayId: string, rounds?: number) => sentStay(app, cashier, stayId, rounds);
  const envelopes = (infno: string) => center.envelopes().filter((e) => e.infno === infno);

  beforeAll(async () => {
    desk = await openStayDesk(`inpt-center-${protocol}-`, { flags: { centerProtocol: protocol } });
    ({ center, app, cashier, supervisor } = desk);
  }, 60_000);

  afterAll(() => desk?.close());

  it('online, with a fault at every step: each step reaches the center once, the settlement takes its answer, the cancel undoes it', async () => {
    const p = SETTLEABLE.find((x) => x.psn_name === '王芳')!;
    // 2401 busy once, then answered.
    await center.setFaults({ busy: { count: 1, infno: '2401' } });
    let stay = await ok(cashier, 'inpatient.admit', { person: { certType: '02', certNo: p.certno }, admission });
    stay = await sent(stay.id);
    expect(stay.centerStayId).toBeTruthy();
    expect(center.stay(stay.centerStayId!)!.state).toBe('admitted');
    await ok(cashier, 'inpatient.deposit', { stayId: stay.id, amount: 500_000, method: 'cash' });

    // 2301: the first batch's answer lost after the center committed it; the second busy once.
    await center.setFaults({ dropAfterCommit: { count: 1, infno: '2301' } });
    await ok(cashier, 'inpatient.addFees', { stayId: stay.id, items: [{ code: NURSING, unitPrice: '1000.00', quantity: '3' }] });
    stay = await sent(stay.id);
    await center.setFaults({ busy: { count: 1, infno: '2301' } });
    await ok(cashier, 'inpatient.addFees', { stayId: stay.id, items: [{ code: BLOOD, unitPrice: '25.00', quantity: '2' }] });
    stay = await sent(stay.id);
    expect(stay.batches.map((b) => b.upload)).toEqual(['done', 'done']);
    // Each batch once at the center: two lines held; two 2301 messages (msgids), the lost one resent under its own.
    expect(center.stay(stay.centerStayId!)!.openFees).toBe(2);
    expect(new Set(envelopes('2301').map((e) => e.msgid)).size).toBe(2);

    // 2402 lost after commit once.
    await center.setFaults({ dropAfterCommit: { count: 1, infno: '2402' } });
    await ok(cashier, 'inpatient.discharge', { stayId: stay.id, diagnoses: ['J18.9'] });
    stay = await sent(stay.id);
    expect(center.stay(stay.centerStayId!)!.state).toBe('discharged');

    // 2303: the center's figures, equal to the local split (same policy, same year).
    const local = await ok(cashier, 'inpatient.estimate', { stayId: stay.id });
    const pre = await ok(cashier, 'inpatient.preSettle', { stayId: stay.id });
    expect(pre.source).toBe('center');
    expect(pre.centerUnavailable).toBeNull();
    expect(pre.money).toEqual(local.money);
    expect(pre.netting.refund).toBe(500_000 - local.money.cash);

    // 2304 lost after commit once: resent under the same msgid, the center's stored answer applied.
    await center.setFaults({ dropAfterCommit: { count: 1, infno: '2304' } });
    const s = await ok(cashier, 'inpatient.settle', { stayId: stay.id });
    stay = await sent(stay.id);
    const row = await ok(cashier, 'settlement.get', { id: s.settlementId });
    expect(['confirmed', 'adjusted']).toContain(row.state);
    expect(row.uploads.some((u) => u.state === 'confirmed' || u.state === 'adjusted')).toBe(true);
    expect(center.stay(stay.centerStayId!)!.liveSettlements).toHaveLength(1);
    expect(new Set(envelopes('2304').map((e) => e.msgid)).size).toBe(1);
    const ov = await ok(supervisor, 'inpatient.overview', {});
    expect(ov.settledNotUploaded.map((x) => x.id)).not.toContain(stay.id);

    // 2305 busy once; the center's settlement undone, the journal's refund row done.
    await center.setFaults({ busy: { count: 1, infno: '2305' } });
    stay = await ok(cashier, 'inpatient.cancelSettlement', { stayId: stay.id, settlementId: s.settlementId, reason: '结算有误', supervisorId: '2001', supervisorPin: '246810' });
    stay = await sent(stay.id);
    expect(center.stay(stay.centerStayId!)!.liveSettlements).toHaveLength(0);
    expect(stay.uploads.map((u) => [u.kind, u.state])).toEqual([
      ['admit', 'done'],
      ['fees', 'done'],
      ['fees', 'done'],
      ['discharge', 'done'],
      ['settle', 'done'],
      ['cancelSettlement', 'done'],
    ]);
    const orig = await ok(supervisor, 'settlement.get', { id: s.settlementId });
    expect(orig.state).toBe('refunded');
    const refund = await ok(supervisor, 'settlement.get', { id: orig.refundedBy! });
    expect(refund.state).toBe('confirmed');
  });

  it('offline: the stay goes on, its steps wait; back online they are replayed in commit order, each once', async () => {
    const p = SETTLEABLE.find((x) => x.psn_name === '杨磊')!;
    await center.clearFaults();
    await center.setOffline(true);
    await app.center.probeNow();
    expect(app.center.isOnline()).toBe(false);
    let stay = await ok(cashier, 'inpatient.admit', { person: { certType: '02', certNo: p.certno }, admission });
    await ok(cashier, 'inpatient.addFees', { stayId: stay.id, items: [{ code: NURSING, unitPrice: '500.00', quantity: '2' }] });
    await ok(cashier, 'inpatient.addFees', { stayId: stay.id, items: [{ code: BLOOD, unitPrice: '25.00', quantity: '1' }] });
    await ok(cashier, 'inpatient.discharge', { stayId: stay.id, diagnoses: ['J18.9'] });
    const pre = await ok(cashier, 'inpatient.preSettle', { stayId: stay.id });
    expect(pre.source).toBe('local');
    expect(pre.centerUnavailable).not.toBeNull();
    const s = await ok(cashier, 'inpatient.settle', { stayId: stay.id, cashReceived: 1_000_000 });
    stay = await ok(cashier, 'inpatient.get', { stayId: stay.id });
    expect(stay.centerStayId).toBeNull();
    expect(stay.pendingUploads).toBe(5);
    await center.setOffline(false);
    await app.center.probeNow();
    stay = await sent(stay.id);
    expect(stay.pendingUploads).toBe(0);
    expect(stay.centerStayId).toBeTruthy();
    const at = center.stay(stay.centerStayId!)!;
    expect(at.openFees).toBe(2);
    expect(at.liveSettlements).toHaveLength(1);
    const row = await ok(cashier, 'settlement.get', { id: s.settlementId });
    expect(['confirmed', 'adjusted']).toContain(row.state);
  });

  it('a refused admission: the stay shows it, and its later steps are refused without being sent', async () => {
    const p = SETTLEABLE.find((x) => x.psn_name === '周杰')!;
    // The person is looked up (and cached) first; the center refuses them only when the 2401 arrives.
    await center.clearFaults();
    await app.center.lookupPerson({ certType: '02', certNo: p.certno });
    await center.setOffline(true);
    await app.center.probeNow();
    let stay = await ok(cashier, 'inpatient.admit', { person: { certType: '02', certNo: p.certno }, admission });
    await ok(cashier, 'inpatient.addFees', { stayId: stay.id, items: [{ code: NURSING, unitPrice: '100.00', quantity: '1' }] });
    await center.setOffline(false);
    await center.setFaults({ rejectPersons: { [p.psn_no]: '参保信息待核实' } });
    await app.center.probeNow();
    const before = envelopes('2301').length;
    stay = await sent(stay.id);
    await center.clearFaults();
    expect(stay.uploads.map((u) => [u.kind, u.state])).toEqual([
      ['admit', 'rejected'],
      ['fees', 'rejected'],
    ]);
    expect(stay.uploads[0]!.lastError).toContain('参保信息待核实');
    expect(stay.uploads[1]!.lastError).toContain('入院登记被中心拒绝');
    // The batch never went out.
    expect(envelopes('2301').length).toBe(before);
    expect(stay.centerStayId).toBeNull();
  });
});
