// A simulated week mostly offline with a flapping network (small here; thousands in test/long):
// afterwards every settlement is confirmed or adjusted, in commit order per person, none twice.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-app';
import { weekRun } from './week-run';

const dir = tempDir('settle-week-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a week offline', () => {
  it('300 settlements over a flapping week all reach the center, in order, once', async () => {
    const seed = Number(process.env.WEEK_SEED ?? 20260302);
    const r = await weekRun(dir, 300, seed);
    expect({ seed, problems: r.problems, outOfOrder: r.outOfOrder }).toEqual({ seed, problems: [], outOfOrder: [] });
    expect(r.drain).toEqual({ remaining: 0, timedOut: false });
    expect(r.local).toBe(300);
    expect((r.byUploadState.confirmed ?? 0) + (r.byUploadState.adjusted ?? 0)).toBe(300);
    expect(r.atCenter).toBe(300);
    // Before the drain, days-old items were reported past their 24 h upload deadline.
    expect(r.statusBeforeDrain.depth).toBeGreaterThan(0);
    expect(r.statusBeforeDrain.deadlines.some((d) => d.past)).toBe(true);
  }, 300_000);
});
