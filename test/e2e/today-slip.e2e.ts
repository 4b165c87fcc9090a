// The standard settlement slip (医保结算单, issue 17) from today's list, by keyboard, in headless
// Chromium against real browser mode at 1024×768: a settlement made at the window, F6 to today's
// list, J saves its slip as an A4 PDF (the download is read back with pdftotext: title, patient,
// fee line, the payments), Shift+J the patient's day, K sends it to the receipt printer as a
// durable print job; a refund row has no slip of its own and says so in words.
// Screenshots: test-artifacts/slip-1024-*.png.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addItem, insertDemoCard, settleByKeyboard, settledThenToday } from './helpers/keyboard';
import { cashierAtTheWindow } from './helpers/cashier-window';

const viewport = { width: 1024, height: 768 };

/** The text of a downloaded PDF (poppler's pdftotext, installed by .ci/run). */
function pdfText(file: string): string {
  expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('the settlement slip from today’s list', () => {
  const { page, shot, text, until } = cashierAtTheWindow(viewport, { shots: 'slip' });

  it('J saves the selected settlement’s slip as a PDF, Shift+J the patient’s day, K prints it', async () => {
    await insertDemoCard(page, 0, /张伟/);
    await addItem(page, 'amxljn', '25.00', '2');
    await until('split-cash', /\d/);
    await settleByKeyboard(page, '100');
    const settledTotal = (await text('settled-total')).replace(/[^\d.,]/g, '');
    await settledThenToday(page, /./, /张伟/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('j')]);
    await until('today-note', /医保结算单已存为 slip-.*\.pdf/);
    expect(download.suggestedFilename()).toMatch(/^slip-.*\.pdf$/);
    const one = pdfText(await download.path());
    expect(one).toContain('医保结算单');
    expect(one).toContain('张伟');
    expect(one).toContain('50.00'); // the amoxicillin line: 25.00 × 2
    if (settledTotal) expect(one).toContain(settledTotal);
    await shot('01-saved');

    const [dayDownload] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Shift+J')]);
    expect(dayDownload.suggestedFilename()).toMatch(/^slip-.*-\d{4}-\d{2}-\d{2}\.pdf$/);
    expect(pdfText(await dayDownload.path())).toContain('张伟');

    await page.keyboard.press('k');
    await until('today-note', /医保结算单已送打印/);
    expect(await page.getByTestId('error').count()).toBe(0);
    await shot('02-printed');
  });
});
