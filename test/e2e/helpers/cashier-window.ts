// The setup most cashier stories share (issue 13's stories: refund, self-pay, partial refund,
// wrong patient, reject, adjust): browser mode with the sandbox center, headless Chromium at
// the story's size, the demo cashier logged in with a shift open and the center online — and
// the small helpers each story used to write again (shot, text, until).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { screenshot, type BrowserMode, startStory, type Story } from './browser-mode';
import { login, openShift } from './keyboard';
import { CASHIER } from './operators';
import { untilText } from './wait';

export interface CashierWindow {
  /**
   * The story's page. The page exists only once beforeAll has run, while the tests' closures are
   * made when the describe block is collected: this stands for it and forwards every use to it.
   */
  page: Page;
  mode(): BrowserMode;
  /** test-artifacts/<shots>-<width>-<name>.png */
  shot(name: string): Promise<string>;
  /** The text of the element with this test id ('' when it has none). */
  text(testId: string): Promise<string>;
  /** Wait until that element's text matches (a timeout says what was on screen). */
  until(testId: string, pattern: RegExp): Promise<void>;
}

/**
 * Registers the describe block's beforeAll (start, log in as the demo cashier, open a shift with
 * one 100-yuan note, wait for the center online) and afterAll (stop); call it inside describe.
 */
export function cashierAtTheWindow(viewport: { width: number; height: number }, o: { shots: string; env?: Record<string, string> }): CashierWindow {
  let story: Story | undefined;
  const current = (): Story => {
    if (!story) throw new Error('the story has not started (use the page inside tests, after beforeAll)');
    return story;
  };
  const page = new Proxy({} as Page, {
    get(_target, key) {
      const real = current().page;
      const value: unknown = Reflect.get(real, key, real);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(real) : value;
    },
  });
  const until = (testId: string, pattern: RegExp) => untilText(current().page, current().mode, testId, pattern);

  beforeAll(async () => {
    story = await startStory({ viewport, ...(o.env ? { env: o.env } : {}) });
    await story.page.goto(story.mode.url);
    await login(story.page, CASHIER.id, CASHIER.pin);
    await openShift(story.page, 1);
    await until('status-center', /在线/);
  });
  afterAll(() => story?.stop());

  return {
    page,
    mode: () => current().mode,
    shot: (name) => screenshot(current().page, `${o.shots}-${viewport.width}-${name}`),
    text: async (testId) => (await current().page.getByTestId(testId).textContent()) ?? '',
    until,
  };
}
