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

/** Settlements with anything beyond their own row: a 3301 notice or an owed-changing adjustment. */
const SPECIAL = `SELECT settlement_id FROM center_notices WHERE settlement_id IS NOT NULL
  UNION SELECT settlement_id FROM adjustments WHERE field IN ('fund_pay', 'critical_illness_pay', 'account_pay')`;
/** Which settlements are receivables: refunded ones and their refund rows cancel out; rejected uploads were never owed. */
const ELIGIBLE = `s.refund_of IS NULL AND s.state IN ('provisional', 'confirmed', 'adjusted')`;
const PLAIN_OWED = '(s.fund_pay + s.critical_illness_pay + s.account_pay)';
const AGE = 'CAST(julianday(:today) - julianday(s.created_day) AS INTEGER)';
const BUCKET = (age: string) => `CASE WHEN ${age} <= 30 THEN '0-30' WHEN ${age} <= 60 THEN '31-60' WHEN ${age} <= 90 THEN '61-90' ELSE '90+' END`;
const PLAIN_STATUS = "CASE WHEN s.state = 'provisional' THEN 'uploaded' ELSE 'confirmed' END";

/**
 * A settlement with no notice and no adjustment is simple: owed = outstanding = its fund +
 * critical illness + account, status from its state. Those are summed in one plain pass over
 * the journal; only the few SPECIAL ones get the joins below (and their plain share is taken
 * back out of the plain sums).
 */
const PLAIN_GROUPS = `
  SELECT ${PLAIN_STATUS} AS status, ${BUCKET(AGE)} AS bucket, count(*) AS count, sum(${PLAIN_OWED}) AS owed, 0 AS paid,
         0 AS deducted, 0 AS rejected, sum(${PLAIN_OWED}) AS outstanding, sum(${PLAIN_OWED} > 0) AS open_count,
         sum(CASE WHEN ${PLAIN_OWED} > 0 THEN ${PLAIN_OWED} ELSE 0 END) AS open_amount
  FROM settlements s WHERE ${ELIGIBLE} AND ${PLAIN_OWED} <> 0`;

/** The SPECIAL settlements, each computed in full (outstanding, status, age). */
const RECEIVABLES = `
  WITH special AS (${SPECIAL}),
  adj AS (
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
    WHERE ${ELIGIBLE} AND s.id IN (SELECT settlement_id FROM special)),
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
    type Group = { status: string; bucket: '0-30' | '31-60' | '61-90' | '90+'; count: number; owed: number; paid: number; deducted: number; rejected: number; outstanding: number; open_count: number; open_amount: number };
    const plain = db.prepare(`${PLAIN_GROUPS} GROUP BY 1, 2`).all({ today }) as Group[];
    const specialPlain = db.prepare(`${PLAIN_GROUPS} AND s.id IN (${SPECIAL}) GROUP BY 1, 2`).all({ today }) as Group[];
    const special = db
      .prepare(
        `${RECEIVABLES} SELECT status, bucket, count(*) AS count, sum(owed) AS owed, sum(paid) AS paid, sum(deducted) AS deducted,
           sum(rejected) AS rejected, sum(outstanding) AS outstanding, sum(outstanding > 0) AS open_count,
           sum(CASE WHEN outstanding > 0 THEN outstanding ELSE 0 END) AS open_amount
         FROM r GROUP BY status, bucket`,
      )
      .all({ today }) as Group[];
    const totals = { owed: 0, paid: 0, deducted: 0, rejected: 0, outstanding: 0, count: 0 };
    const byStatus: ReceivablesSummary['byStatus'] = {};
    const aging: ReceivablesSummary['aging'] = (['0-30', '31-60', '61-90', '90+'] as const).map((bucket) => ({ bucket, count: 0, outstanding: 0 }));
    const add = (g: Group, sign: 1 | -1) => {
      totals.owed += sign * g.owed;
      totals.paid += sign * g.paid;
      totals.deducted += sign * g.deducted;
      totals.rejected += sign * g.rejected;
      totals.outstanding += sign * g.outstanding;
      totals.count += sign * g.count;
      const s = (byStatus[g.status] ??= { count: 0, outstanding: 0 });
      s.count += sign * g.count;
      s.outstanding += sign * g.outstanding;
      const a = aging.find((x) => x.bucket === g.bucket)!;
      a.count += sign * g.open_count;
      a.outstanding += sign * g.open_amount;
    };
    for (const g of plain) add(g, 1);
    for (const g of specialPlain) add(g, -1);
    for (const g of special) add(g, 1);
    for (const k of Object.keys(byStatus)) if (byStatus[k]!.count === 0) delete byStatus[k];
    // Oldest first: the plain ones straight off the created_day index (stops after `limit`).
    const plainRows = db
      .prepare(
        `SELECT s.id AS settlementId, s.created_day AS day, s.psn_name AS psnName, s.insutype, ${PLAIN_STATUS} AS status,
           ${PLAIN_OWED} AS owed, 0 AS paid, 0 AS deducted, 0 AS rejected, ${PLAIN_OWED} AS outstanding, ${AGE} AS ageDays
         FROM settlements s WHERE ${ELIGIBLE} AND ${PLAIN_OWED} <> 0 AND s.id NOT IN (${SPECIAL})
         ORDER BY s.created_day LIMIT :limit`,
      )
      .all({ today, limit }) as ReceivableRow[];
    const specialRows = db
      .prepare(
        `${RECEIVABLES} SELECT id AS settlementId, created_day AS day, psn_name AS psnName, insutype, status, owed, paid, deducted,
           rejected, outstanding, age AS ageDays
         FROM r WHERE outstanding <> 0 OR status = 'rejected' ORDER BY created_day, id LIMIT :limit`,
      )
      .all({ today, limit }) as ReceivableRow[];
    const rows = [...plainRows, ...specialRows]
      .sort((a, b) => (a.day === b.day ? (a.settlementId < b.settlementId ? -1 : 1) : a.day < b.day ? -1 : 1))
      .slice(0, limit);
    return { asOf: asOf.toISOString(), totals, byStatus, aging, rows, notices };
  }
}
