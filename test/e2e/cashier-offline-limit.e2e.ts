// An offline settlement above the offline limit asks for a supervisor at the window: the
// cashier's own PIN is refused, a supervisor's id + PIN lets it through (still provisional).
// Browser mode runs with a 20-yuan per-settlement offline limit so a small bill crosses it.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, type BrowserMode, startStory, type Story } from './helpers/browser-mode';
import { confirmStep, login, openShift } from './helpers/keyboard';
import { untilText } from './helpers/wait';

let mode: BrowserMode;
let page: Page;
let story: Story | undefined;

beforeAll(async () => {
  story = await startStory({ env: { CASHIER_OFFLINE_LIMIT_PER_SETTLEMENT: '2000' } });
  ({ mode, page } = story);
});

afterAll(() => story?.stop());

const until = (testId: string, pattern: RegExp, timeout?: number) => untilText(page, mode, testId, pattern, timeout);

describe('offline limit', () => {
  it('needs a supervisor for an offline settlement above the limit', async () => {
    await page.goto(mode.url);
    await login(page, '1001', '1234');
    await openShift(page, 1);
    await until('status-center', /在线/, 60_000);
    await page.keyboard.press('F2');
    await page.keyboard.press('1');
    await page.keyboard.press('Enter'); // "1" alone waits for a second digit (cards 10–14); Enter takes card 1
    await until('patient-source', /中心实时/);
    await page.getByTestId('sandbox-offline').click();
    await page.getByTestId('offline-banner').waitFor();
    await page.keyboard.press('F2');
    await page.keyboard.press('1');
    await page.keyboard.press('Enter'); // "1" alone waits for a second digit (cards 10–14); Enter takes card 1
    await until('patient-source', /离线缓存/);
    await page.keyboard.press('F4');
    await page.keyboard.type('amxljn');
    await page.getByTestId('catalog-hits').locator('div.active').waitFor();
    await page.keyboard.press('Enter');
    await page.keyboard.type('25');
    await page.keyboard.press('Enter');
    await until('split-total', /25\.00/);
    // Said before F9: the preview knows the bill is over the offline limit.
    await page.getByTestId('needs-supervisor').waitFor();

    await confirmStep(page);
    await page.getByTestId('supervisor-pin').waitFor();
    expect(await page.getByTestId('supervisor-pin').textContent()).toMatch(/主管授权/);
    expect(await page.getByTestId('sup-submit').textContent()).toBe('授权并结算');
    await screenshot(page, 'offline-limit-01-asks-supervisor');
    // The cashier cannot authorise it.
    await page.getByTestId('sup-id').fill('1001');
    await page.getByTestId('sup-pin').fill('1234');
    await page.keyboard.press('Enter');
    await until('settle-error', /主管/);
    expect(await page.getByTestId('settled-panel').count()).toBe(0);

    await confirmStep(page);
    await page.getByTestId('sup-id').fill('2001');
    await page.getByTestId('sup-pin').fill('246810');
    await page.keyboard.press('Enter');
    await page.getByTestId('settled-panel').waitFor();
    expect(await page.getByTestId('settled-state').textContent()).toBe('暂存');
    await screenshot(page, 'offline-limit-02-settled');
  });
});
