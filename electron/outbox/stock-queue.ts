// The outbox for stock reports (3501 inventory, 3502 stock change, 3503 purchase, 3504 purchase
// return; migration 0025 says why they have a table of their own, as mapping_outbox does). The
// exactly-once rules of the settlement outbox, as named transitions on stock_outbox —
// enqueueStock, then side-queue.ts's claim, retry, resolve and reject — and one drain:
//   - the msgid is fixed when the row is written, inside the transaction that changes the stock;
//   - a row is claimed ('sent') durably before its request leaves;
//   - busy → queued, no answer / a lost or garbled answer → unknown: both sent again later under
//     the SAME msgid (the center answers a message it already applied from its store);
//   - ONE queue in id order: the head must be answered before the next goes (a purchase before
//     its return, a stock-take after the changes it counted);
//   - a final answer commits in one transaction with nothing else to do (the stock itself never
//     waits for the center: a refused report is shown, the shelf stays as counted).
import { z } from 'zod';
import type { Clock } from '../app/clock';
import type { Db } from '../db/open';
import { many, one } from '../db/sql';
import type { CenterOutcome } from '../center/wire/envelope';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { isFinalRejection, OPEN, payloadOf, queueColumns, retryOf, SideQueue, type DrainResult } from './side-queue';

export const STOCK_INFNOS = ['3501', '3502', '3503', '3504'] as const;
export type StockInfno = (typeof STOCK_INFNOS)[number];
export const STOCK_REPORT_STATES = ['queued', 'sent', 'unknown', 'confirmed', 'rejected'] as const;

export const StockOutboxRow = z.object({
  id: z.number().int(),
  movement_id: z.number().int(),
  infno: z.enum(STOCK_INFNOS),
  msgid: z.string(),
  protocol: z.enum(['simple', 'national']),
  payload: z.string(),
  state: z.enum(STOCK_REPORT_STATES),
  ...queueColumns,
});
export type StockOutboxRow = z.output<typeof StockOutboxRow>;

export class StockQueue extends SideQueue<StockOutboxRow> {
  constructor(db: Db, clock: Clock) {
    super(db, clock, 'stock_outbox', StockOutboxRow, 'confirmed');
  }

  /** (none) → queued. Call inside the transaction that changes the stock. */
  enqueueStock(m: { movementId: number; infno: StockInfno; msgid: string; protocol: 'simple' | 'national'; input: object }): number {
    return this.insertQueued({ movement_id: m.movementId, infno: m.infno, msgid: m.msgid, protocol: m.protocol }, m.input);
  }

  /** The head of the one queue, when it is due (nothing behind it goes before it is answered). */
  dueHead(): StockOutboxRow | undefined {
    return one(this.db, `SELECT * FROM stock_outbox WHERE ${OPEN} AND id = (SELECT min(id) FROM stock_outbox WHERE ${OPEN}) AND next_attempt_at <= :now`, { now: this.clock.now().toISOString() }, StockOutboxRow);
  }

  forMovement(movementId: number): StockOutboxRow | undefined {
    return one(this.db, 'SELECT * FROM stock_outbox WHERE movement_id = :movementId ORDER BY id DESC LIMIT 1', { movementId }, StockOutboxRow);
  }

  /** Open ones and refused ones, oldest first (the screen's "not yet received"). */
  unsent(limit: number): StockOutboxRow[] {
    return many(this.db, `SELECT * FROM stock_outbox WHERE ${OPEN} OR state = 'rejected' ORDER BY id LIMIT :limit`, { limit }, StockOutboxRow);
  }

  count(state: 'open' | 'rejected'): number {
    if (state === 'open') return this.openCount();
    return one(this.db, "SELECT count(*) AS n FROM stock_outbox WHERE state = 'rejected'", {}, z.object({ n: z.number().int() }))!.n;
  }

  all(): StockOutboxRow[] {
    return many(this.db, 'SELECT * FROM stock_outbox ORDER BY id', {}, StockOutboxRow);
  }
}

export interface StockDrainDeps {
  db: Db;
  queue: StockQueue;
  clock: Clock;
  backoff?: BackoffOptions;
  /** Send one report under its msgid, by the protocol it was written under. */
  send(row: StockOutboxRow, input: object): Promise<CenterOutcome>;
}

export type StockDrainResult = DrainResult;

/**
 * Send the head of the queue until nothing due is left, or the head must wait (busy / in doubt:
 * its backoff). Never throws for an answer.
 */
export async function drainStock(deps: StockDrainDeps, opts: { maxRounds?: number } = {}): Promise<StockDrainResult> {
  const out: StockDrainResult = { confirmed: 0, rejected: 0, retrying: 0, remaining: 0 };
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  for (let round = 0; round < (opts.maxRounds ?? 500); round++) {
    const row = deps.queue.dueHead();
    if (!row) break;
    // Claimed with a retry time past any answer's wait: a crash mid-request leaves it 'sent', resent later under its msgid.
    const retryAt = new Date(deps.clock.now().getTime() + 60_000 + backoffDelay(row.attempts + 1, backoff));
    if (!deps.queue.claim(row.id, retryAt)) continue;
    const input = payloadOf(row);
    if (!input) {
      // Never sent as {}: held in doubt for a person to look at.
      deps.queue.retry(row.id, 'unknown', '进销存上报报文已损坏（无法解析），未发送', retryAt);
      out.retrying++;
      break;
    }
    const o = await deps.send(row, input).catch((e: unknown): CenterOutcome => ({ kind: 'unknown', msgid: row.msgid, reason: e instanceof Error ? e.message : String(e) }));
    const later = new Date(deps.clock.now().getTime() + backoffDelay(row.attempts + 1, backoff));
    let progressed = false;
    deps.db.transaction(() => {
      if (o.kind === 'success') {
        progressed = deps.queue.resolve(row.id, o.output ?? null);
        if (progressed) out.confirmed++;
      } else if (isFinalRejection(o)) {
        progressed = deps.queue.reject(row.id, o.message, o.output ?? null);
        if (progressed) out.rejected++;
      } else {
        const r = retryOf(o);
        deps.queue.retry(row.id, r.state, r.why, later);
        out.retrying++;
      }
    })();
    if (!progressed) break;
  }
  out.remaining = deps.queue.count('open');
  return out;
}
