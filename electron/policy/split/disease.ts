// Project extension of SPLIT-MODEL.md (issue 17, docs/SPLIT.md "Chronic-disease visits and
// clinic binding"): which filed disease's rules a chronic visit (med_type 14) is split by, and
// whether a scheme's pooled fund pays at this clinic (5302 binding). PURE.
import type { DiseaseRule, Patient, PatientBinding, PatientFiling, PolicyTable, Scheme, SplitError, Visit } from './types';

export interface DiseaseChoice {
  rule: DiseaseRule;
  filing: PatientFiling;
}

/** Why the fund pays nothing here; null = it pools as usual. */
export interface NotPooled {
  reason: 'elsewhere' | 'none';
  /** The clinic the person is bound to (name, else code), when elsewhere. */
  boundTo: string | null;
}

const inForce = (p: { begin: string; end: string | null }, day: string): boolean => p.begin <= day && (p.end === null || p.end >= day);

/** A diagnosis names a filing when it is the filed code or a finer ICD-10 code under it (E11 → E11.900). */
const names = (diagnosis: string, filing: PatientFiling): boolean => diagnosis === filing.code || diagnosis.startsWith(filing.code);

const listOf = (fs: PatientFiling[]): string => fs.map((f) => (f.name ? `${f.code} ${f.name}` : f.code)).join('、');

/**
 * The disease a chronic visit is split by: the first diagnosis (in the visit's order, the main
 * one first) that names a filing valid on the visit date, and that disease's rule for the
 * patient's insurance type. null when the table has no disease rules or the visit is not
 * chronic (the model's plain scheme applies).
 */
export function chooseDisease(table: PolicyTable, patient: Patient, visit: Visit): DiseaseChoice | null | SplitError {
  const rules = table.diseaseRules ?? [];
  if (visit.visitType !== 'chronic' || rules.length === 0) return null;
  const diagnoses = visit.diagnoses ?? [];
  if (patient.filings === undefined) {
    return {
      code: 'CHRONIC_NOT_FILED',
      message: '不知道参保人的慢特病备案（医保中心未答复，本机也没有缓存）：不能按门诊慢特病结算，请联网后重试或改为普通门诊',
      details: { reason: 'unknown', diagnoses },
    };
  }
  const valid = patient.filings.filter((f) => inForce(f, visit.date));
  let filing: PatientFiling | undefined;
  for (const d of diagnoses) {
    filing = valid.find((f) => names(d, f));
    if (filing) break;
  }
  if (!filing) {
    const filed = valid.length ? `参保人在 ${visit.date} 有效的备案病种为：${listOf(valid)}` : `参保人在 ${visit.date} 没有有效的慢特病备案`;
    const given = diagnoses.length ? `本次诊断 ${diagnoses.join('、')} 不是已备案病种` : '本次没有填写诊断';
    return {
      code: 'CHRONIC_NOT_FILED',
      message: `门诊慢特病就诊须以已备案的病种作为诊断：${given}；${filed}。请核对诊断，或改为普通门诊`,
      details: { reason: valid.length ? 'diagnosis' : 'none', diagnoses, filed: valid.map((f) => f.code) },
    };
  }
  const rule = rules.find((r) => r.code === filing.code && (r.insuranceTypes === undefined || r.insuranceTypes.includes(patient.insuranceType)));
  if (!rule) {
    return {
      code: 'CHRONIC_NO_RULE',
      message: `政策表中没有病种 ${filing.code}${filing.name ? ` ${filing.name}` : ''} 对${patient.insuranceType}参保人的待遇规则：请同步政策表，或改为普通门诊`,
      details: { disease: filing.code, insuranceType: patient.insuranceType },
    };
  }
  return { rule, filing };
}

/** The matched scheme with the disease's own deductible, bands, annual cap and accumulator (account, critical illness and binding stay the scheme's). */
export function schemeForDisease(scheme: Scheme, rule: DiseaseRule): Scheme {
  const { annualCap: _schemeCap, ...rest } = scheme;
  void _schemeCap;
  const s: Scheme = { ...rest, accumulator: rule.accumulator, deductible: rule.deductible, bands: rule.bands };
  if (rule.annualCap !== undefined) s.annualCap = rule.annualCap;
  return s;
}

/** Codes paid under the disease; null = every in-policy item. */
export function eligibleSet(choice: DiseaseChoice | null): ReadonlySet<string> | null {
  return choice?.rule.eligibleItems ? new Set(choice.rule.eligibleItems) : null;
}

/**
 * Whether the scheme's fund pays at this clinic. Only schemes with `bindingRequired` ask; bindings
 * not known (undefined: the center never answered and nothing is cached) pool as usual — the
 * center's own split decides on upload — and the explanation says so (bindingUnknown).
 */
export function poolingAt(scheme: Scheme, patient: Patient, visit: Visit): NotPooled | 'pooled' | 'unknown' {
  const biz = scheme.bindingRequired;
  if (biz === undefined) return 'pooled';
  if (patient.bindings === undefined) return 'unknown';
  const valid = patient.bindings.filter((b: PatientBinding) => b.bizType === biz && inForce(b, visit.date));
  if (visit.institutionCode !== undefined && valid.some((b) => b.institutionCode === visit.institutionCode)) return 'pooled';
  const other = valid[0];
  return other ? { reason: 'elsewhere', boundTo: other.institutionName || other.institutionCode } : { reason: 'none', boundTo: null };
}
