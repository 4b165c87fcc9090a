// The window in the national protocol (issue 16): demo mode with CASHIER_CENTER_PROTOCOL=national,
// the same keys as ever. Settle online (the chain 2201 → … → 2207 runs, the window shows the
// center's answer: 已确认), go offline (Alt+O), settle (暂存), open the upload queue (Ctrl+U) and
// see the chain waiting with its deadline, come back (Alt+N) and see the chain upload (the queue
// empties, today's list says 已确认). Screenshots at 1024×768: test-artifacts/national-1024-*.png.
import { describe, expect, it } from 'vitest';
import { screenshot } from './helpers/browser-mode';
import { addItem, confirmStep, insertDemoCard } from './helpers/keyboard';
import { cashierAtTheWindow } from './helpers/cashier-window';

const VIEWPORT = { width: 1024, height: 768 };

describe('national protocol at the window (1024×768)', () => {
  const { page, until, text } = cashierAtTheWindow(VIEWPORT, { shots: 'national', env: { CASHIER_CENTER_PROTOCOL: 'national' } });

  it('settles online through the chain, offline provisionally, and uploads the chain when the center is back', async () => {
    await insertDemoCard(page, 0, /张伟/);
    await addItem(page, 'amxljn', '25.00', '1');
    await until('split-total', /25\.00/);
    await confirmStep(page);
    await page.getByTestId('settled-panel').waitFor();
    await until('settled-state', /已确认/);
    await screenshot(page, 'national-1024-01-online-confirmed');
    await page.keyboard.press('Escape');

    // Offline (Alt+O): the local split makes a provisional settlement; the chain waits.
    await page.keyboard.press('Alt+o');
    await page.getByTestId('offline-banner').waitFor();
    await insertDemoCard(page, 0, /张伟/);
    await addItem(page, 'amxljn', '25.00', '2');
    await until('split-total', /50\.00/);
    await confirmStep(page);
    await page.getByTestId('settled-panel').waitFor();
    expect(await text('settled-state')).toBe('暂存');
    await screenshot(page, 'national-1024-02-offline-settled');
    await page.keyboard.press('Escape');

    // The queue shows the chain, its state and its deadline.
    await page.keyboard.press('Control+u');
    await page.getByTestId('outbox-list').waitFor();
    await until('outbox-table', /国家平台结算链/);
    expect(await text('outbox-deadline')).toMatch(/\d\d-\d\d \d\d:\d\d/);
    await screenshot(page, 'national-1024-03-queue-chain');
    await page.keyboard.press('Escape');

    // Back (Alt+N): the chain goes up; the queue empties and today's list says 已确认.
    await page.keyboard.press('Alt+n');
    await page.waitForFunction(() => !document.querySelector('[data-testid="offline-banner"]'), undefined, { timeout: 60_000 });
    await page.keyboard.press('F6');
    await page.getByTestId('today-list').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="today-state-0"]')?.textContent === '已确认', undefined, { timeout: 60_000 });
    expect(await text('today-state-1')).toBe('已确认');
    await screenshot(page, 'national-1024-04-uploaded');
  });
});
