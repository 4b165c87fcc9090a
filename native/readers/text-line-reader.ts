// Driver for readers that send one line per read (social security card text, e-voucher
// scanner, card number). A line left without terminator is dropped after a timeout.
import type { ByteLink } from '../link/byte-link';
import type { CardData } from '../protocols/card-read';
import type { Terminator } from '../protocols/line-splitter';
import type { ParseResult } from '../protocols/result';
import { parseSscText } from '../protocols/ssc-text';
import { parseCardNumberLine, parseVoucherLine } from '../protocols/voucher-line';
import { LineFeed } from './line-feed';
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
  private readonly feed: LineFeed;

  constructor(link: ByteLink, opts: TextLineReaderOptions, events: ReaderEvents) {
    this.id = opts.id;
    const timeoutMessage = '读卡数据没有结束符（读卡中断或超时），已丢弃；请重新刷卡';
    this.feed = new LineFeed(link, { terminator: opts.terminator ?? 'ANY', maxLineBytes: 1024, lineTimeoutMs: opts.lineTimeoutMs ?? 500, timeoutMessage }, (e) => events.error(e), (line) => {
      const r = parseLineFor(opts.protocol, line, opts.today());
      if (r.ok) events.read({ ...r.value, source: this.id });
      else events.error(r.error);
    });
  }

  stop(): void {
    this.feed.stop();
  }
}
