// Receipts and documents as durable print jobs (print-jobs.ts is the table's owner): building
// a job's bytes for the printer's profile, writing its row (inside the settlement's own
// transaction when asked), telling the windows, and waking the print worker once the row is
// committed. The preview printer keeps a job as done the moment it is written.
import type { CoreApp } from '../app/core';
import { AppError } from '../api/result';
import { PROFILES, type PrinterProfile } from '../../native/escpos/profiles';
import { buildReceipt, renderReceiptText, type ReceiptData } from '../../native/escpos/receipt';
import { buildTextDocument } from '../../native/escpos/document';
import type { PrintJobStore } from './print-jobs';
import type { PrintWorker } from './print-worker';

export interface ReceiptJobsDeps {
  core: CoreApp;
  store: PrintJobStore;
  worker: PrintWorker;
  profile: PrinterProfile;
  /** The printer's name as the job records it. */
  printerName(): string;
  /** A job is done the moment it is written (the preview printer, with paper). */
  printsAtOnce(): boolean;
  /** The worker runs (the part started): a new job wakes it. */
  started(): boolean;
}

export class ReceiptJobs {
  constructor(private readonly deps: ReceiptJobsDeps) {}

  /** The durable job row only: safe inside the caller's transaction (nothing is sent yet). */
  insertReceipt(settlementId: string, data: ReceiptData, copy: boolean, holdUntil?: Date): { jobId: number; done: boolean } {
    const { store, profile } = this.deps;
    const receipt: ReceiptData = { ...data, copy };
    const done = !holdUntil && this.deps.printsAtOnce();
    const jobId = store.enqueue({
      settlementId,
      receipt,
      bytes: buildReceipt(receipt, profile),
      copy,
      printer: this.deps.printerName(),
      profile: profile.id,
      state: done ? 'done' : 'queued',
      ...(holdUntil ? { holdUntil } : {}),
    });
    return { jobId, done };
  }

  /** After the job's row is committed: tell the screens and wake the worker. */
  announce(jobId: number, done: boolean): void {
    this.deps.core.events.emit('print.changed', { jobId, state: done ? 'done' : 'queued' });
    if (this.deps.started() && !done) void this.deps.worker.runDue();
  }

  /** Write and announce at once (a reprint, or outside a transaction). */
  enqueueReceipt(settlementId: string, data: ReceiptData, copy: boolean): number {
    const { jobId, done } = this.insertReceipt(settlementId, data, copy);
    this.announce(jobId, done);
    return jobId;
  }

  /** A held receipt's final form, printed now; false when it had already gone to the printer. */
  release(jobId: number, data: ReceiptData): boolean {
    const receipt: ReceiptData = { ...data, copy: false };
    const done = this.deps.printsAtOnce();
    if (!this.deps.store.release(jobId, receipt, buildReceipt(receipt, this.deps.profile), done)) return false;
    this.announce(jobId, done);
    return true;
  }

  /** Plain lines (the shift report) as a durable job; `name` identifies the document. */
  enqueueLines(lines: string[], o: { title: string; name?: string }): number {
    const { store, profile } = this.deps;
    const done = this.deps.printsAtOnce();
    const jobId = store.enqueueDocument({
      name: o.name ?? `document:${o.title}`,
      title: o.title,
      lines,
      bytes: buildTextDocument(o.title, lines, profile),
      printer: this.deps.printerName(),
      profile: profile.id,
      state: done ? 'done' : 'queued',
    });
    this.announce(jobId, done);
    return jobId;
  }

  /** A copy of a settlement's valid receipt (the corrected one after 更正, else the original); audited. */
  reprint(settlementId: string, operatorId: string | null): number {
    const { core, store } = this.deps;
    const original = store.validReceiptFor(settlementId);
    if (!original) throw new AppError('RECEIPT_NOT_FOUND', `结算 ${settlementId} 没有小票可补打`, { settlementId });
    return core.db.transaction(() => {
      const jobId = this.enqueueReceipt(settlementId, original.receipt, true);
      core.audit.append({ action: 'device.reprint', operatorId, subject: settlementId, detail: { jobId, originalJobId: original.id } });
      return jobId;
    })();
  }

  /** The latest receipt of a settlement as text lines (the on-screen preview). */
  preview(settlementId: string): string[] {
    const job = this.deps.store.latestFor(settlementId);
    if (!job) throw new AppError('RECEIPT_NOT_FOUND', `结算 ${settlementId} 没有小票`, { settlementId });
    return renderReceiptText(job.receipt, PROFILES[job.profile]);
  }
}
