// Policy sync progress on the app's event hub ('policy.sync'), as the windows receive it
// (the transports forward every event through onAny): a real app in demo mode syncing a
// large table from the in-process sandbox center over real HTTP.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PolicySyncProgress } from '../../../electron/api/contract/events';
import { ManualClock } from '../../../electron/app/clock';
import { silentLogger } from '../../../electron/app/log';
import { generatePolicyTable } from '../../../electron/policy/generate';
import { startTempApp, type TempApp } from '../../helpers/temp-app';

let t: TempApp;
let seen: PolicySyncProgress[];
beforeEach(async () => {
  t = await startTempApp({ clock: new ManualClock(new Date('2026-03-15T09:00:00+08:00')), log: silentLogger });
  seen = [];
  t.app.events.onAny((name, payload) => {
    if (name === 'policy.sync') seen.push(payload as PolicySyncProgress);
  });
});
afterEach(async () => {
  await t.close();
});

/** Make the center's table big enough (about 2 MB) to arrive in many chunks. */
async function bigTableAtCenter(): Promise<void> {
  const sandbox = await t.app.center.sandbox!.center();
  sandbox.publishPolicyChange({ version: 'big', upserts: generatePolicyTable({ seed: 11, entries: 8000 }).catalog });
}

describe("policy sync progress on the event hub", () => {
  it('asking, monotonic download ticks up to the whole answer, applying, and one final done', async () => {
    await bigTableAtCenter();
    expect(await t.app.center.syncPolicy()).toEqual({ kind: 'full', seq: 2 });
    const phases = seen.map((e) => e.phase);
    expect(phases[0]).toBe('asking');
    expect(phases.at(-1)).toBe('done');
    expect(phases.filter((p) => p === 'done')).toHaveLength(1);
    expect(phases.indexOf('applying')).toBeGreaterThan(phases.lastIndexOf('downloading'));

    const ticks = seen.filter((e) => e.phase === 'downloading');
    expect(ticks.length).toBeGreaterThan(5);
    const total = ticks[0]!.totalBytes!;
    expect(total).toBeGreaterThan(1_000_000);
    for (let i = 1; i < ticks.length; i++) {
      expect(ticks[i]!.receivedBytes).toBeGreaterThan(ticks[i - 1]!.receivedBytes);
      expect(ticks[i]!.totalBytes).toBe(total);
    }
    expect(ticks.at(-1)!.receivedBytes).toBe(total);
    // Thinned to about one tick per percent: the windows are not flooded.
    expect(ticks.length).toBeLessThanOrEqual(102);
    expect(seen.at(-1)).toMatchObject({ phase: 'done', receivedBytes: total, totalBytes: total });
    expect(t.app.status.get().policy).toMatchObject({ seq: 2, version: 'big' });
  });

  it('a sync asked for while one runs joins it: one stream, one done', async () => {
    await bigTableAtCenter();
    const [a, b] = await Promise.all([t.app.center.syncPolicy(), t.app.center.syncPolicy()]);
    expect(a).toEqual({ kind: 'full', seq: 2 });
    expect(b).toEqual(a);
    expect(seen.filter((e) => e.phase === 'asking')).toHaveLength(1);
    expect(seen.filter((e) => e.phase === 'done')).toHaveLength(1);
  });

  it('a failed download ends with a failed event that says why (the table is unchanged)', async () => {
    await bigTableAtCenter();
    const sandbox = await t.app.center.sandbox!.center();
    await sandbox.setFaults({ malformed: { mode: 'truncated', count: 1, infno: '1399' } });
    await expect(t.app.center.syncPolicy()).rejects.toMatchObject({ code: 'POLICY_SYNC_FAILED' });
    expect(seen.at(-1)).toMatchObject({ phase: 'failed', error: expect.stringContaining('目录同步失败') });
    expect(seen.some((e) => e.phase === 'done')).toBe(false);
    expect(t.app.policy.currentSeq()).toBe(0);
  });
});
