// Shift reports as files: the PDF is opened with pdftotext and its text checked, the CSV is
// parsed back and compared with the handover, the receipt lines carry the same figures; the
// `shift report` verb writes them from a real CLI process.
import type { CallInput, CallName } from '../../../electron/api/contract';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../electron/app/create-app';
import { resolveDbKey } from '../../../electron/auth/db-key';
import { ManualClock } from '../../../electron/app/clock';
import { newSession } from '../../../electron/api/session';
import type { ShiftReport } from '../../../electron/api/contract/shift';
import { shiftReportPdf } from '../../../electron/shift/report-pdf';
import { fenToYuan } from '../../../electron/api/money';
import { runCli } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-app';
import { insertSettlement, type JournalRow } from './journal';
import { callApp, callOk } from '../../helpers/app-call';

let dir: string;
let report: ShiftReport;

function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

beforeAll(async () => {
  dir = tempDir('shift-report-');
  const clock = new ManualClock(new Date('2026-03-16T09:05:00+08:00'));
  const app = await createApp({ dataDir: dir, runtime: 'test', env: {}, clock });
  const s = newSession('test');
  const call = <N extends CallName>(name: N, input: CallInput<N>) => callOk(app, s, name, input);
  await call('auth.login', { operatorId: '1001', pin: '1234' });
  const shift = (await call('shift.open', { counts: [{ denomination: 10000, count: 1 }] })) as { id: string };
  const base = { operatorId: '1001', shiftId: shift.id, online: true, refundOf: null, critical: 0 } as const;
  const rows: JournalRow[] = [
    { ...base, id: 'A1', createdAt: clock.now(), insutype: '310', insuranceType: 'employee', visitType: 'outpatient', state: 'confirmed', total: 12345, fund: 8000, account: 2000, cash: 2345 },
    { ...base, id: 'A2', createdAt: new Date(clock.now().getTime() + 3600_000), insutype: '390', insuranceType: 'resident', visitType: 'inpatient', state: 'provisional', online: false, total: 500000, fund: 300000, critical: 50000, account: 0, cash: 150000 },
    { ...base, id: 'A3', createdAt: new Date(clock.now().getTime() + 7200_000), insutype: '310', insuranceType: 'employee', visitType: 'chronic', state: 'confirmed', total: 8800, fund: 6000, account: 2800, cash: 0 },
  ];
  for (const r of rows) insertSettlement(app.db, r);
  // The center adjusted A3 after its upload: fund 60.00 → 65.00, account 28.00 → 23.00 (cash unchanged).
  const at = clock.now().toISOString();
  const outboxId = app.db
    .prepare(
      `INSERT INTO outbox (settlement_id, kind, infno, msgid, psn_no, payload, state, next_attempt_at, created_at, deadline_at)
       VALUES ('A3', 'upload', '2207', 'M-A3', 'P1', '{}', 'adjusted', ?, ?, ?)`,
    )
    .run(at, at, at).lastInsertRowid;
  const adjust = app.db.prepare('INSERT INTO adjustments (settlement_id, outbox_id, field, local_amount, center_amount, difference, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  adjust.run('A3', outboxId, 'fund_pay', 6000, 6500, 500, at);
  adjust.run('A3', outboxId, 'account_pay', 2800, 2300, -500, at);
  clock.advance(3 * 3600_000);
  await call('auth.login', { operatorId: '1001', pin: '1234' }); // the idle lock runs on the app clock
  const cash = 10000 + 2345 + 150000;
  report = (await call('shift.close', { counts: [{ denomination: 10000, count: 16 }, { denomination: 100, count: 23 }, { denomination: 10, count: 4 }, { denomination: 5, count: 1 }] })) as ShiftReport;
  expect(report.shift.countedCash).toBe(cash);
  await app.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('shift report files', () => {
  it('PDF: a real document whose text carries the figures, in Chinese with the embedded font', async () => {
    const out = join(dir, 'r.pdf');
    const r = runCli(['--data-dir', dir, 'shift', 'report', '--shift', report.shift.id, '--format', 'pdf', '--out', out, '--operator', '2001', '--pin', '246810'], { CASHIER_CJK_FONT: '' });
    expect(r.stderr).not.toMatch(/错误/);
    expect(r.code).toBe(0);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(out);
    for (const s of ['班次交接报表', report.shift.id, '按险种', '职工医保', '居民医保', '住院', '离线', '每小时结算笔数', '支付渠道构成', '差额', '含中心调整 1 笔']) expect(text).toContain(s);
    // No orphan last page: the sign-off footer is on the page with the charts.
    const pages = text.split('\f').filter((p) => p.trim());
    expect(pages.at(-1)).toContain('支付渠道构成');
    expect(pages.at(-1)).toContain('主管签核');
    // Net total, each channel and the cash lines, as yuan strings.
    for (const fen of [521145, 314500, 50000, 4300, 152345, 10000, 162345]) expect(text).toContain(fenToYuan(fen));
    expect(text).toContain(report.shift.handoverHash!);
  });

  it('PDF without a CJK font falls back to English labels and says so', async () => {
    const bytes = await shiftReportPdf(report, { clinicName: 'Clinic', cjkFont: null });
    const file = join(dir, 'en.pdf');
    writeFileSync(file, bytes);
    const text = pdfText(file);
    expect(text).toContain('Shift handover report');
    expect(text).toContain('No CJK font found');
    expect(text).toContain(fenToYuan(521145));
  });

  it('CSV: parses back to the handover figures, yuan with two decimals', () => {
    const out = join(dir, 'r.csv');
    const r = runCli(['--data-dir', dir, 'shift', 'report', '--shift', report.shift.id, '--format', 'csv', '--out', out, '--operator', '2001', '--pin', '246810']);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = text.slice(1).trim().split('\r\n').filter((l) => !l.startsWith('#')).map((l) => l.split(','));
    const header = rows[0]!;
    const get = (section: string, key: string, col: string) => rows.find((x) => x[0] === section && x[1] === key)?.[header.indexOf(col)];
    const f = report.figures;
    expect(get('all', 'all', 'total')).toBe(fenToYuan(f.all.total));
    expect(get('all', 'all', 'count')).toBe('3');
    expect(get('insurance_type', 'resident', 'critical_illness')).toBe(fenToYuan(50000));
    // The center's figures for the adjusted settlement, and the file says so; cash as collected.
    expect(get('visit_type', 'chronic', 'account')).toBe(fenToYuan(2300));
    expect(get('visit_type', 'chronic', 'fund')).toBe(fenToYuan(6500));
    expect(get('visit_type', 'chronic', 'cash')).toBe(fenToYuan(0));
    expect(text).toContain('# center_adjusted,1');
    expect(get('state', 'provisional', 'cash')).toBe(fenToYuan(150000));
    expect(get('online', 'offline', 'count')).toBe('1');
    expect(get('cash', 'expected', 'total')).toBe(fenToYuan(162345));
    expect(get('cash', 'variance', 'total')).toBe('0.00');
  });

  it('JSON and the printed lines carry the same figures as the handover', async () => {
    // In process (the CLI path is covered above): same app, same calls.
    // The CLI encrypted the folder's database on first use (security part): open it with that key.
    const app = await createApp({ dataDir: dir, runtime: 'test', env: {}, dbKey: resolveDbKey(dir, {}) });
    try {
      const json = JSON.parse((await app.shift.renderReport(report, 'json')).toString('utf8')) as ShiftReport;
      expect(json.figures).toEqual(report.figures);
      const s = newSession('test');
      expect((await callApp(app, s, 'auth.login', { operatorId: '1001', pin: '1234' })).ok).toBe(true);
      const p = await callApp(app, s, 'shift.printReport', { shiftId: report.shift.id });
      if (!p.ok) throw new Error(p.error.code);
      const lines = (p.value as { lines: string[] }).lines;
      expect(lines.join('\n')).toContain(fenToYuan(521145));
      expect(lines.find((l) => l.includes('应有现金'))).toContain(fenToYuan(162345));
      expect(lines.find((l) => l.includes('实点现金'))).toContain(fenToYuan(162345));
      expect(lines.join('\n')).toContain('含中心调整 1 笔');
    } finally {
      await app.close();
    }
  });

  it('a cashier cannot export another operator’s report; a bad format is a usage error', () => {
    const bad = runCli(['--data-dir', dir, 'shift', 'report', '--shift', report.shift.id, '--format', 'xls', '--out', join(dir, 'x'), '--operator', '2001', '--pin', '246810']);
    expect(bad.code).toBe(2);
    const cashier = runCli(['--data-dir', dir, 'shift', 'report', '--shift', report.shift.id, '--format', 'csv', '--out', join(dir, 'y'), '--operator', '1002', '--pin', '1234']);
    expect(cashier.code).toBe(1);
    expect(cashier.stderr).toContain('FORBIDDEN');
  });
});
