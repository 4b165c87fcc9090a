// Issue 14, "exactly right under loss": a settlement or refund whose answer was lost (the center
// committed it, the window never heard) must not be counted twice by the next split for that
// person. A real app on a real SQLite file against the real sandbox center over HTTP; the
// center drops the answer after committing (dropAfterCommit), then the same person is settled
// again. The second settlement must carry exactly the figures the center computes (confirmed,
// no adjustment). On the old code the lost 2207 made the next split count it twice (deductible
// used up: came back adjusted) and the lost 2208 made it fail (a negative running total).
import type { CallInput, CallName } from '../../../electron/api/contract';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../../electron/app/create-app';
import type { SettleInput, SettlementPreview, SettlementView } from '../../../electron/api/contract/settlement';
import type { Session } from '../../../electron/api/session';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { SETTLEABLE } from './fixtures';
import { openDesk, type Desk } from '../../helpers/settlement-desk';
import { callApp } from '../../helpers/app-call';

let desk: Desk;
let center: SandboxCenter;
let app: App;
let cashier: Session;

const AMOX = 'XJ01CAA040A001010101445'; // class A
const byName = (name: string) => SETTLEABLE.find((p) => p.psn_name === name)!;
const bill = (name: string, quantity = '4'): SettleInput => ({
  person: { certType: '02', certNo: byName(name).certno },
  visit: { visitType: 'outpatient' },
  items: [{ code: AMOX, unitPrice: '12.50', quantity }],
  useAccount: true,
});

const call = <N extends CallName>(name: N, input: CallInput<N>) => callApp(app, cashier, name, input);
async function settle(input: SettleInput): Promise<SettlementView> {
  const r = await call('settlement.settle', input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
const uploadState = (id: string) => app.settlement.get(id)!.uploads[0]!.state;
const atCenter = (id: string) => center.settlements().filter((r) => r.medins_setl_id === id);

/** The center commits the next message of `infno` but its answer never arrives (also the client's one immediate resend). */
async function loseNextAnswer(infno: '2207' | '2208', settleOrRefund: () => Promise<SettlementView>): Promise<SettlementView> {
  expect(await app.center.probeNow()).toBe(true);
  await center.setFaults({ dropAfterCommit: { count: 2, infno } });
  const v = await settleOrRefund();
  await vi.waitFor(() => expect(uploadState(v.id), JSON.stringify(app.settlement.get(v.id)!.uploads)).toBe('unknown'), { timeout: 10_000 });
  await center.clearFaults();
  // The lost answer made the center look unreachable; the next probe finds it again.
  expect(await app.center.probeNow()).toBe(true);
  expect(app.center.isOnline()).toBe(true);
  return v;
}

/** Everything answered, then: the settlement as the center took it (state, adjustments). */
async function drained(id: string): Promise<SettlementView> {
  // Time passes: what waits out its backoff is due now, and later retries come quickly.
  const store = app.settlement.worker.store;
  for (const o of store.openItems(100)) store.dueNowForPerson(o.psn_no, new Date());
  app.settlement.configureOutbox({ backoff: { baseMs: 10, capMs: 50 } });
  const r = await app.settlement.drain({ untilEmpty: true, timeoutMs: 15_000 });
  app.settlement.configureOutbox({ backoff: { baseMs: 60_000, capMs: 60_000 } });
  expect(r.remaining, JSON.stringify(app.settlement.outboxStatus())).toBe(0);
  return app.settlement.get(id)!;
}

beforeAll(async () => {
  desk = await openDesk('settle-unknown-', {
    // A lost answer is retried only after a minute: the next settlement comes while it is unknown.
    outbox: { backoff: { baseMs: 60_000, capMs: 60_000 }, pollMs: 50 },
  });
  ({ app, center, cashier } = desk);
}, 60_000);

afterAll(() => desk?.close());

describe('a lost answer, then the next settlement for that person', () => {
  it('lost 2207 answer: the next split asks the center first and equals the center\'s figures (no adjustment, nothing twice)', async () => {
    const p = '李秀英'; // 100 yuan below the yearly deductible: counting the first twice used it up
    const first = await loseNextAnswer('2207', () => settle(bill(p)));
    expect(atCenter(first.id)).toHaveLength(1); // committed there, unknown here

    const second = await settle(bill(p));
    // The first was resolved (resent with its own msgid, answered from the center's store)
    // before the second was split; the second was split on the center's year.
    expect(uploadState(first.id)).toBe('confirmed');
    expect(second).toMatchObject({ online: true, provisional: false });
    expect(second.explanation.some((e) => e.rule === 'basis')).toBe(false);
    expect(second.money.deductible).toBe(first.money.deductible); // 50.00 of the 100.00 each time

    const took = await drained(second.id);
    expect(took.state).toBe('confirmed');
    expect(took.adjustments).toEqual([]);
    expect(atCenter(first.id)).toHaveLength(1);
    expect(atCenter(second.id)).toHaveLength(1);
  });

  it('lost 2208 answer: the next settlement is not refused (no negative running total) and equals the center\'s figures', async () => {
    const p = '王芳';
    const orig = await settle(bill(p, '2'));
    expect((await drained(orig.id)).state).toBe('confirmed');
    const refund = await loseNextAnswer('2208', async () => {
      const r = await call('settlement.refund', { id: orig.id, supervisorId: '2001', supervisorPin: '246810', reason: '退药' });
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      return r.value;
    });
    expect(atCenter(orig.id)[0]!.cancelled_by).toBeTruthy(); // the center cancelled it

    const next = await settle(bill(p, '3'));
    expect(uploadState(refund.id)).toBe('confirmed');
    expect(next.provisional).toBe(false);
    const took = await drained(next.id);
    expect(took.state).toBe('confirmed');
    expect(took.adjustments).toEqual([]);
    expect(center.settlements().filter((r) => r.kind === 'cancel' && r.psn_no === byName(p).psn_no)).toHaveLength(1);
  });

  it('the center keeps dropping: the split is based on the local view (the unknown one counted once), provisional, and says so', async () => {
    const p = '周杰';
    expect(await app.center.probeNow()).toBe(true);
    await center.setFaults({ dropAfterCommit: { count: 1000, infno: '2207' } });
    let first: SettlementView;
    let second: SettlementView;
    let preview: SettlementPreview;
    try {
      first = await settle(bill(p, '2'));
      await vi.waitFor(() => expect(uploadState(first.id)).toBe('unknown'), { timeout: 10_000 });
      // Each lost answer makes the center look unreachable until the next probe: found again,
      // asked again (the resend is dropped again), so the outcome stays unknown.
      expect(await app.center.probeNow()).toBe(true);
      const r = await call('settlement.preview', bill(p, '2'));
      if (!r.ok) throw new Error(r.error.message);
      preview = r.value;
      expect(await app.center.probeNow()).toBe(true);
      second = await settle(bill(p, '2'));
    } finally {
      await center.clearFaults();
    }
    expect(app.settlement.get(first.id)!.uploads[0]!.attempts).toBeGreaterThanOrEqual(2); // asked again before each split
    expect(preview.basis).toEqual({ kind: 'local', unresolved: 1 });
    expect(preview.provisional).toBe(true);
    expect(preview.split.explanation[0]).toMatchObject({ rule: 'basis', key: 'basis.local', params: { count: '1' } });
    expect(second.provisional).toBe(true);
    expect(second.explanation[0]!.text).toContain('尚未答复');

    expect(await app.center.probeNow()).toBe(true);
    const took = await drained(second.id);
    expect(app.settlement.get(first.id)!.state).toBe('confirmed');
    expect(took.state).toBe('confirmed');
    expect(took.adjustments).toEqual([]);
    expect(atCenter(first.id)).toHaveLength(1);
    expect(atCenter(second.id)).toHaveLength(1);
  });

  it('offline with an unknown outcome: the local view, provisional, and the center agrees once back', async () => {
    const p = '张伟';
    const first = await loseNextAnswer('2207', () => settle(bill(p, '2')));
    await center.setOffline(true);
    await app.center.probeNow();
    expect(app.center.isOnline()).toBe(false);
    let second: SettlementView;
    try {
      second = await settle(bill(p, '2'));
    } finally {
      await center.setOffline(false);
      await app.center.probeNow();
    }
    expect(second).toMatchObject({ online: false, provisional: true });
    expect(second.explanation[0]).toMatchObject({ rule: 'basis' });
    // Another process on the folder signed out (9002 drops the shared number): the uploads
    // that follow still go out signed in.
    app.db.prepare("DELETE FROM center_state WHERE key = 'sign_no'").run();
    expect(app.center.isOnline()).toBe(true);
    const took = await drained(second.id);
    expect(app.settlement.get(first.id)!.state).toBe('confirmed');
    expect(took.state).toBe('confirmed');
    expect(took.adjustments).toEqual([]);
  });

  it('every message this test sent carried a sign-in number', () => {
    const env = center.envelopes().filter((e) => ['1101', '2207', '2208'].includes(e.infno));
    expect(env.length).toBeGreaterThan(8);
    for (const e of env) expect(e.sign_no, `${e.infno} ${e.msgid}`).toMatch(/^SN\d+/);
  });
});
