// Never the wrong patient, never the wrong amount (issue 13), by keyboard only, in headless
// Chromium against real browser mode at 1024×768 and 1366×768: a card that fails to read
// (expired) clears the patient and the bill at once and says so in the patient panel with a
// sound; F9 then settles nothing; Esc Esc drops a patient; an unknown person and a suspended one
// are red, with what to do; a line without a price blocks settling and the cursor goes there.
// Screenshots: test-artifacts/wrong-patient-<width>-*.png.
import { describe, expect, it } from 'vitest';
import { addItem, insertDemoCard } from './helpers/keyboard';
import { cashierAtTheWindow } from './helpers/cashier-window';
import { inView } from './helpers/fit';
import { VIEWPORTS } from './helpers/operators';

const EXPIRED_CARD = 13; // 朱琳: social security card past its date
const SUSPENDED = 4; // 陈静: benefits suspended

describe.each(VIEWPORTS)('at $width×$height', (viewport) => {
  const { page, shot, until } = cashierAtTheWindow(viewport, { shots: 'wrong-patient' });
  const alerts = async () => Number(await page.getByTestId('patient-panel').getAttribute('data-alerts'));

  it('an expired card clears the patient and the bill at once, says what to do, sounds, and F9 settles nothing', async () => {
    await insertDemoCard(page, 0, /张伟/);
    await addItem(page, 'amxljn', '25.00', '2');
    await until('split-total', /50\.00/);
    const before = await alerts();
    // F2, then Tab to the 14th card of the tray, Enter puts it on the reader.
    await page.keyboard.press('F2');
    for (let i = 0; i < EXPIRED_CARD; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await until('card-failure', /过期[\s\S]*电子凭证[\s\S]*F3/);
    // In view: the column had scrolled down to the 14th card, the failure must not stay below the fold.
    await page.waitForFunction(() => {
      const r = document.querySelector('[data-testid="card-failure"]')?.getBoundingClientRect();
      return !!r && r.top >= 0 && r.bottom <= window.innerHeight;
    });
    expect(await inView(page, 'card-failure')).toBe(true);
    expect(await page.getByTestId('patient-name').count()).toBe(0);
    expect(await page.getByTestId('bill-line-0').count()).toBe(0);
    expect(await alerts()).toBe(before + 1);
    // The failure is in the patient panel, inside the window, not only in the tray below.
    const box = await page.getByTestId('card-failure').boundingBox();
    expect(box && box.y + box.height).toBeLessThanOrEqual(viewport.height);
    await shot('01-expired-card');
    await page.keyboard.press('F9');
    await page.waitForTimeout(500);
    expect(await page.getByTestId('settled-panel').count()).toBe(0);
  });

  it('Esc asks once, Esc again drops the patient and the bill', async () => {
    await insertDemoCard(page, 0, /张伟/);
    expect(await page.getByTestId('card-failure').count()).toBe(0);
    await addItem(page, 'amxljn', '25.00', '1');
    await until('split-total', /25\.00/);
    await page.keyboard.press('Escape');
    await until('drop-confirm', /再按一次 Esc 清除 张伟/);
    expect(await page.getByTestId('patient-name').count()).toBe(1);
    await shot('02-drop-confirm');
    await page.keyboard.press('Escape');
    await until('cashier-note', /已清除患者和账单/);
    expect(await page.getByTestId('patient-name').count()).toBe(0);
    expect(await page.getByTestId('bill-line-0').count()).toBe(0);
  });

  it('an unknown person typed in by F3 is red in the patient panel with what to do, and sounds', async () => {
    const before = await alerts();
    await page.keyboard.press('F3');
    await page.getByTestId('manual-cert-no').waitFor();
    await page.keyboard.type('110101199001011237');
    await page.keyboard.press('Enter');
    await until('lookup-error', /没有找到此人[\s\S]*F3[\s\S]*自费/);
    expect(await alerts()).toBe(before + 1);
    await shot('03-unknown-person');
  });

  it('a suspended person does not read as normal green', async () => {
    await insertDemoCard(page, SUSPENDED, /陈静/);
    await until('patient-suspended', /参保暂停[\s\S]*自费/);
    expect(await page.getByTestId('patient-source').getAttribute('class')).toBe('source-bad');
    await shot('04-suspended');
  });

  it('a line without a price blocks F9: the field is marked and the cursor is there; typed, it settles', async () => {
    await insertDemoCard(page, 0, /张伟/);
    await page.keyboard.press('F4');
    await page.keyboard.type('amxljn');
    await page.getByTestId('catalog-hits').locator('div.active').waitFor();
    await page.keyboard.press('Enter');
    // Asked for its price; Esc leaves it without one.
    await page.keyboard.press('Escape');
    await until('bill-price-0', /待输入/);
    expect(await page.getByTestId('bill-price-0').getAttribute('class')).toContain('invalid');
    await until('settle-blocked', /第 1 行没有单价/);
    await page.keyboard.press('F9');
    await page.waitForTimeout(300);
    expect(await page.getByTestId('settled-panel').count()).toBe(0);
    // The cursor is on the line, asking for the price: digits + Enter set it.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('bill-lines');
    await until('bill-price-0', /_/);
    await shot('05-zero-price-blocked');
    await page.keyboard.type('12.5');
    await page.keyboard.press('Enter');
    await until('split-total', /12\.50/);
    expect(await page.getByTestId('settle-blocked').count()).toBe(0);
  });
});
