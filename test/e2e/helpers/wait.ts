// Waiting for what the cashier would see, shared by the end-to-end stories. On a timeout the
// error says what was on screen (the screen's text, the focused element, error lines, the
// element's own text), keeps a screenshot, and adds the server's last output — so a failure on a
// CI machine explains itself.
import type { Page } from 'playwright-core';
import type { BrowserMode } from './browser-mode';
import { screenshot } from './browser-mode';

/** What the page showed, for a failure message. */
export async function whatWasOnScreen(page: Page, mode: BrowserMode | null, shotName: string): Promise<string> {
  const errors = await page.locator('.error-line').allTextContents().catch(() => []);
  const focused = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200) ?? '').catch(() => '');
  const screen = ((await page.locator('main').first().textContent().catch(() => '')) ?? '').slice(0, 1500);
  await screenshot(page, shotName).catch(() => undefined);
  return [
    `--- page errors: ${errors.join(' | ')}`,
    `--- focused: ${focused}`,
    `--- screen: ${screen}`,
    `--- screenshot: test-artifacts/${shotName}.png`,
    ...(mode ? [`--- server:\n${mode.output().slice(-3000)}`] : []),
  ].join('\n');
}

/**
 * Wait until the element with `data-testid=testId` has text matching `pattern`. A function, not
 * a string, runs in the page: its CSP forbids eval.
 */
export async function untilText(page: Page, mode: BrowserMode | null, testId: string, pattern: RegExp, timeout = 20_000): Promise<void> {
  try {
    await page.waitForFunction(
      ([id, src]) => new RegExp(src!).test(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''),
      [testId, pattern.source],
      { timeout },
    );
  } catch (e) {
    const own = await page.getByTestId(testId).first().textContent({ timeout: 1_000 }).catch(() => '(absent)');
    throw new Error(`${testId} never matched ${pattern} (it said "${own}"): ${String(e)}\n${await whatWasOnScreen(page, mode, `failed-${testId}`)}`);
  }
}
