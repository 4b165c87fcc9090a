// Issue 14: two processes on one data folder at once (a CLI beside the app, two CLI verbs).
// Real CLI processes (`settle`, `refund`, `bill import`) run concurrently on one encrypted data
// folder against the real sandbox center over HTTP, while a third connection keeps taking the
// write lock so they really meet it. Each answers with its result, or a clear code
// (DB_BUSY) under --json — never a crash, never INTERNAL; nothing committed is lost and nothing
// reaches the center twice.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettlementView } from '../../../electron/api/contract/settlement';
import { chinaDate } from '../../../electron/app/clock';
import { createApp } from '../../../electron/app/create-app';
import { resolveDbKey } from '../../../electron/auth/db-key';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { openDatabase, type Db } from '../../../electron/db/open';
import { values } from '../../../electron/db/sql';
import { z } from 'zod';
import { tempDir } from '../../helpers/temp-app';
import { withDataDb, writeBillFile } from '../../helpers/cli-data';
import { INSTITUTION, prepareClient, SETTLEABLE, startCenter } from './fixtures';

let root: string;
let dir: string;
let center: SandboxCenter;

const CLI_TEST_MS = 240_000;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One real CLI process, not waited for: several run at once. */
function cli(args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/run.ts', '--data-dir', dir, '--json', ...args], {
      env: {
        ...process.env,
        CASHIER_CENTER_URL: center.url,
        CASHIER_INSTITUTION_CODE: INSTITUTION.code,
        CASHIER_INSTITUTION_SECRET: INSTITUTION.secret,
        CASHIER_OPERATOR: '1001',
        CASHIER_OPERATOR_PIN: '1234',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const guard = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

const billFile = (name: string, billId: string, certNo: string, quantity: string) =>
  writeBillFile(join(root, name), { billId, certNo, date: chinaDate(new Date()), items: [{ code: 'XJ01CAA040A001010101445', unitPrice: '12.50', quantity }] });

const withDb = <T>(fn: (db: Db) => T): T => withDataDb(dir, fn);

/**
 * A busy third writer on the folder: for `ms` it takes the write lock (BEGIN IMMEDIATE) for a
 * second at a time with short gaps, so the CLI processes (whose start-up time under load is
 * unknown) meet a locked database whenever they write, and wait for it or answer DB_BUSY.
 */
async function busyWriter(ms: number): Promise<void> {
  const { db } = openDatabase({ file: join(dir, 'cashier.db'), key: resolveDbKey(dir) });
  const end = Date.now() + ms;
  try {
    while (Date.now() < end) {
      db.exec('BEGIN IMMEDIATE');
      await new Promise((r) => setTimeout(r, 1000));
      db.exec('COMMIT');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    db.close();
  }
}

/** Each process answered either its result or a clear code — never INTERNAL, never a crash without JSON. */
function outcome(r: Ran): { ok: true; value: SettlementView } | { ok: false; code: string } {
  const parsed = JSON.parse(r.stdout) as SettlementView | { error: { code: string } };
  if ('error' in parsed) {
    expect(r.code, r.stderr).toBe(1);
    return { ok: false, code: parsed.error.code };
  }
  expect(r.code, r.stderr).toBe(0);
  return { ok: true, value: parsed };
}

beforeAll(async () => {
  root = tempDir('two-processes-');
  dir = join(root, 'client');
  center = await startCenter(join(root, 'center'));
  const app = await createApp({
    dataDir: dir,
    runtime: 'cli',
    env: {},
    dbKey: resolveDbKey(dir),
    flags: { centerUrl: center.url, institutionCode: INSTITUTION.code, institutionSecret: INSTITUTION.secret },
  });
  await prepareClient(app);
  await app.close();
}, 60_000);

afterAll(async () => {
  await center?.close();
});

describe('two processes on one data folder', { timeout: CLI_TEST_MS }, () => {
  it('two CLI settles at once, while a third writer keeps taking the lock: both answer (settled or DB_BUSY), nothing lost, nothing uploaded twice', async () => {
    const [a, b] = [SETTLEABLE[0]!, SETTLEABLE[2]!];
    const files = [billFile('a.json', 'TWO-A', a.certno, '2'), billFile('b.json', 'TWO-B', b.certno, '3')];
    const lock = busyWriter(15_000);
    const runs = await Promise.all(files.map((f) => cli(['settle', '--bill', f, '--wait', '20'])));
    await lock;
    const results = runs.map(outcome);
    for (const r of results) if (!r.ok) expect(r.code).toBe('DB_BUSY');
    const settled = results.flatMap((r) => (r.ok ? [r.value] : []));
    expect(settled.length).toBeGreaterThanOrEqual(1);

    // Nothing lost: each answered settlement is in the journal, and nothing else is.
    const local = withDb((db) => values(db, 'SELECT id FROM settlements WHERE bill_id IS NOT NULL AND id IN (SELECT value FROM json_each(:ids))', { ids: JSON.stringify(settled.map((s) => s.id)) }, z.string()));
    expect(local.sort()).toEqual(settled.map((s) => s.id).sort());
    // Nothing twice: drained, each is at the center exactly once, and the center holds nothing we do not.
    const drain = await cli(['outbox', 'drain', '--until-empty', '--timeout', '30']);
    expect(drain.code, drain.stderr).toBe(0);
    const ours = withDb((db) => values(db, 'SELECT id FROM settlements', {}, z.string()));
    const atCenter = center.settlements().filter((r) => r.kind === 'settle').map((r) => r.medins_setl_id);
    expect(new Set(atCenter).size).toBe(atCenter.length);
    for (const id of atCenter) expect(ours).toContain(id);
    for (const s of settled) expect(atCenter.filter((id) => id === s.id)).toHaveLength(1);
    // Every upload the two processes sent carried a sign-in number.
    for (const e of center.envelopes().filter((x) => x.infno === '2207')) expect(e.sign_no).toMatch(/^SN\d+/);
  });

  it('a refund beside a settle and a bill import, while a third writer keeps taking the lock: each answers its result or DB_BUSY, never INTERNAL', async () => {
    const person = SETTLEABLE[3]!;
    const first = outcome(await cli(['settle', '--bill', billFile('c.json', 'TWO-C', person.certno, '1')]));
    if (!first.ok) throw new Error(first.code);
    const lock = busyWriter(15_000);
    const [refund, settle, imported] = await Promise.all([
      cli(['refund', '--settlement', first.value.id, '--reason', '两个进程', '--supervisor', '2001', '--supervisor-pin', '246810']),
      cli(['settle', '--bill', billFile('d.json', 'TWO-D', SETTLEABLE[4]!.certno, '2')]),
      cli(['bill', 'import', billFile('e.json', 'TWO-E', SETTLEABLE[5]!.certno, '1')]),
    ]);
    await lock;
    for (const r of [refund, settle, imported]) {
      const parsed = JSON.parse(r.stdout) as { error?: { code: string } };
      if (parsed.error) expect(parsed.error.code, r.stderr).toBe('DB_BUSY');
      else expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('INTERNAL');
    }
    const refunded = JSON.parse(refund.stdout) as SettlementView | { error: unknown };
    if (!('error' in refunded)) {
      expect(refunded.refundOf).toBe(first.value.id);
      expect(withDb((db) => db.prepare('SELECT state FROM settlements WHERE id = ?').pluck().get(first.value.id))).toBe('refunded');
    }
    const drain = await cli(['outbox', 'drain', '--until-empty', '--timeout', '30']);
    expect(drain.code, drain.stderr).toBe(0);
    const cancels = center.settlements().filter((r) => r.kind === 'cancel');
    expect(new Set(cancels.map((c) => c.msgid)).size).toBe(cancels.length);
  });
});
