import { describe, expect, it } from 'vitest';
import { Connectivity } from '../../../electron/center/connectivity';

describe('connectivity', () => {
  it('backs off geometrically with jitter, capped, instead of hammering', () => {
    const c = new Connectivity({ probe: async () => {}, minBackoffMs: 2000, maxBackoffMs: 60000, jitter: 0.2 });
    for (let n = 1; n <= 10; n++) {
      const base = Math.min(60000, 2000 * 2 ** (n - 1));
      for (let k = 0; k < 20; k++) {
        const d = c.backoffMs(n);
        expect(d).toBeGreaterThanOrEqual(base * 0.8 - 1);
        expect(d).toBeLessThanOrEqual(base * 1.2 + 1);
      }
    }
  });

  it('follows the reports of exchanges and notifies changes only', () => {
    const c = new Connectivity({ probe: async () => {} });
    const seen: boolean[] = [];
    c.onChange((s) => seen.push(s.online));
    c.report({ reached: true, at: '2026-03-15T01:00:00.000Z', error: null });
    c.report({ reached: false, at: '2026-03-15T01:00:01.000Z', error: 'ECONNREFUSED' });
    c.report({ reached: false, at: '2026-03-15T01:00:02.000Z', error: 'ECONNREFUSED' });
    expect(c.get()).toMatchObject({ online: false, failures: 2, lastContactAt: '2026-03-15T01:00:00.000Z', lastError: 'ECONNREFUSED' });
    c.report({ reached: true, at: '2026-03-15T01:00:03.000Z', error: null });
    expect(c.get()).toMatchObject({ online: true, failures: 0 });
    expect(seen).toEqual([true, false, true]);
  });

  it('joins a probe already under way', async () => {
    let calls = 0;
    let release: () => void = () => {};
    const c = new Connectivity({
      probe: () => {
        calls++;
        return new Promise<void>((r) => (release = r));
      },
    });
    const a = c.probeNow();
    const b = c.probeNow();
    release();
    await Promise.all([a, b]);
    expect(calls).toBe(1);
  });
});
