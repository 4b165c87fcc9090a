// English mode walks every screen (issue 13) and finds no Chinese outside names and the catalog,
// at 1024×768 and 1366×768, in headless Chromium against real browser mode: login, shift, the
// main screen with a bill and its explanation, manual entry with a refused ID number, the upload
// queue, the PIN dialog with a mismatch, a settlement the center refuses (settled panel), the
// center offline (banner, status), today's list with the center's answer, the refund dialog with
// a wrong PIN, every supervisor tab (as cashier: the refusals; as supervisor: the lists).
// What is allowed to stay Chinese: persons', operators', devices' and catalog items' names (collected from
// the screen as the walk goes), the printed receipt's preview (the receipt is printed in
// Chinese), the demo tray's cards (demo data), the switch back to 中文, and text marked as the
// center's own words (lang="zh-CN"). Anything else is reported with where it was.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATORS } from '../../electron/auth/demo-operators';
import { screenshot, type BrowserMode, startStory, type Story } from './helpers/browser-mode';
import { addItem, insertDemoCard, loginByKeys, openShiftByKeys, settleByKeyboard, supervisorScreenByKeys } from './helpers/keyboard';
import { untilText } from './helpers/wait';

const ATORVASTATIN = 'XC10AAA050A001010104321';
const REASON = '该药品超出医保限定支付范围（演示）';
const NOT_SCANNED = ['[lang="zh-CN"]', '[data-testid="lang-switch"]', '[data-testid="receipt-preview"]', '[data-testid="demo-tray"]'];

/** Each run of Chinese characters on the page outside NOT_SCANNED, with the test id of its nearest marked ancestor. */
async function chineseOnScreen(page: Page): Promise<{ where: string; text: string }[]> {
  return page.evaluate((skip) => {
    const out: { where: string; text: string }[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest(skip.join(',')) || el.closest('script,style')) continue;
      if (el.closest('[hidden]') || getComputedStyle(el).display === 'none') continue;
      const runs = (n.textContent ?? '').match(/[\u3400-\u9fff\uff08\uff09\u3001-\u3011\uff0c\uff1a\uff1b]+/g);
      if (!runs) continue;
      const where = el.closest('[data-testid]')?.getAttribute('data-testid') ?? el.tagName;
      for (const text of runs) if (/[\u3400-\u9fff]/.test(text)) out.push({ where, text });
    }
    // Input values and placeholders are on screen too.
    for (const i of Array.from(document.querySelectorAll('input'))) {
      if (i.closest(skip.join(','))) continue;
      const ph = i.placeholder.match(/[\u3400-\u9fff]+/g);
      if (ph) out.push({ where: `${i.getAttribute('data-testid') ?? 'input'} placeholder`, text: ph.join('') });
    }
    return out;
  }, NOT_SCANNED);
}

for (const viewport of [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
]) {
  describe(`English at ${viewport.width}×${viewport.height}: no Chinese outside names and the catalog`, () => {
    let mode: BrowserMode;
    let page: Page;
    let story: Story | undefined;
    const tag = `english-${viewport.width}`;
    /** Names seen on screen: they may stay Chinese. */
    const names = new Set<string>(DEMO_OPERATORS.map((o) => o.name));
    const found: string[] = [];
    const press = (k: string) => page.keyboard.press(k);
    const type = (s: string) => page.keyboard.type(s);
    const until = (id: string, re: RegExp) => untilText(page, mode, id, re);
    const learnNames = async () => {
      const seen = await page.evaluate(() =>
        [
          ...Array.from(document.querySelectorAll('[data-testid="patient-name"], [data-testid^="bill-line-"] td:nth-child(2), .search-hits div, .device-name')).map((e) => e.textContent ?? ''),
          ...Array.from(document.querySelectorAll('[data-testid^="today-row-"] td:nth-child(2)')).map((e) => e.firstChild?.textContent ?? ''),
        ],
      );
      for (const s of seen) for (const run of s.match(/[\u3400-\u9fff]+/g) ?? []) names.add(run);
    };
    /** Scan the screen; anything Chinese that is not (part of) a name is recorded with its place. */
    const scan = async (screen: string) => {
      await learnNames();
      for (const r of await chineseOnScreen(page)) {
        const rest = [...names].sort((a, b) => b.length - a.length).reduce((s, n) => s.split(n).join(''), r.text);
        if (/[\u3400-\u9fff]/.test(rest)) found.push(`${screen} · ${r.where}: ${r.text}`);
      }
      await screenshot(page, `${tag}-${screen}`);
    };

    beforeAll(async () => {
      story = await startStory({ viewport, locale: 'en-US', env: { CASHIER_SANDBOX_FAULTS: `reject-item=${ATORVASTATIN}:${REASON}` } });
      ({ mode, page } = story);
    });
    afterAll(() => story?.stop());

    it('walks the cashier’s screens and dialogs', async () => {
      await page.goto(mode.url);
      await page.getByTestId('login-form').waitFor();
      await press('Alt+l');
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      await scan('01-login');
      await loginByKeys(page, '1001', '1234');
      await page.getByTestId('shift-form').waitFor();
      await scan('02-shift');
      await openShiftByKeys(page, 2);
      await until('status-center', /online/);
      // Manual entry with a mistyped ID number.
      await press('F3');
      await page.getByTestId('manual-entry').waitFor();
      await type('110101199003077777');
      await press('Enter');
      await page.locator('[data-testid="manual-entry"] .error-line').waitFor();
      await scan('03-manual');
      await press('Escape');
      // A patient and a bill: one item the center will refuse, one it pays.
      await insertDemoCard(page, 0, /张伟/);
      await addItem(page, 'amxljn', '2', '1', { beforePick: learnNames }); // no price cap: the price is typed
      await addItem(page, ATORVASTATIN, '45.30', '1', { beforePick: learnNames });
      await until('split-total', /\d\.\d\d/);
      await scan('04-main');
      await press('Control+u');
      await page.getByTestId('outbox-list').waitFor();
      await scan('05-queue');
      await press('Escape');
      await press('Control+p');
      await page.getByTestId('pin-dialog').waitFor();
      await type('1234');
      await press('Tab');
      await type('864213');
      await press('Tab');
      await type('864219');
      await press('Enter');
      await page.locator('[data-testid="pin-dialog"] .error-line, [data-testid="pin-dialog"] .error').first().waitFor();
      await scan('06-pin');
      await press('Escape');
      // F9, then the confirm step (Enter = the exact cash), then the settled panel.
      await settleByKeyboard(page);
      await until('settled-panel', /[Rr]eject|refused/);
      await scan('07-settled-rejected');
      await press('Escape');
      // The center offline: banner, status, a provisional settlement.
      await press('Alt+o');
      await page.getByTestId('offline-banner').waitFor();
      await insertDemoCard(page, 0, /张伟/);
      await addItem(page, 'amxljn', '1', '1');
      await until('split-total', /\d\.\d\d/);
      // F9, then the confirm step (Enter = the exact cash), then the settled panel.
      await settleByKeyboard(page);
      await scan('08-settled-offline');
      await press('Escape');
      await press('Alt+n');
      await until('status-center', /online/);
      // Today's list, the center's answer, the refund dialog with a wrong PIN.
      await press('F6');
      await page.getByTestId('today-list').waitFor();
      await press('ArrowDown');
      await scan('09-today');
      await press('r');
      await page.getByTestId('supervisor-pin').waitFor();
      await type('2001');
      await press('Enter');
      await type('000000');
      await press('Enter');
      await type('test');
      await press('Enter');
      await page.getByTestId('refund-error').waitFor();
      await scan('10-refund-wrong-pin');
      await press('Escape');
      await press('Escape');
      // The hospital window (issue 19): the open stays and the admission form.
      await press('Alt+z');
      await page.getByTestId('stay-list').waitFor();
      await scan('10b-hospital-list');
      await press('Alt+a');
      await page.getByTestId('admit-form').waitFor();
      await scan('10c-hospital-admission');
      await press('Escape');
      await page.getByTestId('stay-list').waitFor();
      await press('Escape');
      await page.getByTestId('hospital-screen').waitFor({ state: 'detached' });
      // The cashier's supervisor screen: own tabs, and the refusals of the others.
      await press('F7');
      await page.getByTestId('supervisor-screen').waitFor();
      for (let n = 1; n <= 9; n++) {
        await press(`Alt+${n}`);
        await page.waitForTimeout(400);
        await scan(`11-cashier-tab-${n}`);
      }
      await press('F12');
      await page.getByTestId('login-form').waitFor();
    });

    it('walks the supervisor’s tabs', async () => {
      await supervisorScreenByKeys(page, '2001', '246810');
      for (let n = 4; n <= 9; n++) {
        await press(`Alt+${n}`);
        await page.waitForTimeout(600);
        if (n === 5) {
          // Run a reconciliation of today.
          await page.keyboard.press('Enter');
          await page.waitForTimeout(1500);
        }
        await scan(`12-supervisor-tab-${n}`);
      }
      // The tabs reached by letter: the inpatient overview (Alt+Z) and the stock (Alt+K).
      await press('Alt+z');
      await page.getByTestId('inpatient-overview').waitFor();
      await scan('13-supervisor-inpatient');
      await press('Alt+k');
      await page.getByTestId('stock').waitFor();
      await scan('14-supervisor-stock');
    });

    it('found no Chinese outside names and the catalog', () => {
      expect(found).toEqual([]);
    });
  });
}
