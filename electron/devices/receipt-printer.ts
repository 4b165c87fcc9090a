// The receipt printer as a device: its setting, its state as the status bar shows it, and the
// one conversation at a time with it (a status probe and a print job must not both open the
// exclusively locked serial port, or interleave on one TCP printer). Printing jobs is the print
// worker's; what a job holds is receipt-jobs.ts's; the demo's paper switch is demo-switches.ts's.
import type { DeviceState } from '../api/contract/system';
import { AppError } from '../api/result';
import { parsePrinterSpec, printerSpecText, type PrinterSpec } from '../../native/printers/printer-spec';
import { probePrinter, sendToPrinter, statusError, type PrintOutcome } from '../../native/printers/transport';
import type { PrintAttemptResult } from './print-worker';

export const PRINTER_ID = 'receipt-printer';
const PAPER_NEAR_END = '小票纸即将用完，请准备换纸';

export type SendToPrinter = (spec: PrinterSpec, bytes: Uint8Array) => Promise<PrintOutcome>;

export interface ReceiptPrinterOptions {
  /** How a job reaches the printer (default: the real transports of native/printers). */
  send?: SendToPrinter;
  /** The printer's state changed (the devices part publishes the status). */
  changed(): void;
  /** Refuses a job before it is sent (the demo preview printer "out of paper"). */
  refuse?(): AppError | null;
}

export class ReceiptPrinter {
  /** Null when the setting is bad: the printer then shows as 'error' and jobs wait. */
  readonly spec: PrinterSpec | null;
  private current: DeviceState;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly sendRaw: SendToPrinter;

  constructor(
    private readonly setting: string,
    private readonly opts: ReceiptPrinterOptions,
  ) {
    this.sendRaw = opts.send ?? ((spec, bytes) => sendToPrinter(spec, bytes));
    // A bad printer setting must not stop the app.
    let spec: PrinterSpec | null = null;
    let state: DeviceState = { id: PRINTER_ID, kind: 'printer', name: setting, state: 'ready' };
    try {
      spec = parsePrinterSpec(setting);
      state = { id: PRINTER_ID, kind: 'printer', name: printerSpecText(spec), state: 'ready' };
    } catch (e) {
      state = { ...state, state: 'error', detail: (e as Error).message };
    }
    this.spec = spec;
    this.current = state;
  }

  get state(): DeviceState {
    return this.current;
  }

  /** The printer's name as jobs record it (the spec's text, or the bad setting as given). */
  get name(): string {
    return this.current.name;
  }

  /** The preview "printer" (demo and tests): a job is done the moment it is written. */
  get isPreview(): boolean {
    return this.spec?.kind === 'preview';
  }

  setState(state: DeviceState['state'], detail?: string): void {
    this.current = detail ? { ...this.current, state, detail } : { id: this.current.id, kind: 'printer', name: this.current.name, state };
    this.opts.changed();
  }

  /** Send one job's bytes; throws an AppError (PRINTER_*) when it could not be printed. */
  async print(bytes: Uint8Array): Promise<PrintAttemptResult> {
    const spec = this.spec;
    if (!spec) throw new AppError('PRINTER_SPEC_INVALID', `打印机设置无效：${this.setting}`);
    const refused = this.opts.refuse?.();
    if (refused) throw refused;
    const outcome = await this.exclusive(() => this.sendRaw(spec, bytes));
    return { printer: printerSpecText(spec), paperNearEnd: outcome.status?.paperNearEnd ?? false };
  }

  /** What the print worker learnt from a job: the printer worked, or failed with this code. */
  health(ok: boolean, code?: string, message?: string, paperNearEnd?: boolean): void {
    if (ok) this.setState(paperNearEnd ? 'paper-near-end' : 'ready', paperNearEnd ? PAPER_NEAR_END : undefined);
    else if (code === 'PRINTER_OUT_OF_PAPER') this.setState('paper-out', message);
    else if (code === 'PRINTER_SPEC_INVALID') this.setState('error', message);
    else this.setState('offline', message);
  }

  /**
   * Ask the printer for its status (DLE EOT) and show it; a printer that does not answer
   * (file, many USB ones) keeps its last known state. Waits for a job being printed.
   */
  async probe(): Promise<DeviceState> {
    const spec = this.spec;
    if (!spec || spec.kind === 'preview' || spec.kind === 'file') return this.current;
    try {
      const s = await this.exclusive(() => probePrinter(spec));
      if (s) {
        const err = statusError(s);
        if (!err) this.setState(s.paperNearEnd ? 'paper-near-end' : 'ready', s.paperNearEnd ? PAPER_NEAR_END : undefined);
        else this.setState(err.code === 'PRINTER_OUT_OF_PAPER' ? 'paper-out' : err.code === 'PRINTER_ERROR' ? 'error' : 'offline', err.message);
      }
    } catch (e) {
      this.setState('offline', e instanceof Error ? e.message : String(e));
    }
    return this.current;
  }

  /** One conversation with the printer at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
