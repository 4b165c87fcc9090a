// The sandbox center's national statement of account (NATIONAL-PLATFORM.md 3202): the clinic
// uploads its detail file with 9101, names it in 3202, and downloads the center's result file
// with 9102. The center compares the file's rows with its own settlements of the range for that
// clr_type and setl_optins (settlements and cancels not reversed) and writes one result row per
// settlement either side: 0 agrees, 1 only the center has it, 2 only the clinic, 3 amounts
// differ (DETAIL_RESULTS). Files are kept in nat_files. `in` of 9101 and `content_base64` of
// 9102 carry the file's bytes as base64 in the JSON envelope (a real gateway streams them).
import { z } from 'zod';
import {
  DETAIL_FILE_COLUMNS, DETAIL_RESULTS, RESULT_FILE_COLUMNS, details3202Input, download9102Input, readDelimited, upload9101Input, wireMoney, writeDelimited,
} from '../../wire/national/messages';
import { fenToYuan } from '../../wire/national/decimal';
import { msgStamp } from '../../wire/msgid';
import { nextCounter, prepared, STMT_SQL } from '../store';
import type { TxAnswer } from '../transactions';
import type { NationalTxContext } from './chain';
import { ok, reject } from '../answers';

/** A file is kept for a day after it was made (dld_endtime). */
const FILE_LIFETIME_MS = 24 * 3600_000;

function chinaTime(d: Date): string {
  const s = msgStamp(d);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)} ${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}`;
}

function keepFile(ctx: NationalTxContext, filename: string, content: Buffer): { file_qury_no: string; filename: string; dld_endtime: string } {
  const no = `F${msgStamp(ctx.now)}${String(nextCounter(ctx.db, 'file')).padStart(8, '0')}`;
  prepared(ctx.db, 'INSERT INTO nat_files (file_qury_no, filename, content, fixmedins_code, created_at) VALUES (?,?,?,?,?)').run(no, filename, content, ctx.institutionCode, ctx.now.toISOString());
  return { file_qury_no: no, filename, dld_endtime: chinaTime(new Date(ctx.now.getTime() + FILE_LIFETIME_MS)) };
}

function readFile(ctx: NationalTxContext, no: string): { filename: string; content: Buffer; created_at: string } | undefined {
  const row: unknown = prepared(ctx.db, 'SELECT filename, content, created_at FROM nat_files WHERE file_qury_no = ?').get(no);
  return row === undefined ? undefined : fileRow.parse(row);
}

export function upload(ctx: NationalTxContext, input: unknown): TxAnswer {
  const p = upload9101Input.safeParse(input);
  if (!p.success) return reject('INVALID_INPUT', `输入不正确：${p.error.issues[0]?.path.join('.') ?? ''}`);
  const f = p.data.fsUploadIn;
  if (f.fixmedins_code !== ctx.institutionCode) return reject('INSTITUTION_MISMATCH', '文件的机构编码与报文不符');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(f.in)) return reject('INVALID_INPUT', '文件内容应为 base64');
  return ok(keepFile(ctx, f.filename, Buffer.from(f.in, 'base64')));
}

export function download(ctx: NationalTxContext, input: unknown): TxAnswer {
  const p = download9102Input.safeParse(input);
  if (!p.success) return reject('INVALID_INPUT', `输入不正确：${p.error.issues[0]?.path.join('.') ?? ''}`);
  const f = readFile(ctx, p.data.fsDownloadIn.file_qury_no);
  if (!f || Date.parse(f.created_at) + FILE_LIFETIME_MS < ctx.now.getTime()) return reject('FILE_NOT_FOUND', '文件不存在或已过下载期限');
  return ok({ filename: f.filename, content_base64: f.content.toString('base64') });
}

const fileRow = z.object({ filename: z.string(), content: z.instanceof(Buffer), created_at: z.string() });
const centerRow = z.object({
  setl_id: z.string(), kind: z.enum(['settle', 'cancel']), msgid: z.string(), medins_setl_id: z.string().nullable(), psn_no: z.string(), mdtrt_id: z.string(),
  setl_date: z.string(), created_at: z.string(), total: z.number().int(), fund: z.number().int(), acct: z.number().int(),
});
type CenterRow = z.output<typeof centerRow>;

export function details(ctx: NationalTxContext, input: unknown): TxAnswer {
  const p = details3202Input.safeParse(input);
  if (!p.success) return reject('INVALID_INPUT', `输入不正确：${p.error.issues[0]?.path.join('.') ?? ''} ${p.error.issues[0]?.message ?? ''}`);
  const d = p.data.data;
  const file = readFile(ctx, d.file_qury_no);
  if (!file) return reject('FILE_NOT_FOUND', `明细文件 ${d.file_qury_no} 不存在，请先上传（9101）`);
  const mine = readDelimited(DETAIL_FILE_COLUMNS, file.content.toString('utf8'));
  const money = (s: string) => wireMoney.safeParse(s);
  for (const [i, r] of mine.entries()) {
    if (!money(r.medfee_sumamt ?? '').success || !money(r.fund_pay_sumamt ?? '').success || !money(r.acct_pay ?? '').success) return reject('FILE_INVALID', `明细文件第 ${i + 1} 行金额不正确`);
  }
  const sum = (k: 'medfee_sumamt' | 'fund_pay_sumamt') => mine.reduce((s, r) => s + (money(r[k]!).data as number), 0);
  if (mine.length !== d.fixmedins_setl_cnt || sum('medfee_sumamt') !== d.medfee_sumamt || sum('fund_pay_sumamt') !== d.fund_pay_sumamt) {
    return reject('FILE_TOTALS_MISMATCH', '明细文件的笔数或合计与 3202 报文不符');
  }
  const centerRows: unknown[] = prepared(
    ctx.db,
    `SELECT s.setl_id, s.kind, s.msgid, s.medins_setl_id, s.psn_no, n.mdtrt_id, s.setl_date, s.created_at,
            ${STMT_SQL.total} AS total, ${STMT_SQL.fund} AS fund, ${STMT_SQL.acct} AS acct
     FROM settlements s JOIN nat_settlements n ON n.setl_id = s.setl_id
     WHERE s.state = 'active' AND s.setl_date BETWEEN ? AND ? AND n.clr_type = ? AND n.setl_optins = ? ORDER BY s.created_at, s.setl_id`,
  ).all(d.stmt_begndate, d.stmt_enddate, d.clr_type, d.setl_optins);
  const center: CenterRow[] = z.array(centerRow).parse(centerRows);
  const bySetlId = new Map(mine.filter((r) => r.setl_id).map((r) => [r.setl_id!, r]));
  const seen = new Set<string>();
  const out: Array<Record<string, string>> = [];
  for (const c of center) {
    const r = bySetlId.get(c.setl_id);
    if (r) seen.add(c.setl_id);
    const same = r && money(r.medfee_sumamt!).data === c.total && money(r.fund_pay_sumamt!).data === c.fund && money(r.acct_pay!).data === c.acct;
    out.push({
      psn_no: c.psn_no, mdtrt_id: c.mdtrt_id, setl_id: c.setl_id, msgid: c.msgid, refd_setl_flag: c.kind === 'cancel' ? '1' : '0',
      stmt_rslt: !r ? DETAIL_RESULTS.onlyCenter : same ? DETAIL_RESULTS.match : DETAIL_RESULTS.amountDiffers,
      memo: !r ? '医药机构无此结算' : same ? '' : `金额不符：机构 ${r.medfee_sumamt}/${r.fund_pay_sumamt}/${r.acct_pay}`,
      medfee_sumamt: fenToYuan(c.total), fund_pay_sumamt: fenToYuan(c.fund), acct_pay: fenToYuan(c.acct), setl_time: c.setl_date, medins_setl_id: r?.medins_setl_id ?? '',
    });
  }
  for (const r of mine) {
    if (r.setl_id && seen.has(r.setl_id)) continue;
    out.push({
      psn_no: r.psn_no ?? '', mdtrt_id: r.mdtrt_id ?? '', setl_id: r.setl_id ?? '', msgid: '', refd_setl_flag: r.refd_setl_flag ?? '0', stmt_rslt: DETAIL_RESULTS.onlyLocal,
      memo: '中心无此结算', medfee_sumamt: r.medfee_sumamt ?? '', fund_pay_sumamt: r.fund_pay_sumamt ?? '', acct_pay: r.acct_pay ?? '', setl_time: '', medins_setl_id: r.medins_setl_id ?? '',
    });
  }
  const result = keepFile(ctx, `3202_${d.setl_optins}_${d.clr_type}_${d.stmt_begndate}_${d.stmt_enddate}.txt`, Buffer.from(writeDelimited(RESULT_FILE_COLUMNS, out), 'utf8'));
  return ok({ fileinfo: result });
}
