// What the fund owes the clinic: for every settlement the clinic advanced (fund + critical
// illness + personal account, with the center's adjustments), the center's payment, deduction
// and rejection notices (3301) against it, the outstanding amount and its age.
import { z } from 'zod';
import type { ReceivableRow, ReceivablesSummary } from '../api/contract/shift';
import { AppError } from '../api/result';
import { chinaDate } from '../app/clock';
import type { CoreApp } from '../app/core';
import { tryYuanToFen } from '../center/wire/money';
import { sendOrThrow, type CenterPort } from './center-port';

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

/** One row per receivable, computed in SQL (outstanding, status, age) so the summary is a group-by. */
const RECEIVABLES = `
  WITH adj AS (
    SELECT settlement_id, sum(difference) AS d FROM adjustments
    WHERE field IN ('fund_pay', 'critical_illness_pay', 'account_pay') GROUP BY settlement_id),
  n AS (
    SELECT settlement_id,
           sum(CASE WHEN type = 'paid' THEN amount ELSE 0 END) AS paid,
           sum(CASE WHEN type = 'deducted' THEN amount ELSE 0 END) AS deducted,
           sum(CASE WHEN type = 'rejected' THEN amount ELSE 0 END) AS rejected,
           max(type = 'rejected') AS has_rej
    FROM center_notices WHERE settlement_id IS NOT NULL GROUP BY settlement_id),
  base AS (
    SELECT s.id, s.created_day, s.psn_name, s.insutype, s.state,
           s.fund_pay + s.critical_illness_pay + s.account_pay + coalesce(adj.d, 0) AS owed,
           coalesce(n.paid, 0) AS paid, coalesce(n.deducted, 0) AS deducted, coalesce(n.rejected, 0) AS rejected,
           coalesce(n.has_rej, 0) AS has_rej,
           CAST(julianday(:today) - julianday(s.created_day) AS INTEGER) AS age
    FROM settlements s LEFT JOIN adj ON adj.settlement_id = s.id LEFT JOIN n ON n.settlement_id = s.id
    -- Refunded settlements and their refund rows cancel out; rejected uploads were never owed.
    WHERE s.refund_of IS NULL AND s.state IN ('provisional', 'confirmed', 'adjusted')),
  r AS (
    SELECT *, owed - paid - deducted - rejected AS outstanding,
           CASE WHEN has_rej THEN 'rejected'
                WHEN deducted > 0 AND paid + deducted >= owed THEN 'deducted'
                WHEN owed > 0 AND paid >= owed THEN 'paid'
                WHEN paid > 0 THEN 'partly_paid'
                WHEN state = 'provisional' THEN 'uploaded'
                ELSE 'confirmed' END AS status,
           CASE WHEN age <= 30 THEN '0-30' WHEN age <= 60 THEN '31-60' WHEN age <= 90 THEN '61-90' ELSE '90+' END AS bucket
    FROM base WHERE owed <> 0)`;

export class Receivables {
  constructor(
    private readonly core: CoreApp,
    private readonly center: () => CenterPort | null,
  ) {}

  /** Read the 3301 notice stream from the saved cursor to its end; each page is one transaction. */
  async fetchNotices(): Promise<{ fetched: number; cursor: string | null }> {
    const db = this.core.db;
    let cursor = (db.prepare('SELECT cursor FROM center_notice_cursor WHERE k = 1').pluck().get() as string | undefined) ?? '';
    let fetched = 0;
    for (let page = 0; page < 1000; page++) {
      const out = await sendOrThrow(this.center(), '3301', { data: { cursor } });
      const parsed = noticesAnswer.safeParse(out);
      if (!parsed.success) throw new AppError('CENTER_BAD_ANSWER', '中心 3301 回款/拒付通知的格式不正确，未保存。', { issues: parsed.error.issues.slice(0, 3).map((i) => i.message) });
      const { notices } = parsed.data;
      const next = parsed.data.next_cursor === null || parsed.data.next_cursor === undefined ? cursor : String(parsed.data.next_cursor);
      const now = this.core.clock.now().toISOString();
      db.transaction(() => {
        const insert = db.prepare(
          `INSERT OR IGNORE INTO center_notices (notice_id, type, center_setl_id, settlement_id, amount, reason_code, reason, time, received_at)
           VALUES (?,?,?,?,?,?,?,?,?)`,
        );
        for (const n of notices) {
          const local = this.localIdFor(n.setl_id);
          fetched += insert.run(n.notice_id, n.type, n.setl_id, local, tryYuanToFen(n.amount), n.reason_code ?? null, n.reason ?? null, n.time, now).changes;
        }
        db.prepare('INSERT INTO center_notice_cursor (k, cursor, fetched_at) VALUES (1, ?, ?) ON CONFLICT (k) DO UPDATE SET cursor = excluded.cursor, fetched_at = excluded.fetched_at').run(next, now);
      })();
      if (notices.length === 0 || next === cursor) {
        cursor = next;
        break;
      }
      cursor = next;
    }
    return { fetched, cursor: cursor || null };
  }

  private localIdFor(centerSetlId: string): string | null {
    const db = this.core.db;
    return ((db.prepare('SELECT id FROM settlements WHERE center_setl_id = ?').pluck().get(centerSetlId) as string | undefined) ??
      (db.prepare('SELECT id FROM settlements WHERE id = ?').pluck().get(centerSetlId) as string | undefined) ??
      null);
  }

  summary(limit: number, notices: ReceivablesSummary['notices']): ReceivablesSummary {
    const db = this.core.db;
    // Notices that arrived before their settlement's center id was known are matched now.
    db.prepare(
      `UPDATE center_notices SET settlement_id = coalesce(
         (SELECT id FROM settlements WHERE center_setl_id = center_notices.center_setl_id),
         (SELECT id FROM settlements WHERE id = center_notices.center_setl_id))
       WHERE settlement_id IS NULL`,
    ).run();
    const asOf = this.core.clock.now();
    const today = chinaDate(asOf);
    const groups = db
      .prepare(
        `${RECEIVABLES} SELECT status, bucket, count(*) AS count, sum(owed) AS owed, sum(paid) AS paid, sum(deducted) AS deducted,
           sum(rejected) AS rejected, sum(outstanding) AS outstanding, sum(outstanding > 0) AS open_count,
           sum(CASE WHEN outstanding > 0 THEN outstanding ELSE 0 END) AS open_amount
         FROM r GROUP BY status, bucket`,
      )
      .all({ today }) as {
      status: string;
      bucket: '0-30' | '31-60' | '61-90' | '90+';
      count: number;
      owed: number;
      paid: number;
      deducted: number;
      rejected: number;
      outstanding: number;
      open_count: number;
      open_amount: number;
    }[];
    const totals = { owed: 0, paid: 0, deducted: 0, rejected: 0, outstanding: 0, count: 0 };
    const byStatus: ReceivablesSummary['byStatus'] = {};
    const aging: ReceivablesSummary['aging'] = (['0-30', '31-60', '61-90', '90+'] as const).map((bucket) => ({ bucket, count: 0, outstanding: 0 }));
    for (const g of groups) {
      totals.owed += g.owed;
      totals.paid += g.paid;
      totals.deducted += g.deducted;
      totals.rejected += g.rejected;
      totals.outstanding += g.outstanding;
      totals.count += g.count;
      const s = (byStatus[g.status] ??= { count: 0, outstanding: 0 });
      s.count += g.count;
      s.outstanding += g.outstanding;
      const a = aging.find((x) => x.bucket === g.bucket)!;
      a.count += g.open_count;
      a.outstanding += g.open_amount;
    }
    const rows = db
      .prepare(
        `${RECEIVABLES} SELECT id AS settlementId, created_day AS day, psn_name AS psnName, insutype, status, owed, paid, deducted,
           rejected, outstanding, age AS ageDays
         FROM r WHERE outstanding <> 0 OR status = 'rejected' ORDER BY created_day, id LIMIT :limit`,
      )
      .all({ today, limit }) as ReceivableRow[];
    return { asOf: asOf.toISOString(), totals, byStatus, aging, rows, notices };
  }
}
