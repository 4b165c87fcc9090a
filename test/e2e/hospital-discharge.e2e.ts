// Discharges at the hospital window (issue 19), in headless Chromium against real browser mode
// (demo sandbox, our protocol) at 1024×768, by keyboard: 王芳 with 1,000.00 deposited and
// 1,500.00 of fees is discharged (Alt+C); F9 asks the center's pre-settlement — the netting line
// "押金 1,000.00 − 个人负担 540.00 = 退还 460.00" — and Enter settles: 460.00 paid back, the
// standard settlement slip printed. 刘洋 with 200.00 deposited pays the rest (补缴 340.00): 400
// received, 60.00 change, then cancelled (Alt+X, a supervisor's PIN) and settled again. Offline, the pre-settlement is the local estimate marked 离线估算. The
// supervisor's inpatient overview at the end.
// Screenshots: test-artifacts/hospital-discharge-1024-*.png.
import { describe, expect, it } from 'vitest';
import { cashierAtTheWindow } from './helpers/cashier-window';
import { whatDoesNotFit } from './helpers/fit';
import { admit, discharge, feeLine, recordBatch, takeDeposit, toHospital } from './helpers/hospital';
import { supervisorScreenByKeys } from './helpers/keyboard';
import { SUPERVISOR } from './helpers/operators';

/** The same three class-A lines for both patients: 1,500.00 (see hospital-admission.e2e.ts). */
async function fifteenHundred(page: Parameters<typeof feeLine>[0]): Promise<void> {
  await feeLine(page, '110900001000000', null, '10');
  await feeLine(page, '120100001000000', '50', '10');
  await feeLine(page, '310000000000001', '50', '10');
  await recordBatch(page, /^1,500\.00$/);
}

describe('discharges at 1024×768', () => {
  const { shot, until, text, page } = cashierAtTheWindow({ width: 1024, height: 768 }, { shots: 'hospital-discharge' });

  it('王芳 is discharged; F9 shows the center\'s pre-settlement with the deposit netting', async () => {
    await toHospital(page);
    await admit(page, { card: 2, name: /王芳/, ward: '内科一病区', bed: '12', doctorCode: 'D0101', doctorName: '李明华', diagnoses: 'J18.9' });
    await takeDeposit(page, '1000', 'cash', /^1,000\.00$/);
    await fifteenHundred(page);
    await discharge(page);
    await page.keyboard.press('F9');
    await page.getByTestId('settle-dialog').waitFor();
    // By hand: deductible 300.00 + 20 % of 1,200.00 = 540.00 hers; 1,000.00 − 540.00 = 460.00 back.
    await until('presettle-netting', /押金 1,000\.00 − 个人负担 540\.00 = 退还 460\.00/);
    expect(await page.getByTestId('presettle-source').getAttribute('data-source')).toBe('center');
    await until('presettle-fund', /960\.00/);
    expect(await text('presettle-explanation')).toMatch(/起付/);
    await until('cash-due', /460\.00/);
    expect(await whatDoesNotFit(page), '01-presettle-refund fits 1024×768').toEqual([]);
    await shot('01-presettle-refund');
  });

  it('Enter settles: 460.00 paid back, the slip printed', async () => {
    await page.keyboard.press('Enter');
    await page.getByTestId('stay-settled').waitFor();
    await until('settled-netting', /退还 460\.00/);
    await until('stay-state', /已结算/);
    await until('deposit-balance', /^0\.00$/);
    await page.getByTestId('slip-print').click();
    await until('slip-note', /结算单已送打印/);
    expect(await whatDoesNotFit(page), '02-settled-refund fits 1024×768').toEqual([]);
    await shot('02-settled-refund');
  });

  it('刘洋 pays the rest: 200.00 deposited, 补缴 340.00, 400 received, 60.00 change', async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('stay-list').waitFor();
    await admit(page, { card: 3, name: /刘洋/, ward: '内科一病区', bed: '15', doctorCode: 'D0101', doctorName: '李明华', diagnoses: 'J18.9' });
    await takeDeposit(page, '200', 'cash', /^200\.00$/);
    await fifteenHundred(page);
    await discharge(page);
    await page.keyboard.press('F9');
    await until('presettle-netting', /押金 200\.00 − 个人负担 540\.00 = 补缴 340\.00/);
    await until('cash-due', /340\.00/);
    // Too little is refused in words; nothing is settled.
    await page.keyboard.type('100');
    await page.keyboard.press('Enter');
    await until('settle-problem', /少于应收现金 340\.00/);
    await page.getByTestId('settle-received').fill('400');
    await until('cash-change', /60\.00/);
    expect(await whatDoesNotFit(page), '03-presettle-collect fits 1024×768').toEqual([]);
    await shot('03-presettle-collect');
    await page.getByTestId('settle-received').press('Enter');
    await page.getByTestId('stay-settled').waitFor();
    await until('settled-netting', /补缴 340\.00/);
    expect(await whatDoesNotFit(page), '04-settled-collect fits 1024×768').toEqual([]);
    await shot('04-settled-collect');
  });

  it('Alt+X cancels 刘洋’s settlement with a supervisor’s PIN: back to discharged, 540.00 held as deposit; settled again', async () => {
    await page.keyboard.press('Alt+X');
    await page.getByTestId('stay-cancel-dialog').waitFor();
    await page.keyboard.type('结算有误');
    // The cashier's own number and PIN are not a supervisor's: refused in words, nothing undone.
    await page.getByTestId('sup-id').fill('1001');
    await page.getByTestId('sup-pin').fill('1234');
    await page.getByTestId('sup-pin').press('Enter');
    await until('reason-error', /需要主管授权/);
    await until('stay-state', /已结算/);
    await page.getByTestId('sup-id').fill(SUPERVISOR.id);
    await page.getByTestId('sup-pin').fill(SUPERVISOR.pin);
    expect(await whatDoesNotFit(page), '04b-cancel fits 1024×768').toEqual([]);
    await shot('04b-cancel');
    await page.getByTestId('sup-pin').press('Enter');
    await until('hosp-note', /已撤销住院结算/);
    await until('stay-state', /已出院，未结算/);
    // The 200.00 the settlement consumed and the 340.00 paid on top come back as deposit.
    await until('deposit-balance', /^540\.00$/);
    // Settled again: the deposit now covers her share exactly.
    await page.keyboard.press('F9');
    await until('presettle-netting', /押金 540\.00 − 个人负担 540\.00 = 退还 0\.00/);
    await page.keyboard.press('Enter');
    await page.getByTestId('stay-settled').waitFor();
    await until('stay-state', /已结算/);
    await until('deposit-balance', /^0\.00$/);
  });

  it('offline, the pre-settlement is the local estimate, marked 离线估算', async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('stay-list').waitFor();
    await admit(page, { card: 0, name: /张伟/, department: 'A04', ward: '外科病区', bed: '3', doctorCode: 'D0202', doctorName: '王建国', diagnoses: 'K35.8' });
    await takeDeposit(page, '300', 'cash', /^300\.00$/);
    await fifteenHundred(page);
    await discharge(page);
    await page.keyboard.press('Alt+KeyO');
    await until('status-center', /离线/);
    await page.keyboard.press('F9');
    await page.getByTestId('settle-dialog').waitFor();
    await until('presettle-source', /离线估算/);
    await until('presettle-source-why', /医保中心未连接/);
    expect(await page.getByTestId('presettle-source').getAttribute('data-source')).toBe('local');
    await until('presettle-netting', /押金 300\.00 − 个人负担/);
    expect(await whatDoesNotFit(page), '05-presettle-offline fits 1024×768').toEqual([]);
    await shot('05-presettle-offline');
    // Esc: nothing settled.
    await page.keyboard.press('Escape');
    await page.getByTestId('settle-dialog').waitFor({ state: 'detached' });
    await until('stay-state', /已出院/);
    await page.keyboard.press('Alt+KeyN');
    await until('status-center', /在线/);
  });

  it("the supervisor's inpatient overview: deposits held, discharged not settled", async () => {
    await page.keyboard.press('F12');
    await supervisorScreenByKeys(page, SUPERVISOR.id, SUPERVISOR.pin);
    await page.keyboard.press('Alt+KeyZ');
    await page.getByTestId('inpatient-overview').waitFor();
    // 张伟's 300.00 is the only deposit still held; his stay is discharged and not settled.
    await until('ov-deposits-held', /300\.00/);
    await until('ov-discharged-row-0', /张伟/);
    expect(await whatDoesNotFit(page), '06-supervisor-overview fits 1024×768').toEqual([]);
    await shot('06-supervisor-overview');
  });
});
