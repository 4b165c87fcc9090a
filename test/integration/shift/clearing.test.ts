// Monthly clearing (issue 17; docs/CLEARING.md), in both center protocols: a month of
// settlements made by the window (outpatient and inpatient, a refund) goes through
// reconcile → prepare → preview → send (its answer lost, sent again under the same msgid) →
// cancel (its answer lost too) → prepare and send again → the fund pays → receivables paid; a
// prepared application whose reconciliation changed before sending is refused as stale.
// Real app, real SQLite, the real sandbox center over HTTP; the expected figures are the
// center's own settlements, summed here.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../electron/app/create-app';
import { ManualClock } from '../../../electron/app/clock';
import type { SettleInput, SettlementView } from '../../../electron/api/contract/settlement';
import { newSession, type Session } from '../../../electron/api/session';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import type { CallInput, CallName } from '../../../electron/api/contract';
import { callCode, callOk } from '../../helpers/app-call';
import { tempDir } from '../../helpers/temp-app';
import { openClient, prepareClient, SETTLEABLE, startCenter } from '../settlement/fixtures';

const AMOX = 'XJ01CAA040A001010101445';
const CEFU = 'XJ01DCC040A001010101234';
/** Days of March 2026 with settlements; the clinic clears March in April. */
const DAYS = ['02', '05', '09', '13', '17', '21', '25', '30'];

describe.each(['simple', 'national'] as const)('monthly clearing, %s protocol', (protocol) => {
  let dir: string;
  let clock: ManualClock;
  let center: SandboxCenter;
  let app: App;

  const call = <N extends CallName>(s: Session, name: N, input: CallInput<N>) => callOk(app, s, name, input);
  /** The refused call's code ('OK' when it was accepted: the expectation fails there). */
  const refused = <N extends CallName>(s: Session, name: N, input: CallInput<N>) => callCode(app, s, name, input);
  /** Log in afresh: the idle lock runs on the app clock, which the test moves by days. */
  async function login(id: string, pin: string): Promise<Session> {
    const s = newSession('test');
    await call(s, 'auth.login', { operatorId: id, pin });
    return s;
  }
  const bill = (name: string, n: number, visitType: 'outpatient' | 'inpatient'): SettleInput => ({
    person: { certType: '02', certNo: SETTLEABLE.find((p) => p.psn_name === name)!.certno },
    visit: { visitType },
    items: [{ code: AMOX, unitPrice: '12.50', quantity: String(1 + (n % 3)) }, { code: CEFU, unitPrice: '28.00', quantity: '1' }],
    useAccount: true,
  });
  /** The center's own figures for what it holds of March (active rows; a cancel counts negative). */
  function centerMarch(setlIds: ReadonlySet<string>) {
    const rows = center.settlements().filter((r) => r.state === 'active' && r.setl_date.startsWith('2026-03') && setlIds.has(r.setl_id));
    const t = { rows: rows.length, psntime: 0, medfee: 0, fund: 0, account: 0 };
    for (const r of rows) {
      t.psntime += r.kind === 'settle' ? 1 : -1;
      t.medfee += r.amounts.total;
      t.fund += r.amounts.fundPay + r.amounts.criticalIllnessPay;
      t.account += r.amounts.accountPay;
    }
    return t;
  }

  beforeAll(async () => {
    dir = tempDir(`clearing-${protocol}-`);
    clock = new ManualClock(new Date('2026-03-02T09:00:00+08:00'));
    center = await startCenter(join(dir, 'center'), clock);
    app = await openClient({ dataDir: join(dir, 'client'), centerUrl: center.url, clock, flags: protocol === 'national' ? { centerProtocol: 'national', centerAnswerWaitSeconds: '5' } : {} });
    await prepareClient(app);
    app.settlement.configureOutbox({ backoff: { baseMs: 10, capMs: 50 }, pollMs: 20 });
    app.settlement.worker.start();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await center?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reconcile → prepare → preview → send (lost answer) → cancel (lost answer) → send again → paid', async () => {
    const names = [...new Set(SETTLEABLE.map((p) => p.psn_name))].slice(0, 4);
    const made: SettlementView[] = [];
    let n = 0;
    for (const day of DAYS) {
      clock.set(new Date(`2026-03-${day}T10:00:00+08:00`));
      const cashier = await login('1001', '1234');
      for (let k = 0; k < 2; k++, n++) made.push(await call(cashier, 'settlement.settle', bill(names[n % names.length]!, n, n === 5 ? 'inpatient' : 'outpatient')));
      await app.settlement.drain({ untilEmpty: true, timeoutMs: 20_000 });
      if (day === '13') await call(cashier, 'settlement.refund', { id: made[2]!.id, supervisorId: '2001', supervisorPin: '246810', reason: '患者取消' });
      await app.settlement.drain({ untilEmpty: true, timeoutMs: 20_000 });
    }
    expect(made.filter((s) => s.visitType === 'inpatient')).toHaveLength(1);

    clock.set(new Date('2026-04-03T10:00:00+08:00'));
    let sup = await login('2001', '246810');
    // Nothing is reconciled yet: nothing to apply for.
    expect(await refused(sup, 'clearing.prepare', { setlym: '202603', clrType: '11' })).toBe('CLEARING_EMPTY');
    const before = await call(sup, 'clearing.month', { setlym: '202603' });
    expect(before.monthOpen).toBe(false);
    expect(before.types.find((t) => t.clrType === '11')!.stages).toMatchObject({ uploaded: 14, reconciled: 0 }); // 15 outpatient less the refunded one

    const rec = await call(sup, 'reconcile.run', { from: '2026-03-01', to: '2026-03-31' });
    expect(rec.result, JSON.stringify(rec.groups)).toBe('match');

    // The preview is the center's own March figures for that clearing type.
    const month = await call(sup, 'clearing.month', { setlym: '202603' });
    const inpatientLocal = made.find((s) => s.visitType === 'inpatient')!;
    const inpatientCenterId = String(app.db.prepare('SELECT center_setl_id FROM settlements WHERE id = ?').pluck().get(inpatientLocal.id));
    const inpatientIds = new Set([inpatientCenterId]);
    const outpatientIds = new Set(center.settlements().map((r) => r.setl_id).filter((id) => id !== inpatientCenterId));
    const out = month.types.find((t) => t.clrType === '11')!;
    const inp = month.types.find((t) => t.clrType === '21')!;
    const expected11 = centerMarch(outpatientIds);
    expect(expected11.rows).toBe(16); // 15 outpatient settlements and the refund row
    expect(out.candidates).toEqual({ ...expected11, cash: expected11.medfee - expected11.fund - expected11.account });
    expect(inp.candidates).toMatchObject(centerMarch(inpatientIds));
    expect(out.stages).toMatchObject({ uploaded: 0, reconciled: 14, applied: 0 });

    const prepared = await call(sup, 'clearing.prepare', { setlym: '202603', clrType: '11' });
    expect(prepared).toMatchObject({ state: 'prepared', clrType: '11', totals: out.candidates, sendMsgid: null });
    expect(center.clearings()).toEqual([]);

    // What was seen must be what is sent: a settlement whose local amount drifted is found by the
    // next reconciliation, leaves the reconciled rows, and the prepared application is stale.
    const drifted = made[0]!.id;
    app.db.prepare('UPDATE settlements SET total = total + 1, cash_pay = cash_pay + 1 WHERE id = ?').run(drifted);
    const bad = await call(sup, 'reconcile.run', { from: '2026-03-01', to: '2026-03-31' });
    expect(bad.discrepancies.map((d) => d.settlementId)).toEqual([drifted]);
    expect(await refused(sup, 'clearing.send', { id: prepared.id })).toBe('CLEARING_STALE');
    expect(center.clearings()).toEqual([]);
    expect((await call(sup, 'clearing.trace', { settlementId: drifted })).stage).toBe('uploaded');
    app.db.prepare('UPDATE settlements SET total = total - 1, cash_pay = cash_pay - 1 WHERE id = ?').run(drifted);
    const rec2 = await call(sup, 'reconcile.run', { from: '2026-03-01', to: '2026-03-31' });
    expect(rec2.result).toBe('match');

    // Sent; the center commits and the answer is lost (twice: the client itself resends once on
    // a kept-alive socket that breaks, under the same msgid).
    await center.setFaults({ dropAfterCommit: { count: 2, infno: '3203' } });
    expect(await refused(sup, 'clearing.send', { id: prepared.id })).toBe('CENTER_UNREACHABLE');
    await center.clearFaults();
    const lost = (await call(sup, 'clearing.month', { setlym: '202603' })).applications.find((a) => a.id === prepared.id)!;
    expect(lost.state).toBe('sending');
    // Kept as a code and its facts, so an English window words it in English (not the Chinese message).
    expect(lost.lastError).toMatchObject({ code: 'CENTER_UNREACHABLE', details: { infno: '3203' } });
    expect(lost.sendMsgid).toMatch(/^\d|^H/);
    expect(center.clearings()).toHaveLength(1);
    // Asked again: the same msgid, the center's first answer, still one application there.
    const sent = await call(sup, 'clearing.send', { id: prepared.id });
    expect(sent).toMatchObject({ state: 'sent', sendMsgid: lost.sendMsgid, centerAppyId: center.clearings()[0]!.appy_id, lastError: null });
    expect(center.clearings()).toHaveLength(1);
    const applyMsgids = center.envelopes().filter((e) => e.infno === '3203').map((e) => e.msgid);
    expect(applyMsgids.length).toBeGreaterThanOrEqual(2);
    expect(new Set(applyMsgids)).toEqual(new Set([lost.sendMsgid]));
    // A second application of the same month and type is refused while this one lives.
    expect(await refused(sup, 'clearing.prepare', { setlym: '202603', clrType: '11' })).toBe('CLEARING_EXISTS');
    expect((await call(sup, 'clearing.month', { setlym: '202603' })).types.find((t) => t.clrType === '11')!.stages).toMatchObject({ reconciled: 0, applied: 14 });

    // Cancelled; that answer is lost too, and asked again under its msgid.
    await center.setFaults({ dropAfterCommit: { count: 2, infno: '3204' } });
    expect(await refused(sup, 'clearing.cancel', { id: prepared.id })).toBe('CENTER_UNREACHABLE');
    await center.clearFaults();
    expect((await call(sup, 'clearing.month', { setlym: '202603' })).applications[0]!.state).toBe('cancelling');
    expect(center.clearings()[0]!.state).toBe('cancelled');
    const cancelled = await call(sup, 'clearing.cancel', { id: prepared.id });
    expect(cancelled.state).toBe('cancelled');
    const cancelMsgids = center.envelopes().filter((e) => e.infno === '3204').map((e) => e.msgid);
    expect(cancelMsgids.length).toBeGreaterThanOrEqual(2);
    expect(new Set(cancelMsgids)).toEqual(new Set([cancelled.cancelMsgid]));

    // Prepared and sent again: a new application, the same figures.
    const again = await call(sup, 'clearing.prepare', { setlym: '202603', clrType: '11' });
    expect(again.id).not.toBe(prepared.id);
    expect(again.totals).toEqual(prepared.totals);
    const sentAgain = await call(sup, 'clearing.send', { id: again.id });
    expect(sentAgain.state).toBe('sent');
    expect(center.clearings().map((c) => c.state)).toEqual(['cancelled', 'applied']);
    expect(center.clearings()[1]).toMatchObject({ medfee: expected11.medfee, fund: expected11.fund, acct: expected11.account, psntime: expected11.psntime });

    // Nothing paid yet; then the fund pays and the next refresh says so.
    expect((await call(sup, 'clearing.refresh', {}))[0]!.state).toBe('sent');
    expect(center.payClearing()).toEqual([sentAgain.centerAppyId]);
    clock.set(new Date('2026-04-20T10:00:00+08:00'));
    sup = await login('2001', '246810');
    const refreshed = await call(sup, 'clearing.refresh', {});
    expect(refreshed).toEqual([expect.objectContaining({ id: again.id, state: 'paid' })]);

    // Receivables: every outpatient settlement of March paid in full; the inpatient one is only reconciled.
    const recv = await call(sup, 'receivables.summary', { limit: 100 });
    const outpatientLocal = made.filter((s) => s.visitType !== 'inpatient' && s.id !== made[2]!.id).map((s) => s.id);
    for (const id of outpatientLocal) {
      expect(recv.rows.find((r) => r.settlementId === id)).toBeUndefined(); // nothing outstanding: off the open list
      const t = await call(sup, 'clearing.trace', { settlementId: id });
      expect(t).toMatchObject({ stage: 'paid', reconciled: { runId: rec2.runId }, application: { id: again.id, state: 'paid' } });
    }
    const inpatient = made.find((s) => s.visitType === 'inpatient')!;
    expect(recv.rows.find((r) => r.settlementId === inpatient.id)).toMatchObject({ stage: 'reconciled' });
    // Paid in full are those the clinic advanced money for (by the center's amounts): not refunded, fund or account > 0.
    const advanced = center.settlements().filter((r) => r.kind === 'settle' && !r.cancelled_by && outpatientIds.has(r.setl_id) && r.amounts.fundPay + r.amounts.criticalIllnessPay + r.amounts.accountPay > 0);
    expect(advanced.length).toBeGreaterThan(5);
    expect(recv.byStatus.paid?.count).toBe(advanced.length);
    expect((await call(sup, 'clearing.month', { setlym: '202603' })).types.find((t) => t.clrType === '11')!.stages).toMatchObject({ applied: 0, paid: 14 });
    // Paid cannot be cancelled; refreshing again changes nothing.
    expect(await refused(sup, 'clearing.cancel', { id: again.id })).toBe('CLEARING_NOT_ALLOWED');
    expect(await call(sup, 'clearing.refresh', {})).toEqual([]);
  }, 240_000);
});
