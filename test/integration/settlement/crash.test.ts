// Nothing lost, nothing twice: ≥ 20 SIGKILLs of a settling, uploading client against a sandbox
// center that answers busy and drops responses after committing. (≥ 200 kills: test/long.)
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-app';
import { crashRun } from './crash-run';

const dir = tempDir('settle-crash-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crash safety', () => {
  it('every committed settlement reaches the center exactly once through 20 random SIGKILLs', async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100000);
    const r = await crashRun(dir, 20, seed);
    expect({ seed, problems: r.problems }).toEqual({ seed, problems: [] });
    expect(r.kills).toBe(20);
    // The run did real work: settlements and refunds were committed and uploaded.
    expect(r.local).toBeGreaterThan(20);
    expect(r.committedSeen).toBeGreaterThan(0);
    const uploaded = (r.byUploadState.confirmed ?? 0) + (r.byUploadState.adjusted ?? 0);
    // Reversed uploads may or may not have reached the center before their 2601 (then inactive there).
    expect(r.atCenter).toBeGreaterThanOrEqual(uploaded);
    expect(r.atCenter).toBeLessThanOrEqual(uploaded + (r.byUploadState.reversed ?? 0));
  }, 600_000);
});
