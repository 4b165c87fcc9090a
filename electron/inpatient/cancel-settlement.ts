// Cancelling a stay's latest standing settlement (2305, a supervisor's call): ONE transaction —
// the journal's refund row, the lines unsettled, the deposit balance restored, the stay back to
// discharged (a mid-stay one stays admitted).
import type { OperatorView } from '../api/contract/auth';
import type { StayView } from '../api/contract/inpatient';
import { AppError } from '../api/result';
import type { StayDesk } from './desk';
import { newId } from './stay-facts';
import { stayView } from './stay-view';

export function cancelSettlement(desk: StayDesk, input: { stayId: string; settlementId: string; reason: string }, operator: OperatorView, supervisor: OperatorView): StayView {
  const stay = desk.requireStay(input.stayId);
  const rec = desk.stays.settlement(input.settlementId);
  if (!rec || rec.stay_id !== stay.id) throw new AppError('STAY_SETTLEMENT_NOT_FOUND', `这次住院没有结算 ${input.settlementId}。`, { settlementId: input.settlementId });
  if (rec.cancelled_by) throw new AppError('STAY_SETTLEMENT_CANCELLED', `住院结算 ${input.settlementId} 已撤销。`, { settlementId: input.settlementId });
  const standing = desk.stays.settlementsOf(stay.id).filter((s) => !s.cancelled_by);
  if (standing.at(-1)?.settlement_id !== rec.settlement_id) throw new AppError('STAY_SETTLEMENT_NOT_LATEST', '只能撤销这次住院最近的一笔有效结算。', { settlementId: input.settlementId });
  const shiftId = desk.requireShift(operator);
  const now = desk.core.clock.now();
  let receipt: { announce(): void } | null = null;
  let refundId = '';
  desk.core.db.transaction(() => {
    const w = desk.deps.settlement.journal.writeStayCancel({ id: rec.settlement_id, reason: input.reason, supervisor, operator, shiftId, now });
    receipt = w.receipt;
    refundId = w.view.id;
    desk.fees.unsettle(rec.settlement_id);
    desk.stays.markSettlementCancelled(rec.settlement_id, refundId);
    // The deposit balance the settlement consumed comes back, and what the patient paid on top
    // of it (补缴) is held as deposit too: the next settlement nets it again.
    const base = { stayId: stay.id, reference: null, settlementId: rec.settlement_id, operatorId: operator.id, shiftId, at: now.toISOString(), requestId: null, reason: `撤销结算 ${rec.settlement_id}` };
    for (const d of desk.deposits.ofSettlement(rec.settlement_id).filter((x) => x.kind === 'applied')) desk.deposits.insert({ ...base, id: newId('YJ', now), kind: 'restored', amount: -d.amount, method: d.method });
    if (rec.collect > 0) desk.deposits.insert({ ...base, id: newId('YJ', now), kind: 'restored', amount: rec.collect, method: 'cash' });
    if (stay.state === 'settled' && !desk.stays.transition(stay.id, 'settled', 'discharged', now.toISOString())) throw new AppError('STAY_NOT_OPEN', '住院状态已变化。', { stayId: stay.id });
    desk.enqueue(stay, 'cancelSettlement', rec.settlement_id, { stayId: stay.id, psnNo: stay.psn_no, settlementId: rec.settlement_id, refundId, reason: input.reason });
    desk.core.audit.append({ action: 'inpatient.cancelSettlement', operatorId: operator.id, subject: stay.id, detail: { settlementId: rec.settlement_id, refundId, reason: input.reason, supervisorId: supervisor.id } });
  })();
  (receipt as { announce(): void } | null)?.announce();
  desk.core.events.emit('settlement.changed', { settlementId: rec.settlement_id, state: 'refunded' });
  desk.deps.afterCommit();
  return stayView(desk, stay.id);
}
