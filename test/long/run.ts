// `npm run test:long`: the nightly-style variants of the settlement proofs, too long for
// `npm test`: ≥ 200 SIGKILLs of a settling, uploading client, and a simulated week offline
// with a few thousand settlements. Exits non-zero on any problem; prints the seeds to replay.
import { rmSync } from 'node:fs';
import { tempDir } from '../helpers/temp-app';
import { crashRun } from '../integration/settlement/crash-run';
import { weekRun } from '../integration/settlement/week-run';
import { nationalCrashRun } from '../integration/center/national-crash-run';

const KILLS = Number(process.env.LONG_KILLS ?? 200);
const WEEK_SETTLEMENTS = Number(process.env.LONG_WEEK_SETTLEMENTS ?? 3000);

let failed = 0;
let passed = 0;

async function check(name: string, run: () => Promise<string[]>): Promise<void> {
  const problems = await run();
  if (problems.length) {
    failed++;
    console.error(`✗ ${name}\n  ${problems.join('\n  ')}`);
  } else {
    passed++;
    console.log(`✓ ${name}`);
  }
}

const crashSeed = Number(process.env.CRASH_SEED ?? Date.now() % 100000);
await check(`crash: ${KILLS} random SIGKILLs (CRASH_SEED=${crashSeed})`, async () => {
  const dir = tempDir('long-crash-');
  try {
    const r = await crashRun(dir, KILLS, crashSeed, (s) => process.stderr.write(s + '\n'));
    const problems = [...r.problems];
    if (r.kills < KILLS) problems.push(`only ${r.kills} kills happened`);
    console.log(`  local ${r.local}, at center ${r.atCenter}, states ${JSON.stringify(r.byUploadState)}`);
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const weekSeed = Number(process.env.WEEK_SEED ?? Date.now() % 100000);
await check(`week offline: ${WEEK_SETTLEMENTS} settlements (WEEK_SEED=${weekSeed})`, async () => {
  const dir = tempDir('long-week-');
  try {
    const r = await weekRun(dir, WEEK_SETTLEMENTS, weekSeed);
    const problems = [...r.problems, ...r.outOfOrder.map((o) => `out of order: ${JSON.stringify(o)}`)];
    const uploaded = (r.byUploadState.confirmed ?? 0) + (r.byUploadState.adjusted ?? 0);
    if (r.drain.remaining !== 0 || r.drain.timedOut) problems.push(`drain left ${r.drain.remaining} (timed out: ${r.drain.timedOut})`);
    if (uploaded !== WEEK_SETTLEMENTS || r.atCenter !== WEEK_SETTLEMENTS) problems.push(`uploaded ${uploaded}, at center ${r.atCenter}, expected ${WEEK_SETTLEMENTS}`);
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const NATIONAL_KILLS = Number(process.env.LONG_NATIONAL_KILLS ?? 200);
const nationalSeed = Number(process.env.NATIONAL_CRASH_SEED ?? Date.now() % 100000);
await check(`national chain: ${NATIONAL_KILLS} random SIGKILLs (NATIONAL_CRASH_SEED=${nationalSeed})`, async () => {
  const dir = tempDir('long-national-');
  try {
    const r = await nationalCrashRun(dir, NATIONAL_KILLS, nationalSeed, (s) => process.stderr.write(s + '\n'));
    console.log(`  chains ${r.chains}: settled ${r.settled}, undone ${r.undone}, open ${r.open}`);
    return r.kills < NATIONAL_KILLS ? [...r.problems, `only ${r.kills} kills happened`] : r.problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const WINDOW_KILLS = Number(process.env.LONG_NATIONAL_WINDOW_KILLS ?? 200);
const windowSeed = Number(process.env.CRASH_SEED ?? Date.now() % 100000);
await check(`national window: ${WINDOW_KILLS} random SIGKILLs while settling, refunding and replaying offline (CRASH_SEED=${windowSeed})`, async () => {
  const dir = tempDir('long-national-window-');
  try {
    const r = await crashRun(dir, WINDOW_KILLS, windowSeed, (s) => process.stderr.write(s + '\n'), 'national');
    return r.kills < WINDOW_KILLS ? [...r.problems, `only ${r.kills} kills happened`] : r.problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
