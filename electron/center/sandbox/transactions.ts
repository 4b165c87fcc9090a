// The sandbox center's transactions. Each runs inside the server's SQLite transaction that
// also stores the answer under the message id, so an effect and its answer commit together.
import { z } from 'zod';
import { computeSplit } from '../../policy/split';
import type { Accumulators, BillItem, Patient, PolicyDelta, PolicyTable } from '../../policy/split/types';
import { medTypeToVisitType, insutypeToInsuranceType, insuStatusToStatus, psnTypeToPersonGroup } from '../wire/codes';
import { fenToYuan, tryYuanToFen } from '../../api/money';
import { msgStamp } from '../wire/msgid';
import { amountsFromWire, amountsOfSplit, amountsToWire, differingAmounts, negateAmounts, type SettlementAmounts } from '../wire/settlement';
import { DEMO_YEAR_START, type DemoPerson } from './demo-persons';
import { findPerson, personByPsnNo } from './persons';
import { splitRecordsOf } from './national/person-records';
import type { FaultSettings } from './faults';
import { drugTracInfoSchema, recordTraceSales, refuseSoldCodes, return3506, reverseTraceMessage, sale3505 } from './trace-sales';
import { accumulatorDelta, addAccumulators, latestPolicy, nextCounter, policyAt, prepared, readYear, SandboxSettlementRow, STMT_SQL, writeYear, type SandboxDb } from './store';
import { many, one, value } from '../../db/sql';
import { ok, parse, reject } from './answers';

export interface TxAnswer {
  infcode: 0 | -1;
  err_msg: string;
  output: unknown;
}

export interface TxContext {
  db: SandboxDb;
  now: Date;
  faults: FaultSettings;
  msgid: string;
  infno: string;
  /** The institution asking (its code as the center has it; its name as the envelope gave it). Absent in unit rigs: bindings then unknown. */
  institutionCode?: string;
  institutionName?: string;
}

function personRejection(faults: FaultSettings, p: DemoPerson): string | undefined {
  return faults.rejectPersons[p.psn_no] ?? faults.rejectPersons[p.certno] ?? faults.rejectPersons[p.card_no] ?? faults.rejectPersons[p.ec_token];
}

// ---- 9001 / 9002 ----
const signInSchema = z.object({ signIn: z.object({ opter_no: z.string().min(1), mac: z.string().optional(), ip: z.string().optional() }) });
function signIn(ctx: TxContext, input: unknown): TxAnswer {
  const p = parse(signInSchema, input);
  if (!p.ok) return p.answer;
  const signNo = `SN${msgStamp(ctx.now)}${String(nextCounter(ctx.db, 'sign_no')).padStart(6, '0')}`;
  ctx.db.prepare('INSERT INTO sign_ins (sign_no, opter_no, at) VALUES (?,?,?)').run(signNo, p.value.signIn.opter_no, ctx.now.toISOString());
  return ok({ signinoutb: { sign_time: ctx.now.toISOString(), sign_no: signNo } });
}

const signOutSchema = z.object({ signOut: z.object({ sign_no: z.string().min(1), opter_no: z.string().min(1) }) });
function signOut(ctx: TxContext, input: unknown): TxAnswer {
  const p = parse(signOutSchema, input);
  if (!p.ok) return p.answer;
  const r = ctx.db.prepare('UPDATE sign_ins SET signed_out = 1 WHERE sign_no = ?').run(p.value.signOut.sign_no);
  return r.changes ? ok(null) : reject('SIGN_NO_UNKNOWN', '签到号不存在');
}

// ---- 1101 ----
const personSchema = z.object({
  data: z.object({ mdtrt_cert_type: z.enum(['01', '02', '03']), mdtrt_cert_no: z.string().min(1).max(64), card_sn: z.string().max(64).optional(), psn_name: z.string().optional() }),
});
function personInfo(ctx: TxContext, input: unknown): TxAnswer {
  const p = parse(personSchema, input);
  if (!p.ok) return p.answer;
  const d = p.value.data;
  const person = findPerson(ctx.db, d.mdtrt_cert_type, d.mdtrt_cert_no);
  if (!person) return reject('PERSON_NOT_FOUND', '未找到该参保人');
  if (d.mdtrt_cert_type === '03' && d.card_sn && d.card_sn !== person.card_sn) return reject('CARD_SN_MISMATCH', '社保卡识别码与卡号不符（卡片可能已挂失或补换）');
  const refused = personRejection(ctx.faults, person);
  if (refused) return reject('PERSON_REJECTED', refused);
  const year = readYear(ctx.db, person.psn_no)!;
  const answer = ok({
    baseinfo: { psn_no: person.psn_no, psn_name: person.psn_name, gend: person.gend, brdy: person.brdy, certno: person.certno },
    insuinfo: [{ insutype: person.insutype, psn_type: person.psn_type, balc: fenToYuan(year.balance), psn_insu_stas: person.psn_insu_stas, insuplc_admdvs: person.insuplc_admdvs }],
    accumulators: year.accumulators,
    // Our protocol's equivalent of national 5301 / 5302 (docs/CENTER.md "Filings and bindings").
    ...recordsWire(person.psn_no, person.insutype, ctx),
  });
  // A claim from another hospital reaches the center right after this answer (see demo-persons).
  const outside = DEMO_YEAR_START[person.psn_no]?.outsideVisitAfterLookup;
  if (outside) {
    const delta = { [outside.accumulator]: { eligible: outside.eligible, fundPaid: outside.fundPaid } };
    writeYear(ctx.db, person.psn_no, { ...year, accumulators: addAccumulators(year.accumulators, delta, 1) }, ctx.now.toISOString());
  }
  return answer;
}

/** The person's chronic-disease filings and clinic bindings in the 1101 answer of our protocol. */
function recordsWire(psnNo: string, insutype: string, ctx: TxContext): { opspdise: unknown[]; psnfixmedin: unknown[] } {
  const r = splitRecordsOf(psnNo, insutype, { code: ctx.institutionCode ?? '', name: ctx.institutionName ?? '' });
  return {
    opspdise: r.filings.map((f) => ({ opsp_dise_code: f.code, opsp_dise_name: f.name ?? f.code, begndate: f.begin, enddate: f.end })),
    psnfixmedin: r.bindings.map((b) => ({ biz_appy_type: b.bizType, fixmedins_code: b.institutionCode, fixmedins_name: b.institutionName ?? '', begndate: b.begin, enddate: b.end })),
  };
}

/** The patient as the sandbox's own split sees them: the year, the filings and bindings on file. */
export function sandboxPatient(person: { psn_no: string; insutype: string; psn_type: string; psn_insu_stas: string }, year: { balance: number; accumulators: Accumulators }, ctx: TxContext): Patient {
  const patient: Patient = {
    insuranceType: insutypeToInsuranceType(person.insutype),
    personGroup: psnTypeToPersonGroup(person.psn_type),
    status: insuStatusToStatus(person.psn_insu_stas),
    accountBalance: year.balance,
    accumulators: year.accumulators,
  };
  const records = splitRecordsOf(person.psn_no, person.insutype, { code: ctx.institutionCode ?? '', name: ctx.institutionName ?? '' });
  // Without the asking institution (unit rigs) the bindings cannot be judged: left unknown.
  return ctx.institutionCode === undefined ? { ...patient, filings: records.filings } : { ...patient, ...records };
}

// ---- 1399 ----
const policySchema = z.object({ data: z.object({ seq: z.number().int().min(0) }) });
function policyTable(ctx: TxContext, input: unknown): TxAnswer {
  const p = parse(policySchema, input);
  if (!p.ok) return p.answer;
  const latest = latestPolicy(ctx.db);
  const held = p.value.data.seq;
  if (held === latest.seq) return ok({ kind: 'current' });
  const old = held > 0 && held < latest.seq ? policyAt(ctx.db, held) : null;
  if (!old) return ok({ kind: 'full', table: latest });
  return ok({ kind: 'delta', delta: diffTables(old, latest) });
}

/** The change from one published table to another, as one policy-delta/1. */
export function diffTables(from: PolicyTable, to: PolicyTable): PolicyDelta {
  const before = new Map(from.catalog.map((e) => [e.code, JSON.stringify(e)]));
  const after = new Set(to.catalog.map((e) => e.code));
  const delta: PolicyDelta = {
    format: 'policy-delta/1',
    fromSeq: from.seq,
    toSeq: to.seq,
    version: to.version,
    effectiveFrom: to.effectiveFrom,
    effectiveTo: to.effectiveTo,
    catalogUpserts: to.catalog.filter((e) => before.get(e.code) !== JSON.stringify(e)),
    catalogDeletes: from.catalog.filter((e) => !after.has(e.code)).map((e) => e.code),
  };
  if (JSON.stringify(from.schemes) !== JSON.stringify(to.schemes)) delta.schemes = to.schemes;
  // [] = no rules (a delta without the field keeps the previous ones).
  if (JSON.stringify(from.diseaseRules ?? []) !== JSON.stringify(to.diseaseRules ?? [])) delta.diseaseRules = to.diseaseRules ?? [];
  return delta;
}

// ---- 2207 ----
const yuan = z.string().refine((s) => tryYuanToFen(s) !== null, '金额应为两位小数的元');
const decimal = z.string().regex(/^\d{1,10}(\.\d{1,4})?$/, '应为十进制数字串');
const upload2207Schema = z.object({
  setlinfo: z.object({
    medins_setl_id: z.string().min(1).max(64),
    psn_no: z.string().min(1).max(40),
    mdtrt_cert_type: z.string().max(4).optional(),
    mdtrt_cert_no: z.string().max(64).optional(),
    insutype: z.string().min(1),
    psn_type: z.string().optional(),
    med_type: z.string(),
    hosp_lv: z.union([z.string(), z.number()]),
    setl_time: z.string().regex(/^\d{4}-\d{2}-\d{2}/, '应为 yyyy-MM-dd HH:mm:ss'),
    dise_codg: z.array(z.string()).optional().default([]),
    acct_used_flag: z.enum(['0', '1']),
    policy_seq: z.number().int().optional(),
    offline_flag: z.enum(['0', '1']).optional(),
    medfee_sumamt: yuan,
  }).passthrough(),
  feedetail: z.array(z.object({ feedetl_sn: z.union([z.string(), z.number()]), med_list_codg: z.string().min(1), pric: decimal, cnt: decimal, det_item_fee_sumamt: yuan.optional(), own_pay_flag: z.enum(['0', '1']).optional(), drugtracinfo: drugTracInfoSchema.optional() })).min(1),
});

function settle(ctx: TxContext, input: unknown): TxAnswer {
  const p = parse(upload2207Schema, input);
  if (!p.ok) return p.answer;
  const s = p.value.setlinfo;
  const person = personByPsnNo(ctx.db, s.psn_no);
  if (!person) return reject('PERSON_NOT_FOUND', '未找到该参保人');
  const refused = personRejection(ctx.faults, person);
  if (refused) return reject('PERSON_REJECTED', refused);
  const badItems = p.value.feedetail.filter((f) => ctx.faults.rejectItems[f.med_list_codg] !== undefined);
  if (badItems.length) {
    const codes = badItems.map((f) => f.med_list_codg);
    return reject('ITEM_REJECTED', `项目不予支付：${codes.map((c) => `${c}（${ctx.faults.rejectItems[c]}）`).join('；')}`, { codes });
  }
  let clientAmounts: SettlementAmounts;
  try {
    clientAmounts = amountsFromWire(s);
  } catch {
    return reject('INVALID_INPUT', '结算金额字段缺失或格式不正确');
  }
  const dup = value(ctx.db, "SELECT setl_id FROM settlements WHERE kind = 'settle' AND state = 'active' AND medins_setl_id = :medinsSetlId", { medinsSetlId: s.medins_setl_id }, z.string());
  if (dup !== undefined) return reject('DUPLICATE_SETTLEMENT', `该机构结算号已结算（中心结算号 ${dup}），不能重复上传`, { setl_id: dup });
  const visitType = medTypeToVisitType(s.med_type);
  if (!visitType) return reject('INVALID_INPUT', `医疗类别不支持：${s.med_type}`);
  // Drug traceability codes (issue 17): a package sold anywhere before, and not returned, is refused.
  const traced = p.value.feedetail.flatMap((f) => (f.drugtracinfo ?? []).map((d) => ({ code: d.drug_trac_codg, medListCodg: f.med_list_codg })));
  const soldBefore = refuseSoldCodes(ctx.db, traced.map((t) => t.code));
  if (soldBefore) return soldBefore;

  let year = readYear(ctx.db, person.psn_no)!;
  const items: BillItem[] = p.value.feedetail.map((f) => ({ code: f.med_list_codg, unitPrice: f.pric, quantity: f.cnt, ...(f.own_pay_flag === '1' ? { ownPay: true } : {}) }));
  const outcome = computeSplit(
    latestPolicy(ctx.db),
    sandboxPatient(person, year, ctx),
    { visitType, hospitalLevel: Number(s.hosp_lv), date: s.setl_time.slice(0, 10), diagnoses: s.dise_codg, useAccount: s.acct_used_flag === '1', institutionCode: ctx.institutionCode },
    items,
  );
  if (!outcome.ok) return reject(outcome.error.code, outcome.error.message, { details: outcome.error.details ?? null });
  let r = outcome.result;
  // Fault: a claim from another hospital arrived first (once per person): the center's split,
  // made on top of it, differs from the window's — the answer is an adjustment.
  const claimKey = [person.psn_no, person.certno, person.card_no, person.ec_token].find((k) => ctx.faults.outsideClaims[k] !== undefined);
  if (claimKey !== undefined) {
    const eligible = ctx.faults.outsideClaims[claimKey]!;
    delete ctx.faults.outsideClaims[claimKey];
    const changed = Object.entries(accumulatorDelta(year.accumulators, r.accumulatorsAfter)).find(([, v]) => typeof v === 'object')?.[0];
    if (changed) {
      year = { ...year, accumulators: addAccumulators(year.accumulators, { [changed]: { eligible, fundPaid: 0 } }, 1) };
      const again = computeSplit(
        latestPolicy(ctx.db),
        sandboxPatient(person, year, ctx),
        { visitType, hospitalLevel: Number(s.hosp_lv), date: s.setl_time.slice(0, 10), diagnoses: s.dise_codg, useAccount: s.acct_used_flag === '1', institutionCode: ctx.institutionCode },
        items,
      );
      if (again.ok) r = again.result;
    }
  }
  const center = amountsOfSplit(r);
  const differs = differingAmounts(clientAmounts, center);
  const stmt = differs.length ? 'adjusted' : 'accepted';
  const at = ctx.now.toISOString();
  const n = nextCounter(ctx.db, 'setl');
  const setlId = `ST${msgStamp(ctx.now).slice(0, 8)}${String(n).padStart(8, '0')}`;
  const mdtrtId = `MD${msgStamp(ctx.now).slice(0, 8)}${String(n).padStart(8, '0')}`;
  const delta = accumulatorDelta(year.accumulators, r.accumulatorsAfter);
  const balance = year.balance - r.accountPay;
  writeYear(ctx.db, person.psn_no, { balance, accumulators: r.accumulatorsAfter }, at);
  prepared(ctx.db, 'INSERT INTO settlements (setl_id, kind, msgid, medins_setl_id, psn_no, insutype, setl_date, amounts, accum_delta, stmt, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)')
    .run(setlId, 'settle', ctx.msgid, s.medins_setl_id, person.psn_no, person.insutype, s.setl_time.slice(0, 10), JSON.stringify(center), JSON.stringify(delta), stmt, at);
  recordTraceSales(ctx, traced.map((t) => ({ ...t, psnNo: person.psn_no, psnName: person.psn_name, setlId })));
  return ok({
    setlinfo: { ...amountsToWire(center), setl_id: setlId, mdtrt_id: mdtrtId, psn_no: person.psn_no, medins_setl_id: s.medins_setl_id, setl_time: s.setl_time, policy_seq: latestPolicy(ctx.db).seq, balc: fenToYuan(balance) },
    setl_id: setlId,
    mdtrt_id: mdtrtId,
    balc: fenToYuan(balance),
    stmt,
    adjusted_fields: differs,
    accumulators: r.accumulatorsAfter,
  });
}

/** Apply (sign 1) or undo (sign -1) a settlement row's effect on the person's year. */
function applyEffect(ctx: TxContext, row: SandboxSettlementRow, sign: 1 | -1): void {
  const year = readYear(ctx.db, row.psn_no)!;
  const amounts = JSON.parse(row.amounts) as SettlementAmounts;
  const delta = JSON.parse(row.accum_delta) as Record<string, { eligible: number; fundPaid: number } | number>;
  writeYear(ctx.db, row.psn_no, { balance: year.balance - sign * amounts.accountPay, accumulators: addAccumulators(year.accumulators, delta, sign) }, ctx.now.toISOString());
}

// ---- 2208 ----
const cancelSchema = z.object({ data: z.object({ setl_id: z.string().min(1), psn_no: z.string().min(1) }) });
function cancel(ctx: TxContext, input: unknown): TxAnswer {
  const p = parse(cancelSchema, input);
  if (!p.ok) return p.answer;
  const row = one(ctx.db, "SELECT * FROM settlements WHERE setl_id = :setlId AND kind = 'settle'", { setlId: p.value.data.setl_id }, SandboxSettlementRow);
  if (!row || row.state !== 'active') return reject('SETTLEMENT_NOT_FOUND', '未找到该结算（或已被冲正）');
  if (row.psn_no !== p.value.data.psn_no) return reject('PERSON_MISMATCH', '结算与人员编号不符');
  if (row.cancelled_by) return reject('ALREADY_CANCELLED', `该结算已撤销（${row.cancelled_by}）`);
  const amounts = negateAmounts(JSON.parse(row.amounts) as SettlementAmounts);
  const delta = addAccumulators({}, JSON.parse(row.accum_delta) as Record<string, number>, -1);
  const setlId = `RF${msgStamp(ctx.now).slice(0, 8)}${String(nextCounter(ctx.db, 'setl')).padStart(8, '0')}`;
  const cancelRow: SandboxSettlementRow = { ...row, setl_id: setlId, kind: 'cancel', msgid: ctx.msgid, amounts: JSON.stringify(amounts), accum_delta: JSON.stringify(delta), cancels: row.setl_id, cancelled_by: null, setl_date: chinaDay(ctx.now) };
  ctx.db
    .prepare('INSERT INTO settlements (setl_id, kind, msgid, medins_setl_id, psn_no, insutype, setl_date, amounts, accum_delta, cancels, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)')
    .run(setlId, 'cancel', ctx.msgid, row.medins_setl_id, row.psn_no, row.insutype, cancelRow.setl_date, cancelRow.amounts, cancelRow.accum_delta, row.setl_id, ctx.now.toISOString());
  ctx.db.prepare('UPDATE settlements SET cancelled_by = ? WHERE setl_id = ?').run(setlId, row.setl_id);
  applyEffect(ctx, { ...cancelRow, amounts: JSON.stringify(amounts) }, 1);
  const year = readYear(ctx.db, row.psn_no)!;
  return ok({ setlinfo: { ...amountsToWire(amounts), setl_id: setlId, orig_setl_id: row.setl_id, psn_no: row.psn_no, balc: fenToYuan(year.balance) } });
}

function chinaDay(d: Date): string {
  const s = msgStamp(d);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

// ---- 2601 ----
const reversalSchema = z.object({ data: z.object({ psn_no: z.string().min(1), omsgid: z.string().min(1).max(64), oinfno: z.string().regex(/^\d{4}$/) }) });
function reversal(ctx: TxContext, input: unknown): TxAnswer {
  const p = parse(reversalSchema, input);
  if (!p.ok) return p.answer;
  const { omsgid, oinfno, psn_no } = p.value.data;
  if (ctx.db.prepare('SELECT 1 FROM reversals WHERE omsgid = ?').get(omsgid)) return ok({ omsgid, reversed: true });
  const rows = many(ctx.db, "SELECT * FROM settlements WHERE msgid = :omsgid AND state = 'active'", { omsgid }, SandboxSettlementRow);
  for (const row of rows) {
    if (row.psn_no !== psn_no) return reject('PERSON_MISMATCH', '冲正的人员编号与原交易不符');
    if (row.kind === 'settle' && row.cancelled_by) return reject('ALREADY_CANCELLED', '原结算已撤销，不能再冲正');
  }
  for (const row of rows) {
    applyEffect(ctx, row, -1);
    ctx.db.prepare("UPDATE settlements SET state = 'reversed' WHERE setl_id = ?").run(row.setl_id);
    if (row.kind === 'cancel' && row.cancels) ctx.db.prepare('UPDATE settlements SET cancelled_by = NULL WHERE setl_id = ?').run(row.cancels);
  }
  // A 3505 sales report or a 3506 return reversed: its codes are sold (or held) as before it.
  const tracedUndone = reverseTraceMessage(ctx.db, omsgid);
  const undid = rows.length > 0 || tracedUndone;
  ctx.db.prepare('INSERT INTO reversals (omsgid, oinfno, psn_no, undid_existing, at) VALUES (?,?,?,?,?)').run(omsgid, oinfno, psn_no, undid ? 1 : 0, ctx.now.toISOString());
  return ok({ omsgid, reversed: true, undid_existing: undid });
}

// ---- 3201 / 3202 ----
// Both are answered in SQL over the amounts JSON (STMT_SQL), never by reading whole rows into
// JavaScript: a month's 3201 is one pass over the settlements_stmt index.
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const TOTALS_SELECT = `SELECT count(*) AS n, coalesce(sum(${STMT_SQL.total}), 0) AS medfee, coalesce(sum(${STMT_SQL.fund}), 0) AS fund,
    coalesce(sum(${STMT_SQL.acct}), 0) AS acct
  FROM settlements WHERE state = 'active' AND setl_date BETWEEN :begin AND :end`;
const TotalsRow = z.object({ n: z.number().int(), medfee: z.number().int(), fund: z.number().int(), acct: z.number().int() });

/** The center's totals over a range, for one insurance type or all (clr_type is not split on). */
function rangeTotals(db: SandboxDb, begin: string, end: string, insutype?: string): { n: number; medfee: number; fund: number; acct: number } {
  // An aggregate always answers one row.
  return (insutype ? one(db, `${TOTALS_SELECT} AND insutype = :insutype`, { begin, end, insutype }, TotalsRow) : one(db, TOTALS_SELECT, { begin, end }, TotalsRow))!;
}

const StmtRow = z.object({ setl_id: z.string(), medins_setl_id: z.string().nullable(), kind: z.enum(['settle', 'cancel']), total: z.number().int(), fund: z.number().int(), acct: z.number().int() });
type StmtRow = z.output<typeof StmtRow>;

/** The center's rows of a range with their figures, oldest first (ties in the order they were stored). */
function stmtRowsInRange(db: SandboxDb, begin: string, end: string): StmtRow[] {
  return many(
    db,
    `SELECT setl_id, medins_setl_id, kind, ${STMT_SQL.total} AS total, ${STMT_SQL.fund} AS fund, ${STMT_SQL.acct} AS acct
     FROM settlements WHERE state = 'active' AND setl_date BETWEEN :begin AND :end ORDER BY created_at, setl_date, rowid`,
    { begin, end },
    StmtRow,
  );
}

const totalsSchema = z.object({
  data: z.object({ stmt_begndate: date, stmt_enddate: date, insutype: z.string().optional(), clr_type: z.string().optional(), medfee_sumamt: yuan, fund_pay_sumamt: yuan, acct_pay: yuan, fixmedins_setl_cnt: z.number().int().nonnegative() }),
});
function totals(ctx: TxContext, input: unknown): TxAnswer {
  const p = parse(totalsSchema, input);
  if (!p.ok) return p.answer;
  const d = p.value.data;
  const c = rangeTotals(ctx.db, d.stmt_begndate, d.stmt_enddate, d.insutype);
  const match = c.medfee === tryYuanToFen(d.medfee_sumamt) && c.fund === tryYuanToFen(d.fund_pay_sumamt) && c.acct === tryYuanToFen(d.acct_pay) && c.n === d.fixmedins_setl_cnt;
  return ok({
    stmtinfo: {
      stmt_rslt: match ? '0' : '1',
      stmt_rslt_dscr: match ? '对账一致' : '对账不一致：请做明细对账（3202）',
      center_medfee_sumamt: fenToYuan(c.medfee),
      center_fund_pay_sumamt: fenToYuan(c.fund),
      center_acct_pay: fenToYuan(c.acct),
      center_setl_cnt: c.n,
    },
  });
}

const detailSchema = z.object({
  data: z.object({
    stmt_begndate: date,
    stmt_enddate: date,
    details: z.array(z.object({ setl_id: z.string(), medins_setl_id: z.string().optional(), medfee_sumamt: yuan, fund_pay_sumamt: yuan, acct_pay: yuan, refd_setl_flag: z.enum(['0', '1']).optional() })).max(100_000),
  }),
});
function details(ctx: TxContext, input: unknown): TxAnswer {
  const p = parse(detailSchema, input);
  if (!p.ok) return p.answer;
  const d = p.value.data;
  const center = new Map(stmtRowsInRange(ctx.db, d.stmt_begndate, d.stmt_enddate).map((r) => [r.setl_id, r]));
  const seen = new Set<string>();
  const rows: Array<Record<string, unknown>> = [];
  const centerFields = (r: StmtRow) => ({ center_medfee_sumamt: fenToYuan(r.total), center_fund_pay_sumamt: fenToYuan(r.fund), center_acct_pay: fenToYuan(r.acct) });
  for (const l of d.details) {
    const r = center.get(l.setl_id);
    seen.add(l.setl_id);
    if (!r) {
      rows.push({ setl_id: l.setl_id, medins_setl_id: l.medins_setl_id ?? null, stmt_rslt: '2' });
      continue;
    }
    const same = r.total === tryYuanToFen(l.medfee_sumamt) && r.fund === tryYuanToFen(l.fund_pay_sumamt) && r.acct === tryYuanToFen(l.acct_pay);
    rows.push({ setl_id: l.setl_id, medins_setl_id: r.medins_setl_id, stmt_rslt: same ? '0' : '3', ...centerFields(r) });
  }
  for (const r of center.values()) {
    if (!seen.has(r.setl_id)) rows.push({ setl_id: r.setl_id, medins_setl_id: r.medins_setl_id, stmt_rslt: '1', refd_setl_flag: r.kind === 'cancel' ? '1' : '0', ...centerFields(r) });
  }
  return ok({ rows });
}

// ---- 3301 ----
const NoticeRow = z.object({ notice_id: z.number().int(), type: z.string(), setl_id: z.string(), amount: z.number().int(), reason_code: z.string().nullable(), reason: z.string().nullable(), time: z.string() });
const noticesSchema = z.object({ data: z.object({ cursor: z.union([z.number().int().min(0), z.string().regex(/^\d*$/).transform((s) => Number(s || 0))]) }) });
function notices(ctx: TxContext, input: unknown): TxAnswer {
  const p = parse(noticesSchema, input);
  if (!p.ok) return p.answer;
  const cursor = p.value.data.cursor;
  const rows = many(ctx.db, 'SELECT notice_id, type, setl_id, amount, reason_code, reason, time FROM notices WHERE notice_id > :cursor ORDER BY notice_id LIMIT 100', { cursor }, NoticeRow);
  return ok({
    notices: rows.map((n) => ({
      notice_id: String(n.notice_id),
      type: n.type,
      setl_id: n.setl_id,
      amount: fenToYuan(n.amount),
      ...(n.reason_code ? { reason_code: n.reason_code } : {}),
      ...(n.reason ? { reason: n.reason } : {}),
      time: n.time,
    })),
    next_cursor: rows.length ? rows[rows.length - 1]!.notice_id : cursor,
  });
}

export const TRANSACTIONS: Record<string, (ctx: TxContext, input: unknown) => TxAnswer> = {
  '9001': signIn,
  '9002': signOut,
  '1101': personInfo,
  '1399': policyTable,
  '2207': settle,
  '2208': cancel,
  '2601': reversal,
  '3201': totals,
  '3202': details,
  '3301': notices,
  // Drug traceability sales report and return (issue 17): the national 3505 / 3506 bodies under our envelope.
  '3505': sale3505,
  '3506': return3506,
};

