// What a cashier expects beyond the happy path, in headless Chromium against real browser mode
// (sandbox center, demo card tray) with a real ESC/POS printer emulator on a TCP port in place
// of the preview printer:
// - the printer runs out of paper: the settlement is committed, the screen says the receipt did
//   not print, the printer gets paper, F5 prints it — the emulator cuts the receipt;
// - the center goes offline: Ctrl+U lists the queued upload with its deadline, state, attempts;
// - Ctrl+P changes the operator's own PIN; Ctrl+L locks the screen without closing the shift, and
//   the new PIN unlocks it.
// Screenshots of every step go to test-artifacts/extras-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpPrinter, type TcpPrinterServer } from '../../native/emulators/tcp-printer-server';
import { screenshot, type BrowserMode, startStory, type Story } from './helpers/browser-mode';
import { addItem, confirmStep, insertDemoCard, login, openShift } from './helpers/keyboard';
import { untilText, whatWasOnScreen } from './helpers/wait';

let mode: BrowserMode;
let page: Page;
let story: Story | undefined;
let printer: TcpPrinterServer;
let paperOut = false;

beforeAll(async () => {
  printer = await startTcpPrinter();
  // Every job opens a new connection: each new emulator gets the paper state of the moment.
  printer.configure((p) => p.setPaperOut(paperOut));
  story = await startStory({ env: { CASHIER_PRINTER: `tcp:127.0.0.1:${printer.port}` } });
  ({ mode, page } = story);
});

afterAll(async () => {
  await story?.stop();
  await printer?.close();
});

function setPaperOut(out: boolean) {
  paperOut = out;
  for (const p of printer.printers) p.setPaperOut(out);
}

const text = async (testId: string) => (await page.getByTestId(testId).textContent()) ?? '';
const failWith = async (what: string) => `${what}\n${await whatWasOnScreen(page, mode, 'extras-failed')}`;
const waitText = (testId: string, re: RegExp, timeout?: number) => untilText(page, mode, testId, re, timeout);

describe('cashier extras', () => {
  it('logs in and opens the shift', async () => {
    await page.goto(mode.url);
    await login(page, '1001', '1234');
    await openShift(page, 5);
    await waitText('status-center', /在线/, 60_000);
    await waitText('status-policy', /第 \d+ 版/);
    // The operator's own keys are on every screen, in the status bar.
    expect(await text('status-key-lock')).toBe('Ctrl+L 锁屏');
    expect(await text('shortcut-bar')).toContain('F5 重新打印');
  });

  it('printer out of paper: the settlement is kept, the screen says the receipt did not print', async () => {
    setPaperOut(true);
    await insertDemoCard(page, 0, /张伟/);
    await addItem(page, 'amxljn', '25.00', '2');
    await waitText('split-total', /50\.00/);
    await confirmStep(page);
    await page.getByTestId('settled-panel').waitFor();
    await page.getByTestId('print-state').and(page.locator('[data-state="failed"]')).waitFor().catch(async () => {
      throw new Error(await failWith('the settled panel never said the receipt failed'));
    });
    expect(await text('print-state')).toContain('小票没有打印出来');
    // The reason in words; the code only for support (data-code), never as raw text on screen.
    expect(await text('print-state')).toContain('打印机缺纸');
    expect(await text('print-state')).not.toContain('PRINTER_OUT_OF_PAPER');
    expect(await page.getByTestId('print-state').locator('[data-code="PRINTER_OUT_OF_PAPER"]').count()).toBe(1);
    expect(await text('print-trouble')).toMatch(/1 张小票未打印：打印机缺纸/);
    expect(await text('print-trouble')).toContain('按 F5 重新打印');
    // Committed anyway: the center confirms it, and the status bar shows the printer's state.
    await waitText('settled-state', /已确认/, 30_000);
    await waitText('status-devices', /缺纸/);
    expect(printer.receipts).toHaveLength(0);
    // Let one automatic retry fail too (the next is 10 s away), so F5 below is what prints it.
    await waitText('print-attempts', /已试 2 次/, 15_000);
    await screenshot(page, 'extras-01-paper-out');
  });

  it('F5 after loading paper prints the receipt', async () => {
    setPaperOut(false);
    await page.keyboard.press('F5');
    await waitText('print-note', /小票已重新打印/);
    await page.getByTestId('print-state').and(page.locator('[data-state="done"]')).waitFor();
    expect(await text('print-state')).toContain('小票已打印');
    expect(printer.receipts).toHaveLength(1);
    expect(printer.receipts[0]!.lines.join('\n')).toContain('阿莫西林');
    // The original receipt, not a copy marked 补打.
    expect(printer.receipts[0]!.lines.join('\n')).not.toContain('补打');
    await waitText('status-devices', /就绪/);
    await screenshot(page, 'extras-02-printed-after-f5');
    // F5 with nothing waiting says so.
    await page.keyboard.press('F5');
    await waitText('print-note', /没有等待打印的小票/);
    await page.keyboard.press('Escape');
    await page.getByTestId('split-panel').waitFor();
  });

  it('center offline: Ctrl+U lists the queued upload with its deadline, state and attempts', async () => {
    await page.getByTestId('sandbox-offline').click();
    await page.getByTestId('offline-banner').waitFor();
    await insertDemoCard(page, 0, /张伟/);
    await waitText('patient-source', /离线缓存/);
    await addItem(page, 'amxljn', '25.00', '1');
    await waitText('split-total', /25\.00/);
    await confirmStep(page);
    await page.getByTestId('settled-panel').waitFor();
    await waitText('status-queue', /1 笔/);
    expect(await page.getByTestId('status-queue').getAttribute('class')).toContain('tone-plain');

    await page.keyboard.press('Control+U');
    await page.getByTestId('outbox-row').first().waitFor().catch(async () => {
      throw new Error(await failWith('the queue list showed no row'));
    });
    expect(await page.getByTestId('outbox-row').count()).toBe(1);
    const row = (await page.getByTestId('outbox-row').first().textContent()) ?? '';
    expect(row).toContain('张伟');
    expect(row).toContain('结算上传');
    expect(row).toMatch(/待上传|已发送|结果待查/);
    // Default window 24 h: just settled, so 23 h and some minutes left.
    expect(await text('outbox-deadline')).toMatch(/^\d\d-\d\d \d\d:\d\d · 剩 23 小时 5\d 分$/);
    expect(await text('outbox-summary')).toContain('上传时限 24 小时');
    await screenshot(page, 'extras-03-outbox-list');
    // While the list is open, F9 and Esc belong to it, not to the screen behind.
    await page.keyboard.press('Escape');
    await page.getByTestId('outbox-list').waitFor({ state: 'detached' });
    await page.getByTestId('settled-panel').waitFor();

    // The same list in English (the switch is remembered: switched back right after).
    await page.getByTestId('lang-switch').click();
    await page.keyboard.press('Control+U');
    await waitText('outbox-deadline', /· 23 h 5\d min left$/);
    expect(await text('outbox-row')).toMatch(/Queued|Sent, awaiting answer|Outcome being checked/);
    await screenshot(page, 'extras-03-outbox-list-en');
    await page.keyboard.press('Escape');
    await page.getByTestId('outbox-list').waitFor({ state: 'detached' });
    await page.getByTestId('lang-switch').click();
    await waitText('status-queue', /上传队列/);

    // Back online, the upload goes and the list empties.
    await page.getByTestId('sandbox-online').click();
    await page.keyboard.press('Control+U');
    await page.getByText('没有待上传的结算').waitFor({ timeout: 90_000 }).catch(async () => {
      throw new Error(await failWith('the queue never emptied after the center came back'));
    });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.getByTestId('split-panel').waitFor();
  });

  it('Ctrl+P changes the operator\'s own PIN (the two new ones must match)', async () => {
    await page.keyboard.press('Control+P');
    await page.getByTestId('pin-old').waitFor();
    await page.keyboard.type('1234');
    await page.keyboard.press('Tab');
    await page.keyboard.type('1357');
    await page.keyboard.press('Tab');
    await page.keyboard.type('1375');
    await page.keyboard.press('Enter');
    await waitText('pin-error', /两次输入的新密码不一致/);
    await page.getByTestId('pin-new').fill('1357');
    await page.getByTestId('pin-repeat').fill('1357');
    await page.keyboard.press('Enter');
    await waitText('pin-done', /密码已修改/);
    await screenshot(page, 'extras-04-pin-changed');
    await page.keyboard.press('Enter');
    await page.getByTestId('pin-dialog').waitFor({ state: 'detached' });
  });

  it('Ctrl+L locks the screen without closing the shift; the new PIN unlocks it', async () => {
    const shiftBefore = await text('status-operator');
    expect(shiftBefore).toMatch(/开班/);
    await page.keyboard.press('Control+L');
    await page.getByTestId('lock-note').waitFor();
    expect(await text('lock-note')).toContain('（1001）的班次没有结束');
    expect(await page.getByTestId('login-id').inputValue()).toBe('1001');
    // The session really is locked: the cashier calls refuse it.
    expect(await page.getByTestId('status-operator').count()).toBe(0);
    await screenshot(page, 'extras-05-locked');

    // The old PIN no longer works; the PIN field has the focus.
    await page.keyboard.type('1234');
    await page.keyboard.press('Enter');
    await waitText('login-error', /工号或密码不正确/);
    await page.keyboard.type('1357');
    await page.keyboard.press('Enter');
    // Straight back to the window: the open shift is taken over, no opening-float form.
    await page.getByTestId('card-panel').waitFor();
    expect(await page.getByTestId('shift-form').count()).toBe(0);
    expect(await text('status-operator')).toBe(shiftBefore);
    await screenshot(page, 'extras-06-unlocked');
  });
});
