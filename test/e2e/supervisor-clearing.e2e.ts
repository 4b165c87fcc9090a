// Monthly clearing on the supervisor screen (issue 17; docs/CLEARING.md) in headless Chromium
// against real browser mode and its embedded sandbox center: a cashier settles two patients;
// the supervisor reconciles today, opens the receivables tab (Alt+6), Alt+M to the month's
// clearing, shows this month, prepares outpatient clearing (Alt+G: the preview, nothing sent),
// sends it (Alt+S), cancels it (Alt+X, Enter), prepares and sends it again; the receivables show
// the settlements as applied for clearing; the fund pays (the sandbox center's own payClearing
// on its database, the fund's act) and Alt+R finds the application paid. Fits 1024×768 and
// 1366×768. Screenshots: test-artifacts/clearing-*.png.
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payClearing } from '../../electron/center/sandbox/clearing';
import { screenshot, type BrowserMode, startStory, type Story } from './helpers/browser-mode';
import { whatDoesNotFit } from './helpers/fit';
import { addItem, confirmStep, login, openShift, supervisorScreenByKeys } from './helpers/keyboard';
import { untilText } from './helpers/wait';
import { englishSupervisor } from './helpers/stories';

let mode: BrowserMode;
let page: Page;
let sup: Page;
let story: Story | undefined;

/** This month in China time as yyyyMM: today's settlements are cleared in it. */
const thisMonth = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7).replace('-', '');

beforeAll(async () => {
  story = await startStory({ viewport: { width: 1024, height: 768 } });
  ({ mode, page } = story);
});
afterAll(() => story?.stop());

const appRows = () => sup.getByTestId('clearing-apps').locator('tbody tr').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-testid')}:${r.getAttribute('data-state')}`));
/** Alt+M: the clearing tab, this month typed into its month field, Enter shows it. */
async function showThisMonth(): Promise<void> {
  await sup.keyboard.press('Alt+M');
  await sup.getByTestId('clearing').waitFor();
  await sup.getByTestId('clearing-month').focus();
  await sup.keyboard.press('Control+A');
  await sup.keyboard.type(thisMonth());
  await sup.keyboard.press('Enter');
}

describe('monthly clearing on the supervisor screen', () => {
  it('a cashier settles two patients', async () => {
    await page.goto(mode.url);
    await login(page, '1001', '1234');
    await openShift(page, 2);
    await untilText(page, mode, 'status-center', /在线/, 60_000);
    for (const [i, name] of [[0, /张伟/], [1, /李秀英/]] as const) {
      await page.keyboard.press('F2');
      await page.keyboard.press(String(i + 1));
      await untilText(page, mode, 'patient-name', name);
      await addItem(page, 'amxljn', '25.00', '6');
      await confirmStep(page);
      await page.getByTestId('settled-panel').waitFor();
      await untilText(page, mode, 'settled-state', /已确认/);
      await page.keyboard.press('Escape');
    }
  });

  it('the supervisor reconciles today and sees both settlements reconciled in the month’s clearing', async () => {
    sup = await story!.browser.newPage({ viewport: { width: 1024, height: 768 } });
    sup.setDefaultTimeout(20_000);
    await sup.goto(mode.url);
    await supervisorScreenByKeys(sup, '2001', '246810');
    await sup.keyboard.press('Alt+5');
    await sup.getByTestId('reconcile-run').focus();
    await sup.keyboard.press('Enter');
    await untilText(sup, mode, 'reconcile-result', /一致/);
    await sup.keyboard.press('Alt+6');
    await sup.getByTestId('receivables').waitFor();
    await showThisMonth();
    await untilText(sup, mode, 'clearing-stage-11-reconciled', /^2$/);
    expect(await sup.getByTestId('clearing-month-open').count()).toBe(1);
    expect(await sup.getByTestId('clearing-apps').textContent()).toContain('还没有清算申请');
  });

  it('Alt+G prepares outpatient clearing: the preview shows before anything is sent', async () => {
    await sup.keyboard.press('Alt+G');
    await untilText(sup, mode, 'clearing-preview', /2 笔、2 人次/);
    expect(await appRows()).toEqual([`clearing-app-CLR-${thisMonth()}-11-1:prepared`]);
    expect(await whatDoesNotFit(sup)).toEqual([]);
    await screenshot(sup, 'clearing-01-preview-1024');
  });

  it('Alt+S sends it; Alt+X and Enter cancel it; prepared and sent again', async () => {
    await sup.keyboard.press('Alt+S');
    await untilText(sup, mode, 'clearing-notice', /已发送，中心受理号 CLR/);
    expect(await appRows()).toEqual([`clearing-app-CLR-${thisMonth()}-11-1:sent`]);
    await untilText(sup, mode, 'clearing-stage-11-applied', /^2$/);
    await sup.keyboard.press('Alt+X');
    await untilText(sup, mode, 'clearing-confirm', /确认撤销/);
    await screenshot(sup, 'clearing-02-confirm-cancel-1024');
    await sup.keyboard.press('Enter');
    await untilText(sup, mode, 'clearing-notice', /已撤销/);
    expect(await appRows()).toEqual([`clearing-app-CLR-${thisMonth()}-11-1:cancelled`]);
    await sup.keyboard.press('Alt+G');
    await untilText(sup, mode, 'clearing-preview', /CLR-\d{6}-11-2/);
    await sup.keyboard.press('Alt+S');
    await untilText(sup, mode, 'clearing-notice', /CLR-\d{6}-11-2 已发送/);
    expect(await appRows()).toEqual([`clearing-app-CLR-${thisMonth()}-11-1:cancelled`, `clearing-app-CLR-${thisMonth()}-11-2:sent`]);
    expect(await whatDoesNotFit(sup)).toEqual([]);
    await screenshot(sup, 'clearing-03-sent-1024');
  });

  it('the receivables show the settlements as applied for clearing', async () => {
    await sup.keyboard.press('Alt+M');
    await sup.getByTestId('receivables-aging').focus();
    await sup.keyboard.press('Enter');
    await sup.getByTestId('receivables-rows').waitFor();
    const stages = await sup.locator('[data-testid^="receivable-stage-"]').allTextContents();
    expect(stages.length).toBeGreaterThan(0);
    expect(new Set(stages)).toEqual(new Set(['已申报清算']));
    expect(await whatDoesNotFit(sup)).toEqual([]);
    await screenshot(sup, 'clearing-04-receivables-applied-1024');
  });

  it('the fund pays; Alt+R finds the application paid; fits 1366×768', async () => {
    // The fund's act, done to the embedded sandbox center's own database by its own code.
    const db = new Database(join(mode.dataDir, 'sandbox-center', 'sandbox-center.db'));
    try {
      expect(payClearing(db, new Date())).toHaveLength(1);
    } finally {
      db.close();
    }
    await showThisMonth();
    await sup.getByTestId(`clearing-app-CLR-${thisMonth()}-11-2`).waitFor();
    await sup.keyboard.press('Alt+R');
    await untilText(sup, mode, 'clearing-notice', /已查询：1 张/);
    expect(await appRows()).toEqual([`clearing-app-CLR-${thisMonth()}-11-1:cancelled`, `clearing-app-CLR-${thisMonth()}-11-2:paid`]);
    await untilText(sup, mode, 'clearing-stage-11-paid', /^2$/);
    await sup.setViewportSize({ width: 1366, height: 768 });
    expect(await whatDoesNotFit(sup)).toEqual([]);
    await screenshot(sup, 'clearing-05-paid-1366');
  });
});

describe('monthly clearing in English', () => {
  let en: Story | undefined;
  afterAll(() => en?.stop());
  it('shows its words in English at 1024×768', async () => {
    en = await englishSupervisor();
    const p = en.page;
    await p.keyboard.press('Alt+6');
    await p.getByTestId('receivables').waitFor();
    await p.keyboard.press('Alt+M');
    await p.getByTestId('clearing-types').waitFor();
    const words = (await p.getByTestId('clearing').textContent()) ?? '';
    expect(words).toMatch(/Month \(yyyyMM\)[\s\S]*Reconciled[\s\S]*Outpatient \(11\)[\s\S]*Prepare \(Alt\+G\)[\s\S]*No clearing application this month yet/);
    expect(words).not.toMatch(/[\u4e00-\u9fff]/);
    expect(await whatDoesNotFit(p)).toEqual([]);
    await screenshot(p, 'clearing-06-english-1024');
  });
});
