// What the line-per-read drivers (text-line: card text, voucher, card number; trace-line: drug
// traceability codes) share: the link's bytes split into lines, each handed on; a partial line
// left without its terminator is dropped after a timeout and reported in the driver's words.
import type { ByteLink } from '../link/byte-link';
import { LineSplitter, type Terminator } from '../protocols/line-splitter';
import type { ParseError } from '../protocols/result';

export interface LineFeedOptions {
  terminator: Terminator;
  maxLineBytes: number;
  /** A partial line older than this is dropped as a stalled read. */
  lineTimeoutMs: number;
  /** What the stalled read is called to the person at the window (READ_TIMEOUT's message). */
  timeoutMessage: string;
}

export class LineFeed {
  private readonly splitter: LineSplitter;
  private readonly off: () => void;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    link: ByteLink,
    private readonly opts: LineFeedOptions,
    private readonly onError: (err: ParseError) => void,
    private readonly onLine: (line: string) => void,
  ) {
    this.splitter = new LineSplitter({ terminator: opts.terminator, maxLineBytes: opts.maxLineBytes });
    this.off = link.onData((b) => this.onBytes(b));
  }

  private onBytes(b: Uint8Array): void {
    const { lines, errors } = this.splitter.push(b);
    for (const e of errors) this.onError(e);
    for (const line of lines) this.onLine(line);
    this.armTimeout();
  }

  private armTimeout(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.splitter.pending() === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.splitter.pending() === 0) return;
      this.splitter.reset();
      this.onError({ code: 'READ_TIMEOUT', message: this.opts.timeoutMessage });
    }, this.opts.lineTimeoutMs);
  }

  stop(): void {
    this.off();
    if (this.timer) clearTimeout(this.timer);
  }
}
