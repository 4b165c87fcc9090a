// The supervisor screen's actions in headless Chromium against real browser mode: a cashier
// settles two patients and records cash in and out by keyboard; the X report shows them and
// its charts carry the settlements (counted per hour, amounts per channel checked against the
// settled panels); another window of the same clinic settles at the same sandbox center, so
// reconciliation finds a settlement only the center has; the supervisor sees the day's charts
// and resolves the finding with a note. Screenshots: test-artifacts/supervisor-actions-*.png.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../electron/app/create-app';
import { ManualClock } from '../../electron/app/clock';
import { newSession } from '../../electron/api/session';
import { ITEMS, openClient, prepareClient, SETTLEABLE } from '../integration/settlement/fixtures';
import { screenshot, type BrowserMode, startStory, type Story } from './helpers/browser-mode';
import { addItem, confirmStep, login, openShift, supervisorScreen } from './helpers/keyboard';
import { untilText } from './helpers/wait';

let mode: BrowserMode;
let page: Page;
let story: Story | undefined;
let other: App | undefined;
let otherDir: string | undefined;

beforeAll(async () => {
  // A Chinese locale, as at a clinic window (number and date formatting by Intl follow it).
  story = await startStory({ locale: 'zh-CN' });
  ({ mode, page } = story);
});

afterAll(async () => {
  await other?.close();
  if (otherDir) rmSync(otherDir, { recursive: true, force: true });
  await story?.stop();
});

const text = async (testId: string) => (await page.getByTestId(testId).textContent()) ?? '';
const until = (testId: string, pattern: RegExp, timeout?: number) => untilText(page, mode, testId, pattern, timeout);

/** "1,234.56" → 123456: the test's own parse, so the sums below do not reuse the app's money code. */
const fenOf = (s: string) => {
  const m = /(-?)([\d,]+)\.(\d\d)/.exec(s);
  if (!m) throw new Error(`no amount in "${s}"`);
  return (m[1] ? -1 : 1) * (Number(m[2]!.replace(/,/g, '')) * 100 + Number(m[3]));
};
const yuan = (fen: number) => {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
};

/** China hour now ("00".."23"): the figures' hours are the clinic's. */
const chinaHour = () => String((new Date().getUTCHours() + 8) % 24).padStart(2, '0');
/** The China hours at the first and after the last settlement. */
const settlingHours: string[] = [];

/** What the settled panel says went to each channel, summed over the settlements made. */
const paid = { count: 0, total: 0, fund: 0, critical: 0, account: 0, cash: 0 };

async function settleDemoCard(index: number, name: RegExp, items: [string, string | null, string][], total: string) {
  await page.keyboard.press('F2');
  await page.keyboard.press(String(index + 1));
  await until('patient-name', name);
  for (const [q, price, qty] of items) await addItem(page, q, price, qty);
  await until('split-total', new RegExp(total.replace('.', '\\.')));
  await confirmStep(page);
  await page.getByTestId('settled-panel').waitFor();
  // Rows of the settled panel in order: total, fund, critical illness, personal account.
  const [t, fund, critical, account] = (await page.getByTestId('settled-panel').locator('.split-row .amount').allTextContents()).map(fenOf);
  const cash = fenOf(await text('cash-due'));
  expect(t).toBe(fund! + critical! + account! + cash); // the panel adds up before we rely on it
  Object.assign(paid, { count: paid.count + 1, total: paid.total + t!, fund: paid.fund + fund!, critical: paid.critical + critical!, account: paid.account + account!, cash: paid.cash + cash });
  await page.keyboard.press('Escape');
}

describe('supervisor actions: cash in/out, charts, discrepancies', () => {
  it('a cashier opens a shift and settles three patients', async () => {
    await page.goto(mode.url);
    await login(page, '1001', '1234');
    await openShift(page, 2);
    await until('status-center', /在线/, 60_000);
    settlingHours.push(chinaHour());
    await settleDemoCard(0, /张伟/, [['amxljn', '25.00', '2']], '50.00');
    // 李秀英 is 100 yuan below her deductible: a 150-yuan bill puts a share on the fund.
    await settleDemoCard(1, /李秀英/, [['amxljn', '25.00', '6']], '150.00');
    await settleDemoCard(2, /王芳/, [['amxljn', '25.00', '1'], ['dyxajf', null, '2']], '32.00');
    settlingHours.push(chinaHour());
    expect(paid.count).toBe(3);
    expect(paid.total).toBe(23200);
    expect(paid.fund).toBeGreaterThan(0);
  });

  it('records cash in and cash out by keyboard, with reasons', async () => {
    await page.keyboard.press('F7');
    await page.getByTestId('close-form').waitFor();
    // Leave the count field (Shift+Tab to the tabs), then the digit picks the tab.
    await page.getByTestId('sup-tab-close').focus();
    await page.keyboard.press('3');
    await page.getByTestId('cashio-form').waitFor();
    // Direction (a select, focused) → Tab → amount → Tab → reason → Enter.
    const moveCash = async (yuan: string, reason: string) => {
      await page.keyboard.press('Tab');
      await page.keyboard.type(yuan);
      await page.keyboard.press('Tab');
      await page.keyboard.type(reason);
      await page.keyboard.press('Enter');
    };
    await moveCash('50', '补充零钱');
    await until('cashio-done', /存入 50\.00 元/);
    await page.getByTestId('cashio-direction').focus();
    await page.keyboard.press('ArrowDown'); // 取出
    await moveCash('12.5', '购买打印纸');
    await until('cashio-done', /取出 12\.50 元/);
    await until('cashio-movements', /购买打印纸/);
    expect(await text('cashio-movements')).toMatch(/补充零钱/);
    // A typed amount that is not yuan never reaches the drawer.
    await page.getByTestId('cashio-amount').fill('12.345');
    await page.getByTestId('cashio-reason').fill('试错');
    await page.keyboard.press('Enter');
    await until('cashio-error', /金额格式不正确/);
    expect(await page.getByTestId('cashio-error').getAttribute('data-code')).toBe('INVALID_AMOUNT');
    expect(await page.getByTestId('cashio-movements').locator('tbody tr').count()).toBe(2);
    await page.getByTestId('cashio-amount').fill('');
    await page.getByTestId('cashio-reason').fill('');
    await screenshot(page, 'supervisor-actions-01-cash-in-out');
  });

  it('the X report shows the cash movements and charts that carry the settlements', async () => {
    await page.getByTestId('sup-tab-xreport').click();
    await page.getByTestId('shift-report').waitFor();
    expect(await text('report-cash-in')).toBe('50.00');
    expect(await text('report-cash-out')).toBe('12.50');
    expect(await text('report-expected')).toBe('—'); // blind for the cashier until the close
    expect(await text('report-movements')).toMatch(/补充零钱[\s\S]*购买打印纸/);
    // Hourly chart: every bar's count adds up to the three settlements, and its labels say so.
    const bars = page.getByTestId('chart-hourly').locator('[data-testid^="hour-bar-"]');
    const counts = await bars.evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-count'))));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    // Each bar says its own count, hour and net amount, and lies within the hours the settling took.
    const drawn = await bars.evaluateAll((gs) => gs.map((g) => ({ id: g.getAttribute('data-testid')!, count: Number(g.getAttribute('data-count')), total: Number(g.getAttribute('data-total')), text: g.textContent })));
    for (const b of drawn) {
      const hour = b.id.slice('hour-bar-'.length);
      expect(b.text).toBe(`${b.count} 笔${hour}时${yuan(b.total)}`);
      expect(hour >= settlingHours[0]! && hour <= settlingHours[1]!).toBe(true);
    }
    const amounts = await page.getByTestId('chart-hourly').locator('[data-testid^="hour-amount-"]').allTextContents();
    expect(amounts.map(fenOf).reduce((a, b) => a + b, 0)).toBe(paid.total);
    // Channel chart: each channel's label is what the settled panels said, summed.
    for (const c of ['fund', 'critical', 'account', 'cash'] as const) expect(await text(`channel-${c}-amount`)).toBe(yuan(paid[c]));
    expect(await text('chart-channels')).toContain(yuan(paid.total));
    await screenshot(page, 'supervisor-actions-02-x-report');
    await page.keyboard.press('F12');
    await page.getByTestId('login-form').waitFor();
  });

  it('another window of the clinic settles at the same center (not in this journal)', async () => {
    const m = /sandbox center started \{"url":"(http:\/\/127\.0\.0\.1:\d+)\/?"\}/.exec(mode.output());
    if (!m) throw new Error(`no sandbox URL in the server output:\n${mode.output().slice(-2000)}`);
    // Its clock reads two hours later on the same clinic day: message ids are institution +
    // second + sequence, and a second this window used would make the center replay its answer.
    const now = Date.now();
    const hourInChina = (new Date(now).getUTCHours() + 8) % 24;
    const at = hourInChina <= 21 ? now + 2 * 3600_000 : now - (hourInChina - 1) * 3600_000;
    otherDir = mkdtempSync(join(tmpdir(), 'cashier-e2e-other-'));
    other = await openClient({ dataDir: otherDir, centerUrl: m[1]!, clock: new ManualClock(new Date(at)) });
    await prepareClient(other);
    const s = newSession('test');
    expect((await other.call(s, 'auth.login', { operatorId: '1001', pin: '1234' })).ok).toBe(true);
    const zhou = SETTLEABLE.find((p) => p.psn_name === '周杰')!;
    const r = await other.call(s, 'settlement.settle', {
      person: { certType: '02', certNo: zhou.certno },
      visit: { visitType: 'outpatient' },
      items: [{ code: ITEMS[0]!.code, unitPrice: ITEMS[0]!.unitPrice, quantity: '1' }],
      useAccount: false,
    });
    if (!r.ok) throw new Error(`other window: ${r.error.code} ${r.error.message}`);
    await other.settlement.drain({ untilEmpty: true, timeoutMs: 15_000 });
  });

  it('the supervisor sees the day’s charts: the three settlements, the cash in and out', async () => {
    await supervisorScreen(page, '2001', '246810');
    await page.keyboard.press('4');
    await until('day-count', /^3（/);
    // The day is typed, YYYY-MM-DD in any browser language: today's, the focus in it; ↓ is the
    // day before (no shifts), ↑ back again.
    const today = await page.getByTestId('reports-day').inputValue();
    expect(today).toMatch(/^\d{4}-\d\d-\d\d$/);
    await page.keyboard.press('ArrowDown');
    await until('day-reports', /这一天没有班次/);
    expect(await page.getByTestId('reports-day').inputValue()).not.toBe(today);
    await page.keyboard.press('ArrowUp');
    expect(await page.getByTestId('reports-day').inputValue()).toBe(today);
    await until('day-count', /^3（/);
    expect(await text('day-total')).toBe(yuan(paid.total));
    for (const c of ['fund', 'critical', 'account', 'cash'] as const) expect(await text(`channel-${c}-amount`)).toBe(yuan(paid[c]));
    await screenshot(page, 'supervisor-actions-03-day-report');
    // One shift picked from the day: the cashier's, with its movements.
    const shiftId = await page.getByTestId('reports-shift').locator('option').nth(1).getAttribute('value');
    await page.getByTestId('reports-shift').selectOption(shiftId!);
    await until('report-movements', /补充零钱/);
    expect(await text('report-expected')).toBe(yuan(20000 + 5000 - 1250 + paid.cash)); // a supervisor sees it
  });

  it('reconciliation finds the settlement only the center has; the supervisor resolves it with a note', async () => {
    await page.getByTestId('sup-tab-reports').focus();
    await page.keyboard.press('5');
    await page.getByTestId('reconcile-run').click();
    await until('reconcile-result', /对账不符/);
    const item = page.getByTestId('discrepancies').locator('li.sup-item');
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.textContent()).toMatch(/仅中心有/);
    // Only the center has it: re-upload is not offered, marking resolved is.
    expect(await item.getByRole('button', { name: '重新上传' }).count()).toBe(0);
    await screenshot(page, 'supervisor-actions-04-discrepancy');
    await item.locator('input').fill('本院另一收费窗口所收，已核对票据');
    await item.locator('input').press('Enter');
    await until('discrepancies', /没有对账差异/);
    await page.getByTestId('disc-filter').selectOption('resolved');
    await until('discrepancies', /本院另一收费窗口所收，已核对票据/);
    expect(await text('discrepancies')).toMatch(/已处理/);
    await screenshot(page, 'supervisor-actions-05-resolved');
  });

  it('reads in English too', async () => {
    await page.getByTestId('lang-switch').click();
    await page.keyboard.press('4');
    await until('day-reports', /Whole day/);
    await until('chart-channels', /Pooled fund/);
    await screenshot(page, 'supervisor-actions-06-day-report-en');
    await page.getByTestId('lang-switch').click();
  });
});
