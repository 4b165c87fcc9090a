// The named transitions the side queues share — the stay's center steps (stay_outbox), the stock
// reports (stock_outbox) and the catalogue mappings (mapping_outbox) — with the exactly-once
// rules of the settlement outbox (outbox/store.ts):
//   - enqueue: (none) → queued, the msgid fixed when the row is written, inside the transaction
//     that changes what the message reports;
//   - claim: open → sent, durably before the request leaves;
//   - retry: open → queued (busy) or unknown (no answer, a lost or garbled answer), sent again
//     later under the SAME msgid;
//   - resolve / reject: open → the final state, with the center's answer.
// Each queue keeps its own table and its own reads; the owner names its table here (so the
// table-owners check still sees one module per table) and passes its row schema, so every row
// read through these is checked as the owner's.
import { z } from 'zod';
import type { Clock } from '../app/clock';
import type { Db } from '../db/open';
import { insertInto, many, one, run, type Params } from '../db/sql';
import type { CenterOutcome } from '../center/wire/envelope';

/** A side queue's table; each has one owner (the module that constructs its queue). */
export type SideQueueTable = 'stay_outbox' | 'stock_outbox' | 'mapping_outbox';

/** The bookkeeping columns every side queue's row has beside its own (its row schema spreads them). */
export const queueColumns = {
  attempts: z.number().int(),
  next_attempt_at: z.string(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  resolved_at: z.string().nullable(),
  response: z.string().nullable(),
};

/** What a drain did: answered, refused, to be sent again, and what is still open after it. */
export interface DrainResult {
  confirmed: number;
  rejected: number;
  retrying: number;
  remaining: number;
}

/** The stored input of a row, or null when it is damaged: such a row is held in doubt, never sent as {}. */
export function payloadOf(row: { payload: string }): object | null {
  try {
    const parsed: unknown = JSON.parse(row.payload);
    return parsed !== null && typeof parsed === 'object' ? parsed : null;
  } catch {
    return null;
  }
}

/** The states a row may still be claimed, retried or answered in. */
export const OPEN = "state IN ('queued', 'sent', 'unknown')";

/** The stored error and refusal reasons are cut to this many characters. */
const REASON_CHARS = 500;

export class SideQueue<Row> {
  constructor(
    protected readonly db: Db,
    protected readonly clock: Clock,
    private readonly table: SideQueueTable,
    private readonly rowSchema: z.ZodType<Row>,
    /** The final state of an answered row ('done' for the stay's steps, 'confirmed' otherwise). */
    private readonly answered: 'done' | 'confirmed',
  ) {}

  /** (none) → queued: the owner's own columns, the payload and the queue's bookkeeping. */
  protected insertQueued(columns: Params, input: object): number {
    const now = this.clock.now().toISOString();
    const r = insertInto(this.db, this.table, { ...columns, payload: JSON.stringify(input), state: 'queued', attempts: 0, next_attempt_at: now, created_at: now });
    return Number(r.lastInsertRowid);
  }

  /** open → sent, durably before the request leaves; resent at `retryAt` if no answer is recorded. */
  claim(id: number, retryAt: Date): boolean {
    return run(this.db, `UPDATE ${this.table} SET state = 'sent', attempts = attempts + 1, next_attempt_at = :retry WHERE id = :id AND ${OPEN}`, { id, retry: retryAt.toISOString() }).changes === 1;
  }

  /** open → queued (busy, or waiting for what must go first) or unknown (no answer): sent again, same msgid, at `retryAt`. */
  retry(id: number, state: 'queued' | 'unknown', error: string, retryAt: Date): void {
    run(this.db, `UPDATE ${this.table} SET state = :state, last_error = :error, next_attempt_at = :retry WHERE id = :id AND ${OPEN}`, {
      id,
      state,
      error: error.slice(0, REASON_CHARS),
      retry: retryAt.toISOString(),
    });
  }

  /** open → done / confirmed (final): the center took it (or answered the repeat from its store). */
  resolve(id: number, response: unknown): boolean {
    return (
      run(this.db, `UPDATE ${this.table} SET state = :answered, last_error = NULL, resolved_at = :now, response = :response WHERE id = :id AND ${OPEN}`, {
        id,
        answered: this.answered,
        now: this.clock.now().toISOString(),
        response: JSON.stringify(response ?? null),
      }).changes === 1
    );
  }

  /** open → rejected (final): the center refused it; the owner's screen shows the reason. */
  reject(id: number, reason: string, response: unknown): boolean {
    return (
      run(this.db, `UPDATE ${this.table} SET state = 'rejected', last_error = :reason, resolved_at = :now, response = :response WHERE id = :id AND ${OPEN}`, {
        id,
        reason: reason.slice(0, REASON_CHARS),
        now: this.clock.now().toISOString(),
        response: JSON.stringify(response ?? null),
      }).changes === 1
    );
  }

  get(id: number): Row | undefined {
    return one(this.db, `SELECT * FROM ${this.table} WHERE id = :id`, { id }, this.rowSchema);
  }

  openCount(): number {
    return one(this.db, `SELECT count(*) AS n FROM ${this.table} WHERE ${OPEN}`, {}, z.object({ n: z.number().int() }))!.n;
  }

  /**
   * Each key's earliest open row that is due, in id order (one per key: a person's steps, a
   * clinic code's messages): nothing of a key goes before what that key queued earlier.
   */
  protected duePerKey(key: 'psn_no' | 'clinic_code', limit: number): Row[] {
    return many(
      this.db,
      `SELECT o.* FROM ${this.table} o
       WHERE o.${OPEN} AND o.next_attempt_at <= :now
         AND NOT EXISTS (SELECT 1 FROM ${this.table} p WHERE p.${key} = o.${key} AND p.id < o.id AND p.${OPEN})
       ORDER BY o.id LIMIT :limit`,
      { now: this.clock.now().toISOString(), limit },
      this.rowSchema,
    );
  }
}

type Unanswered = Exclude<CenterOutcome, { kind: 'success' }>;

/**
 * A refusal that is final: the business system's own. A gateway refusal or an expired sign-in
 * may or may not have reached it, so those are sent again (unknown, same msgid).
 */
export function isFinalRejection(o: CenterOutcome): o is Extract<CenterOutcome, { kind: 'rejected' }> {
  return o.kind === 'rejected' && o.code !== 'GATEWAY_REJECTED' && o.code !== 'SIGN_IN_REQUIRED';
}

/** What an answer that is not final does to the row: busy → queued, anything else → unknown, with the words shown. */
export function retryOf(o: Unanswered): { state: 'queued' | 'unknown'; why: string } {
  if (o.kind === 'busy') return { state: 'queued', why: `中心繁忙：${o.message}` };
  return { state: 'unknown', why: o.kind === 'unknown' ? `结果未知：${o.reason}` : `结果未知：${o.message}` };
}
