// Between the split result, the settlements row, the 2207 upload and the center's answer. PURE.
import { fenToYuan, isFen, parseScaled, SCALE, tryYuanToFen } from '../api/money';
import { AppError } from '../api/result';
import type { SplitResult } from '../policy/split/types';

/** The money columns of a settlement: [column, SplitResult field, national wire field]. */
export const MONEY_FIELDS = [
  ['total', 'total', 'medfee_sumamt'],
  ['full_own_pay', 'fullOwnPay', 'fulamt_ownpay_amt'],
  ['over_limit_self_pay', 'overLimitSelfPay', 'overlmt_selfpay'],
  ['pre_self_pay', 'preSelfPay', 'preselfpay_amt'],
  ['eligible', 'eligible', 'inscp_scp_amt'],
  ['deductible', 'deductible', 'act_pay_dedc'],
  ['fund_pay', 'fundPay', 'hifp_pay'],
  ['co_pay', 'coPay', 'pool_prop_selfpay'],
  ['over_cap_self_pay', 'overCapSelfPay', null],
  ['critical_illness_pay', 'criticalIllnessPay', 'hifmi_pay'],
  ['personal_total', 'personalTotal', 'psn_part_amt'],
  ['account_pay', 'accountPay', 'acct_pay'],
  ['cash_pay', 'cashPay', 'psn_cash_pay'],
] as const;

export type MoneyColumn = (typeof MONEY_FIELDS)[number][0];
export type MoneyKey = (typeof MONEY_FIELDS)[number][1];
export type Money = Record<MoneyKey, number>;

export function moneyOf(r: SplitResult | Money): Money {
  const out = {} as Money;
  for (const [, key] of MONEY_FIELDS) out[key] = r[key];
  return out;
}

export function negateMoney(m: Money): Money {
  const out = {} as Money;
  for (const [, key] of MONEY_FIELDS) out[key] = m[key] === 0 ? 0 : -m[key];
  return out;
}

/** A settlement row's money; a missing or non-integer amount is a damaged row, never 0. */
export function moneyFromRow(row: Record<MoneyColumn, number>): Money {
  const out = {} as Money;
  for (const [col, key] of MONEY_FIELDS) {
    const v: unknown = row[col];
    if (!isFen(v)) throw new AppError('SETTLEMENT_ROW_DAMAGED', `结算记录的金额字段 ${col} 缺失或不是整数分，已停止处理；请联系技术支持。`, { column: col });
    out[key] = v;
  }
  return out;
}

/** The center's setlinfo (yuan strings) compared with the local split: one entry per differing field. */
export function diffAgainstCenter(local: Money, setlinfo: unknown): { field: MoneyColumn; local: number; center: number }[] {
  if (typeof setlinfo !== 'object' || setlinfo === null) return [];
  const s = setlinfo as Record<string, unknown>;
  const out: { field: MoneyColumn; local: number; center: number }[] = [];
  for (const [col, key, wire] of MONEY_FIELDS) {
    if (!wire) continue;
    const center = tryYuanToFen(s[wire]);
    if (center === null) continue;
    if (center !== local[key]) out.push({ field: col, local: local[key], center });
  }
  return out;
}

export const MED_TYPE: Record<string, string> = { outpatient: '11', chronic: '14', inpatient: '21' };

export interface UploadFacts {
  settlementId: string;
  psnNo: string;
  certType: string;
  certNo: string;
  insutype: string;
  psnType: string;
  visitType: string;
  hospitalLevel: number;
  setlTime: string;
  diagnoses: string[];
  useAccount: boolean;
  policySeq: number;
  offline: boolean;
  money: Money;
  lines: { lineNo: number; code: string; unitPrice: string; quantity: string; amount: number; ownPay: boolean; traceCodes?: string[] }[];
}

/**
 * A line's unit price as the wire carries it (CENTER-PROTOCOL.md: yuan strings with two places):
 * "10" → "10.00", "10.5" → "10.50"; a price with 3 or 4 places keeps them exactly ("0.1234"),
 * never rounded. Not the bill's own string, whatever form the HIS sent it in.
 */
export function wirePrice(unitPrice: string): string {
  const scaled = parseScaled(unitPrice.trim());
  if (scaled === null) throw new AppError('INVALID_INPUT', `单价格式不正确：${unitPrice}`, { unitPrice });
  const places = String(scaled % SCALE).padStart(4, '0').replace(/0+$/, '').padEnd(2, '0');
  return `${scaled / SCALE}.${places}`;
}

/** The 2207 `input` (CENTER-PROTOCOL.md), fixed at commit and resent unchanged. */
export function uploadInput(f: UploadFacts): object {
  const m = f.money;
  return {
    setlinfo: {
      medins_setl_id: f.settlementId,
      psn_no: f.psnNo,
      mdtrt_cert_type: f.certType,
      mdtrt_cert_no: f.certNo,
      insutype: f.insutype,
      psn_type: f.psnType,
      med_type: MED_TYPE[f.visitType] ?? '11',
      hosp_lv: String(f.hospitalLevel),
      setl_time: f.setlTime,
      dise_codg: f.diagnoses,
      acct_used_flag: f.useAccount ? '1' : '0',
      policy_seq: f.policySeq,
      offline_flag: f.offline ? '1' : '0',
      medfee_sumamt: fenToYuan(m.total),
      fulamt_ownpay_amt: fenToYuan(m.fullOwnPay),
      overlmt_selfpay: fenToYuan(m.overLimitSelfPay),
      preselfpay_amt: fenToYuan(m.preSelfPay),
      inscp_scp_amt: fenToYuan(m.eligible),
      act_pay_dedc: fenToYuan(m.deductible),
      hifp_pay: fenToYuan(m.fundPay),
      pool_prop_selfpay: fenToYuan(m.coPay),
      fund_pay_sumamt: fenToYuan(m.fundPay + m.criticalIllnessPay),
      hifmi_pay: fenToYuan(m.criticalIllnessPay),
      psn_part_amt: fenToYuan(m.personalTotal),
      acct_pay: fenToYuan(m.accountPay),
      psn_cash_pay: fenToYuan(m.cashPay),
    },
    feedetail: f.lines.map((l) => ({
      feedetl_sn: String(l.lineNo),
      med_list_codg: l.code,
      pric: wirePrice(l.unitPrice),
      cnt: l.quantity,
      det_item_fee_sumamt: fenToYuan(l.amount),
      own_pay_flag: l.ownPay ? '1' : '0',
      // A drug line's traceability codes (issue 17; docs/CENTER.md "Traceability codes"): the
      // sale reaches the center with its codes, exactly once, as part of this upload.
      ...(l.traceCodes?.length ? { drugtracinfo: l.traceCodes.map((c) => ({ drug_trac_codg: c })) } : {}),
    })),
  };
}
