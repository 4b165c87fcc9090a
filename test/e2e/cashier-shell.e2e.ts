// The window a cashier first sees: status bar, login (wrong PIN refused in Chinese, right PIN
// accepted), English switch. Real browser mode on a temp data dir, real headless Chromium.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, type BrowserMode, startStory, type Story } from './helpers/browser-mode';
import { addItem, confirmStep, insertDemoCard, login, openShift } from './helpers/keyboard';
import { untilText } from './helpers/wait';

let mode: BrowserMode;
let browser: Browser;
let page: Page;
let story: Story | undefined;

beforeAll(async () => {
  story = await startStory({ viewport: { width: 1366, height: 800 } });
  ({ mode, browser, page } = story);
});

afterAll(() => story?.stop());

describe('cashier window shell', () => {
  it('shows the status bar and the login form in Chinese, and hides the token from the address bar', async () => {
    await page.goto(mode.url);
    await page.getByTestId('login-form').waitFor();
    // The status bar is filled from system.status (not the placeholder dash).
    await page.waitForFunction(() => !document.querySelector('[data-testid="status-center"] .status-value')?.textContent?.includes('—'));
    expect(await page.getByTestId('status-center').textContent()).toMatch(/医保中心/);
    expect(await page.getByTestId('status-policy').textContent()).toMatch(/目录/);
    expect(await page.getByTestId('status-queue').textContent()).toMatch(/上传队列/);
    expect(await page.locator('h1').textContent()).toBe('操作员登录');
    expect(page.url()).not.toContain('token=');
    await screenshot(page, 'shell-01-login');
  });

  it('refuses a wrong PIN with a Chinese message and logs in with the right one', async () => {
    await page.getByTestId('login-id').fill('1001');
    await page.getByTestId('login-pin').fill('0000');
    await page.keyboard.press('Enter');
    const err = page.getByTestId('login-error');
    await err.waitFor();
    expect(await err.textContent()).toMatch(/[\u4e00-\u9fa5]/);
    await screenshot(page, 'shell-02-login-refused');

    await page.getByTestId('login-pin').fill('1234');
    await page.keyboard.press('Enter');
    await page.getByTestId('shift-form').waitFor();
    expect(await page.getByTestId('status-operator').textContent()).toContain('1001');
    await screenshot(page, 'shell-03-shift');
  });

  it('switches to English and back', async () => {
    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.getByTestId('status-center').textContent()).toMatch(/Center/);
    await screenshot(page, 'shell-04-english');
    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  });

  it('after a reload the token is taken from sessionStorage and the session is asked again', async () => {
    await page.reload();
    // A new WebSocket is a new session: back at the login screen, status bar still filled.
    await page.getByTestId('login-form').waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="status-center"] .status-value')?.textContent?.includes('—'));
  });

  it('a card digit typed right after F2, before the card list has arrived, still reads that card', async () => {
    // A second window whose WebSocket holds back the answer to device.demoCards for 3 s (a
    // slow first call on a busy machine): the cashier's F2 + digit must not be lost meanwhile.
    const slow = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    let held = 0;
    await slow.routeWebSocket(/\/api/, (ws) => {
      const server = ws.connectToServer();
      const cardCalls = new Set<unknown>();
      ws.onMessage((m) => {
        const msg = JSON.parse(String(m)) as { id?: unknown; call?: string };
        if (msg.call === 'device.demoCards') cardCalls.add(msg.id);
        server.send(m);
      });
      server.onMessage((m) => {
        const msg = JSON.parse(String(m)) as { id?: unknown };
        if (msg.id !== undefined && cardCalls.has(msg.id)) {
          held += 1;
          setTimeout(() => ws.send(m), 3_000);
        } else ws.send(m);
      });
    });
    await slow.goto(mode.url);
    await login(slow, '1001', '1234');
    await openShift(slow, 1);
    await slow.keyboard.press('F2');
    await slow.keyboard.press('8');
    // The list had not arrived when the digit was typed.
    expect(await slow.getByTestId('demo-card-7').count()).toBe(0);
    await untilText(slow, mode, 'patient-name', /黄强/);
    expect(held).toBeGreaterThan(0);
    await slow.close();
  });

  it('the demo printer runs out of paper: the receipt waits, the alert shows, paper and F5 print it', async () => {
    const demo = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const textOf = (id: string) => demo.getByTestId(id).textContent().then((t) => t ?? '');
    const until = (id: string, re: RegExp) => untilText(demo, mode, id, re);
    await demo.goto(mode.url);
    await login(demo, '1001', '1234');
    // The shift may already be open (an earlier test of this file opened it in another window).
    await demo.getByTestId('shift-count-10000').or(demo.getByTestId('card-panel')).first().waitFor();
    if (await demo.getByTestId('shift-count-10000').count()) await openShift(demo, 1);
    await demo.getByTestId('card-panel').waitFor();

    await demo.getByTestId('demo-paper-out').click();
    await until('status-devices', /缺纸/);
    await insertDemoCard(demo, 0, /张伟/);
    await addItem(demo, 'amxljn', '25.00', '1');
    await until('split-total', /25\.00/);
    await confirmStep(demo);
    await demo.getByTestId('settled-panel').waitFor();
    // Settled and kept; the receipt did not print and the window says so.
    await demo.getByTestId('print-state').and(demo.locator('[data-state="failed"]')).waitFor();
    expect(await textOf('print-state')).toMatch(/缺纸/);
    await screenshot(demo, 'shell-05-demo-paper-out');

    await demo.getByTestId('demo-paper-in').click();
    await until('status-devices', /就绪/);
    await demo.keyboard.press('F5');
    await demo.getByTestId('print-state').and(demo.locator('[data-state="done"]')).waitFor();
    expect(await textOf('print-state')).toContain('小票已打印');
    await screenshot(demo, 'shell-06-demo-paper-loaded');
    await demo.close();
  });
});
