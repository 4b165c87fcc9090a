// The devices part: card readers (configured, card-readers.ts; or in demo mode the emulated
// card tray, demo-switches.ts), the receipt printer (receipt-printer.ts) and its durable print
// jobs (receipt-jobs.ts, printed by print-worker.ts). Settlement calls queueReceipt() inside
// its commit; card reads go out as 'card.read' events. This file only wires them and keeps
// the status bar's device list.
import type { CoreApp } from '../app/core';
import { chinaDate } from '../app/clock';
import type { CardRead, DeviceListView } from '../api/contract/device';
import { PROFILES, type PrinterProfile } from '../../native/escpos/profiles';
import type { ReceiptData } from '../../native/escpos/receipt';
import type { PrinterSpec } from '../../native/printers/printer-spec';
import type { PrintOutcome } from '../../native/printers/transport';
import { CardReaders } from './card-readers';
import { DEMO_PAPER_OUT, DemoSwitches } from './demo-switches';
import type { DemoCredential } from './demo-tray';
import { PrintJobStore } from './print-jobs';
import { PrintWorker } from './print-worker';
import { listPorts } from './port-list';
import { ReceiptJobs } from './receipt-jobs';
import { ReceiptPrinter } from './receipt-printer';
import type { ReaderTiming } from './reader-manager';

export interface DevicesOptions {
  /** Reader reconnect and poll timing (tests shorten it). */
  timing?: ReaderTiming;
  /** How a job reaches the printer (default: the real transports of native/printers). */
  send?: (spec: PrinterSpec, bytes: Uint8Array) => Promise<PrintOutcome>;
  /** How often an idle printer is asked for its status (DLE EOT), ms. */
  printerProbeMs?: number;
}

export function createDevicesPart(core: CoreApp, opts: DevicesOptions = {}) {
  const store = new PrintJobStore(core.db, core.clock);
  const profile: PrinterProfile = PROFILES[core.settings.printerProfile];
  const publishStatus = () => core.status.set('devices', [...demo.statusList(), ...readers.statusList(), printer.state]);

  const readers = new CardReaders({ setting: core.settings.readers, events: core.events, log: core.log, today: () => chinaDate(core.clock.now()), changed: publishStatus, timing: opts.timing });
  const trayInstead = readers.emulated || core.demo;
  const demo = new DemoSwitches({ demo: core.demo, trayAllowed: trayInstead, reads: readers.reads, changed: publishStatus });
  const printer: ReceiptPrinter = new ReceiptPrinter(core.settings.printer, { send: opts.send, changed: publishStatus, refuse: () => demo.refusePrint(printer.isPreview) });
  const worker = new PrintWorker({
    store,
    now: () => core.clock.now(),
    print: (job) => printer.print(job.bytes),
    changed: (jobId, state) => core.events.emit('print.changed', { jobId, state }),
    printerHealth: (ok, code, message, paperNearEnd) => printer.health(ok, code, message, paperNearEnd),
    printerName: () => printer.name,
    log: (msg, ctx) => core.log.warn(msg, ctx),
  });
  let started = false;
  let probeTimer: ReturnType<typeof setInterval> | null = null;
  const jobs = new ReceiptJobs({
    core,
    store,
    worker,
    profile,
    printerName: () => printer.name,
    printsAtOnce: () => printer.isPreview && !demo.previewPaperOut,
    started: () => started,
  });

  publishStatus();

  return {
    jobs: store,
    worker,
    profile,

    /** Create and start the durable print job of a receipt (a reprint, or outside a transaction). */
    printReceipt(settlementId: string, data: ReceiptData, o: { copy: boolean }): { jobId: number } {
      return { jobId: jobs.enqueueReceipt(settlementId, data, o.copy) };
    },

    /**
     * Write a receipt's job row inside the caller's transaction (the settlement's own), so the
     * settlement and its receipt commit together — one durable commit, and no crash window in
     * which a settlement exists without its receipt. Nothing reaches the printer until
     * `announce()` is called after the commit; a job rolled back with its settlement never prints.
     */
    queueReceipt(settlementId: string, data: ReceiptData, o: { copy: boolean; holdUntil?: Date }): { jobId: number; announce: () => void } {
      const { jobId, done } = jobs.insertReceipt(settlementId, data, o.copy, o.holdUntil);
      return { jobId, announce: () => jobs.announce(jobId, done) };
    },

    /**
     * A receipt held (queueReceipt with holdUntil) while the center's answer was awaited: write
     * its final form and print it now. False when it had already gone to the printer (its hold
     * ran out first); the caller then leaves it as printed.
     */
    releaseReceipt: (jobId: number, data: ReceiptData): boolean => jobs.release(jobId, data),

    /**
     * Print plain lines (the shift report) as a durable job; `name` identifies the document
     * (e.g. "shift-report:<id>"). The preview printer keeps it as done, as with receipts.
     */
    printLines: (lines: string[], o: { title: string; name?: string }): { jobId: number } => ({ jobId: jobs.enqueueLines(lines, o) }),

    /**
     * Reprint a settlement's valid receipt (the corrected one after 更正, else the original) as a
     * copy; audited (who, when, which receipt).
     */
    reprint: (settlementId: string, operatorId: string | null): { jobId: number } => ({ jobId: jobs.reprint(settlementId, operatorId) }),

    /** The latest receipt of a settlement as text lines (the on-screen preview). */
    receiptPreview: (settlementId: string): string[] => jobs.preview(settlementId),

    async list(): Promise<DeviceListView> {
      return {
        devices: core.status.get().devices,
        ports: await listPorts(core.log),
        printer: printer.name,
        profile: profile.id,
        emulated: trayInstead,
      };
    },

    demoCards: () => demo.cards(),

    demoInsert: (index: number, credential?: DemoCredential): Promise<CardRead> => demo.insert(index, credential),

    probePrinter: () => printer.probe(),

    /** Demo only: the preview printer runs out of paper / gets paper again (the demo's switch). */
    setDemoPaperOut(out: boolean): { paperOut: boolean } {
      demo.setPaperOut(out, printer.isPreview);
      if (out) printer.setState('paper-out', DEMO_PAPER_OUT);
      else printer.setState('ready');
      return { paperOut: out };
    },

    async retryPrints(): Promise<{ attempted: number }> {
      store.makeWaitingDue();
      return { attempted: await worker.runDue() };
    },

    /** Begin background work: open readers (or the demo tray), start the print worker. */
    start(): void {
      if (started) return;
      started = true;
      const recovered = store.recoverInterrupted();
      if (recovered) core.log.warn('print jobs interrupted by a restart will be retried', { recovered });
      if (trayInstead) demo.openTray();
      else readers.start();
      publishStatus();
      worker.start();
      void worker.runDue();
      void printer.probe();
      probeTimer = setInterval(() => void printer.probe(), opts.printerProbeMs ?? 30_000);
      probeTimer.unref?.();
    },

    async close(): Promise<void> {
      if (probeTimer) clearInterval(probeTimer);
      await worker.stop();
      await readers.close();
      await demo.close();
    },
  };
}

export type DevicesPart = ReturnType<typeof createDevicesPart>;
