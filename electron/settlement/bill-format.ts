// Bill files and posts: the documented formats (docs/SETTLEMENT.md), validated with zod.
// PURE: text in, bills or a precise error out. A file is accepted whole or not at all.
import { z } from 'zod';
import { certTypeSchema } from '../api/contract/center';
import { calendarDateSchema } from '../api/dates';
import { AppError } from '../api/result';

/** One limit for every bill file, JSON or CSV, from the CLI or the inbox (issue 14). */
export const MAX_BILLS_PER_FILE = 1000;
/** Bytes of one bill file (4 MiB: a day's export of 1,000 bills is well under 1 MiB). */
export const BILL_FILE_MAX_BYTES = 4 * 1024 * 1024;

const decimal = z.string().regex(/^\d{1,9}(\.\d{1,4})?$/, '应为最多 4 位小数的十进制数字字符串');
const positiveDecimal = decimal.refine((s) => /[1-9]/.test(s), '必须大于 0');

export const billItemSchema = z
  .object({
    code: z.string().trim().min(1).max(50),
    name: z.string().max(200).optional(),
    unitPrice: decimal,
    quantity: positiveDecimal,
    ownPay: z.boolean().optional(),
  })
  .strict();

export const credentialSchema = z
  .object({
    certType: certTypeSchema,
    certNo: z.string().trim().min(1).max(64),
    cardSn: z.string().trim().min(1).max(64).optional(),
  })
  .strict();

export const visitSchema = z
  .object({
    visitType: z.enum(['outpatient', 'chronic', 'inpatient']),
    /** A real calendar day; not after today is checked where the clock is (BillStore.add). */
    date: calendarDateSchema,
    hospitalLevel: z.number().int().min(1).max(3).optional(),
    diagnoses: z.array(z.string().trim().min(1).max(20)).max(20).optional(),
  })
  .strict();

export const billSchema = z
  .object({
    format: z.literal('bill/1').optional(),
    billId: z.string().trim().min(1).max(64).optional(),
    credential: credentialSchema,
    patientName: z.string().max(50).optional(),
    visit: visitSchema,
    useAccount: z.boolean().default(true),
    items: z.array(billItemSchema).min(1).max(500),
  })
  .strict();

export type Bill = z.output<typeof billSchema>;
export type BillItemIn = z.output<typeof billItemSchema>;

/** A JSON bill file: one bill object, or {format:"bill/1", bills:[...]}, or an array of bills. */
export const billFileSchema = z.union([
  billSchema,
  z.array(billSchema).min(1).max(MAX_BILLS_PER_FILE),
  z.object({ format: z.literal('bill/1'), bills: z.array(billSchema).min(1).max(MAX_BILLS_PER_FILE) }).strict(),
]);

/** A key or column name from the file, quoted only when it looks like one (never a name or number). */
function quotable(s: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]{0,39}$/.test(s) ? s : '(非字段名)';
}

/**
 * The first problem, in words that never quote the file's content (issue 14: a refusal's
 * message reaches the log and the note beside the inbox). Paths are made of key names and
 * indexes; unknown keys are quoted only when they look like field names.
 */
function zodMessage(e: z.ZodError): { message: string; path: string } {
  const first = e.issues[0];
  const path = first ? first.path.map((p) => (typeof p === 'number' ? String(p) : quotable(String(p)))).join('.') : '';
  if (!first) return { message: '格式错误', path };
  const text = first.code === 'unrecognized_keys' ? `有未知的键 ${first.keys.map(quotable).join('、')}` : first.message;
  return { message: `${path || '(根)'}：${text}`, path };
}

/** Where JSON.parse stopped, without its quote of the text (V8 quotes the content around it). */
function jsonErrorPlace(e: unknown): string {
  const m = /at position (\d+)(?: \(line (\d+) column (\d+)\))?/.exec(e instanceof Error ? e.message : '');
  if (!m) return '';
  return m[2] ? `（第 ${m[2]} 行第 ${m[3]} 列）` : `（位置 ${m[1]}）`;
}

export function parseBillJson(text: string): Bill[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new AppError('BILL_INVALID', `账单文件不是有效的 JSON${jsonErrorPlace(e)}`, { path: '' });
  }
  return parseBillValue(raw);
}

export function parseBillValue(raw: unknown): Bill[] {
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' && Array.isArray((raw as { bills?: unknown }).bills) ? (raw as { bills: unknown[] }).bills : null;
  if (list && list.length > MAX_BILLS_PER_FILE) {
    throw new AppError('BILL_TOO_MANY', `一个账单文件最多 ${MAX_BILLS_PER_FILE} 张账单（本文件 ${list.length} 张）；请分成多个文件`, { path: '', max: MAX_BILLS_PER_FILE });
  }
  const parsed = billFileSchema.safeParse(raw);
  if (!parsed.success) {
    // Report the error of the single-bill reading when the input looks like one bill.
    const single = billSchema.safeParse(raw);
    const err = !Array.isArray(raw) && !(typeof raw === 'object' && raw && 'bills' in raw) && !single.success ? single.error : parsed.error;
    const { message, path } = zodMessage(err);
    throw new AppError('BILL_INVALID', `账单格式错误：${message}`, { path });
  }
  const v = parsed.data;
  const bills = Array.isArray(v) ? v : 'bills' in v ? v.bills : [v];
  assertUniqueIds(bills);
  return bills;
}

function assertUniqueIds(bills: Bill[]): void {
  const seen = new Set<string>();
  for (const b of bills) {
    if (!b.billId) continue;
    if (seen.has(b.billId)) throw new AppError('BILL_INVALID', `账单号重复：${b.billId}`, { billId: b.billId });
    seen.add(b.billId);
  }
}

// ---- CSV (HIS export) -------------------------------------------------------------------------

export const CSV_COLUMNS = [
  'bill_id',
  'cert_type',
  'cert_no',
  'card_sn',
  'patient_name',
  'visit_type',
  'visit_date',
  'hospital_level',
  'diagnoses',
  'use_account',
  'code',
  'name',
  'unit_price',
  'quantity',
  'own_pay',
] as const;
const REQUIRED = ['bill_id', 'cert_type', 'cert_no', 'visit_type', 'visit_date', 'code', 'unit_price', 'quantity'] as const;
/** Columns that describe the bill, not the line: every row of one bill must agree on them. */
const BILL_LEVEL = ['cert_type', 'cert_no', 'card_sn', 'patient_name', 'visit_type', 'visit_date', 'hospital_level', 'diagnoses', 'use_account'] as const;

/** RFC 4180 rows: quoted fields, doubled quotes, CRLF or LF. */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const s = text.replace(/^\uFEFF/, '');
  while (i < s.length) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
    i++;
  }
  if (quoted) throw new AppError('BILL_INVALID', 'CSV 文件中引号未闭合', { path: `row ${rows.length + 1}` });
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
}

function flag(v: string, rowNo: number, col: string, dflt: boolean): boolean {
  const t = v.trim();
  if (t === '') return dflt;
  if (t === '1' || t.toLowerCase() === 'true' || t === '是') return true;
  if (t === '0' || t.toLowerCase() === 'false' || t === '否') return false;
  throw new AppError('BILL_INVALID', `第 ${rowNo} 行 ${col} 应为 1 或 0`, { path: `row ${rowNo}.${col}` });
}

export function parseBillCsv(text: string): Bill[] {
  const rows = parseCsvRows(text);
  if (rows.length < 2) throw new AppError('BILL_INVALID', 'CSV 账单至少需要表头和一行明细', { path: '' });
  const header = rows[0]!.map((h) => h.trim().toLowerCase());
  for (const r of REQUIRED) {
    if (!header.includes(r)) throw new AppError('BILL_INVALID', `CSV 表头缺少列 ${r}`, { path: 'header', column: r });
  }
  for (const h of header) {
    if (!(CSV_COLUMNS as readonly string[]).includes(h)) throw new AppError('BILL_INVALID', `CSV 表头有未知列 ${quotable(h)}`, { path: 'header', column: quotable(h) });
  }
  const byId = new Map<string, { first: Record<string, string>; firstRow: number; items: unknown[] }>();
  rows.slice(1).forEach((cells, idx) => {
    const rowNo = idx + 2;
    if (cells.length !== header.length) {
      throw new AppError('BILL_INVALID', `第 ${rowNo} 行有 ${cells.length} 列，表头有 ${header.length} 列`, { path: `row ${rowNo}` });
    }
    const rec: Record<string, string> = {};
    header.forEach((h, i) => (rec[h] = cells[i]!.trim()));
    const id = rec['bill_id']!;
    if (!id) throw new AppError('BILL_INVALID', `第 ${rowNo} 行缺少 bill_id`, { path: `row ${rowNo}.bill_id` });
    let g = byId.get(id);
    if (!g) {
      if (byId.size >= MAX_BILLS_PER_FILE) {
        throw new AppError('BILL_TOO_MANY', `一个账单文件最多 ${MAX_BILLS_PER_FILE} 张账单（第 ${rowNo} 行起超出）；请分成多个文件`, { path: `row ${rowNo}`, max: MAX_BILLS_PER_FILE });
      }
      g = { first: rec, firstRow: rowNo, items: [] };
      byId.set(id, g);
    } else {
      for (const col of BILL_LEVEL) {
        if ((rec[col] ?? '') !== (g.first[col] ?? '')) {
          throw new AppError('BILL_INVALID', `第 ${rowNo} 行的 ${col} 与第 ${g.firstRow} 行（同一账单 ${id}）不一致`, { path: `row ${rowNo}.${col}` });
        }
      }
    }
    g.items.push({
      code: rec['code'],
      ...(rec['name'] ? { name: rec['name'] } : {}),
      unitPrice: rec['unit_price'],
      quantity: rec['quantity'],
      ...(flag(rec['own_pay'] ?? '', rowNo, 'own_pay', false) ? { ownPay: true } : {}),
    });
  });
  const bills: Bill[] = [];
  for (const [id, g] of byId) {
    const f = g.first;
    const level = f['hospital_level'] ?? '';
    const diagnoses = (f['diagnoses'] ?? '').split(/[;；|]/).map((d) => d.trim()).filter(Boolean);
    const raw = {
      billId: id,
      credential: { certType: f['cert_type'], certNo: f['cert_no'], ...(f['card_sn'] ? { cardSn: f['card_sn'] } : {}) },
      ...(f['patient_name'] ? { patientName: f['patient_name'] } : {}),
      visit: {
        visitType: f['visit_type'],
        date: f['visit_date'],
        ...(level ? { hospitalLevel: /^\d+$/.test(level) ? Number(level) : level } : {}),
        ...(diagnoses.length ? { diagnoses } : {}),
      },
      useAccount: flag(f['use_account'] ?? '', g.firstRow, 'use_account', true),
      items: g.items,
    };
    const parsed = billSchema.safeParse(raw);
    if (!parsed.success) {
      const { message, path } = zodMessage(parsed.error);
      throw new AppError('BILL_INVALID', `账单 ${id}（第 ${g.firstRow} 行起）格式错误：${message}`, { path: `bill ${id}.${path}` });
    }
    bills.push(parsed.data);
  }
  return bills;
}

/** Decode file bytes: UTF-8 (with or without BOM); HIS exports in GBK are decoded as such. */
export function parseBillFile(name: string, text: string): Bill[] {
  if (/\.csv$/i.test(name)) return parseBillCsv(text);
  if (/\.json$/i.test(name)) return parseBillJson(text);
  throw new AppError('BILL_INVALID', `不支持的账单文件类型（只接受 .json 或 .csv）：${name}`, { path: name });
}
