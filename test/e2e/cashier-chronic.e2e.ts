// A chronic-disease visit at the window (issue 17), in headless Chromium against real browser
// mode (demo sandbox, our protocol) at 1024×768: 吴婷's card, visit type 门诊慢特病; a diagnosis
// she has not filed (I10) is refused with the reason; her filed E11, picked from her filings, settles by the disease's
// rules — the drug on the E11 list paid 90 % by the fund, an antibiotic off the list paid by her —
// explained line by line, and the center confirms it.
// Screenshots: test-artifacts/chronic-1024-*.png.
import { describe, expect, it } from 'vitest';
import { addItem, insertDemoCard, settleByKeyboard } from './helpers/keyboard';
import { cashierAtTheWindow } from './helpers/cashier-window';

describe('a chronic-disease visit at 1024×768', () => {
  const { shot, until, text, page } = cashierAtTheWindow({ width: 1024, height: 768 }, { shots: 'chronic' });

  it('a diagnosis that is not her filed disease is refused, saying why', async () => {
    await insertDemoCard(page, 8, /吴婷/);
    await page.getByTestId('visit-type').selectOption('chronic');
    // Her filings in force are offered as choices; I10 is not among them.
    await until('filed-diseases', /E11 2型糖尿病/);
    expect(await page.getByTestId('filed-disease-I10').count()).toBe(0);
    await page.getByTestId('diagnoses').fill('I10');
    await addItem(page, 'ejsgp', '12.50', '4');
    await until('preview-error', /门诊慢特病/);
    await shot('01-not-filed');
  });

  it('her filed E11: the disease rules, line by line; settled and confirmed', async () => {
    // Picked from her filings (a button: Tab reaches it, Enter presses it), not typed.
    await page.getByTestId('filed-disease-E11').focus();
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('diagnoses').inputValue()).toBe('E11');
    expect(await page.getByTestId('filed-disease-E11').getAttribute('aria-pressed')).toBe('true');
    await addItem(page, 'amxljn', '25.00', '1');
    // By hand: 二甲双胍片 12.50 × 4 = 50.00 on the E11 list (her deductible is met): fund 90 % =
    // 45.00, co-pay 5.00 from the account; 阿莫西林胶囊 25.00 off the list, in cash. Total 75.00.
    await until('split-total', /75\.00/);
    await until('split-fund', /45\.00/);
    await until('split-cash', /25\.00/);
    const explanation = await text('split-explanation');
    expect(explanation).toContain('门诊慢特病 E11 2型糖尿病');
    expect(explanation).toContain('阿莫西林胶囊 不在2型糖尿病病种支付范围内，全额自付: 25.00 元');
    expect(explanation).toContain('统筹支付 90% × 50.00 = 45.00 元');
    await shot('02-split');
    await settleByKeyboard(page, '25.00');
    await until('settled-state', /已确认/);
    await shot('03-settled');
  });
});
