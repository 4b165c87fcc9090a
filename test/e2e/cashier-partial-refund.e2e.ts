// Partial refund at the window (issue 13), by keyboard, at 1024×768 and 1366×768: a two-line
// settlement; in today's list R opens the refund dialog with the lines ticked to return;
// Shift+Tab reaches them, Space unticks the line the patient keeps; the dialog says what goes
// back; the supervisor's PIN makes it one action: the settlement is cancelled (refund row) and the
// kept line settled again (a new settlement) — both receipts. Screenshots:
// test-artifacts/partial-refund-<width>-*.png.
import { describe, expect, it } from 'vitest';
import { addItem, confirmStep, insertDemoCard, keepFirstRefundLine, settledThenToday, supervisorApproves } from './helpers/keyboard';
import { cashierAtTheWindow } from './helpers/cashier-window';
import { SUPERVISOR, VIEWPORTS } from './helpers/operators';

describe.each(VIEWPORTS)('at $width×$height', (viewport) => {
  const { page, shot, text, until } = cashierAtTheWindow(viewport, { shots: 'partial-refund' });

  it('returns one line of two: cancel + re-settle as one action, both receipts, by keyboard', async () => {
    await insertDemoCard(page, 0, /张伟/);
    await addItem(page, 'amxljn', '25.00', '2');
    await addItem(page, 'atfttgp', '45.30', '1');
    await until('split-total', /95\.30/);
    await confirmStep(page);
    await settledThenToday(page, /已确认/, /张伟/);
    await page.keyboard.press('r');
    await until('refund-lines', /阿莫西林/);
    // Both lines ticked: a full refund, as before.
    expect(await page.getByTestId('refund-line-check-1').isChecked()).toBe(true);
    expect(await page.getByTestId('refund-line-check-2').isChecked()).toBe(true);
    // The patient keeps line 1 (amoxicillin) and returns line 2: Shift+Tab twice, Space.
    await keepFirstRefundLine(page);
    expect(await page.getByTestId('refund-line-check-1').isChecked()).toBe(false);
    await until('refund-partial', /部分退费：退 1 项，其余 1 项重新结算/);
    await page.getByTestId('refund-partial-cash').waitFor();
    expect(await page.getByTestId('refund-returns').count()).toBe(0); // the full refund's figures are not shown
    const box = await page.getByTestId('supervisor-pin').locator('form').boundingBox();
    expect(box && box.y + box.height).toBeLessThanOrEqual(viewport.height);
    await shot('01-lines');
    await supervisorApproves(page, SUPERVISOR, '患者退回阿托伐他汀');
    await until('today-note', /部分退费完成/);
    expect(await page.getByTestId('supervisor-pin').count()).toBe(0);
    // Newest first: the refund and the new settlement (same moment, one action), then the original.
    await until('today-state-2', /已退费/);
    const rows = [await text('today-row-0'), await text('today-row-1')];
    const refundRow = rows.findIndex((r) => r.includes('退费单'));
    const newRow = 1 - refundRow;
    expect(rows[refundRow]).toMatch(/-95\.30/);
    expect(rows[newRow]).toContain('50.00');
    await shot('02-done');
    // Both receipts: the refund slip and the new settlement's (kept line only).
    await page.getByTestId(`today-row-${refundRow}`).click();
    await until('receipt-preview', /医保结算退费单/);
    await page.getByTestId(`today-row-${newRow}`).click();
    // Until the preview is the new settlement's: the refund slip shown before also lists 阿莫西林 −50.00.
    await until('receipt-preview', /^(?![\s\S]*退费单)[\s\S]*阿莫西林[\s\S]*50\.00/);
    expect(await text('receipt-preview')).not.toContain('阿托伐他汀');
    await shot('03-new-receipt');
  });
});
