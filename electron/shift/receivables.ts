// What the fund owes the clinic: for every settlement the clinic advanced (fund + critical
// illness + personal account, with the center's adjustments), the center's payment, deduction
// and rejection notices (3301) against it, the outstanding amount and its age.
import { z } from 'zod';
import type { ReceivableRow, ReceivablesSummary } from '../api/contract/shift';
import { AppError } from '../api/result';
import { chinaDate } from '../app/clock';
import type { CoreApp } from '../app/core';
import { tryYuanToFen } from '../api/money';
import { joinSettlementSql, settlementIdForCenterId, settlementIdForCenterIdSql } from '../settlement/owner';
import { sendOrThrow, type CenterPort } from './center-port';
import { fenColumn, insertInto, many, run, value } from '../db/sql';
import { SETTLEMENT_STAGES } from '../api/contract/clearing';
import { settlementStageSql } from './clearing-store';
import { addFields } from './sums';

/** The clinic stream's queries over this module's tables: notice ids for the backfill, one notice, a settlement's receivable. */
export const RECEIVABLE_STREAM_SQL = {
  noticeIds: 'SELECT notice_id AS id FROM center_notices ORDER BY received_at, notice_id',
  notice: 'SELECT * FROM center_notices WHERE notice_id = :id',
  /** `LEFT JOIN receivables <alias> ON <alias>.settlement_id = <settlementId>`. */
  receivableJoin: (alias: string, settlementId: string): string => `LEFT JOIN receivables ${alias} ON ${alias}.settlement_id = ${settlementId}`,
} as const;

const noticesAnswer = z.object({
  notices: z.array(
    z.object({
      notice_id: z.string().min(1).max(64),
      type: z.enum(['paid', 'rejected', 'deducted']),
      setl_id: z.string().min(1).max(64),
      amount: z.string().refine((s) => tryYuanToFen(s) !== null, '金额应为两位小数的元'),
      reason_code: z.string().nullish(),
      reason: z.string().nullish(),
      time: z.string().min(1),
    }),
  ),
  next_cursor: z.union([z.string(), z.number()]).nullish(),
});

/**
 * The receivables themselves are kept by migration 0011: each settlement's receivable (owed,
 * paid, deducted, rejected, outstanding, status) is recomputed by triggers whenever the
 * settlement, its adjustments or its 3301 notices change, and summed per day and status in
 * receivable_days. The summary reads those sums (a row per day and status, not per settlement);
 * the age buckets are worked out here from each day, as they move with today's date.
 */
const count = z.number().int();
const GroupRow = z.object({
  status: z.string(),
  bucket: z.enum(['0-30', '31-60', '61-90', '90+']),
  count,
  owed: fenColumn,
  paid: fenColumn,
  deducted: fenColumn,
  rejected: fenColumn,
  outstanding: fenColumn,
  open_count: count,
  open_amount: fenColumn,
});
const ListedRow = z.object({
  settlementId: z.string(),
  day: z.string(),
  psnName: z.string(),
  insutype: z.string(),
  status: z.enum(['uploaded', 'confirmed', 'paid', 'partly_paid', 'rejected', 'deducted']),
  owed: fenColumn,
  paid: fenColumn,
  deducted: fenColumn,
  rejected: fenColumn,
  outstanding: fenColumn,
  ageDays: count,
  stage: z.enum(SETTLEMENT_STAGES),
}) satisfies z.ZodType<ReceivableRow>;

const AGE = 'CAST(julianday(:today) - julianday(day) AS INTEGER)';
const BUCKET = `CASE WHEN ${AGE} <= 30 THEN '0-30' WHEN ${AGE} <= 60 THEN '31-60' WHEN ${AGE} <= 90 THEN '61-90' ELSE '90+' END`;

export class Receivables {
  constructor(
    private readonly core: CoreApp,
    private readonly center: () => CenterPort | null,
  ) {}

  /** Read the 3301 notice stream from the saved cursor to its end; each page is one transaction. */
  async fetchNotices(): Promise<{ fetched: number; cursor: string | null }> {
    const db = this.core.db;
    let cursor = value(db, 'SELECT cursor FROM center_notice_cursor WHERE k = 1', {}, z.string()) ?? '';
    let fetched = 0;
    for (let page = 0; page < 1000; page++) {
      const out = await sendOrThrow(this.center(), '3301', { data: { cursor } });
      const parsed = noticesAnswer.safeParse(out);
      if (!parsed.success) throw new AppError('CENTER_BAD_ANSWER', '中心 3301 回款/拒付通知的格式不正确，未保存。', { issues: parsed.error.issues.slice(0, 3).map((i) => i.message) });
      const { notices } = parsed.data;
      const next = parsed.data.next_cursor === null || parsed.data.next_cursor === undefined ? cursor : String(parsed.data.next_cursor);
      const now = this.core.clock.now().toISOString();
      db.transaction(() => {
        for (const n of notices) {
          const notice = {
            notice_id: n.notice_id,
            type: n.type,
            center_setl_id: n.setl_id,
            settlement_id: settlementIdForCenterId(db, n.setl_id),
            amount: tryYuanToFen(n.amount),
            reason_code: n.reason_code ?? null,
            reason: n.reason ?? null,
            time: n.time,
            received_at: now,
          };
          fetched += run(
            db,
            `INSERT OR IGNORE INTO center_notices (notice_id, type, center_setl_id, settlement_id, amount, reason_code, reason, time, received_at)
             VALUES (:notice_id, :type, :center_setl_id, :settlement_id, :amount, :reason_code, :reason, :time, :received_at)`,
            notice,
          ).changes;
        }
        insertInto(db, 'center_notice_cursor', { k: 1, cursor: next, fetched_at: now }, 'ON CONFLICT (k) DO UPDATE SET cursor = excluded.cursor, fetched_at = excluded.fetched_at');
      })();
      if (notices.length === 0 || next === cursor) {
        cursor = next;
        break;
      }
      cursor = next;
    }
    return { fetched, cursor: cursor || null };
  }

  /**
   * The center paid a clearing application: each of its settlements' receivable is paid in full
   * by a notice of our own (id `clearing:<application>:<settlement>`, so a second call adds
   * nothing); the triggers of 0011 move them to `paid`. Call inside the clearing's transaction.
   */
  recordClearingPaid(applicationId: string, items: ReadonlyArray<{ settlement_id: string; center_setl_id: string | null }>, paidAt: string): number {
    const db = this.core.db;
    const now = this.core.clock.now().toISOString();
    let n = 0;
    for (const it of items) {
      n += run(
        db,
        `INSERT OR IGNORE INTO center_notices (notice_id, type, center_setl_id, settlement_id, amount, reason_code, reason, time, received_at)
         SELECT :noticeId, 'paid', :centerSetlId, r.settlement_id, r.outstanding, 'CLEARING', :reason, :paidAt, :now
         FROM receivables r WHERE r.settlement_id = :settlementId AND r.outstanding > 0`,
        { noticeId: `clearing:${applicationId}:${it.settlement_id}`, centerSetlId: it.center_setl_id ?? it.settlement_id, settlementId: it.settlement_id, reason: `清算申请 ${applicationId} 已拨付`, paidAt, now },
      ).changes;
    }
    return n;
  }

  /** A settlement's receivable status, or null when it has none (all cash, refunded, never owed). */
  statusOf(settlementId: string): string | null {
    return value(this.core.db, 'SELECT status FROM receivables WHERE settlement_id = :settlementId', { settlementId }, z.string()) ?? null;
  }

  summary(limit: number, notices: ReceivablesSummary['notices']): ReceivablesSummary {
    const db = this.core.db;
    // Notices that arrived before their settlement's center id was known are matched now.
    run(db, `UPDATE center_notices SET settlement_id = ${settlementIdForCenterIdSql('center_notices.center_setl_id')} WHERE settlement_id IS NULL`, {});
    const asOf = this.core.clock.now();
    const today = chinaDate(asOf);
    const groups = many(
      db,
      `SELECT status, ${BUCKET} AS bucket, sum(count) AS count, sum(owed) AS owed, sum(paid) AS paid, sum(deducted) AS deducted,
         sum(rejected) AS rejected, sum(outstanding) AS outstanding, sum(open_count) AS open_count, sum(open_amount) AS open_amount
       FROM receivable_days GROUP BY 1, 2`,
      { today },
      GroupRow,
    );
    const totals = { owed: 0, paid: 0, deducted: 0, rejected: 0, outstanding: 0, count: 0 };
    const byStatus: ReceivablesSummary['byStatus'] = {};
    const aging: ReceivablesSummary['aging'] = (['0-30', '31-60', '61-90', '90+'] as const).map((bucket) => ({ bucket, count: 0, outstanding: 0 }));
    for (const g of groups) {
      addFields(totals, g, ['owed', 'paid', 'deducted', 'rejected', 'outstanding', 'count']);
      const st = (byStatus[g.status] ??= { count: 0, outstanding: 0 });
      st.count += g.count;
      st.outstanding += g.outstanding;
      const a = aging.find((x) => x.bucket === g.bucket)!;
      a.count += g.open_count;
      a.outstanding += g.open_amount;
    }
    // Oldest first, straight off the index of open and rejected receivables (stops after `limit`).
    const rows = many(
      db,
      `SELECT r.settlement_id AS settlementId, r.day, s.psn_name AS psnName, s.insutype, r.status, r.owed, r.paid, r.deducted,
         r.rejected, r.outstanding, CAST(julianday(:today) - julianday(r.day) AS INTEGER) AS ageDays,
         ${settlementStageSql("CASE WHEN r.status IN ('paid', 'deducted') THEN 'paid' END")} AS stage
       FROM receivables r INDEXED BY receivables_listed ${joinSettlementSql('s', 'r.settlement_id')}
       WHERE r.outstanding <> 0 OR r.status = 'rejected'
       ORDER BY r.day, r.settlement_id LIMIT :limit`,
      { today, limit },
      ListedRow,
    );
    return { asOf: asOf.toISOString(), totals, byStatus, aging, rows, notices };
  }
}
