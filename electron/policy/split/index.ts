// The split engine (../shared/docs/SPLIT-MODEL.md). PURE: no clock, no database, no I/O.
// computeSplit never throws: bad input comes back as {ok:false, error:{code, message}}.
import { checkInputs } from './check';
import { explain } from './explain';
import { accumulatorOf, computeCritical, computeFund, findScheme } from './layers';
import { splitLine, type LineOut } from './lines';
import type { Accumulators, BillItem, Patient, PolicyTable, SplitError, SplitLine, SplitOutcome, Visit } from './types';

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

  const lines: LineOut[] = [];
  let total = 0;
  let fullOwnPay = 0;
  let overLimitSelfPay = 0;
  let preSelfPay = 0;
  let eligible = 0;
  for (const p of checked.items) {
    const l = splitLine(p, patient, visit);
    if (isError(l)) return { ok: false, error: l };
    lines.push(l);
    total += l.amount;
    fullOwnPay += l.fullOwnPay;
    overLimitSelfPay += l.overLimitSelfPay;
    preSelfPay += l.preSelfPay;
    eligible += l.eligible;
  }

  const scheme = findScheme(table.schemes, patient, visit);
  if (isError(scheme)) return { ok: false, error: scheme };
  const fund = computeFund(scheme, patient, visit, eligible);
  if (isError(fund)) return { ok: false, error: fund };
  const burden = fund.deductible + fund.coPay + fund.overCapSelfPay;
  const critical = computeCritical(scheme, patient, visit, burden);
  if (critical && isError(critical)) return { ok: false, error: critical };
  const criticalIllnessPay = critical?.pay ?? 0;

  const personalTotal = total - fund.fundPay - criticalIllnessPay;
  const useAccount = visit.useAccount !== false;
  const accountable =
    (scheme.account.payInPolicy ? preSelfPay + burden - criticalIllnessPay : 0) + (scheme.account.payOwnPay ? fullOwnPay + overLimitSelfPay : 0);
  const accountPay = useAccount ? Math.max(0, Math.min(patient.accountBalance, accountable)) : 0;

  const acc = accumulatorOf(patient.accumulators, scheme.accumulator);
  const accumulatorsAfter: Accumulators = {
    ...patient.accumulators,
    [scheme.accumulator]: { eligible: acc.eligible + eligible, fundPaid: acc.fundPaid + fund.fundPay },
    criticalBurden: (patient.accumulators?.criticalBurden ?? 0) + burden,
    criticalPaid: (patient.accumulators?.criticalPaid ?? 0) + criticalIllnessPay,
  };

  const totals = {
    scheme: scheme.id,
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
  return {
    ok: true,
    result: { ...totals, accumulatorsAfter, items: resultItems, explanation: explain(lines, fund, critical, totals, useAccount) },
  };
}
