// The explanation: a short Chinese trace, for the cashier and the patient, of every fen of
// the patient's part to the rule that put it there. The lines whose rule is in PATIENT_RULES
// add up to the patient's part before critical illness; the 'critical' line takes that
// layer's payment off, so Σ(PATIENT_RULES) − critical = personalTotal (tested).
import { fenToYuan as yuan, percent } from '../../api/money';
import type { CriticalOut, FundOut } from './layers';
import type { LineOut } from './lines';
import type { ExplanationLine, Restriction, SplitResult } from './types';

export const PATIENT_RULES: ReadonlySet<string> = new Set(['fullOwnPay', 'overLimit', 'preSelfPay', 'deductible', 'coPay', 'overCap']);

/** Item lines of one rule beyond this many are shown as one summary line. */
const MAX_ITEM_LINES_PER_RULE = 6;

const CONDITION_ZH: Record<keyof Restriction, string> = {
  insuranceTypes: '限参保险种',
  visitTypes: '限就诊类型',
  minHospitalLevel: '限医院等级',
  diagnosisPrefixes: '限诊断',
};

function itemLines(lines: LineOut[]): ExplanationLine[] {
  const byRule: Record<'fullOwnPay' | 'overLimit' | 'preSelfPay', ExplanationLine[]> = { fullOwnPay: [], overLimit: [], preSelfPay: [] };
  for (const l of lines) {
    if (l.fullOwnPay > 0) {
      const why =
        l.reason === 'ownPay'
          ? '按自费结算'
          : l.reason === 'restriction'
            ? `不符合${CONDITION_ZH[l.failedCondition ?? 'diagnosisPrefixes']}条件，全额自付`
            : '丙类（医保范围外），全额自付';
      byRule.fullOwnPay.push({ rule: 'fullOwnPay', text: `${l.name} ${why}: ${yuan(l.fullOwnPay)} 元`, amount: l.fullOwnPay });
    }
    if (l.overLimitSelfPay > 0) {
      byRule.overLimit.push({ rule: 'overLimit', text: `${l.name} 超出限价 ${yuan(l.overLimitSelfPay)} 元自付`, amount: l.overLimitSelfPay });
    }
    if (l.preSelfPay > 0 && l.ratio !== undefined) {
      byRule.preSelfPay.push({ rule: 'preSelfPay', text: `${l.name} 乙类先行自付 ${percent(l.ratio)}: ${yuan(l.preSelfPay)} 元`, amount: l.preSelfPay });
    }
  }
  const summary: Record<keyof typeof byRule, string> = { fullOwnPay: '全额自付', overLimit: '超出限价自付', preSelfPay: '乙类先行自付' };
  const out: ExplanationLine[] = [];
  for (const rule of ['fullOwnPay', 'overLimit', 'preSelfPay'] as const) {
    const ls = byRule[rule];
    if (ls.length <= MAX_ITEM_LINES_PER_RULE) out.push(...ls);
    else {
      const amount = ls.reduce((s, l) => s + (l.amount ?? 0), 0);
      out.push({ rule, text: `${summary[rule]}（共 ${ls.length} 项）: ${yuan(amount)} 元`, amount });
    }
  }
  return out;
}

function bandText(shares: FundOut['shares']): string {
  return shares.map((s) => `${yuan(s.length)} 元 × ${percent(s.ratio)}`).join(' + ');
}

export function explain(
  lines: LineOut[],
  fund: FundOut,
  critical: CriticalOut | null,
  r: Omit<SplitResult, 'explanation' | 'items' | 'accumulatorsAfter'>,
  useAccount: boolean,
): ExplanationLine[] {
  const out: ExplanationLine[] = [{ rule: 'total', text: `医疗费总额: ${yuan(r.total)} 元`, amount: r.total }];
  out.push(...itemLines(lines));
  if (fund.deductibleAmount > 0 && r.eligible > 0) {
    out.push({
      rule: 'deductible',
      text:
        fund.per === 'visit'
          ? `本次起付线 ${yuan(fund.deductibleAmount)} 元，本次计入 ${yuan(fund.deductible)} 元`
          : fund.deductibleRemaining > 0
          ? `起付线剩余 ${yuan(fund.deductibleRemaining)} 元，本次计入 ${yuan(fund.deductible)} 元`
          : `起付线 ${yuan(fund.deductibleAmount)} 元已付满，本次计入 0.00 元`,
      amount: fund.deductible,
    });
  }
  if (fund.fundRaw > 0) {
    const single = fund.shares.length === 1 ? `统筹支付 ${percent(fund.shares[0]!.ratio)}` : `统筹支付（${bandText(fund.shares)}）`;
    out.push({ rule: 'fund', text: `${single}: ${yuan(fund.fundPay)} 元`, amount: fund.fundPay });
  }
  if (fund.coPay > 0) out.push({ rule: 'coPay', text: `统筹范围内个人按比例自付: ${yuan(fund.coPay)} 元`, amount: fund.coPay });
  if (fund.overCapSelfPay > 0) {
    out.push({
      rule: 'overCap',
      text: `统筹年度最高支付限额仅剩 ${yuan(fund.capRemaining ?? 0)} 元，超出部分自付 ${yuan(fund.overCapSelfPay)} 元`,
      amount: fund.overCapSelfPay,
    });
  }
  if (critical && critical.pay > 0) {
    const ratios = critical.shares.length === 1 ? percent(critical.shares[0]!.ratio) : bandText(critical.shares);
    const capped = critical.pay < critical.raw ? `（已达大病保险年度限额，按剩余 ${yuan(critical.capRemaining ?? 0)} 元支付）` : '';
    out.push({
      rule: 'critical',
      text: `大病保险支付 ${ratios}（个人负担累计超过 ${yuan(critical.threshold)} 元的部分）: ${yuan(critical.pay)} 元${capped}`,
      amount: critical.pay,
    });
  }
  out.push({ rule: 'personal', text: `个人负担合计: ${yuan(r.personalTotal)} 元`, amount: r.personalTotal });
  if (r.accountPay > 0) out.push({ rule: 'account', text: `个人账户支付: ${yuan(r.accountPay)} 元`, amount: r.accountPay });
  else if (!useAccount) out.push({ rule: 'account', text: '本次不使用个人账户', amount: 0 });
  out.push({ rule: 'cash', text: `现金支付: ${yuan(r.cashPay)} 元`, amount: r.cashPay });
  return out;
}
