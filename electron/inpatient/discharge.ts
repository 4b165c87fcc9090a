// Discharge (2402) and its undoing (2405, a supervisor's call).
import type { OperatorView } from '../api/contract/auth';
import type { StayView } from '../api/contract/inpatient';
import { AppError } from '../api/result';
import { chinaDate } from '../app/clock';
import type { StayDesk } from './desk';
import { stayView } from './stay-view';

export function discharge(desk: StayDesk, input: { stayId: string; dischargedOn?: string | undefined; diagnoses: string[]; dischargeWay: string }, operator: OperatorView): StayView {
  const stay = desk.requireState(input.stayId, ['admitted'], 'STAY_NOT_ADMITTED');
  if (desk.fees.unsettled(stay.id).length === 0) throw new AppError('STAY_NO_FEES', '这次住院没有未结算的费用：请先录入费用明细，或撤销入院。', { stayId: stay.id });
  const now = desk.core.clock.now();
  const today = chinaDate(now);
  const on = input.dischargedOn ?? today;
  if (on < stay.admitted_on || on > today) throw new AppError('STAY_DATE_INVALID', `出院日期 ${on} 应在入院日期 ${stay.admitted_on} 与今天之间。`, { field: 'dischargedOn' });
  desk.core.db.transaction(() => {
    if (!desk.stays.discharge(stay.id, { on, diagnoses: input.diagnoses, way: input.dischargeWay, at: now.toISOString() })) throw new AppError('STAY_NOT_ADMITTED', '这次住院已不在院。', { stayId: stay.id });
    desk.enqueue(stay, 'discharge', stay.id, { stayId: stay.id, psnNo: stay.psn_no, dischargedOn: on, diagnoses: input.diagnoses, dischargeWay: input.dischargeWay, dept: { code: stay.dept_code, name: stay.dept_name } });
    desk.core.audit.append({ action: 'inpatient.discharge', operatorId: operator.id, subject: stay.id, detail: { dischargedOn: on, dischargeWay: input.dischargeWay } });
  })();
  desk.deps.afterCommit();
  return stayView(desk, stay.id);
}

export function undoDischarge(desk: StayDesk, stayId: string, reason: string, operator: OperatorView, supervisor: OperatorView): StayView {
  const stay = desk.requireState(stayId, ['discharged'], 'STAY_NOT_DISCHARGED');
  const now = desk.core.clock.now();
  desk.core.db.transaction(() => {
    if (!desk.stays.undoDischarge(stayId, now.toISOString())) throw new AppError('STAY_NOT_DISCHARGED', '这次住院不是已出院未结算。', { stayId });
    desk.enqueue(stay, 'undoDischarge', stayId, { stayId, psnNo: stay.psn_no, reason });
    desk.core.audit.append({ action: 'inpatient.undoDischarge', operatorId: operator.id, subject: stayId, detail: { reason, supervisorId: supervisor.id } });
  })();
  desk.deps.afterCommit();
  return stayView(desk, stayId);
}
