// Steps 6–8 of SPLIT-MODEL.md: the scheme, the deductible, the pooled fund's bands and cap,
// and the critical-illness layer. Amounts are positions on an axis of in-policy fen; each
// band's share is exact (fen × ratio scaled 10^4) and the sum is rounded once.
import { parseScaled, roundHalfUp, SCALE } from '../../api/money';
import type { Accumulators, Patient, Scheme, SplitError, Visit } from './types';

/** One band's part of this bill: the fen it covers and its ratio (scaled 10^4). */
export interface BandShare {
  from: number;
  to: number | null;
  ratio: bigint;
  length: number;
}

export interface FundOut {
  per: 'year' | 'visit';
  deductibleAmount: number;
  /** What was left of the deductible before this bill. */
  deductibleRemaining: number;
  deductible: number;
  fundRaw: number;
  fundPay: number;
  coPay: number;
  overCapSelfPay: number;
  capRemaining: number | null;
  shares: BandShare[];
}

export interface CriticalOut {
  burden: number;
  threshold: number;
  startsAt: number;
  raw: number;
  pay: number;
  capRemaining: number | null;
  shares: BandShare[];
}

const overlap = (a: number, b: number, c: number, d: number): number => Math.max(0, Math.min(b, d) - Math.max(a, c));

export function findScheme(schemes: Scheme[], patient: Patient, visit: Visit): Scheme | SplitError {
  const s = schemes.find(
    (x) =>
      x.match.insuranceType === patient.insuranceType &&
      x.match.visitType === visit.visitType &&
      (x.match.personGroup === undefined || x.match.personGroup === patient.personGroup),
  );
  return (
    s ?? {
      code: 'NO_SCHEME',
      message: `政策表中没有适用于该参保人（${patient.insuranceType}/${patient.personGroup}）${visit.visitType} 就诊的待遇方案`,
      details: { insuranceType: patient.insuranceType, personGroup: patient.personGroup, visitType: visit.visitType },
    }
  );
}

export function accumulatorOf(acc: Accumulators | undefined, key: string): { eligible: number; fundPaid: number } {
  const v = acc?.[key];
  return typeof v === 'object' && v !== null ? { eligible: v.eligible, fundPaid: v.fundPaid } : { eligible: 0, fundPaid: 0 };
}

const noLevel = (what: string, level: number): SplitError => ({
  code: 'NO_RATIO_FOR_LEVEL',
  message: `待遇方案未规定 ${level} 级医院的${what}`,
  details: { hospitalLevel: level, what },
});
const badPolicy = (field: string): SplitError => ({ code: 'INVALID_INPUT', message: `政策表字段 ${field} 无效`, details: { field } });

/** Bands sorted by `from` with their ratios for this level, or the error. */
function bandRatios(bands: { from: number; ratio?: string; ratioByLevel?: Record<string, string> }[], level: number, field: string): { from: number; ratio: bigint }[] | SplitError {
  if (!Array.isArray(bands) || bands.length === 0) return badPolicy(field);
  const out: { from: number; ratio: bigint }[] = [];
  for (const b of [...bands].sort((x, y) => x.from - y.from)) {
    if (!Number.isSafeInteger(b.from) || b.from < 0) return badPolicy(`${field}.from`);
    const raw = b.ratio ?? b.ratioByLevel?.[String(level)];
    if (raw === undefined) return noLevel('报销比例', level);
    const ratio = parseScaled(raw);
    if (ratio === null || ratio > SCALE) return badPolicy(`${field}.ratio`);
    out.push({ from: b.from, ratio });
  }
  return out;
}

/** Σ over bands of |band ∩ [start, end)| × ratio, exact, then rounded once. */
function shareAlong(bands: { from: number; ratio: bigint }[], start: number, end: number): { raw: number; shares: BandShare[] } {
  let sum = 0n;
  const shares: BandShare[] = [];
  for (let k = 0; k < bands.length; k++) {
    const from = bands[k]!.from;
    const next = bands[k + 1]?.from;
    const length = overlap(from, next ?? Number.MAX_SAFE_INTEGER, start, end);
    if (length > 0) {
      sum += BigInt(length) * bands[k]!.ratio;
      shares.push({ from, to: next ?? null, ratio: bands[k]!.ratio, length });
    }
  }
  return { raw: Number(roundHalfUp(sum, SCALE)), shares };
}

export function computeFund(scheme: Scheme, patient: Patient, visit: Visit, eligible: number): FundOut | SplitError {
  const acc = accumulatorOf(patient.accumulators, scheme.accumulator);
  const ded = scheme.deductible;
  if (!ded || (ded.per !== 'year' && ded.per !== 'visit')) return badPolicy('deductible.per');
  const D = ded.amount ?? ded.byLevel?.[String(visit.hospitalLevel)];
  if (D === undefined) return ded.byLevel ? noLevel('起付线', visit.hospitalLevel) : badPolicy('deductible.amount');
  if (!Number.isSafeInteger(D) || D < 0) return badPolicy('deductible.amount');
  const bands = bandRatios(scheme.bands, visit.hospitalLevel, 'bands');
  if (!Array.isArray(bands)) return bands;

  // A stay split in parts (issue 19) continues its per-visit axis where the earlier part ended.
  const P0 = ded.per === 'year' ? acc.eligible : Math.max(0, visit.axisStart ?? 0);
  const P1 = P0 + eligible;
  const deductible = overlap(P0, P1, 0, D);
  const { raw: fundRaw, shares } = shareAlong(bands, Math.max(P0, D), P1);
  let capRemaining: number | null = null;
  let fundPay = fundRaw;
  if (scheme.annualCap !== undefined) {
    if (!Number.isSafeInteger(scheme.annualCap) || scheme.annualCap < 0) return badPolicy('annualCap');
    capRemaining = Math.max(0, scheme.annualCap - acc.fundPaid);
    fundPay = Math.min(fundRaw, capRemaining);
  }
  return {
    per: ded.per,
    deductibleAmount: D,
    deductibleRemaining: Math.max(0, D - P0),
    deductible,
    fundRaw,
    fundPay,
    coPay: eligible - deductible - fundRaw,
    overCapSelfPay: fundRaw - fundPay,
    capRemaining,
    shares,
  };
}

export function computeCritical(scheme: Scheme, patient: Patient, visit: Visit, burden: number): CriticalOut | null | SplitError {
  const ci = scheme.criticalIllness;
  if (!ci) return null;
  if (!Number.isSafeInteger(ci.threshold) || ci.threshold < 0) return badPolicy('criticalIllness.threshold');
  const bands = bandRatios(ci.bands, visit.hospitalLevel, 'criticalIllness.bands');
  if (!Array.isArray(bands)) return bands;
  const Q0 = patient.accumulators?.criticalBurden ?? 0;
  const { raw, shares } = shareAlong(bands, Math.max(Q0, ci.threshold), Q0 + burden);
  let pay = raw;
  let capRemaining: number | null = null;
  if (ci.annualCap !== undefined) {
    if (!Number.isSafeInteger(ci.annualCap) || ci.annualCap < 0) return badPolicy('criticalIllness.annualCap');
    capRemaining = Math.max(0, ci.annualCap - (patient.accumulators?.criticalPaid ?? 0));
    pay = Math.min(raw, capRemaining);
  }
  return { burden, threshold: ci.threshold, startsAt: Q0, raw, pay, capRemaining, shares };
}
