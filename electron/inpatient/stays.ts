// Owner of `stays` and `stay_settlements` (migration 0026): a stay's row and its state changes,
// and which journal settlements belong to a stay (with the deposit netting and the axis each
// settlement ended at). Other modules call these functions; none names the tables.
import { z } from 'zod';
import { STAY_MED_TYPES, STAY_STATES, type StayMedType, type StayState } from '../api/contract/inpatient';
import type { Db } from '../db/open';
import { fenColumn, flagColumn, insertInto, many, one, run, value } from '../db/sql';

export const StayRow = z.object({
  id: z.string(),
  state: z.enum(STAY_STATES),
  psn_no: z.string(),
  psn_name: z.string(),
  cert_type: z.string(),
  cert_no: z.string(),
  card_sn: z.string().nullable(),
  insutype: z.string(),
  insurance_type: z.string(),
  person_snapshot: z.string(),
  med_type: z.enum(STAY_MED_TYPES),
  hospital_level: z.number().int(),
  dept_code: z.string(),
  dept_name: z.string(),
  ward: z.string(),
  bed: z.string().nullable(),
  doctor_code: z.string(),
  doctor_name: z.string(),
  diagnoses: z.string(),
  his_stay_no: z.string().nullable(),
  admitted_on: z.string(),
  discharged_on: z.string().nullable(),
  discharge_diagnoses: z.string().nullable(),
  discharge_way: z.string().nullable(),
  center_stay_id: z.string().nullable(),
  operator_id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type StayRow = z.output<typeof StayRow>;

export interface NewStay {
  id: string;
  psnNo: string;
  psnName: string;
  certType: string;
  certNo: string;
  cardSn: string | null;
  insutype: string;
  insuranceType: string;
  personSnapshot: string;
  medType: StayMedType;
  hospitalLevel: number;
  department: { code: string; name: string };
  ward: string;
  bed: string | null;
  doctor: { code: string; name: string };
  diagnoses: string[];
  hisStayNo: string | null;
  admittedOn: string;
  operatorId: string;
  at: string;
}

const StaySettlementRow = z.object({
  settlement_id: z.string(),
  stay_id: z.string(),
  mid_stay: flagColumn,
  deposits: fenColumn,
  personal_cash: fenColumn,
  refund: fenColumn,
  collect: fenColumn,
  axis_start: fenColumn,
  axis_end: fenColumn,
  estimate: z.string(),
  cancelled_by: z.string().nullable(),
  created_at: z.string(),
});
export type StaySettlementRow = z.output<typeof StaySettlementRow>;

export class StayStore {
  constructor(private readonly db: Db) {}

  insert(s: NewStay): void {
    insertInto(this.db, 'stays', {
      id: s.id,
      state: 'admitted',
      psn_no: s.psnNo,
      psn_name: s.psnName,
      cert_type: s.certType,
      cert_no: s.certNo,
      card_sn: s.cardSn,
      insutype: s.insutype,
      insurance_type: s.insuranceType,
      person_snapshot: s.personSnapshot,
      med_type: s.medType,
      hospital_level: s.hospitalLevel,
      dept_code: s.department.code,
      dept_name: s.department.name,
      ward: s.ward,
      bed: s.bed,
      doctor_code: s.doctor.code,
      doctor_name: s.doctor.name,
      diagnoses: JSON.stringify(s.diagnoses),
      his_stay_no: s.hisStayNo,
      admitted_on: s.admittedOn,
      operator_id: s.operatorId,
      created_at: s.at,
      updated_at: s.at,
    });
  }

  get(id: string): StayRow | undefined {
    return one(this.db, 'SELECT * FROM stays WHERE id = :id', { id }, StayRow);
  }

  list(state: StayState | 'open' | undefined): StayRow[] {
    if (state === undefined || state === 'open') return many(this.db, "SELECT * FROM stays WHERE state IN ('admitted', 'discharged') ORDER BY created_at, id", {}, StayRow);
    return many(this.db, 'SELECT * FROM stays WHERE state = :state ORDER BY created_at, id', { state }, StayRow);
  }

  /** A named transition: `from` → `to`; false when the stay was not in `from` (checked by the caller). */
  transition(id: string, from: StayState, to: StayState, at: string): boolean {
    return run(this.db, 'UPDATE stays SET state = :to, updated_at = :at WHERE id = :id AND state = :from', { id, from, to, at }).changes === 1;
  }

  discharge(id: string, d: { on: string; diagnoses: string[]; way: string; at: string }): boolean {
    return (
      run(
        this.db,
        "UPDATE stays SET state = 'discharged', discharged_on = :on, discharge_diagnoses = :dx, discharge_way = :way, updated_at = :at WHERE id = :id AND state = 'admitted'",
        { id, on: d.on, dx: JSON.stringify(d.diagnoses), way: d.way, at: d.at },
      ).changes === 1
    );
  }

  undoDischarge(id: string, at: string): boolean {
    return (
      run(this.db, "UPDATE stays SET state = 'admitted', discharged_on = NULL, discharge_diagnoses = NULL, discharge_way = NULL, updated_at = :at WHERE id = :id AND state = 'discharged'", { id, at })
        .changes === 1
    );
  }

  change(id: string, c: { department?: { code: string; name: string }; ward?: string; bed?: string; doctor?: { code: string; name: string }; diagnoses?: string[] }, at: string): void {
    const s = this.get(id)!;
    run(
      this.db,
      `UPDATE stays SET dept_code = :deptCode, dept_name = :deptName, ward = :ward, bed = :bed, doctor_code = :doctorCode,
         doctor_name = :doctorName, diagnoses = :diagnoses, updated_at = :at WHERE id = :id`,
      {
        id,
        deptCode: c.department?.code ?? s.dept_code,
        deptName: c.department?.name ?? s.dept_name,
        ward: c.ward ?? s.ward,
        bed: c.bed ?? s.bed,
        doctorCode: c.doctor?.code ?? s.doctor_code,
        doctorName: c.doctor?.name ?? s.doctor_name,
        diagnoses: c.diagnoses ? JSON.stringify(c.diagnoses) : s.diagnoses,
        at,
      },
    );
  }

  /** The 2401 answer's mdtrt_id (in the answer's transaction). */
  setCenterStayId(id: string, centerStayId: string): void {
    run(this.db, 'UPDATE stays SET center_stay_id = :centerStayId WHERE id = :id AND center_stay_id IS NULL', { id, centerStayId });
  }

  // ---- stay_settlements ----------------------------------------------------------------------

  recordSettlement(r: { settlementId: string; stayId: string; midStay: boolean; deposits: number; personalCash: number; refund: number; collect: number; axisStart: number; axisEnd: number; estimate: unknown; at: string }): void {
    insertInto(this.db, 'stay_settlements', {
      settlement_id: r.settlementId,
      stay_id: r.stayId,
      mid_stay: r.midStay ? 1 : 0,
      deposits: r.deposits,
      personal_cash: r.personalCash,
      refund: r.refund,
      collect: r.collect,
      axis_start: r.axisStart,
      axis_end: r.axisEnd,
      estimate: JSON.stringify(r.estimate),
      created_at: r.at,
    });
  }

  settlementsOf(stayId: string): StaySettlementRow[] {
    return many(this.db, 'SELECT * FROM stay_settlements WHERE stay_id = :stayId ORDER BY created_at, settlement_id', { stayId }, StaySettlementRow);
  }

  settlement(settlementId: string): StaySettlementRow | undefined {
    return one(this.db, 'SELECT * FROM stay_settlements WHERE settlement_id = :settlementId', { settlementId }, StaySettlementRow);
  }

  markSettlementCancelled(settlementId: string, refundId: string): boolean {
    return run(this.db, 'UPDATE stay_settlements SET cancelled_by = :refundId WHERE settlement_id = :settlementId AND cancelled_by IS NULL', { settlementId, refundId }).changes === 1;
  }

  /** Where the stay's axis stands: the in-policy fen of its standing (not cancelled) settlements. */
  axisOf(stayId: string): number {
    return value(this.db, 'SELECT max(axis_end) FROM stay_settlements WHERE stay_id = :stayId AND cancelled_by IS NULL', { stayId }, fenColumn.nullable()) ?? 0;
  }

  /** The journal ids of the stay's settlements (SQL fragment for reports: `settlement_id` of inpatient rows). */
  static readonly SETTLEMENT_IDS_SQL = 'SELECT settlement_id FROM stay_settlements';
}
