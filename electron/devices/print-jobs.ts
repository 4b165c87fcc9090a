// Durable print jobs (migration 0004): one row per receipt to print, with its data and its
// ESC/POS bytes, its state and retry schedule. Survives restarts: a job left 'printing' by
// a crash is put back to wait (it may or may not have come out; the cashier can reprint).
import type { Clock } from '../app/clock';
import type { Db } from '../db/open';
import type { PrintJobState, PrintJobView } from '../api/contract/device';
import type { ReceiptData } from '../../native/escpos/receipt';
import { stmt } from '../db/statements';

interface PrintJobRow {
  id: number;
  settlement_id: string;
  copy: number;
  state: PrintJobState;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  printer: string;
  profile: '58mm' | '80mm';
  receipt_json: string;
  bytes: Buffer;
  created_at: string;
  printed_at: string | null;
}

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
    // Prepared once (stmt): a receipt job is written in every settlement's transaction.
    const r = stmt(
      this.db,
      `INSERT INTO print_jobs (settlement_id, copy, state, attempts, next_attempt_at, printer, profile, receipt_json, bytes, created_at, printed_at)
       VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
        j.settlementId,
        j.copy ? 1 : 0,
        state,
        state === 'done' ? null : (j.holdUntil?.toISOString() ?? now),
        j.printer,
        j.profile,
        JSON.stringify(j.receipt),
        Buffer.from(j.bytes),
        now,
        state === 'done' ? now : null,
      );
    return Number(r.lastInsertRowid);
  }

  /**
   * Rewrite a held receipt (the center answered, or did not) and make it due now. Only a job
   * not yet sent to the printer: false when it already printed or is printing.
   */
  release(id: number, receipt: ReceiptData, bytes: Uint8Array, printedAtOnce: boolean): boolean {
    const now = this.clock.now().toISOString();
    return (
      this.db
        .prepare(
          `UPDATE print_jobs SET receipt_json = ?, bytes = ?, state = ?, next_attempt_at = ?, printed_at = ?
           WHERE id = ? AND state = 'queued'`,
        )
        .run(JSON.stringify(receipt), Buffer.from(bytes), printedAtOnce ? 'done' : 'queued', printedAtOnce ? null : now, printedAtOnce ? now : null, id).changes === 1
    );
  }

  get(id: number): PrintJob | null {
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM print_jobs WHERE id = ?`).get(id) as PrintJobRow | undefined;
    return r ? toJob(r) : null;
  }

  latestFor(settlementId: string): PrintJob | null {
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM print_jobs WHERE settlement_id = ? AND kind = 'receipt' ORDER BY id DESC LIMIT 1`).get(settlementId) as
      | PrintJobRow
      | undefined;
    return r ? toJob(r) : null;
  }

  /**
   * A text document (the shift report): printed by the same worker with the same retries, but
   * never taken for a settlement's receipt.
   */
  enqueueDocument(d: { name: string; title: string; lines: string[]; bytes: Uint8Array; printer: string; profile: '58mm' | '80mm'; state: PrintJobState }): number {
    const now = this.clock.now().toISOString();
    const r = this.db
      .prepare(
        `INSERT INTO print_jobs (kind, settlement_id, copy, state, attempts, next_attempt_at, printer, profile, receipt_json, bytes, created_at, printed_at)
         VALUES ('document', ?, 0, ?, 0, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(d.name, d.state, d.state === 'done' ? null : now, d.printer, d.profile, JSON.stringify({ title: d.title, lines: d.lines }), Buffer.from(d.bytes), now, d.state === 'done' ? now : null);
    return Number(r.lastInsertRowid);
  }

  /**
   * The receipt a reprint copies: the settlement's latest one that is not itself a copy — the
   * corrected receipt (更正) once printed, which voids the first (issue 13), else the original.
   */
  validReceiptFor(settlementId: string): PrintJob | null {
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM print_jobs WHERE settlement_id = ? AND kind = 'receipt' AND copy = 0 ORDER BY id DESC LIMIT 1`).get(settlementId) as
      | PrintJobRow
      | undefined;
    return r ? toJob(r) : null;
  }

  listFor(settlementId: string): PrintJobView[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM print_jobs WHERE settlement_id = ? ORDER BY id`).all(settlementId) as PrintJobRow[]).map(toView);
  }

  /** Jobs not done yet, oldest first. */
  unfinished(): PrintJobView[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM print_jobs WHERE state != 'done' ORDER BY id`).all() as PrintJobRow[]).map(toView);
  }

  /** Jobs whose time has come (queued or waiting with next_attempt_at <= now). */
  dueIds(now: Date, limit = 20): number[] {
    return (
      this.db
        .prepare(`SELECT id FROM print_jobs WHERE state IN ('queued', 'failed-waiting') AND next_attempt_at <= ? ORDER BY id LIMIT ?`)
        .all(now.toISOString(), limit) as { id: number }[]
    ).map((r) => r.id);
  }

  /** Make every waiting job due now (the cashier loaded paper and pressed retry). */
  makeWaitingDue(): number {
    return this.db.prepare(`UPDATE print_jobs SET next_attempt_at = ? WHERE state = 'failed-waiting'`).run(this.clock.now().toISOString()).changes;
  }

  /** Claim a due job for printing; false when another worker got it first. */
  claim(id: number): boolean {
    return (
      this.db
        .prepare(`UPDATE print_jobs SET state = 'printing', attempts = attempts + 1 WHERE id = ? AND state IN ('queued', 'failed-waiting')`)
        .run(id).changes === 1
    );
  }

  markDone(id: number, printer: string): void {
    this.db
      .prepare(`UPDATE print_jobs SET state = 'done', printed_at = ?, next_attempt_at = NULL, last_error = NULL, printer = ? WHERE id = ?`)
      .run(this.clock.now().toISOString(), printer, id);
  }

  markFailed(id: number, error: string, printer: string): PrintJobView | null {
    const job = this.get(id);
    if (!job) return null;
    const next = new Date(this.clock.now().getTime() + retryDelayMs(job.attempts)).toISOString();
    this.db
      .prepare(`UPDATE print_jobs SET state = 'failed-waiting', next_attempt_at = ?, last_error = ?, printer = ? WHERE id = ?`)
      .run(next, error.slice(0, 500), printer, id);
    return this.get(id);
  }

  /** After a crash: jobs caught 'printing' wait for a retry. */
  recoverInterrupted(): number {
    return this.db
      .prepare(`UPDATE print_jobs SET state = 'failed-waiting', next_attempt_at = ?, last_error = 'INTERRUPTED: 打印中程序退出' WHERE state = 'printing'`)
      .run(this.clock.now().toISOString()).changes;
  }
}
