// The explanation: a short Chinese trace, for the cashier and the patient, of every fen of
// the patient's part to the rule that put it there. The lines whose rule is in PATIENT_RULES
// add up to the patient's part before critical illness; the 'critical' line takes that
// layer's payment off, so Σ(PATIENT_RULES) − critical = personalTotal (tested).
import { fenToYuan as yuan, percent } from '../../api/money';
import type { DiseaseChoice, NotPooled } from './disease';
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
      const amount = yuan(l.fullOwnPay);
      const condition = l.failedCondition ?? 'diagnosisPrefixes';
      const [key, why, params] =
        l.reason === 'ownPay'
          ? ['fullOwnPay.ownPay', '按自费结算', { name: l.name, amount }]
          : l.reason === 'disease'
            ? ['fullOwnPay.disease', `不在${l.diseaseName ?? ''}病种支付范围内，全额自付`, { name: l.name, disease: l.diseaseName ?? '', amount }]
          : l.reason === 'restriction'
            ? ['fullOwnPay.restriction', `不符合${CONDITION_ZH[condition]}条件，全额自付`, { name: l.name, condition, amount }]
            : ['fullOwnPay.classC', '丙类（医保范围外），全额自付', { name: l.name, amount }];
      byRule.fullOwnPay.push({ rule: 'fullOwnPay', text: `${l.name} ${why}: ${amount} 元`, key, params, amount: l.fullOwnPay });
    }
    if (l.overLimitSelfPay > 0) {
      const amount = yuan(l.overLimitSelfPay);
      byRule.overLimit.push({ rule: 'overLimit', text: `${l.name} 超出限价 ${amount} 元自付`, key: 'overLimit', params: { name: l.name, amount }, amount: l.overLimitSelfPay });
    }
    if (l.preSelfPay > 0 && l.ratio !== undefined) {
      // What the ratio is of: the line's amount within the price cap.
      const params = { name: l.name, ratio: percent(l.ratio), base: yuan(l.amount - l.fullOwnPay - l.overLimitSelfPay), amount: yuan(l.preSelfPay) };
      byRule.preSelfPay.push({
        rule: 'preSelfPay',
        text: `${l.name} 乙类先行自付 ${params.ratio} × ${params.base} = ${params.amount} 元`,
        key: 'preSelfPay',
        params,
        amount: l.preSelfPay,
      });
    }
  }
  const summary: Record<keyof typeof byRule, string> = { fullOwnPay: '全额自付', overLimit: '超出限价自付', preSelfPay: '乙类先行自付' };
  const out: ExplanationLine[] = [];
  for (const rule of ['fullOwnPay', 'overLimit', 'preSelfPay'] as const) {
    const ls = byRule[rule];
    if (ls.length <= MAX_ITEM_LINES_PER_RULE) out.push(...ls);
    else {
      const amount = ls.reduce((s, l) => s + (l.amount ?? 0), 0);
      out.push({ rule, text: `${summary[rule]}（共 ${ls.length} 项）: ${yuan(amount)} 元`, key: `summary.${rule}`, params: { count: String(ls.length), amount: yuan(amount) }, amount });
    }
  }
  return out;
}

/** "90% × 162.00" for one band (what the percentage is of), "100.00 × 90% + 62.00 × 95%" for several: no words, any language. */
function ratioOf(shares: FundOut['shares']): string {
  return shares.length === 1 ? `${percent(shares[0]!.ratio)} × ${yuan(shares[0]!.length)}` : shares.map((s) => `${yuan(s.length)} × ${percent(s.ratio)}`).join(' + ');
}

const line = (rule: string, text: string, key: string, params: Record<string, string>, amount?: number): ExplanationLine =>
  amount === undefined ? { rule, text, key, params } : { rule, text, key, params, amount };

/** What the extensions add to the explanation (docs/SPLIT.md "Chronic-disease visits and clinic binding"). */
export interface ExplainContext {
  disease: DiseaseChoice | null;
  notPooled: NotPooled | null;
  bindingUnknown: boolean;
}

const NO_CONTEXT: ExplainContext = { disease: null, notPooled: null, bindingUnknown: false };

function diseaseLine(d: DiseaseChoice): ExplanationLine {
  const { rule, filing } = d;
  const params = { code: rule.code, name: rule.name, begin: filing.begin, end: filing.end ?? '长期' };
  const what = rule.kind === 'twoDiseases' ? '两病门诊用药' : '门诊慢特病';
  return line(
    'disease',
    `${what} ${rule.code} ${rule.name}（备案有效期 ${params.begin} 至 ${params.end}）：按该病种的起付线、支付比例、年度限额和用药范围结算`,
    rule.kind === 'twoDiseases' ? 'disease.twoDiseases' : 'disease.chronic',
    params,
  );
}

function notPooledLine(n: NotPooled, eligible: number): ExplanationLine {
  const amount = yuan(eligible);
  return n.reason === 'elsewhere'
    ? line('coPay', `参保人的门诊统筹定点机构是 ${n.boundTo ?? ''}，不是本机构：统筹基金不予支付，统筹范围内 ${amount} 元由个人负担（不计入起付线和年度累计）`, 'notPooled.elsewhere', { boundTo: n.boundTo ?? '', amount }, eligible)
    : line('coPay', `参保人没有有效的门诊统筹定点备案：统筹基金不予支付，统筹范围内 ${amount} 元由个人负担（不计入起付线和年度累计）`, 'notPooled.none', { amount }, eligible);
}

export function explain(
  lines: LineOut[],
  fund: FundOut,
  critical: CriticalOut | null,
  r: Omit<SplitResult, 'explanation' | 'items' | 'accumulatorsAfter'>,
  useAccount: boolean,
  context: ExplainContext = NO_CONTEXT,
): ExplanationLine[] {
  const out: ExplanationLine[] = [line('total', `医疗费总额: ${yuan(r.total)} 元`, 'total', { amount: yuan(r.total) }, r.total)];
  if (context.disease) out.push(diseaseLine(context.disease));
  if (context.bindingUnknown) {
    out.push(line('note', '不知道参保人的门诊统筹定点备案（医保中心未答复，本机也没有缓存）：按在本机构定点计算，以医保中心结算为准', 'notPooled.unknown', {}));
  }
  out.push(...itemLines(lines));
  if (context.notPooled && r.eligible > 0) out.push(notPooledLine(context.notPooled, r.eligible));
  if (fund.deductibleAmount > 0 && r.eligible > 0) {
    const applied = yuan(fund.deductible);
    out.push(
      fund.per === 'visit'
        ? line('deductible', `本次起付线 ${yuan(fund.deductibleAmount)} 元，本次计入 ${applied} 元`, 'deductible.visit', { deductible: yuan(fund.deductibleAmount), applied }, fund.deductible)
        : fund.deductibleRemaining > 0
          ? line('deductible', `起付线剩余 ${yuan(fund.deductibleRemaining)} 元，本次计入 ${applied} 元`, 'deductible.remaining', { remaining: yuan(fund.deductibleRemaining), applied }, fund.deductible)
          : line('deductible', `起付线 ${yuan(fund.deductibleAmount)} 元已付满，本次计入 0.00 元`, 'deductible.met', { deductible: yuan(fund.deductibleAmount) }, fund.deductible),
    );
  }
  if (fund.fundRaw > 0) {
    // Each percentage with what it is of: "统筹支付 90% × 162.00 = 145.80 元".
    const of = ratioOf(fund.shares);
    const text = fund.shares.length === 1 ? `统筹支付 ${of} = ${yuan(fund.fundPay)} 元` : `统筹支付（${of}）= ${yuan(fund.fundPay)} 元`;
    out.push(line('fund', text, 'fund', { of, amount: yuan(fund.fundPay) }, fund.fundPay));
  }
  if (fund.coPay > 0 && !context.notPooled) out.push(line('coPay', `统筹范围内个人按比例自付: ${yuan(fund.coPay)} 元`, 'coPay', { amount: yuan(fund.coPay) }, fund.coPay));
  if (fund.overCapSelfPay > 0) {
    const params = { remaining: yuan(fund.capRemaining ?? 0), amount: yuan(fund.overCapSelfPay) };
    const d = context.disease?.rule;
    out.push(
      d
        ? line('overCap', `${d.name}病种年度支付限额仅剩 ${params.remaining} 元，超出部分自付 ${params.amount} 元`, 'overCap.disease', { ...params, disease: d.name }, fund.overCapSelfPay)
        : line('overCap', `统筹年度最高支付限额仅剩 ${params.remaining} 元，超出部分自付 ${params.amount} 元`, 'overCap', params, fund.overCapSelfPay),
    );
  }
  if (critical && critical.pay > 0) {
    const of = ratioOf(critical.shares);
    const params = { of, threshold: yuan(critical.threshold), amount: yuan(critical.pay), remaining: yuan(critical.capRemaining ?? 0) };
    const capped = critical.pay < critical.raw;
    out.push(
      line(
        'critical',
        `大病保险支付 ${of}（个人负担累计超过 ${params.threshold} 元的部分）: ${params.amount} 元${capped ? `（已达大病保险年度限额，按剩余 ${params.remaining} 元支付）` : ''}`,
        capped ? 'critical.capped' : 'critical',
        params,
        critical.pay,
      ),
    );
  }
  out.push(line('personal', `个人负担合计: ${yuan(r.personalTotal)} 元`, 'personal', { amount: yuan(r.personalTotal) }, r.personalTotal));
  if (r.accountPay > 0) out.push(line('account', `个人账户支付: ${yuan(r.accountPay)} 元`, 'account', { amount: yuan(r.accountPay) }, r.accountPay));
  else if (!useAccount) out.push(line('account', '本次不使用个人账户', 'account.off', {}, 0));
  out.push(line('cash', `现金支付: ${yuan(r.cashPay)} 元`, 'cash', { amount: yuan(r.cashPay) }, r.cashPay));
  return out;
}
