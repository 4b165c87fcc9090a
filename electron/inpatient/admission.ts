// Admission and the stay's life before discharge (docs/INPATIENT.md): admit (2401), change the
// department, bed, doctor or diagnoses (2403), cancel the admission (2404). Each ONE transaction
// with its audit and its queued step.
import type { z } from 'zod';
import type { OperatorView } from '../api/contract/auth';
import type { admissionSchema, StayView } from '../api/contract/inpatient';
import { fenToYuan } from '../api/money';
import { AppError } from '../api/result';
import { chinaDate } from '../app/clock';
import type { StayDesk } from './desk';
import type { StayStore } from './stays';
import { credentialOf, newId, stayFacts } from './stay-facts';
import { stayView } from './stay-view';

type Admission = z.output<typeof admissionSchema>;

export async function admit(desk: StayDesk, input: { person: { certType: string; certNo: string; cardSn?: string | undefined }; admission: Admission; hisStayNo?: string | undefined }, operator: OperatorView): Promise<StayView> {
  const now = desk.core.clock.now();
  const today = chinaDate(now);
  const admittedOn = input.admission.admittedOn ?? today;
  if (admittedOn > today) throw new AppError('STAY_DATE_INVALID', `入院日期 ${admittedOn} 晚于今天：请核对入院日期。`, { field: 'admittedOn' });
  const cred = credentialOf(input.person.certType, input.person.certNo, input.person.cardSn);
  // Card / certificate → person, as the window's settle does: live, or from the cache offline.
  const person = await desk.deps.center.lookupPerson(cred, { id: operator.id, name: operator.name });
  if (person.status !== 'active') throw new AppError('NOT_INSURED', '参保状态异常（非参保缴费状态）：不能按医保住院登记，请按自费住院处理。', { status: person.status });
  const open = desk.stays.list('open').find((s) => s.psn_no === person.psnNo);
  if (open) throw new AppError('STAY_ALREADY_OPEN', `该参保人已有在院的住院 ${open.id}：请在那次住院上继续，或先办完它的出院结算。`, { stayId: open.id });
  const id = newId('ZY', now);
  const a = input.admission;
  desk.core.db.transaction(() => {
    desk.stays.insert({
      id,
      psnNo: person.psnNo,
      psnName: person.name,
      certType: input.person.certType,
      certNo: input.person.certNo,
      cardSn: input.person.cardSn ?? null,
      insutype: person.insutype,
      insuranceType: person.insuranceType,
      personSnapshot: JSON.stringify(person),
      medType: a.medType,
      hospitalLevel: a.hospitalLevel ?? 1,
      department: a.department,
      ward: a.ward,
      bed: a.bed ?? null,
      doctor: a.doctor,
      diagnoses: a.diagnoses,
      hisStayNo: input.hisStayNo ?? null,
      admittedOn,
      operatorId: operator.id,
      at: now.toISOString(),
    });
    const stay = desk.stays.get(id)!;
    desk.enqueue(stay, 'admit', id, { ...stayFacts(stay), operator: { id: operator.id, name: operator.name } });
    desk.core.audit.append({ action: 'inpatient.admit', operatorId: operator.id, subject: id, detail: { psnNo: person.psnNo, medType: a.medType, dept: a.department.code, online: person.source === 'live' } });
  })();
  desk.deps.afterCommit();
  return stayView(desk, id);
}

export function change(desk: StayDesk, input: { stayId: string; department?: { code: string; name: string } | undefined; ward?: string | undefined; bed?: string | undefined; doctor?: { code: string; name: string } | undefined; diagnoses?: string[] | undefined }, operator: OperatorView): StayView {
  const stay = desk.requireState(input.stayId, ['admitted'], 'STAY_NOT_ADMITTED');
  const now = desk.core.clock.now();
  desk.core.db.transaction(() => {
    const c: Parameters<StayStore['change']>[1] = {};
    if (input.department) c.department = input.department;
    if (input.ward) c.ward = input.ward;
    if (input.bed) c.bed = input.bed;
    if (input.doctor) c.doctor = input.doctor;
    if (input.diagnoses) c.diagnoses = input.diagnoses;
    desk.stays.change(stay.id, c, now.toISOString());
    const after = desk.stays.get(stay.id)!;
    desk.enqueue(after, 'change', stay.id, stayFacts(after));
    desk.core.audit.append({ action: 'inpatient.change', operatorId: operator.id, subject: stay.id, detail: { fields: Object.keys(c) } });
  })();
  desk.deps.afterCommit();
  return stayView(desk, stay.id);
}

export function cancelAdmission(desk: StayDesk, stayId: string, reason: string, operator: OperatorView, supervisor: OperatorView): StayView {
  const stay = desk.requireState(stayId, ['admitted'], 'STAY_NOT_ADMITTED');
  if (desk.fees.countedCount(stayId) > 0) throw new AppError('STAY_HAS_FEES', '这次住院已有费用明细：请先撤销费用（2302）再撤销入院。', { stayId });
  const balance = desk.deposits.balance(stayId);
  if (balance !== 0) throw new AppError('STAY_DEPOSIT_NOT_ZERO', `这次住院还有押金余额 ${fenToYuan(balance)} 元：请先退清押金。`, { stayId, balance: fenToYuan(balance) });
  const now = desk.core.clock.now();
  desk.core.db.transaction(() => {
    if (!desk.stays.transition(stayId, 'admitted', 'cancelled', now.toISOString())) throw new AppError('STAY_NOT_ADMITTED', '这次住院已不在院。', { stayId });
    desk.enqueue(stay, 'cancelAdmission', stayId, { stayId, psnNo: stay.psn_no, reason });
    desk.core.audit.append({ action: 'inpatient.cancelAdmission', operatorId: operator.id, subject: stayId, detail: { reason, supervisorId: supervisor.id } });
  })();
  desk.deps.afterCommit();
  return stayView(desk, stayId);
}
