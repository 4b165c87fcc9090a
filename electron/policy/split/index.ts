// The split engine (../shared/docs/SPLIT-MODEL.md). PURE: no clock, no database, no I/O.
// computeSplit never throws: bad input comes back as {ok:false, error:{code, message}}.
import { checkInputs } from './check';
import { chooseDisease, eligibleSet, poolingAt, schemeForDisease } from './disease';
import { explain } from './explain';
import { accumulatorOf, computeCritical, computeFund, findScheme } from './layers';
import { notForDisease, splitLine, type LineOut } from './lines';
import type { Accumulators, BillItem, Patient, PolicyTable, SplitError, SplitLine, SplitOutcome, SplitResult, Visit } from './types';

export type * from './types';
export { PATIENT_RULES } from './explain';

const isError = (v: object): v is SplitError => 'code' in v && 'message' in v && !('amount' in v);

export function computeSplit(table: PolicyTable, patient: Patient, visit: Visit, items: BillItem[]): SplitOutcome {
  try {
    return compute(table, patient, visit, items);
  } catch (e) {
    // Only reachable through input shapes the checks did not foresee; still never a throw.
    return { ok: false, error: { code: 'INVALID_INPUT', message: `输入无法计算：${e instanceof Error ? e.message : String(e)}` } };
  }
}

function compute(table: PolicyTable, patient: Patient, visit: Visit, items: BillItem[]): SplitOutcome {
  const checked = checkInputs(table, patient, visit, items);
  if (!checked.ok) return checked;
  // Extension (docs/SPLIT.md): a chronic visit needs a filed disease; its rules then apply.
  const disease = chooseDisease(table, patient, visit);
  if (disease && isError(disease)) return { ok: false, error: disease };
  const forDisease = eligibleSet(disease);

  const lines: LineOut[] = [];
  let total = 0;
  let fullOwnPay = 0;
  let overLimitSelfPay = 0;
  let preSelfPay = 0;
  let eligible = 0;
  for (const p of checked.items) {
    const split = splitLine(p, patient, visit);
    if (isError(split)) return { ok: false, error: split };
    const l = disease && forDisease && split.fullOwnPay === 0 && !forDisease.has(split.code) ? notForDisease(split, disease.rule.name) : split;
    lines.push(l);
    total += l.amount;
    fullOwnPay += l.fullOwnPay;
    overLimitSelfPay += l.overLimitSelfPay;
    preSelfPay += l.preSelfPay;
    eligible += l.eligible;
  }

  const matched = findScheme(table.schemes, patient, visit);
  if (isError(matched)) return { ok: false, error: matched };
  const scheme = disease ? schemeForDisease(matched, disease.rule) : matched;
  const computed = computeFund(scheme, patient, visit, eligible);
  if (isError(computed)) return { ok: false, error: computed };
  // Extension: a scheme that pays only at the bound clinic pays nothing elsewhere — no
  // deductible counted, no fund, no critical illness, the year's accumulators untouched.
  const pooling = poolingAt(scheme, patient, visit);
  const notPooled = typeof pooling === 'object' ? pooling : null;
  const fund = notPooled ? { ...computed, deductibleAmount: 0, deductibleRemaining: 0, deductible: 0, fundRaw: 0, fundPay: 0, coPay: eligible, overCapSelfPay: 0, shares: [] } : computed;
  const burden = fund.deductible + fund.coPay + fund.overCapSelfPay;
  const critical = notPooled ? null : computeCritical(scheme, patient, visit, burden);
  if (critical && isError(critical)) return { ok: false, error: critical };
  const criticalIllnessPay = critical?.pay ?? 0;

  const personalTotal = total - fund.fundPay - criticalIllnessPay;
  const useAccount = visit.useAccount !== false;
  const accountable =
    (scheme.account.payInPolicy ? preSelfPay + burden - criticalIllnessPay : 0) + (scheme.account.payOwnPay ? fullOwnPay + overLimitSelfPay : 0);
  const accountPay = useAccount ? Math.max(0, Math.min(patient.accountBalance, accountable)) : 0;

  const acc = accumulatorOf(patient.accumulators, scheme.accumulator);
  const accumulatorsAfter: Accumulators = notPooled
    ? { ...patient.accumulators }
    : {
        ...patient.accumulators,
        [scheme.accumulator]: { eligible: acc.eligible + eligible, fundPaid: acc.fundPaid + fund.fundPay },
        criticalBurden: (patient.accumulators?.criticalBurden ?? 0) + burden,
        criticalPaid: (patient.accumulators?.criticalPaid ?? 0) + criticalIllnessPay,
      };

  const totals = {
    scheme: matched.id,
    total,
    fullOwnPay,
    overLimitSelfPay,
    preSelfPay,
    eligible,
    deductible: fund.deductible,
    fundPay: fund.fundPay,
    coPay: fund.coPay,
    overCapSelfPay: fund.overCapSelfPay,
    criticalIllnessPay,
    personalTotal,
    accountPay,
    cashPay: personalTotal - accountPay,
  };
  const resultItems: SplitLine[] = lines.map((l) => {
    const item: SplitLine = {
      code: l.code,
      class: l.class,
      amount: l.amount,
      fullOwnPay: l.fullOwnPay,
      overLimitSelfPay: l.overLimitSelfPay,
      preSelfPay: l.preSelfPay,
      eligible: l.eligible,
    };
    if (l.reason) item.reason = l.reason;
    return item;
  });
  const context = { disease, notPooled, bindingUnknown: pooling === 'unknown' };
  const result: SplitResult = { ...totals, accumulatorsAfter, items: resultItems, explanation: explain(lines, fund, critical, totals, useAccount, context) };
  if (disease) result.disease = { code: disease.rule.code, name: disease.rule.name, kind: disease.rule.kind };
  if (notPooled) result.notPooled = notPooled;
  return { ok: true, result };
}
