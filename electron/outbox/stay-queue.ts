// The outbox of a stay's center steps (issue 19: 2401 … 2305; migration 0026 says why they have
// a table of their own). The exactly-once rules of the settlement outbox, as named transitions
// on stay_outbox — enqueueStayStep, then side-queue.ts's claim, retry, resolve and reject —
// read by the stay sender (inpatient/sender.ts):
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
import { OPEN, queueColumns, SideQueue } from './side-queue';

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
  ...queueColumns,
});
export type StayStepRow = z.output<typeof StayStepRow>;

/** The row's state as the window shows it ('sent' with no answer yet is 'sending'). */
export function uploadStateOf(state: StayStepRow['state']): StayUploadState {
  return state === 'sent' ? 'sending' : state;
}

export class StayQueue extends SideQueue<StayStepRow> {
  constructor(db: Db, clock: Clock) {
    super(db, clock, 'stay_outbox', StayStepRow, 'done');
  }

  /** (none) → queued. Call inside the transaction that changes the stay. */
  enqueueStayStep(s: { stayId: string; kind: StayStepKind; ref: string; msgid: string; psnNo: string; input: object }): number {
    return this.insertQueued({ stay_id: s.stayId, kind: s.kind, infno: STAY_INFNO[s.kind], ref: s.ref, msgid: s.msgid, psn_no: s.psnNo }, s.input);
  }

  /**
   * Each person's earliest open step that is due, in id order (one per person): a person's stays
   * go to the center in commit order — the next stay's 2401 after the last one's 2402 / 2304 (a
   * center refuses a second admission while one is open), a stay's batch after its admission.
   */
  due(limit: number): StayStepRow[] {
    return this.duePerKey('psn_no', limit);
  }

  forStay(stayId: string): StayStepRow[] {
    return many(this.db, 'SELECT * FROM stay_outbox WHERE stay_id = :stayId ORDER BY id', { stayId }, StayStepRow);
  }

  /** The latest step about `ref` of a kind (a batch's 2301, a settlement's 2304). */
  latestFor(kind: StayStepKind, ref: string): StayStepRow | undefined {
    return one(this.db, 'SELECT * FROM stay_outbox WHERE kind = :kind AND ref = :ref ORDER BY id DESC LIMIT 1', { kind, ref }, StayStepRow);
  }

  override openCount(stayId?: string): number {
    if (stayId === undefined) return super.openCount();
    return value(this.db, `SELECT count(*) FROM stay_outbox WHERE stay_id = :stayId AND ${OPEN}`, { stayId }, z.number().int()) ?? 0;
  }

  /** Bring every open step due now (the center came back; a test's drain). */
  wakeAll(): void {
    run(this.db, `UPDATE stay_outbox SET next_attempt_at = :now WHERE ${OPEN}`, { now: this.clock.now().toISOString() });
  }
}
