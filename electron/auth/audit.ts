// The audit log: append-only, each entry chained to the one before by SHA-256, so that an
// edited, removed or reordered row is found by verify().
import { createHash } from 'node:crypto';
import type { Clock } from '../app/clock';
import type { Db } from '../db/open';
import { z } from 'zod';
import { each, insertInto, one, value } from '../db/sql';

/** The clinic stream's queries over the audit log: ids for the backfill, one entry. */
export const AUDIT_STREAM_SQL = {
  ids: 'SELECT id FROM audit_log ORDER BY id',
  entry: 'SELECT id, at, operator_id, action, subject, detail, hash FROM audit_log WHERE id = :id',
} as const;

export interface AuditEntry {
  action: string;
  operatorId?: string | null;
  subject?: string | null;
  detail?: Record<string, unknown>;
}

const AuditRow = z.object({
  id: z.number().int(),
  at: z.string(),
  operator_id: z.string().nullable(),
  action: z.string(),
  subject: z.string().nullable(),
  detail: z.string(),
  prev_hash: z.string(),
  hash: z.string(),
});
type AuditRow = z.output<typeof AuditRow>;
const LastRow = z.object({ id: z.number().int(), hash: z.string() });
const LAST_SQL = 'SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1';

const GENESIS = '0'.repeat(64);

function entryHash(prev: string, r: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  return createHash('sha256')
    .update(JSON.stringify([prev, r.id, r.at, r.operator_id, r.action, r.subject, r.detail]))
    .digest('hex');
}

export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** The read of the last entry and the insert after it, as one write transaction (built once). */
  private appendAtomically: ((e: AuditEntry) => number) | undefined;

  /**
   * Append one entry. Call inside the transaction of the change it records; called outside one
   * (a login, a failed PIN, the dispatch's audit of a call) it is its own IMMEDIATE transaction.
   * The last id and hash must be read under the write lock: read first and inserted later, two
   * processes on one database (the app and a CLI verb) both took id N+1 and the second failed
   * with "UNIQUE constraint failed: audit_log.id" (issue 14). Inside an outer transaction this is
   * a savepoint, which the outer one's lock already covers.
   */
  append(e: AuditEntry): number {
    this.appendAtomically ??= this.db.transaction((entry: AuditEntry) => this.appendUnderLock(entry));
    return this.appendAtomically(e);
  }

  private appendUnderLock(e: AuditEntry): number {
    // Prepared once (sql.ts caches): an entry is appended in every settlement's transaction.
    const last = one(this.db, LAST_SQL, {}, LastRow);
    const row = {
      id: (last?.id ?? 0) + 1,
      at: this.clock.now().toISOString(),
      operator_id: e.operatorId ?? null,
      action: e.action,
      subject: e.subject ?? null,
      detail: JSON.stringify(e.detail ?? {}),
    };
    const prev = last?.hash ?? GENESIS;
    insertInto(this.db, 'audit_log', { ...row, prev_hash: prev, hash: entryHash(prev, row) });
    return row.id;
  }

  /**
   * The chain's head: printed on paper or kept off the PC, it is an anchor that a later
   * rewrite of the whole tail cannot match (the chain alone has no secret).
   */
  head(): { entries: number; lastId: number; hash: string } {
    const last = one(this.db, LAST_SQL, {}, LastRow);
    const n = value(this.db, 'SELECT count(*) FROM audit_log', {}, z.number().int()) ?? 0;
    return { entries: n, lastId: last?.id ?? 0, hash: last?.hash ?? GENESIS };
  }

  /** Check the chain, then that entry `anchor.id` still has the hash recorded earlier. */
  verifyAnchored(anchor: { id: number; hash: string }): ReturnType<AuditLog['verify']> {
    const r = this.verify();
    if (!r.ok) return r;
    const hash = value(this.db, 'SELECT hash FROM audit_log WHERE id = :id', { id: anchor.id }, z.string());
    if (hash === undefined) return { ok: false, entries: r.entries, firstBrokenId: anchor.id, reason: `anchored entry ${anchor.id} is missing` };
    if (hash !== anchor.hash.toLowerCase()) {
      return { ok: false, entries: r.entries, firstBrokenId: anchor.id, reason: `entry ${anchor.id} no longer matches the recorded anchor (the log was rewritten)` };
    }
    return r;
  }

  /** Walk the chain; the first entry whose hash or link is wrong is named. */
  verify(): { ok: true; entries: number } | { ok: false; entries: number; firstBrokenId: number; reason: string } {
    let prev = GENESIS;
    let expectedId = 1;
    let count = 0;
    for (const r of each(this.db, 'SELECT * FROM audit_log ORDER BY id', {}, AuditRow)) {
      count++;
      if (r.id !== expectedId) return { ok: false, entries: count, firstBrokenId: r.id, reason: `missing entry before ${r.id}` };
      if (r.prev_hash !== prev) return { ok: false, entries: count, firstBrokenId: r.id, reason: 'link to previous entry broken' };
      if (entryHash(prev, r) !== r.hash) return { ok: false, entries: count, firstBrokenId: r.id, reason: 'content does not match its hash' };
      prev = r.hash;
      expectedId++;
    }
    return { ok: true, entries: count };
  }
}
