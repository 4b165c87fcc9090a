// 2207/2208 amounts: the split result's fields ⇄ the national settlement fields (SPLIT-MODEL.md
// "How these map"). PURE. Shared by the client (upload) and the sandbox (recompute, answer).
import { z } from 'zod';
import { fenToYuan, tryYuanToFen } from '../../api/money';
import type { SplitAmounts } from '../../policy/split/types';

/** The split's money as the center's settlement messages carry it: all but overCapSelfPay. */
export type SettlementAmounts = Omit<SplitAmounts, 'overCapSelfPay'>;

/** The split's money as a center settlement carries it (the sandbox's answers and stored rows). */
export function amountsOfSplit(r: SplitAmounts): SettlementAmounts {
  return {
    total: r.total, fullOwnPay: r.fullOwnPay, overLimitSelfPay: r.overLimitSelfPay, preSelfPay: r.preSelfPay, eligible: r.eligible, deductible: r.deductible,
    fundPay: r.fundPay, coPay: r.coPay, criticalIllnessPay: r.criticalIllnessPay, personalTotal: r.personalTotal, accountPay: r.accountPay, cashPay: r.cashPay,
  };
}

export const AMOUNT_FIELDS: ReadonlyArray<[keyof SettlementAmounts, string]> = [
  ['total', 'medfee_sumamt'],
  ['fullOwnPay', 'fulamt_ownpay_amt'],
  ['overLimitSelfPay', 'overlmt_selfpay'],
  ['preSelfPay', 'preselfpay_amt'],
  ['eligible', 'inscp_scp_amt'],
  ['deductible', 'act_pay_dedc'],
  ['fundPay', 'hifp_pay'],
  ['coPay', 'pool_prop_selfpay'],
  ['criticalIllnessPay', 'hifmi_pay'],
  ['personalTotal', 'psn_part_amt'],
  ['accountPay', 'acct_pay'],
  ['cashPay', 'psn_cash_pay'],
];

/** Amount fields as yuan strings, plus fund_pay_sumamt = fundPay + criticalIllnessPay. */
export function amountsToWire(a: SettlementAmounts): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, wire] of AMOUNT_FIELDS) out[wire] = fenToYuan(a[k]);
  out.fund_pay_sumamt = fenToYuan(a.fundPay + a.criticalIllnessPay);
  return out;
}

const yuanField = z.string().refine((s) => tryYuanToFen(s) !== null, '金额应为两位小数的元');

export const wireAmountsSchema = z.object(Object.fromEntries(AMOUNT_FIELDS.map(([, w]) => [w, yuanField])) as Record<string, typeof yuanField>);

/** Wire amounts → fen; throws a ZodError on anything malformed (callers classify it). */
export function amountsFromWire(raw: unknown): SettlementAmounts {
  const o = wireAmountsSchema.parse(raw) as Record<string, string>;
  const out = {} as SettlementAmounts;
  for (const [k, wire] of AMOUNT_FIELDS) out[k] = tryYuanToFen(o[wire])!;
  return out;
}

/** The fields where two computations of one settlement differ (empty = the same). */
export function differingAmounts(a: SettlementAmounts, b: SettlementAmounts): Array<keyof SettlementAmounts> {
  return AMOUNT_FIELDS.map(([k]) => k).filter((k) => a[k] !== b[k]);
}

export function negateAmounts(a: SettlementAmounts): SettlementAmounts {
  const out = {} as SettlementAmounts;
  for (const [k] of AMOUNT_FIELDS) out[k] = a[k] === 0 ? 0 : -a[k];
  return out;
}
