// The sandbox center's hospital stays (issue 19), in both protocols: 2401 admission (gives the
// mdtrt_id), 2403 change, 2404 cancel, 2402 discharge, 2405 its undo, 2301 fee lines, 2302
// their revocation, 2303 pre-settlement, 2304 settlement (mid_setl_flag: the lines so far, the
// stay goes on), 2305 its cancel. The bodies are the national ones (wire/national/inpatient.ts);
// our protocol's extras (hosp_lv, medins_setl_id, the window's own figures) are read when there.
// Each runs inside the server's transaction that stores the answer under the msgid, so a replay
// under the same msgid gets the first answer, and the server's fault switches apply as to any
// other transaction.
//
// The rules real centers enforce, enforced here:
// - one stay admitted per person at a time; every step names the stay and its person;
// - fees only between admission and settlement: a fee's day not before the admission day nor
//   after the discharge day, none on a stay whose final settlement stands; a feedetl_sn that is
//   already held (not revoked) is refused as a duplicate;
// - 2302 revokes unsettled lines only ("0000" = all of them);
// - no 2304 before 2402 unless mid-stay (mid_setl_flag 1, only while admitted);
// - 2404 only without fee lines (revoke them first) and before discharge;
// - 2405 only while the stay is not settled (2305 first);
// - 2305 only the stay's latest settlement that stands.
// The split is the window's own over a stay (inpatient/stay-split.ts: the engine per fee year,
// the deductible once per stay, the axis continuing after an earlier mid-stay settlement) with
// the sandbox's policy and the person's accumulators, over the stay's unsettled lines; 2303
// commits nothing, 2304 writes the settlement (clr_type 21) and the person's year.
import { z } from 'zod';
import type { Accumulators, SplitError, SplitOutcome, SplitResult } from '../../policy/split/types';
import { splitStay } from '../../inpatient/stay-split';
import { fenToYuan } from '../wire/national/decimal';
import {
  ALL_UNSETTLED, admit2401Input, cancel2305Input, change2403Input, discharge2402Input, fees2301Input, isInpatientMedType, revokeFees2302Input, settle2304Input, stayRefInput,
} from '../wire/national/inpatient';
import { setlinfoOfAmounts, type NationalAmounts } from '../wire/national/messages';
import { amountsFromWire, amountsOfSplit, amountsToWire, differingAmounts, type SettlementAmounts } from '../wire/settlement';
import { msgStamp } from '../wire/msgid';
import { personByPsnNo } from './persons';
import { latestPolicy, nextCounter, prepared, readYear } from './store';
import { sandboxPatient, type TxAnswer, type TxContext } from './transactions';
import { ok, parse, reject } from './answers';
import { insertInto, many, one, value, type Params } from '../../db/sql';
import {
  chinaTime, feeLineAnswers, fundLines, ownPayFlag, HELD_BY_LIVE_SETTLEMENT, personRejection, recordCancel, recordSettlement, refusedItems, sentLine, settlementLink, splitFeeLines, trimPlaces,
} from './settling';

type Protocol = 'simple' | 'national';
type Handler = (ctx: TxContext, input: unknown) => TxAnswer;


const COUNT = z.number().int();
/** A count (or a sum) the query answers in one value; 0 when it answers none. */
const countOf = (ctx: Pick<TxContext, 'db'>, sql: string, params: Params): number => value(ctx.db, sql, params, COUNT) ?? 0;

const StayRow = z.object({
  mdtrt_id: z.string(), msgid: z.string(), protocol: z.string(), psn_no: z.string(), insutype: z.string(), med_type: z.string(), ipt_no: z.string(),
  begntime: z.string(), endtime: z.string().nullable(), hosp_lv: z.number().int().nullable(), diagnoses: z.string(), dscg_diagnoses: z.string().nullable(),
  dscg_way: z.string().nullable(), dept_code: z.string(), dept_name: z.string(), bed: z.string().nullable(), doctor_code: z.string(), doctor_name: z.string(),
  state: z.enum(['admitted', 'discharged', 'cancelled']), created_at: z.string(), updated_at: z.string(),
});
type StayRow = z.output<typeof StayRow>;

const FeeRow = z.object({ feedetl_sn: z.string(), med_list_codg: z.string(), pric: z.string(), cnt: z.string(), own_pay: z.number().int(), amount: z.number().int(), fee_ocur_time: z.string() });
type FeeRow = z.output<typeof FeeRow>;

const SETTLED = HELD_BY_LIVE_SETTLEMENT;
/** The stay's settlements that stand, newest last. */
const LIVE_SETTLEMENTS = `SELECT i.setl_id, i.mid_setl FROM ipt_settlements i JOIN settlements s ON s.setl_id = i.setl_id
  WHERE i.mdtrt_id = :mdtrtId AND s.state = 'active' AND s.cancelled_by IS NULL ORDER BY i.created_seq`;
const LiveSettlement = z.object({ setl_id: z.string(), mid_setl: z.number().int() });

function liveSettlements(ctx: TxContext, mdtrtId: string): Array<z.output<typeof LiveSettlement>> {
  return many(ctx.db, LIVE_SETTLEMENTS, { mdtrtId }, LiveSettlement);
}

/** The stay's final (discharge) settlement stands. */
const finallySettled = (ctx: TxContext, mdtrtId: string): boolean => liveSettlements(ctx, mdtrtId).some((s) => s.mid_setl === 0);

function readStay(ctx: Pick<TxContext, 'db'>, mdtrtId: string): StayRow | undefined {
  return one(ctx.db, 'SELECT * FROM ipt_stays WHERE mdtrt_id = :mdtrtId', { mdtrtId }, StayRow);
}

/** The stay named, if it is the person's and not cancelled. */
function stayOf(ctx: TxContext, mdtrtId: string, psnNo: string): StayRow | TxAnswer {
  const s = readStay(ctx, mdtrtId);
  if (!s || s.state === 'cancelled') return reject('STAY_NOT_FOUND', `住院 ${mdtrtId.slice(0, 30)} 不存在或已撤销入院`);
  if (s.psn_no !== psnNo) return reject('PERSON_MISMATCH', '住院与人员编号不符');
  return s;
}
const isAnswer = (x: StayRow | TxAnswer): x is TxAnswer => 'infcode' in x;

const day = (t: string): string => t.slice(0, 10);
const codesOf = (rows: ReadonlyArray<{ diag_code: string }>): string[] => [...new Set(rows.map((d) => d.diag_code))];
const levelOf = (v: unknown): number | null => (v === undefined || v === null ? null : Number(v));

// ---- 2401 / 2403 / 2404 / 2402 / 2405 ----

const admit = (protocol: Protocol): Handler => (ctx, input) => {
  const p = parse(admit2401Input, input);
  if (!p.ok) return p.answer;
  const m = p.value.mdtrtinfo;
  const person = personByPsnNo(ctx.db, m.psn_no);
  if (!person) return reject('PERSON_NOT_FOUND', '未找到该参保人');
  const refused = personRejection(ctx, person.psn_no);
  if (refused) return reject('PERSON_REJECTED', refused);
  if (m.insutype !== person.insutype) return reject('INSUTYPE_MISMATCH', `险种 ${m.insutype} 与参保信息（${person.insutype}）不符`);
  if (!isInpatientMedType(m.med_type)) return reject('MED_TYPE_UNSUPPORTED', `医疗类别 ${m.med_type} 不是住院类别`);
  const open = one(ctx.db, "SELECT mdtrt_id FROM ipt_stays WHERE psn_no = :psnNo AND state = 'admitted'", { psnNo: m.psn_no }, z.object({ mdtrt_id: z.string() }));
  if (open) return reject('STAY_OPEN', `该参保人已有在院登记（${open.mdtrt_id}），请先出院或撤销入院`, { mdtrt_id: open.mdtrt_id });
  const diagnoses = codesOf(p.value.diseinfo).length ? codesOf(p.value.diseinfo) : [m.dscg_maindiag_code].filter(Boolean);
  const mdtrtId = `ZY${msgStamp(ctx.now).slice(0, 8)}${String(nextCounter(ctx.db, 'setl')).padStart(8, '0')}`;
  const at = ctx.now.toISOString();
  prepared(
    ctx.db,
    `INSERT INTO ipt_stays (mdtrt_id, msgid, protocol, psn_no, insutype, med_type, ipt_no, begntime, hosp_lv, diagnoses, dept_code, dept_name, bed, doctor_code, doctor_name, state, created_at, updated_at)
     VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'admitted',?,?)`,
  ).run(mdtrtId, ctx.msgid, protocol, m.psn_no, m.insutype, m.med_type, m.ipt_no, m.begntime, levelOf(m.hosp_lv), JSON.stringify(diagnoses), m.adm_dept_codg, m.adm_dept_name, m.adm_bed ?? null, m.atddr_no, m.chfpdr_name, at, at);
  return ok({ result: { mdtrt_id: mdtrtId, psn_no: m.psn_no, ipt_otp_no: m.ipt_no } });
};

const change: Handler = (ctx, input) => {
  const p = parse(change2403Input, input);
  if (!p.ok) return p.answer;
  const a = p.value.adminfo;
  const s = stayOf(ctx, a.mdtrt_id, a.psn_no);
  if (isAnswer(s)) return s;
  if (finallySettled(ctx, s.mdtrt_id)) return reject('STAY_SETTLED', '该住院已结算，不能变更入院信息（请先撤销结算 2305）');
  if (a.med_type !== undefined && !isInpatientMedType(a.med_type)) return reject('MED_TYPE_UNSUPPORTED', `医疗类别 ${a.med_type} 不是住院类别`);
  if (a.begntime !== undefined && day(a.begntime) !== day(s.begntime)) {
    const early = countOf(ctx, "SELECT count(*) FROM ipt_fees WHERE mdtrt_id = :mdtrtId AND state = 'open' AND substr(fee_ocur_time, 1, 10) < :day", { mdtrtId: s.mdtrt_id, day: day(a.begntime) });
    if (early > 0) return reject('FEE_BEFORE_ADMISSION', `有 ${early} 条费用早于新的入院日期`);
  }
  const diagnoses = p.value.diseinfo && p.value.diseinfo.length ? JSON.stringify(codesOf(p.value.diseinfo)) : s.diagnoses;
  prepared(
    ctx.db,
    `UPDATE ipt_stays SET med_type = ?, begntime = ?, hosp_lv = ?, diagnoses = ?, dept_code = ?, dept_name = ?, bed = ?, doctor_code = ?, doctor_name = ?, updated_at = ? WHERE mdtrt_id = ?`,
  ).run(
    a.med_type ?? s.med_type, a.begntime ?? s.begntime, levelOf(a.hosp_lv) ?? s.hosp_lv, diagnoses, a.adm_dept_codg ?? s.dept_code, a.adm_dept_name ?? s.dept_name,
    a.adm_bed ?? s.bed, a.atddr_no ?? s.doctor_code, a.chfpdr_name ?? s.doctor_name, ctx.now.toISOString(), s.mdtrt_id,
  );
  return ok(null);
};

const cancelAdmission: Handler = (ctx, input) => {
  const p = parse(stayRefInput, input);
  if (!p.ok) return p.answer;
  const s = stayOf(ctx, p.value.data.mdtrt_id, p.value.data.psn_no);
  if (isAnswer(s)) return s;
  if (s.state !== 'admitted') return reject('STAY_DISCHARGED', '该住院已出院登记，请先撤销出院（2405）');
  const fees = countOf(ctx, "SELECT count(*) FROM ipt_fees WHERE mdtrt_id = :mdtrtId AND state = 'open'", { mdtrtId: s.mdtrt_id });
  if (fees > 0) return reject('FEES_REMAIN', `该住院还有 ${fees} 条费用明细，请先撤销（2302；已结算的先撤销结算 2305）`);
  prepared(ctx.db, "UPDATE ipt_stays SET state = 'cancelled', updated_at = ? WHERE mdtrt_id = ?").run(ctx.now.toISOString(), s.mdtrt_id);
  return ok(null);
};

const discharge: Handler = (ctx, input) => {
  const p = parse(discharge2402Input, input);
  if (!p.ok) return p.answer;
  const d = p.value.dscginfo;
  const s = stayOf(ctx, d.mdtrt_id, d.psn_no);
  if (isAnswer(s)) return s;
  if (s.state !== 'admitted') return reject('ALREADY_DISCHARGED', '该住院已出院登记');
  if (d.insutype !== s.insutype) return reject('INSUTYPE_MISMATCH', '险种与入院时不符');
  if (day(d.endtime) < day(s.begntime)) return reject('INVALID_INPUT', `出院日期 ${day(d.endtime)} 早于入院日期 ${day(s.begntime)}`);
  const late = countOf(ctx, "SELECT count(*) FROM ipt_fees WHERE mdtrt_id = :mdtrtId AND state = 'open' AND substr(fee_ocur_time, 1, 10) > :day", { mdtrtId: s.mdtrt_id, day: day(d.endtime) });
  if (late > 0) return reject('FEE_AFTER_DISCHARGE', `有 ${late} 条费用晚于出院日期，请先撤销（2302）`);
  const dscg = codesOf(p.value.diseinfo).length ? codesOf(p.value.diseinfo) : [d.dise_codg].filter((c): c is string => Boolean(c));
  prepared(ctx.db, "UPDATE ipt_stays SET state = 'discharged', endtime = ?, dscg_diagnoses = ?, dscg_way = ?, updated_at = ? WHERE mdtrt_id = ?").run(
    d.endtime, JSON.stringify(dscg), d.dscg_way, ctx.now.toISOString(), s.mdtrt_id,
  );
  return ok(null);
};

const undoDischarge: Handler = (ctx, input) => {
  const p = parse(stayRefInput, input);
  if (!p.ok) return p.answer;
  const s = stayOf(ctx, p.value.data.mdtrt_id, p.value.data.psn_no);
  if (isAnswer(s)) return s;
  if (s.state !== 'discharged') return reject('NOT_DISCHARGED', '该住院没有出院登记');
  if (finallySettled(ctx, s.mdtrt_id)) return reject('STAY_SETTLED', '该住院已结算，请先撤销结算（2305）再撤销出院');
  prepared(ctx.db, "UPDATE ipt_stays SET state = 'admitted', endtime = NULL, dscg_diagnoses = NULL, dscg_way = NULL, updated_at = ? WHERE mdtrt_id = ?").run(ctx.now.toISOString(), s.mdtrt_id);
  return ok(null);
};

// ---- 2301 / 2302 ----

/** National: the level the center has on file for the institution; ours: the stay's own. */
const settledLevel = (ctx: TxContext, s: StayRow, protocol: Protocol): number => (protocol === 'national' ? ((ctx as { hospitalLevel?: number }).hospitalLevel ?? 1) : (s.hosp_lv ?? 1));

function splitOf(ctx: TxContext, s: StayRow, lines: readonly FeeRow[], useAccount: boolean, protocol: Protocol): SplitOutcome {
  const diagnoses = JSON.parse(s.dscg_diagnoses ?? s.diagnoses) as string[];
  return splitFeeLines(ctx, s.psn_no, { visitType: 'inpatient', hospitalLevel: settledLevel(ctx, s, protocol), date: day(s.begntime), diagnoses, useAccount, ...(ctx.institutionCode ? { institutionCode: ctx.institutionCode } : {}) }, lines);
}

/**
 * The stay's unsettled lines priced as the window prices them (electron/inpatient/stay-split.ts):
 * grouped by the year of their fee date, each part at its last fee date, the deductible once per
 * stay — the axis continues after the in-policy amount of the stay's settlements that stand (an
 * earlier mid-stay one). The sandbox keeps one running year per person: the part of the current
 * year (China time) starts from it, a part of another year from zero; its policy is the latest
 * published (a part dated outside it is refused as the engine refuses it).
 */
function stayPrice(ctx: TxContext, s: StayRow, lines: readonly FeeRow[], useAccount: boolean, protocol: Protocol): { ok: true; result: SplitResult } | { ok: false; error: SplitError } {
  const person = personByPsnNo(ctx.db, s.psn_no)!;
  const year = readYear(ctx.db, s.psn_no)!;
  const { accumulators: _held, ...patient } = sandboxPatient(person, year, ctx);
  const level = settledLevel(ctx, s, protocol);
  const axisStart = countOf(
    ctx,
    `SELECT coalesce(sum(json_extract(s.amounts, '$.eligible')), 0) FROM ipt_settlements i JOIN settlements s ON s.setl_id = i.setl_id
     WHERE i.mdtrt_id = :mdtrtId AND s.state = 'active' AND s.cancelled_by IS NULL`,
    { mdtrtId: s.mdtrt_id },
  );
  const thisYear = Number(chinaTime(ctx.now).slice(0, 4));
  const out = splitStay({
    lines: lines.map((l) => ({ code: l.med_list_codg, unitPrice: trimPlaces(l.pric), quantity: trimPlaces(l.cnt), ownPay: l.own_pay === 1, feeDate: day(l.fee_ocur_time) })),
    patient,
    accumulatorsOf: (y) => (y === thisYear ? year.accumulators : {}),
    tableFor: () => latestPolicy(ctx.db),
    visit: { hospitalLevel: level, diagnoses: JSON.parse(s.dscg_diagnoses ?? s.diagnoses) as string[], useAccount, ...(ctx.institutionCode ? { institutionCode: ctx.institutionCode } : {}) },
    axisStart,
  });
  return out.ok ? { ok: true, result: out.result.combined } : out;
}

const fees = (protocol: Protocol): Handler => (ctx, input) => {
  const p = parse(fees2301Input, input);
  if (!p.ok) return p.answer;
  const lines = p.value.feedetail;
  const first = lines[0]!;
  if (lines.some((l) => l.mdtrt_id !== first.mdtrt_id || l.psn_no !== first.psn_no)) return reject('INVALID_INPUT', '一批明细只能属于同一次住院');
  const s = stayOf(ctx, first.mdtrt_id, first.psn_no);
  if (isAnswer(s)) return s;
  if (finallySettled(ctx, s.mdtrt_id)) return reject('STAY_SETTLED', '该住院已结算，不能再上传费用（请先撤销结算 2305）');
  const refused = refusedItems(ctx, lines);
  if (refused) return refused;
  const seenInBatch = new Set<string>();
  const rows: FeeRow[] = [];
  for (const l of lines) {
    if (seenInBatch.has(l.feedetl_sn)) return reject('DUPLICATE_FEE', `明细流水号 ${l.feedetl_sn} 在本批中重复`);
    seenInBatch.add(l.feedetl_sn);
    const feeDay = day(l.fee_ocur_time);
    if (feeDay < day(s.begntime)) return reject('FEE_BEFORE_ADMISSION', `明细 ${l.feedetl_sn} 的费用日期 ${feeDay} 早于入院日期 ${day(s.begntime)}`);
    if (s.endtime && feeDay > day(s.endtime)) return reject('FEE_AFTER_DISCHARGE', `明细 ${l.feedetl_sn} 的费用日期 ${feeDay} 晚于出院日期 ${day(s.endtime)}`);
    const sent = sentLine(l);
    if ('infcode' in sent) return sent;
    const held = one(ctx.db, 'SELECT state FROM ipt_fees WHERE mdtrt_id = :mdtrtId AND feedetl_sn = :feedetlSn', { mdtrtId: s.mdtrt_id, feedetlSn: l.feedetl_sn }, z.object({ state: z.string() }));
    if (held?.state === 'open') return reject('DUPLICATE_FEE', `明细流水号 ${l.feedetl_sn} 已上传`);
    rows.push({ feedetl_sn: l.feedetl_sn, med_list_codg: l.med_list_codg, ...sent, own_pay: ownPayFlag(l.exp_content), fee_ocur_time: l.fee_ocur_time });
  }
  // The center classifies each line as it will settle it: the engine's line step over the batch.
  const split = splitOf(ctx, s, rows, true, protocol);
  if (!split.ok) return reject(split.error.code, split.error.message, { details: split.error.details ?? null });
  const put = prepared(
    ctx.db,
    "INSERT OR REPLACE INTO ipt_fees (mdtrt_id, feedetl_sn, msgid, med_list_codg, medins_list_codg, pric, cnt, own_pay, amount, fee_ocur_time, setl_id, state, seq) VALUES (?,?,?,?,?,?,?,?,?,?,NULL,'open',?)",
  );
  rows.forEach((r, i) => put.run(s.mdtrt_id, r.feedetl_sn, ctx.msgid, r.med_list_codg, lines[i]!.medins_list_codg, r.pric, r.cnt, r.own_pay, r.amount, r.fee_ocur_time, nextCounter(ctx.db, 'ipt_fee')));
  return ok({ result: feeLineAnswers(ctx, lines, split.result.items) });
};

const revokeFees: Handler = (ctx, input) => {
  const p = parse(revokeFees2302Input, input);
  if (!p.ok) return p.answer;
  const rows = p.value.rows;
  const first = rows[0]!;
  if (rows.some((r) => r.mdtrt_id !== first.mdtrt_id || r.psn_no !== first.psn_no)) return reject('INVALID_INPUT', '一次撤销只能属于同一次住院');
  const s = stayOf(ctx, first.mdtrt_id, first.psn_no);
  if (isAnswer(s)) return s;
  const now = ctx.now.toISOString();
  if (rows.some((r) => r.feedetl_sn === ALL_UNSETTLED)) {
    if (rows.length > 1) return reject('INVALID_INPUT', '"0000"（全部未结算明细）不能与其他流水号同时撤销');
    if (finallySettled(ctx, s.mdtrt_id)) return reject('STAY_SETTLED', '该住院已结算，没有可撤销的明细（请先撤销结算 2305）');
    const r = prepared(ctx.db, `UPDATE ipt_fees AS f SET state = 'revoked' WHERE mdtrt_id = ? AND state = 'open' AND NOT (${SETTLED})`).run(s.mdtrt_id);
    prepared(ctx.db, 'UPDATE ipt_stays SET updated_at = ? WHERE mdtrt_id = ?').run(now, s.mdtrt_id);
    return ok({ revoked: r.changes });
  }
  const wanted = [...new Set(rows.map((r) => r.feedetl_sn))];
  for (const sn of wanted) {
    const f = one(ctx.db, `SELECT state, (${SETTLED}) AS settled FROM ipt_fees f WHERE mdtrt_id = :mdtrtId AND feedetl_sn = :sn`, { mdtrtId: s.mdtrt_id, sn }, z.object({ state: z.string(), settled: z.number().int() }));
    if (!f || f.state !== 'open') return reject('FEE_NOT_FOUND', `明细流水号 ${sn.slice(0, 30)} 不存在或已撤销`);
    if (f.settled) return reject('FEES_SETTLED', `明细 ${sn.slice(0, 30)} 已结算，请先撤销结算（2305）`);
  }
  const upd = prepared(ctx.db, "UPDATE ipt_fees SET state = 'revoked' WHERE mdtrt_id = ? AND feedetl_sn = ?");
  for (const sn of wanted) upd.run(s.mdtrt_id, sn);
  return ok({ revoked: wanted.length });
};

// ---- 2303 / 2304 / 2305 ----

type Priced =
  | { ok: true; s: StayRow; mid: boolean; lines: FeeRow[]; amounts: SettlementAmounts; accumulatorsAfter: Accumulators; setldetail: unknown[]; client: SettlementAmounts | null; medinsSetlId: string | null }
  | { ok: false; answer: TxAnswer };

/** What settling the stay's unsettled lines comes to now (2303 answers it, 2304 commits it). */
function price(ctx: TxContext, input: unknown, protocol: Protocol): Priced {
  const p = parse(settle2304Input, input);
  if (!p.ok) return p;
  const d = p.value.data;
  const s = stayOf(ctx, d.mdtrt_id, d.psn_no);
  if (isAnswer(s)) return { ok: false, answer: s };
  const refused = personRejection(ctx, d.psn_no);
  if (refused) return { ok: false, answer: reject('PERSON_REJECTED', refused) };
  if (d.insutype !== s.insutype) return { ok: false, answer: reject('INSUTYPE_MISMATCH', '险种与入院时不符') };
  if (finallySettled(ctx, s.mdtrt_id)) return { ok: false, answer: reject('STAY_SETTLED', '该住院已结算') };
  const lines = many(
    ctx.db,
    `SELECT feedetl_sn, med_list_codg, pric, cnt, own_pay, amount, fee_ocur_time FROM ipt_fees f WHERE mdtrt_id = :mdtrtId AND state = 'open' AND NOT (${SETTLED}) ORDER BY seq`,
    { mdtrtId: s.mdtrt_id },
    FeeRow,
  );
  if (lines.length === 0) return { ok: false, answer: reject('NO_FEES', '该住院没有待结算的费用明细') };
  const sum = lines.reduce((a, l) => a + l.amount, 0);
  if (sum !== d.medfee_sumamt) return { ok: false, answer: reject('MEDFEE_MISMATCH', `医疗费总额 ${fenToYuan(d.medfee_sumamt)} 与待结算明细合计 ${fenToYuan(sum)} 不符`, { center_medfee_sumamt: fenToYuan(sum) }) };
  // Ours: the window's own figures, when sent, to answer where the center differs.
  let client: SettlementAmounts | null = null;
  // The raw body, not the parsed one: parsing turned medfee_sumamt into fen, while the window's
  // figures are read as the wire has them (yuan strings), all of them together.
  const raw = (input as { data?: unknown }).data;
  const extra: Record<string, unknown> = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  if (protocol === 'simple' && extra.hifp_pay !== undefined) {
    try {
      client = amountsFromWire(extra);
    } catch {
      return { ok: false, answer: reject('INVALID_INPUT', '结算金额字段格式不正确') };
    }
  }
  if (protocol === 'simple' && extra.hosp_lv !== undefined) {
    const lv = Number(extra.hosp_lv);
    if (![1, 2, 3].includes(lv)) return { ok: false, answer: reject('INVALID_INPUT', 'hosp_lv 应为 1–3') };
    s.hosp_lv = lv;
  }
  const medinsSetlId = typeof extra.medins_setl_id === 'string' && extra.medins_setl_id ? extra.medins_setl_id.slice(0, 64) : null;
  const split = stayPrice(ctx, s, lines, d.acct_used_flag === '1', protocol);
  if (!split.ok) return { ok: false, answer: reject(split.error.code, split.error.message, { details: split.error.details ?? null }) };
  const r = split.result;
  const person = personByPsnNo(ctx.db, d.psn_no)!;
  return {
    ok: true, s, mid: d.mid_setl_flag === '1', lines, amounts: amountsOfSplit(r), accumulatorsAfter: r.accumulatorsAfter, setldetail: fundLines(person.insutype, r), client, medinsSetlId,
  };
}

/** The answer's setlinfo: the national layout; ours adds the co-pay (2207's amount fields). */
function setlinfoOf(ctx: TxContext, s: StayRow, a: SettlementAmounts, protocol: Protocol, extra: Record<string, unknown>): Record<string, unknown> {
  const person = personByPsnNo(ctx.db, s.psn_no)!;
  return {
    ...(protocol === 'simple' ? amountsToWire(a) : setlinfoOfAmounts(a as NationalAmounts)),
    hosp_part_amt: '0.00', mdtrt_id: s.mdtrt_id, psn_no: s.psn_no, psn_name: person.psn_name, insutype: s.insutype, psn_type: person.psn_type, med_type: s.med_type,
    setl_time: chinaTime(ctx.now), clr_optins: person.insuplc_admdvs, clr_way: '1', clr_type: '21', ...extra,
  };
}

const preSettle = (protocol: Protocol): Handler => (ctx, input) => {
  const pr = price(ctx, input, protocol);
  if (!pr.ok) return pr.answer;
  const balance = readYear(ctx.db, pr.s.psn_no)!.balance - pr.amounts.accountPay;
  const differs = pr.client ? differingAmounts(pr.client, pr.amounts) : [];
  return ok({
    setlinfo: setlinfoOf(ctx, pr.s, pr.amounts, protocol, { balc: fenToYuan(balance), mid_setl_flag: pr.mid ? '1' : '0' }),
    setldetail: pr.setldetail,
    ...(protocol === 'simple' && pr.client ? { stmt: differs.length ? 'adjusted' : 'accepted', adjusted_fields: differs } : {}),
  });
};

const settle = (protocol: Protocol): Handler => (ctx, input) => {
  const pr = price(ctx, input, protocol);
  if (!pr.ok) return pr.answer;
  const { s, amounts } = pr;
  if (!pr.mid && s.state !== 'discharged') return reject('NOT_DISCHARGED', '尚未办理出院（2402），不能出院结算；在院期间只能中途结算（mid_setl_flag=1）');
  if (pr.mid && s.state !== 'admitted') return reject('STAY_DISCHARGED', '已出院登记的住院不能中途结算，请办理出院结算');
  if (pr.medinsSetlId) {
    const dup = one(ctx.db, "SELECT setl_id FROM settlements WHERE kind = 'settle' AND state = 'active' AND cancelled_by IS NULL AND medins_setl_id = :medinsSetlId", { medinsSetlId: pr.medinsSetlId }, z.object({ setl_id: z.string() }));
    if (dup) return reject('DUPLICATE_SETTLEMENT', `该机构结算号已结算（中心结算号 ${dup.setl_id}），不能重复结算`, { setl_id: dup.setl_id });
  }
  const differs = pr.client ? differingAmounts(pr.client, amounts) : [];
  const stmt = differs.length ? 'adjusted' : 'accepted';
  // medins_setl_id: ours names the journal's settlement; the national one holds the msgid (as 2207).
  const medinsSetlId = pr.medinsSetlId ?? ctx.msgid;
  const { setlId, balance } = recordSettlement(ctx, {
    psnNo: s.psn_no, insutype: s.insutype, medinsSetlId, amounts, accumulatorsAfter: pr.accumulatorsAfter, stmt,
    mdtrtId: s.mdtrt_id, chrgBchno: '', clrType: '21', feeTable: 'ipt_fees', feedetlSns: pr.lines.map((l) => l.feedetl_sn),
  });
  insertInto(ctx.db, 'ipt_settlements', { setl_id: setlId, mdtrt_id: s.mdtrt_id, mid_setl: pr.mid ? 1 : 0, created_seq: nextCounter(ctx.db, 'ipt_setl') });
  const info = setlinfoOf(ctx, s, amounts, protocol, { setl_id: setlId, medins_setl_id: medinsSetlId, balc: fenToYuan(balance), mid_setl_flag: pr.mid ? '1' : '0' });
  return ok({
    setlinfo: info,
    setldetail: pr.setldetail,
    ...(protocol === 'simple' ? { setl_id: setlId, mdtrt_id: s.mdtrt_id, balc: fenToYuan(balance), stmt, adjusted_fields: differs, accumulators: pr.accumulatorsAfter } : {}),
  });
};

const cancelSettlement = (protocol: Protocol): Handler => (ctx, input) => {
  const p = parse(cancel2305Input, input);
  if (!p.ok) return p.answer;
  const d = p.value.data;
  const s = stayOf(ctx, d.mdtrt_id, d.psn_no);
  if (isAnswer(s)) return s;
  const live = liveSettlements(ctx, s.mdtrt_id);
  const idx = live.findIndex((x) => x.setl_id === d.setl_id);
  if (idx < 0) return reject('SETTLEMENT_NOT_FOUND', `住院 ${s.mdtrt_id} 下没有有效的结算 ${d.setl_id.slice(0, 30)}`);
  if (idx !== live.length - 1) return reject('LATER_SETTLEMENT', `该住院之后还有结算 ${live.at(-1)!.setl_id}，请先撤销后一次结算`);
  // The settlement's effect on the person's year undone, a cancel row written: as 2208 does.
  const link = settlementLink(ctx, d.setl_id);
  if (!link) return reject('SETTLEMENT_NOT_FOUND', `住院 ${s.mdtrt_id} 下没有有效的结算 ${d.setl_id.slice(0, 30)}`);
  const c = recordCancel(ctx, d.setl_id, d.psn_no, link);
  if (!c.ok) return c.answer;
  return ok({
    setlinfo: setlinfoOf(ctx, s, c.amounts, protocol, { setl_id: c.cancelId, orig_setl_id: d.setl_id, balc: fenToYuan(c.balance) }),
    setldetail: [],
    ...(protocol === 'simple' ? { setl_id: c.cancelId, mdtrt_id: s.mdtrt_id } : {}),
  });
};

function transactions(protocol: Protocol): Readonly<Record<string, Handler>> {
  return {
    '2401': admit(protocol),
    '2402': discharge,
    '2403': change,
    '2404': cancelAdmission,
    '2405': undoDischarge,
    '2301': fees(protocol),
    '2302': revokeFees,
    '2303': preSettle(protocol),
    '2304': settle(protocol),
    '2305': cancelSettlement(protocol),
  };
}

/** Our protocol's hospital transactions (/tx). */
export const SIMPLE_INPATIENT_TRANSACTIONS = transactions('simple');
/** The national ones (the national endpoint; sign-in checked by the server first). */
export const NATIONAL_INPATIENT_TRANSACTIONS = transactions('national');

/** What the center holds for a stay (tests and the control endpoint). */
export function sandboxStay(ctx: Pick<TxContext, 'db'>, mdtrtId: string): { state: string; openFees: number; unsettledFees: number; liveSettlements: Array<{ setl_id: string; mid: boolean }> } | null {
  const s = readStay(ctx, mdtrtId);
  if (!s) return null;
  const open = countOf(ctx, "SELECT count(*) FROM ipt_fees WHERE mdtrt_id = :mdtrtId AND state = 'open'", { mdtrtId });
  const unsettled = countOf(ctx, `SELECT count(*) FROM ipt_fees f WHERE mdtrt_id = :mdtrtId AND state = 'open' AND NOT (${SETTLED})`, { mdtrtId });
  const live = liveSettlements(ctx as TxContext, mdtrtId);
  const settled = live.some((x) => x.mid_setl === 0);
  return { state: settled ? 'settled' : s.state, openFees: open, unsettledFees: unsettled, liveSettlements: live.map((x) => ({ setl_id: x.setl_id, mid: x.mid_setl === 1 })) };
}
