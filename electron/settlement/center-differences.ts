// Every difference between the local split and the center's figures (issue 16), kept durably in
// center_differences (migration 0023; this module is its one owner). Online the center's figures
// are the record; the local split is computed beside them as the pre-check and the explanation,
// and this says where they part and why: which line (0 = the settlement's totals), which field,
// the local value, the center's value, and the reason when the center gave one.
// - 2204: each fee line as the center priced it (class 甲乙丙, the amounts a line splits into);
//   why = the center's memo, else its class and self-pay ratio for the line.
// - 2207: the settlement's totals (both protocols); why = the lines that differ, then the
//   center's own account of its split (setldetail setl_proc_info) when it gave one.
// - 2206: the pre-settlement, recorded only where it differs from the 2207 that followed it (the
//   platform settles what it priced; a center that did otherwise is worth a line of its own).
// Written in the outbox answer's transaction (outbox/outcome.ts), so an answer and its
// differences are durable together; a repeat answer inserts nothing twice.
import { z } from 'zod';
import type { CenterDifferenceView } from '../api/contract/settlement';
import type { Db } from '../db/open';
import { fenColumn, insertInto, many, run, value } from '../db/sql';
import { fee2204Output, settleOutput } from '../center/wire/national/messages';
import { fenToYuan, tryYuanToFen } from '../api/money';
import { MONEY_FIELDS, type Money } from './mapping';

export type { CenterDifferenceView };

/** One difference as computed, before it is written. */
export interface CenterDifference {
  source: '2204' | '2206' | '2207';
  lineNo: number;
  itemCode: string | null;
  field: string;
  local: { fen: number } | { code: string };
  center: { fen: number } | { code: string };
  why: string | null;
}

/** A settlement line as settled here (settlement_lines). */
export interface LocalLine {
  lineNo: number;
  code: string;
  class: string;
  amount: number;
  fullOwnPay: number;
  overLimitSelfPay: number;
  preSelfPay: number;
  eligible: number;
}

/** What the center answered along the way: the 2207's answer (required), and for the national chain its 2204 and 2206 answers. */
export interface CenterAnswers {
  settlement: unknown;
  fees?: unknown;
  preSettlement?: unknown;
}

const LEVEL_CLASS: Readonly<Record<string, string>> = { '01': 'A', '02': 'B', '03': 'C' };
const CLASS_WORD: Readonly<Record<string, string>> = { A: '甲类', B: '乙类', C: '丙类' };
const LINE_FIELDS = [
  ['amount', 'amount', 'det_item_fee_sumamt'],
  ['full_own_pay', 'fullOwnPay', 'fulamt_ownpay_amt'],
  ['over_limit_self_pay', 'overLimitSelfPay', 'overlmt_amt'],
  ['pre_self_pay', 'preSelfPay', 'preselfpay_amt'],
  ['eligible', 'eligible', 'inscp_scp_amt'],
] as const;
const WHY_MAX = 500;

function objectOr(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

/** The totals of a setlinfo (yuan strings or numbers) in fen, field by field; an absent or unreadable field is skipped. */
function totalsOf(setlinfo: unknown): Map<string, number> {
  const s = objectOr(setlinfo);
  const out = new Map<string, number>();
  for (const [col, , wire] of MONEY_FIELDS) {
    if (!wire) continue;
    const fen = tryYuanToFen(s[wire]);
    if (fen !== null) out.set(col, fen);
  }
  return out;
}

/** PURE: the differences between the local settlement and the center's answers. */
export function compareWithCenter(local: { money: Money; lines: readonly LocalLine[] }, answers: CenterAnswers): CenterDifference[] {
  const out: CenterDifference[] = [];
  const byCol = new Map(MONEY_FIELDS.map(([col, key]) => [col as string, local.money[key]]));

  // 2204: line by line (feedetl_sn = the line number).
  const fees = answers.fees === undefined ? null : fee2204Output.safeParse(answers.fees);
  const lineWhy = new Map<number, string>();
  if (fees?.success) {
    const bySn = new Map(fees.data.result.map((r) => [r.feedetl_sn, r]));
    for (const l of local.lines) {
      const r = bySn.get(String(l.lineNo));
      if (!r) continue;
      const centerClass = LEVEL_CLASS[r.chrgitm_lv] ?? r.chrgitm_lv;
      const why = (r.memo || `中心按${CLASS_WORD[centerClass] ?? centerClass}、自付比例 ${r.selfpay_prop} 计算`).slice(0, WHY_MAX);
      const before = out.length;
      if (centerClass !== l.class) out.push({ source: '2204', lineNo: l.lineNo, itemCode: l.code, field: 'class', local: { code: l.class }, center: { code: centerClass }, why });
      for (const [field, key, wire] of LINE_FIELDS) {
        if (l[key] !== r[wire]) out.push({ source: '2204', lineNo: l.lineNo, itemCode: l.code, field, local: { fen: l[key] }, center: { fen: r[wire] }, why });
      }
      if (out.length > before) lineWhy.set(l.lineNo, `第 ${l.lineNo} 行 ${l.code}：${why}`);
    }
  }

  // 2207: the settlement's totals.
  const settled = objectOr(answers.settlement);
  const setlinfo = settled['setlinfo'] ?? settled;
  const centerTotals = totalsOf(setlinfo);
  const detail = settleOutput.safeParse(answers.settlement);
  const process = detail.success ? detail.data.setldetail.map((d) => d.setl_proc_info ?? '').filter(Boolean).join('；') : '';
  const totalWhy = [lineWhy.size ? `明细不同：${[...lineWhy.values()].join('；')}` : '', process ? `中心计算：${process}` : ''].filter(Boolean).join('。').slice(0, WHY_MAX) || null;
  for (const [col, center] of centerTotals) {
    const mine = byCol.get(col)!;
    if (center !== mine) out.push({ source: '2207', lineNo: 0, itemCode: null, field: col, local: { fen: mine }, center: { fen: center }, why: totalWhy });
  }

  // 2206: only where the pre-settlement differs from the settlement the center then made.
  if (answers.preSettlement !== undefined) {
    const pre = objectOr(answers.preSettlement);
    for (const [col, priced] of totalsOf(pre['setlinfo'] ?? pre)) {
      const settledAt = centerTotals.get(col);
      if (settledAt === undefined || settledAt === priced || priced === byCol.get(col)) continue;
      out.push({ source: '2206', lineNo: 0, itemCode: null, field: col, local: { fen: byCol.get(col)! }, center: { fen: priced }, why: `预结算（2206）与结算（2207：${fenToYuan(settledAt)}）不一致，以结算为准` });
    }
  }
  return out;
}

const LineRow = z.object({
  lineNo: z.number().int(),
  code: z.string(),
  class: z.string(),
  amount: fenColumn,
  fullOwnPay: fenColumn,
  overLimitSelfPay: fenColumn,
  preSelfPay: fenColumn,
  eligible: fenColumn,
});

/** The settlement's lines as settled here. */
export function localLines(db: Db, settlementId: string): LocalLine[] {
  return many(
    db,
    `SELECT line_no AS lineNo, code, class, amount, full_own_pay AS fullOwnPay, over_limit_self_pay AS overLimitSelfPay, pre_self_pay AS preSelfPay, eligible
       FROM settlement_lines WHERE settlement_id = :settlementId ORDER BY line_no`,
    { settlementId },
    LineRow,
  );
}

/** Write the differences (inside the answer's transaction); a difference already kept is not written again. */
export function recordCenterDifferences(db: Db, a: { settlementId: string; outboxId: number; differences: readonly CenterDifference[]; now: string }): void {
  for (const d of a.differences) {
    insertInto(
      db,
      'center_differences',
      {
        settlement_id: a.settlementId,
        outbox_id: a.outboxId,
        source: d.source,
        line_no: d.lineNo,
        item_code: d.itemCode,
        field: d.field,
        local_fen: 'fen' in d.local ? d.local.fen : null,
        center_fen: 'fen' in d.center ? d.center.fen : null,
        local_code: 'code' in d.local ? d.local.code : null,
        center_code: 'code' in d.center ? d.center.code : null,
        why: d.why,
        created_at: a.now,
      },
      'ON CONFLICT (settlement_id, source, line_no, field) DO NOTHING',
    );
  }
}

const ViewRow = z.object({
  source: z.enum(['2204', '2206', '2207']),
  lineNo: z.number().int(),
  itemCode: z.string().nullable(),
  field: z.string(),
  localFen: fenColumn.nullable(),
  centerFen: fenColumn.nullable(),
  localCode: z.string().nullable(),
  centerCode: z.string().nullable(),
  why: z.string().nullable(),
  createdAt: z.string(),
}) satisfies z.ZodType<CenterDifferenceView>;

/** A settlement's differences: the totals first, then line by line. */
export function centerDifferencesOf(db: Db, settlementId: string): CenterDifferenceView[] {
  return many(
    db,
    `SELECT source, line_no AS lineNo, item_code AS itemCode, field, local_fen AS localFen, center_fen AS centerFen, local_code AS localCode, center_code AS centerCode, why, created_at AS createdAt
       FROM center_differences WHERE settlement_id = :settlementId ORDER BY line_no, source DESC, id`,
    { settlementId },
    ViewRow,
  );
}

/** Settlements whose differences nobody reviewed yet (the supervisor's adjustment list adds them). */
export function unreviewedDifferenceSettlements(db: Db, limit: number): string[] {
  return many(db, 'SELECT DISTINCT settlement_id AS id FROM center_differences WHERE reviewed_by IS NULL ORDER BY settlement_id LIMIT :limit', { limit }, z.object({ id: z.string() })).map((r) => r.id);
}

export function hasUnreviewedDifferences(db: Db, settlementId: string): boolean {
  return (value(db, 'SELECT count(*) FROM center_differences WHERE settlement_id = :settlementId AND reviewed_by IS NULL', { settlementId }, z.number()) ?? 0) > 0;
}

export function markDifferencesReviewed(db: Db, settlementId: string, operatorId: string, now: string): void {
  run(db, 'UPDATE center_differences SET reviewed_by = :operatorId, reviewed_at = :now WHERE settlement_id = :settlementId AND reviewed_by IS NULL', { operatorId, now, settlementId });
}
