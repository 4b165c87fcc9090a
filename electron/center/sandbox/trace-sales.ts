// The sandbox center's record of drug traceability codes sold (issue 17): a code is sold once
// across every institution reporting to the center. Our protocol carries the codes on the 2207's
// fee lines (feedetail[].drugtracinfo) and reports them again in its 3505 / 3506 (the national
// bodies under our envelope); the national one reports them in 3505 (sale) and 3506 (return). A code already held by a standing sale is refused with when and to whom it was sold.
import { z } from 'zod';
import { maskName } from '../../app/log';
import { msgStamp } from '../wire/msgid';
import { prepared, type SandboxDb } from './store';
import type { TxAnswer, TxContext } from './transactions';
import { ok, reject } from './answers';

/** The fee line's codes as our 2207 carries them. */
export const drugTracInfoSchema = z.array(z.object({ drug_trac_codg: z.string().min(1).max(64) }).passthrough()).max(100);

function chinaTime(d: Date): string {
  const s = msgStamp(d);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)} ${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}`;
}

/**
 * Held = a standing sale: its row not reversed nor returned, and — for a sale made by a 2207 —
 * that settlement active and not cancelled (a 2208 or a 2601 frees the code without touching it).
 */
const HELD_SQL = `SELECT t.code, t.sold_at, t.psn_name FROM trace_sales t LEFT JOIN settlements s ON s.setl_id = t.setl_id
  WHERE t.code IN (SELECT value FROM json_each(?)) AND t.state = 'active' AND t.returned_by IS NULL
    AND (t.setl_id IS NULL OR (s.state = 'active' AND s.cancelled_by IS NULL))
    AND (? = '' OR t.setl_id IS NULL OR t.setl_id <> ?) LIMIT 1`;

const HeldRow = z.object({ code: z.string(), sold_at: z.string(), psn_name: z.string() });

/**
 * The refusal for the first of `codes` already sold (or for one repeated among them), else null.
 * `sameSale`: the center's settlement a 3505 reports — codes that settlement itself holds (our
 * protocol's 2207 carries them) are that sale, not another.
 */
export function refuseSoldCodes(db: SandboxDb, codes: readonly string[], sameSale = ''): TxAnswer | null {
  const twice = codes.find((c, i) => codes.indexOf(c) !== i);
  if (twice) return reject('TRACE_CODE_REPEATED', `追溯码 ${twice} 在本次销售中出现两次`, { code: twice });
  if (codes.length === 0) return null;
  const held = HeldRow.optional().parse(prepared(db, HELD_SQL).get(JSON.stringify(codes), sameSale, sameSale));
  if (!held) return null;
  return reject('TRACE_CODE_SOLD', `追溯码 ${held.code} 已于 ${chinaTime(new Date(held.sold_at))} 售出（${maskName(held.psn_name || '?')}），不能重复销售`, {
    code: held.code,
    sold_at: chinaTime(new Date(held.sold_at)),
    psn_name: maskName(held.psn_name || '?'),
  });
}

export interface TraceSale {
  code: string;
  medListCodg: string;
  psnNo: string;
  psnName: string;
  /** The center's settlement that sold it (a 2207's; a 3505's when it names one the center holds), else null. */
  setlId: string | null;
}

export function recordTraceSales(ctx: TxContext, sales: readonly TraceSale[]): void {
  const put = prepared(ctx.db, 'INSERT INTO trace_sales (code, msgid, infno, setl_id, psn_no, psn_name, med_list_codg, sold_at) VALUES (?,?,?,?,?,?,?,?)');
  for (const s of sales) put.run(s.code, ctx.msgid, ctx.infno, s.setlId, s.psnNo, s.psnName, s.medListCodg, ctx.now.toISOString());
}

/** A 2601 naming a 3505 (its sale stands no more) or a 3506 (its return is undone). True when it undid something. */
export function reverseTraceMessage(db: SandboxDb, omsgid: string): boolean {
  const sale = prepared(db, "UPDATE trace_sales SET state = 'reversed' WHERE msgid = ? AND infno = '3505' AND state = 'active'").run(omsgid).changes;
  const ret = prepared(db, 'UPDATE trace_sales SET returned_by = NULL WHERE returned_by = ?').run(omsgid).changes;
  return sale + ret > 0;
}

// ---- 3505 商品销售 / 3506 商品销售退货 (national) ----
// One product per message: `selinfo` with the product, the sale's person and settlement, the
// count, and `drugtracinfo[]` (one code per package). Fields from the national spec as clients
// copy it (docs/TRACEABILITY.md); the sandbox checks what it needs and keeps the rest.
const selinfoSchema = z
  .object({
    med_list_codg: z.string().min(1).max(50),
    fixmedins_hilist_id: z.string().min(1).max(30),
    fixmedins_hilist_name: z.string().max(200).optional(),
    psn_no: z.string().max(30).optional(),
    psn_name: z.string().max(50).optional(),
    setl_id: z.string().max(30).optional(),
    mdtrt_setl_type: z.string().max(6).optional(),
    rx_flag: z.string().max(3).optional(),
    trdn_flag: z.enum(['0', '1']).optional(),
    sel_retn_cnt: z.union([z.string(), z.number()]),
    sel_retn_time: z.string().min(10).max(19),
    sel_retn_opter_name: z.string().max(50).optional(),
    medins_prod_sel_no: z.string().max(50).optional(),
    drugtracinfo: drugTracInfoSchema.optional().default([]),
  })
  .passthrough();
export const sale3505Schema = z.object({ selinfo: selinfoSchema });

function parseSale(input: unknown): { ok: true; value: z.output<typeof selinfoSchema> } | { ok: false; answer: TxAnswer } {
  const r = sale3505Schema.safeParse(input);
  if (r.success) return { ok: true, value: r.data.selinfo };
  const i = r.error.issues[0];
  return { ok: false, answer: reject('INVALID_INPUT', `输入不正确：${i ? `${i.path.join('.')} ${i.message}` : ''}`) };
}

/** 3505: the codes become sold (refused whole when one is held, or repeated). */
export function sale3505(ctx: TxContext, input: unknown): TxAnswer {
  const p = parseSale(input);
  if (!p.ok) return p.answer;
  const s = p.value;
  const codes = s.drugtracinfo.map((d) => d.drug_trac_codg);
  // A report naming a settlement this center holds is that settlement's sale: its codes are
  // held while the settlement stands (a 2208 or 2601 frees them, as a 3506 does).
  const setlId = s.setl_id && prepared(ctx.db, 'SELECT 1 FROM settlements WHERE setl_id = ?').get(s.setl_id) !== undefined ? s.setl_id : null;
  const refused = refuseSoldCodes(ctx.db, codes, setlId ?? '');
  if (refused) return refused;
  recordTraceSales(
    ctx,
    codes.map((code) => ({ code, medListCodg: s.med_list_codg, psnNo: s.psn_no ?? '', psnName: s.psn_name ?? '', setlId })),
  );
  return ok({ retRslt: '1', msgRslt: '销售信息上传成功', trace_cnt: codes.length });
}

/** 3506: the returned packages' codes are sold no more (a code not held here is refused: nothing to return). */
export function return3506(ctx: TxContext, input: unknown): TxAnswer {
  const p = parseSale(input);
  if (!p.ok) return p.answer;
  const codes = p.value.drugtracinfo.map((d) => d.drug_trac_codg);
  for (const code of codes) {
    const held = prepared(ctx.db, "SELECT rowid AS id FROM trace_sales WHERE code = ? AND infno = '3505' AND state = 'active' AND returned_by IS NULL").get(code);
    if (held === undefined) return reject('TRACE_CODE_NOT_SOLD', `追溯码 ${code} 没有在售记录，不能退货`, { code });
  }
  const free = prepared(ctx.db, "UPDATE trace_sales SET returned_by = ? WHERE code = ? AND infno = '3505' AND state = 'active' AND returned_by IS NULL");
  for (const code of codes) free.run(ctx.msgid, code);
  return ok({ retRslt: '1', msgRslt: '销售退货信息上传成功', trace_cnt: codes.length });
}
