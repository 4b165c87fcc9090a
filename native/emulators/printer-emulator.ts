// A receipt printer on the far end of a link: decodes the ESC/POS it receives back into
// lines and commands (the "paper"), answers DLE EOT status requests, and can be put out of
// paper, offline, cover open, or silent. With no paper it prints nothing, like a real one.
import type { ByteLink } from '../link/byte-link';
import { EscPosDecoder, type EscPosOp } from '../escpos/decoder';
import { encodePrinterStatus, type PrinterStatus } from '../escpos/status';

export interface PrintedReceipt {
  ops: EscPosOp[];
  lines: string[];
}

export class PrinterEmulator {
  readonly status: PrinterStatus = { online: true, coverOpen: false, paperEnd: false, paperNearEnd: false, error: false };
  /** Does not answer status requests (a printer without DLE EOT, or a dead line). */
  silent = false;
  /** Every receipt cut off, in order. */
  readonly receipts: PrintedReceipt[] = [];
  /** Ops since the last cut. */
  private current: EscPosOp[] = [];
  readonly statusRequests: number[] = [];
  /** Called for every receipt cut off (the TCP server gathers them across connections). */
  onReceipt: ((r: PrintedReceipt) => void) | null = null;
  private readonly decoder = new EscPosDecoder();
  private readonly off: () => void;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly link: ByteLink) {
    this.off = link.onData((b) => this.onBytes(b));
  }

  setPaperOut(out: boolean): void {
    this.status.paperEnd = out;
  }

  setOnline(online: boolean): void {
    this.status.online = online;
  }

  /** Resolves when `n` receipts have been cut. */
  waitForReceipts(n: number): Promise<void> {
    if (this.receipts.length >= n) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.receipts.length >= n) resolve();
        else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  stop(): void {
    this.off();
  }

  private onBytes(b: Uint8Array): void {
    for (const op of this.decoder.push(b)) {
      if (op.op === 'status-request') {
        this.statusRequests.push(op.n);
        if (!this.silent && this.link.isOpen) this.link.write(Uint8Array.of(encodePrinterStatus(op.n, this.status)));
        continue;
      }
      // Out of paper, offline or cover open: the data is lost, nothing comes out.
      if (!this.status.online || this.status.paperEnd || this.status.coverOpen) continue;
      this.current.push(op);
      if (op.op === 'cut') {
        const ops = this.current;
        this.current = [];
        const receipt = { ops, lines: ops.flatMap((o) => (o.op === 'line' ? [o.text] : o.op === 'qr-store' ? [`[二维码：${o.data}]`] : [])) };
        this.receipts.push(receipt);
        this.onReceipt?.(receipt);
        for (const w of this.waiters.splice(0)) w();
      }
    }
  }
}
