// Self-pay (自费) settlement: the patient pays the whole bill in cash and the center is not
// involved — for a person the fund does not cover now (not insured, benefits suspended, the
// center offline and the person not in the offline cache) or a patient who chooses to.
// PURE: the lines and the money of such a settlement; the journal writes them.
import { lineAmountFen } from '../api/money';
import { AppError } from '../api/result';
import type { SettlementLineView } from '../api/contract/settlement';
import type { ExplanationLine } from '../policy/split/types';
import type { Money } from './mapping';

export interface SelfPayItem {
  code: string;
  name?: string | undefined;
  unitPrice: string;
  quantity: string;
}

/** A self-pay line is the journal's line view without the split's reason and the sale's codes. */
export type SelfPayLine = Pick<SettlementLineView, 'lineNo' | 'code' | 'name' | 'class' | 'unitPrice' | 'quantity' | 'amount'>;

/** The insurance type recorded for a self-pay row: reports group it as its own kind (自费). */
export const SELF_PAY_INSURANCE_TYPE = 'self_pay';

/**
 * Each line's amount is the same exact rounding as the split engine's step 2 (one rounding per
 * line); the whole bill is the patient's, in cash. A line the catalog does not know is still
 * sold: that is one of the reasons to settle as self-pay.
 */
export function selfPayLines(items: readonly SelfPayItem[], catalog: (code: string) => { name: string; class: string } | null): SelfPayLine[] {
  return items.map((it, i) => {
    const amount = lineAmountFen(it.unitPrice, it.quantity);
    if (amount === null) throw new AppError('INVALID_INPUT', `第 ${i + 1} 行的单价或数量不正确。`, { lineNo: i + 1, code: it.code });
    const entry = catalog(it.code);
    return {
      lineNo: i + 1,
      code: it.code,
      name: it.name || entry?.name || '',
      class: entry?.class ?? '',
      unitPrice: it.unitPrice,
      quantity: it.quantity,
      amount,
    };
  });
}

export function selfPayMoney(total: number): Money {
  return {
    total,
    fullOwnPay: total,
    overLimitSelfPay: 0,
    preSelfPay: 0,
    eligible: 0,
    deductible: 0,
    fundPay: 0,
    coPay: 0,
    overCapSelfPay: 0,
    criticalIllnessPay: 0,
    personalTotal: total,
    accountPay: 0,
    cashPay: total,
  };
}

export function selfPayExplanation(totalYuan: string, total: number): ExplanationLine[] {
  return [{ rule: 'selfPay', key: 'selfPay', params: { total: totalYuan }, text: `自费结算：医保不支付，${totalYuan} 元全部由患者现金支付`, amount: total }];
}
