// The outbox for stock reports (3501 inventory, 3502 stock change, 3503 purchase, 3504 purchase
// return; migration 0025 says why they have a table of their own, as mapping_outbox does). The
// exactly-once rules of the settlement outbox, as named transitions on stock_outbox —
// enqueueStock, claimStock, retryStock, resolveStock, rejectStock — and one drain:
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
import { many, one, run } from '../db/sql';
import type { CenterOutcome } from '../center/wire/envelope';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';

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
  attempts: z.number().int(),
  next_attempt_at: z.string(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  resolved_at: z.string().nullable(),
  response: z.string().nullable(),
});
export type StockOutboxRow = z.output<typeof StockOutboxRow>;

const OPEN = "state IN ('queued', 'sent', 'unknown')";

export class StockQueue {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** (none) → queued. Call inside the transaction that changes the stock. */
  enqueueStock(m: { movementId: number; infno: StockInfno; msgid: string; protocol: 'simple' | 'national'; input: object }): number {
    const now = this.clock.now().toISOString();
    const r = run(
      this.db,
      `INSERT INTO stock_outbox (movement_id, infno, msgid, protocol, payload, state, attempts, next_attempt_at, created_at)
       VALUES (:movementId, :infno, :msgid, :protocol, :payload, 'queued', 0, :now, :now)`,
      { movementId: m.movementId, infno: m.infno, msgid: m.msgid, protocol: m.protocol, payload: JSON.stringify(m.input), now },
    );
    return Number(r.lastInsertRowid);
  }

  /** open → sent, durably before the request leaves; resent at `retryAt` if no answer is recorded. */
  claimStock(id: number, retryAt: Date): boolean {
    return run(this.db, `UPDATE stock_outbox SET state = 'sent', attempts = attempts + 1, next_attempt_at = :retry WHERE id = :id AND ${OPEN}`, { id, retry: retryAt.toISOString() }).changes === 1;
  }

  /** open → queued (busy) or unknown (no answer): sent again, same msgid, at `retryAt`. */
  retryStock(id: number, state: 'queued' | 'unknown', error: string, retryAt: Date): void {
    run(this.db, `UPDATE stock_outbox SET state = :state, last_error = :error, next_attempt_at = :retry WHERE id = :id AND ${OPEN}`, { id, state, error: error.slice(0, 500), retry: retryAt.toISOString() });
  }

  /** open → confirmed (final): the center took it (or answered the repeat from its store). */
  resolveStock(id: number, response: unknown): boolean {
    return run(this.db, `UPDATE stock_outbox SET state = 'confirmed', last_error = NULL, resolved_at = :now, response = :response WHERE id = :id AND ${OPEN}`, {
      id,
      now: this.clock.now().toISOString(),
      response: JSON.stringify(response ?? null),
    }).changes === 1;
  }

  /** open → rejected (final): the center refused it; the stock screen shows the reason. */
  rejectStock(id: number, reason: string, response: unknown): boolean {
    return run(this.db, `UPDATE stock_outbox SET state = 'rejected', last_error = :reason, resolved_at = :now, response = :response WHERE id = :id AND ${OPEN}`, {
      id,
      reason: reason.slice(0, 500),
      now: this.clock.now().toISOString(),
      response: JSON.stringify(response ?? null),
    }).changes === 1;
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
    const where = state === 'open' ? OPEN : "state = 'rejected'";
    return one(this.db, `SELECT count(*) AS n FROM stock_outbox WHERE ${where}`, {}, z.object({ n: z.number().int() }))!.n;
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

export interface StockDrainResult {
  confirmed: number;
  rejected: number;
  retrying: number;
  remaining: number;
}

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
    if (!deps.queue.claimStock(row.id, retryAt)) continue;
    let input: object | null = null;
    try {
      const parsed: unknown = JSON.parse(row.payload);
      if (parsed !== null && typeof parsed === 'object') input = parsed;
    } catch {
      input = null;
    }
    if (!input) {
      // Never sent as {}: held in doubt for a person to look at.
      deps.queue.retryStock(row.id, 'unknown', '进销存上报报文已损坏（无法解析），未发送', retryAt);
      out.retrying++;
      break;
    }
    const o = await deps.send(row, input).catch((e: unknown): CenterOutcome => ({ kind: 'unknown', msgid: row.msgid, reason: e instanceof Error ? e.message : String(e) }));
    const later = new Date(deps.clock.now().getTime() + backoffDelay(row.attempts + 1, backoff));
    let progressed = false;
    deps.db.transaction(() => {
      if (o.kind === 'success') {
        progressed = deps.queue.resolveStock(row.id, o.output ?? null);
        if (progressed) out.confirmed++;
      } else if (o.kind === 'rejected' && o.code !== 'GATEWAY_REJECTED' && o.code !== 'SIGN_IN_REQUIRED') {
        progressed = deps.queue.rejectStock(row.id, o.message, o.output ?? null);
        if (progressed) out.rejected++;
      } else {
        // A gateway refusal may or may not have reached the business system: unknown, same msgid.
        const why = o.kind === 'busy' ? `中心繁忙：${o.message}` : o.kind === 'unknown' ? `结果未知：${o.reason}` : `结果未知：${o.message}`;
        deps.queue.retryStock(row.id, o.kind === 'busy' ? 'queued' : 'unknown', why, later);
        out.retrying++;
      }
    })();
    if (!progressed) break;
  }
  out.remaining = deps.queue.count('open');
  return out;
}
