import { nationalCrashRun } from './integration/center/national-crash-run';
const dir = '/tmp/ncdebug';
import { rmSync, mkdirSync } from 'node:fs';
rmSync(dir, { recursive: true, force: true }); mkdirSync(dir);
const r = await nationalCrashRun(dir, 10, 2);
console.log(JSON.stringify(r, null, 1));
