// Durable print jobs (migration 0004): one row per receipt to print, with its data and its
// ESC/POS bytes, its state and retry schedule. Survives restarts: a job left 'printing' by
// a crash is put back to wait (it may or may not have come out; the cashier can reprint).
import type { Clock } from '../app/clock';
import type { Db } from '../db/open';
import type { PrintJobState, PrintJobView } from '../api/contract/device';
import type { ReceiptData } from '../../native/escpos/receipt';
import { z } from 'zod';
import { insertInto, many, one, run, values } from '../db/sql';

const JOB_STATES = ['queued', 'printing', 'done', 'failed-waiting'] as const satisfies readonly PrintJobState[];
const PrintJobRow = z.object({
  id: z.number().int(),
  settlement_id: z.string(),
  copy: z.number().int(),
  state: z.enum(JOB_STATES),
  attempts: z.number().int(),
  next_attempt_at: z.string().nullable(),
  last_error: z.string().nullable(),
  printer: z.string(),
  profile: z.enum(['58mm', '80mm']),
  receipt_json: z.string(),
  bytes: z.instanceof(Buffer),
  created_at: z.string(),
  printed_at: z.string().nullable(),
});
type PrintJobRow = z.output<typeof PrintJobRow>;

export interface PrintJob extends PrintJobView {
  receipt: ReceiptData;
  bytes: Uint8Array;
}

export interface NewPrintJob {
  settlementId: string;
  receipt: ReceiptData;
  bytes: Uint8Array;
  copy: boolean;
  printer: string;
  profile: '58mm' | '80mm';
  /** 'done' for jobs printed directly (CLI) or shown on screen only (preview printer). */
  state?: PrintJobState;
  /** Held until then (waiting for the center's answer); a crash meanwhile prints it as written. */
  holdUntil?: Date;
}

/** Wait before retry n (1-based): 5 s, 10 s, 20 s … capped at 5 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 300_000);
}

const COLUMNS = 'id, settlement_id, copy, state, attempts, next_attempt_at, last_error, printer, profile, receipt_json, bytes, created_at, printed_at';

function toView(r: PrintJobRow): PrintJobView {
  return {
    id: r.id,
    settlementId: r.settlement_id,
    copy: r.copy === 1,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    printer: r.printer,
    profile: r.profile,
    createdAt: r.created_at,
    printedAt: r.printed_at,
  };
}

function toJob(r: PrintJobRow): PrintJob {
  return { ...toView(r), receipt: JSON.parse(r.receipt_json) as ReceiptData, bytes: new Uint8Array(r.bytes) };
}

export class PrintJobStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  enqueue(j: NewPrintJob): number {
    const now = this.clock.now().toISOString();
    const state = j.state ?? 'queued';
    // Prepared once (sql.ts caches): a receipt job is written in every settlement's transaction.
    const r = insertInto(this.db, 'print_jobs', {
      settlement_id: j.settlementId,
      copy: j.copy ? 1 : 0,
      state,
      attempts: 0,
      next_attempt_at: state === 'done' ? null : (j.holdUntil?.toISOString() ?? now),
      printer: j.printer,
      profile: j.profile,
      receipt_json: JSON.stringify(j.receipt),
      bytes: Buffer.from(j.bytes),
      created_at: now,
      printed_at: state === 'done' ? now : null,
    });
    return Number(r.lastInsertRowid);
  }

  /**
   * Rewrite a held receipt (the center answered, or did not) and make it due now. Only a job
   * not yet sent to the printer: false when it already printed or is printing.
   */
  release(id: number, receipt: ReceiptData, bytes: Uint8Array, printedAtOnce: boolean): boolean {
    const now = this.clock.now().toISOString();
    return (
      run(
        this.db,
        `UPDATE print_jobs SET receipt_json = :receipt, bytes = :bytes, state = :state, next_attempt_at = :nextAt, printed_at = :printedAt
         WHERE id = :id AND state = 'queued'`,
        {
          receipt: JSON.stringify(receipt),
          bytes: Buffer.from(bytes),
          state: printedAtOnce ? 'done' : 'queued',
          nextAt: printedAtOnce ? null : now,
          printedAt: printedAtOnce ? now : null,
          id,
        },
      ).changes === 1
    );
  }

  get(id: number): PrintJob | null {
    const r = one(this.db, `SELECT ${COLUMNS} FROM print_jobs WHERE id = :id`, { id }, PrintJobRow);
    return r ? toJob(r) : null;
  }

  latestFor(settlementId: string): PrintJob | null {
    const r = one(this.db, `SELECT ${COLUMNS} FROM print_jobs WHERE settlement_id = :settlementId AND kind = 'receipt' ORDER BY id DESC LIMIT 1`, { settlementId }, PrintJobRow);
    return r ? toJob(r) : null;
  }

  /**
   * A text document (the shift report): printed by the same worker with the same retries, but
   * never taken for a settlement's receipt.
   */
  enqueueDocument(d: { name: string; title: string; lines: string[]; bytes: Uint8Array; printer: string; profile: '58mm' | '80mm'; state: PrintJobState }): number {
    const now = this.clock.now().toISOString();
    const r = insertInto(this.db, 'print_jobs', {
      kind: 'document',
      settlement_id: d.name,
      copy: 0,
      state: d.state,
      attempts: 0,
      next_attempt_at: d.state === 'done' ? null : now,
      printer: d.printer,
      profile: d.profile,
      receipt_json: JSON.stringify({ title: d.title, lines: d.lines }),
      bytes: Buffer.from(d.bytes),
      created_at: now,
      printed_at: d.state === 'done' ? now : null,
    });
    return Number(r.lastInsertRowid);
  }

  /**
   * The receipt a reprint copies: the settlement's latest one that is not itself a copy — the
   * corrected receipt (更正) once printed, which voids the first (issue 13), else the original.
   */
  validReceiptFor(settlementId: string): PrintJob | null {
    const r = one(
      this.db,
      `SELECT ${COLUMNS} FROM print_jobs WHERE settlement_id = :settlementId AND kind = 'receipt' AND copy = 0 ORDER BY id DESC LIMIT 1`,
      { settlementId },
      PrintJobRow,
    );
    return r ? toJob(r) : null;
  }

  listFor(settlementId: string): PrintJobView[] {
    return many(this.db, `SELECT ${COLUMNS} FROM print_jobs WHERE settlement_id = :settlementId ORDER BY id`, { settlementId }, PrintJobRow).map(toView);
  }

  /** Jobs not done yet, oldest first. */
  unfinished(): PrintJobView[] {
    return many(this.db, `SELECT ${COLUMNS} FROM print_jobs WHERE state != 'done' ORDER BY id`, {}, PrintJobRow).map(toView);
  }

  /** Jobs whose time has come (queued or waiting with next_attempt_at <= now). */
  dueIds(now: Date, limit = 20): number[] {
    return values(
      this.db,
      `SELECT id FROM print_jobs WHERE state IN ('queued', 'failed-waiting') AND next_attempt_at <= :now ORDER BY id LIMIT :limit`,
      { now: now.toISOString(), limit },
      z.number().int(),
    );
  }

  /** Make every waiting job due now (the cashier loaded paper and pressed retry). */
  makeWaitingDue(): number {
    return run(this.db, `UPDATE print_jobs SET next_attempt_at = :now WHERE state = 'failed-waiting'`, { now: this.clock.now().toISOString() }).changes;
  }

  /** Claim a due job for printing; false when another worker got it first. */
  claim(id: number): boolean {
    return run(this.db, `UPDATE print_jobs SET state = 'printing', attempts = attempts + 1 WHERE id = :id AND state IN ('queued', 'failed-waiting')`, { id }).changes === 1;
  }

  markDone(id: number, printer: string): void {
    run(this.db, `UPDATE print_jobs SET state = 'done', printed_at = :now, next_attempt_at = NULL, last_error = NULL, printer = :printer WHERE id = :id`, {
      now: this.clock.now().toISOString(),
      printer,
      id,
    });
  }

  markFailed(id: number, error: string, printer: string): PrintJobView | null {
    const job = this.get(id);
    if (!job) return null;
    const next = new Date(this.clock.now().getTime() + retryDelayMs(job.attempts)).toISOString();
    run(this.db, `UPDATE print_jobs SET state = 'failed-waiting', next_attempt_at = :next, last_error = :error, printer = :printer WHERE id = :id`, {
      next,
      error: error.slice(0, 500),
      printer,
      id,
    });
    return this.get(id);
  }

  /** After a crash: jobs caught 'printing' wait for a retry. */
  recoverInterrupted(): number {
    return run(this.db, `UPDATE print_jobs SET state = 'failed-waiting', next_attempt_at = :now, last_error = 'INTERRUPTED: 打印中程序退出' WHERE state = 'printing'`, {
      now: this.clock.now().toISOString(),
    }).changes;
  }
}
