import { describe, expect, it } from 'vitest';
import type { PolicySyncProgress } from '../../../electron/api/contract/events';
import type { SyncProgress } from '../../../electron/center/policy-sync';
import { SyncProgressPublisher } from '../../../electron/center/sync-progress';

function run(steps: SyncProgress[]): PolicySyncProgress[] {
  const out: PolicySyncProgress[] = [];
  const p = new SyncProgressPublisher((e) => out.push(e));
  for (const s of steps) p.report(s);
  return out;
}

describe('policy sync progress for the windows', () => {
  it('thins download ticks to about one per percent and always reports the last byte', () => {
    const steps: SyncProgress[] = [{ phase: 'asking' }];
    for (let b = 1000; b <= 1_000_000; b += 1000) steps.push({ phase: 'downloading', receivedBytes: b, totalBytes: 1_000_000 });
    steps.push({ phase: 'applying' }, { phase: 'done' });
    const out = run(steps);
    const ticks = out.filter((e) => e.phase === 'downloading');
    expect(ticks.length).toBeGreaterThan(90);
    expect(ticks.length).toBeLessThanOrEqual(101);
    expect(ticks.at(-1)).toEqual({ phase: 'downloading', receivedBytes: 1_000_000, totalBytes: 1_000_000 });
    expect(out.at(-1)).toEqual({ phase: 'done', receivedBytes: 1_000_000, totalBytes: 1_000_000 });
  });

  it('keeps counting up through a second download (a delta that did not fit, then the full table)', () => {
    const out = run([
      { phase: 'asking' },
      { phase: 'downloading', receivedBytes: 500, totalBytes: 500 },
      { phase: 'applying' },
      { phase: 'asking' },
      { phase: 'downloading', receivedBytes: 3000, totalBytes: 10_000 },
      { phase: 'downloading', receivedBytes: 10_000, totalBytes: 10_000 },
      { phase: 'applying' },
      { phase: 'done' },
    ]);
    const received = out.map((e) => e.receivedBytes);
    for (let i = 1; i < received.length; i++) expect(received[i]).toBeGreaterThanOrEqual(received[i - 1]!);
    expect(out.at(-1)).toEqual({ phase: 'done', receivedBytes: 10_500, totalBytes: 10_500 });
  });

  it('without a declared length ticks every 256 KiB with an unknown total', () => {
    const steps: SyncProgress[] = [{ phase: 'asking' }];
    for (let b = 64 * 1024; b <= 2 * 1024 * 1024; b += 64 * 1024) steps.push({ phase: 'downloading', receivedBytes: b, totalBytes: null });
    const ticks = run(steps).filter((e) => e.phase === 'downloading');
    expect(ticks.length).toBe(8);
    expect(ticks.every((e) => e.totalBytes === null)).toBe(true);
  });
});
