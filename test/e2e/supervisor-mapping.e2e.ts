// The catalogue-mapping screen (对照, issue 16) in headless Chromium against real browser mode in
// the national protocol (the embedded sandbox speaks it): a supervisor opens tab 0 by key, pastes
// a HIS CSV with bad lines (refused whole, each line's number and code shown, nothing imported),
// then a good one; the pairs upload (3301) and turn 已对照 when the center confirms them; the
// unmapped item is edited by keys alone, taking the first suggestion (the same drug by name and
// spec). Fits 1024×768 and 1366×768. Screenshots: test-artifacts/mapping-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, type BrowserMode, startStory, type Story } from './helpers/browser-mode';
import { whatDoesNotFit } from './helpers/fit';
import { supervisorScreenByKeys } from './helpers/keyboard';
import { englishSupervisor } from './helpers/stories';

const AMOXICILLIN = 'XJ01CAA040A001010101445';
const CEFUROXIME = 'XJ01DCC040A001010101234';

let mode: BrowserMode;
let page: Page;
let story: Story | undefined;

beforeAll(async () => {
  story = await startStory({ env: { CASHIER_CENTER_PROTOCOL: 'national' }, viewport: { width: 1024, height: 768 } });
  ({ mode, page } = story);
});
afterAll(() => story?.stop());

const rowState = (code: string) => page.getByTestId(`mapping-row-${code}`).getAttribute('data-state');
async function untilState(code: string, state: string): Promise<void> {
  await page.waitForFunction(([c, s]) => document.querySelector(`[data-testid="mapping-row-${c}"]`)?.getAttribute('data-state') === s, [code, state] as const, { timeout: 20_000 });
}

describe('the catalogue-mapping screen', () => {
  it('opens as tab 0 by key, empty, and says to import', async () => {
    await page.goto(mode.url);
    await supervisorScreenByKeys(page, '2001', '246810');
    await page.keyboard.press('Alt+0');
    await page.getByTestId('mapping').waitFor();
    expect(await page.getByTestId('mapping-empty').textContent()).toContain('导入');
    expect(await whatDoesNotFit(page)).toEqual([]);
  });

  it('a CSV with bad lines is refused whole: each bad line by number and code, nothing imported', async () => {
    await page.keyboard.press('Alt+I');
    const box = page.getByTestId('mapping-import-text');
    await box.waitFor();
    await box.fill(['院内编码,名称,规格,单位,医保编码', `H-0001,阿莫西林胶囊,0.25g*24粒,盒,${AMOXICILLIN}`, 'H 0002,坏编码,,,', 'H-0003,,,,', 'H-0004,未知医保编码,,,NOSUCH01'].join('\n'));
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('mapping-import-lines').waitFor();
    const lines = await page.getByTestId('mapping-import-lines').locator('li').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-line')}:${e.getAttribute('data-code')}`));
    expect(lines).toEqual(['3:CODE_INVALID', '4:NAME_MISSING', '5:NATIONAL_UNKNOWN']);
    expect(await page.getByTestId('mapping-import-error').getAttribute('data-code')).toBe('MAPPING_IMPORT_INVALID');
    await screenshot(page, 'mapping-01-import-refused-1024');
    expect(await page.getByTestId('mapping-empty').count()).toBe(1);
  });

  it('a good CSV imports; the pairs upload and turn 已对照 when the center confirms them', async () => {
    await page.getByTestId('mapping-import-text').fill(
      ['院内编码,名称,规格,单位,医保编码', `H-0001,阿莫西林胶囊,0.25g*24粒,盒,${AMOXICILLIN}`, `H-0002,头孢呋辛酯片,0.25g*12片,盒,${CEFUROXIME}`, 'H-0003,阿莫西林胶囊（大包装）,0.25g*24粒,盒,'].join('\n'),
    );
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('mapping-notice').waitFor();
    expect(await page.getByTestId('mapping-notice').textContent()).toMatch(/已导入 3 项.*2 项有医保编码/);
    await page.keyboard.press('Alt+U');
    await untilState('H-0001', 'mapped');
    await untilState('H-0002', 'mapped');
    expect(await rowState('H-0003')).toBe('unmapped');
    expect(await page.getByTestId('mapping-counts').textContent()).toMatch(/已对照 2 · 未对照 1/);
    expect(await whatDoesNotFit(page)).toEqual([]);
    await screenshot(page, 'mapping-02-list-1024');
  });

  it('the unmapped item is mapped by keys alone from its first suggestion', async () => {
    await page.keyboard.press('Alt+F');
    await page.keyboard.type('H-0003');
    await page.keyboard.press('Enter'); // into the table
    await page.keyboard.press('Enter'); // edit the item
    await page.getByTestId('mapping-suggestions').waitFor();
    expect(await page.getByTestId('mapping-suggestion-0').textContent()).toContain(AMOXICILLIN);
    expect(await whatDoesNotFit(page)).toEqual([]);
    await screenshot(page, 'mapping-03-suggestions-1024');
    await page.keyboard.press('Enter');
    await page.getByTestId('mapping-notice').filter({ hasText: 'H-0003' }).waitFor();
    await page.keyboard.press('Alt+U');
    await untilState('H-0003', 'mapped');
  });

  it('fits 1366×768 too', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.keyboard.press('Alt+F');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await untilState('H-0002', 'mapped');
    expect(await whatDoesNotFit(page)).toEqual([]);
    await screenshot(page, 'mapping-04-list-1366');
  });
});

describe('the catalogue-mapping screen in English', () => {
  let en: Story | undefined;
  afterAll(() => en?.stop());
  it('shows its words in English at 1024×768', async () => {
    en = await englishSupervisor({ CASHIER_CENTER_PROTOCOL: 'national' });
    const p = en.page;
    await p.keyboard.press('Alt+0');
    await p.getByTestId('mapping').waitFor();
    expect(await p.getByTestId('mapping').textContent()).toMatch(/Import CSV[\s\S]*Upload now[\s\S]*Sync national catalogue[\s\S]*Clinic code[\s\S]*No items to map/);
    // No Chinese in the tab's own words.
    expect(await p.getByTestId('mapping').textContent()).not.toMatch(/[\u4e00-\u9fff]/);
    await p.keyboard.press('Alt+I');
    await p.getByTestId('mapping-import-text').waitFor();
    expect(await whatDoesNotFit(p)).toEqual([]);
    await screenshot(p, 'mapping-05-english-1024');
  });
});
