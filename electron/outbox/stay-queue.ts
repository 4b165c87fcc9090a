// The outbox of a stay's center steps (issue 19: 2401 … 2305; migration 0026 says why they have
// a table of their own). The exactly-once rules of the settlement outbox, as named transitions
// on stay_outbox — enqueueStayStep, claimStayStep, retryStayStep, resolveStayStep,
// rejectStayStep — read by the stay sender (inpatient/sender.ts):
//   - the msgid is fixed when the row is written, inside the transaction that changes the stay;
//   - a row is claimed ('sent') durably before its request leaves;
//   - busy → queued, no answer / a lost or garbled answer → unknown: both sent again later under
//     the SAME msgid (the center answers a message it already applied from its store, so each
//     step — each fee batch — reaches the center once however often it is sent);
//   - a person's steps go strictly in id order (commit order), across their stays: a fee batch
//     waits for its admission, a settlement for its discharge, a new admission for the last
//     stay's discharge;
//   - the answer and its meaning for the stay (the caller's `onAnswer`) commit in one transaction.
import { z } from 'zod';
import type { StayUploadState, StayUploadView } from '../api/contract/inpatient';
import type { Clock } from '../app/clock';
import type { Db } from '../db/open';
import { many, one, run, value } from '../db/sql';

export const STAY_STEP_KINDS = ['admit', 'change', 'cancelAdmission', 'fees', 'revokeFees', 'discharge', 'undoDischarge', 'settle', 'cancelSettlement'] as const;
export type StayStepKind = (typeof STAY_STEP_KINDS)[number] & StayUploadView['kind'];
export const STAY_INFNO: Record<StayStepKind, string> = {
  admit: '2401',
  change: '2403',
  cancelAdmission: '2404',
  fees: '2301',
  revokeFees: '2302',
  discharge: '2402',
  undoDischarge: '2405',
  settle: '2304',
  cancelSettlement: '2305',
};

const STATES = ['queued', 'sent', 'unknown', 'done', 'rejected'] as const;
const StayStepRow = z.object({
  id: z.number().int(),
  stay_id: z.string(),
  kind: z.enum(STAY_STEP_KINDS),
  infno: z.string(),
  ref: z.string(),
  msgid: z.string(),
  psn_no: z.string(),
  payload: z.string(),
  state: z.enum(STATES),
  attempts: z.number().int(),
  next_attempt_at: z.string(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  resolved_at: z.string().nullable(),
  response: z.string().nullable(),
});
export type StayStepRow = z.output<typeof StayStepRow>;

const OPEN = "state IN ('queued', 'sent', 'unknown')";

/** The row's state as the window shows it ('sent' with no answer yet is 'sending'). */
export function uploadStateOf(state: StayStepRow['state']): StayUploadState {
  return state === 'sent' ? 'sending' : state;
}

export class StayQueue {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** (none) → queued. Call inside the transaction that changes the stay. */
  enqueueStayStep(s: { stayId: string; kind: StayStepKind; ref: string; msgid: string; psnNo: string; input: object }): number {
    const now = this.clock.now().toISOString();
    const r = run(
      this.db,
      `INSERT INTO stay_outbox (stay_id, kind, infno, ref, msgid, psn_no, payload, state, attempts, next_attempt_at, created_at)
       VALUES (:stayId, :kind, :infno, :ref, :msgid, :psnNo, :payload, 'queued', 0, :now, :now)`,
      { stayId: s.stayId, kind: s.kind, infno: STAY_INFNO[s.kind], ref: s.ref, msgid: s.msgid, psnNo: s.psnNo, payload: JSON.stringify(s.input), now },
    );
    return Number(r.lastInsertRowid);
  }

  /** open → sent, durably before the request leaves; resent at `retryAt` if no answer is recorded. */
  claimStayStep(id: number, retryAt: Date): boolean {
    return run(this.db, `UPDATE stay_outbox SET state = 'sent', attempts = attempts + 1, next_attempt_at = :retry WHERE id = :id AND ${OPEN}`, { id, retry: retryAt.toISOString() }).changes === 1;
  }

  /** open → queued (busy, or waiting for the stay's mdtrt_id) or unknown (no answer): sent again, same msgid, at `retryAt`. */
  retryStayStep(id: number, state: 'queued' | 'unknown', error: string, retryAt: Date): void {
    run(this.db, `UPDATE stay_outbox SET state = :state, last_error = :error, next_attempt_at = :retry WHERE id = :id AND ${OPEN}`, {
      id,
      state,
      error: error.slice(0, 500),
      retry: retryAt.toISOString(),
    });
  }

  /** open → done (final): the center took it (or answered the repeat from its store). */
  resolveStayStep(id: number, response: unknown): boolean {
    return (
      run(this.db, `UPDATE stay_outbox SET state = 'done', last_error = NULL, resolved_at = :now, response = :response WHERE id = :id AND ${OPEN}`, {
        id,
        now: this.clock.now().toISOString(),
        response: JSON.stringify(response ?? null),
      }).changes === 1
    );
  }

  /** open → rejected (final): the center refused it; the stay shows the reason. */
  rejectStayStep(id: number, reason: string, response: unknown): boolean {
    return (
      run(this.db, `UPDATE stay_outbox SET state = 'rejected', last_error = :reason, resolved_at = :now, response = :response WHERE id = :id AND ${OPEN}`, {
        id,
        reason: reason.slice(0, 500),
        now: this.clock.now().toISOString(),
        response: JSON.stringify(response ?? null),
      }).changes === 1
    );
  }

  /**
   * Each person's earliest open step that is due, in id order (one per person): a person's stays
   * go to the center in commit order — the next stay's 2401 after the last one's 2402 / 2304 (a
   * center refuses a second admission while one is open), a stay's batch after its admission.
   */
  due(limit: number): StayStepRow[] {
    return many(
      this.db,
      `SELECT o.* FROM stay_outbox o
       WHERE o.${OPEN} AND o.next_attempt_at <= :now
         AND NOT EXISTS (SELECT 1 FROM stay_outbox p WHERE p.psn_no = o.psn_no AND p.id < o.id AND p.${OPEN})
       ORDER BY o.id LIMIT :limit`,
      { now: this.clock.now().toISOString(), limit },
      StayStepRow,
    );
  }

  get(id: number): StayStepRow | undefined {
    return one(this.db, 'SELECT * FROM stay_outbox WHERE id = :id', { id }, StayStepRow);
  }

  forStay(stayId: string): StayStepRow[] {
    return many(this.db, 'SELECT * FROM stay_outbox WHERE stay_id = :stayId ORDER BY id', { stayId }, StayStepRow);
  }

  /** The latest step about `ref` of a kind (a batch's 2301, a settlement's 2304). */
  latestFor(kind: StayStepKind, ref: string): StayStepRow | undefined {
    return one(this.db, 'SELECT * FROM stay_outbox WHERE kind = :kind AND ref = :ref ORDER BY id DESC LIMIT 1', { kind, ref }, StayStepRow);
  }

  openCount(stayId?: string): number {
    if (stayId === undefined) return value(this.db, `SELECT count(*) FROM stay_outbox WHERE ${OPEN}`, {}, z.number().int()) ?? 0;
    return value(this.db, `SELECT count(*) FROM stay_outbox WHERE stay_id = :stayId AND ${OPEN}`, { stayId }, z.number().int()) ?? 0;
  }

  /** Bring every open step due now (the center came back; a test's drain). */
  wakeAll(): void {
    run(this.db, `UPDATE stay_outbox SET next_attempt_at = :now WHERE ${OPEN}`, { now: this.clock.now().toISOString() });
  }
}
