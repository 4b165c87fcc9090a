// What the other parts may read from and do to the settlement part's tables (settlements,
// adjustments): the outbox applies the center's answers, the work lists review adjustments, the
// reconciliation, reports and the clinic stream read the journal. Their SQL lives here, beside
// the owner (test/unit/architecture/table-owners.test.ts); where another part's query over its
// own tables needs the journal, it composes the fragments below (as with outbox/predicates.ts).
import type { Db } from '../db/open';
import { stmt } from '../db/statements';
import type { WorkItem } from '../api/contract/shift';
import { MONEY_FIELDS, moneyFromRow, type Money, type MoneyColumn } from './mapping';

/**
 * The settlements (alias `s`) with the center's adjustments per settlement as differences
 * (center − local) to add, alias `adj`: dt total, df fund, dc critical illness, da account.
 * `indexedBy` names the index the caller's plan needs (SQLite may otherwise choose a worse one).
 */
export function settlementsWithAdjustmentsSql(indexedBy?: 'settlements_day' | 'settlements_shift'): string {
  return `settlements s${indexedBy ? ` INDEXED BY ${indexedBy}` : ''} LEFT JOIN (
    SELECT settlement_id,
           sum(CASE WHEN field = 'total' THEN difference ELSE 0 END) AS dt,
           sum(CASE WHEN field = 'fund_pay' THEN difference ELSE 0 END) AS df,
           sum(CASE WHEN field = 'critical_illness_pay' THEN difference ELSE 0 END) AS dc,
           sum(CASE WHEN field = 'account_pay' THEN difference ELSE 0 END) AS da
    FROM adjustments GROUP BY settlement_id) adj ON adj.settlement_id = s.id`;
}

/** The center-agreed amounts of `settlementsWithAdjustmentsSql` rows: total, fund (with critical illness), account. */
export const AGREED_AMOUNTS_SQL = `s.total + coalesce(adj.dt, 0) AS total,
                 s.fund_pay + s.critical_illness_pay + coalesce(adj.df, 0) + coalesce(adj.dc, 0) AS fund,
                 s.account_pay + coalesce(adj.da, 0) AS account`;

/** `JOIN settlements <alias> ON <alias>.id = <settlementId>`, for a part listing its own rows with the payer's name. */
export function joinSettlementSql(alias: string, settlementId: string): string {
  return `JOIN settlements ${alias} ON ${alias}.id = ${settlementId}`;
}

/** The local settlement id a center setl_id (or the local id itself) names, as an SQL expression (NULL if none). */
export function settlementIdForCenterIdSql(centerSetlId: string): string {
  return `coalesce((SELECT id FROM settlements WHERE center_setl_id = ${centerSetlId}), (SELECT id FROM settlements WHERE id = ${centerSetlId}))`;
}

/** The clinic stream's queries over the settlement part's tables (ids for the backfill, one record). */
export const SETTLEMENT_STREAM_SQL = {
  settlementIds: 'SELECT id FROM settlements ORDER BY created_at, id',
  adjustmentIds: 'SELECT id FROM adjustments ORDER BY id',
  adjustment: 'SELECT * FROM adjustments WHERE id = ?',
  /** FROM clause for one settlement's clinic row. */
  settlementFrom: (): string => settlementsWithAdjustmentsSql(),
} as const;

export function settlementState(db: Db, id: string): string | undefined {
  return stmt(db, 'SELECT state FROM settlements WHERE id = ?').pluck().get(id) as string | undefined;
}

/** The local id of the settlement the center knows as `centerSetlId` (or whose local id it is). */
export function settlementIdForCenterId(db: Db, centerSetlId: string): string | null {
  return ((stmt(db, 'SELECT id FROM settlements WHERE center_setl_id = ?').pluck().get(centerSetlId) as string | undefined) ??
    (stmt(db, 'SELECT id FROM settlements WHERE id = ?').pluck().get(centerSetlId) as string | undefined) ??
    null);
}

/** The id of a refund row of `settlementId`, if one exists. */
export function refundOf(db: Db, settlementId: string): string | undefined {
  return stmt(db, 'SELECT id FROM settlements WHERE refund_of = ?').pluck().get(settlementId) as string | undefined;
}

// Only the money columns: the row's JSON columns (explanation, snapshots) are large and unused here.
const MONEY_ROW_SQL = `SELECT ${MONEY_FIELDS.map(([c]) => c).join(', ')} FROM settlements WHERE id = ?`;

/** The local split of a settlement, as printed at the window. */
export function settlementMoney(db: Db, id: string): Money {
  return moneyFromRow(stmt(db, MONEY_ROW_SQL).get(id) as Record<MoneyColumn, number>);
}

// ---- The center's answers (the outbox worker, inside its transaction) ----

/** The center rejected the upload: the settlement shows it (a refunded one stays refunded). */
export function markSettlementRejected(db: Db, id: string, now: string): void {
  stmt(db, "UPDATE settlements SET state = 'rejected', updated_at = ? WHERE id = ? AND state <> 'refunded'").run(now, id);
}

/** The center took the upload: its ids and, where its split differed, the adjustments. */
export function recordCenterAgreement(
  db: Db,
  a: {
    settlementId: string;
    outboxId: number;
    state: 'confirmed' | 'adjusted';
    diffs: readonly { field: MoneyColumn; local: number; center: number }[];
    setlId: string | null;
    mdtrtId: string | null;
    now: string;
  },
): void {
  const ins = stmt(db, 'INSERT OR IGNORE INTO adjustments (settlement_id, outbox_id, field, local_amount, center_amount, difference, created_at) VALUES (?,?,?,?,?,?,?)');
  for (const d of a.diffs) ins.run(a.settlementId, a.outboxId, d.field, d.local, d.center, d.center - d.local, a.now);
  stmt(db, `UPDATE settlements SET state = CASE WHEN state = 'refunded' THEN state ELSE ? END, center_setl_id = ?, center_mdtrt_id = ?, updated_at = ? WHERE id = ?`).run(
    a.state,
    a.setlId,
    a.mdtrtId,
    a.now,
    a.settlementId,
  );
}

/** A refund row's 2208 (or a 2601) was answered: the row is done. */
export function confirmRefundRow(db: Db, id: string, now: string): void {
  stmt(db, "UPDATE settlements SET state = 'confirmed', updated_at = ? WHERE id = ? AND state = 'provisional'").run(now, id);
}

// ---- The adjustment work list ----

export interface WorkHead {
  id: string;
  created_at: string;
  psn_name: string;
  insurance_type: string;
  total: number;
}

export function workHead(db: Db, id: string): WorkHead | undefined {
  return stmt(db, 'SELECT id, created_at, psn_name, insurance_type, total FROM settlements WHERE id = ?').get(id) as WorkHead | undefined;
}

/** Settlements with adjustments nobody reviewed yet, by id. */
export function unreviewedAdjusted(db: Db, limit: number): string[] {
  return stmt(db, 'SELECT DISTINCT settlement_id FROM adjustments WHERE reviewed_by IS NULL ORDER BY settlement_id LIMIT ?').pluck().all(limit) as string[];
}

export function adjustmentDifferences(db: Db, settlementId: string): WorkItem['differences'] {
  return stmt(db, 'SELECT field, local_amount AS local, center_amount AS center, difference FROM adjustments WHERE settlement_id = ? ORDER BY id').all(
    settlementId,
  ) as WorkItem['differences'];
}

export function hasUnreviewedAdjustments(db: Db, settlementId: string): boolean {
  return (stmt(db, 'SELECT count(*) FROM adjustments WHERE settlement_id = ? AND reviewed_by IS NULL').pluck().get(settlementId) as number) > 0;
}

export function markAdjustmentsReviewed(db: Db, settlementId: string, operatorId: string, now: string): void {
  stmt(db, 'UPDATE adjustments SET reviewed_by = ?, reviewed_at = ? WHERE settlement_id = ? AND reviewed_by IS NULL').run(operatorId, now, settlementId);
}
