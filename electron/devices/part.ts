// The devices part: card readers (configured or, in demo mode, the emulated card tray),
// the receipt printer and its durable print jobs. Settlement calls printReceipt() right
// after its commit; card reads go out as 'card.read' events.
import type { CoreApp } from '../app/core';
import { chinaDate } from '../app/clock';
import type { CardRead, DeviceListView, PortView } from '../api/contract/device';
import type { DeviceState } from '../api/contract/system';
import { AppError } from '../api/result';
import { PROFILES, type PrinterProfile } from '../../native/escpos/profiles';
import { buildReceipt, renderReceiptText, type ReceiptData } from '../../native/escpos/receipt';
import { buildTextDocument } from '../../native/escpos/document';
import { parsePrinterSpec, printerSpecText, type PrinterSpec } from '../../native/printers/printer-spec';
import { probePrinter, sendToPrinter, statusError, type PrintOutcome } from '../../native/printers/transport';
import type { ParseError } from '../../native/protocols/result';
import { DemoTray, type DemoCredential } from './demo-tray';
import { PrintJobStore, type PrintJob } from './print-jobs';
import { PrintWorker } from './print-worker';
import { parseReadersSetting } from './reader-config';
import { ManagedReader, DEFAULT_TIMING, type ReaderTiming } from './reader-manager';

export interface DevicesOptions {
  /** Reader reconnect and poll timing (tests shorten it). */
  timing?: ReaderTiming;
  /** How a job reaches the printer (default: the real transports of native/printers). */
  send?: (spec: PrinterSpec, bytes: Uint8Array) => Promise<PrintOutcome>;
  /** How often an idle printer is asked for its status (DLE EOT), ms. */
  printerProbeMs?: number;
}

const PRINTER_ID = 'receipt-printer';
const DEMO_PAPER_OUT = '演示打印机缺纸（演示开关）；点“装纸”后按 F5 重打';

export function createDevicesPart(core: CoreApp, opts: DevicesOptions = {}) {
  const store = new PrintJobStore(core.db, core.clock);
  const profile: PrinterProfile = PROFILES[core.settings.printerProfile];
  const today = () => chinaDate(core.clock.now());
  // A bad printer setting must not stop the app: the printer shows as 'error' and jobs wait.
  let printerSpec: PrinterSpec | null = null;
  let printerState: DeviceState = { id: PRINTER_ID, kind: 'printer', name: core.settings.printer, state: 'ready' };
  try {
    printerSpec = parsePrinterSpec(core.settings.printer);
    printerState = { id: PRINTER_ID, kind: 'printer', name: printerSpecText(printerSpec), state: 'ready' };
  } catch (e) {
    printerState = { ...printerState, state: 'error', detail: (e as Error).message };
  }

  // Demo mode's preview printer can be told it ran out of paper (the demo's paper switch), so a
  // new user sees what the window does when a receipt does not print: the job waits, the alert
  // shows, and F5 prints it once paper is "loaded". Otherwise the preview printer never fails.
  let previewPaperOut = false;
  const isPreview = () => printerSpec?.kind === 'preview';
  /** A preview job is done the moment it is written, unless the demo printer is out of paper. */
  const printsAtOnce = () => isPreview() && !previewPaperOut;

  const lastErrors = new Map<string, string>();
  let readers: ManagedReader[] = [];
  let tray: DemoTray | null = null;
  // A bad readers setting must not stop the app either: it shows as a reader in 'error'.
  let readerConfigError: string | null = null;
  const readersSetting = (() => {
    try {
      return parseReadersSetting(core.settings.readers);
    } catch (e) {
      readerConfigError = (e as Error).message;
      core.log.warn('reader setting invalid', { message: readerConfigError });
      return [];
    }
  })();
  const emulated = readersSetting === 'emulated';

  const publishStatus = () => {
    const list: DeviceState[] = [];
    if (tray) list.push({ id: 'demo-card-tray', kind: 'reader', name: '模拟读卡器（示范卡托）', state: 'ready' });
    if (readerConfigError) list.push({ id: 'reader-config', kind: 'reader', name: '读卡器设置', state: 'error', detail: readerConfigError });
    for (const r of readers) {
      const v = r.view();
      const err = lastErrors.get(v.id);
      list.push(v.state === 'ready' && err ? { ...v, detail: err } : v);
    }
    list.push(printerState);
    core.status.set('devices', list);
  };

  const onRead = (card: CardRead) => {
    lastErrors.delete(card.source);
    core.events.emit('card.read', card);
    publishStatus();
  };
  const onReadError = (deviceId: string, err: ParseError) => {
    core.log.warn('card read failed', { deviceId, code: err.code });
    lastErrors.set(deviceId, `${err.code}: ${err.message}`);
    // Every failed read is a card that was there and could not be used; a scanner unplugged is not.
    if (err.code !== 'HID_DEVICE_ERROR') core.events.emit('card.failed', { deviceId, code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) });
    publishStatus();
  };

  const setPrinter = (state: DeviceState['state'], detail?: string) => {
    printerState = detail ? { ...printerState, state, detail } : { id: printerState.id, kind: 'printer', name: printerState.name, state };
    publishStatus();
  };

  const sendRaw = opts.send ?? ((spec: PrinterSpec, bytes: Uint8Array) => sendToPrinter(spec, bytes));
  // One conversation with the printer at a time: a status probe and a print job must not
  // both open the (exclusively locked) serial port or interleave on one TCP printer.
  let printerChain: Promise<unknown> = Promise.resolve();
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = printerChain.then(fn, fn);
    printerChain = run.catch(() => undefined);
    return run;
  }
  const send = (spec: PrinterSpec, bytes: Uint8Array) => exclusive(() => sendRaw(spec, bytes));

  const worker = new PrintWorker({
    store,
    now: () => core.clock.now(),
    async print(job: PrintJob) {
      if (!printerSpec) throw new AppError('PRINTER_SPEC_INVALID', `打印机设置无效：${core.settings.printer}`);
      if (isPreview() && previewPaperOut) throw new AppError('PRINTER_OUT_OF_PAPER', DEMO_PAPER_OUT);
      const outcome = await send(printerSpec, job.bytes);
      return { printer: printerSpecText(printerSpec), paperNearEnd: outcome.status?.paperNearEnd ?? false };
    },
    changed: (jobId, state) => core.events.emit('print.changed', { jobId, state }),
    printerHealth(ok, code, message, paperNearEnd) {
      if (ok) setPrinter(paperNearEnd ? 'paper-near-end' : 'ready', paperNearEnd ? '小票纸即将用完，请准备换纸' : undefined);
      else if (code === 'PRINTER_OUT_OF_PAPER') setPrinter('paper-out', message);
      else if (code === 'PRINTER_SPEC_INVALID') setPrinter('error', message);
      else setPrinter('offline', message);
    },
    printerName: () => printerState.name,
    log: (msg, ctx) => core.log.warn(msg, ctx),
  });
  let started = false;
  let probeTimer: ReturnType<typeof setInterval> | null = null;

  /**
   * Ask the printer for its status (DLE EOT) and show it; a printer that does not answer
   * (file, many USB ones) keeps its last known state. Waits for a job being printed.
   */
  async function probePrinterNow(): Promise<DeviceState> {
    if (!printerSpec || printerSpec.kind === 'preview' || printerSpec.kind === 'file') return printerState;
    const spec = printerSpec;
    try {
      const s = await exclusive(() => probePrinter(spec));
      if (s) {
        const err = statusError(s);
        if (!err) setPrinter(s.paperNearEnd ? 'paper-near-end' : 'ready', s.paperNearEnd ? '小票纸即将用完，请准备换纸' : undefined);
        else setPrinter(err.code === 'PRINTER_OUT_OF_PAPER' ? 'paper-out' : err.code === 'PRINTER_ERROR' ? 'error' : 'offline', err.message);
      }
    } catch (e) {
      setPrinter('offline', e instanceof Error ? e.message : String(e));
    }
    return printerState;
  }

  /** The durable job row only: safe inside the caller's transaction (nothing is sent yet). */
  function insertReceiptJob(settlementId: string, data: ReceiptData, copy: boolean, holdUntil?: Date): { jobId: number; done: boolean } {
    const receipt: ReceiptData = { ...data, copy };
    const done = !holdUntil && printsAtOnce();
    const jobId = store.enqueue({
      settlementId,
      receipt,
      bytes: buildReceipt(receipt, profile),
      copy,
      printer: printerState.name,
      profile: profile.id,
      state: done ? 'done' : 'queued',
      ...(holdUntil ? { holdUntil } : {}),
    });
    return { jobId, done };
  }

  /** After the job's row is committed: tell the screens and wake the worker. */
  function announceJob(jobId: number, done: boolean): void {
    core.events.emit('print.changed', { jobId, state: done ? 'done' : 'queued' });
    if (started && !done) void worker.runDue();
  }

  function enqueue(settlementId: string, data: ReceiptData, copy: boolean): number {
    const { jobId, done } = insertReceiptJob(settlementId, data, copy);
    announceJob(jobId, done);
    return jobId;
  }

  function ensureTray(): DemoTray {
    if (!core.demo && !emulated) throw new AppError('NOT_DEMO', '只有演示模式（或读卡器设为 emulated）才有模拟读卡器');
    if (!tray) {
      tray = new DemoTray({ read: onRead, error: onReadError, today });
      publishStatus();
    }
    return tray;
  }

  async function listPorts(): Promise<PortView[]> {
    const ports: PortView[] = [];
    try {
      const { SerialPort } = await import('serialport');
      for (const p of await SerialPort.list()) {
        ports.push({ kind: 'serial', path: p.path, manufacturer: p.manufacturer, vendorId: p.vendorId, productId: p.productId });
      }
    } catch (e) {
      core.log.warn('serial port listing failed', { message: (e as Error).message });
    }
    try {
      const hid = await import('node-hid');
      for (const d of await hid.devicesAsync()) {
        if (d.path) ports.push({ kind: 'hid', path: d.path, manufacturer: d.manufacturer, product: d.product, vendorId: d.vendorId.toString(16).padStart(4, '0'), productId: d.productId.toString(16).padStart(4, '0') });
      }
    } catch (e) {
      core.log.warn('HID listing failed', { message: (e as Error).message });
    }
    return ports;
  }

  publishStatus();

  return {
    jobs: store,
    worker,
    profile,

    /** Create and start the durable print job of a receipt (a reprint, or outside a transaction). */
    printReceipt(settlementId: string, data: ReceiptData, o: { copy: boolean }): { jobId: number } {
      return { jobId: enqueue(settlementId, data, o.copy) };
    },

    /**
     * Write a receipt's job row inside the caller's transaction (the settlement's own), so the
     * settlement and its receipt commit together — one durable commit, and no crash window in
     * which a settlement exists without its receipt. Nothing reaches the printer until
     * `announce()` is called after the commit; a job rolled back with its settlement never prints.
     */
    queueReceipt(settlementId: string, data: ReceiptData, o: { copy: boolean; holdUntil?: Date }): { jobId: number; announce: () => void } {
      const { jobId, done } = insertReceiptJob(settlementId, data, o.copy, o.holdUntil);
      return { jobId, announce: () => announceJob(jobId, done) };
    },

    /**
     * A receipt held (queueReceipt with holdUntil) while the center's answer was awaited: write
     * its final form and print it now. False when it had already gone to the printer (its hold
     * ran out first); the caller then leaves it as printed.
     */
    releaseReceipt(jobId: number, data: ReceiptData): boolean {
      const receipt: ReceiptData = { ...data, copy: false };
      const done = printsAtOnce();
      if (!store.release(jobId, receipt, buildReceipt(receipt, profile), done)) return false;
      announceJob(jobId, done);
      return true;
    },

    /**
     * Print plain lines (the shift report) as a durable job; `name` identifies the document
     * (e.g. "shift-report:<id>"). The preview printer keeps it as done, as with receipts.
     */
    printLines(lines: string[], o: { title: string; name?: string }): { jobId: number } {
      const done = printsAtOnce();
      const jobId = store.enqueueDocument({
        name: o.name ?? `document:${o.title}`,
        title: o.title,
        lines,
        bytes: buildTextDocument(o.title, lines, profile),
        printer: printerState.name,
        profile: profile.id,
        state: done ? 'done' : 'queued',
      });
      core.events.emit('print.changed', { jobId, state: done ? 'done' : 'queued' });
      if (started && !done) void worker.runDue();
      return { jobId };
    },

    /**
     * Reprint a settlement's valid receipt (the corrected one after 更正, else the original) as a
     * copy; audited (who, when, which receipt).
     */
    reprint(settlementId: string, operatorId: string | null): { jobId: number } {
      const original = store.validReceiptFor(settlementId);
      if (!original) throw new AppError('RECEIPT_NOT_FOUND', `结算 ${settlementId} 没有小票可补打`, { settlementId });
      return core.db.transaction(() => {
        const jobId = enqueue(settlementId, original.receipt, true);
        core.audit.append({ action: 'device.reprint', operatorId, subject: settlementId, detail: { jobId, originalJobId: original.id } });
        return { jobId };
      })();
    },

    /** The latest receipt of a settlement as text lines (the on-screen preview). */
    receiptPreview(settlementId: string): string[] {
      const job = store.latestFor(settlementId);
      if (!job) throw new AppError('RECEIPT_NOT_FOUND', `结算 ${settlementId} 没有小票`, { settlementId });
      return renderReceiptText(job.receipt, PROFILES[job.profile]);
    },

    async list(): Promise<DeviceListView> {
      return {
        devices: core.status.get().devices,
        ports: await listPorts(),
        printer: printerState.name,
        profile: profile.id,
        emulated: emulated || core.demo,
      };
    },

    demoCards() {
      return ensureTray().cards();
    },

    demoInsert(index: number, credential?: DemoCredential): Promise<CardRead> {
      return ensureTray().insert(index, credential);
    },

    probePrinter: probePrinterNow,

    /** Demo only: the preview printer runs out of paper / gets paper again (the demo's switch). */
    setDemoPaperOut(out: boolean): { paperOut: boolean } {
      if (!core.demo || !isPreview()) {
        throw new AppError('NOT_DEMO', '只有演示模式的预览打印机才能模拟缺纸；真实打印机请直接取出或装入纸卷。');
      }
      previewPaperOut = out;
      if (out) setPrinter('paper-out', DEMO_PAPER_OUT);
      else setPrinter('ready');
      return { paperOut: out };
    },

    async retryPrints(): Promise<{ attempted: number }> {
      store.makeWaitingDue();
      return { attempted: await worker.runDue() };
    },

    /** Begin background work: open readers, start the print worker. */
    start(): void {
      if (started) return;
      started = true;
      const recovered = store.recoverInterrupted();
      if (recovered) core.log.warn('print jobs interrupted by a restart will be retried', { recovered });
      if (emulated || core.demo) ensureTray();
      else if (Array.isArray(readersSetting)) {
        readers = readersSetting.map((cfg) => new ManagedReader(cfg, { read: onRead, error: onReadError, stateChanged: publishStatus, today, log: (m, c) => core.log.info(m, c) }, opts.timing ?? DEFAULT_TIMING));
        for (const r of readers) void r.start();
      }
      publishStatus();
      worker.start();
      void worker.runDue();
      void probePrinterNow();
      probeTimer = setInterval(() => void probePrinterNow(), opts.printerProbeMs ?? 30_000);
      probeTimer.unref?.();
    },

    async close(): Promise<void> {
      if (probeTimer) clearInterval(probeTimer);
      await worker.stop();
      for (const r of readers) await r.close();
      readers = [];
      await tray?.close();
      tray = null;
    },
  };
}

export type DevicesPart = ReturnType<typeof createDevicesPart>;
