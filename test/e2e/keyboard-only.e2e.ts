// The whole cashier flow without the mouse (issue 13), at 1024×768 and 1366×768, in headless
// Chromium against real browser mode: log in, open the shift, read a demo card, find an item by
// pinyin initials from inside its name, settle, next patient, today's list, a refund whose
// supervisor id → Enter → PIN → Enter → reason → Enter never stops on a dead Enter, the language
// (Alt+L) and the demo center switch (Alt+O / Alt+N), the supervisor screen's tabs by Alt+digit
// and a work list worked from its note. Only page.keyboard is used — no click, no fill — and on
// every screen the page does not scroll (helpers/fit.ts). A third story: the idle lock shows on
// screen at its time with no call made. Screenshots: test-artifacts/keys-<width>-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, type BrowserMode, startStory, type Story } from './helpers/browser-mode';
import { whatDoesNotFit } from './helpers/fit';
import { addItem, insertDemoCard, loginByKeys, openShiftByKeys, settleByKeyboard, supervisorScreenByKeys } from './helpers/keyboard';
import { untilText } from './helpers/wait';

const ATORVASTATIN = 'XC10AAA050A001010104321'; // 阿托伐他汀钙片: the sandbox refuses it (a rejection to work)
const REASON = '该药品超出医保限定支付范围（演示）';

/** The data-testid of the focused element ('' when none). */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');

for (const viewport of [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
]) {
  describe(`keyboard only at ${viewport.width}×${viewport.height}`, () => {
    let mode: BrowserMode;
    let page: Page;
    let story: Story | undefined;
    const tag = `keys-${viewport.width}`;
    const until = (id: string, re: RegExp) => untilText(page, mode, id, re);
    const fits = async (what: string) => expect(await whatDoesNotFit(page), what).toEqual([]);
    const type = (s: string) => page.keyboard.type(s);
    const press = (k: string) => page.keyboard.press(k);

    beforeAll(async () => {
      story = await startStory({ viewport, env: { CASHIER_SANDBOX_FAULTS: `reject-item=${ATORVASTATIN}:${REASON}` } });
      ({ mode, page } = story);
    });
    afterAll(() => story?.stop());

    it('logs in and opens the shift by keyboard', async () => {
      await page.goto(mode.url);
      await page.getByTestId('login-form').waitFor();
      expect(await focused(page)).toBe('login-id');
      await loginByKeys(page, '1001', '1234');
      await page.getByTestId('shift-form').waitFor();
      await fits('shift');
      await openShiftByKeys(page, 2);
      await until('status-center', /在线/);
    });

    it('reads a card, finds an item by initials inside its name, settles, next patient', async () => {
      await insertDemoCard(page, 0, /张伟/);
      // 阿莫西林胶囊 = amxljn: "xljn" is inside the name, not at its start; its hit is the one picked.
      await addItem(page, 'xljn', '1', '1', {
        beforePick: async () => {
          await until('catalog-hits', /阿莫西林/);
          expect(await page.getByTestId('catalog-hits').locator('div.active').textContent()).toContain('阿莫西林');
        },
      });
      await until('split-total', /\d\.\d\d/);
      await fits('main with a bill');
      await screenshot(page, `${tag}-01-main`);
      // F9, then the confirm step (Enter = the exact cash), then the settled panel.
      await settleByKeyboard(page);
      await fits('settled');
      await screenshot(page, `${tag}-02-settled`);
      await press('Escape');
      await page.getByTestId('settled-panel').waitFor({ state: 'detached' });
    });

    it('refunds from today’s list: Enter after the supervisor id goes to the PIN, then to the reason', async () => {
      await press('F6');
      await page.getByTestId('today-list').waitFor();
      await fits("today's list");
      await press('r');
      await page.getByTestId('supervisor-pin').waitFor();
      expect(await focused(page)).toBe('sup-id');
      await type('2001');
      await press('Enter');
      expect(await focused(page)).toBe('sup-pin');
      await type('246810');
      await press('Enter');
      expect(await focused(page)).toBe('sup-reason');
      await type('患者退药');
      await fits('refund dialog');
      await screenshot(page, `${tag}-03-refund`);
      await press('Enter');
      await until('today-note', /退费完成/);
      await press('Escape');
      await page.getByTestId('card-panel').waitFor();
    });

    it('switches the language (Alt+L) and the demo center (Alt+O / Alt+N) without the mouse', async () => {
      await press('Alt+l');
      await until('card-panel', /[A-Za-z]{4}/);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      await press('Alt+l');
      await until('card-panel', /读卡/);
      await press('Alt+o');
      await until('status-center', /离线/);
      await page.getByTestId('offline-banner').waitFor();
      await press('Alt+n');
      await until('status-center', /在线/);
    });

    it('settles a drug the center refuses, then the supervisor works the rejection from its note', async () => {
      await insertDemoCard(page, 0, /张伟/);
      await addItem(page, ATORVASTATIN, '45.30', '1');
      await until('split-total', /45\.30/);
      // F9, then the confirm step (Enter = the exact cash), then the settled panel.
      await settleByKeyboard(page);
      await press('Escape');
      // The supervisor, at the same window.
      await press('F12');
      await supervisorScreenByKeys(page, '2001', '246810');
      // Every tab by Alt+digit fits; none types a digit into a field.
      for (const n of [1, 2, 3, 4, 5, 6, 7, 9]) {
        await press(`Alt+${n}`);
        await page.waitForFunction((i) => document.querySelectorAll('[role="tab"]')[i - 1]?.getAttribute('aria-selected') === 'true', n);
        await fits(`supervisor tab ${n}`);
      }
      const digitsTyped = await page.evaluate(() => [...document.querySelectorAll('input')].some((i) => /^[1-9]$/.test(i.value)));
      expect(digitsTyped).toBe(false);
      // 8 中心拒绝: the note of the first item has the focus; Enter with no note says so, then
      // with a note Enter goes to the first action, → the next, Enter does it.
      await press('Alt+8');
      await until('worklist-rejection', new RegExp(REASON.slice(0, 6)));
      await page.waitForFunction(() => document.activeElement?.classList.contains('sup-note') ?? false);
      await press('Enter');
      await page.locator('[data-testid$="-error"][data-code="NOTE_REQUIRED"]').waitFor();
      await type('已与中心核实，核销');
      await press('Enter');
      expect(await focused(page)).toMatch(/-correct_reupload$/);
      await press('ArrowRight');
      await press('ArrowRight');
      expect(await focused(page)).toMatch(/-write_off$/);
      await fits('rejection work list');
      await screenshot(page, `${tag}-04-worklist`);
      await press('Enter');
      await until('worklist-rejection', /没有需要处理的项目/);
    });
  });
}

describe('the idle lock shows on screen at its time', () => {
  let mode: BrowserMode;
  let page: Page;
  let story: Story | undefined;
  beforeAll(async () => {
    // 0.1 minute = 6 s, for the test; the main process and the window use the same setting.
    story = await startStory({ viewport: { width: 1024, height: 768 }, env: { CASHIER_IDLE_LOCK_MINUTES: '0.1' } });
    ({ mode, page } = story);
  });
  afterAll(() => story?.stop());

  it('locks with no call made, says why, and the same PIN goes back to the shift', async () => {
    await page.goto(mode.url);
    await page.getByTestId('login-form').waitFor();
    await loginByKeys(page, '1001', '1234');
    await page.getByTestId('shift-form').waitFor();
    const at = Date.now();
    // Nothing typed, nothing asked: the lock screen comes by itself.
    await page.getByTestId('lock-note').waitFor({ timeout: 20_000 });
    const after = Date.now() - at;
    expect(after).toBeGreaterThan(4_000);
    await untilText(page, mode, 'lock-note', /0\.1 分钟没有操作，已自动锁屏/);
    expect(await focused(page)).toBe('login-pin');
    await screenshot(page, 'keys-idle-lock');
    await page.keyboard.type('1234');
    await page.keyboard.press('Enter');
    await page.getByTestId('shift-form').or(page.getByTestId('card-panel')).first().waitFor();
    expect(await page.getByTestId('login-error').count()).toBe(0);
  });
});
