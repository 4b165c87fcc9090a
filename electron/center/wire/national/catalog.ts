// The national catalogue queries (NATIONAL-PLATFORM.md "Catalogue transactions"): 1312 the
// catalogue, 1318 price caps, 1319 self-pay ratios by person type — each paged (`page_num`,
// `page_size`) and incremental by `updt_time`. PURE: the inputs we send and the checks every
// answer page passes before anything of it is kept. A page that fails is refused whole, with
// the page and the row named, and nothing of it is stored (center/national/catalog-sync.ts).
import { z } from 'zod';
import { decimalToScaled, ratioFromWire } from './decimal';

export const CATALOG_INFNOS = ['1312', '1318', '1319'] as const;
export type CatalogInfno = (typeof CATALOG_INFNOS)[number];

/** Rows per page we ask for; a center may send fewer, never more. */
export const CATALOG_PAGE_SIZE = 500;
/** The largest page_size a center may claim (a page bigger than this is hostile, not generous). */
export const CATALOG_MAX_PAGE_SIZE = 1000;

/** 'yyyy-MM-dd HH:mm:ss' (the national datetime); text order is time order. */
const DATETIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])( 00:00:00)?$/;
/** A national list code: letters, digits and a few separators; never spaces, quotes or controls. */
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/;

export const updtTime = z.string().regex(DATETIME, '应为 yyyy-MM-dd HH:mm:ss');
const date = z.string().regex(DATE, '应为 yyyy-MM-dd').transform((s) => s.slice(0, 10));
const optDate = z.union([date, z.null(), z.literal('')]).optional().transform((s) => (s ? s : null));
const code = z.string().regex(CODE, '目录编码只能含字母、数字和 . _ -（最长 50）');
const flag = z.enum(['0', '1']);
/** Names and specs are shown on screens and receipts: printable text, no control characters. */
const printable = (max: number) => z.string().max(max).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), '含控制字符');
const optText = (max: number) => z.union([printable(max), z.null()]).optional().transform((s) => s ?? null);

/** A price cap (yuan): up to 4 places kept exactly (the policy table's precision), never negative. */
const priceCap = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const scaled = decimalToScaled(v, 4);
  if (scaled === null || scaled < 0 || scaled > 999_999_999_999) {
    ctx.addIssue({ code: 'custom', message: '限价应为非负金额（最多四位小数）' });
    return z.NEVER;
  }
  return scaledToDecimal(scaled);
});

const ratio = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const r = ratioFromWire(v);
  if (r === null || Number(r) > 1) {
    ctx.addIssue({ code: 'custom', message: '自付比例应为 0–1 的小数（最多四位）' });
    return z.NEVER;
  }
  return r.replace(/0+$/, '').replace(/\.$/, '');
});

function scaledToDecimal(scaled: number): string {
  const s = String(scaled).padStart(5, '0');
  const frac = s.slice(-4).replace(/0+$/, '');
  return frac ? `${s.slice(0, -4)}.${frac}` : s.slice(0, -4);
}

/** 1312 医保目录信息: one national list entry. */
export const row1312 = z.object({
  hilist_code: code,
  hilist_name: printable(200).refine((s) => s.trim().length > 0, '名称不能为空'),
  /** 01 甲 / 02 乙 / 03 丙. */
  chrgitm_lv: z.enum(['01', '02', '03']),
  /** 101 西药中成药, 102 中药饮片, 201 医疗服务项目, 301 医用耗材 (others read as a service). */
  list_type: z.string().regex(/^\d{3}$/, '目录类别应为 3 位数字'),
  med_chrgitm_type: optText(10),
  lmt_used_flag: flag.optional().default('0'),
  spec: optText(200),
  /** Pricing unit (计价单位). */
  prcunt: optText(32),
  /** Extension: the use restriction as JSON when lmt_used_flag is 1 (checked by the policy schema). */
  exp_content: optText(2000),
  begndate: optDate,
  enddate: optDate,
  vali_flag: flag,
  updt_time: updtTime,
});

/** 1318 医保目录限价信息: one price cap. */
export const row1318 = z.object({
  hilist_code: code,
  hilist_lmtpric_type: optText(10),
  overlmt_dspo_way: optText(10),
  hilist_pric_uplmt_amt: priceCap,
  begndate: optDate,
  enddate: optDate,
  vali_flag: flag,
  updt_time: updtTime,
});

/** 1319 医保目录先自付比例信息: one ratio for one person type ("0" = everyone). */
export const row1319 = z.object({
  hilist_code: code,
  selfpay_prop_psn_type: z.string().regex(/^\d{1,6}$/, '人员类别应为数字代码'),
  selfpay_prop_type: optText(10),
  selfpay_prop: ratio,
  begndate: optDate,
  enddate: optDate,
  vali_flag: flag,
  updt_time: updtTime,
});

export type Row1312 = z.output<typeof row1312>;
export type Row1318 = z.output<typeof row1318>;
export type Row1319 = z.output<typeof row1319>;
export type CatalogRow = Row1312 | Row1318 | Row1319;

const ROW_SCHEMAS = { '1312': row1312, '1318': row1318, '1319': row1319 } as const;

/** The key a row replaces its earlier versions by: a code, or a code and a person type. */
export function rowKey(infno: CatalogInfno, row: CatalogRow): string {
  return infno === '1319' ? `${row.hilist_code}|${(row as Row1319).selfpay_prop_psn_type}` : row.hilist_code;
}

/** The input of one page: everything changed at or after `since` (null = from the beginning). */
export function catalogPageInput(since: string | null, pageNum: number, pageSize = CATALOG_PAGE_SIZE) {
  return { data: { updt_time: since ?? '1970-01-01 00:00:00', page_num: pageNum, page_size: pageSize, vali_flag: '' } };
}

export const catalogPageInputSchema = z.object({
  data: z.object({
    updt_time: updtTime.optional(),
    page_num: z.number().int().min(1),
    page_size: z.number().int().min(1).max(CATALOG_MAX_PAGE_SIZE),
    hilist_code: z.string().max(50).optional(),
  }).passthrough(),
});

const int = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,9}$/).transform(Number)]);

const pageShape = z.object({
  data: z.array(z.unknown()),
  pageNum: int,
  pageSize: int,
  recordCounts: int,
  pages: int,
});

export interface CatalogPage {
  rows: CatalogRow[];
  pageNum: number;
  pages: number;
  recordCounts: number;
}

export type PageCheck = { ok: true; page: CatalogPage } | { ok: false; reason: string; row?: number; field?: string };

/**
 * Check one answer page against what was asked. Refused whole when the paging does not add up
 * (another page than asked, more rows than the page size, a row count that cannot be, rows
 * beyond the last page) or any row is bad (its index and field named).
 */
export function checkCatalogPage(infno: CatalogInfno, asked: { pageNum: number; pageSize: number }, output: unknown): PageCheck {
  const shape = pageShape.safeParse(output);
  if (!shape.success) {
    const i = shape.error.issues[0]!;
    return { ok: false, reason: `分页字段不正确：${i.path.join('.') || '(整体)'} ${i.message}`, field: i.path.join('.') };
  }
  const p = shape.data;
  if (p.pageNum !== asked.pageNum) return { ok: false, reason: `请求第 ${asked.pageNum} 页，应答却是第 ${p.pageNum} 页`, field: 'pageNum' };
  if (p.data.length > asked.pageSize || p.data.length > CATALOG_MAX_PAGE_SIZE) return { ok: false, reason: `一页 ${p.data.length} 条，超过请求的每页 ${asked.pageSize} 条`, field: 'data' };
  const pages = p.recordCounts === 0 ? 0 : Math.ceil(p.recordCounts / asked.pageSize);
  if (p.pages !== pages) return { ok: false, reason: `总页数 ${p.pages} 与总条数 ${p.recordCounts}（每页 ${asked.pageSize}）不符`, field: 'pages' };
  const expected = p.pageNum < pages ? asked.pageSize : p.pageNum === pages ? p.recordCounts - (pages - 1) * asked.pageSize : 0;
  if (p.data.length !== expected) return { ok: false, reason: `第 ${p.pageNum} 页应有 ${expected} 条，收到 ${p.data.length} 条（应答不完整）`, field: 'data' };
  const schema = ROW_SCHEMAS[infno];
  const rows: CatalogRow[] = [];
  for (let i = 0; i < p.data.length; i++) {
    const r = schema.safeParse(p.data[i]);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      const field = issue.path.join('.');
      return { ok: false, reason: `第 ${i + 1} 条的 ${field || '(整体)'} ${issue.message}`, row: i + 1, field };
    }
    rows.push(r.data);
  }
  return { ok: true, page: { rows, pageNum: p.pageNum, pages: p.pages, recordCounts: p.recordCounts } };
}
