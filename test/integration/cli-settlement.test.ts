// Issue 5's CLI verbs as an operator runs them: real CLI processes on one encrypted data dir,
// against a standalone sandbox center (`center serve`, its own process: the CLI runs are
// synchronous child processes, which an in-process center could not answer) that the test takes
// offline and back through its control endpoint. Each step is checked in the output, in the
// database and at the center.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClearingApplicationView, ClearingMonth } from '../../electron/api/contract/clearing';
import type { OutboxStatus, SettlementView } from '../../electron/api/contract/settlement';
import { createApp } from '../../electron/app/create-app';
import { resolveDbKey } from '../../electron/auth/db-key';
import type { Db } from '../../electron/db/open';
import { runCli, stopChild, type CliRun } from '../helpers/run-cli';
import { tempDir } from '../helpers/temp-app';
import { INSTITUTION, prepareClient } from './settlement/fixtures';
import { rowCount } from '../helpers/db-rows';
import { withDataDb, writeBillFile } from '../helpers/cli-data';

let root: string;
let dir: string;
let child: ChildProcess;
let center: { url: string; controlUrl: string };
let env: NodeJS.ProcessEnv;

// Each test runs several CLI processes (~1 s each alone, several under a loaded `npm test`).
const CLI_TEST_MS = 180_000;
const ZHANG = '990101198003150133';
const LI = '990101195207080145';

beforeAll(async () => {
  root = tempDir('cli-settlement-');
  dir = join(root, 'client');
  child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/run.ts', '--data-dir', join(root, 'center'), '--json', 'center', 'serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  center = JSON.parse(
    await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`center serve exited ${code}`)));
    }),
  ) as typeof center;
  env = {
    CASHIER_CENTER_URL: center.url,
    CASHIER_INSTITUTION_CODE: INSTITUTION.code,
    CASHIER_INSTITUTION_SECRET: INSTITUTION.secret,
    CASHIER_OPERATOR: '1001',
    CASHIER_OPERATOR_PIN: '1234',
    CASHIER_SUPERVISOR: '',
    CASHIER_SUPERVISOR_PIN: '',
  };
  // First start as the window would leave it: operators, policy, persons looked up, a shift open.
  const app = await createApp({ dataDir: dir, runtime: 'cli', env: {}, dbKey: resolveDbKey(dir), flags: { centerUrl: center.url, institutionCode: INSTITUTION.code, institutionSecret: INSTITUTION.secret } });
  await prepareClient(app);
  await app.close();
}, 60_000);

afterAll(async () => {
  await stopChild(child);
  rmSync(root, { recursive: true, force: true });
});

function cli(args: string[], extra: NodeJS.ProcessEnv = {}): CliRun {
  return runCli(['--data-dir', dir, ...args], { ...env, ...extra });
}

function json<T>(r: CliRun): T {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

const withDb = <T>(fn: (db: Db) => T): T => withDataDb(dir, fn);

const billFile = (name: string, billId: string, certNo: string, quantity = '2', extra: object = {}) =>
  writeBillFile(join(root, name), {
    billId,
    certNo,
    date: '2026-11-23',
    items: [
      { code: 'XJ01CAA040A001010101445', unitPrice: '12.50', quantity },
      { code: '001102000010000', unitPrice: '10', quantity: '1', ownPay: true },
    ],
    extra,
  });

interface CenterRow {
  medins_setl_id: string | null;
  kind: 'settle' | 'cancel';
  state: 'active' | 'reversed';
  cancelled_by: string | null;
}

/**
 * One request to the center's control endpoint on a fresh connection: the test's event loop sits
 * in spawnSync for seconds, so a kept-alive socket may be closed by the server under fetch.
 */
function control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(`${center.controlUrl}/${path}`, { method, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : reject(new Error(`control ${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function atCenter(id: string): Promise<CenterRow[]> {
  return ((await control('GET', 'settlements')) as CenterRow[]).filter((r) => r.medins_setl_id === id);
}

/** The center refuses connections (offline) or takes them again. */
async function setOffline(offline: boolean): Promise<void> {
  await control('POST', 'faults', { refuse: offline });
}
const count = (table: string, where = '1') => withDb((db) => rowCount(db, table, where));

describe('settle --bill', { timeout: CLI_TEST_MS }, () => {
  it('online: prints the settlement id, the split and the state; the upload is confirmed at once', async () => {
    const r = cli(['settle', '--bill', billFile('online.json', 'CLI-ON-1', ZHANG)]);
    expect(r.code, r.stderr).toBe(0);
    const id = /结算号 (S\w+)/.exec(r.stdout)?.[1];
    expect(id).toBeTruthy();
    expect(r.stdout).toContain('状态 confirmed；上传 2207 confirmed');
    expect(r.stdout).toMatch(/医疗费总额\s+35\.00/);
    expect(r.stdout).toMatch(/全自费\s+10\.00/);
    expect(r.stdout).toMatch(/现金支付\s+\d+\.\d\d/);

    const row = withDb((db) => db.prepare('SELECT state, online, provisional, total, full_own_pay, bill_id FROM settlements WHERE id = ?').get(id)) as Record<string, unknown>;
    expect(row).toMatchObject({ state: 'confirmed', online: 1, provisional: 0, total: 3500, full_own_pay: 1000 });
    expect(withDb((db) => db.prepare('SELECT external_id, state, settlement_id FROM bills WHERE id = ?').get(row.bill_id))).toEqual({ external_id: 'CLI-ON-1', state: 'settled', settlement_id: id });
    expect(await atCenter(id!)).toHaveLength(1);
  });

  it('a CSV export from the HIS, with --json: the settlement view with money in fen', () => {
    const csv = join(root, 'his-export.csv');
    writeFileSync(
      csv,
      '\uFEFFbill_id,cert_type,cert_no,visit_type,visit_date,code,name,unit_price,quantity,own_pay\r\n' +
        'CLI-ON-2,02,' + LI + ',outpatient,2026-11-23,XJ01CAA040A001010101445,阿莫西林胶囊,12.50,1,0\r\n' +
        'CLI-ON-2,02,' + LI + ',outpatient,2026-11-23,001102000010000,挂号费,10,1,是\r\n',
    );
    const v = json<SettlementView>(cli(['--json', 'settle', '--bill', csv]));
    expect(v).toMatchObject({ state: 'confirmed', provisional: false, money: { total: 2250, fullOwnPay: 1000 }, uploads: [{ infno: '2207', state: 'confirmed' }] });
    expect(v.money.fundPay + v.money.personalTotal + v.money.criticalIllnessPay).toBe(v.money.total);
    expect(v.money.accountPay + v.money.cashPay).toBe(v.money.personalTotal);
  });

  it('bad input is refused with its code and changes nothing', () => {
    const before = [count('settlements'), count('bills'), count('outbox')];
    const missing = cli(['settle', '--bill', join(root, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('BILL_FILE_UNREADABLE');
    const two = join(root, 'two.json');
    writeFileSync(two, JSON.stringify([JSON.parse(JSON.stringify({ billId: 'T1', credential: { certType: '02', certNo: ZHANG }, visit: { visitType: 'outpatient', date: '2026-11-23' }, items: [{ code: '001102000010000', unitPrice: '10', quantity: '1' }] })), { billId: 'T2', credential: { certType: '02', certNo: LI }, visit: { visitType: 'outpatient', date: '2026-11-23' }, items: [{ code: '001102000010000', unitPrice: '10', quantity: '1' }] }]));
    const ambiguous = cli(['settle', '--bill', two]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('--bill-id');
    const absent = cli(['settle', '--bill', two, '--bill-id', 'T9']);
    expect(absent.code).toBe(2);
    const badWait = cli(['settle', '--bill', two, '--bill-id', 'T1', '--wait', 'soon']);
    expect(badWait.code).toBe(2);
    expect(badWait.stderr).toContain('--wait 应为秒数');
    const invalid = cli(['settle', '--bill', billFile('bad.json', 'CLI-BAD', ZHANG, '-1')]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('BILL_INVALID');
    const noOperator = cli(['settle', '--bill', billFile('noop.json', 'CLI-NOOP', ZHANG)], { CASHIER_OPERATOR: '', CASHIER_OPERATOR_PIN: '' });
    expect(noOperator.code).toBe(2);
    const wrongPin = cli(['settle', '--bill', billFile('noop.json', 'CLI-NOOP', ZHANG)], { CASHIER_OPERATOR_PIN: '9876' });
    expect(wrongPin.code).toBe(1);
    expect(wrongPin.stderr).toContain('LOGIN_FAILED');
    // Settling the same bill number again is refused, not a second settlement.
    const again = cli(['settle', '--bill', join(root, 'online.json')]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('BILL_DUPLICATE');
    expect([count('settlements'), count('bills'), count('outbox')]).toEqual(before);
  });

  it('a bill without a bill number, run twice from the same file, is settled once; --again settles it again', () => {
    const file = billFile('no-number.json', 'unused', LI, '1', { billId: undefined });
    const first = cli(['settle', '--bill', file]);
    expect(first.code, first.stderr).toBe(0);
    const id = /结算号 (S\w+)/.exec(first.stdout)?.[1];
    const before = [count('settlements'), count('bills'), count('outbox')];
    const twice = cli(['settle', '--bill', file]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('BILL_ALREADY_SETTLED');
    expect(twice.stderr).toContain(id);
    expect(twice.stderr).toContain('--again');
    expect([count('settlements'), count('bills'), count('outbox')]).toEqual(before);
    // The cashier says it is a new charge: a second settlement of its own.
    const meant = cli(['settle', '--bill', file, '--again']);
    expect(meant.code, meant.stderr).toBe(0);
    expect(/结算号 (S\w+)/.exec(meant.stdout)?.[1]).not.toBe(id);
    expect(count('settlements')).toBe(before[0]! + 1);
  });
});

describe('offline → outbox status → outbox drain', { timeout: CLI_TEST_MS }, () => {
  let provisional: string;

  it('offline the settlement is provisional and its upload queued; outbox status shows 1 queued', async () => {
    await setOffline(true);
    const r = cli(['settle', '--bill', billFile('offline.json', 'CLI-OFF-1', ZHANG)]);
    expect(r.code, r.stderr).toBe(0);
    provisional = /结算号 (S\w+)/.exec(r.stdout)![1]!;
    expect(r.stdout).toContain('状态 provisional（暂存，待中心确认）；上传 2207 queued');
    expect(withDb((db) => db.prepare('SELECT state, online, provisional FROM settlements WHERE id = ?').get(provisional))).toEqual({ state: 'provisional', online: 0, provisional: 1 });

    const human = cli(['outbox', 'status']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^待上传 1（最早 \d{4}-\d\d-\d\dT/);
    expect(human.stdout).toContain('queued 1');
    const s = json<OutboxStatus>(cli(['--json', 'outbox', 'status']));
    expect(s).toMatchObject({ depth: 1, byState: { queued: 1, confirmed: 4 } });
    expect(s.oldestQueuedAt).not.toBeNull();
  });

  it('drain --until-empty while the center is down gives up at the timeout with exit 3, still queued', async () => {
    const r = cli(['--json', 'outbox', 'drain', '--until-empty', '--timeout', '1']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ confirmed: 0, remaining: 1, timedOut: true });
    expect(count('outbox', `settlement_id = '${provisional}' AND state IN ('queued', 'unknown')`)).toBe(1);
    expect(await atCenter(provisional)).toHaveLength(0);
  });

  it('back online, drain --until-empty uploads it once: confirmed, the queue empty', async () => {
    await setOffline(false);
    const r = cli(['outbox', 'drain', '--until-empty', '--timeout', '30']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/确认 1，.*队列剩余 0/);
    expect(withDb((db) => db.prepare('SELECT state FROM settlements WHERE id = ?').get(provisional))).toEqual({ state: 'confirmed' });
    expect(json<OutboxStatus>(cli(['--json', 'outbox', 'status']))).toMatchObject({ depth: 0, byState: { queued: 0, confirmed: 5 } });
    expect(await atCenter(provisional)).toHaveLength(1);
    // The drain ran in a fresh process after the last one signed out (9002): it signed in first,
    // so the upload carried a sign-in number (it went out with sign_no "" before, issue 14).
    const msgid = withDb((db) => db.prepare("SELECT msgid FROM outbox WHERE settlement_id = ? AND kind = 'upload'").pluck().get(provisional)) as string;
    const sent = ((await control('GET', 'envelopes')) as { msgid: string; infno: string; sign_no: string | null }[]).filter((e) => e.msgid === msgid);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    for (const e of sent) expect(e.sign_no).toMatch(/^SN\d+/);
    // Nothing left to do: a plain drain attempts nothing.
    expect(json<{ attempted: number; remaining: number }>(cli(['--json', 'outbox', 'drain']))).toMatchObject({ attempted: 0, remaining: 0 });
  });

  it('a settle refused over the offline limit keeps the bill pending; an edited file is not settled with the old lines', async () => {
    await setOffline(true);
    const file = billFile('limit.json', 'CLI-LIMIT', LI);
    const limit = { CASHIER_OFFLINE_LIMIT_PER_SETTLEMENT: '100' };
    const refused = cli(['settle', '--bill', file], limit);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('OFFLINE_LIMIT');
    const settlements = count('settlements');
    billFile('limit.json', 'CLI-LIMIT', LI, '3');
    const changed = cli(['settle', '--bill', file], limit);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('BILL_CHANGED');
    expect(count('settlements')).toBe(settlements);
    // The file as imported again, with a supervisor: the pending bill itself is settled.
    billFile('limit.json', 'CLI-LIMIT', LI);
    const approved = json<SettlementView>(cli(['--json', 'settle', '--bill', file, '--supervisor', '2001', '--supervisor-pin', '246810'], limit));
    expect(approved).toMatchObject({ provisional: true, supervisorId: '2001', money: { total: 3500 } });
    expect(withDb((db) => db.prepare("SELECT count(*) AS n, min(state) AS state FROM bills WHERE external_id = 'CLI-LIMIT'").get())).toEqual({ n: 1, state: 'settled' });
    await setOffline(false);
    expect(cli(['outbox', 'drain', '--until-empty', '--timeout', '30']).code).toBe(0);
  });
});

describe('refund --settlement', { timeout: CLI_TEST_MS }, () => {
  const supervisor = ['--supervisor', '2001', '--supervisor-pin', '246810'];
  const settleOnline = (name: string, billId: string) => json<SettlementView>(cli(['--json', 'settle', '--bill', billFile(name, billId, ZHANG)]));

  it('needs supervisor credentials: none is a usage error, a cashier or a wrong PIN is refused; nothing changes', () => {
    const v = settleOnline('r0.json', 'CLI-R0');
    const before = [count('settlements'), count('outbox')];
    const none = cli(['refund', '--settlement', v.id, '--reason', '测试']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('需要主管授权');
    const cashier = cli(['refund', '--settlement', v.id, '--reason', '测试', '--supervisor', '1001', '--supervisor-pin', '1234']);
    expect(cashier.code).toBe(1);
    expect(cashier.stderr).toMatch(/错误 [A-Z_]+：/);
    const wrong = cli(['refund', '--settlement', v.id, '--reason', '测试', '--supervisor', '2001', '--supervisor-pin', '1111']);
    expect(wrong.code).toBe(1);
    const unknown = cli(['refund', '--settlement', 'S-NOPE', '--reason', '测试', ...supervisor]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('SETTLEMENT_NOT_FOUND');
    expect([count('settlements'), count('outbox')]).toEqual(before);
    expect(withDb((db) => db.prepare('SELECT state FROM settlements WHERE id = ?').get(v.id))).toEqual({ state: 'confirmed' });
    expect(count('settlements', `refund_of = '${v.id}'`)).toBe(0);
  });

  it('an answered settlement is cancelled with 2208 at once, online; its exact negation is stored', async () => {
    const v = settleOnline('r1.json', 'CLI-R1');
    const r = cli(['--json', 'refund', '--settlement', v.id, '--reason', '患者退药', ...supervisor]);
    const refund = json<SettlementView>(r);
    expect(refund).toMatchObject({ refundOf: v.id, online: true, state: 'confirmed', uploads: [{ infno: '2208', state: 'confirmed' }] });
    for (const [k, amount] of Object.entries(v.money)) expect([k, refund.money[k as keyof typeof v.money]]).toEqual([k, 0 - amount]);
    expect(withDb((db) => db.prepare('SELECT s.state, r.id AS refundId, r.refund_reason AS reason, r.supervisor_id AS supervisor FROM settlements s JOIN settlements r ON r.refund_of = s.id WHERE s.id = ?').get(v.id))).toEqual({
      state: 'refunded',
      refundId: refund.id,
      reason: '患者退药',
      supervisor: '2001',
    });
    expect((await atCenter(v.id)).map((x) => [x.kind, x.state, x.cancelled_by !== null])).toEqual([
      ['settle', 'active', true],
      ['cancel', 'active', false],
    ]);
    const twice = cli(['refund', '--settlement', v.id, '--reason', '再退', ...supervisor]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('ALREADY_REFUNDED');
  });

  it('a settlement whose upload was never answered is reversed with 2601; after the drain the center has neither', async () => {
    await setOffline(true);
    const v = json<SettlementView>(cli(['--json', 'settle', '--bill', billFile('r2.json', 'CLI-R2', LI)]));
    expect(v.uploads).toMatchObject([{ infno: '2207', state: 'queued' }]);
    const refund = json<SettlementView>(cli(['--json', 'refund', '--settlement', v.id, '--reason', '录错', ...supervisor]));
    expect(refund.uploads).toMatchObject([{ infno: '2601', state: 'queued' }]);
    expect(withDb((db) => db.prepare("SELECT state FROM outbox WHERE settlement_id = ? AND kind = 'upload'").get(v.id))).toEqual({ state: 'reversed' });
    await setOffline(false);
    const d = json<{ remaining: number }>(cli(['--json', 'outbox', 'drain', '--until-empty', '--timeout', '30']));
    expect(d.remaining).toBe(0);
    expect(withDb((db) => db.prepare("SELECT state FROM outbox WHERE settlement_id = ? AND kind = 'reversal'").get(refund.id))).toEqual({ state: 'confirmed' });
    expect(await atCenter(v.id)).toHaveLength(0);
  });

  it('the month’s clearing from the command line: reconcile, month, prepare, send (3203 at the center), trace', async () => {
    const sup = { CASHIER_OPERATOR: '2001', CASHIER_OPERATOR_PIN: '246810' };
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const setlym = today.slice(0, 7).replace('-', '');
    expect(cli(['clearing', 'month', '--month', '2026-13'], sup).code).toBe(2);
    expect(cli(['clearing', 'month', '--month', setlym]).stderr).toContain('FORBIDDEN'); // a cashier may not

    const rec = cli(['--json', 'reconcile', '--from', today, '--to', today], sup);
    expect([0, 3], rec.stderr).toContain(rec.code);
    const month = json<ClearingMonth>(cli(['--json', 'clearing', 'month', '--month', setlym], sup));
    const outpatient = month.types.find((t) => t.clrType === '11')!;
    expect(outpatient.stages.reconciled).toBeGreaterThan(0);
    expect(outpatient.candidates.rows).toBeGreaterThan(0);

    const prepared = json<ClearingApplicationView>(cli(['--json', 'clearing', 'prepare', '--month', setlym, '--type', '11'], sup));
    expect(prepared).toMatchObject({ state: 'prepared', totals: outpatient.candidates, centerAppyId: null });
    const sent = json<ClearingApplicationView>(cli(['--json', 'clearing', 'send', '--id', prepared.id], sup));
    expect(sent.state).toBe('sent');
    const atCenterNow = (await control('GET', 'clearing')) as { appy_id: string; medfee: number; state: string }[];
    expect(atCenterNow).toEqual([expect.objectContaining({ appy_id: sent.centerAppyId, medfee: outpatient.candidates.medfee, state: 'applied' })]);

    const confirmed = withDb((db) => db.prepare("SELECT id FROM settlements WHERE center_setl_id IS NOT NULL AND refund_of IS NULL AND id NOT IN (SELECT refund_of FROM settlements WHERE refund_of IS NOT NULL) ORDER BY created_at LIMIT 1").pluck().get()) as string;
    const trace = cli(['clearing', 'trace', '--settlement', confirmed], sup);
    expect(trace.code, trace.stderr).toBe(0);
    expect(trace.stdout).toContain(`清算申请 ${sent.id}`);
  });
});
