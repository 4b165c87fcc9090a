// Online, the center's answer is part of settling (issue 13): the receipt waits for it
// (centerAnswerWaitSeconds) and prints the center's figures; only when no answer comes does
// it print as 暂存. A refusal prints a void slip, never a receipt claiming the fund paid; an
// adjustment prints the center's figures, and a corrected receipt (更正) can be printed later.
// Real app, real SQLite file, the real sandbox center on 127.0.0.1 with injected faults.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../../electron/app/create-app';
import { centerFigures, type SettleInput, type SettlementView } from '../../../electron/api/contract/settlement';
import type { Session } from '../../../electron/api/session';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { SETTLEABLE } from './fixtures';
import { openDesk, type Desk } from '../../helpers/settlement-desk';
import { callApp } from '../../helpers/app-call';
import { rowCount } from '../../helpers/db-rows';

let desk: Desk;
let center: SandboxCenter;
let app: App;
let cashier: Session;

const AMOX = 'XJ01CAA040A001010101445'; // A
const VITC = 'XA11GAA001E001010100999'; // C
const byName = (name: string) => SETTLEABLE.find((p) => p.psn_name === name)!;
const bill = (name: string, items: SettleInput['items']): SettleInput => ({
  person: { certType: '02', certNo: byName(name).certno },
  visit: { visitType: 'outpatient' },
  items,
  useAccount: true,
});

async function settle(input: SettleInput): Promise<{ view: SettlementView; ms: number }> {
  const t0 = Date.now();
  const r = await callApp(app, cashier, 'settlement.settle', input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return { view: r.value as SettlementView, ms: Date.now() - t0 };
}
const receipt = (id: string) => app.devices.receiptPreview(id).join('\n');
const jobs = (id: string) => app.devices.jobs.listFor(id);
const yuanOf = (fen: number) => (fen / 100).toFixed(2);
const neg = (fen: number) => (fen === 0 ? 0 : -fen);

beforeAll(async () => {
  desk = await openDesk('center-answer-', { flags: { centerAnswerWaitSeconds: '1.5' } });
  ({ app, center, cashier } = desk);
}, 60_000);

afterAll(() => desk?.close());

beforeEach(async () => {
  await center.clearFaults();
  app.settlement.configureOutbox({ backoff: { baseMs: 10, capMs: 50 }, pollMs: 20 });
});

describe('online, the receipt waits for the center', () => {
  it('a slow answer inside the wait: settle returns confirmed and the one receipt is final, not 暂存', async () => {
    await center.setFaults({ latencyMs: 300 });
    const { view } = await settle(bill('张伟', [{ code: AMOX, unitPrice: '12.50', quantity: '2' }]));
    expect(view.state).toBe('confirmed');
    expect(jobs(view.id)).toHaveLength(1);
    expect(jobs(view.id)[0]!.state).toBe('done');
    const text = receipt(view.id);
    expect(text).toContain('统筹基金支付');
    expect(text).not.toContain('暂存');
  });

  it('no answer within the wait: the receipt prints as 暂存 (中心未答复); the answer comes later', async () => {
    // The center is busy (-9) for uploads: no answer within the wait.
    await center.setFaults({ busy: { count: -1, infno: '2207' } });
    const { view, ms } = await settle(bill('王芳', [{ code: AMOX, unitPrice: '12.50', quantity: '1' }]));
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(view.state).toBe('provisional');
    expect(jobs(view.id)).toHaveLength(1);
    expect(receipt(view.id)).toMatch(/【暂存 中心未答复 待中心确认】[\s\S]*医保中心未及时答复/);
    await center.clearFaults();
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 15_000 });
    expect(app.settlement.get(view.id)!.state).toBe('confirmed');
    expect(jobs(view.id)).toHaveLength(1); // the same receipt, nothing printed twice
  });

  it('a refusal: a void slip with the reason — no fund, account or cash figure', async () => {
    await center.setFaults({ rejectItems: { [VITC]: '该项目不予支付（测试）' } });
    const { view } = await settle(bill('刘洋', [{ code: VITC, unitPrice: '15.00', quantity: '1' }]));
    expect(view.state).toBe('rejected');
    expect(jobs(view.id)).toHaveLength(1);
    const text = receipt(view.id);
    expect(text).toContain('医保结算作废单');
    expect(text).toContain('【中心拒绝 医保未支付 本单不是收费凭据】');
    expect(text).toContain('该项目不予支付（测试）');
    for (const claim of ['统筹基金支付', '个人账户支付', '现金支付', '大病保险支付']) expect(text).not.toContain(claim);
    // No corrected receipt for a refusal.
    expect(await callApp(app, cashier, 'settlement.printCorrected', { id: view.id })).toMatchObject({ ok: false, error: { code: 'NOT_ADJUSTED' } });
  });

  it('a refusal takes nothing from the personal account: the balance after is the balance before', async () => {
    await center.setFaults({ rejectItems: { [AMOX]: '该项目不予支付（测试）' } });
    const { view } = await settle(bill('张伟', [{ code: AMOX, unitPrice: '12.50', quantity: '2' }]));
    expect(view.state).toBe('rejected');
    expect(view.money.accountPay).toBeGreaterThan(0); // the window's split had the account pay
    expect(view.accountBalanceAfter).toBe(view.accountBalanceBefore);
  });

  it('an adjustment: the receipt prints the center figures; the corrected receipt (更正) prints them again, audited', async () => {
    // 李秀英 is 100 yuan short of her deductible as the window knows it; a claim from another
    // hospital reaches the center first, so the center's fund pays part of this bill.
    const psn = byName('李秀英');
    await center.setFaults({ outsideClaims: { [psn.certno]: 12000 } });
    const { view } = await settle(bill('李秀英', [{ code: AMOX, unitPrice: '12.50', quantity: '4' }]));
    expect(view.state).toBe('adjusted');
    expect(view.money.fundPay).toBe(0); // the window's own split, kept
    const fund = view.adjustments.find((a) => a.field === 'fund_pay')!;
    expect(fund.centerAmount).toBeGreaterThan(0);
    const account = view.adjustments.find((a) => a.field === 'account_pay')!;
    // The balance the settled panel and the patient panel show: after the center's account payment.
    expect(view.accountBalanceAfter).toBe(view.accountBalanceBefore! - account.centerAmount);
    const first = receipt(view.id);
    expect(first).toMatch(new RegExp(`统筹基金支付\\s+${yuanOf(fund.centerAmount)}`));
    expect(first).toMatch(new RegExp(`个人账户支付\\s+${yuanOf(account.centerAmount)}`));
    expect(first).not.toContain('暂存');
    expect(first).not.toContain('更正');

    const r = await callApp(app, cashier, 'settlement.printCorrected', { id: view.id });
    expect(r.ok).toBe(true);
    expect(jobs(view.id)).toHaveLength(2);
    const corrected = receipt(view.id);
    expect(corrected).toContain('【更正 按医保中心结算金额】');
    expect(corrected).toMatch(new RegExp(`统筹基金支付\\s+${yuanOf(fund.centerAmount)}`));
    expect(rowCount(app.db, 'audit_log', "action = 'settlement.correctedReceipt' AND subject = :id", { id: view.id })).toBe(1);

    // F10 now reprints the corrected receipt (the first one is void), marked as a copy — twice
    // in a row still the corrected one, never the copy of a copy or the voided first receipt.
    for (let i = 0; i < 2; i++) {
      const again = await callApp(app, cashier, 'device.reprint', { settlementId: view.id });
      expect(again.ok).toBe(true);
      const copy = receipt(view.id);
      expect(copy).toContain('【补打 副本 COPY】');
      expect(copy).toContain('【更正 按医保中心结算金额】');
      expect(copy).toMatch(new RegExp(`统筹基金支付\\s+${yuanOf(fund.centerAmount)}`));
      expect(copy).toMatch(new RegExp(`个人账户支付\\s+${yuanOf(account.centerAmount)}`));
    }
    const last = jobs(view.id).at(-1)!;
    expect(last.copy).toBe(true);
    expect(app.devices.jobs.get(last.id)!.receipt.corrected).toBe(true);
  });

  it("a refund of an adjusted settlement ends at the center's figures: the 2208 answer is the refund row's agreement", async () => {
    // A large claim elsewhere crosses 张伟's deductible at the center: his settlement comes back
    // adjusted (the fund pays part). The refund is made here from the window's own split; the
    // center's 2208 negates what the center holds, and that is what the refund row must agree to
    // (the clinic fleet test found a refund whose fund and account differed from the center's).
    const psn = byName('张伟');
    await center.setFaults({ outsideClaims: { [psn.certno]: 500_000 } });
    const { view } = await settle(bill('张伟', [{ code: AMOX, unitPrice: '12.50', quantity: '4' }]));
    expect(view.state).toBe('adjusted');
    const r = await callApp(app, cashier, 'settlement.refund', { id: view.id, supervisorId: '2001', supervisorPin: '246810', reason: '患者退药' });
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    const refundId = (r.value as { id: string }).id;
    let refund: SettlementView | null = null;
    for (let i = 0; i < 100; i++) {
      const got = await callApp(app, cashier, 'settlement.get', { id: refundId });
      refund = got.ok ? (got.value as SettlementView) : null;
      if (refund?.state === 'confirmed') break;
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(refund?.state).toBe('confirmed');
    const original = centerFigures(view);
    const back = centerFigures(refund!);
    expect({ total: back.total, fund: back.fundPay + back.criticalIllnessPay, account: back.accountPay, cash: back.cashPay }).toEqual({
      total: neg(original.total), fund: neg(original.fundPay + original.criticalIllnessPay), account: neg(original.accountPay), cash: neg(original.cashPay),
    });
  });

  it('offline: printed at once as 暂存, no wait', async () => {
    await center.setOffline(true);
    await app.center.probeNow();
    try {
      const { view, ms } = await settle(bill('周杰', [{ code: AMOX, unitPrice: '12.50', quantity: '1' }]));
      expect(ms).toBeLessThan(1400);
      expect(receipt(view.id)).toContain('【暂存结算 待中心确认】');
    } finally {
      await center.setOffline(false);
      await app.center.probeNow();
    }
  });
});
