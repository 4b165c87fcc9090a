// kill -9 while the window settles in the national protocol (issue 16): a settling, refunding
// client is SIGKILLed at random moments while the center loses answers and answers busy, and now
// and then is away for a whole run (the window settles offline) and back for the next (the kill
// then hits the offline replay of the queued chains). At the end, after one clean drain, every
// settlement and its chain agree one to one with the sandbox center's own tables, checked
// independently (verify.ts checkNationalJournal). (More kills: NATIONAL_WINDOW_KILLS.)
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-app';
import { crashRun } from './crash-run';

const dir = tempDir('national-window-crash-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('national window under SIGKILL', () => {
  it('every window settlement ends in one-to-one agreement with the center through random kills, online and in offline replay', async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100000);
    const kills = Number(process.env.NATIONAL_WINDOW_KILLS ?? 5);
    const r = await crashRun(dir, kills, seed, () => undefined, 'national');
    expect({ seed, problems: r.problems }).toEqual({ seed, problems: [] });
    expect(r.kills).toBe(kills);
    expect(r.local).toBeGreaterThan(0);
    expect(r.atCenter).toBe((r.byUploadState.confirmed ?? 0) + (r.byUploadState.adjusted ?? 0));
  }, 600_000);
});
