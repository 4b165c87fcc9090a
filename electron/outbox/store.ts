// The outbox table's one owner: durable messages to the center, one row per intended
// transaction. Every write is a named transition below (enqueue, enqueueChain, enqueueChainUndo, claimMany, retryLater,
// reject, resolve, reverse, markRejectionReviewed, requeueUpload, enqueueTraceReport); every read other modules need is
// a method here too. No SQL outside electron/outbox/ names the outbox tables
// (test/unit/architecture/table-owners.test.ts fails if one does). The transitions are listed in
// docs/ARCHITECTURE.md ("Table owners", the outbox).
import { z } from 'zod';
import type { Db } from '../db/open';
import { insertInto, many, one, run, value, values } from '../db/sql';
import type { OutboxKind as ContractOutboxKind } from '../api/contract/settlement';

const KINDS = ['upload', 'cancel', 'reversal', 'trace_sale', 'trace_return'] as const satisfies readonly ContractOutboxKind[];
const STATES = ['queued', 'sent', 'unknown', 'confirmed', 'adjusted', 'rejected', 'reversed'] as const;
export type OutboxKind = (typeof KINDS)[number];
export type OutboxState = (typeof STATES)[number];
export const OPEN_STATES: readonly OutboxState[] = ['queued', 'sent', 'unknown'];

/** The infno column of an item that is a whole national chain (enqueueChain), not one message. */
export const CHAIN_INFNO = 'chain';
/** The infno column of a refund's undoing of a national chain (enqueueChainUndo). */
export const CHAIN_UNDO_INFNO = 'chain-undo';

/**
 * The queue of the traceability sales reports (3505 / 3506, issue 17): one queue for all of
 * them, in commit order, in the psn_no column that orders each person's messages. A code can be
 * sold, returned and sold again to someone else; one queue sends those reports in the order
 * they happened, which per-person queues would not. Not a psn_no: a person's reads
 * (openForPerson, the split's base) never see these items.
 */
export const TRACE_QUEUE = '#trace';
/** A sale's report waiting for its settlement's upload to be answered (released by trigger, migration 0022). */
export const TRACE_HELD_UNTIL = '9999-12-31T23:59:59.999Z';

/** Whether the item is a traceability sales report (3505) or return (3506). */
export function isTraceItem(row: Pick<OutboxRow, 'kind'>): boolean {
  return row.kind === 'trace_sale' || row.kind === 'trace_return';
}

/** Whether the item is driven by the national chain runner rather than sent as one message. */
export function isChainItem(row: Pick<OutboxRow, 'infno'>): boolean {
  return row.infno === CHAIN_INFNO || row.infno === CHAIN_UNDO_INFNO;
}

/** The chain an item drives (its payload), or null for a plain message. */
export function chainIdOf(row: Pick<OutboxRow, 'infno' | 'payload'>): string | null {
  if (!isChainItem(row)) return null;
  try {
    const id = (JSON.parse(row.payload) as { chainId?: unknown }).chainId;
    return typeof id === 'string' && id ? id : null;
  } catch {
    return null;
  }
}

/** Open = not yet answered for good; the partial index outbox_open holds exactly these rows. */
const OPEN_SQL = "state IN ('queued','sent','unknown')";

const text = z.string();
const maybeText = z.string().nullable();
const count = z.number().int();
const stateColumn = z.enum(STATES);

/** A whole outbox row as this store writes it (`SELECT *`). */
const OutboxRowSchema = z.object({
  id: count,
  settlement_id: text,
  kind: z.enum(KINDS),
  infno: text,
  msgid: text,
  psn_no: text,
  payload: text,
  state: stateColumn,
  attempts: count,
  next_attempt_at: text,
  last_error: maybeText,
  created_at: text,
  deadline_at: text,
  sent_at: maybeText,
  resolved_at: maybeText,
  response: maybeText,
  reject_code: maybeText,
  reject_reason: maybeText,
  reviewed_by: maybeText,
  reviewed_at: maybeText,
});
export type OutboxRow = z.output<typeof OutboxRowSchema>;
const QueueFactsRow = z.object({ depth: count, oldest: maybeText, failing: count.nullable() });

export interface NewOutboxItem {
  settlementId: string;
  kind: OutboxKind;
  infno: string;
  msgid: string;
  psnNo: string;
  input: object;
  now: Date;
  deadlineHours: number;
}

/** One item to mark as being sent, with the time after which it is resent if no answer came. */
export interface Claim {
  id: number;
  retryAt: Date;
}

/** The status bar's queue facts. */
export interface QueueFacts {
  depth: number;
  oldestQueuedAt: string | null;
  failing: number;
}

export interface StateCounts {
  byState: Record<OutboxState, number>;
  oldestOpenAt: string | null;
}

const CLAIM_SQL = `UPDATE outbox SET state = 'sent', attempts = attempts + 1, sent_at = :at, next_attempt_at = :retryAt WHERE id = :id AND ${OPEN_SQL}`;

const byDb = new WeakMap<Db, OutboxStore>();

/** The store of `db`: one per connection, shared by every part that needs the outbox. */
export function outboxStore(db: Db): OutboxStore {
  let s = byDb.get(db);
  if (!s) {
    s = new OutboxStore(db);
    byDb.set(db, s);
  }
  return s;
}

export class OutboxStore {
  constructor(private readonly db: Db) {}

  // ---- transitions ---------------------------------------------------------------------------

  /** (none) → queued. Call inside the transaction that commits the settlement. */
  enqueue(item: NewOutboxItem): number {
    const deadline = new Date(item.now.getTime() + item.deadlineHours * 3600_000);
    return this.insert(item.settlementId, item.kind, item.infno, item.msgid, item.psnNo, JSON.stringify(item.input), item.now, deadline);
  }

  /**
   * (none) → queued: a whole national chain (2201 → 2203 → 2204 → 2206 → 2207, journaled by
   * center/national/chain-store.ts) as ONE item, in the settlement's own transaction. Its msgid
   * column names the chain; each step's own msgid is fixed in the chain journal before it
   * leaves. Sent (driven) in the person's commit order like any upload; the center's 2207
   * answer resolves it as confirmed / adjusted, a refusal undone in reverse as rejected.
   */
  enqueueChain(item: { settlementId: string; chainId: string; psnNo: string; now: Date; deadlineHours: number }): number {
    const deadline = new Date(item.now.getTime() + item.deadlineHours * 3600_000);
    return this.insert(item.settlementId, 'upload', CHAIN_INFNO, item.chainId, item.psnNo, JSON.stringify({ chainId: item.chainId }), item.now, deadline);
  }

  /**
   * (none) → queued: a refund's undoing of a national chain, on the refund row: 'cancel' when
   * the center took the chain (2208 → 2205 → 2202), 'reversal' when it was still open (whatever
   * of it reached the center is reversed or undone; the rest is never sent).
   */
  enqueueChainUndo(item: { refundId: string; kind: 'cancel' | 'reversal'; chainId: string; psnNo: string; now: Date; deadlineHours: number }): number {
    const deadline = new Date(item.now.getTime() + item.deadlineHours * 3600_000);
    return this.insert(item.refundId, item.kind, CHAIN_UNDO_INFNO, `${item.chainId}-U`, item.psnNo, JSON.stringify({ chainId: item.chainId }), item.now, deadline);
  }

  /**
   * (none) → queued: a traceability sales report (3505, kind trace_sale) or return (3506,
   * trace_return) in the trace queue, its msgid fixed now, inside the transaction of the sale or
   * the refund. `held`: the sale's settlement has an upload still open — the report waits, not
   * due, until that upload is answered (the trigger of migration 0022 releases it).
   */
  enqueueTraceReport(item: { settlementId: string; kind: 'trace_sale' | 'trace_return'; infno: '3505' | '3506'; msgid: string; input: object; held: boolean; now: Date; deadlineHours: number }): number {
    const deadline = new Date(item.now.getTime() + item.deadlineHours * 3600_000);
    return this.insert(item.settlementId, item.kind, item.infno, item.msgid, TRACE_QUEUE, JSON.stringify(item.input), item.now, deadline, item.held ? TRACE_HELD_UNTIL : undefined);
  }

  /**
   * (none) → queued: the settlement's latest upload again as a NEW 2207 message (new msgid: the
   * center's stored answer for the old one must not be replayed), same payload, an upload window
   * as long as the original's (at least an hour). Null when the settlement has no upload.
   */
  requeueUpload(settlementId: string, msgid: string, now: Date): number | null {
    const last = this.latestUpload(settlementId);
    if (!last) return null;
    const windowMs = Math.max(3600_000, Date.parse(last.deadline_at) - Date.parse(last.created_at));
    return this.insert(settlementId, 'upload', '2207', msgid, last.psn_no, last.payload, now, new Date(now.getTime() + windowMs));
  }

  /**
   * (none) → confirmed / adjusted, final at once: a hospital stay's settlement (2304) or its cancel
   * (2305) was answered through the stay queue (outbox/stay-queue.ts, issue 19). The journal row
   * gets its upload record here — what the reconciliation, the base of a person's split and the
   * adjustments (which name an outbox item) read — under the stay step's msgid. Never sent by the
   * outbox worker (it is not open). In the answer's transaction.
   */
  recordStayAnswer(item: { settlementId: string; kind: 'upload' | 'cancel'; infno: '2304' | '2305'; msgid: string; psnNo: string; state: 'confirmed' | 'adjusted'; response: unknown; now: Date }): number {
    const at = item.now.toISOString();
    const r = insertInto(this.db, 'outbox', {
      settlement_id: item.settlementId,
      kind: item.kind,
      infno: item.infno,
      msgid: item.msgid,
      psn_no: item.psnNo,
      payload: JSON.stringify({ stayStep: item.msgid }),
      state: item.state,
      attempts: 1,
      next_attempt_at: at,
      created_at: at,
      deadline_at: at,
      sent_at: at,
      resolved_at: at,
      response: JSON.stringify(item.response ?? null),
    });
    return Number(r.lastInsertRowid);
  }

  private insert(settlementId: string, kind: OutboxKind, infno: string, msgid: string, psnNo: string, payload: string, now: Date, deadline: Date, nextAttemptAt?: string): number {
    const at = now.toISOString();
    const r = insertInto(this.db, 'outbox', {
      settlement_id: settlementId,
      kind,
      infno,
      msgid,
      psn_no: psnNo,
      payload,
      state: 'queued',
      attempts: 0,
      next_attempt_at: nextAttemptAt ?? at,
      created_at: at,
      deadline_at: deadline.toISOString(),
    });
    return Number(r.lastInsertRowid);
  }

  /**
   * open → sent, several items in one transaction (one disk flush instead of one per item),
   * durably before the requests leave: after a crash an item is found in state 'sent' and resent
   * with the same msgid once its `retryAt` has passed. Returns the ids actually claimed (an item
   * resolved meanwhile is not).
   */
  claimMany(claims: readonly Claim[], now: Date): Set<number> {
    const at = now.toISOString();
    return this.db.transaction(() => {
      const ok = new Set<number>();
      for (const c of claims) if (run(this.db, CLAIM_SQL, { at, retryAt: c.retryAt.toISOString(), id: c.id }).changes === 1) ok.add(c.id);
      return ok;
    })();
  }

  /** open → queued (the center was busy) or unknown (no answer): sent again at `retryAt`. */
  retryLater(id: number, state: 'queued' | 'unknown', error: string, retryAt: Date): void {
    run(this.db, 'UPDATE outbox SET state = :state, last_error = :error, next_attempt_at = :retryAt WHERE id = :id', {
      state,
      error: error.slice(0, 500),
      retryAt: retryAt.toISOString(),
      id,
    });
  }

  /** open → rejected (final): the center refused the message; the supervisor's work list shows it. */
  reject(id: number, r: { code: string | null; reason: string; response: unknown }, now: Date): void {
    run(
      this.db,
      `UPDATE outbox SET state = 'rejected', resolved_at = :at, reject_code = :code, reject_reason = :reason, last_error = :error, response = :response WHERE id = :id`,
      { at: now.toISOString(), code: r.code, reason: r.reason, error: `中心拒绝(-1)：${r.reason}`.slice(0, 500), response: JSON.stringify(r.response ?? null), id },
    );
  }

  /** open → confirmed / adjusted (final): the center took the message; its answer is kept. */
  resolve(id: number, state: 'confirmed' | 'adjusted', response: unknown, now: Date): void {
    run(this.db, 'UPDATE outbox SET state = :state, resolved_at = :at, last_error = NULL, response = :response WHERE id = :id', {
      state,
      at: now.toISOString(),
      response: JSON.stringify(response),
      id,
    });
  }

  /** open → reversed (final): a refund undoes an upload never answered (its 2601 goes out instead). */
  reverse(id: number, now: Date): void {
    run(this.db, `UPDATE outbox SET state = 'reversed', resolved_at = :at, last_error = NULL WHERE id = :id AND ${OPEN_SQL}`, { at: now.toISOString(), id });
  }

  /**
   * open → due now: the person's open items (not in the air here) may be sent at once instead of
   * after their backoff. Resending an item with its own msgid is how the center is asked what
   * became of it (it answers a message it committed from its store). Returns how many moved.
   */
  dueNowForPerson(psnNo: string, now: Date): number {
    return run(this.db, `UPDATE outbox SET next_attempt_at = :now WHERE psn_no = :psnNo AND ${OPEN_SQL} AND next_attempt_at > :now`, {
      now: now.toISOString(),
      psnNo,
    }).changes;
  }

  /** rejected → rejected and reviewed: the supervisor handled the settlement's rejected uploads. */
  markRejectionReviewed(settlementId: string, operatorId: string, now: Date): number {
    return run(
      this.db,
      "UPDATE outbox SET reviewed_by = :operatorId, reviewed_at = :at WHERE settlement_id = :settlementId AND kind = 'upload' AND state = 'rejected' AND reviewed_by IS NULL",
      { operatorId, at: now.toISOString(), settlementId },
    ).changes;
  }

  // ---- reads for the upload worker ------------------------------------------------------------

  /**
   * Per-person heads due at `now` with id > `afterId`, in commit order. The heads are each
   * person's earliest open item, kept by triggers in migration 0009: reading them instead of
   * testing every open item against its person's earlier ones keeps this at the cost of the rows
   * returned, not of the queue's length; per-person order holds across restarts because the
   * heads are rows in the same database, not memory.
   */
  due(now: Date, limit: number, afterId = 0): OutboxRow[] {
    return many(
      this.db,
      `SELECT o.* FROM outbox_heads h JOIN outbox o ON o.id = h.outbox_id
       WHERE h.outbox_id > :afterId AND h.next_attempt_at <= :now
       ORDER BY h.outbox_id LIMIT :limit`,
      { afterId, now: now.toISOString(), limit },
      OutboxRowSchema,
    );
  }

  /** The person's open items, in commit order. */
  openForPerson(psnNo: string): OutboxRow[] {
    return many(this.db, `SELECT * FROM outbox INDEXED BY outbox_open_person WHERE psn_no = :psnNo AND ${OPEN_SQL} ORDER BY id`, { psnNo }, OutboxRowSchema);
  }

  get(id: number): OutboxRow | undefined {
    return one(this.db, 'SELECT * FROM outbox WHERE id = :id', { id }, OutboxRowSchema);
  }

  stateOf(id: number): OutboxState | undefined {
    return value(this.db, 'SELECT state FROM outbox WHERE id = :id', { id }, stateColumn);
  }

  /** Whether anything is open (a person with an open item has a head). */
  hasOpen(): boolean {
    return value(this.db, 'SELECT EXISTS (SELECT 1 FROM outbox_heads)', {}, count) === 1;
  }

  /** Earliest next attempt among the items that may be sent (only heads can), to know when to wake up. */
  nextAttemptAt(): string | null {
    return value(this.db, 'SELECT min(next_attempt_at) FROM outbox_heads', {}, maybeText) ?? null;
  }

  // ---- reads for the journal, the screens and the supervisor ----------------------------------

  forSettlement(settlementId: string): OutboxRow[] {
    return many(this.db, 'SELECT * FROM outbox WHERE settlement_id = :settlementId ORDER BY id', { settlementId }, OutboxRowSchema);
  }

  /** The settlement's latest 2207 upload (a re-upload is newer than the first). */
  latestUpload(settlementId: string): OutboxRow | undefined {
    return one(this.db, "SELECT * FROM outbox WHERE settlement_id = :settlementId AND kind = 'upload' ORDER BY id DESC LIMIT 1", { settlementId }, OutboxRowSchema);
  }

  /** The state of each settlement's first message (its upload, or a refund row's 2208/2601; not its traceability reports). */
  firstStates(settlementIds: readonly string[]): Map<string, OutboxState> {
    const out = new Map<string, OutboxState>();
    if (settlementIds.length === 0) return out;
    const rows = many(
      this.db,
      `SELECT o.settlement_id, o.state FROM outbox o
       WHERE o.id IN (SELECT min(id) FROM outbox WHERE settlement_id IN (SELECT value FROM json_each(:ids))
                      AND kind IN ('upload', 'cancel', 'reversal') GROUP BY settlement_id)`,
      { ids: JSON.stringify(settlementIds) },
      z.object({ settlement_id: text, state: stateColumn }),
    );
    for (const r of rows) out.set(r.settlement_id, r.state);
    return out;
  }

  /** Open items (queued, sent, unknown) in commit order, through the partial index. */
  openItems(limit: number): OutboxRow[] {
    return many(this.db, `SELECT * FROM outbox INDEXED BY outbox_open WHERE ${OPEN_SQL} ORDER BY id LIMIT :limit`, { limit }, OutboxRowSchema);
  }

  openCount(): number {
    return value(this.db, `SELECT count(*) FROM outbox INDEXED BY outbox_open WHERE ${OPEN_SQL}`, {}, count) ?? 0;
  }

  /** Open items whose deadline is at or before `until`, soonest first. */
  openDueBy(until: Date, limit: number): OutboxRow[] {
    return many(
      this.db,
      `SELECT * FROM outbox INDEXED BY outbox_open WHERE ${OPEN_SQL} AND deadline_at <= :until ORDER BY deadline_at LIMIT :limit`,
      { until: until.toISOString(), limit },
      OutboxRowSchema,
    );
  }

  /** How many items are in each state, and when the oldest open one was written. */
  stateCounts(): StateCounts {
    const byState: Record<OutboxState, number> = { queued: 0, sent: 0, unknown: 0, confirmed: 0, adjusted: 0, rejected: 0, reversed: 0 };
    for (const r of many(this.db, 'SELECT state, count(*) AS n FROM outbox GROUP BY state', {}, z.object({ state: stateColumn, n: count }))) {
      byState[r.state] = r.n;
    }
    const oldest = value(this.db, `SELECT min(created_at) FROM outbox INDEXED BY outbox_open WHERE ${OPEN_SQL}`, {}, maybeText) ?? null;
    return { byState, oldestOpenAt: oldest };
  }

  /** The status bar's queue facts: cheap (open rows only, via the partial index). */
  queueFacts(): QueueFacts {
    const r = one(
      this.db,
      `SELECT count(*) AS depth, min(created_at) AS oldest, sum(CASE WHEN last_error IS NOT NULL THEN 1 ELSE 0 END) AS failing
       FROM outbox INDEXED BY outbox_open WHERE ${OPEN_SQL}`,
      {},
      QueueFactsRow,
    );
    return { depth: r?.depth ?? 0, oldestQueuedAt: r?.oldest ?? null, failing: r?.failing ?? 0 };
  }

  /** Settlements with a rejected upload no supervisor has handled yet (the rejection work list). */
  unreviewedRejections(limit: number): string[] {
    return values(
      this.db,
      "SELECT DISTINCT settlement_id FROM outbox WHERE kind = 'upload' AND state = 'rejected' AND reviewed_by IS NULL ORDER BY settlement_id LIMIT :limit",
      { limit },
      text,
    );
  }

  hasUnreviewedRejection(settlementId: string): boolean {
    const n = value(
      this.db,
      "SELECT count(*) FROM outbox WHERE settlement_id = :settlementId AND kind = 'upload' AND state = 'rejected' AND reviewed_by IS NULL",
      { settlementId },
      count,
    );
    return (n ?? 0) > 0;
  }

  /** The center's reason for the settlement's latest rejected upload. */
  latestRejection(settlementId: string): { code: string | null; reason: string | null } | undefined {
    const r = one(
      this.db,
      "SELECT reject_code, reject_reason FROM outbox WHERE settlement_id = :settlementId AND kind = 'upload' AND state = 'rejected' ORDER BY id DESC LIMIT 1",
      { settlementId },
      z.object({ reject_code: maybeText, reject_reason: maybeText }),
    );
    return r && { code: r.reject_code, reason: r.reject_reason };
  }
}
