// Prints due jobs one at a time, in order. A failure (printer offline, out of paper, line
// down) leaves the job waiting with a growing delay; the settlement was committed before
// the job existed, so nothing here can lose or block a settlement.
import { isAppError } from '../api/result';
import type { PrintJobStore, PrintJob } from './print-jobs';

export interface PrintAttemptResult {
  /** The printer spec the job went to. */
  printer: string;
  /** The printer said its paper is nearly out (printed, but tell the cashier). */
  paperNearEnd?: boolean;
}

export interface PrintWorkerDeps {
  store: PrintJobStore;
  now: () => Date;
  /** Send one job; throws (AppError PRINTER_*) when it could not be printed. */
  print(job: PrintJob): Promise<PrintAttemptResult>;
  /** A job changed state. */
  changed(jobId: number, state: string): void;
  /** The printer worked, or failed with this error code/message. */
  printerHealth(ok: boolean, code?: string, message?: string, paperNearEnd?: boolean): void;
  printerName(): string;
  log(msg: string, ctx: Record<string, unknown>): void;
}

export class PrintWorker {
  private running: Promise<number> | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly deps: PrintWorkerDeps) {}

  /** Print every due job now; resolves with how many were attempted. Runs are never concurrent. */
  runDue(): Promise<number> {
    if (this.running) return this.running.then(() => this.runDue());
    this.running = this.drain().finally(() => (this.running = null));
    return this.running;
  }

  private async drain(): Promise<number> {
    let attempted = 0;
    for (;;) {
      const ids = this.deps.store.dueIds(this.deps.now());
      if (ids.length === 0) return attempted;
      for (const id of ids) {
        if (!this.deps.store.claim(id)) continue;
        attempted++;
        this.deps.changed(id, 'printing');
        const job = this.deps.store.get(id)!;
        try {
          const r = await this.deps.print(job);
          this.deps.store.markDone(id, r.printer);
          this.deps.changed(id, 'done');
          this.deps.printerHealth(true, undefined, undefined, r.paperNearEnd);
        } catch (e) {
          const code = isAppError(e) ? e.code : 'PRINTER_FAILED';
          const message = e instanceof Error ? e.message : String(e);
          this.deps.store.markFailed(id, `${code}: ${message}`, this.deps.printerName());
          this.deps.changed(id, 'failed-waiting');
          this.deps.printerHealth(false, code, message);
          this.deps.log('print job failed; will retry', { jobId: id, code, message });
          // The printer is down: the other due jobs would fail the same way; wait for the next round.
          return attempted;
        }
      }
    }
  }

  /** Check for due jobs every `everyMs` (jobs also kick the worker when they are created). */
  start(everyMs = 2_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runDue(), everyMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
