// The supervisor's screens switch between "this window" and "the clinic" (issue 18), in headless
// Chromium at 1024×768 and 1366×768, against a real PostgreSQL (test/helpers/pg-cluster) and the
// real browser mode. The browser's window is window 07 (its login role also reads the clinic);
// window 08 is another process-local app at the same sandbox center. The clinic's day shows both
// windows and their operators; the institution's reconciliation matches, then traces a
// settlement whose amount differs at window 08 to that window; a re-upload of a settlement
// the center has is refused with its words; receivables and aging per window. A window with no
// clinic database shows the switch disabled, with the reason.
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Page } from 'playwright-core';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../electron/app/create-app';
import { newSession } from '../../electron/api/session';
import { formatFen } from '../../electron/api/money';
import { value } from '../../electron/db/sql';
import { createClinicDb, type ClinicDb } from '../helpers/clinic-db';
import { pgAvailable, startPgCluster, type PgCluster } from '../helpers/pg-cluster';
import { openClient, prepareClient, randomBill, rng } from '../integration/settlement/fixtures';
import { screenshot, startStory, type BrowserMode, type Story } from './helpers/browser-mode';
import { addItem, confirmStep, insertDemoCard, login, openShift, supervisorScreen } from './helpers/keyboard';
import { untilText } from './helpers/wait';

const CLINIC_KEY = '5a'.repeat(32);
let cluster: PgCluster | undefined;
let clinic: ClinicDb | undefined;
let story: Story | undefined;
let mode: BrowserMode;
let page: Page;
let w08: App | undefined;

const text = async (testId: string) => (await page.getByTestId(testId).textContent()) ?? '';
const until = (testId: string, pattern: RegExp, timeout?: number) => untilText(page, mode, testId, pattern, timeout);
const both = async (name: string) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await screenshot(page, `${name}-1024`);
  await page.setViewportSize({ width: 1366, height: 768 });
  await screenshot(page, `${name}-1366`);
  await page.setViewportSize({ width: 1024, height: 768 });
};

beforeAll(async () => {
  if (!pgAvailable()) return;
  cluster = await startPgCluster();
  clinic = await createClinicDb(cluster, 'e2e');
  const url07 = await clinic.addWindow('07', { reader: true });
  story = await startStory({ viewport: { width: 1024, height: 768 }, env: { CASHIER_TERMINAL_NO: '07', CASHIER_CLINIC_DATABASE_URL: url07, CASHIER_CLINIC_KEY: CLINIC_KEY } });
  ({ mode, page } = story);
}, 180_000);

afterAll(async () => {
  await w08?.close();
  await story?.stop();
  await clinic?.admin.end();
  cluster?.destroy();
});

describe.skipIf(!pgAvailable())('supervisor screens: this window or the clinic', () => {
  it('window 07 (the browser) settles; window 08 settles at the same center; both stream', async () => {
    await page.goto(mode.url);
    await login(page, '1001', '1234');
    await openShift(page, 2);
    await until('status-center', /在线/, 60_000);
    await insertDemoCard(page, 7, /黄强/);
    await addItem(page, 'amxljn', null, '40');
    await until('split-total', /\d/);
    await confirmStep(page); // F9, then Enter in the confirm step (exact cash)
    await page.getByTestId('settled-panel').waitFor();
    await page.keyboard.press('Escape');

    const m = /sandbox center started \{"url":"(http:\/\/127\.0\.0\.1:\d+)\/?"\}/.exec(mode.output());
    if (!m) throw new Error(`no sandbox URL in the server output:\n${mode.output().slice(-2000)}`);
    const url08 = await clinic!.addWindow('08');
    w08 = await openClient({ dataDir: mkdtempSync(join(tmpdir(), 'cashier-e2e-w08-')), centerUrl: m[1]!, flags: { terminalNo: '08', clinicDatabaseUrl: url08, clinicKey: CLINIC_KEY } });
    await prepareClient(w08);
    const s = newSession('test');
    expect((await w08.call(s, 'auth.login', { operatorId: '1001', pin: '1234' })).ok).toBe(true);
    const r = rng(8);
    for (let i = 0; i < 3; i++) {
      const res = await w08.call(s, 'settlement.settle', randomBill(r, i));
      if (!res.ok) throw new Error(`window 08: ${res.error.code} ${res.error.message}`);
    }
    await w08.settlement.drain({ untilEmpty: true, timeoutMs: 20_000 });
    await w08.clinic.stream.drain();
    // Window 07's stream runs in the browser mode's process: wait until its row is in PostgreSQL.
    for (const t0 = Date.now(); Number((await clinic!.admin.query("SELECT count(*) FROM settlements WHERE window_id = '07' AND state <> 'provisional'")).rows[0].count) < 1; ) {
      if (Date.now() - t0 > 30_000) throw new Error('window 07 did not stream its settlement');
      await new Promise((res) => setTimeout(res, 300));
    }
  }, 180_000);

  it("the clinic's day: all windows, per window, per operator", async () => {
    await page.keyboard.press('F12');
    await supervisorScreen(page, '2001', '246810');
    await page.keyboard.press('4');
    await page.getByTestId('scope-switch').waitFor();
    expect(await page.getByTestId('scope-clinic').isDisabled()).toBe(false);
    await page.getByTestId('scope-clinic').click();
    await until('clinic-day-table', /08 号窗口/);
    const total08 = value(w08!.db, "SELECT sum(total) FROM settlements WHERE state <> 'rejected'", {}, z.number().int())!;
    expect(await text('clinic-day-window-08')).toContain(formatFen(total08));
    expect(await text('clinic-day-window-07')).toMatch(/07 号窗口/);
    expect(await text('clinic-day-op-08-1001')).toContain(formatFen(total08));
    const pg = (await clinic!.admin.query("SELECT sum(total)::bigint AS t FROM settlements WHERE state <> 'rejected'")).rows[0].t as string;
    expect(await text('clinic-day-all')).toContain(formatFen(Number(pg)));
    await page.getByTestId('clinic-day-month').click();
    await page.getByTestId('clinic-day-run').click();
    await until('clinic-day-all', new RegExp(`-01 – `));
    await both('supervisor-clinic-01-day');
    // Back to this window: the window's own day report.
    await page.getByTestId('scope-window').click();
    await page.getByTestId('day-reports').waitFor();
  }, 120_000);

  it("the institution's reconciliation matches, then traces a differing settlement to window 08", async () => {
    await page.keyboard.press('Alt+5');
    await page.getByTestId('scope-clinic').click();
    await page.getByTestId('clinic-reconcile-run').click();
    await until('clinic-reconcile-result', /对账相符/, 60_000);
    // Window 08 records a center adjustment the center never made (injected): the institution's
    // totals differ, 3202 names the settlement, and the finding is traced to window 08.
    const victim = value(w08!.db, "SELECT id FROM settlements WHERE state = 'confirmed' ORDER BY id LIMIT 1", {}, z.string())!;
    const up = value(w08!.db, "SELECT id FROM outbox WHERE settlement_id = :victim AND kind = 'upload'", { victim }, z.number().int());
    w08!.db
      .prepare("INSERT INTO adjustments (settlement_id, outbox_id, field, local_amount, center_amount, difference, created_at) VALUES (?, ?, 'total', 0, 0, -50, ?)")
      .run(victim, up, new Date().toISOString());
    await w08!.clinic.stream.drain();
    await page.getByTestId('clinic-reconcile-run').click();
    await until('clinic-reconcile-result', /对账不符/, 60_000);
    expect(await text(`clinic-finding-${victim}`)).toMatch(/08 号窗口/);
    await both('supervisor-clinic-02-reconcile');
    // A re-upload of a settlement the center has is refused, and says why.
    await page.getByTestId(`clinic-reupload-${victim}`).click();
    await until('clinic-reconcile-error', /中心已有结算/);
    expect(Number((await clinic!.admin.query('SELECT count(*) FROM commands')).rows[0].count)).toBe(0);
    await screenshot(page, 'supervisor-clinic-03-reupload-refused');
  }, 120_000);

  it('receivables and aging for the clinic and each window', async () => {
    await page.keyboard.press('Alt+6');
    await page.getByTestId('scope-clinic').click();
    await page.getByTestId('clinic-receivables-table').waitFor();
    const owed08 = value(w08!.db, 'SELECT coalesce(sum(owed), 0) FROM receivables', {}, z.number().int())!;
    expect(await text('clinic-recv-08')).toContain(formatFen(owed08));
    const all = (await clinic!.admin.query('SELECT coalesce(sum(owed), 0)::bigint AS o FROM settlements WHERE receivable_status IS NOT NULL AND NOT written_off')).rows[0].o as string;
    expect(await text('clinic-recv-all')).toContain(formatFen(Number(all)));
    await both('supervisor-clinic-04-receivables');
  }, 60_000);

  it('a window without a clinic database: the switch is there, disabled, with the reason', async () => {
    await story!.stop();
    story = await startStory({ viewport: { width: 1024, height: 768 } });
    ({ mode, page } = story);
    await page.goto(mode.url);
    await supervisorScreen(page, '2001', '246810');
    await page.keyboard.press('4');
    await page.getByTestId('scope-switch').waitFor();
    expect(await page.getByTestId('scope-clinic').isDisabled()).toBe(true);
    await until('scope-unavailable', /未接入诊所汇总库/);
    await page.getByTestId('day-reports').waitFor();
    await screenshot(page, 'supervisor-clinic-05-alone');
  }, 120_000);
});
