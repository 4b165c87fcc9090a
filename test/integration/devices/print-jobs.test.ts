// Durable print jobs through the real app: a real SQLite file, the real worker, and the
// printer emulator on 127.0.0.1 (TCP 9100 style). Offline and paper-out wait and retry;
// reprints are copies and audited; jobs survive a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../electron/app/clock';
import { startTcpPrinter, type TcpPrinterServer } from '../../../native/emulators/tcp-printer-server';
import { startTempApp, tempDir, type TempApp } from '../../helpers/temp-app';
import { OFFLINE_COPY, ORDINARY } from '../../fixtures/receipts/sample-receipts';
import type { CardRead } from '../../../native/protocols/card-read';
import { rmSync } from 'node:fs';
import { z } from 'zod';
import { many } from '../../../electron/db/sql';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function printerAndApp(opts: { dataDir?: string; clock?: ManualClock } = {}): Promise<{ srv: TcpPrinterServer; t: TempApp; clock: ManualClock }> {
  const srv = await startTcpPrinter();
  cleanups.push(() => srv.close());
  const clock = opts.clock ?? new ManualClock();
  const t = await startTempApp({ clock, dataDir: opts.dataDir, flags: { printer: `tcp:127.0.0.1:${srv.port}`, printerProfile: '58mm' } });
  if (!opts.dataDir) cleanups.push(() => t.close());
  return { srv, t, clock };
}

function printerState(t: TempApp) {
  return t.app.status.get().devices.find((d) => d.kind === 'printer');
}

describe('print jobs', () => {
  it('a receipt becomes a queued job the worker prints; events and status follow', async () => {
    const { srv, t } = await printerAndApp();
    const events: { jobId: number; state: string }[] = [];
    t.app.events.on('print.changed', (e) => events.push(e));
    const { jobId } = t.app.devices.printReceipt(ORDINARY.settlementId, ORDINARY, { copy: false });
    expect(t.app.devices.jobs.get(jobId)).toMatchObject({ state: 'queued', copy: false, attempts: 0 });
    expect(await t.app.devices.worker.runDue()).toBe(1);
    expect(t.app.devices.jobs.get(jobId)).toMatchObject({ state: 'done', attempts: 1 });
    expect(events).toEqual([{ jobId, state: 'queued' }, { jobId, state: 'printing' }, { jobId, state: 'done' }]);
    await srv.waitForReceipts(1);
    expect(srv.receipts[0]!.lines.join('\n')).toContain('患者：张*三');
    expect(printerState(t)).toMatchObject({ state: 'ready' });
  });

  it('prints a text document (the shift report) as a durable job that is never taken for a receipt', async () => {
    const { srv, t } = await printerAndApp();
    const { jobId } = t.app.devices.printLines(['收费笔数          12', '应有现金      1,623.45'], { title: '班次报表 S1', name: 'shift-report:S1' });
    expect(t.app.devices.jobs.get(jobId)).toMatchObject({ state: 'queued' });
    expect(await t.app.devices.worker.runDue()).toBe(1);
    await srv.waitForReceipts(1);
    const printed = srv.receipts[0]!.lines.join('\n');
    expect(printed).toContain('班次报表 S1');
    expect(printed).toContain('应有现金      1,623.45');
    // Not a receipt: no preview or reprint can pick it up by its name.
    expect(() => t.app.devices.reprint('shift-report:S1', null)).toThrow(/没有小票/);
  });

  it('out of paper: the job waits, the status bar says paper-out, and it prints after paper is loaded', async () => {
    const { srv, t, clock } = await printerAndApp();
    srv.configure((p) => p.setPaperOut(true));
    const { jobId } = t.app.devices.printReceipt(ORDINARY.settlementId, ORDINARY, { copy: false });
    await t.app.devices.worker.runDue();
    const waiting = t.app.devices.jobs.get(jobId)!;
    expect(waiting).toMatchObject({ state: 'failed-waiting', attempts: 1 });
    expect(waiting.lastError).toMatch(/^PRINTER_OUT_OF_PAPER/);
    expect(printerState(t)).toMatchObject({ state: 'paper-out' });
    // Not due yet: the worker leaves it alone.
    expect(await t.app.devices.worker.runDue()).toBe(0);
    srv.configure((p) => p.setPaperOut(false));
    clock.advance(5_000);
    expect(await t.app.devices.worker.runDue()).toBe(1);
    expect(t.app.devices.jobs.get(jobId)).toMatchObject({ state: 'done', attempts: 2, lastError: null });
    expect(printerState(t)).toMatchObject({ state: 'ready' });
    await srv.waitForReceipts(1);
    expect(srv.receipts).toHaveLength(1);
  });

  it('the demo paper switch: demo mode\'s preview printer only; a receipt waits while it is out and prints after paper and a retry', async () => {
    // A real printer is never "switched" out of paper: refused, nothing changes.
    const { t: real } = await printerAndApp();
    const r = await real.call(await real.login(), 'device.demoPaper', { paperOut: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_DEMO' } });
    expect(printerState(real)).toMatchObject({ state: 'ready' });

    const t = await startTempApp({ clock: new ManualClock() });
    cleanups.push(() => t.close());
    expect([t.app.demo, printerState(t)?.name]).toEqual([true, 'preview']);
    // In paper: a preview receipt is done the moment it is written.
    expect(t.app.devices.jobs.get(t.app.devices.printReceipt('S-DEMO-0', ORDINARY, { copy: false }).jobId)).toMatchObject({ state: 'done' });
    const s = await t.login();
    expect(await t.call(s, 'device.demoPaper', { paperOut: true })).toEqual({ ok: true, value: { paperOut: true } });
    expect(printerState(t)).toMatchObject({ state: 'paper-out' });
    const { jobId } = t.app.devices.printReceipt('S-DEMO-1', ORDINARY, { copy: false });
    expect(t.app.devices.jobs.get(jobId)).toMatchObject({ state: 'queued' });
    await t.app.devices.worker.runDue();
    expect(t.app.devices.jobs.get(jobId)).toMatchObject({ state: 'failed-waiting', attempts: 1 });
    expect(t.app.devices.jobs.get(jobId)!.lastError).toMatch(/^PRINTER_OUT_OF_PAPER: 演示打印机缺纸/);
    // Paper in, F5: printed.
    await t.call(s, 'device.demoPaper', { paperOut: false });
    expect(printerState(t)).toMatchObject({ state: 'ready' });
    expect(await t.call(s, 'device.retryPrints', {})).toEqual({ ok: true, value: { attempted: 1 } });
    expect(t.app.devices.jobs.get(jobId)).toMatchObject({ state: 'done', attempts: 2, lastError: null });
    expect(t.app.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'device.demoPaper'").pluck().get()).toBe(2);
  });

  it('printer unreachable: offline in the status bar; retryPrints makes waiting jobs due at once', async () => {
    const srv0 = await startTcpPrinter();
    const port = srv0.port;
    await srv0.close();
    const t = await startTempApp({ clock: new ManualClock(), flags: { printer: `tcp:127.0.0.1:${port}` } });
    cleanups.push(() => t.close());
    const { jobId } = t.app.devices.printReceipt('S-OFF-1', ORDINARY, { copy: false });
    await t.app.devices.worker.runDue();
    expect(t.app.devices.jobs.get(jobId)).toMatchObject({ state: 'failed-waiting' });
    expect(printerState(t)).toMatchObject({ state: 'offline' });
    const s = await t.login();
    const r = await t.call(s, 'device.retryPrints', {});
    expect(r).toEqual({ ok: true, value: { attempted: 1 } });
    expect(t.app.devices.jobs.get(jobId)).toMatchObject({ state: 'failed-waiting', attempts: 2 });
  });

  it('reprint: a copy, audited, shown with the COPY mark', async () => {
    const { srv, t } = await printerAndApp();
    t.app.devices.printReceipt(ORDINARY.settlementId, ORDINARY, { copy: false });
    await t.app.devices.worker.runDue();
    const s = await t.login();
    const r = await t.call(s, 'device.reprint', { settlementId: ORDINARY.settlementId });
    expect(r.ok).toBe(true);
    const jobId = r.ok ? r.value.jobId : -1;
    expect(t.app.devices.jobs.get(jobId)).toMatchObject({ copy: true, state: 'queued' });
    const audit = many(t.app.db, "SELECT operator_id, subject, detail FROM audit_log WHERE action = 'device.reprint'", {}, z.object({ operator_id: z.string(), subject: z.string(), detail: z.string() }));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ operator_id: '1001', subject: ORDINARY.settlementId });
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ jobId });
    expect(t.app.audit.verify().ok).toBe(true);
    const preview = await t.call(s, 'device.receiptPreview', { settlementId: ORDINARY.settlementId });
    expect(preview.ok && preview.value.join('\n')).toContain('COPY');
    await t.app.devices.worker.runDue();
    await srv.waitForReceipts(2);
    const printed = srv.receipts;
    expect(printed).toHaveLength(2);
    expect(printed[1]!.lines.join('\n')).toContain('【补打 副本 COPY】');
    expect(printed[0]!.lines.join('\n')).not.toContain('COPY');
    const list = await t.call(s, 'device.printJobs', { settlementId: ORDINARY.settlementId });
    expect(list.ok && list.value.map((j) => [j.copy, j.state])).toEqual([[false, 'done'], [true, 'done']]);
  });

  it('refuses a reprint of an unknown settlement and changes nothing', async () => {
    const { t } = await printerAndApp();
    const s = await t.login();
    const r = await t.call(s, 'device.reprint', { settlementId: 'S-NOPE' });
    expect(r.ok ? null : r.error.code).toBe('RECEIPT_NOT_FOUND');
    expect(t.app.db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'device.reprint'`).get()).toEqual({ n: 0 });
    expect(t.app.db.prepare('SELECT COUNT(*) AS n FROM print_jobs').get()).toEqual({ n: 0 });
    const anon = await t.call((await import('../../../electron/api/session')).newSession('test'), 'device.reprint', { settlementId: 'S-NOPE' });
    expect(anon.ok).toBe(false);
  });

  it('jobs survive a restart; a job caught printing is retried', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const clock = new ManualClock();
    const first = await printerAndApp({ dataDir: dir, clock });
    const a = first.t.app.devices.printReceipt(ORDINARY.settlementId, ORDINARY, { copy: false }).jobId;
    const b = first.t.app.devices.printReceipt(OFFLINE_COPY.settlementId, OFFLINE_COPY, { copy: false }).jobId;
    // A crash in the middle of printing job b.
    first.t.app.db.prepare(`UPDATE print_jobs SET state = 'printing', attempts = 1 WHERE id = ?`).run(b);
    await first.t.app.close();

    const second = await printerAndApp({ dataDir: dir, clock });
    cleanups.push(() => second.t.app.close());
    expect(second.t.app.devices.jobs.get(a)).toMatchObject({ state: 'queued' });
    second.t.app.devices.start();
    await second.t.app.devices.worker.runDue();
    expect(second.t.app.devices.jobs.get(a)).toMatchObject({ state: 'done' });
    expect(second.t.app.devices.jobs.get(b)).toMatchObject({ state: 'done', attempts: 2 });
    await second.srv.waitForReceipts(2);
    const lines = second.srv.receipts.map((r) => r.lines.join('\n'));
    expect(lines.some((l) => l.includes('暂存结算'))).toBe(true);
  });
});

describe('preview printer and demo readers', () => {
  it('preview: the job is done at once and the preview has the receipt lines', async () => {
    const t = await startTempApp();
    cleanups.push(() => t.close());
    const { jobId } = t.app.devices.printReceipt(ORDINARY.settlementId, ORDINARY, { copy: false });
    expect(t.app.devices.jobs.get(jobId)).toMatchObject({ state: 'done', printer: 'preview' });
    const s = await t.login();
    const r = await t.call(s, 'device.receiptPreview', { settlementId: ORDINARY.settlementId });
    expect(r.ok && r.value.some((l) => l.includes('张*三'))).toBe(true);
    expect(r.ok && r.value.every((l) => l.length <= 80)).toBe(true);
  });

  it('demoInsert: the emulated reader produces a real frame, parsed, emitted as card.read', async () => {
    const t = await startTempApp();
    cleanups.push(() => t.close());
    const seen: unknown[] = [];
    t.app.events.on('card.read', (c) => seen.push(c));
    const s = await t.login();
    const cards = await t.call(s, 'device.demoCards', {});
    expect(cards.ok && cards.value.length).toBeGreaterThan(5);
    for (const credential of ['ssc', 'voucher', 'idcard', 'idcard'] as const) {
      const r = await t.call(s, 'device.demoInsert', { index: 0, credential });
      expect(r.ok).toBe(true);
    }
    const reads = seen as CardRead[];
    expect(reads.map((c) => [c.credential, c.certType, c.source])).toEqual([
      ['ssc', '03', 'demo-ssc-reader'],
      ['voucher', '01', 'demo-voucher-scanner'],
      ['idcard', '02', 'demo-idcard-reader'],
      ['idcard', '02', 'demo-idcard-reader'],
    ]);
    const expired = await t.call(s, 'device.demoInsert', { index: 13, credential: 'ssc' });
    expect(expired.ok ? null : expired.error.code).toBe('SSC_EXPIRED');
    const missing = await t.call(s, 'device.demoInsert', { index: 999 });
    expect(missing.ok ? null : missing.error.code).toBe('DEMO_CARD_NOT_FOUND');
    const bad = await t.call(s, 'device.demoInsert', { index: -1 } as never);
    expect(bad.ok).toBe(false);
    expect(seen).toHaveLength(4);
    const list = await t.call(s, 'device.list', {});
    expect(list.ok && list.value.devices.map((d) => d.kind)).toEqual(['reader', 'printer']);
  });

  it('without demo mode or emulated readers there is no card tray', async () => {
    const t = await startTempApp({ flags: { readers: 'none', centerUrl: 'http://127.0.0.1:9/' } });
    cleanups.push(() => t.close());
    const r = await t.call((await import('../../../electron/api/session')).newSession('test'), 'device.demoCards', {});
    expect(r.ok ? null : r.error.code).toBe('NOT_DEMO');
  });
});

describe('printer status probe', () => {
  it('an idle printer out of paper shows paper-out; near end shows paper-near-end; back to ready', async () => {
    const { srv, t } = await printerAndApp();
    srv.configure((p) => p.setPaperOut(true));
    expect(await t.app.devices.probePrinter()).toMatchObject({ state: 'paper-out' });
    srv.configure((p) => {
      p.setPaperOut(false);
      p.status.paperNearEnd = true;
    });
    expect(await t.app.devices.probePrinter()).toMatchObject({ state: 'paper-near-end' });
    const { jobId } = t.app.devices.printReceipt(ORDINARY.settlementId, ORDINARY, { copy: false });
    await t.app.devices.worker.runDue();
    expect(t.app.devices.jobs.get(jobId)).toMatchObject({ state: 'done' });
    expect(printerState(t)).toMatchObject({ state: 'paper-near-end' });
    srv.configure((p) => (p.status.paperNearEnd = false));
    expect(await t.app.devices.probePrinter()).toMatchObject({ state: 'ready' });
    const s = await t.login();
    const st = await t.call(s, 'system.status', {});
    expect(st.ok && st.value.devices.find((d) => d.kind === 'printer')).toMatchObject({ state: 'ready' });
  });
});

describe('bad device settings', () => {
  it('a bad readers or printer setting shows as an error device; the app still opens and jobs wait', async () => {
    const t = await startTempApp({ clock: new ManualClock(), flags: { readers: 'magstripe@/dev/x', printer: 'lpt1' } });
    cleanups.push(() => t.close());
    const devices = t.app.status.get().devices;
    expect(devices.find((d) => d.id === 'reader-config')).toMatchObject({ state: 'error' });
    expect(devices.find((d) => d.kind === 'printer')).toMatchObject({ state: 'error' });
    const { jobId } = t.app.devices.printReceipt('S-BAD-1', ORDINARY, { copy: false });
    await t.app.devices.worker.runDue();
    expect(t.app.devices.jobs.get(jobId)).toMatchObject({ state: 'failed-waiting' });
    expect(t.app.devices.jobs.get(jobId)!.lastError).toMatch(/^PRINTER_SPEC_INVALID/);
  });
});
