// Never a 单边账 in the national chain: ≥ 10 SIGKILLs of a process running chains against a
// sandbox center that loses answers, answers busy or infcode 0 with an err_msg. (≥ 200 kills:
// test/long.) The client's journal and the center's tables are compared one to one at the end.
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-app';
import { nationalCrashRun } from './national-crash-run';

describe('national chain under SIGKILL', () => {
  it('every chain ends settled once or undone, in agreement with the center, through 10 random kills', async () => {
    const dir = tempDir('national-crash-');
    try {
      const seed = Number(process.env.NATIONAL_CRASH_SEED ?? 4242);
      const r = await nationalCrashRun(dir, 10, seed);
      expect(r.kills).toBe(10);
      expect(r.problems).toEqual([]);
      expect(r.open).toBe(0);
      expect(r.chains).toBeGreaterThan(10);
      expect(r.settled).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
