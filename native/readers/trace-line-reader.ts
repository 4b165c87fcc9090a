// Driver for a serial barcode scanner reading drug traceability codes (issue 17): one code per
// line (CR, LF or CRLF), handed on as text — the main process checks it (trace.check). A line
// left without terminator is dropped after a timeout; an over-long line is dropped by the splitter.
import type { ByteLink } from '../link/byte-link';
import { LineSplitter } from '../protocols/line-splitter';
import type { ReaderDriver, ReaderEvents } from './reader';

export class TraceLineReader implements ReaderDriver {
  readonly id: string;
  private readonly splitter = new LineSplitter({ terminator: 'ANY', maxLineBytes: 256 });
  private readonly off: () => void;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    link: ByteLink,
    opts: { id: string; lineTimeoutMs?: number },
    private readonly events: ReaderEvents,
    private readonly lineTimeoutMs = opts.lineTimeoutMs ?? 500,
  ) {
    this.id = opts.id;
    this.off = link.onData((b) => this.onBytes(b));
  }

  private onBytes(b: Uint8Array): void {
    const { lines, errors } = this.splitter.push(b);
    for (const e of errors) this.events.error(e);
    for (const line of lines) {
      const text = line.trim();
      if (text) this.events.scan?.(text);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.splitter.pending() === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.splitter.pending() === 0) return;
      this.splitter.reset();
      this.events.error({ code: 'READ_TIMEOUT', message: '扫码数据没有结束符（扫码中断或超时），已丢弃；请重新扫码' });
    }, this.lineTimeoutMs);
  }

  stop(): void {
    this.off();
    if (this.timer) clearTimeout(this.timer);
  }
}
