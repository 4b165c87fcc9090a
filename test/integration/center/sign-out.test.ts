// 9002 sign-out when the app closes in order: sent when the center is reachable, and never a
// reason for shutdown to hang when it is not. A real app on a real database file, talking
// over real HTTP to a sandbox center started by the test (so the center outlives the app).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ManualClock } from '../../../electron/app/clock';
import { silentLogger } from '../../../electron/app/log';
import { SIGN_OUT_TIMEOUT_MS } from '../../../electron/center/part';
import { startSandboxCenter, type SandboxCenter } from '../../../electron/center/sandbox/server';
import { openDatabase } from '../../../electron/db/open';
import { startTempApp, tempDir, type TempApp } from '../../helpers/temp-app';
import { rmSync } from 'node:fs';
import { INSTITUTION, SECRET } from './helpers';
import { rowCount } from '../../helpers/db-rows';
import { many } from '../../../electron/db/sql';
import { z } from 'zod';

let dir: string;
let center: SandboxCenter;
let t: TempApp;
const clock = new ManualClock(new Date('2026-03-15T09:00:00+08:00'));

beforeEach(async () => {
  dir = tempDir('sign-out-');
  center = await startSandboxCenter({ dataDir: join(dir, 'sandbox'), institutionCode: INSTITUTION, secret: SECRET, clock });
  t = await startTempApp({ clock, log: silentLogger, flags: { centerUrl: center.url, institutionCode: INSTITUTION, institutionSecret: SECRET } });
});
afterEach(async () => {
  await t.close();
  await center.close();
  rmSync(dir, { recursive: true, force: true });
});

const signIns = () => many(center.db, 'SELECT sign_no, signed_out FROM sign_ins ORDER BY at', {}, z.object({ sign_no: z.string(), signed_out: z.number().int() }));
const nineThousandTwos = () => rowCount(center.db, 'messages', "infno = '9002'");

async function timedClose(): Promise<number> {
  const started = performance.now();
  await t.app.close();
  return performance.now() - started;
}

describe('sign-out on close', () => {
  it('online: close() signs out the sign-in of this run and forgets it', async () => {
    expect(await t.app.center.probeNow()).toBe(true);
    expect(t.app.center.status().signedIn).toBe(true);
    const [signIn] = signIns();
    expect(signIn).toMatchObject({ signed_out: 0 });
    await timedClose();
    expect(signIns()).toEqual([{ sign_no: signIn!.sign_no, signed_out: 1 }]);
    const { db } = openDatabase({ file: join(t.dir, 'cashier.db') });
    expect(db.prepare("SELECT value FROM center_state WHERE key = 'sign_no'").get()).toBeUndefined();
    db.close();
  });

  it('a center gone since the last contact (connection refused): close() returns at once', async () => {
    expect(await t.app.center.probeNow()).toBe(true);
    await center.setOffline(true);
    // Not waiting out the sign-out deadline is the point; how fast the rest of close() is on a
    // loaded machine is not.
    expect(await timedClose()).toBeLessThan(SIGN_OUT_TIMEOUT_MS);
    expect(signIns()[0]).toMatchObject({ signed_out: 0 });
  });

  it('a center that takes the connection and never answers: close() gives up after the short deadline', async () => {
    expect(await t.app.center.probeNow()).toBe(true);
    await center.setFaults({ latencyMs: 5_000 });
    const took = await timedClose();
    expect(took).toBeGreaterThanOrEqual(SIGN_OUT_TIMEOUT_MS - 100);
    // Well before the center's 5 s answer: it gave up, it did not wait.
    expect(took).toBeLessThan(SIGN_OUT_TIMEOUT_MS + 2_500);
  });

  it('known offline: close() does not even try', async () => {
    expect(await t.app.center.probeNow()).toBe(true); // signed in
    await center.setOffline(true);
    expect(await t.app.center.probeNow()).toBe(false);
    // The center is back, but the app has not seen it yet: an attempt would reach it and show below.
    await center.setOffline(false);
    expect(await timedClose()).toBeLessThan(SIGN_OUT_TIMEOUT_MS);
    expect(nineThousandTwos()).toBe(0);
  });
});
