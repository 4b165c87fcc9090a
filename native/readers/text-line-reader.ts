// Driver for readers that send one line per read (social security card text, e-voucher
// scanner, card number). A line left without terminator is dropped after a timeout.
import type { ByteLink } from '../link/byte-link';
import type { CardData } from '../protocols/card-read';
import { LineSplitter, type Terminator } from '../protocols/line-splitter';
import type { ParseResult } from '../protocols/result';
import { parseSscText } from '../protocols/ssc-text';
import { parseCardNumberLine, parseVoucherLine } from '../protocols/voucher-line';
import type { ReaderDriver, ReaderEvents } from './reader';

export interface TextLineReaderOptions {
  id: string;
  protocol: 'ssc-text' | 'voucher-line' | 'number-line';
  terminator?: Terminator;
  /** A partial line older than this is dropped as a stalled read. */
  lineTimeoutMs?: number;
  /** Today as yyyy-MM-dd (from the app clock) for the card expiry check. */
  today: () => string;
}

export function parseLineFor(protocol: TextLineReaderOptions['protocol'], line: string, today: string): ParseResult<CardData> {
  switch (protocol) {
    case 'ssc-text':
      return parseSscText(line, today);
    case 'voucher-line':
      return parseVoucherLine(line);
    case 'number-line':
      return parseCardNumberLine(line);
  }
}

export class TextLineReader implements ReaderDriver {
  readonly id: string;
  private readonly splitter: LineSplitter;
  private readonly off: () => void;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    link: ByteLink,
    private readonly opts: TextLineReaderOptions,
    private readonly events: ReaderEvents,
  ) {
    this.id = opts.id;
    this.splitter = new LineSplitter({ terminator: opts.terminator ?? 'ANY', maxLineBytes: 1024 });
    this.off = link.onData((b) => this.onBytes(b));
  }

  private onBytes(b: Uint8Array): void {
    const { lines, errors } = this.splitter.push(b);
    for (const e of errors) this.events.error(e);
    for (const line of lines) {
      const r = parseLineFor(this.opts.protocol, line, this.opts.today());
      if (r.ok) this.events.read({ ...r.value, source: this.id });
      else this.events.error(r.error);
    }
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
      this.events.error({ code: 'READ_TIMEOUT', message: '读卡数据没有结束符（读卡中断或超时），已丢弃；请重新刷卡' });
    }, this.opts.lineTimeoutMs ?? 500);
  }

  stop(): void {
    this.off();
    if (this.timer) clearTimeout(this.timer);
  }
}
