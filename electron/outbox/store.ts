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

export class OutboxStore {
  private readonly insertStmt;
  private readonly dueStmt;
  private readonly claimStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO outbox (settlement_id, kind, infno, msgid, psn_no, payload, state, attempts, next_attempt_at, created_at, deadline_at)
       VALUES (?,?,?,?,?,?,'queued',0,?,?,?)`,
    );
    // Open items in commit order whose person has no earlier open item: per-person order holds
    // across restarts because it is read from the table, not from memory.
    this.dueStmt = db.prepare(
      `SELECT o.* FROM outbox o INDEXED BY outbox_open
       WHERE o.state IN ('queued','sent','unknown') AND o.id > ? AND o.next_attempt_at <= ?
         AND NOT EXISTS (SELECT 1 FROM outbox p INDEXED BY outbox_person
                         WHERE p.psn_no = o.psn_no AND p.id < o.id AND p.state IN ('queued','sent','unknown'))
       ORDER BY o.id LIMIT ?`,
    );
    this.claimStmt = db.prepare(
      `UPDATE outbox SET state = 'sent', attempts = attempts + 1, sent_at = ?, next_attempt_at = ?
       WHERE id = ? AND state IN ('queued','sent','unknown')`,
    );
  }

  /** Call inside the transaction that commits the settlement. */
  enqueue(item: NewOutboxItem): number {
    const at = item.now.toISOString();
    const deadline = new Date(item.now.getTime() + item.deadlineHours * 3600_000).toISOString();
    const r = this.insertStmt.run(item.settlementId, item.kind, item.infno, item.msgid, item.psnNo, JSON.stringify(item.input), at, at, deadline);
    return Number(r.lastInsertRowid);
  }

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

  get(id: number): OutboxRow | undefined {
    return this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
  }

  forSettlement(settlementId: string): OutboxRow[] {
    return this.db.prepare('SELECT * FROM outbox WHERE settlement_id = ? ORDER BY id').all(settlementId) as OutboxRow[];
  }

  openCount(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM outbox INDEXED BY outbox_open WHERE state IN ('queued','sent','unknown')").get() as { n: number }).n;
  }

  /** Earliest next attempt among open items, to know when to wake up. */
  nextAttemptAt(): string | null {
    const r = this.db
      .prepare("SELECT min(next_attempt_at) AS t FROM outbox INDEXED BY outbox_open WHERE state IN ('queued','sent','unknown')")
      .get() as { t: string | null };
    return r.t;
  }
}
