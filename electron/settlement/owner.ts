// What the other parts may read from and do to the settlement part's tables (settlements,
// adjustments): the outbox applies the center's answers, the work lists review adjustments, the
// reconciliation, reports and the clinic stream read the journal. Their SQL lives here, beside
// the owner (test/unit/architecture/table-owners.test.ts); where another part's query over its
// own tables needs the journal, it composes the fragments below (as with outbox/predicates.ts).
import { z } from 'zod';
import type { Db } from '../db/open';
import { fenColumn, many, one, run, value, values } from '../db/sql';
import type { WorkItem } from '../api/contract/shift';
import { MONEY_FIELDS, moneyFromRow, type Money, type MoneyColumn } from './mapping';

const text = z.string();

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
  adjustment: 'SELECT * FROM adjustments WHERE id = :id',
  /** FROM clause for one settlement's clinic row. */
  settlementFrom: (): string => settlementsWithAdjustmentsSql(),
} as const;

export function settlementState(db: Db, id: string): string | undefined {
  return value(db, 'SELECT state FROM settlements WHERE id = :id', { id }, text);
}

/** The local id of the settlement the center knows as `centerSetlId` (or whose local id it is). */
export function settlementIdForCenterId(db: Db, centerSetlId: string): string | null {
  return (value(db, 'SELECT id FROM settlements WHERE center_setl_id = :centerSetlId', { centerSetlId }, text) ??
    value(db, 'SELECT id FROM settlements WHERE id = :centerSetlId', { centerSetlId }, text) ??
    null);
}

/** The id of a refund row of `settlementId`, if one exists. */
export function refundOf(db: Db, settlementId: string): string | undefined {
  return value(db, 'SELECT id FROM settlements WHERE refund_of = :settlementId', { settlementId }, text);
}

// Only the money columns: the row's JSON columns (explanation, snapshots) are large and unused here.
const MONEY_ROW_SQL = `SELECT ${MONEY_FIELDS.map(([c]) => c).join(', ')} FROM settlements WHERE id = :id`;
// Checked by moneyFromRow (SETTLEMENT_ROW_DAMAGED names the column), so only the shape here.
const MoneyRow = z.record(z.string(), z.unknown());

/** The local split of a settlement, as printed at the window. */
export function settlementMoney(db: Db, id: string): Money {
  // A missing row reads as all columns missing: damaged, never 0.
  return moneyFromRow((one(db, MONEY_ROW_SQL, { id }, MoneyRow) ?? {}) as Record<MoneyColumn, number>);
}

// ---- The center's answers (the outbox worker, inside its transaction) ----

/** The center rejected the upload: the settlement shows it (a refunded one stays refunded). */
export function markSettlementRejected(db: Db, id: string, now: string): void {
  run(db, "UPDATE settlements SET state = 'rejected', updated_at = :now WHERE id = :id AND state <> 'refunded'", { now, id });
}

/** The center's figures where they differ from a row's own, one adjustment each (a repeat is ignored). */
function insertAdjustments(db: Db, settlementId: string, outboxId: number, diffs: readonly { field: MoneyColumn; local: number; center: number }[], now: string): void {
  for (const d of diffs) {
    run(
      db,
      `INSERT OR IGNORE INTO adjustments (settlement_id, outbox_id, field, local_amount, center_amount, difference, created_at)
       VALUES (:settlementId, :outboxId, :field, :local, :center, :difference, :now)`,
      { settlementId, outboxId, field: d.field, local: d.local, center: d.center, difference: d.center - d.local, now },
    );
  }
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
  insertAdjustments(db, a.settlementId, a.outboxId, a.diffs, a.now);
  run(
    db,
    `UPDATE settlements SET state = CASE WHEN state = 'refunded' THEN state ELSE :state END, center_setl_id = :setlId, center_mdtrt_id = :mdtrtId,
       updated_at = :now WHERE id = :settlementId`,
    { state: a.state, setlId: a.setlId, mdtrtId: a.mdtrtId, now: a.now, settlementId: a.settlementId },
  );
}

/**
 * A refund row's 2208 (or a 2601) was answered: the row is done. A 2208 answer carries the
 * center's negative figures: where they differ from the refund row's own (the original was
 * adjusted by the center after the refund was made here), they are kept as the refund row's
 * adjustments, so its agreed figures — reports, reconciliation, the clinic — are the center's.
 */
export function confirmRefundRow(db: Db, a: { id: string; outboxId: number; diffs: readonly { field: MoneyColumn; local: number; center: number }[]; now: string }): void {
  insertAdjustments(db, a.id, a.outboxId, a.diffs, a.now);
  run(db, "UPDATE settlements SET state = 'confirmed', updated_at = :now WHERE id = :id AND state = 'provisional'", { now: a.now, id: a.id });
}

// ---- The adjustment work list ----

const WorkHead = z.object({ id: text, created_at: text, psn_name: text, insurance_type: text, total: fenColumn });
export type WorkHead = z.infer<typeof WorkHead>;

export function workHead(db: Db, id: string): WorkHead | undefined {
  return one(db, 'SELECT id, created_at, psn_name, insurance_type, total FROM settlements WHERE id = :id', { id }, WorkHead);
}

/** Settlements with adjustments nobody reviewed yet, by id. */
export function unreviewedAdjusted(db: Db, limit: number): string[] {
  return values(db, 'SELECT DISTINCT settlement_id FROM adjustments WHERE reviewed_by IS NULL ORDER BY settlement_id LIMIT :limit', { limit }, text);
}

const Difference = z.object({ field: text, local: fenColumn, center: fenColumn, difference: fenColumn }) satisfies z.ZodType<WorkItem['differences'][number]>;

export function adjustmentDifferences(db: Db, settlementId: string): WorkItem['differences'] {
  return many(db, 'SELECT field, local_amount AS local, center_amount AS center, difference FROM adjustments WHERE settlement_id = :settlementId ORDER BY id', { settlementId }, Difference);
}

export function hasUnreviewedAdjustments(db: Db, settlementId: string): boolean {
  return (value(db, 'SELECT count(*) FROM adjustments WHERE settlement_id = :settlementId AND reviewed_by IS NULL', { settlementId }, z.number()) ?? 0) > 0;
}

export function markAdjustmentsReviewed(db: Db, settlementId: string, operatorId: string, now: string): void {
  run(db, 'UPDATE adjustments SET reviewed_by = :operatorId, reviewed_at = :now WHERE settlement_id = :settlementId AND reviewed_by IS NULL', { operatorId, now, settlementId });
}
