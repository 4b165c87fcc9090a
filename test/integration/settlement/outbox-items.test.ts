// outbox.items, the queue list behind the cashier's Ctrl+U: on a real app and a real sandbox
// center taken offline, each open upload comes with its deadline (created + uploadDeadlineHours),
// turns "near" in the last quarter of that window and "past" after it, and leaves the list once
// the center has it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../electron/app/clock';
import type { App } from '../../../electron/app/create-app';
import type { OutboxItemsView, SettleInput } from '../../../electron/api/contract/settlement';
import type { Session } from '../../../electron/api/session';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { SETTLEABLE } from './fixtures';
import { openDesk, type Desk } from '../../helpers/settlement-desk';
import { callApp } from '../../helpers/app-call';

let desk: Desk;
let center: SandboxCenter;
let app: App;
let cashier: Session;
const clock = new ManualClock(new Date('2026-03-02T08:00:00+08:00'));

const bill: SettleInput = {
  person: { certType: '02', certNo: SETTLEABLE[0]!.certno },
  visit: { visitType: 'outpatient' },
  items: [{ code: 'XJ01CAA040A001010101445', unitPrice: '12.50', quantity: '2' }],
  useAccount: false,
};

async function items(limit?: number): Promise<OutboxItemsView> {
  const r = await callApp(app, cashier, 'outbox.items', limit ? { limit } : {});
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

beforeAll(async () => {
  desk = await openDesk('outbox-items-', { clock, flags: { uploadDeadlineHours: '8' }, offline: true });
  ({ app, center, cashier } = desk);
}, 60_000);

afterAll(() => desk?.close());

describe('outbox.items', () => {
  it('lists each open upload with its deadline, near and past as the clock moves, until the center has it', async () => {
    expect((await items()).items).toEqual([]);
    const settledAt = clock.now().getTime();
    for (let i = 0; i < 2; i++) {
      const r = await callApp(app, cashier, 'settlement.settle', bill);
      expect(r.ok, JSON.stringify(r)).toBe(true);
      clock.advance(60_000);
    }
    let v = await items();
    expect(v.deadlineHours).toBe(8);
    expect(v.total).toBe(2);
    expect(v.items.map((i) => [i.kind, i.infno, i.state, i.psnName, i.total])).toEqual([
      ['upload', '2207', 'queued', SETTLEABLE[0]!.psn_name, 2500],
      ['upload', '2207', 'queued', SETTLEABLE[0]!.psn_name, 2500],
    ]);
    expect(Date.parse(v.items[0]!.deadlineAt) - settledAt).toBe(8 * 3600_000);
    expect(v.items.every((i) => !i.near && !i.past)).toBe(true);
    // A limit shortens the list, never the count.
    expect((await items(1)).items).toHaveLength(1);
    expect((await items(1)).total).toBe(2);

    // 6 h 30 min after the first: inside the last quarter (2 h) of an 8 h window.
    clock.set(new Date(settledAt + 6.5 * 3600_000));
    v = await items();
    expect(v.items.map((i) => [i.near, i.past])).toEqual([
      [true, false],
      [true, false],
    ]);
    // Between the two deadlines: the first is past, the second only near.
    clock.set(new Date(settledAt + 8 * 3600_000 + 30_000));
    v = await items();
    expect(v.items.map((i) => [i.near, i.past])).toEqual([
      [true, true],
      [true, false],
    ]);

    await center.setOffline(false);
    await app.center.probeNow();
    clock.advance(3600_000);
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 30_000 });
    v = await items();
    expect(v.items).toEqual([]);
    expect(v.total).toBe(0);
  });
});
