// The sandbox center's record of a clinic's stock reports (issue 17, docs/STOCK.md): 3501
// inventory (盘存), 3502 stock change (库存变更), 3503 purchase (采购), 3504 purchase return
// (采购退货). The national platform nests each body (`invinfo` / `purcinfo`); our protocol sends
// the same fields flat. One batch per message. The center keeps each batch's quantity as the
// reports tell it: a purchase adds, a return or an outgoing change takes away (refused when the
// batch would go below zero: a return of more than was bought), a stock-take sets it.
import { z } from 'zod';
import { parseScaled } from '../../api/money';
import { prepared, type SandboxDb } from './store';
import type { TxAnswer, TxContext } from './transactions';
import { ok, reject } from './answers';

const count = z.string().refine((s) => parseScaled(s) !== null, '数量应为最多 4 位小数的数');
const base = z
  .object({
    med_list_codg: z.string().min(1).max(50),
    fixmedins_hilist_id: z.string().min(1).max(30),
    fixmedins_hilist_name: z.string().max(200).optional(),
    fixmedins_bchno: z.string().min(1).max(30),
  })
  .passthrough();
const SCHEMAS = {
  '3501': base.extend({ inv_cnt: count, invdate: z.string().min(10).max(10) }),
  '3502': base.extend({ inv_chg_type: z.enum(['101', '102', '103', '104', '105', '106', '107', '108']), cnt: count, inv_chg_time: z.string().min(10).max(19) }),
  '3503': base.extend({ purc_retn_cnt: count, purc_retn_stoin_time: z.string().min(10).max(19), expy_end: z.string().min(10).max(10) }),
  '3504': base.extend({ purc_retn_cnt: count, purc_retn_stoin_time: z.string().min(10).max(19) }),
} as const;
type StockInfno = keyof typeof SCHEMAS;
const NESTED: Record<StockInfno, 'invinfo' | 'purcinfo'> = { '3501': 'invinfo', '3502': 'invinfo', '3503': 'purcinfo', '3504': 'purcinfo' };
/** 库存变更类型 that bring stock in (盘盈, 调拨入库, 其他入库, 初始化入库); the others take it out. */
const INCOMING = new Set(['101', '103', '106', '108']);

function held(db: SandboxDb, hilistId: string, bchno: string): bigint {
  const r = z.object({ q: z.number().int() }).parse(prepared(db, 'SELECT coalesce(sum(change), 0) AS q FROM stock_reports WHERE hilist_id = ? AND bchno = ?').get(hilistId, bchno));
  return BigInt(r.q);
}

function handle(infno: StockInfno, nested: boolean) {
  return (ctx: TxContext, input: unknown): TxAnswer => {
    const raw = nested ? (input as Record<string, unknown> | null)?.[NESTED[infno]] : input;
    const p = SCHEMAS[infno].safeParse(raw);
    if (!p.success) {
      const i = p.error.issues[0];
      return reject('INVALID_INPUT', `输入不正确：${i ? `${[nested ? NESTED[infno] : '', ...i.path].filter(Boolean).join('.')} ${i.message}` : ''}`);
    }
    const b = p.data as z.output<typeof base> & Record<string, unknown>;
    const qty = parseScaled(String(infno === '3501' ? b.inv_cnt : infno === '3502' ? b.cnt : b.purc_retn_cnt))!;
    const have = held(ctx.db, b.fixmedins_hilist_id, b.fixmedins_bchno);
    let change: bigint;
    if (infno === '3503') change = qty;
    else if (infno === '3501') change = qty - have;
    else if (infno === '3502' && INCOMING.has(String(b.inv_chg_type))) change = qty;
    else change = -qty;
    if (infno === '3504' && have + change < 0n) {
      return reject('STOCK_RETURN_EXCEEDS', `批次 ${b.fixmedins_bchno} 在中心的库存不足，不能退货这么多`);
    }
    prepared(ctx.db, 'INSERT INTO stock_reports (msgid, infno, med_list_codg, hilist_id, bchno, change, body, at) VALUES (?,?,?,?,?,?,?,?)').run(
      ctx.msgid, infno, b.med_list_codg, b.fixmedins_hilist_id, b.fixmedins_bchno, Number(change), JSON.stringify(b), ctx.now.toISOString(),
    );
    return ok({ retRslt: '1', msgRslt: '上传成功', inv_cnt: String(Number(have + change) / 10_000) });
  };
}

/** Our protocol: the same infnos, the bodies flat. */
export const SIMPLE_STOCK_TRANSACTIONS: Record<string, (ctx: TxContext, input: unknown) => TxAnswer> = {
  '3501': handle('3501', false),
  '3502': handle('3502', false),
  '3503': handle('3503', false),
  '3504': handle('3504', false),
};

/** The national platform: invinfo / purcinfo. */
export const NATIONAL_STOCK_TRANSACTIONS: Record<string, (ctx: TxContext, input: unknown) => TxAnswer> = {
  '3501': handle('3501', true),
  '3502': handle('3502', true),
  '3503': handle('3503', true),
  '3504': handle('3504', true),
};
