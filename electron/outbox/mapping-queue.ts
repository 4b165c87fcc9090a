// The outbox for catalogue-mapping messages (3301 upload, 3302 revoke; migration 0020 says why
// they have a table of their own). The exactly-once rules of the settlement outbox, as named
// transitions on mapping_outbox — enqueueMapping, claimMapping, retryMapping, resolveMapping,
// rejectMapping — and one drain:
//   - the msgid is fixed when the row is written, inside the transaction that changes the mapping;
//   - a row is claimed ('sent') durably before its request leaves;
//   - busy → queued, no answer / a lost or garbled answer → unknown: both sent again later under
//     the SAME msgid (the center answers a message it already applied from its store, so a
//     mapping is uploaded or revoked once however often it is sent);
//   - a clinic code's messages go strictly in id order (a revoke before the upload that follows);
//   - the answer and its meaning for the mapping (onAnswer) commit in one transaction.
import { z } from 'zod';
import type { Clock } from '../app/clock';
import type { Db } from '../db/open';
import { many, one, run } from '../db/sql';
import type { CenterOutcome } from '../center/wire/envelope';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff';

export type MappingInfno = '3301' | '3302';
export type MappingOutboxState = 'queued' | 'sent' | 'unknown' | 'confirmed' | 'rejected';

const RowSchema = z.object({
  id: z.number().int(),
  clinic_code: z.string(),
  infno: z.enum(['3301', '3302']),
  msgid: z.string(),
  national_code: z.string(),
  payload: z.string(),
  state: z.enum(['queued', 'sent', 'unknown', 'confirmed', 'rejected']),
  attempts: z.number().int(),
  next_attempt_at: z.string(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  resolved_at: z.string().nullable(),
});
export type MappingOutboxRow = z.output<typeof RowSchema>;

const OPEN = "state IN ('queued', 'sent', 'unknown')";

export class MappingQueue {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** (none) → queued. Call inside the transaction that changes the mapping. */
  enqueueMapping(m: { clinicCode: string; infno: MappingInfno; msgid: string; nationalCode: string; input: object; by: string }): number {
    const now = this.clock.now().toISOString();
    const r = run(
      this.db,
      `INSERT INTO mapping_outbox (clinic_code, infno, msgid, national_code, payload, state, attempts, next_attempt_at, created_by, created_at)
       VALUES (:code, :infno, :msgid, :national, :payload, 'queued', 0, :now, :by, :now)`,
      { code: m.clinicCode, infno: m.infno, msgid: m.msgid, national: m.nationalCode, payload: JSON.stringify(m.input), now, by: m.by },
    );
    return Number(r.lastInsertRowid);
  }

  /** open → sent, durably before the request leaves; resent at `retryAt` if no answer is recorded. */
  claimMapping(id: number, retryAt: Date): boolean {
    return run(this.db, `UPDATE mapping_outbox SET state = 'sent', attempts = attempts + 1, next_attempt_at = :retry WHERE id = :id AND ${OPEN}`, {
      id,
      retry: retryAt.toISOString(),
    }).changes === 1;
  }

  /** open → queued (busy) or unknown (no answer): sent again, same msgid, at `retryAt`. */
  retryMapping(id: number, state: 'queued' | 'unknown', error: string, retryAt: Date): void {
    run(this.db, `UPDATE mapping_outbox SET state = :state, last_error = :error, next_attempt_at = :retry WHERE id = :id AND ${OPEN}`, {
      id,
      state,
      error: error.slice(0, 500),
      retry: retryAt.toISOString(),
    });
  }

  /** open → confirmed (final): the center applied it (or answered the repeat from its store). */
  resolveMapping(id: number, response: unknown): boolean {
    return run(this.db, `UPDATE mapping_outbox SET state = 'confirmed', last_error = NULL, resolved_at = :now, response = :response WHERE id = :id AND ${OPEN}`, {
      id,
      now: this.clock.now().toISOString(),
      response: JSON.stringify(response ?? null),
    }).changes === 1;
  }

  /** open → rejected (final): the center refused it; the mapping screen shows the reason. */
  rejectMapping(id: number, reason: string, response: unknown): boolean {
    return run(this.db, `UPDATE mapping_outbox SET state = 'rejected', last_error = :reason, resolved_at = :now, response = :response WHERE id = :id AND ${OPEN}`, {
      id,
      reason: reason.slice(0, 500),
      now: this.clock.now().toISOString(),
      response: JSON.stringify(response ?? null),
    }).changes === 1;
  }

  /** Each clinic code's earliest open message that is due, in id order (one per code). */
  due(limit: number): MappingOutboxRow[] {
    return many(
      this.db,
      `SELECT o.* FROM mapping_outbox o
       WHERE o.${OPEN} AND o.next_attempt_at <= :now
         AND NOT EXISTS (SELECT 1 FROM mapping_outbox p WHERE p.clinic_code = o.clinic_code AND p.id < o.id AND p.${OPEN})
       ORDER BY o.id LIMIT :limit`,
      { now: this.clock.now().toISOString(), limit },
      RowSchema,
    );
  }

  get(id: number): MappingOutboxRow | undefined {
    return one(this.db, 'SELECT * FROM mapping_outbox WHERE id = :id', { id }, RowSchema);
  }

  forCode(clinicCode: string): MappingOutboxRow[] {
    return many(this.db, 'SELECT * FROM mapping_outbox WHERE clinic_code = :code ORDER BY id', { code: clinicCode }, RowSchema);
  }

  /** Open messages by clinic code (the screen's "uploading" marks). */
  openCodes(): Set<string> {
    return new Set(many(this.db, `SELECT DISTINCT clinic_code FROM mapping_outbox WHERE ${OPEN}`, {}, z.object({ clinic_code: z.string() })).map((r) => r.clinic_code));
  }

  openCount(): number {
    return one(this.db, `SELECT count(*) AS n FROM mapping_outbox WHERE ${OPEN}`, {}, z.object({ n: z.number().int() }))!.n;
  }
}

export interface MappingDrainDeps {
  db: Db;
  queue: MappingQueue;
  clock: Clock;
  /** The signed-in national exchange (NationalSession.send). */
  send(infno: string, input: object, opts: { msgid: string; operator?: { id: string; name: string } }): Promise<CenterOutcome>;
  /** What a final answer means for the mapping; runs in the transaction that resolves the row. */
  onAnswer(row: MappingOutboxRow, result: { kind: 'confirmed' } | { kind: 'rejected'; reason: string }): void;
}

export interface MappingDrainResult {
  confirmed: number;
  rejected: number;
  retrying: number;
  remaining: number;
}

/**
 * Send what is due, one clinic code's messages in order, until nothing due is left or a round
 * makes no progress (busy / unknown wait for their backoff). Never throws for an answer.
 */
export async function drainMappings(deps: MappingDrainDeps, opts: { maxRounds?: number } = {}): Promise<MappingDrainResult> {
  const out: MappingDrainResult = { confirmed: 0, rejected: 0, retrying: 0, remaining: 0 };
  for (let round = 0; round < (opts.maxRounds ?? 50); round++) {
    const rows = deps.queue.due(20);
    if (rows.length === 0) break;
    let progressed = false;
    for (const row of rows) {
      const retryAt = new Date(deps.clock.now().getTime() + 60_000 + backoffDelay(row.attempts + 1, DEFAULT_BACKOFF));
      if (!deps.queue.claimMapping(row.id, retryAt)) continue;
      let input: object;
      try {
        input = JSON.parse(row.payload) as object;
      } catch {
        deps.queue.retryMapping(row.id, 'unknown', '待上传报文已损坏（无法解析），未发送', retryAt);
        continue;
      }
      const o = await deps.send(row.infno, input, { msgid: row.msgid }).catch((e: unknown): CenterOutcome => ({ kind: 'unknown', msgid: row.msgid, reason: e instanceof Error ? e.message : String(e) }));
      const later = new Date(deps.clock.now().getTime() + backoffDelay(row.attempts + 1, DEFAULT_BACKOFF));
      deps.db.transaction(() => {
        if (o.kind === 'success') {
          if (deps.queue.resolveMapping(row.id, o.output ?? null)) {
            deps.onAnswer(row, { kind: 'confirmed' });
            out.confirmed++;
            progressed = true;
          }
        } else if (o.kind === 'rejected' && o.code !== 'GATEWAY_REJECTED' && o.code !== 'SIGN_IN_REQUIRED') {
          if (deps.queue.rejectMapping(row.id, o.message, o.output ?? null)) {
            deps.onAnswer(row, { kind: 'rejected', reason: o.message });
            out.rejected++;
            progressed = true;
          }
        } else {
          // A gateway refusal may or may not have reached the business system: unknown, same msgid.
          const why = o.kind === 'busy' ? `中心繁忙：${o.message}` : o.kind === 'unknown' ? `结果未知：${o.reason}` : `结果未知：${o.message}`;
          deps.queue.retryMapping(row.id, o.kind === 'busy' ? 'queued' : 'unknown', why, later);
          out.retrying++;
        }
      })();
    }
    if (!progressed) break;
  }
  out.remaining = deps.queue.openCount();
  return out;
}
