// Step 1 of SPLIT-MODEL.md: the checks before anything is computed. Also guards the shape of
// the inputs, because the engine never throws: a caller passing garbage gets INVALID_INPUT.
import { isCalendarDate } from '../../api/dates';
import { billAmountTooLarge, parseScaled } from '../../api/money';
import type { BillItem, CatalogEntry, Patient, PolicyTable, SplitError, Visit } from './types';


/** A bill line with its decimals parsed (scaled by 10^4) and its catalog entry, if any. */
export interface ParsedItem {
  item: BillItem;
  price: bigint;
  quantity: bigint;
  entry: CatalogEntry | undefined;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFen = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

function invalid(message: string, details?: unknown): SplitError {
  return { code: 'INVALID_INPUT', message, details };
}

/** The catalog as a map, built once per catalog array (tables are immutable once loaded). */
const catalogIndex = new WeakMap<CatalogEntry[], Map<string, CatalogEntry>>();
function catalogMap(catalog: CatalogEntry[]): Map<string, CatalogEntry> {
  let m = catalogIndex.get(catalog);
  if (!m) {
    m = new Map();
    for (const e of catalog) if (!m.has(e.code)) m.set(e.code, e);
    catalogIndex.set(catalog, m);
  }
  return m;
}

function checkShape(table: PolicyTable, patient: Patient, visit: Visit, items: BillItem[]): SplitError | null {
  if (!isObj(table) || !Array.isArray(table.catalog) || !Array.isArray(table.schemes) || typeof table.effectiveFrom !== 'string') {
    return invalid('政策表格式不正确', { field: 'table' });
  }
  if (!isObj(patient) || typeof patient.insuranceType !== 'string' || typeof patient.status !== 'string') {
    return invalid('参保人信息不完整（险种、参保状态）', { field: 'patient' });
  }
  if (!isFen(patient.accountBalance) || patient.accountBalance < 0) {
    return invalid('个人账户余额必须是非负整数（分）', { field: 'patient.accountBalance' });
  }
  if (patient.accumulators !== undefined && !isObj(patient.accumulators)) {
    return invalid('年度累计信息格式不正确', { field: 'patient.accumulators' });
  }
  for (const [k, v] of Object.entries(patient.accumulators ?? {})) {
    const okValue =
      k === 'criticalBurden' || k === 'criticalPaid'
        ? v === undefined || (isFen(v) && v >= 0)
        : isObj(v) && isFen(v.eligible) && v.eligible >= 0 && isFen(v.fundPaid) && v.fundPaid >= 0;
    if (!okValue) return invalid(`年度累计 ${k} 格式不正确`, { field: `patient.accumulators.${k}` });
  }
  if (!isObj(visit) || typeof visit.visitType !== 'string' || !isCalendarDate(visit.date)) {
    return invalid('就诊信息不完整（就诊类型、日期 YYYY-MM-DD）', { field: 'visit' });
  }
  if (!Number.isInteger(visit.hospitalLevel) || visit.hospitalLevel < 1) {
    return invalid('医院等级必须是正整数', { field: 'visit.hospitalLevel' });
  }
  if (visit.diagnoses !== undefined && (!Array.isArray(visit.diagnoses) || !visit.diagnoses.every((d) => typeof d === 'string'))) {
    return invalid('诊断必须是编码列表', { field: 'visit.diagnoses' });
  }
  if (visit.axisStart !== undefined && (!Number.isSafeInteger(visit.axisStart) || visit.axisStart < 0)) {
    return invalid('住院分段起点必须是非负整数（分）', { field: 'visit.axisStart' });
  }
  if (visit.institutionCode !== undefined && typeof visit.institutionCode !== 'string') {
    return invalid('就诊机构编码必须是文字', { field: 'visit.institutionCode' });
  }
  const periods = (v: unknown, key: 'code' | 'institutionCode'): boolean =>
    Array.isArray(v) &&
    v.every((x) => isObj(x) && typeof x[key] === 'string' && isCalendarDate(x.begin) && (x.end === null || isCalendarDate(x.end)) && (key === 'code' || typeof x.bizType === 'string'));
  if (patient.filings !== undefined && !periods(patient.filings, 'code')) {
    return invalid('慢特病备案格式不正确（病种编码、开始日期、结束日期或 null）', { field: 'patient.filings' });
  }
  if (patient.bindings !== undefined && !periods(patient.bindings, 'institutionCode')) {
    return invalid('定点备案格式不正确（业务类型、机构编码、开始日期、结束日期或 null）', { field: 'patient.bindings' });
  }
  if (!Array.isArray(items)) return invalid('收费明细必须是列表', { field: 'items' });
  return null;
}

/** Runs every check; the parsed items when all pass, else the first failing check's error. */
export function checkInputs(
  table: PolicyTable,
  patient: Patient,
  visit: Visit,
  items: BillItem[],
): { ok: true; items: ParsedItem[] } | { ok: false; error: SplitError } {
  const shape = checkShape(table, patient, visit, items);
  if (shape) return { ok: false, error: shape };

  const to = table.effectiveTo ?? null;
  if (visit.date < table.effectiveFrom || (to !== null && visit.date > to)) {
    return {
      ok: false,
      error: {
        code: 'POLICY_NOT_EFFECTIVE',
        message: `就诊日期 ${visit.date} 不在政策表 ${table.version} 的有效期（${table.effectiveFrom} 至 ${to ?? '长期'}）内`,
        details: { date: visit.date, effectiveFrom: table.effectiveFrom, effectiveTo: to },
      },
    };
  }
  if (patient.status !== 'active') {
    return { ok: false, error: { code: 'NOT_INSURED', message: '参保人不在有效参保状态，不能按医保结算', details: { status: patient.status } } };
  }
  if (items.length === 0) return { ok: false, error: invalid('收费明细为空', { field: 'items' }) };

  const catalog = catalogMap(table.catalog);
  const parsed: ParsedItem[] = [];
  const unknown: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!isObj(item) || typeof item.code !== 'string' || item.code === '') {
      return { ok: false, error: invalid(`第 ${i + 1} 行缺少项目编码`, { field: `items[${i}].code` }) };
    }
    const price = parseScaled(item.unitPrice);
    if (price === null) {
      return { ok: false, error: invalid(`第 ${i + 1} 行单价“${String(item.unitPrice)}”不是最多四位小数的数字`, { field: `items[${i}].unitPrice` }) };
    }
    const quantity = parseScaled(item.quantity);
    if (quantity === null || quantity === 0n) {
      return { ok: false, error: invalid(`第 ${i + 1} 行数量“${String(item.quantity)}”必须大于 0 且最多四位小数`, { field: `items[${i}].quantity` }) };
    }
    if (item.ownPay !== undefined && typeof item.ownPay !== 'boolean') {
      return { ok: false, error: invalid(`第 ${i + 1} 行自费标记必须是 true/false`, { field: `items[${i}].ownPay` }) };
    }
    const entry = catalog.get(item.code);
    if (!entry && !item.ownPay) unknown.push(item.code);
    parsed.push({ item, price, quantity, entry });
  }
  // A huge price times a huge quantity: beyond exact integers the split's figures are not money.
  const tooLarge = billAmountTooLarge(items);
  if (tooLarge) return { ok: false, error: tooLarge };
  if (unknown.length) {
    const codes = [...new Set(unknown)];
    return {
      ok: false,
      error: { code: 'UNKNOWN_ITEM', message: `目录中没有以下项目：${codes.join('、')}（可改为自费项目或更新目录后重试）`, details: { codes } },
    };
  }
  return { ok: true, items: parsed };
}

