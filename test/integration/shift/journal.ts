// Writes settlements rows straight into the table, for shift tests that script their day exactly
// (amounts, times, refunds) rather than settle through the center. Every column the schema requires is set.
import type { Db } from '../../../electron/db/open';
import { chinaDate } from '../../../electron/app/clock';

export interface JournalRow {
  id: string;
  createdAt: Date;
  operatorId: string;
  shiftId: string;
  insutype: '310' | '390';
  insuranceType: 'employee' | 'resident';
  visitType: 'outpatient' | 'chronic' | 'inpatient';
  online: boolean;
  state: 'provisional' | 'confirmed' | 'adjusted' | 'rejected' | 'refunded';
  refundOf: string | null;
  total: number;
  fund: number;
  critical: number;
  account: number;
  cash: number;
  psnNo?: string;
  centerSetlId?: string | null;
}

export function insertSettlement(db: Db, r: JournalRow): void {
  const iso = r.createdAt.toISOString();
  db.prepare(
    `INSERT INTO settlements (id, created_at, created_day, visit_date, operator_id, shift_id, psn_no, psn_name, cert_type,
       cert_no, insutype, insurance_type, person_group, visit_type, hospital_level, policy_seq, online, provisional,
       state, refund_of, total, full_own_pay, over_limit_self_pay, pre_self_pay, eligible, deductible, fund_pay, co_pay,
       over_cap_self_pay, critical_illness_pay, personal_total, account_pay, cash_pay, center_setl_id, updated_at)
     VALUES (?,?,?,?,?,?,?,?,'02',?,?,?,?,?,1,1,?,?,?,?,?,0,0,0,?,0,?,0,0,?,?,?,?,?,?)`,
  ).run(
    r.id, iso, chinaDate(r.createdAt), chinaDate(r.createdAt), r.operatorId, r.shiftId, r.psnNo ?? `P${r.id}`, `患者${r.id.slice(-3)}`,
    `11010119800101${r.id.slice(-4).padStart(4, '0')}`, r.insutype, r.insuranceType, r.insuranceType === 'employee' ? 'active' : 'adult',
    r.visitType, r.online ? 1 : 0, r.online ? 0 : 1, r.state, r.refundOf, r.total, r.total - r.cash,
    r.fund, r.critical, r.account + r.cash, r.account, r.cash, r.centerSetlId ?? null, iso,
  );
}

/** The refund of a row: its own row with every amount negated, refund_of set. */
export function refundOf(orig: JournalRow, id: string, at: Date, shiftId: string, operatorId: string): JournalRow {
  return {
    ...orig,
    id,
    createdAt: at,
    shiftId,
    operatorId,
    state: 'confirmed',
    refundOf: orig.id,
    total: -orig.total,
    fund: -orig.fund,
    critical: -orig.critical,
    account: -orig.account,
    cash: -orig.cash,
    centerSetlId: null,
  };
}

/** A small deterministic PRNG so the scripted day is the same on every run. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
