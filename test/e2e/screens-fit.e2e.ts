// One screen that fits (issue 13): at 1024×768 and 1366×768 no screen scrolls as a page, the
// function-key bar and the split's totals are always on screen, and no money figure is cut —
// with a long bill, after settling, on today's list and on the supervisor's screen. Cards 10–14
// of the demo tray are reached by typing their number.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, type BrowserMode, startStory, type Story } from './helpers/browser-mode';
import { inView, whatDoesNotFit } from './helpers/fit';
import { addItem, confirmStep, login, openShift } from './helpers/keyboard';
import { untilText } from './helpers/wait';

for (const viewport of [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
]) {
  describe(`one screen that fits at ${viewport.width}×${viewport.height}`, () => {
    let mode: BrowserMode;
    let page: Page;
    let story: Story | undefined;
    const tag = `fit-${viewport.width}`;
    const fits = async (what: string) => {
      expect(await whatDoesNotFit(page), what).toEqual([]);
      expect(await inView(page, 'shortcut-bar'), `${what}: key bar`).toBe(true);
    };

    beforeAll(async () => {
      story = await startStory({ viewport });
      ({ mode, page } = story);
    });
    afterAll(() => story?.stop());

    it('login and the opening float fit', async () => {
      await page.goto(mode.url);
      await page.getByTestId('login-form').waitFor();
      expect(await whatDoesNotFit(page)).toEqual([]);
      await login(page, '1001', '1234');
      await page.getByTestId('shift-form').waitFor();
      expect(await whatDoesNotFit(page)).toEqual([]);
      await openShift(page, 2);
    });

    it('card 11 by typing 1 1; a long bill keeps the totals and the keys on screen', async () => {
      await page.keyboard.press('F2');
      await page.keyboard.press('1');
      await page.keyboard.press('1');
      await untilText(page, mode, 'patient-name', /徐丽/);
      // Six lines by code: without a price cap the price is typed, with one it is the default.
      const lines: [string, string | null, string][] = [
        ['XJ01CAA040A001010101445', '12.50', '2'],
        ['XN02BEA010A001010105555', null, '3'],
        ['001102000010000', null, '1'],
        ['250101015000000', '25.00', '1'],
        ['ZA04BAA0089010103456', '28.80', '2'],
        ['XJ01DCC040A001010101234', '35.00', '1'],
      ];
      for (const [code, price, qty] of lines) await addItem(page, code, price, qty);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid^="bill-line-"]').length === 6);
      await untilText(page, mode, 'split-total', /\d\.\d\d/);
      await fits('main screen with a bill');
      for (const id of ['split-total', 'split-fund', 'split-account', 'split-cash']) expect(await inView(page, id), id).toBe(true);
      await screenshot(page, `${tag}-01-main`);
    });

    it('after settling: the settled panel, cash due and change fit', async () => {
      await confirmStep(page);
      await page.getByTestId('settled-panel').waitFor();
      await fits('settled');
      expect(await inView(page, 'cash-due')).toBe(true);
      await screenshot(page, `${tag}-02-settled`);
      await page.keyboard.press('Escape');
    });

    it("today's list and the supervisor screen fit", async () => {
      await page.keyboard.press('F6');
      await page.getByTestId('today-list').waitFor();
      await fits("today's list");
      await screenshot(page, `${tag}-03-today`);
      await page.keyboard.press('Escape');
      await page.keyboard.press('F7');
      await page.getByTestId('supervisor-screen').waitFor();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('2');
      await page.getByTestId('shift-report').waitFor();
      await fits('X report');
      await screenshot(page, `${tag}-04-xreport`);
    });
  });
}
