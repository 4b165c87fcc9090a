// The sandbox center's monthly clearing (docs/CLEARING.md): 3203 applies, 3204 cancels, 3205
// tells how an application stands, in both protocols (the wire is center/wire/clearing.ts).
// An application is taken only when its totals are the center's own for what it covers:
// - national: every active settlement (and cancel) of the month with that clr_type (the clearing
//   type the center gave it at 2207), by count, person-times and amounts;
// - ours (/tx): exactly the settlements it lists (setl_ids), each active, in the month and in no
//   other application, and totals equal to theirs (our center does not keep a clr_type).
// One application alive per month and clearing type. Paying is the fund's act, so it is a
// control command here (POST /clearing/pay), not a transaction.
import { z } from 'zod';
import { apply3203Input, cancel3204Input, CLR_STAS, status3205Input } from '../wire/clearing';
import { fenToYuan } from '../wire/national/decimal';
import { value } from '../../db/sql';
import { nextCounter, prepared, STMT_SQL, type SandboxDb } from './store';
import type { TxAnswer, TxContext } from './transactions';
import { ok, parse as parsed, reject } from './answers';

const Figures = z.object({ n: z.number().int(), psntime: z.number().int().nullable(), medfee: z.number().int(), fund: z.number().int(), acct: z.number().int() });
type Figures = z.output<typeof Figures>;
const FIGURES = `count(*) AS n, sum(CASE WHEN s.kind = 'settle' THEN 1 ELSE -1 END) AS psntime, coalesce(sum(${STMT_SQL.total}), 0) AS medfee,
  coalesce(sum(${STMT_SQL.fund}), 0) AS fund, coalesce(sum(${STMT_SQL.acct}), 0) AS acct`;

const AppRow = z.object({ appy_id: z.string(), setlym: z.string(), clr_type: z.string(), state: z.enum(['applied', 'cancelled', 'paid']), fund: z.number().int(), acct: z.number().int(), paid_at: z.string().nullable() });
export type SandboxClearing = z.output<typeof AppRow> & { protocol: string; psntime: number; medfee: number; created_at: string };

const words = (f: { n: number; medfee: number; fund: number; acct: number }) => `${f.n} 笔，医疗费 ${fenToYuan(f.medfee)}，基金 ${fenToYuan(f.fund)}，账户 ${fenToYuan(f.acct)}`;

function apply(ctx: TxContext, input: unknown, protocol: 'simple' | 'national'): TxAnswer {
  const p = parsed(apply3203Input, input);
  if (!p.ok) return p.answer;
  const d = p.value.data;
  if (d.begndate.slice(0, 7).replace('-', '') !== d.setlym || d.enddate.slice(0, 7).replace('-', '') !== d.setlym) return reject('INVALID_INPUT', '起止日期应在清算年月之内');
  if (d.medfee_sumamt !== d.med_sumfee) return reject('INVALID_INPUT', 'medfee_sumamt 与 med_sumfee 不符');
  if (d.cash_payamt !== d.medfee_sumamt - d.fund_appy_sum - d.acct_pay) return reject('INVALID_INPUT', '现金支付应为医疗费总额减基金与账户支付');
  const live = value(ctx.db, "SELECT appy_id FROM clearing_apps WHERE setlym = :setlym AND clr_type = :clrType AND state <> 'cancelled'", { setlym: d.setlym, clrType: d.clr_type }, z.string());
  if (live) return reject('CLEARING_EXISTS', `${d.setlym} 清算类别 ${d.clr_type} 已有清算申请 ${live}，请先撤销（3204）`);
  let center: Figures;
  if (protocol === 'national') {
    center = Figures.parse(
      prepared(
        ctx.db,
        `SELECT ${FIGURES} FROM settlements s JOIN nat_settlements n ON n.setl_id = s.setl_id WHERE s.state = 'active' AND s.setl_date BETWEEN ? AND ? AND n.clr_type = ?`,
      ).get(d.begndate, d.enddate, d.clr_type),
    );
  } else {
    const ids = d.setl_ids ?? [];
    if (new Set(ids).size !== ids.length) return reject('INVALID_INPUT', '结算编号重复');
    ctx.db.exec('CREATE TEMP TABLE IF NOT EXISTS clearing_ask (setl_id TEXT PRIMARY KEY)');
    ctx.db.exec('DELETE FROM temp.clearing_ask');
    const put = prepared(ctx.db, 'INSERT INTO temp.clearing_ask (setl_id) VALUES (?)');
    for (const id of ids) put.run(id);
    const bad = value(
      ctx.db,
      `SELECT q.setl_id FROM temp.clearing_ask q LEFT JOIN settlements s ON s.setl_id = q.setl_id
       WHERE s.setl_id IS NULL OR s.state <> 'active' OR s.setl_date NOT BETWEEN :begin AND :end
          OR EXISTS (SELECT 1 FROM clearing_app_items i JOIN clearing_apps a ON a.appy_id = i.appy_id WHERE i.setl_id = q.setl_id AND a.state <> 'cancelled') LIMIT 1`,
      { begin: d.begndate, end: d.enddate },
      z.string(),
    );
    if (bad) return reject('CLEARING_UNKNOWN_SETTLEMENT', `结算 ${bad} 不在中心本月可清算的结算中（不存在、已冲正、不在本月或已申报）`);
    center = Figures.parse(prepared(ctx.db, `SELECT ${FIGURES} FROM settlements s JOIN temp.clearing_ask q ON q.setl_id = s.setl_id`).get());
  }
  const mine = { n: center.n, medfee: d.medfee_sumamt, fund: d.fund_appy_sum, acct: d.acct_pay };
  if ((center.psntime ?? 0) !== d.psntime || center.medfee !== d.medfee_sumamt || center.fund !== d.fund_appy_sum || center.acct !== d.acct_pay || center.n === 0) {
    return reject('CLEARING_TOTALS_MISMATCH', `申报与中心不符：中心 ${words(center)}，人次 ${center.psntime ?? 0}；申报 ${words(mine)}，人次 ${d.psntime}。请先对账`);
  }
  const appyId = `CLR${d.setlym}${d.clr_type}${String(nextCounter(ctx.db, 'clearing')).padStart(6, '0')}`;
  prepared(ctx.db, 'INSERT INTO clearing_apps (appy_id, msgid, protocol, setlym, clr_type, psntime, medfee, fund, acct, state, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)').run(
    appyId, ctx.msgid, protocol, d.setlym, d.clr_type, d.psntime, d.medfee_sumamt, d.fund_appy_sum, d.acct_pay, 'applied', ctx.now.toISOString(),
  );
  if (protocol === 'simple') prepared(ctx.db, 'INSERT INTO clearing_app_items (appy_id, setl_id) SELECT ?, setl_id FROM temp.clearing_ask').run(appyId);
  return ok({ clrinfo: { clr_appy_evt_id: appyId, setlym: d.setlym, clr_type: d.clr_type } });
}

function readApp(db: SandboxDb, appyId: string): z.output<typeof AppRow> | undefined {
  const r: unknown = prepared(db, 'SELECT appy_id, setlym, clr_type, state, fund, acct, paid_at FROM clearing_apps WHERE appy_id = ?').get(appyId);
  return r === undefined ? undefined : AppRow.parse(r);
}

function cancel(ctx: TxContext, input: unknown): TxAnswer {
  const p = parsed(cancel3204Input, input);
  if (!p.ok) return p.answer;
  const a = readApp(ctx.db, p.value.data.clr_appy_evt_id);
  if (!a) return reject('CLEARING_NOT_FOUND', `没有清算申请 ${p.value.data.clr_appy_evt_id}`);
  if (a.state === 'paid') return reject('CLEARING_PAID', `清算申请 ${a.appy_id} 已拨付，不能撤销`);
  // Cancelling a cancelled application again (a new msgid after a lost answer) says so and changes nothing.
  if (a.state === 'applied') prepared(ctx.db, "UPDATE clearing_apps SET state = 'cancelled', cancelled_at = ? WHERE appy_id = ?").run(ctx.now.toISOString(), a.appy_id);
  return ok({ clrinfo: { clr_appy_evt_id: a.appy_id, clr_stas: CLR_STAS.cancelled } });
}

function status(ctx: TxContext, input: unknown): TxAnswer {
  const p = parsed(status3205Input, input);
  if (!p.ok) return p.answer;
  const a = readApp(ctx.db, p.value.data.clr_appy_evt_id);
  if (!a) return reject('CLEARING_NOT_FOUND', `没有清算申请 ${p.value.data.clr_appy_evt_id}`);
  const stas = a.state === 'paid' ? CLR_STAS.paid : a.state === 'cancelled' ? CLR_STAS.cancelled : CLR_STAS.applied;
  return ok({ clrinfo: { clr_appy_evt_id: a.appy_id, clr_stas: stas, ...(a.state === 'paid' ? { paid_amt: fenToYuan(a.fund + a.acct), paid_time: a.paid_at } : {}) } });
}

/** The fund pays: every applied application (or the one named) becomes paid. Returns the ids paid. */
export function payClearing(db: SandboxDb, now: Date, appyId?: string): string[] {
  return db.transaction(() => {
    const ids = (
      appyId
        ? prepared(db, "SELECT appy_id FROM clearing_apps WHERE appy_id = ? AND state = 'applied'").all(appyId)
        : prepared(db, "SELECT appy_id FROM clearing_apps WHERE state = 'applied' ORDER BY appy_id").all()
    ).map((r) => z.object({ appy_id: z.string() }).parse(r).appy_id);
    for (const id of ids) prepared(db, "UPDATE clearing_apps SET state = 'paid', paid_at = ? WHERE appy_id = ?").run(now.toISOString(), id);
    return ids;
  })();
}

/** Every application the center holds, oldest first (tests and the control endpoint). */
export function clearingApps(db: SandboxDb): SandboxClearing[] {
  const Row = AppRow.extend({ protocol: z.string(), psntime: z.number().int(), medfee: z.number().int(), created_at: z.string() });
  return z.array(Row).parse(prepared(db, 'SELECT * FROM clearing_apps ORDER BY created_at, appy_id').all());
}

export const SIMPLE_CLEARING_TRANSACTIONS: Readonly<Record<string, (ctx: TxContext, input: unknown) => TxAnswer>> = {
  '3203': (ctx, input) => apply(ctx, input, 'simple'),
  '3204': cancel,
  '3205': status,
};
export const NATIONAL_CLEARING_TRANSACTIONS: Readonly<Record<string, (ctx: TxContext, input: unknown) => TxAnswer>> = {
  '3203': (ctx, input) => apply(ctx, input, 'national'),
  '3204': cancel,
  '3205': status,
};
