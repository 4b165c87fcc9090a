// The sandbox center's national transactions (NATIONAL-PLATFORM.md §2): the outpatient chain
// 2201 → 2203 → 2204 → 2206 → 2207 with its undo steps 2208 / 2205 / 2202 and the reversal
// 2601, beside 9001/9002, 1101, 2001, 5206 and 3201. Requests arrive in our field names (the
// server applies the province's renames first). Each runs inside the server's SQLite
// transaction that also stores the answer under the message id, as the simple protocol's do.
//
// The center computes the split itself (the client's figures are never trusted), from its own
// policy table, the person's year and the fee lines it holds for the visit — the same engine
// as the client, so a chain settled with the same policy and year agrees to the fen.
import type { Accumulators, SplitOutcome } from '../../../policy/split/types';
import { medTypeToVisitType } from '../../wire/codes';
import { msgStamp } from '../../wire/msgid';
import {
  accumulatorsTo5206, accum5206Input, cancel2208Input, cancelFees2205Input, fee2204InputSchema, register2201Input, reversal2601Input, setlinfoOfAmounts,
  settle2206Input, signIn9001Input, signOut9002Input, totals3201Input, treatment2001Input, unregister2202Input, visit2203Input, type NationalAmounts,
} from '../../wire/national/messages';
import { fenToYuan } from '../../wire/national/decimal';
import { personByPsnNo } from '../persons';
import { mappedAtCenter } from './catalog';
import { nextCounter, prepared, readYear, STMT_SQL } from '../store';
import { TRANSACTIONS, type TxAnswer, type TxContext } from '../transactions';
import { binding, filings } from './person-records';
import { return3506, sale3505 } from '../trace-sales';
import { details, download, upload } from './statement';
import { ok, parse, reject } from '../answers';
import { many, one, run, value, type Params } from '../../../db/sql';
import { amountsOfSplit, type SettlementAmounts } from '../../wire/settlement';
import {
  chinaTime, feeLineAnswers, fundLines, ownPayFlag, HELD_BY_LIVE_SETTLEMENT, personRejection, recordCancel, recordSettlement, refusedItems, sentLine, settlementLink, splitFeeLines,
} from '../settling';
import { z } from 'zod';

const COUNT = z.number().int();
const TotalsRow = z.object({ n: z.number().int(), medfee: z.number().int(), fund: z.number().int(), acct: z.number().int() });

export interface NationalTxContext extends TxContext {
  /** The institution's hospital level as the center has it on file (1–3). */
  hospitalLevel: number;
  /** The institution asking (its code as the center has it; its name as the envelope gave it). */
  institutionCode: string;
  institutionName: string;
}

type Handler = (ctx: NationalTxContext, input: unknown) => TxAnswer;

function newId(ctx: TxContext, prefix: string): string {
  return `${prefix}${msgStamp(ctx.now).slice(0, 8)}${String(nextCounter(ctx.db, 'setl')).padStart(8, '0')}`;
}

// ---- 9001 / 9002 ----
const signIn: Handler = (ctx, input) => {
  const p = parse(signIn9001Input, input);
  if (!p.ok) return p.answer;
  const signNo = `SN${msgStamp(ctx.now)}${String(nextCounter(ctx.db, 'sign_no')).padStart(6, '0')}`;
  prepared(ctx.db, 'INSERT INTO sign_ins (sign_no, opter_no, at) VALUES (?,?,?)').run(signNo, p.value.signIn.opter_no, ctx.now.toISOString());
  return ok({ signinoutb: { sign_time: chinaTime(ctx.now), sign_no: signNo } });
};

const signOut: Handler = (ctx, input) => {
  const p = parse(signOut9002Input, input);
  if (!p.ok) return p.answer;
  const r = prepared(ctx.db, 'UPDATE sign_ins SET signed_out = 1 WHERE sign_no = ? AND signed_out = 0').run(p.value.signOut.sign_no);
  return r.changes ? ok({ signoutoutb: { sign_time: chinaTime(ctx.now), sign_no: p.value.signOut.sign_no } }) : reject('SIGN_NO_UNKNOWN', '签到编号不存在或已签退');
};

// ---- 1101: the simple protocol's lookup, answered in the national layout (no accumulators: 5206) ----
const person: Handler = (ctx, input) => {
  const a = TRANSACTIONS['1101']!(ctx, input);
  if (a.infcode !== 0) return a;
  const out = a.output as { baseinfo: { psn_no: string; psn_name: string; gend: string; brdy: string; certno: string }; insuinfo: Array<Record<string, unknown>> };
  const p = personByPsnNo(ctx.db, out.baseinfo.psn_no)!;
  return ok({
    baseinfo: { ...out.baseinfo, psn_cert_type: '01', naty: '01', age: String(ageOn(p.brdy, ctx.now)) },
    insuinfo: out.insuinfo.map((i) => ({ ...i, psn_insu_date: '2020-01-01', paus_insu_date: p.psn_insu_stas === '1' ? null : '2026-01-01', cvlserv_flag: '0', emp_name: null })),
    idetinfo: [],
  });
};

function ageOn(brdy: string, now: Date): number {
  const today = msgStamp(now);
  const [y, m, d] = brdy.split('-').map(Number) as [number, number, number];
  const age = Number(today.slice(0, 4)) - y;
  return Number(today.slice(4, 8)) < m * 100 + d ? age - 1 : age;
}

// ---- 2001 treatment check ----
const treatment: Handler = (ctx, input) => {
  const p = parse(treatment2001Input, input);
  if (!p.ok) return p.answer;
  const person = personByPsnNo(ctx.db, p.value.data.psn_no);
  if (!person) return reject('PERSON_NOT_FOUND', '未找到该参保人');
  const fundPayType = person.insutype === '390' ? '390100' : '310100';
  const refused = personRejection(ctx, person.psn_no) ?? (person.psn_insu_stas !== '1' ? '参保状态为暂停，不享受待遇' : undefined);
  return ok({ trtinfo: [{ fund_pay_type: fundPayType, trt_enjymnt_flag: refused ? '0' : '1', trt_chk_rslt: refused ?? null }] });
};

// ---- 5206 accumulators ----
const accumulators: Handler = (ctx, input) => {
  const p = parse(accum5206Input, input);
  if (!p.ok) return p.answer;
  const year = readYear(ctx.db, p.value.data.psn_no);
  if (!year) return reject('PERSON_NOT_FOUND', '未找到该参保人');
  return ok({ cuminfo: accumulatorsTo5206(year.accumulators, p.value.data.cum_ym.slice(0, 4)) });
};

// ---- 2201 / 2202 registration ----
const VisitRow = z.object({
  mdtrt_id: z.string(), psn_no: z.string(), insutype: z.string(), ipt_otp_no: z.string(), begntime: z.string(), med_type: z.string().nullable(), diagnoses: z.string(),
  state: z.enum(['open', 'cancelled']),
});
type VisitRow = z.output<typeof VisitRow>;
const VISIT_SQL = 'SELECT mdtrt_id, psn_no, insutype, ipt_otp_no, begntime, med_type, diagnoses, state FROM nat_visits';

const register: Handler = (ctx, input) => {
  const p = parse(register2201Input, input);
  if (!p.ok) return p.answer;
  const d = p.value.data;
  const person = personByPsnNo(ctx.db, d.psn_no);
  if (!person) return reject('PERSON_NOT_FOUND', '未找到该参保人');
  const refused = personRejection(ctx, person.psn_no);
  if (refused) return reject('PERSON_REJECTED', refused);
  if (d.insutype !== person.insutype) return reject('INSUTYPE_MISMATCH', `险种 ${d.insutype} 与参保信息（${person.insutype}）不符`);
  const mdtrtId = newId(ctx, 'MD');
  prepared(ctx.db, 'INSERT INTO nat_visits (mdtrt_id, msgid, psn_no, insutype, ipt_otp_no, begntime, created_at) VALUES (?,?,?,?,?,?,?)')
    .run(mdtrtId, ctx.msgid, d.psn_no, d.insutype, d.ipt_otp_no, d.begntime, ctx.now.toISOString());
  return ok({ data: { mdtrt_id: mdtrtId, psn_no: d.psn_no, ipt_otp_no: d.ipt_otp_no } });
};

function openVisit(ctx: TxContext, mdtrtId: string, psnNo: string): VisitRow | TxAnswer {
  const v = one(ctx.db, `${VISIT_SQL} WHERE mdtrt_id = :mdtrtId`, { mdtrtId }, VisitRow);
  if (!v || v.state !== 'open') return reject('VISIT_NOT_FOUND', `就诊 ${mdtrtId} 不存在或已撤销`);
  if (v.psn_no !== psnNo) return reject('PERSON_MISMATCH', '就诊与人员编号不符');
  return v;
}
const isAnswer = (x: VisitRow | TxAnswer): x is TxAnswer => 'infcode' in x;

const SETTLED_LINE = HELD_BY_LIVE_SETTLEMENT;

const unregister: Handler = (ctx, input) => {
  const p = parse(unregister2202Input, input);
  if (!p.ok) return p.answer;
  const v = openVisit(ctx, p.value.data.mdtrt_id, p.value.data.psn_no);
  if (isAnswer(v)) return v;
  const left = value(ctx.db, "SELECT count(*) FROM nat_fees f WHERE mdtrt_id = :mdtrtId AND state = 'open'", { mdtrtId: v.mdtrt_id }, COUNT) ?? 0;
  if (left > 0) return reject('FEES_REMAIN', `该就诊还有 ${left} 条费用明细（已结算的请先撤销结算 2208，未结算的请先撤销明细 2205）`);
  prepared(ctx.db, "UPDATE nat_visits SET state = 'cancelled' WHERE mdtrt_id = ?").run(v.mdtrt_id);
  return ok(null);
};

// ---- 2203 visit and diagnoses ----
const visitInfo: Handler = (ctx, input) => {
  const p = parse(visit2203Input, input);
  if (!p.ok) return p.answer;
  const m = p.value.mdtrtinfo;
  const v = openVisit(ctx, m.mdtrt_id, m.psn_no);
  if (isAnswer(v)) return v;
  if (!medTypeToVisitType(m.med_type)) return reject('MED_TYPE_UNSUPPORTED', `医疗类别不支持：${m.med_type}`);
  const diagnoses = [...new Set([...(m.dise_codg ? [m.dise_codg] : []), ...p.value.diseinfo.filter((d) => d.vali_flag !== '0').map((d) => d.diag_code)])];
  prepared(ctx.db, 'UPDATE nat_visits SET med_type = ?, diagnoses = ? WHERE mdtrt_id = ?').run(m.med_type, JSON.stringify(diagnoses), v.mdtrt_id);
  return ok(null);
};

// ---- 2204 / 2205 fee details ----
const FeeRow = z.object({ feedetl_sn: z.string(), chrg_bchno: z.string(), med_list_codg: z.string(), pric: z.string(), cnt: z.string(), own_pay: z.number().int(), amount: z.number().int() });
type FeeRow = z.output<typeof FeeRow>;

function splitOf(ctx: NationalTxContext, v: VisitRow, lines: readonly FeeRow[], useAccount: boolean): SplitOutcome {
  return splitFeeLines(ctx, v.psn_no, {
    visitType: medTypeToVisitType(v.med_type ?? '11') ?? 'outpatient',
    hospitalLevel: ctx.hospitalLevel,
    date: v.begntime.slice(0, 10),
    diagnoses: JSON.parse(v.diagnoses) as string[],
    useAccount,
    institutionCode: ctx.institutionCode,
  }, lines);
}

const fees: Handler = (ctx, input) => {
  const p = parse(fee2204InputSchema, input);
  if (!p.ok) return p.answer;
  const lines = p.value.feedetail;
  const first = lines[0]!;
  if (lines.some((l) => l.mdtrt_id !== first.mdtrt_id || l.psn_no !== first.psn_no)) return reject('INVALID_INPUT', '一批明细只能属于同一次就诊');
  const v = openVisit(ctx, first.mdtrt_id, first.psn_no);
  if (isAnswer(v)) return v;
  if (!v.med_type) return reject('VISIT_INFO_MISSING', '请先上传就诊信息（2203）');
  if (ctx.faults.requireMapping) {
    // A real center knows the clinic's codes only through 3301: an unmapped line is refused here.
    const unmapped = lines.filter((l) => mappedAtCenter(ctx.db, l.medins_list_codg) !== l.med_list_codg);
    if (unmapped.length) return reject('ITEM_NOT_MAPPED', `目录未对照：${[...new Set(unmapped.map((l) => l.medins_list_codg))].join('、')}（请先上传目录对照 3301）`, { codes: unmapped.map((l) => l.medins_list_codg) });
  }
  const refused = refusedItems(ctx, lines);
  if (refused) return refused;
  const rows: FeeRow[] = [];
  for (const l of lines) {
    const sent = sentLine(l);
    if ('infcode' in sent) return sent;
    const seen = one(ctx.db, 'SELECT state FROM nat_fees WHERE mdtrt_id = :mdtrtId AND feedetl_sn = :feedetlSn', { mdtrtId: l.mdtrt_id, feedetlSn: l.feedetl_sn }, z.object({ state: z.string() }));
    if (seen?.state === 'open') return reject('DUPLICATE_FEE', `明细流水号 ${l.feedetl_sn} 已上传`);
    rows.push({ feedetl_sn: l.feedetl_sn, chrg_bchno: l.chrg_bchno, med_list_codg: l.med_list_codg, ...sent, own_pay: ownPayFlag(l.exp_content) });
  }
  // The center classifies each line as it will settle it: the engine's line step.
  const split = splitOf(ctx, v, rows, true);
  if (!split.ok) return reject(split.error.code, split.error.message, { details: split.error.details ?? null });
  for (const r of rows) {
    prepared(ctx.db, "INSERT OR REPLACE INTO nat_fees (mdtrt_id, feedetl_sn, chrg_bchno, msgid, med_list_codg, pric, cnt, own_pay, amount, state) VALUES (?,?,?,?,?,?,?,?,?,'open')")
      .run(v.mdtrt_id, r.feedetl_sn, r.chrg_bchno, ctx.msgid, r.med_list_codg, r.pric, r.cnt, r.own_pay, r.amount);
  }
  return ok({ result: feeLineAnswers(ctx, lines, split.result.items) });
};

const cancelFees: Handler = (ctx, input) => {
  const p = parse(cancelFees2205Input, input);
  if (!p.ok) return p.answer;
  const d = p.value.data;
  const v = openVisit(ctx, d.mdtrt_id, d.psn_no);
  if (isAnswer(v)) return v;
  // '0000' cancels every open line of the visit, another batch number only that batch's.
  const batch = d.chrg_bchno === '0000' ? '' : 'AND chrg_bchno = :chrgBchno';
  const params: Params = d.chrg_bchno === '0000' ? { mdtrtId: v.mdtrt_id } : { mdtrtId: v.mdtrt_id, chrgBchno: d.chrg_bchno };
  const settled = value(ctx.db, `SELECT count(*) FROM nat_fees f WHERE mdtrt_id = :mdtrtId ${batch} AND state = 'open' AND ${SETTLED_LINE}`, params, COUNT) ?? 0;
  if (settled > 0) return reject('FEES_SETTLED', `有 ${settled} 条明细已结算，请先撤销结算（2208）`);
  const r = run(ctx.db, `UPDATE nat_fees SET state = 'cancelled' WHERE mdtrt_id = :mdtrtId ${batch} AND state = 'open'`, params);
  return ok({ cancelled: r.changes });
};

// ---- 2206 / 2207 settlement ----
function settlementLines(ctx: TxContext, v: VisitRow, chrgBchno: string): FeeRow[] {
  const batch = chrgBchno === '0000' ? '' : 'AND chrg_bchno = :chrgBchno';
  const params: Params = chrgBchno === '0000' ? { mdtrtId: v.mdtrt_id } : { mdtrtId: v.mdtrt_id, chrgBchno };
  return many(ctx.db, `SELECT feedetl_sn, chrg_bchno, med_list_codg, pric, cnt, own_pay, amount FROM nat_fees f WHERE mdtrt_id = :mdtrtId ${batch} AND state = 'open' AND NOT (${SETTLED_LINE}) ORDER BY rowid`, params, FeeRow);
}

type Priced = { ok: true; v: VisitRow; chrgBchno: string; lines: FeeRow[]; amounts: SettlementAmounts; accumulatorsAfter: Accumulators; setldetail: unknown[] } | { ok: false; answer: TxAnswer };

/** What settling the visit's open lines would come to now (2206 answers it, 2207 commits it). */
function price(ctx: NationalTxContext, input: unknown): Priced {
  const p = parse(settle2206Input, input);
  if (!p.ok) return p;
  const d = p.value.data;
  const v = openVisit(ctx, d.mdtrt_id, d.psn_no);
  if (isAnswer(v)) return { ok: false, answer: v };
  const refused = personRejection(ctx, d.psn_no);
  if (refused) return { ok: false, answer: reject('PERSON_REJECTED', refused) };
  if (d.insutype !== v.insutype) return { ok: false, answer: reject('INSUTYPE_MISMATCH', '险种与挂号时不符') };
  if (d.med_type !== v.med_type) return { ok: false, answer: reject('MED_TYPE_MISMATCH', `医疗类别 ${d.med_type} 与就诊信息（${v.med_type ?? '未上传'}）不符`) };
  const lines = settlementLines(ctx, v, d.chrg_bchno);
  if (lines.length === 0) return { ok: false, answer: reject('NO_FEES', '该就诊没有待结算的费用明细') };
  const sum = lines.reduce((s, l) => s + l.amount, 0);
  if (sum !== d.medfee_sumamt) return { ok: false, answer: reject('MEDFEE_MISMATCH', `医疗费总额 ${fenToYuan(d.medfee_sumamt)} 与明细合计 ${fenToYuan(sum)} 不符`) };
  const split = splitOf(ctx, v, lines, d.acct_used_flag === '1');
  if (!split.ok) return { ok: false, answer: reject(split.error.code, split.error.message, { details: split.error.details ?? null }) };
  const r = split.result;
  const person = personByPsnNo(ctx.db, d.psn_no)!;
  return { ok: true, v, chrgBchno: d.chrg_bchno, lines, amounts: amountsOfSplit(r), accumulatorsAfter: r.accumulatorsAfter, setldetail: fundLines(person.insutype, r) };
}

function setlinfo(ctx: TxContext, v: VisitRow, a: NationalAmounts, extra: Record<string, unknown>): Record<string, unknown> {
  const person = personByPsnNo(ctx.db, v.psn_no)!;
  return {
    ...setlinfoOfAmounts(a), hosp_part_amt: '0.00', mdtrt_id: v.mdtrt_id, psn_no: v.psn_no, psn_name: person.psn_name, insutype: v.insutype, psn_type: person.psn_type,
    med_type: v.med_type, setl_time: chinaTime(ctx.now), clr_optins: person.insuplc_admdvs, clr_way: '1', clr_type: clrTypeOf(v), ...extra,
  };
}

const clrTypeOf = (v: VisitRow): string => (v.med_type?.startsWith('2') ? '21' : '11');

const preSettle: Handler = (ctx, input) => {
  const pr = price(ctx, input);
  if (!pr.ok) return pr.answer;
  const balance = readYear(ctx.db, pr.v.psn_no)!.balance - pr.amounts.accountPay;
  return ok({ setlinfo: setlinfo(ctx, pr.v, pr.amounts, { balc: fenToYuan(balance) }), setldetail: pr.setldetail });
};

const settle: Handler = (ctx, input) => {
  const pr = price(ctx, input);
  if (!pr.ok) return pr.answer;
  const { v, amounts } = pr;
  // medins_setl_id holds the sender's msgid (NATIONAL-PLATFORM.md 2207): the clinic finds its
  // settlement at the center by the message that made it.
  const { setlId, balance } = recordSettlement(ctx, {
    psnNo: v.psn_no, insutype: v.insutype, medinsSetlId: ctx.msgid, amounts, accumulatorsAfter: pr.accumulatorsAfter, stmt: 'accepted',
    mdtrtId: v.mdtrt_id, chrgBchno: pr.chrgBchno, clrType: clrTypeOf(v), feeTable: 'nat_fees', feedetlSns: pr.lines.map((l) => l.feedetl_sn),
  });
  return ok({ setlinfo: setlinfo(ctx, v, amounts, { setl_id: setlId, medins_setl_id: ctx.msgid, balc: fenToYuan(balance) }), setldetail: pr.setldetail });
};

// ---- 2208: the simple protocol's cancel, checked against the visit and answered in the national layout ----
const cancel: Handler = (ctx, input) => {
  const p = parse(cancel2208Input, input);
  if (!p.ok) return p.answer;
  const d = p.value.data;
  const link = settlementLink(ctx, d.setl_id);
  if (!link || link.mdtrt_id !== d.mdtrt_id) return reject('SETTLEMENT_NOT_FOUND', `就诊 ${d.mdtrt_id} 下没有结算 ${d.setl_id}`);
  const c = recordCancel(ctx, d.setl_id, d.psn_no, link);
  if (!c.ok) return c.answer;
  const v = one(ctx.db, `${VISIT_SQL} WHERE mdtrt_id = :mdtrtId`, { mdtrtId: d.mdtrt_id }, VisitRow)!;
  return ok({ setlinfo: setlinfo(ctx, v, c.amounts, { setl_id: c.cancelId, orig_setl_id: d.setl_id, balc: fenToYuan(c.balance) }), setldetail: [] });
};

// ---- 2601 reversal of any step, by its msgid ----
const reversal: Handler = (ctx, input) => {
  const p = parse(reversal2601Input, input);
  if (!p.ok) return p.answer;
  const { omsgid, oinfno, psn_no } = p.value.data;
  if (oinfno === '2201') {
    const v = one(ctx.db, `${VISIT_SQL} WHERE msgid = :omsgid AND state = 'open'`, { omsgid }, VisitRow);
    if (v && v.psn_no !== psn_no) return reject('PERSON_MISMATCH', '冲正的人员编号与原交易不符');
    if (v) {
      const left = value(ctx.db, "SELECT count(*) FROM nat_fees WHERE mdtrt_id = :mdtrtId AND state = 'open'", { mdtrtId: v.mdtrt_id }, COUNT) ?? 0;
      if (left > 0) return reject('FEES_REMAIN', '该挂号下还有费用明细，不能冲正挂号');
      prepared(ctx.db, "UPDATE nat_visits SET state = 'cancelled' WHERE mdtrt_id = ?").run(v.mdtrt_id);
    }
    return recordReversal(ctx, omsgid, oinfno, psn_no, Boolean(v));
  }
  if (oinfno === '2204') {
    const settled = value(ctx.db, `SELECT count(*) FROM nat_fees f WHERE msgid = :omsgid AND state = 'open' AND ${SETTLED_LINE}`, { omsgid }, COUNT) ?? 0;
    if (settled > 0) return reject('FEES_SETTLED', '该批明细已结算，请先撤销结算');
    const r = prepared(ctx.db, "UPDATE nat_fees SET state = 'cancelled' WHERE msgid = ? AND state = 'open'").run(omsgid);
    return recordReversal(ctx, omsgid, oinfno, psn_no, r.changes > 0);
  }
  // 2207 / 2208 (and anything else): the settlements that message made, as the simple protocol undoes them.
  return TRANSACTIONS['2601']!(ctx, input);
};

function recordReversal(ctx: TxContext, omsgid: string, oinfno: string, psnNo: string, undid: boolean): TxAnswer {
  prepared(ctx.db, 'INSERT OR IGNORE INTO reversals (omsgid, oinfno, psn_no, undid_existing, at) VALUES (?,?,?,?,?)').run(omsgid, oinfno, psnNo, undid ? 1 : 0, ctx.now.toISOString());
  return ok({ omsgid, reversed: true, undid_existing: undid });
}

// ---- 3201 totals per insutype × clr_type × setl_optins ----
const totals: Handler = (ctx, input) => {
  const p = parse(totals3201Input, input);
  if (!p.ok) return p.answer;
  const d = p.value.data;
  const c = one(
    ctx.db,
    `SELECT count(*) AS n, coalesce(sum(${STMT_SQL.total}), 0) AS medfee, coalesce(sum(${STMT_SQL.fund}), 0) AS fund, coalesce(sum(${STMT_SQL.acct}), 0) AS acct
     FROM settlements s JOIN nat_settlements n ON n.setl_id = s.setl_id
     WHERE s.state = 'active' AND s.setl_date BETWEEN :begin AND :end AND s.insutype = :insutype AND n.clr_type = :clrType AND n.setl_optins = :setlOptins`,
    { begin: d.stmt_begndate, end: d.stmt_enddate, insutype: d.insutype, clrType: d.clr_type, setlOptins: d.setl_optins },
    TotalsRow,
  )!;
  const match = c.medfee === d.medfee_sumamt && c.fund === d.fund_pay_sumamt && c.acct === d.acct_pay && c.n === d.fixmedins_setl_cnt;
  return ok({
    stmtinfo: {
      setl_optins: d.setl_optins, stmt_rslt: match ? '0' : '1',
      stmt_rslt_dscr: match ? '对账一致' : `对账不一致：中心 ${c.n} 笔，医疗费 ${fenToYuan(c.medfee)}，基金 ${fenToYuan(c.fund)}，账户 ${fenToYuan(c.acct)}`,
    },
  });
};

/** The national transactions the sandbox answers, by infno. */
export const NATIONAL_TRANSACTIONS: Readonly<Record<string, Handler>> = {
  '9001': signIn,
  '9002': signOut,
  '1101': person,
  '2001': treatment,
  '5206': accumulators,
  '5301': filings,
  '5302': binding,
  '2201': register,
  '2202': unregister,
  '2203': visitInfo,
  '2204': fees,
  '2205': cancelFees,
  '2206': preSettle,
  '2207': settle,
  '2208': cancel,
  '2601': reversal,
  '3201': totals,
  // Drug traceability (issue 17): sales report and returns with drugtracinfo; 2601 reverses either.
  '3505': sale3505,
  '3506': return3506,
  '3202': details,
  '9101': upload,
  '9102': download,
};

/** Transactions that need a live sign-in (everything but signing in). */
export const needsSignIn = (infno: string): boolean => infno !== '9001';
