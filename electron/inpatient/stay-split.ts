// The local split over a stay (issue 19, docs/INPATIENT.md "Year boundary"). PURE: the policy
// tables and the year's accumulators come in as functions, nothing is read here.
//
// A stay's fee lines are grouped by the year of their fee date; each year's part is split by the
// engine with that year's policy table and that year's accumulators. The admission's deductible
// (deductible.per = 'visit') is charged once per stay: each part starts on the visit axis where
// the part before it (or an earlier mid-stay settlement of the same stay, `axisStart`) ended —
// the engine's `visit.axisStart` extension (docs/SPLIT.md). The personal account pays each part
// from what the earlier part left of it.
import { computeSplit } from '../policy/split';
import type { Accumulators, BillItem, ExplanationLine, Patient, PolicyTable, SplitError, SplitLine, SplitResult } from '../policy/split/types';

export interface StayLine {
  code: string;
  unitPrice: string;
  quantity: string;
  ownPay: boolean;
  /** YYYY-MM-DD */
  feeDate: string;
}

export interface StaySplitInput {
  lines: readonly StayLine[];
  patient: Omit<Patient, 'accumulators'>;
  /** The year's accumulators (before this stay's part of that year). */
  accumulatorsOf(year: number): Accumulators;
  /** The policy table in force on `date` holding `codes`. */
  tableFor(date: string, codes: string[]): PolicyTable;
  visit: { hospitalLevel: number; diagnoses: string[]; useAccount: boolean; institutionCode?: string };
  /** In-policy fen of this stay already settled (earlier mid-stay settlements). */
  axisStart: number;
}

export interface StayPart {
  year: number;
  /** The day the year's table was taken for (the part's last fee date). */
  date: string;
  /** Indexes into the input lines. */
  lineIndexes: number[];
  split: SplitResult;
  /** Where this part's in-policy amount starts and ends on the stay's axis, fen. */
  axisStart: number;
  axisEnd: number;
}

export interface StaySplit {
  parts: StayPart[];
  /** The parts summed, as one split (the journal row's money); items in the input's order. */
  combined: SplitResult;
  axisEnd: number;
}

const SUMMED = [
  'total',
  'fullOwnPay',
  'overLimitSelfPay',
  'preSelfPay',
  'eligible',
  'deductible',
  'fundPay',
  'coPay',
  'overCapSelfPay',
  'criticalIllnessPay',
  'personalTotal',
  'accountPay',
  'cashPay',
] as const;

export function splitStay(input: StaySplitInput): { ok: true; result: StaySplit } | { ok: false; error: SplitError } {
  const byYear = new Map<number, number[]>();
  input.lines.forEach((l, i) => {
    const y = Number(l.feeDate.slice(0, 4));
    byYear.set(y, [...(byYear.get(y) ?? []), i]);
  });
  const parts: StayPart[] = [];
  let axis = input.axisStart;
  let balance = input.patient.accountBalance;
  for (const year of [...byYear.keys()].sort((a, b) => a - b)) {
    const idx = byYear.get(year)!;
    const date = idx.map((i) => input.lines[i]!.feeDate).sort().at(-1)!;
    const items: BillItem[] = idx.map((i) => {
      const l = input.lines[i]!;
      return { code: l.code, unitPrice: l.unitPrice, quantity: l.quantity, ...(l.ownPay ? { ownPay: true } : {}) };
    });
    const table = input.tableFor(date, [...new Set(items.map((it) => it.code))]);
    const patient: Patient = { ...input.patient, accountBalance: balance, accumulators: input.accumulatorsOf(year) };
    const out = computeSplit(table, patient, { visitType: 'inpatient', date, axisStart: axis, ...input.visit }, items);
    if (!out.ok) return out;
    parts.push({ year, date, lineIndexes: idx, split: out.result, axisStart: axis, axisEnd: axis + out.result.eligible });
    axis += out.result.eligible;
    balance -= out.result.accountPay;
  }
  return { ok: true, result: { parts, combined: combine(parts, input.lines.length), axisEnd: axis } };
}

function combine(parts: StayPart[], lineCount: number): SplitResult {
  const items: SplitLine[] = new Array<SplitLine>(lineCount);
  const explanation: ExplanationLine[] = [];
  const sums = Object.fromEntries(SUMMED.map((k) => [k, 0])) as Record<(typeof SUMMED)[number], number>;
  for (const p of parts) {
    p.lineIndexes.forEach((lineIndex, k) => (items[lineIndex] = p.split.items[k]!));
    for (const k of SUMMED) sums[k] += p.split[k];
    if (parts.length > 1) {
      explanation.push({
        rule: 'stayYear',
        text: `${p.year} 年的费用（按 ${p.year} 年政策与该年累计计算，起付线按住院只计一次）`,
        key: 'stay.year',
        params: { year: String(p.year) },
        amount: p.split.total,
      });
    }
    explanation.push(...p.split.explanation);
  }
  const last = parts.at(-1);
  return {
    scheme: last?.split.scheme ?? '',
    ...sums,
    accumulatorsAfter: last?.split.accumulatorsAfter ?? {},
    items,
    explanation,
  };
}
