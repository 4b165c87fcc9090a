// What the window shows of a stay: the summary row of a list and the whole view (deposits,
// batches with their upload state, lines, the center steps, the settlements).
import type { StaySummary, StayView } from '../api/contract/inpatient';
import { uploadStateOf } from '../outbox/stay-queue';
import { depositView } from './deposits';
import type { StayDesk } from './desk';
import { batchView, lineView } from './fees';
import type { StayRow } from './stays';
import { diagnosesOf, maskCertNo, stringList } from './stay-facts';

export function staySummary(desk: StayDesk, s: StayRow): StaySummary {
  return {
    id: s.id,
    state: s.state,
    patientName: s.psn_name || null,
    certNoMasked: maskCertNo(s.cert_no),
    medType: s.med_type,
    department: { code: s.dept_code, name: s.dept_name },
    ward: s.ward,
    bed: s.bed,
    admittedOn: s.admitted_on,
    dischargedOn: s.discharged_on,
    depositBalance: desk.deposits.balance(s.id),
    runningTotal: desk.fees.runningTotal(s.id),
    centerStayId: s.center_stay_id,
    pendingUploads: desk.deps.queue.openCount(s.id),
  };
}

export function stayView(desk: StayDesk, stayId: string): StayView {
  const s = desk.stays.get(stayId)!;
  const steps = desk.deps.queue.forStay(stayId);
  return {
    ...staySummary(desk, s),
    certType: s.cert_type,
    certNo: s.cert_no,
    insuranceType: s.insurance_type,
    hospitalLevel: s.hospital_level,
    doctor: { code: s.doctor_code, name: s.doctor_name },
    diagnoses: diagnosesOf(s),
    dischargeDiagnoses: s.discharge_diagnoses ? stringList(s.discharge_diagnoses) : null,
    deposits: desk.deposits.list(stayId).map(depositView),
    batches: desk.fees.batches(stayId).map((b) => batchView(b, uploadStateOf(steps.filter((x) => x.kind === 'fees' && x.ref === b.id).at(-1)?.state ?? 'queued'))),
    lines: desk.fees.lines(stayId).map(lineView),
    uploads: steps.map((x) => ({ kind: x.kind, ref: x.ref, state: uploadStateOf(x.state), lastError: x.last_error, at: x.created_at })),
    settlementIds: desk.stays.settlementsOf(stayId).map((r) => r.settlement_id),
  };
}
