// A policy catalog entry from a code's national rows (PURE): 1312 gives the name, class
// (chrgitm_lv 01 甲 → A, 02 乙 → B, 03 丙 → C), kind (list_type) and the restriction; 1318 the
// price cap; 1319 the self-pay ratio per person type. Of the caps and ratios, the row in force on
// the sync date counts (vali_flag 1, begndate ≤ date ≤ enddate; the latest begndate wins). The
// entry is then checked by the policy schema like any other (a 乙 item without a ratio is refused
// there, naming the code). Person type "0" is everyone (selfPayRatio); another is the national
// insurance type code (310 职工, 390 居民…), read as the split model's insurance type
// (selfPayRatioByInsuranceType), so the engine needs nothing new.
import type { CatalogEntry, CatalogKind, Restriction } from './split/types';

const CLASS: Record<string, CatalogEntry['class']> = { '01': 'A', '02': 'B', '03': 'C' };

function kindOf(listType: unknown): CatalogKind {
  if (listType === '101' || listType === '102' || listType === '103') return 'drug';
  if (listType === '301') return 'material';
  return 'service';
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function inForce(row: Record<string, unknown>, date: string): boolean {
  if (row.vali_flag !== '1') return false;
  const from = str(row.begndate);
  const to = str(row.enddate);
  return (!from || from <= date) && (!to || to >= date);
}

/** The row in force on `date` among several for one key: the latest begndate. */
function current(rows: Record<string, unknown>[], date: string): Record<string, unknown> | undefined {
  return rows.filter((r) => inForce(r, date)).sort((a, b) => (str(b.begndate) ?? '').localeCompare(str(a.begndate) ?? ''))[0];
}

/** The split model's insurance type for a 1319 person type (the national insutype code). */
export type InsuranceTypeOf = (insutype: string) => string;

/**
 * The entry, or null when the code has no valid 1312 row (it is not in the catalogue now). A
 * restriction that is not an object is passed on as is, for the policy schema to refuse.
 */
export function entryFromNationalRows(
  rows: { code: string; main: Record<string, unknown> | null; caps: Record<string, unknown>[]; ratios: Record<string, unknown>[] },
  date: string,
  insuranceTypeOf: InsuranceTypeOf,
): CatalogEntry | null {
  const m = rows.main;
  if (!m || !inForce(m, date)) return null;
  const e: CatalogEntry = { code: rows.code, name: String(m.hilist_name), kind: kindOf(m.list_type), class: CLASS[String(m.chrgitm_lv)] ?? 'C' };
  const spec = str(m.spec);
  const unit = str(m.prcunt);
  if (spec) e.spec = spec;
  if (unit) e.unit = unit.slice(0, 32);
  const cap = current(rows.caps, date);
  if (cap) e.priceCap = String(cap.hilist_pric_uplmt_amt);
  const byType = new Map<string, Record<string, unknown>[]>();
  for (const r of rows.ratios) {
    const t = String(r.selfpay_prop_psn_type);
    byType.set(t, [...(byType.get(t) ?? []), r]);
  }
  const byInsurance: Record<string, string> = {};
  for (const [type, list] of byType) {
    const r = current(list, date);
    if (!r) continue;
    if (type === '0') e.selfPayRatio = String(r.selfpay_prop);
    else byInsurance[insuranceTypeOf(type)] = String(r.selfpay_prop);
  }
  if (Object.keys(byInsurance).length) e.selfPayRatioByInsuranceType = byInsurance;
  if (m.lmt_used_flag === '1' && str(m.exp_content)) {
    const restriction = restrictionOf(String(m.exp_content));
    if (restriction !== undefined) e.restriction = restriction as Restriction;
  }
  return e;
}

function restrictionOf(exp: string): unknown {
  try {
    const v = JSON.parse(exp) as { restriction?: unknown };
    return typeof v === 'object' && v !== null ? v.restriction : exp;
  } catch {
    return exp;
  }
}

/** Same entry (field order aside): an unchanged code is left out of the delta. */
export function sameEntry(a: CatalogEntry | null, b: CatalogEntry | null): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
}
