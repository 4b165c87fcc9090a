// Decodes an ESC/POS byte stream back into lines of text and commands: what the printer
// emulator "prints", and how tests read a receipt. Streaming and bounded: an incomplete
// command at the end of a chunk waits for the next chunk; nothing is held beyond MAX_HELD.
import iconv from 'iconv-lite';

export type EscPosOp =
  | { op: 'init' }
  | { op: 'chinese'; on: boolean }
  | { op: 'align'; value: 'left' | 'center' | 'right' }
  | { op: 'bold'; on: boolean }
  | { op: 'size'; width: number; height: number }
  | { op: 'feed'; lines: number }
  | { op: 'line'; text: string }
  | { op: 'qr-model'; model: number }
  | { op: 'qr-size'; size: number }
  | { op: 'qr-level'; level: string }
  | { op: 'qr-store'; data: string; bytes: number }
  | { op: 'qr-print' }
  | { op: 'cut'; mode: number; feed: number }
  | { op: 'drawer'; pin: number; on: number; off: number }
  | { op: 'status-request'; n: number }
  | { op: 'unknown'; bytes: number[] };

const MAX_HELD = 8192;
const MAX_LINE = 4096;
const ALIGNS = ['left', 'center', 'right'] as const;
const QR_LEVELS: Record<number, string> = { 48: 'L', 49: 'M', 50: 'Q', 51: 'H' };

export class EscPosDecoder {
  private held: number[] = [];
  private text: number[] = [];
  private chinese = false;

  /** Decode what is complete; keep an incomplete trailing command for the next chunk. */
  push(chunk: Uint8Array): EscPosOp[] {
    const ops: EscPosOp[] = [];
    const b = this.held.length ? Uint8Array.from([...this.held, ...chunk]) : chunk;
    this.held = [];
    let i = 0;
    while (i < b.length) {
      const used = this.step(b, i, ops);
      if (used === 0) {
        // Incomplete command: hold it (bounded) until more bytes come.
        const rest = b.subarray(i);
        if (rest.length > MAX_HELD) {
          ops.push({ op: 'unknown', bytes: [...rest.subarray(0, 8)] });
          i += 1;
          continue;
        }
        this.held = [...rest];
        break;
      }
      i += used;
    }
    return ops;
  }

  /** Text that was sent without a final line feed. */
  flush(): EscPosOp[] {
    const ops: EscPosOp[] = [];
    this.flushText(ops);
    if (this.held.length) ops.push({ op: 'unknown', bytes: this.held.splice(0) });
    return ops;
  }

  private flushText(ops: EscPosOp[]): void {
    if (this.text.length === 0) return;
    const bytes = Uint8Array.from(this.text);
    this.text = [];
    ops.push({ op: 'line', text: this.chinese ? iconv.decode(bytes as Buffer, 'gb18030') : latin1(bytes) });
  }

  /** Bytes consumed at i, or 0 when the command there is not complete yet. */
  private step(b: Uint8Array, i: number, ops: EscPosOp[]): number {
    const c = b[i]!;
    const need = (n: number) => i + n <= b.length;
    if (c === 0x0a) {
      if (this.text.length === 0) ops.push({ op: 'line', text: '' });
      else this.flushText(ops);
      return 1;
    }
    if (c === 0x1b) {
      if (!need(2)) return 0;
      const k = b[i + 1]!;
      if (k === 0x40) {
        this.flushText(ops);
        this.chinese = false;
        ops.push({ op: 'init' });
        return 2;
      }
      if (k === 0x61 || k === 0x45 || k === 0x64) {
        if (!need(3)) return 0;
        const n = b[i + 2]!;
        if (k === 0x61) ops.push({ op: 'align', value: ALIGNS[n % 48] ?? 'left' });
        else if (k === 0x45) ops.push({ op: 'bold', on: (n & 1) === 1 });
        else {
          this.flushText(ops);
          ops.push({ op: 'feed', lines: n });
        }
        return 3;
      }
      if (k === 0x70) {
        if (!need(5)) return 0;
        ops.push({ op: 'drawer', pin: b[i + 2]! & 1, on: b[i + 3]! * 2, off: b[i + 4]! * 2 });
        return 5;
      }
      ops.push({ op: 'unknown', bytes: [c, k] });
      return 2;
    }
    if (c === 0x1c) {
      if (!need(2)) return 0;
      const k = b[i + 1]!;
      if (k === 0x26 || k === 0x2e) {
        this.flushText(ops);
        this.chinese = k === 0x26;
        ops.push({ op: 'chinese', on: this.chinese });
        return 2;
      }
      ops.push({ op: 'unknown', bytes: [c, k] });
      return 2;
    }
    if (c === 0x10) {
      if (!need(3)) return 0;
      if (b[i + 1] === 0x04) {
        ops.push({ op: 'status-request', n: b[i + 2]! });
        return 3;
      }
      ops.push({ op: 'unknown', bytes: [c] });
      return 1;
    }
    if (c === 0x1d) return this.gs(b, i, ops);
    if (c < 0x20 || c === 0x7f) {
      ops.push({ op: 'unknown', bytes: [c] });
      return 1;
    }
    if (this.text.length >= MAX_LINE) this.flushText(ops);
    // A GB18030 lead byte and its trail bytes stay together; they are all >= 0x30.
    this.text.push(c);
    return 1;
  }

  private gs(b: Uint8Array, i: number, ops: EscPosOp[]): number {
    const need = (n: number) => i + n <= b.length;
    if (!need(2)) return 0;
    const k = b[i + 1]!;
    if (k === 0x21) {
      if (!need(3)) return 0;
      const n = b[i + 2]!;
      ops.push({ op: 'size', width: (n >> 4) + 1, height: (n & 0x0f) + 1 });
      return 3;
    }
    if (k === 0x56) {
      if (!need(3)) return 0;
      const m = b[i + 2]!;
      if (m === 65 || m === 66) {
        if (!need(4)) return 0;
        this.flushText(ops);
        ops.push({ op: 'cut', mode: m, feed: b[i + 3]! });
        return 4;
      }
      this.flushText(ops);
      ops.push({ op: 'cut', mode: m, feed: 0 });
      return 3;
    }
    if (k === 0x28 && need(3) && b[i + 2] === 0x6b) {
      if (!need(5)) return 0;
      const len = b[i + 3]! | (b[i + 4]! << 8);
      if (len < 2) {
        ops.push({ op: 'unknown', bytes: [...b.subarray(i, i + 5)] });
        return 5;
      }
      if (!need(5 + len)) return 0;
      const cn = b[i + 5]!;
      const fn = b[i + 6]!;
      const params = b.subarray(i + 7, i + 5 + len);
      if (cn !== 0x31) ops.push({ op: 'unknown', bytes: [...b.subarray(i, i + 7)] });
      else if (fn === 0x41) ops.push({ op: 'qr-model', model: (params[0] ?? 0x32) - 0x30 });
      else if (fn === 0x43) ops.push({ op: 'qr-size', size: params[0] ?? 0 });
      else if (fn === 0x45) ops.push({ op: 'qr-level', level: QR_LEVELS[params[0] ?? 0] ?? '?' });
      else if (fn === 0x50) {
        const data = params.subarray(1);
        ops.push({ op: 'qr-store', data: new TextDecoder().decode(data), bytes: data.length });
      } else if (fn === 0x51) {
        this.flushText(ops);
        ops.push({ op: 'qr-print' });
      } else ops.push({ op: 'unknown', bytes: [...b.subarray(i, i + 7)] });
      return 5 + len;
    }
    if (k === 0x28 && !need(3)) return 0;
    ops.push({ op: 'unknown', bytes: [0x1d, k] });
    return 2;
  }
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return s;
}

/** Decode a whole byte string at once. */
export function decodeEscPos(bytes: Uint8Array): EscPosOp[] {
  const d = new EscPosDecoder();
  return [...d.push(bytes), ...d.flush()];
}

/** One readable line per op: the golden text form of a receipt. */
export function opsToTrace(ops: EscPosOp[]): string[] {
  return ops.map((o) => {
    switch (o.op) {
      case 'line':
        return `| ${o.text}`;
      case 'unknown':
        return `? ${o.bytes.map((x) => x.toString(16).padStart(2, '0')).join(' ')}`;
      default: {
        const { op, ...rest } = o;
        const args = Object.entries(rest).map(([k, v]) => `${k}=${String(v)}`).join(' ');
        return args ? `${op.toUpperCase()} ${args}` : op.toUpperCase();
      }
    }
  });
}

/** Only the printed text lines (what the paper shows, without commands). */
export function opsToLines(ops: EscPosOp[]): string[] {
  return ops.flatMap((o) => (o.op === 'line' ? [o.text] : o.op === 'qr-store' ? [`[二维码：${o.data}]`] : []));
}
