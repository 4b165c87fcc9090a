// What settling comes to at the sandbox center, written once for the outpatient chain
// (national/chain.ts: 2204, 2206 / 2207, 2208) and the hospital stays (inpatient.ts: 2301,
// 2303 / 2304, 2305): the wire's decimals read back, a fee line's answer, the split's money and
// fund lines, a settlement recorded (the person's year, the settlements row, its visit link,
// its fee lines held) and a cancel linked to its visit.
import { z } from 'zod';
import { computeSplit } from '../../policy/split';
import type { Accumulators, BillItem, SplitLine, SplitOutcome, SplitResult, Visit } from '../../policy/split/types';
import { lineAmountFen } from '../../api/money';
import { insertInto, one, run, value } from '../../db/sql';
import type { SettlementAmounts } from '../wire/settlement';
import { fenToYuan } from '../wire/national/decimal';
import { msgStamp } from '../wire/msgid';
import { personByPsnNo } from './persons';
import { accumulatorDelta, latestPolicy, nextCounter, readYear, writeYear } from './store';
import { sandboxPatient, TRANSACTIONS, type TxAnswer, type TxContext } from './transactions';
import { reject } from './answers';

/**
 * SQL: fee line `f` (nat_fees or ipt_fees) is held by a settlement that stands — a cancelled or
 * reversed one frees its lines without touching them.
 */
export const HELD_BY_LIVE_SETTLEMENT = `f.setl_id IS NOT NULL AND EXISTS (SELECT 1 FROM settlements s WHERE s.setl_id = f.setl_id AND s.state = 'active' AND s.cancelled_by IS NULL)`;

/** 'yyyy-MM-dd HH:mm:ss' China time, as national answers write times. */
export function chinaTime(d: Date): string {
  const s = msgStamp(d);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)} ${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}`;
}

/** The refusal the fault switches hold for this person (by any of their keys), if any. */
export function personRejection(ctx: TxContext, psnNo: string): string | undefined {
  const p = personByPsnNo(ctx.db, psnNo);
  return p ? (ctx.faults.rejectPersons[p.psn_no] ?? ctx.faults.rejectPersons[p.certno] ?? ctx.faults.rejectPersons[p.card_no] ?? ctx.faults.rejectPersons[p.ec_token]) : undefined;
}

/** The lines' items the fault switches refuse, as the refusal (ITEM_REJECTED naming each code once), or undefined. */
export function refusedItems(ctx: TxContext, lines: ReadonlyArray<{ med_list_codg: string }>): TxAnswer | undefined {
  const refused = lines.filter((l) => ctx.faults.rejectItems[l.med_list_codg] !== undefined);
  if (!refused.length) return undefined;
  const codes = [...new Set(refused.map((l) => l.med_list_codg))];
  return reject('ITEM_REJECTED', `项目不予支付：${codes.map((c) => `${c}（${ctx.faults.rejectItems[c]}）`).join('；')}`, { codes });
}

/** "12.500000" → "12.5": the engine reads at most 4 places; the wire pads to 6 (pric) or 4 (cnt). */
export const trimPlaces = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);

/** The line's exp_content says the patient chose to pay it themselves (1), or not (0). */
export function ownPayFlag(exp: string | null | undefined): number {
  if (!exp) return 0;
  try {
    return (JSON.parse(exp) as { own_pay_flag?: unknown }).own_pay_flag === '1' ? 1 : 0;
  } catch {
    return 0;
  }
}

/**
 * A sent fee line's price and count read back from the wire's padding, and its amount checked
 * against them (one rounding, as the window's); the refusal when it does not hold.
 */
export function sentLine(l: { feedetl_sn: string; pric: string; cnt: string; det_item_fee_sumamt: number }): { pric: string; cnt: string; amount: number } | TxAnswer {
  const pric = trimPlaces(l.pric);
  const cnt = trimPlaces(l.cnt);
  const amount = lineAmountFen(pric, cnt);
  if (amount === null) return reject('INVALID_INPUT', `明细 ${l.feedetl_sn} 的单价或数量超出四位小数`);
  if (amount !== l.det_item_fee_sumamt) return reject('AMOUNT_MISMATCH', `明细 ${l.feedetl_sn} 金额 ${fenToYuan(l.det_item_fee_sumamt)} 与单价×数量（${fenToYuan(amount)}）不符`);
  return { pric, cnt, amount };
}

/** Stored fee lines split for the person with the center's latest policy and their year (the engine's line step and totals). */
export function splitFeeLines(ctx: TxContext, psnNo: string, visit: Visit, lines: ReadonlyArray<{ med_list_codg: string; pric: string; cnt: string; own_pay: number }>): SplitOutcome {
  const person = personByPsnNo(ctx.db, psnNo)!;
  const year = readYear(ctx.db, psnNo)!;
  const items: BillItem[] = lines.map((l) => ({ code: l.med_list_codg, unitPrice: trimPlaces(l.pric), quantity: trimPlaces(l.cnt), ...(l.own_pay ? { ownPay: true } : {}) }));
  return computeSplit(latestPolicy(ctx.db), sandboxPatient(person, year, ctx), visit, items);
}

const CLASS_LEVEL: Record<string, string> = { A: '01', B: '02', C: '03' };

/**
 * The fee upload's answer (2204 / 2301 result): each line as the center classified it — the
 * engine's line step — with the price and count echoed as the clinic sent them.
 */
export function feeLineAnswers(ctx: TxContext, sent: ReadonlyArray<{ feedetl_sn: string; med_list_codg: string; cnt: string; pric: string }>, items: readonly SplitLine[]): unknown[] {
  const catalog = new Map(latestPolicy(ctx.db).catalog.map((e) => [e.code, e]));
  return sent.map((l, i) => {
    const line = items[i]!;
    const entry = catalog.get(l.med_list_codg);
    return {
      feedetl_sn: l.feedetl_sn, det_item_fee_sumamt: fenToYuan(line.amount), cnt: l.cnt, pric: l.pric, pric_uplmt_amt: null,
      selfpay_prop: line.class === 'C' ? '1.0000' : (entry?.selfPayRatio ?? '0'),
      fulamt_ownpay_amt: fenToYuan(line.fullOwnPay), overlmt_amt: fenToYuan(line.overLimitSelfPay), preselfpay_amt: fenToYuan(line.preSelfPay), inscp_scp_amt: fenToYuan(line.eligible),
      chrgitm_lv: CLASS_LEVEL[line.class] ?? '03', med_chrgitm_type: entry?.kind === 'drug' ? '09' : '05',
      memo: line.reason === 'restriction' ? '限制使用条件不符，按自费' : line.reason === 'ownPay' ? '患者自愿自费' : null,
    };
  });
}

/** setldetail: the funds that paid (the insutype's pool, critical illness, the account), with the split's explanation on the pool's line. */
export function fundLines(insutype: string, r: SplitResult): unknown[] {
  const resident = insutype === '390';
  return [
    ...(r.fundPay ? [{ fund_pay_type: resident ? '390100' : '310100', inscp_scp_amt: fenToYuan(r.eligible), fund_payamt: fenToYuan(r.fundPay), fund_pay_type_name: resident ? '城乡居民基本医疗保险基金' : '职工基本医疗保险统筹基金', setl_proc_info: r.explanation.map((e) => e.text).join('；').slice(0, 4000) }] : []),
    ...(r.criticalIllnessPay ? [{ fund_pay_type: '390200', fund_payamt: fenToYuan(r.criticalIllnessPay), fund_pay_type_name: '城乡居民大病医疗保险' }] : []),
    ...(r.accountPay ? [{ fund_pay_type: '310200', fund_payamt: fenToYuan(r.accountPay), fund_pay_type_name: '职工基本医疗保险个人账户' }] : []),
  ];
}

/** A settlement the center commits for a visit (2207) or a stay (2304). */
export interface SettlementToRecord {
  psnNo: string;
  insutype: string;
  /** The clinic's id for it (ours) or the sender's msgid (national 2207 / 2304). */
  medinsSetlId: string;
  amounts: SettlementAmounts;
  accumulatorsAfter: Accumulators;
  stmt: 'accepted' | 'adjusted';
  /** The visit or stay, its fee batch and clearing type: 3201 sums by them. */
  mdtrtId: string;
  chrgBchno: string;
  clrType: string;
  /** Its fee lines (in `feeTable`), held by it from now on. */
  feeTable: 'nat_fees' | 'ipt_fees';
  feedetlSns: readonly string[];
}

/**
 * Commit a settlement: the person's year moves (balance and accumulators), the settlements row
 * (what 3201 / 3202 / 2208 / 2601 read) and its visit link are written, its fee lines held.
 */
export function recordSettlement(ctx: TxContext, s: SettlementToRecord): { setlId: string; balance: number } {
  const year = readYear(ctx.db, s.psnNo)!;
  const setlId = `ST${msgStamp(ctx.now).slice(0, 8)}${String(nextCounter(ctx.db, 'setl')).padStart(8, '0')}`;
  const at = ctx.now.toISOString();
  const balance = year.balance - s.amounts.accountPay;
  writeYear(ctx.db, s.psnNo, { balance, accumulators: s.accumulatorsAfter }, at);
  insertInto(ctx.db, 'settlements', {
    setl_id: setlId, kind: 'settle', msgid: ctx.msgid, medins_setl_id: s.medinsSetlId, psn_no: s.psnNo, insutype: s.insutype, setl_date: chinaTime(ctx.now).slice(0, 10),
    amounts: JSON.stringify(s.amounts), accum_delta: JSON.stringify(accumulatorDelta(year.accumulators, s.accumulatorsAfter)), stmt: s.stmt, created_at: at,
  });
  const person = personByPsnNo(ctx.db, s.psnNo)!;
  insertInto(ctx.db, 'nat_settlements', { setl_id: setlId, mdtrt_id: s.mdtrtId, chrg_bchno: s.chrgBchno, clr_type: s.clrType, setl_optins: person.insuplc_admdvs });
  for (const feedetlSn of s.feedetlSns) run(ctx.db, `UPDATE ${s.feeTable} SET setl_id = :setlId WHERE mdtrt_id = :mdtrtId AND feedetl_sn = :feedetlSn`, { setlId, mdtrtId: s.mdtrtId, feedetlSn });
  return { setlId, balance };
}

const LinkRow = z.object({ mdtrt_id: z.string(), chrg_bchno: z.string(), clr_type: z.string(), setl_optins: z.string() });
export type SettlementLink = z.output<typeof LinkRow>;

/** The visit or stay a settlement belongs to, with its batch and clearing keys (undefined: not a visit's). */
export function settlementLink(ctx: TxContext, setlId: string): SettlementLink | undefined {
  return one(ctx.db, 'SELECT mdtrt_id, chrg_bchno, clr_type, setl_optins FROM nat_settlements WHERE setl_id = :setlId', { setlId }, LinkRow);
}

/**
 * Cancel a visit's or a stay's settlement as 2208 does (the person's year restored, a cancel
 * row written) and link the cancel to the same visit, batch and clearing keys, so 3201 nets
 * them. The answer: the cancel's id, its amounts and the balance after; or 2208's refusal.
 */
export function recordCancel(ctx: TxContext, setlId: string, psnNo: string, link: SettlementLink): { ok: true; cancelId: string; amounts: SettlementAmounts; balance: number } | { ok: false; answer: TxAnswer } {
  const a = TRANSACTIONS['2208']!(ctx, { data: { setl_id: setlId, psn_no: psnNo } });
  if (a.infcode !== 0) return { ok: false, answer: a };
  const cancelId = (a.output as { setlinfo: { setl_id: string } }).setlinfo.setl_id;
  insertInto(ctx.db, 'nat_settlements', { ...link, setl_id: cancelId });
  const amounts = value(ctx.db, 'SELECT amounts FROM settlements WHERE setl_id = :setlId', { setlId: cancelId }, z.string())!;
  return { ok: true, cancelId, amounts: JSON.parse(amounts) as SettlementAmounts, balance: readYear(ctx.db, psnNo)!.balance };
}
