// "One screen that fits" (issue 13), measured in the page: the document does not scroll, the
// function-key bar is inside the window, and every money figure is whole on screen (not cut by
// its column or the window's edge). Returns what is wrong, in words, so a failure explains itself.
import type { Page } from 'playwright-core';

export async function whatDoesNotFit(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const doc = document.scrollingElement ?? document.documentElement;
    if (doc.scrollHeight > window.innerHeight + 1) problems.push(`page scrolls vertically: ${doc.scrollHeight} > ${window.innerHeight}`);
    if (doc.scrollWidth > window.innerWidth + 1) problems.push(`page scrolls sideways: ${doc.scrollWidth} > ${window.innerWidth}`);
    const bar = document.querySelector('[data-testid="shortcut-bar"]');
    if (bar) {
      const r = bar.getBoundingClientRect();
      if (r.bottom > window.innerHeight + 1 || r.top < 0) problems.push(`key bar outside the window: top ${r.top}, bottom ${r.bottom}`);
    }
    // Money figures: the split, the settled panel's figures, cash due / change.
    const figures = document.querySelectorAll('.split-row .amount, [data-testid="cash-due"], [data-testid="cash-change"]');
    for (const el of Array.from(figures)) {
      const r = el.getBoundingClientRect();
      const label = `${el.closest('[data-testid]')?.getAttribute('data-testid') ?? el.className} "${el.textContent}"`;
      if (r.right > window.innerWidth + 1 || r.left < 0) problems.push(`${label} cut by the window: ${r.left}–${r.right}`);
      if ((el as HTMLElement).scrollWidth > (el as HTMLElement).clientWidth + 1) problems.push(`${label} wider than its box`);
      const panel = el.closest('.panel');
      if (panel) {
        const p = panel.getBoundingClientRect();
        if (r.right > p.right + 1) problems.push(`${label} sticks out of its panel: ${r.right} > ${p.right}`);
      }
    }
    return problems;
  });
}

/** Whether the element is entirely inside the window (not below the fold). */
export async function inView(page: Page, testId: string): Promise<boolean> {
  return page.getByTestId(testId).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight + 1 && r.left >= 0 && r.right <= window.innerWidth + 1;
  });
}
