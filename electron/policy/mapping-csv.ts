// The HIS's item list as CSV (PURE): one clinic item a line, mapped or not. Headers in English or
// Chinese, in any order: clinic_code/院内编码, name/名称, spec/规格, unit/单位,
// national_code/医保编码 (optional; empty = not mapped yet). RFC 4180 quoting; a UTF-8 BOM is
// ignored. Every bad line is reported with its line number, field and a code; the caller
// applies nothing unless there are none.
export interface MappingCsvRow {
  line: number;
  clinicCode: string;
  name: string;
  spec: string | null;
  unit: string | null;
  nationalCode: string | null;
}

export interface MappingCsvError {
  line: number;
  code: 'CSV_HEADER' | 'CSV_FIELDS' | 'CODE_INVALID' | 'NAME_MISSING' | 'TEXT_INVALID' | 'DUPLICATE' | 'NATIONAL_UNKNOWN';
  field?: string;
  message: string;
}

const HEADERS: Record<string, keyof Omit<MappingCsvRow, 'line'>> = {
  clinic_code: 'clinicCode', 院内编码: 'clinicCode', 医院编码: 'clinicCode',
  name: 'name', 名称: 'name', 项目名称: 'name',
  spec: 'spec', 规格: 'spec',
  unit: 'unit', 单位: 'unit',
  national_code: 'nationalCode', 医保编码: 'nationalCode', 国家编码: 'nationalCode',
};

export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
export const MAX_CSV_LINES = 50_000;

/** Split CSV text into records of fields, with the line each record starts on. */
export function parseCsv(text: string): { line: number; fields: string[] }[] | { error: string; line: number } {
  const s = text.replace(/^\uFEFF/, '');
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      fields.push(field);
      if (fields.length > 1 || fields[0] !== '') out.push({ line: start, fields });
      fields = [];
      field = '';
      line++;
      start = line;
    } else field += c;
  }
  if (quoted) return { error: '引号未闭合', line: start };
  fields.push(field);
  if (fields.length > 1 || fields[0] !== '') out.push({ line: start, fields });
  return out;
}

/** Rows and errors of a mapping CSV; `isNational` says whether a national code is in the catalogue in force. */
export function readMappingCsv(text: string, isNational: (code: string) => boolean): { rows: MappingCsvRow[]; errors: MappingCsvError[] } {
  const records = parseCsv(text);
  if (!Array.isArray(records)) return { rows: [], errors: [{ line: records.line, code: 'CSV_FIELDS', message: records.error }] };
  if (records.length === 0) return { rows: [], errors: [{ line: 1, code: 'CSV_HEADER', message: '文件是空的：第一行应为表头（院内编码,名称,规格,单位,医保编码）' }] };
  if (records.length > MAX_CSV_LINES + 1) return { rows: [], errors: [{ line: MAX_CSV_LINES + 2, code: 'CSV_FIELDS', message: `一次最多导入 ${MAX_CSV_LINES} 行` }] };
  const header = records[0]!.fields.map((h) => HEADERS[h.trim().toLowerCase()] ?? HEADERS[h.trim()]);
  const missing = (['clinicCode', 'name'] as const).filter((k) => !header.includes(k));
  if (missing.length) return { rows: [], errors: [{ line: 1, code: 'CSV_HEADER', message: `表头缺少：${missing.map((k) => (k === 'clinicCode' ? '院内编码(clinic_code)' : '名称(name)')).join('、')}` }] };
  const rows: MappingCsvRow[] = [];
  const errors: MappingCsvError[] = [];
  const seen = new Map<string, number>();
  for (const rec of records.slice(1)) {
    if (rec.fields.length !== header.length) {
      errors.push({ line: rec.line, code: 'CSV_FIELDS', message: `应有 ${header.length} 列，实为 ${rec.fields.length} 列` });
      continue;
    }
    const v: Partial<Record<keyof Omit<MappingCsvRow, 'line'>, string>> = {};
    header.forEach((k, i) => {
      if (k) v[k] = rec.fields[i]!.trim();
    });
    const bad = (code: MappingCsvError['code'], field: string, message: string) => errors.push({ line: rec.line, code, field, message });
    const clinicCode = v.clinicCode ?? '';
    if (!CODE_PATTERN.test(clinicCode)) {
      bad('CODE_INVALID', 'clinic_code', `院内编码“${clinicCode.slice(0, 20)}”不正确（字母、数字和 . _ -，最长 50）`);
      continue;
    }
    const name = v.name ?? '';
    if (!name) {
      bad('NAME_MISSING', 'name', '名称不能为空');
      continue;
    }
    const texts: [string, string | undefined, number][] = [['name', name, 200], ['spec', v.spec, 200], ['unit', v.unit, 32]];
    const badText = texts.find(([, t, max]) => t !== undefined && (t.length > max || CONTROL.test(t)));
    if (badText) {
      bad('TEXT_INVALID', badText[0], `${badText[0]} 含控制字符或超过 ${badText[2]} 字`);
      continue;
    }
    const nationalCode = v.nationalCode ? v.nationalCode : null;
    if (nationalCode !== null && (!CODE_PATTERN.test(nationalCode) || !isNational(nationalCode))) {
      bad('NATIONAL_UNKNOWN', 'national_code', `医保编码 ${nationalCode.slice(0, 50)} 不在当前医保目录中`);
      continue;
    }
    const first = seen.get(clinicCode);
    if (first !== undefined) {
      bad('DUPLICATE', 'clinic_code', `院内编码 ${clinicCode} 与第 ${first} 行重复`);
      continue;
    }
    seen.set(clinicCode, rec.line);
    rows.push({ line: rec.line, clinicCode, name, spec: v.spec || null, unit: v.unit || null, nationalCode });
  }
  return { rows, errors };
}
