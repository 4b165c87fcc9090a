// Issue 14 in the real window: a cashier pastes 2 MB into the cash in/out reason and presses
// Enter (before the fix this sent a 2 MB message that ended the whole process). The field keeps
// at most TEXT_LIMITS.note characters, the movement is recorded with that reason, and the
// process keeps serving (a fresh page still loads and logs in).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXT_LIMITS } from '../../electron/api/contract/limits';
import { screenshot, startStory, type BrowserMode, type Story } from './helpers/browser-mode';
import { login, openShift } from './helpers/keyboard';
import { untilText } from './helpers/wait';

let story: Story;
let page: Page;
let mode: BrowserMode;

beforeAll(async () => {
  story = await startStory({ locale: 'zh-CN' });
  ({ mode, page } = story);
});

afterAll(async () => {
  await story?.stop();
});

describe('a 2 MB paste into the cash in/out reason', () => {
  it('is cut at the field, recorded, and the process lives on', async () => {
    await page.goto(mode.url);
    await login(page, '1001', '1234');
    await openShift(page, 2);
    await page.keyboard.press('F7');
    await page.getByTestId('close-form').waitFor();
    await page.getByTestId('sup-tab-close').focus();
    await page.keyboard.press('3');
    await page.getByTestId('cashio-form').waitFor();
    await page.getByTestId('cashio-amount').fill('10');
    const reason = page.getByTestId('cashio-reason');
    await reason.focus();
    // A real paste: insertText is what the browser does with the clipboard, maxlength applies.
    await page.keyboard.insertText('粘'.repeat(700_000));
    const kept = await reason.inputValue();
    expect(kept.length).toBe(TEXT_LIMITS.note);
    await page.keyboard.press('Enter');
    await untilText(page, mode, 'cashio-done', /存入 10\.00 元/);
    await screenshot(page, 'hostile-paste-01-cash-in-reason');

    expect(mode.process.exitCode).toBeNull();
    const fresh = await story.browser.newPage();
    await fresh.goto(mode.url);
    await login(fresh, '1002', '1234');
    await fresh.getByTestId('login-id').waitFor({ state: 'detached' });
    await fresh.close();
  });
});
