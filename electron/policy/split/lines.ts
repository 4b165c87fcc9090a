// Steps 2–4 of SPLIT-MODEL.md: each bill line's amount, class and split.
import type { ParsedItem } from './check';
import { parseScaled, roundHalfUp, SCALE, scaledLineFen } from '../../api/money';
import type { CatalogClass, Patient, Restriction, SplitError, SplitLine, Visit } from './types';

/** A computed line with what the explanation needs. */
export interface LineOut extends SplitLine {
  name: string;
  /** Scaled ×10^4; set for B lines. */
  ratio?: bigint;
  /** Which restriction condition failed, for the explanation. */
  failedCondition?: keyof Restriction;
  /** The filed disease whose item list this line is not on (reason 'disease'). */
  diseaseName?: string;
}

/**
 * Extension (docs/SPLIT.md): in a chronic visit, an in-policy line not on the filed disease's
 * item list is paid by the patient in full (class C, reason 'disease') — not by the ordinary
 * outpatient rules, which a chronic visit does not use.
 */
export function notForDisease(l: LineOut, diseaseName: string): LineOut {
  return { code: l.code, class: 'C', amount: l.amount, fullOwnPay: l.amount, overLimitSelfPay: 0, preSelfPay: 0, eligible: 0, name: l.name, reason: 'disease', diseaseName };
}

/** The first condition of the restriction that does not hold, or null when all hold. */
export function failedRestriction(r: Restriction, patient: Patient, visit: Visit): keyof Restriction | null {
  if (r.insuranceTypes && !r.insuranceTypes.includes(patient.insuranceType)) return 'insuranceTypes';
  if (r.visitTypes && !r.visitTypes.includes(visit.visitType)) return 'visitTypes';
  if (r.minHospitalLevel !== undefined && !(visit.hospitalLevel >= r.minHospitalLevel)) return 'minHospitalLevel';
  if (r.diagnosisPrefixes) {
    const prefixes = r.diagnosisPrefixes;
    if (!(visit.diagnoses ?? []).some((d) => prefixes.some((p) => d.startsWith(p)))) return 'diagnosisPrefixes';
  }
  return null;
}

export function splitLine(p: ParsedItem, patient: Patient, visit: Visit): LineOut | SplitError {
  const { item, entry, price, quantity } = p;
  const amount = scaledLineFen(price, quantity);
  const name = entry?.name ?? item.code;
  const own = (cls: CatalogClass, reason?: SplitLine['reason'], failedCondition?: keyof Restriction): LineOut => {
    const line: LineOut = { code: item.code, class: cls, amount, fullOwnPay: amount, overLimitSelfPay: 0, preSelfPay: 0, eligible: 0, name };
    if (reason) line.reason = reason;
    if (failedCondition) line.failedCondition = failedCondition;
    return line;
  };
  if (item.ownPay) return own('C', 'ownPay');
  if (!entry) return { code: 'UNKNOWN_ITEM', message: `目录中没有项目 ${item.code}`, details: { codes: [item.code] } };
  if (entry.class === 'C') return own('C');
  if (entry.restriction) {
    const failed = failedRestriction(entry.restriction, patient, visit);
    if (failed) return own('C', 'restriction', failed);
  }
  if (entry.class !== 'A' && entry.class !== 'B') {
    return { code: 'INVALID_INPUT', message: `目录项 ${entry.code} 的类别“${String(entry.class)}”无效`, details: { field: 'catalog.class', code: entry.code } };
  }

  let overLimitSelfPay = 0;
  if (entry.priceCap !== undefined) {
    const cap = parseScaled(entry.priceCap);
    if (cap === null) return { code: 'INVALID_INPUT', message: `目录项 ${entry.code} 的限价格式无效`, details: { field: 'catalog.priceCap', code: entry.code } };
    if (price > cap) overLimitSelfPay = scaledLineFen(price - cap, quantity);
  }
  const base = amount - overLimitSelfPay;
  let preSelfPay = 0;
  let ratio: bigint | undefined;
  if (entry.class === 'B') {
    const raw = entry.selfPayRatioByInsuranceType?.[patient.insuranceType] ?? entry.selfPayRatio;
    ratio = parseScaled(raw) ?? undefined;
    if (ratio === undefined || ratio > SCALE) {
      return { code: 'INVALID_INPUT', message: `乙类目录项 ${entry.code} 缺少有效的先行自付比例`, details: { field: 'catalog.selfPayRatio', code: entry.code } };
    }
    preSelfPay = Number(roundHalfUp(BigInt(base) * ratio, SCALE));
  }
  const line: LineOut = { code: item.code, class: entry.class, amount, fullOwnPay: 0, overLimitSelfPay, preSelfPay, eligible: base - preSelfPay, name };
  if (ratio !== undefined) line.ratio = ratio;
  return line;
}
