// A bill the HIS filed (dropped into the data dir's inbox folder) is offered first when its
// patient's card is read; Enter imports it, F9 settles it, and it is no longer pending.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { screenshot, type BrowserMode } from './helpers/browser-mode';
import { storyForFile } from './helpers/stories';
import { untilText } from './helpers/wait';
import { confirmStep } from './helpers/keyboard';

let mode: BrowserMode;
let page: Page;
storyForFile((s) => {
  ({ mode, page } = s);
});

/** One public call over browser mode's own WebSocket (as any window would make it). */
async function publicCall(call: string, input: unknown): Promise<unknown> {
  const u = new URL(mode.url);
  const token = new URLSearchParams(u.hash.slice(1)).get('token')!;
  const ws = new WebSocket(`ws://${u.host}/api?token=${encodeURIComponent(token)}`);
  try {
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const answer = new Promise<{ result: { ok: boolean; value?: unknown } }>((resolve) => ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { id?: number; result?: { ok: boolean; value?: unknown } };
      if (m.id === 1 && m.result) resolve({ result: m.result });
    }));
    ws.send(JSON.stringify({ id: 1, call, input }));
    const { result } = await answer;
    expect(result.ok).toBe(true);
    return result.value;
  } finally {
    ws.close();
  }
}

const until = (testId: string, pattern: RegExp, timeout?: number) => untilText(page, mode, testId, pattern, timeout);

describe('pending bills from the HIS', () => {
  it('offers the patient’s pending bill first, imports it with Enter and settles it', async () => {
    const persons = (await publicCall('center.demoPersons', {})) as { psn_name: string; certno: string }[];
    const zhang = persons.find((p) => p.psn_name === '张伟')!;
    const inbox = join(mode.dataDir, 'inbox');
    mkdirSync(inbox, { recursive: true });
    const today = new Date();
    const date = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    writeFileSync(
      join(inbox, 'his-0001.json'),
      JSON.stringify({
        format: 'bill/1',
        billId: 'HIS-0001',
        credential: { certType: '02', certNo: zhang.certno },
        patientName: '张伟',
        visit: { visitType: 'outpatient', date },
        items: [
          { code: 'XJ01CAA040A001010101445', name: '阿莫西林胶囊', unitPrice: '18.60', quantity: '2' },
          { code: '001102000010000', name: '普通门诊诊查费', unitPrice: '10.00', quantity: '1' },
        ],
      }),
    );

    await page.goto(mode.url);
    await page.getByTestId('login-id').fill('1001');
    await page.getByTestId('login-pin').fill('1234');
    await page.keyboard.press('Enter');
    await page.getByTestId('shift-count-5000').fill('4');
    await page.keyboard.press('Enter');
    await page.getByTestId('card-panel').waitFor();
    await until('status-center', /在线/);

    // The inbox is polled; read the card until the bill is there.
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('F2');
      await page.keyboard.press('1');
      await page.keyboard.press('Enter');
      await until('patient-name', /张伟/);
      if (await page.getByTestId('pending-take-0').isVisible().catch(() => false)) break;
      await page.waitForTimeout(500);
    }
    await page.getByTestId('pending-bills').waitFor().catch(() => {
      throw new Error(`no pending bill offered; inbox: ${JSON.stringify(readdirSync(inbox, { recursive: true }))}\nserver:\n${mode.output().slice(-2000)}`);
    });
    expect(await page.getByTestId('pending-bills').textContent()).toContain('HIS-0001');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'pending-take-0');
    await screenshot(page, 'pending-01-offered');
    await page.keyboard.press('Enter');
    await until('split-total', /47\.20/);
    expect(await page.getByTestId('bill-line-1').textContent()).toContain('普通门诊诊查费');
    await confirmStep(page);
    await page.getByTestId('settled-panel').waitFor().catch(async () => {
      await screenshot(page, 'pending-99-failed');
      throw new Error(`not settled: ${(await page.locator('.error-line').allTextContents()).join(' | ')}`);
    });
    await screenshot(page, 'pending-02-settled');

    // Settled: the bill is no longer offered for this patient.
    await page.keyboard.press('Escape');
    await page.keyboard.press('F2');
    await page.keyboard.press('1');
    await page.keyboard.press('Enter'); // "1" alone waits for a second digit (cards 10–14); Enter takes card 1
    await until('patient-name', /张伟/);
    await page.locator('[data-testid="bill-panel"][data-pending-loaded="true"]').waitFor();
    expect(await page.getByTestId('pending-bills').count()).toBe(0);
  });
});
