// Driver for a serial barcode scanner reading drug traceability codes (issue 17): one code per
// line (CR, LF or CRLF), handed on as text — the main process checks it (trace.check). A line
// left without terminator is dropped after a timeout; an over-long line is dropped by the splitter.
import type { ByteLink } from '../link/byte-link';
import { LineFeed } from './line-feed';
import type { ReaderDriver, ReaderEvents } from './reader';

export class TraceLineReader implements ReaderDriver {
  readonly id: string;
  private readonly feed: LineFeed;

  constructor(link: ByteLink, opts: { id: string; lineTimeoutMs?: number }, events: ReaderEvents) {
    this.id = opts.id;
    const timeoutMessage = '扫码数据没有结束符（扫码中断或超时），已丢弃；请重新扫码';
    this.feed = new LineFeed(link, { terminator: 'ANY', maxLineBytes: 256, lineTimeoutMs: opts.lineTimeoutMs ?? 500, timeoutMessage }, (e) => events.error(e), (line) => {
      const text = line.trim();
      if (text) events.scan?.(text);
    });
  }

  stop(): void {
    this.feed.stop();
  }
}
