// Owner of `stay_fee_batches` and `stay_fee_lines` (migration 0026): a stay's fee lines, in
// batches as they came (a HIS bill or lines typed at the window), revoked (2302) or settled.
import { z } from 'zod';
import type { FeeBatchView, StayFeeLineView } from '../api/contract/inpatient';
import type { Db } from '../db/open';
import { fenColumn, flagColumn, insertInto, many, one, run, value } from '../db/sql';

/** A line as entered, before the store numbers it and puts it in a batch: the view's own fields. */
export type NewFeeLine = Pick<StayFeeLineView, 'code' | 'name' | 'unitPrice' | 'quantity' | 'amount' | 'ownPay' | 'feeDate'>;

const LineRow = z.object({
  stay_id: z.string(),
  line_no: z.number().int(),
  batch_id: z.string(),
  code: z.string(),
  name: z.string(),
  unit_price: z.string(),
  quantity: z.string(),
  amount: fenColumn,
  own_pay: flagColumn,
  fee_date: z.string(),
  revoked: flagColumn,
  settlement_id: z.string().nullable(),
});
export type FeeLineRow = z.output<typeof LineRow>;

const BatchRow = z.object({
  id: z.string(),
  stay_id: z.string(),
  source: z.enum(['bill', 'window']),
  bill_id: z.string().nullable(),
  operator_id: z.string(),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
  revoke_reason: z.string().nullable(),
  lines: z.number().int(),
  total: fenColumn,
});
export type FeeBatchRow = z.output<typeof BatchRow>;

export class FeeStore {
  constructor(private readonly db: Db) {}

  /** One batch and its lines, numbered after the stay's last line. Inside the caller's transaction. */
  addBatch(b: { id: string; stayId: string; source: 'bill' | 'window'; billId: string | null; operatorId: string; at: string; lines: NewFeeLine[] }): number[] {
    insertInto(this.db, 'stay_fee_batches', { id: b.id, stay_id: b.stayId, source: b.source, bill_id: b.billId, operator_id: b.operatorId, created_at: b.at });
    let next = (value(this.db, 'SELECT max(line_no) FROM stay_fee_lines WHERE stay_id = :stayId', { stayId: b.stayId }, z.number().int().nullable()) ?? 0) + 1;
    const lineNos: number[] = [];
    for (const l of b.lines) {
      insertInto(this.db, 'stay_fee_lines', {
        stay_id: b.stayId,
        line_no: next,
        batch_id: b.id,
        code: l.code,
        name: l.name,
        unit_price: l.unitPrice,
        quantity: l.quantity,
        amount: l.amount,
        own_pay: l.ownPay ? 1 : 0,
        fee_date: l.feeDate,
      });
      lineNos.push(next++);
    }
    return lineNos;
  }

  batch(id: string): FeeBatchRow | undefined {
    return one(this.db, `${BATCHES_SQL} WHERE b.id = :id GROUP BY b.id`, { id }, BatchRow);
  }

  batches(stayId: string): FeeBatchRow[] {
    return many(this.db, `${BATCHES_SQL} WHERE b.stay_id = :stayId GROUP BY b.id ORDER BY b.created_at, b.id`, { stayId }, BatchRow);
  }

  lines(stayId: string): FeeLineRow[] {
    return many(this.db, 'SELECT * FROM stay_fee_lines WHERE stay_id = :stayId ORDER BY line_no', { stayId }, LineRow);
  }

  /** Counted and not yet settled: what the next settlement takes. */
  unsettled(stayId: string): FeeLineRow[] {
    return many(this.db, 'SELECT * FROM stay_fee_lines WHERE stay_id = :stayId AND revoked = 0 AND settlement_id IS NULL ORDER BY line_no', { stayId }, LineRow);
  }

  /** Lines ever counted (settled or not), for the rule "no cancel of an admission with fees". */
  countedCount(stayId: string): number {
    return value(this.db, 'SELECT count(*) FROM stay_fee_lines WHERE stay_id = :stayId AND revoked = 0', { stayId }, z.number().int()) ?? 0;
  }

  runningTotal(stayId: string): number {
    return value(this.db, 'SELECT coalesce(sum(amount), 0) FROM stay_fee_lines WHERE stay_id = :stayId AND revoked = 0 AND settlement_id IS NULL', { stayId }, fenColumn) ?? 0;
  }

  /** A batch whose lines are all unsettled is revoked whole; returns the lines revoked. */
  revokeBatch(batchId: string, reason: string, at: string): number {
    run(this.db, 'UPDATE stay_fee_batches SET revoked_at = :at, revoke_reason = :reason WHERE id = :batchId AND revoked_at IS NULL', { batchId, reason, at });
    return run(this.db, 'UPDATE stay_fee_lines SET revoked = 1 WHERE batch_id = :batchId AND revoked = 0 AND settlement_id IS NULL', { batchId }).changes;
  }

  /** "0000": every unsettled line of the stay; the batches left with no counted line are marked revoked. */
  revokeAllUnsettled(stayId: string, reason: string, at: string): number {
    const n = run(this.db, 'UPDATE stay_fee_lines SET revoked = 1 WHERE stay_id = :stayId AND revoked = 0 AND settlement_id IS NULL', { stayId }).changes;
    run(
      this.db,
      `UPDATE stay_fee_batches SET revoked_at = :at, revoke_reason = :reason WHERE stay_id = :stayId AND revoked_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM stay_fee_lines l WHERE l.batch_id = stay_fee_batches.id AND l.revoked = 0)`,
      { stayId, reason, at },
    );
    return n;
  }

  markSettled(stayId: string, lineNos: number[], settlementId: string): void {
    for (const lineNo of lineNos) {
      const r = run(this.db, 'UPDATE stay_fee_lines SET settlement_id = :settlementId WHERE stay_id = :stayId AND line_no = :lineNo AND settlement_id IS NULL AND revoked = 0', { stayId, lineNo, settlementId });
      if (r.changes !== 1) throw new Error(`stay ${stayId} line ${lineNo} was settled or revoked meanwhile`);
    }
  }

  /** A cancelled settlement (2305): its lines count again, for the next settlement. */
  unsettle(settlementId: string): number {
    return run(this.db, 'UPDATE stay_fee_lines SET settlement_id = NULL WHERE settlement_id = :settlementId', { settlementId }).changes;
  }

  /** Is a bill already a batch of some stay? */
  batchOfBill(billId: string): string | undefined {
    return value(this.db, 'SELECT id FROM stay_fee_batches WHERE bill_id = :billId', { billId }, z.string());
  }
}

const BATCHES_SQL = `SELECT b.id, b.stay_id, b.source, b.bill_id, b.operator_id, b.created_at, b.revoked_at, b.revoke_reason,
    count(l.line_no) AS lines, coalesce(sum(l.amount), 0) AS total
  FROM stay_fee_batches b LEFT JOIN stay_fee_lines l ON l.batch_id = b.id`;

export function lineView(r: FeeLineRow): StayFeeLineView {
  return {
    lineNo: r.line_no,
    batchId: r.batch_id,
    code: r.code,
    name: r.name,
    unitPrice: r.unit_price,
    quantity: r.quantity,
    amount: r.amount,
    ownPay: r.own_pay,
    feeDate: r.fee_date,
    revoked: r.revoked,
  };
}

export function batchView(r: FeeBatchRow, upload: FeeBatchView['upload']): FeeBatchView {
  return { id: r.id, source: r.source, billId: r.bill_id, lines: r.lines, total: r.total, upload, revoked: r.revoked_at !== null, at: r.created_at };
}
