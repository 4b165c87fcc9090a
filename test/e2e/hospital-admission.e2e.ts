// The hospital window (issue 19), an admission with deposits, in headless Chromium against real
// browser mode (demo sandbox, our protocol) at 1024×768, by keyboard: Alt+Z from the main
// screen; nobody in hospital; 王芳's card read on the list opens the admission (ward, bed, doctor,
// diagnosis); deposits of 800.00 in cash and 200.00 by mobile payment (refused without its
// reference, in words); three fee lines typed from the catalogue and recorded as one batch; the
// running total and the local estimate of her share with the netting it would give today; the
// list of open stays with her deposit and running total.
// Screenshots: test-artifacts/hospital-1024-*.png.
import { describe, expect, it } from 'vitest';
import { cashierAtTheWindow } from './helpers/cashier-window';
import { whatDoesNotFit } from './helpers/fit';
import { admit, feeLine, recordBatch, takeDeposit, toHospital } from './helpers/hospital';

describe('an admission with a deposit at 1024×768', () => {
  const { shot, until, text, page } = cashierAtTheWindow({ width: 1024, height: 768 }, { shots: 'hospital' });

  it('Alt+Z opens the hospital window: nobody in hospital yet', async () => {
    await toHospital(page);
    await until('stay-list', /没有在院病人/);
    expect(await whatDoesNotFit(page), '01-empty-list fits 1024×768').toEqual([]);
    await shot('01-empty-list');
  });

  it('王芳: her card read on the list opens the admission; registered with ward, bed, doctor and diagnosis', async () => {
    await admit(page, { card: 2, name: /王芳/, ward: '内科一病区', bed: '12', doctorCode: 'D0101', doctorName: '李明华', diagnoses: 'J18.9' });
    await until('stay-state', /在院/);
    expect(await text('stay-diagnoses')).toContain('J18.9');
    await until('deposit-balance', /^0\.00$/);
    expect(await whatDoesNotFit(page), '02-admitted fits 1024×768').toEqual([]);
    await shot('02-admitted');
  });

  it('deposits: 800.00 in cash, then 200.00 by mobile payment — refused without its reference', async () => {
    await takeDeposit(page, '800', 'cash', /^800\.00$/);
    await until('hosp-note', /已收押金 800\.00 元（现金）/);
    // A mobile payment without the payment's reference is said on screen; nothing is recorded.
    await page.keyboard.press('Alt+KeyD');
    await page.keyboard.type('200');
    await page.getByTestId('deposit-method').selectOption('mobile');
    await page.getByTestId('deposit-amount').press('Enter');
    await until('deposit-problem', /凭证号/);
    expect(await text('deposit-balance')).toBe('800.00');
    await page.getByTestId('deposit-reference').fill('WX20261206001');
    await page.getByTestId('deposit-reference').press('Enter');
    await page.getByTestId('deposit-dialog').waitFor({ state: 'detached' });
    await until('deposit-balance', /^1,000\.00$/);
    const list = await text('deposit-list');
    expect(list).toContain('移动支付');
    expect(list).toContain('WX20261206001');
    expect(await whatDoesNotFit(page), '03-deposits fits 1024×768').toEqual([]);
    await shot('03-deposits');
  });

  it('three fee lines from the catalogue as one batch; the running total and her share estimated here', async () => {
    // 床位费 (cap 50.00) × 10, 一级护理 50.00 × 10, 静脉输液 (inpatient only) 50.00 × 10, all class A.
    await feeLine(page, '110900001000000', null, '10');
    await feeLine(page, '120100001000000', '50', '10');
    await feeLine(page, '310000000000001', '50', '10');
    await until('fee-draft', /500\.00/);
    expect(await whatDoesNotFit(page), '04-fee-lines fits 1024×768').toEqual([]);
    await shot('04-fee-lines');
    await recordBatch(page, /^1,500\.00$/);
    await until('batch-list', /窗口录入/);
    // By hand (resident inpatient, level 1): deductible 300.00, then the fund 80 % of 1,200.00 =
    // 960.00; hers 300.00 + 240.00 = 540.00, all cash (residents have no personal account).
    await until('estimate-total', /1,500\.00/);
    await until('estimate-fund', /960\.00/);
    await until('estimate-cash', /540\.00/);
    await until('estimate-netting', /押金 1,000\.00 − 个人负担 540\.00 = 退还 460\.00/);
    expect(await page.getByTestId('estimate-source').getAttribute('data-source')).toBe('local');
    expect(await whatDoesNotFit(page), '05-running-estimate fits 1024×768').toEqual([]);
    await shot('05-running-estimate');
  });

  it('the list of open stays shows her deposit and running total', async () => {
    await page.keyboard.press('Escape');
    await until('stays-row-0', /王芳/);
    const row = await text('stays-row-0');
    expect(row).toContain('内科一病区');
    expect(row).toContain('1,000.00');
    expect(row).toContain('1,500.00');
    expect(await whatDoesNotFit(page), '06-list fits 1024×768').toEqual([]);
    await shot('06-list');
  });
});
