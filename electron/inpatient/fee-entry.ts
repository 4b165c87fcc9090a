// Fee batches entered on a stay (2301) — a pending HIS bill or lines typed at the window — and
// revoked (2302), a batch or every unsettled line. The store is fees.ts.
import type { z } from 'zod';
import type { OperatorView } from '../api/contract/auth';
import type { StayView, stayFeeItemSchema } from '../api/contract/inpatient';
import { lineAmountFen } from '../api/money';
import { AppError } from '../api/result';
import { chinaDate } from '../app/clock';
import { assertLinesPayable } from '../settlement/line-rules';
import type { StayDesk } from './desk';
import type { NewFeeLine } from './fees';
import { newId } from './stay-facts';
import { stayView } from './stay-view';

type FeeItem = z.output<typeof stayFeeItemSchema>;

export function addFees(desk: StayDesk, input: { stayId: string; billId?: string | undefined; items?: FeeItem[] | undefined }, operator: OperatorView): StayView {
  if ((input.billId === undefined) === (input.items === undefined)) throw new AppError('FEES_SOURCE_ONE', '请二选一：一张 HIS 待结算单，或窗口录入的费用项目。', {});
  const stay = desk.requireState(input.stayId, ['admitted'], 'STAY_NOT_ADMITTED');
  const now = desk.core.clock.now();
  const today = chinaDate(now);
  let items: FeeItem[];
  if (input.billId) {
    const bill = desk.deps.settlement.bills.get(input.billId);
    if (!bill || bill.state !== 'pending') throw new AppError('BILL_NOT_PENDING', `账单 ${input.billId} 不存在或已结算`, { billId: input.billId });
    if (bill.credential.certNo !== stay.cert_no) throw new AppError('BILL_OTHER_PERSON', `账单 ${input.billId} 不是这位病人的。`, { billId: input.billId });
    items = bill.items.map((it) => ({ code: it.code, ...(it.name ? { name: it.name } : {}), unitPrice: it.unitPrice, quantity: it.quantity, ...(it.ownPay ? { ownPay: true } : {}), feeDate: bill.visit.date }));
  } else items = input.items!;
  assertLinesPayable(items);
  const lines: NewFeeLine[] = items.map((it, i) => {
    const feeDate = it.feeDate ?? today;
    if (feeDate < stay.admitted_on || feeDate > today) {
      throw new AppError('STAY_DATE_INVALID', `第 ${i + 1} 行的费用日期 ${feeDate} 不在住院期间（${stay.admitted_on} 至今天）。`, { lineNo: i + 1, feeDate });
    }
    const entry = desk.deps.policy.entry(it.code);
    // Like the window: a code not in the catalogue is refused unless the line is own pay.
    if (!entry && !it.ownPay) throw new AppError('UNKNOWN_ITEM', `第 ${i + 1} 行：目录中没有项目 ${it.code}（可改为自费项目或更新目录后重试）`, { codes: [it.code], lineNo: i + 1 });
    const amount = lineAmountFen(it.unitPrice, it.quantity);
    if (amount === null || amount <= 0) throw new AppError('LINE_PRICE_NOT_POSITIVE', `第 ${i + 1} 行（${it.code}）金额为 0：请核对单价和数量。`, { lineNo: i + 1, code: it.code, field: 'unitPrice' });
    return { code: it.code, name: it.name ?? entry?.name ?? '', unitPrice: it.unitPrice, quantity: it.quantity, amount, ownPay: !!it.ownPay, feeDate };
  });
  const batchId = newId('FY', now);
  desk.core.db.transaction(() => {
    const lineNos = desk.fees.addBatch({ id: batchId, stayId: stay.id, source: input.billId ? 'bill' : 'window', billId: input.billId ?? null, operatorId: operator.id, at: now.toISOString(), lines });
    if (input.billId) desk.deps.settlement.bills.consumeForStay(input.billId);
    desk.enqueue(stay, 'fees', batchId, {
      stayId: stay.id,
      batchId,
      psnNo: stay.psn_no,
      medType: stay.med_type,
      lines: lines.map((l, i) => ({ lineNo: lineNos[i]!, ...l })),
      dept: { code: stay.dept_code, name: stay.dept_name },
      doctor: { code: stay.doctor_code, name: stay.doctor_name },
    });
    desk.core.audit.append({ action: 'inpatient.addFees', operatorId: operator.id, subject: stay.id, detail: { batchId, billId: input.billId ?? null, lines: lines.length, total: lines.reduce((s, l) => s + l.amount, 0) } });
  })();
  desk.deps.afterCommit();
  return stayView(desk, stay.id);
}

export function revokeFees(desk: StayDesk, input: { stayId: string; batchId: string; reason: string }, operator: OperatorView): StayView {
  const stay = desk.requireState(input.stayId, ['admitted'], 'STAY_NOT_ADMITTED');
  const now = desk.core.clock.now();
  desk.core.db.transaction(() => {
    let lineNos: number[];
    if (input.batchId === 'all') {
      lineNos = desk.fees.unsettled(stay.id).map((l) => l.line_no);
      if (lineNos.length === 0) throw new AppError('FEES_NONE_TO_REVOKE', '这次住院没有可撤销的未结算费用。', { stayId: stay.id });
      desk.fees.revokeAllUnsettled(stay.id, input.reason, now.toISOString());
    } else {
      const b = desk.fees.batch(input.batchId);
      if (!b || b.stay_id !== stay.id) throw new AppError('FEE_BATCH_NOT_FOUND', `这次住院没有费用批次 ${input.batchId}。`, { batchId: input.batchId });
      if (b.revoked_at) throw new AppError('FEE_BATCH_REVOKED', `费用批次 ${input.batchId} 已撤销。`, { batchId: input.batchId });
      const of = desk.fees.lines(stay.id).filter((l) => l.batch_id === b.id);
      if (of.some((l) => l.settlement_id !== null)) throw new AppError('FEE_BATCH_SETTLED', `费用批次 ${input.batchId} 已有结算过的费用。`, { batchId: input.batchId });
      lineNos = of.filter((l) => !l.revoked).map((l) => l.line_no);
      desk.fees.revokeBatch(b.id, input.reason, now.toISOString());
    }
    desk.enqueue(stay, 'revokeFees', input.batchId === 'all' ? '0000' : input.batchId, { stayId: stay.id, psnNo: stay.psn_no, batchId: input.batchId === 'all' ? '0000' : input.batchId, lineNos });
    desk.core.audit.append({ action: 'inpatient.revokeFees', operatorId: operator.id, subject: stay.id, detail: { batchId: input.batchId, lines: lineNos.length, reason: input.reason } });
  })();
  desk.deps.afterCommit();
  return stayView(desk, stay.id);
}
