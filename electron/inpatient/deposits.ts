// Owner of `stay_deposits` (migration 0026): money paid in for a stay (预交金) and paid back, the
// balance a settlement consumed ('applied') and gave back when cancelled ('restored').
//
// The shift's cash (shift/figures.ts composes SHIFT_DEPOSIT_CASH_SQL): a deposit or refund in
// cash is drawer money; an 'applied' / 'restored' row always counts, with the opposite sign of
// the journal row's cash part that it pays — the settlement's cash_pay is counted as cash taken
// by the shift figures, but the part of it the deposit paid entered the drawer (or the card
// terminal) when the deposit was taken, not at the settlement.
import { z } from 'zod';
import { DEPOSIT_METHODS, type DepositMethod, type DepositView } from '../api/contract/inpatient';
import type { Db } from '../db/open';
import { fenColumn, insertInto, many, one, run, value } from '../db/sql';

export const DEPOSIT_KINDS = ['deposit', 'refund', 'applied', 'restored'] as const;
export type DepositKind = (typeof DEPOSIT_KINDS)[number];

const DepositRow = z.object({
  id: z.string(),
  stay_id: z.string(),
  kind: z.enum(DEPOSIT_KINDS),
  amount: fenColumn,
  method: z.enum(DEPOSIT_METHODS),
  reference: z.string().nullable(),
  reason: z.string().nullable(),
  settlement_id: z.string().nullable(),
  operator_id: z.string(),
  shift_id: z.string().nullable(),
  at: z.string(),
  request_id: z.string().nullable(),
  print_job_id: z.number().int().nullable(),
});
export type DepositRow = z.output<typeof DepositRow>;

/**
 * The cash effect of a shift's deposit rows, fen: `(SELECT … WHERE shift_id = :shiftId)`. The
 * caller names :shiftId. Deposits and refunds in cash, and every applied / restored row.
 */
export const SHIFT_DEPOSIT_CASH_SQL = `(SELECT coalesce(sum(CASE WHEN kind IN ('applied', 'restored') OR method = 'cash' THEN amount ELSE 0 END), 0)
   FROM stay_deposits WHERE shift_id = :shiftId)`;
/** Cash deposits taken in the shift (押金收), fen. */
export const SHIFT_DEPOSIT_IN_SQL = "(SELECT coalesce(sum(amount), 0) FROM stay_deposits WHERE shift_id = :shiftId AND kind = 'deposit' AND method = 'cash')";
/** Cash paid back in the shift (押金退; a settlement's refund of the rest too), fen, negative. */
export const SHIFT_DEPOSIT_OUT_SQL = "(SELECT coalesce(sum(amount), 0) FROM stay_deposits WHERE shift_id = :shiftId AND kind = 'refund' AND method = 'cash')";

export class DepositStore {
  constructor(private readonly db: Db) {}

  insert(d: {
    id: string;
    stayId: string;
    kind: DepositKind;
    amount: number;
    method: DepositMethod;
    reference: string | null;
    reason: string | null;
    settlementId: string | null;
    operatorId: string;
    shiftId: string | null;
    at: string;
    requestId: string | null;
  }): void {
    insertInto(this.db, 'stay_deposits', {
      id: d.id,
      stay_id: d.stayId,
      kind: d.kind,
      amount: d.amount,
      method: d.method,
      reference: d.reference,
      reason: d.reason,
      settlement_id: d.settlementId,
      operator_id: d.operatorId,
      shift_id: d.shiftId,
      at: d.at,
      request_id: d.requestId,
    });
  }

  get(id: string): DepositRow | undefined {
    return one(this.db, 'SELECT * FROM stay_deposits WHERE id = :id', { id }, DepositRow);
  }

  byRequest(requestId: string): DepositRow | undefined {
    return one(this.db, 'SELECT * FROM stay_deposits WHERE request_id = :requestId', { requestId }, DepositRow);
  }

  setPrintJob(id: string, jobId: number): void {
    run(this.db, 'UPDATE stay_deposits SET print_job_id = :jobId WHERE id = :id', { id, jobId });
  }

  list(stayId: string): DepositRow[] {
    return many(this.db, 'SELECT * FROM stay_deposits WHERE stay_id = :stayId ORDER BY at, id', { stayId }, DepositRow);
  }

  balance(stayId: string): number {
    return value(this.db, 'SELECT coalesce(sum(amount), 0) FROM stay_deposits WHERE stay_id = :stayId', { stayId }, fenColumn) ?? 0;
  }

  /** The balance per method (what a settlement consumes, non-cash first). */
  balanceByMethod(stayId: string): Map<DepositMethod, number> {
    const rows = many(this.db, 'SELECT method, coalesce(sum(amount), 0) AS n FROM stay_deposits WHERE stay_id = :stayId GROUP BY method', { stayId }, z.object({ method: z.enum(DEPOSIT_METHODS), n: fenColumn }));
    return new Map(rows.map((r) => [r.method, r.n]));
  }

  /** The rows a settlement wrote (applied, and the refund of the rest). */
  ofSettlement(settlementId: string): DepositRow[] {
    return many(this.db, 'SELECT * FROM stay_deposits WHERE settlement_id = :settlementId ORDER BY id', { settlementId }, DepositRow);
  }

  /** Deposits held for stays not settled or cancelled: the hospital's liability, fen. */
  held(openStayIds: readonly string[]): number {
    let sum = 0;
    for (const id of openStayIds) sum += this.balance(id);
    return sum;
  }

  /** Paid in and paid back on a China day (its UTC bounds given), by method. */
  dayByMethod(fromIso: string, toIso: string): { method: DepositMethod; paidIn: number; paidBack: number }[] {
    return many(
      this.db,
      `SELECT method, coalesce(sum(CASE WHEN kind = 'deposit' THEN amount ELSE 0 END), 0) AS paidIn,
              coalesce(sum(CASE WHEN kind = 'refund' THEN -amount ELSE 0 END), 0) AS paidBack
       FROM stay_deposits WHERE at >= :fromIso AND at < :toIso AND kind IN ('deposit', 'refund') GROUP BY method ORDER BY method`,
      { fromIso, toIso },
      z.object({ method: z.enum(DEPOSIT_METHODS), paidIn: fenColumn, paidBack: fenColumn }),
    );
  }
}

export function depositView(r: DepositRow): DepositView {
  return {
    id: r.id,
    stayId: r.stay_id,
    amount: r.amount,
    method: r.method,
    reference: r.reference,
    reason: r.reason,
    operatorId: r.operator_id,
    shiftId: r.shift_id,
    at: r.at,
    printJobId: r.print_job_id,
  };
}
