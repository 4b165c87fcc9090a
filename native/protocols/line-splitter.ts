// Splits a serial byte stream into lines, one read per line. The buffer is bounded: a
// device that never sends its terminator costs at most `maxLineBytes`, then the partial
// line is dropped with an error and the splitter resynchronises on the next terminator.
// Empty lines are ignored (a CRLF scanner seen by an "any" splitter yields no ghost reads).
import type { ParseError } from './result';

/** CR, LF, CR LF, or either CR or LF. */
export type Terminator = 'CR' | 'LF' | 'CRLF' | 'ANY';

export interface LineSplitterOptions {
  terminator?: Terminator;
  maxLineBytes?: number;
}

export interface SplitOutput {
  lines: string[];
  errors: ParseError[];
}

const CR = 0x0d;
const LF = 0x0a;

export class LineSplitter {
  private buf: number[] = [];
  /** True after an overflow: bytes are dropped until the next terminator. */
  private skipping = false;
  /** CRLF mode: a CR seen, waiting to know whether an LF follows. */
  private heldCr = false;
  private readonly terminator: Terminator;
  private readonly max: number;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(opts: LineSplitterOptions = {}) {
    this.terminator = opts.terminator ?? 'ANY';
    this.max = opts.maxLineBytes ?? 1024;
  }

  push(chunk: Uint8Array): SplitOutput {
    const out: SplitOutput = { lines: [], errors: [] };
    for (const b of chunk) {
      if (this.terminator === 'CRLF') {
        if (this.heldCr) {
          this.heldCr = false;
          if (b === LF) {
            this.endLine(out);
            continue;
          }
          this.addByte(CR, out);
        }
        if (b === CR) {
          this.heldCr = true;
          continue;
        }
        this.addByte(b, out);
        continue;
      }
      const isEnd =
        this.terminator === 'CR' ? b === CR : this.terminator === 'LF' ? b === LF : b === CR || b === LF;
      if (isEnd) this.endLine(out);
      else this.addByte(b, out);
    }
    return out;
  }

  /** Bytes waiting for their terminator (for the silence timeout). */
  pending(): number {
    return this.buf.length + (this.heldCr ? 1 : 0);
  }

  /** Drop a partial line (a read that timed out without its terminator). */
  reset(): void {
    this.buf = [];
    this.skipping = false;
    this.heldCr = false;
  }

  private addByte(b: number, out: SplitOutput): void {
    if (this.skipping) return;
    if (this.buf.length >= this.max) {
      this.buf = [];
      this.skipping = true;
      out.errors.push({
        code: 'LINE_TOO_LONG',
        message: `读卡器发来的一行超过 ${this.max} 字节仍无结束符，已丢弃；请重新刷卡`,
        details: { max: this.max },
      });
      return;
    }
    this.buf.push(b);
  }

  private endLine(out: SplitOutput): void {
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    if (this.buf.length === 0) return;
    const bytes = Uint8Array.from(this.buf);
    this.buf = [];
    try {
      out.lines.push(this.decoder.decode(bytes));
    } catch {
      out.errors.push({ code: 'LINE_NOT_TEXT', message: '读卡器发来的数据不是有效文本（UTF-8），已丢弃；请检查读卡器的输出编码设置' });
    }
  }
}
