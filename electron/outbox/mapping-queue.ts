// The outbox for catalogue-mapping messages (3301 upload, 3302 revoke; migration 0020 says why
// they have a table of their own). The exactly-once rules of the settlement outbox, as named
// transitions on mapping_outbox — enqueueMapping, then side-queue.ts's claim, retry, resolve and
// reject — and one drain:
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
import { many } from '../db/sql';
import type { CenterOutcome } from '../center/wire/envelope';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff';
import { isFinalRejection, OPEN, payloadOf, queueColumns, retryOf, SideQueue, type DrainResult } from './side-queue';

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
  ...queueColumns,
});
export type MappingOutboxRow = z.output<typeof RowSchema>;

export class MappingQueue extends SideQueue<MappingOutboxRow> {
  constructor(db: Db, clock: Clock) {
    super(db, clock, 'mapping_outbox', RowSchema, 'confirmed');
  }

  /** (none) → queued. Call inside the transaction that changes the mapping. */
  enqueueMapping(m: { clinicCode: string; infno: MappingInfno; msgid: string; nationalCode: string; input: object; by: string }): number {
    return this.insertQueued({ clinic_code: m.clinicCode, infno: m.infno, msgid: m.msgid, national_code: m.nationalCode, created_by: m.by }, m.input);
  }

  /** Each clinic code's earliest open message that is due, in id order (one per code). */
  due(limit: number): MappingOutboxRow[] {
    return this.duePerKey('clinic_code', limit);
  }

  forCode(clinicCode: string): MappingOutboxRow[] {
    return many(this.db, 'SELECT * FROM mapping_outbox WHERE clinic_code = :code ORDER BY id', { code: clinicCode }, RowSchema);
  }

  /** Open messages by clinic code (the screen's "uploading" marks). */
  openCodes(): Set<string> {
    return new Set(many(this.db, `SELECT DISTINCT clinic_code FROM mapping_outbox WHERE ${OPEN}`, {}, z.object({ clinic_code: z.string() })).map((r) => r.clinic_code));
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

export type MappingDrainResult = DrainResult;

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
      if (!deps.queue.claim(row.id, retryAt)) continue;
      const input = payloadOf(row);
      if (!input) {
        deps.queue.retry(row.id, 'unknown', '待上传报文已损坏（无法解析），未发送', retryAt);
        continue;
      }
      const o = await deps.send(row.infno, input, { msgid: row.msgid }).catch((e: unknown): CenterOutcome => ({ kind: 'unknown', msgid: row.msgid, reason: e instanceof Error ? e.message : String(e) }));
      const later = new Date(deps.clock.now().getTime() + backoffDelay(row.attempts + 1, DEFAULT_BACKOFF));
      deps.db.transaction(() => {
        if (o.kind === 'success') {
          if (deps.queue.resolve(row.id, o.output ?? null)) {
            deps.onAnswer(row, { kind: 'confirmed' });
            out.confirmed++;
            progressed = true;
          }
        } else if (isFinalRejection(o)) {
          if (deps.queue.reject(row.id, o.message, o.output ?? null)) {
            deps.onAnswer(row, { kind: 'rejected', reason: o.message });
            out.rejected++;
            progressed = true;
          }
        } else {
          const r = retryOf(o);
          deps.queue.retry(row.id, r.state, r.why, later);
          out.retrying++;
        }
      })();
    }
    if (!progressed) break;
  }
  out.remaining = deps.queue.openCount();
  return out;
}
