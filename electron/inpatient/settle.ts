// A stay's settlement (discharge or mid-stay): ONE transaction writes the journal row, marks the
// lines settled, nets the deposits and queues 2304; then the receipt and the netting slip.
import type { OperatorView } from '../api/contract/auth';
import type { StayEstimate, StaySettlementView } from '../api/contract/inpatient';
import { formatFen } from '../api/money';
import { AppError } from '../api/result';
import { chinaDate, chinaDateTime } from '../app/clock';
import { tenderFor } from '../settlement/cash-tender';
import type { StayDesk } from './desk';
import { computeLocal, nettingText } from './estimate';
import type { StayRow } from './stays';
import { diagnosesOf, newId } from './stay-facts';
import { stayView } from './stay-view';

export async function settle(desk: StayDesk, input: { stayId: string; midStay: boolean; useAccount: boolean; cashReceived?: number | undefined }, operator: OperatorView): Promise<StaySettlementView> {
  const stay = desk.requireSettleable(input.stayId, input.midStay);
  const shiftId = desk.requireShift(operator);
  const c = await computeLocal(desk, stay, input.useAccount);
  const est = c.estimate;
  const tender = est.netting.collect > 0 ? tenderFor(input.cashReceived, est.netting.collect) : { cashReceived: null, change: null };
  const now = desk.core.clock.now();
  let settlementId = '';
  let receipt: { jobId: number; announce(): void } | null = null;
  desk.core.db.transaction(() => {
    // Re-read inside the transaction: a batch added or a deposit taken meanwhile is refused.
    const again = desk.fees.unsettled(stay.id).map((l) => l.line_no);
    if (again.join(',') !== c.lines.map((l) => l.line_no).join(',') || desk.deposits.balance(stay.id) !== est.netting.deposits) {
      throw new AppError('BILL_CHANGED', '结算时住院费用或押金有变化：请重新预结算核对后再结算。', { stayId: stay.id });
    }
    const last = c.split.parts.at(-1);
    const written = desk.deps.settlement.journal.recordStaySettlement({
      now,
      operator,
      shiftId,
      person: c.person,
      certType: stay.cert_type,
      certNo: stay.cert_no,
      visit: { hospitalLevel: stay.hospital_level, date: last?.date ?? chinaDate(now), diagnoses: diagnosesOf(stay), useAccount: input.useAccount },
      policySeq: c.policySeq,
      policyVersion: c.policyVersion,
      online: c.person.source === 'live' && desk.deps.center.isOnline(),
      split: c.split.combined,
      years: c.split.parts.map((p) => ({ year: String(p.year), before: c.before.get(p.year) ?? {}, after: p.split.accumulatorsAfter })),
      lines: c.lines.map((l) => ({ lineNo: l.line_no, code: l.code, name: l.name, unitPrice: l.unit_price, quantity: l.quantity, ownPay: l.own_pay })),
      tender,
      accountBalanceBefore: c.accountBalance,
    });
    settlementId = written.view.id;
    receipt = written.receipt;
    desk.fees.markSettled(stay.id, c.lines.map((l) => l.line_no), settlementId);
    writeNetting(desk, stay, settlementId, est.netting, operator, shiftId, now);
    desk.stays.recordSettlement({
      settlementId,
      stayId: stay.id,
      midStay: input.midStay,
      deposits: est.netting.deposits,
      personalCash: est.netting.personalCash,
      refund: est.netting.refund,
      collect: est.netting.collect,
      axisStart: c.axisStart,
      axisEnd: c.split.axisEnd,
      estimate: est,
      at: now.toISOString(),
    });
    if (!input.midStay && !desk.stays.transition(stay.id, 'discharged', 'settled', now.toISOString())) throw new AppError('STAY_NOT_DISCHARGED', '这次住院不是已出院状态。', { stayId: stay.id });
    desk.enqueue(stay, 'settle', settlementId, {
      stayId: stay.id,
      settlementId,
      psnNo: stay.psn_no,
      midStay: input.midStay,
      useAccount: input.useAccount,
      total: est.total,
      money: est.money,
      lineNos: c.lines.map((l) => l.line_no),
    });
    desk.core.audit.append({
      action: 'inpatient.settle',
      operatorId: operator.id,
      subject: stay.id,
      detail: { settlementId, midStay: input.midStay, total: est.total, personalCash: est.netting.personalCash, deposits: est.netting.deposits, refund: est.netting.refund, collect: est.netting.collect, shiftId },
    });
  })();
  (receipt as { jobId: number; announce(): void } | null)?.announce();
  const nettingJob = printNetting(desk, stay, settlementId, est, operator);
  desk.core.events.emit('settlement.changed', { settlementId, state: 'provisional' });
  desk.deps.afterCommit();
  return { stay: stayView(desk, stay.id), settlementId, midStay: input.midStay, estimate: est, printJobId: nettingJob ?? (receipt as { jobId: number } | null)?.jobId ?? null };
}

/**
 * The deposits netted (docs/INPATIENT.md "Netting"): the balance pays the patient's cash part
 * (applied, non-cash methods first so that what is paid back is cash where it can be), the rest
 * is paid back in cash (a refund row) — the stay's balance is then 0. Inside the settlement's
 * transaction.
 */
function writeNetting(desk: StayDesk, stay: StayRow, settlementId: string, n: StayEstimate['netting'], operator: OperatorView, shiftId: string, now: Date): void {
  let toApply = Math.min(n.deposits, n.personalCash);
  const byMethod = desk.deposits.balanceByMethod(stay.id);
  const base = { stayId: stay.id, reference: null, settlementId, operatorId: operator.id, shiftId, at: now.toISOString(), requestId: null };
  for (const method of ['card', 'mobile', 'cash'] as const) {
    const take = Math.min(toApply, Math.max(0, byMethod.get(method) ?? 0));
    if (take <= 0) continue;
    desk.deposits.insert({ ...base, id: newId('YJ', now), kind: 'applied', amount: -take, method, reason: `结算 ${settlementId} 冲抵` });
    toApply -= take;
  }
  if (n.refund > 0) desk.deposits.insert({ ...base, id: newId('YJ', now), kind: 'refund', amount: -n.refund, method: 'cash', reason: `结算 ${settlementId} 退还押金余额` });
}

/** The netting slip (押金 − 个人负担 = 退还 / 补缴) as a durable print job. */
function printNetting(desk: StayDesk, stay: StayRow, settlementId: string, est: StayEstimate, operator: OperatorView): number | null {
  const lines = [
    `住院号 ${stay.id}  姓名 ${stay.psn_name}`,
    `结算号 ${settlementId}`,
    `医疗费总额 ${formatFen(est.total)} 元`,
    `统筹基金 ${formatFen(est.money.fund)} 元  大病保险 ${formatFen(est.money.criticalIllness)} 元`,
    `个人账户 ${formatFen(est.money.account)} 元`,
    nettingText(est.netting),
    `收款员 ${operator.name}  ${chinaDateTime(desk.core.clock.now())}`,
  ];
  try {
    return desk.deps.devices.printLines(lines, { title: '住院结算押金冲抵', name: `stay-netting:${settlementId}` }).jobId;
  } catch (e) {
    desk.core.log.warn('netting slip not queued', { settlementId, error: e instanceof Error ? e.message : String(e) });
    return null;
  }
}
