// Probes with hostile bill content (issue 14): visit dates that are no day (2026-13-45,
// 2026-02-30) or in the future (2099-01-01, the day after tomorrow), and totals beyond exact
// money (a huge price times a huge quantity), sent through every door a bill comes in: the API
// (preview and settle, as the window and the CLI call it), the HIS endpoint, and the CLI (bill
// import, settle from a file) on the running app's data folder. After each: the process answers
// a fresh client, the answer is a clear code with Chinese words, and no row changed (no
// settlement, no bill, no accumulator row of a year that has not begun).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PERSONS } from '../../../../electron/center/sandbox/demo-persons';
import { runCli } from '../../../helpers/run-cli';
import { changedTables, rawExchange, startProbeTarget, type ApiSocket, type ProbeTarget } from './harness';

let target: ProbeTarget;
let cashier: ApiSocket;
let before: Record<string, string>;
let files: string;

const AMOX = 'XJ01CAA040A001010101445';
const person = { certType: '02', certNo: DEMO_PERSONS.find((p) => !/暂停|过有效期|异地/.test(p.note ?? ''))!.certno };
const chinaDay = (offsetDays: number) => new Date(Date.now() + 8 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

const BAD_DAYS = ['2026-13-45', '2026-02-30', '2025-02-29', '0000-01-01'];
/** Future days: far, and beyond the allowance for a clock running a little ahead. */
const FUTURE_DAYS = () => ['2099-01-01', chinaDay(2)];
/** One line of 999,999,999.9999 × 999,999,999.9999; two lines each below the limit whose sum is not. */
const ABSURD = [
  [{ code: AMOX, unitPrice: '999999999.9999', quantity: '999999999.9999' }],
  [{ code: AMOX, unitPrice: '999999999', quantity: '61' }, { code: AMOX, unitPrice: '999999999', quantity: '61' }],
];

beforeAll(async () => {
  target = await startProbeTarget();
  files = mkdtempSync(join(tmpdir(), 'probe-bills-'));
  cashier = await target.api();
  // Open a shift, so a settle is refused for its bill and not for want of a shift.
  const shift = await cashier.call('shift.open', { counts: [{ denomination: 10000, count: 1 }] });
  expect(shift.ok, JSON.stringify(shift.error)).toBe(true);
  before = await target.quietSnapshot();
}, 120_000);

afterAll(async () => {
  cashier?.close();
  await target?.stop();
  rmSync(files, { recursive: true, force: true });
});

async function unharmed(): Promise<void> {
  await target.expectAlive();
  expect(changedTables(before, target.snapshot())).toEqual([]);
}

const bill = (date: string | undefined, items = [{ code: AMOX, unitPrice: '12.50', quantity: '1' }]) => ({
  person,
  visit: { visitType: 'outpatient', ...(date ? { date } : {}) },
  items,
  useAccount: true,
});

function expectRefused(r: { ok: boolean; error?: { code: string; message: string } }, codes: string[], what: string): void {
  expect(r.ok, what).toBe(false);
  expect(codes, `${what}: ${r.error?.code} ${r.error?.message}`).toContain(r.error?.code);
  expect(r.error?.message, what).toMatch(/[\u4e00-\u9fff]/);
}

describe('visit dates through the API (preview and settle)', () => {
  it('a date that is no day of the calendar is INVALID_INPUT', async () => {
    for (const date of BAD_DAYS) {
      for (const call of ['settlement.preview', 'settlement.settle']) {
        expectRefused(await cashier.call(call, bill(date)), ['INVALID_INPUT'], `${call} ${date}`);
      }
    }
    await unharmed();
  });

  it('a future date (2099, the day after tomorrow) is VISIT_DATE_IN_FUTURE: no settlement, no 2099 accumulator row', async () => {
    for (const date of FUTURE_DAYS()) {
      for (const call of ['settlement.preview', 'settlement.settle']) {
        expectRefused(await cashier.call(call, bill(date)), ['VISIT_DATE_IN_FUTURE'], `${call} ${date}`);
      }
    }
    await unharmed();
  });

  it('report days that are no day are INVALID_INPUT', async () => {
    expectRefused(await cashier.call('settlement.list', { date: '2026-02-30' }), ['INVALID_INPUT'], 'settlement.list');
    await unharmed();
  });

  it('today still previews (the checks refuse only what they should)', async () => {
    const r = await cashier.call('settlement.preview', bill(chinaDay(0)));
    expect(r.ok, JSON.stringify(r.error)).toBe(true);
    // A preview reads the person from the center, which refreshes the person cache.
    before = await target.quietSnapshot();
  });
});

describe('absurd totals through the API', () => {
  it('preview and settle of a total beyond exact money answer AMOUNT_TOO_LARGE, not a number', async () => {
    for (const items of ABSURD) {
      for (const call of ['settlement.preview', 'settlement.settle']) {
        expectRefused(await cashier.call(call, bill(undefined, items)), ['AMOUNT_TOO_LARGE'], `${call} ${items.length} lines`);
      }
    }
    await unharmed();
  });
});

describe('the HIS endpoint', () => {
  const post = (body: string) =>
    `POST /bills HTTP/1.1\r\nHost: 127.0.0.1:${target.his.port}\r\nAuthorization: Bearer ${target.his.token}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
  const hisBill = (date: string, items = [{ code: AMOX, unitPrice: '12.50', quantity: '1' }]) =>
    JSON.stringify({ format: 'bill/1', bills: [{ credential: person, visit: { visitType: 'outpatient', date }, items }] });

  it('bad and future visit dates and absurd totals are answered 400 with a code; no bill stored', async () => {
    const cases: Array<[string, string]> = [
      ...BAD_DAYS.map((d): [string, string] => [hisBill(d), 'BILL_INVALID']),
      ...FUTURE_DAYS().map((d): [string, string] => [hisBill(d), 'VISIT_DATE_IN_FUTURE']),
      ...ABSURD.map((items): [string, string] => [hisBill(chinaDay(0), items), 'AMOUNT_TOO_LARGE']),
    ];
    for (const [body, code] of cases) {
      const r = await rawExchange(target.his.port, [post(body)]);
      expect(r.status, body.slice(0, 200)).toBe(400);
      expect(r.text, body.slice(0, 200)).toContain(`"code":"${code}"`);
    }
    await unharmed();
  });
});

describe('the CLI on the running app\'s data folder', () => {
  const fileBill = (name: string, date: string, items = [{ code: AMOX, unitPrice: '12.50', quantity: '1' }]) => {
    const path = join(files, name);
    writeFileSync(path, JSON.stringify({ format: 'bill/1', bills: [{ billId: name, credential: person, visit: { visitType: 'outpatient', date }, items }] }));
    return path;
  };
  const cli = (args: string[]) => runCli(['--data-dir', target.dataDir, '--json', ...args], { CASHIER_OPERATOR: '1001', CASHIER_OPERATOR_PIN: '1234' });

  it('bill import and settle --bill refuse bad dates, future dates and absurd totals with a code (exit not 0)', async () => {
    const cases: Array<[string, string]> = [
      [fileBill('bad-day.json', '2026-02-30'), 'BILL_INVALID'],
      [fileBill('future.json', '2099-01-01'), 'VISIT_DATE_IN_FUTURE'],
      [fileBill('absurd.json', chinaDay(0), ABSURD[0]), 'AMOUNT_TOO_LARGE'],
    ];
    const snap = target.snapshot();
    for (const [file, code] of cases) {
      for (const verb of [['bill', 'import', file], ['settle', '--bill', file]]) {
        const r = cli(verb);
        expect(r.code, `${verb.join(' ')}\n${r.stdout}\n${r.stderr}`).not.toBe(0);
        const out = JSON.parse(r.stdout) as { error: { code: string; message: string } };
        expect(out.error.code, `${verb.join(' ')}: ${out.error.message}`).toBe(code);
        expect(out.error.message).toMatch(/[\u4e00-\u9fff]/);
      }
    }
    await target.expectAlive();
    // A CLI run signs in (audit log) and asks the center whether it answers (its sign-in and message ids):
    // that is the CLI starting, not the bill. Nothing of the bill was written.
    expect(changedTables(snap, target.snapshot()).filter((t) => !['audit_log', 'center_msgid', 'center_state'].includes(t))).toEqual([]);
  }, 240_000);
});
