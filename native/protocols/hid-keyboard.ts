// Decodes USB HID keyboard reports (8 bytes: modifiers, reserved, six usage codes) from a
// scanner in keyboard mode into lines of text. A key counts when it appears in a report and
// was not in the previous one (a held key is not repeated). Enter ends a line; a line left
// without Enter for `timeoutMs` is dropped with an error; the buffer is bounded.
import type { ParseError } from './result';

const LEFT_SHIFT = 0x02;
const RIGHT_SHIFT = 0x20;
const ENTER = 0x28;
const KEYPAD_ENTER = 0x58;

const UNSHIFTED: Record<number, string> = { 0x2c: ' ', 0x2d: '-', 0x2e: '=', 0x2f: '[', 0x30: ']', 0x33: ';', 0x34: "'", 0x36: ',', 0x37: '.', 0x38: '/' };
const SHIFTED: Record<number, string> = { 0x2c: ' ', 0x2d: '_', 0x2e: '+', 0x2f: '{', 0x30: '}', 0x33: ':', 0x34: '"', 0x36: '<', 0x37: '>', 0x38: '?' };
const SHIFTED_DIGITS = '!@#$%^&*(';

/** The character of one usage code, or null for keys we ignore (function keys, arrows…). */
export function usageToChar(usage: number, shift: boolean): string | null {
  if (usage >= 0x04 && usage <= 0x1d) {
    const c = String.fromCharCode(0x61 + usage - 0x04);
    return shift ? c.toUpperCase() : c;
  }
  if (usage >= 0x1e && usage <= 0x26) return shift ? SHIFTED_DIGITS[usage - 0x1e]! : String(usage - 0x1e + 1);
  if (usage === 0x27) return shift ? ')' : '0';
  return (shift ? SHIFTED : UNSHIFTED)[usage] ?? null;
}

export interface HidDecoderOptions {
  /** A scan without Enter for this long is dropped. */
  timeoutMs?: number;
  maxChars?: number;
}

export interface HidDecodeOutput {
  lines: string[];
  errors: ParseError[];
}

export class HidKeyboardDecoder {
  private prev = new Set<number>();
  private chars: string[] = [];
  private overflowed = false;
  private lastAt = 0;
  private readonly timeoutMs: number;
  private readonly maxChars: number;

  constructor(opts: HidDecoderOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 300;
    this.maxChars = opts.maxChars ?? 512;
  }

  /** One report received at `nowMs` (any monotonic milliseconds). */
  push(report: Uint8Array, nowMs: number): HidDecodeOutput {
    const out = this.tick(nowMs);
    // Some devices prefix a report id: accept 8 bytes, or 9 with a leading id.
    const r = report.length === 9 ? report.subarray(1) : report;
    if (r.length !== 8) {
      out.errors.push({ code: 'HID_REPORT_SIZE', message: `扫码枪发来的键盘报告长度异常（${report.length} 字节），已忽略`, details: { bytes: report.length } });
      return out;
    }
    const shift = (r[0]! & (LEFT_SHIFT | RIGHT_SHIFT)) !== 0;
    const now = new Set<number>();
    for (let i = 2; i < 8; i++) if (r[i]! !== 0) now.add(r[i]!);
    // 0x01 in every slot is the keyboard's "phantom" (rollover) state: no key information.
    if (now.has(0x01)) return out;
    for (const usage of now) {
      if (this.prev.has(usage)) continue;
      this.lastAt = nowMs;
      if (usage === ENTER || usage === KEYPAD_ENTER) {
        this.endLine(out);
        continue;
      }
      const c = usageToChar(usage, shift);
      if (c === null) continue;
      if (this.overflowed) continue;
      if (this.chars.length >= this.maxChars) {
        this.chars = [];
        this.overflowed = true;
        out.errors.push({ code: 'HID_LINE_TOO_LONG', message: `扫码内容超过 ${this.maxChars} 个字符仍无回车，已丢弃；请重新扫码`, details: { max: this.maxChars } });
        continue;
      }
      this.chars.push(c);
    }
    this.prev = now;
    return out;
  }

  /** Call on a timer: drops a scan that stalled without its Enter. */
  tick(nowMs: number): HidDecodeOutput {
    const out: HidDecodeOutput = { lines: [], errors: [] };
    if ((this.chars.length > 0 || this.overflowed) && nowMs - this.lastAt > this.timeoutMs) {
      const had = this.chars.length;
      this.chars = [];
      this.overflowed = false;
      this.prev = new Set();
      if (had > 0) out.errors.push({ code: 'HID_SCAN_TIMEOUT', message: '扫码没有以回车结束（超时），已丢弃；请重新扫码', details: { chars: had } });
    }
    return out;
  }

  pending(): number {
    return this.chars.length;
  }

  private endLine(out: HidDecodeOutput): void {
    if (this.overflowed) {
      this.overflowed = false;
      return;
    }
    if (this.chars.length > 0) out.lines.push(this.chars.join(''));
    this.chars = [];
  }
}

/** The reports a scanner sends for a text (key down, key up), for tests and emulators. */
export function encodeKeyboardReports(text: string, enter = true): Uint8Array[] {
  const reports: Uint8Array[] = [];
  const release = new Uint8Array(8);
  for (const ch of text) {
    const k = charToUsage(ch);
    if (!k) throw new RangeError(`no HID usage for ${JSON.stringify(ch)}`);
    reports.push(Uint8Array.of(k.shift ? LEFT_SHIFT : 0, 0, k.usage, 0, 0, 0, 0, 0), release);
  }
  if (enter) reports.push(Uint8Array.of(0, 0, ENTER, 0, 0, 0, 0, 0), release);
  return reports;
}

function charToUsage(ch: string): { usage: number; shift: boolean } | null {
  for (let u = 0x04; u <= 0x38; u++) {
    if (usageToChar(u, false) === ch) return { usage: u, shift: false };
    if (usageToChar(u, true) === ch) return { usage: u, shift: true };
  }
  return null;
}
