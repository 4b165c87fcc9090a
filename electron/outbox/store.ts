// The outbox table: durable messages to the center, one row per intended transaction.
import type { Db } from '../db/open';

export type OutboxKind = 'upload' | 'cancel' | 'reversal';
export type OutboxState = 'queued' | 'sent' | 'unknown' | 'confirmed' | 'adjusted' | 'rejected' | 'reversed';
export const OPEN_STATES: readonly OutboxState[] = ['queued', 'sent', 'unknown'];

export interface OutboxRow {
  id: number;
  settlement_id: string;
  kind: OutboxKind;
  infno: string;
  msgid: string;
  psn_no: string;
  payload: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  deadline_at: string;
  sent_at: string | null;
  resolved_at: string | null;
  response: string | null;
  reject_code: string | null;
  reject_reason: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
}

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

export class OutboxStore {
  private readonly insertStmt;
  private readonly dueStmt;
  private readonly claimStmt;
  private readonly getStmt;
  private readonly nextAttemptStmt;
  private readonly anyOpenStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO outbox (settlement_id, kind, infno, msgid, psn_no, payload, state, attempts, next_attempt_at, created_at, deadline_at)
       VALUES (?,?,?,?,?,?,'queued',0,?,?,?)`,
    );
    // Due items are the per-person heads (each person's earliest open item, kept by triggers in
    // migration 0009) whose time has come, in commit order. Reading the heads instead of testing
    // every open item against its person's earlier ones keeps this at the cost of the rows
    // returned, not of the queue's length; per-person order holds across restarts because the
    // heads are rows in the same database, not memory.
    this.dueStmt = db.prepare(
      `SELECT o.* FROM outbox_heads h JOIN outbox o ON o.id = h.outbox_id
       WHERE h.outbox_id > ? AND h.next_attempt_at <= ?
       ORDER BY h.outbox_id LIMIT ?`,
    );
    this.claimStmt = db.prepare(
      `UPDATE outbox SET state = 'sent', attempts = attempts + 1, sent_at = ?, next_attempt_at = ?
       WHERE id = ? AND state IN ('queued','sent','unknown')`,
    );
    this.getStmt = db.prepare('SELECT * FROM outbox WHERE id = ?');
    // Only heads can be sent, so the earliest head is when the worker next has something to do.
    this.nextAttemptStmt = db.prepare('SELECT min(next_attempt_at) AS t FROM outbox_heads');
    this.anyOpenStmt = db.prepare('SELECT EXISTS (SELECT 1 FROM outbox_heads) AS open');
  }

  /** Call inside the transaction that commits the settlement. */
  enqueue(item: NewOutboxItem): number {
    const at = item.now.toISOString();
    const deadline = new Date(item.now.getTime() + item.deadlineHours * 3600_000).toISOString();
    const r = this.insertStmt.run(item.settlementId, item.kind, item.infno, item.msgid, item.psnNo, JSON.stringify(item.input), at, at, deadline);
    return Number(r.lastInsertRowid);
  }

  /** Per-person heads due at `now` with id > `afterId`, in commit order. */
  due(now: Date, limit: number, afterId = 0): OutboxRow[] {
    return this.dueStmt.all(afterId, now.toISOString(), limit) as OutboxRow[];
  }

  /**
   * Mark an item as being sent (durably, before the request leaves): after a crash it is
   * found in state 'sent' and resent with the same msgid once `retryAt` has passed.
   */
  claim(id: number, now: Date, retryAt: Date): boolean {
    return this.claimStmt.run(now.toISOString(), retryAt.toISOString(), id).changes === 1;
  }

  /**
   * Claim several items in one transaction (one disk flush instead of one per item); returns
   * the ids actually claimed (an item resolved meanwhile is not).
   */
  claimMany(claims: readonly Claim[], now: Date): Set<number> {
    const at = now.toISOString();
    return this.db.transaction(() => {
      const ok = new Set<number>();
      for (const c of claims) if (this.claimStmt.run(at, c.retryAt.toISOString(), c.id).changes === 1) ok.add(c.id);
      return ok;
    })();
  }

  get(id: number): OutboxRow | undefined {
    return this.getStmt.get(id) as OutboxRow | undefined;
  }

  forSettlement(settlementId: string): OutboxRow[] {
    return this.db.prepare('SELECT * FROM outbox WHERE settlement_id = ? ORDER BY id').all(settlementId) as OutboxRow[];
  }

  openCount(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM outbox INDEXED BY outbox_open WHERE state IN ('queued','sent','unknown')").get() as { n: number }).n;
  }

  /** Whether anything is open (a person with an open item has a head). */
  hasOpen(): boolean {
    return (this.anyOpenStmt.get() as { open: number }).open === 1;
  }

  /** Earliest next attempt among the items that may be sent, to know when to wake up. */
  nextAttemptAt(): string | null {
    return (this.nextAttemptStmt.get() as { t: string | null }).t;
  }
}
