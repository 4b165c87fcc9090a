// A pure ESC/POS command builder: bytes out, no I/O. Text goes out in GB18030 with the
// printer in Chinese (double-byte) mode; sending UTF-8 is what garbles Chinese receipts.
import iconv from 'iconv-lite';
import type { PrinterProfile } from './profiles';

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const LF = 0x0a;

export type Align = 'left' | 'center' | 'right';
const ALIGN_CODE: Record<Align, number> = { left: 0, center: 1, right: 2 };

/** QR error correction levels (function 169 values 48..51). */
export type QrLevel = 'L' | 'M' | 'Q' | 'H';
const QR_LEVEL: Record<QrLevel, number> = { L: 48, M: 49, Q: 50, H: 51 };
/** Model 2 QR holds at most 7089 numeric / 2953 bytes; we refuse more up front. */
export const QR_MAX_BYTES = 2953;

export function encodeGb18030(text: string): Uint8Array {
  return new Uint8Array(iconv.encode(text, 'gb18030'));
}

export class EscPosBuilder {
  private readonly chunks: number[] = [];

  constructor(readonly profile: PrinterProfile) {}

  private raw(...bytes: number[]): this {
    for (const b of bytes) this.chunks.push(b & 0xff);
    return this;
  }

  private rawBytes(bytes: Uint8Array): this {
    for (const b of bytes) this.chunks.push(b);
    return this;
  }

  /** ESC @ then FS &: reset and enter double-byte (Chinese) mode. */
  init(): this {
    return this.raw(ESC, 0x40, FS, 0x26);
  }

  chineseMode(on: boolean): this {
    return on ? this.raw(FS, 0x26) : this.raw(FS, 0x2e);
  }

  align(a: Align): this {
    return this.raw(ESC, 0x61, ALIGN_CODE[a]);
  }

  bold(on: boolean): this {
    return this.raw(ESC, 0x45, on ? 1 : 0);
  }

  /** Width and height multipliers 1..8 (GS ! n: width in the high nibble). */
  size(width: number, height: number): this {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || width > 8 || height < 1 || height > 8) {
      throw new RangeError(`character size out of range: ${width}x${height}`);
    }
    return this.raw(GS, 0x21, ((width - 1) << 4) | (height - 1));
  }

  /** Text without line feed. Control characters are removed so text cannot smuggle commands. */
  text(s: string): this {
    return this.rawBytes(encodeGb18030(s.replace(/[\u0000-\u001f\u007f]/g, '')));
  }

  line(s = ''): this {
    return this.text(s).raw(LF);
  }

  /** ESC d n: print and feed n lines. */
  feed(n: number): this {
    return this.raw(ESC, 0x64, Math.max(0, Math.min(255, Math.trunc(n))));
  }

  /** GS ( k: model 2, module size, error correction, store (length = encoded bytes + 3), print. */
  qr(data: string, level: QrLevel = 'M', moduleSize = this.profile.qrModuleSize): this {
    const bytes = new TextEncoder().encode(data);
    if (bytes.length === 0 || bytes.length > QR_MAX_BYTES) throw new RangeError(`QR data must be 1..${QR_MAX_BYTES} bytes, got ${bytes.length}`);
    const storeLen = bytes.length + 3;
    this.raw(GS, 0x28, 0x6b, 4, 0, 0x31, 0x41, 0x32, 0x00);
    this.raw(GS, 0x28, 0x6b, 3, 0, 0x31, 0x43, Math.max(1, Math.min(16, moduleSize)));
    this.raw(GS, 0x28, 0x6b, 3, 0, 0x31, 0x45, QR_LEVEL[level]);
    this.raw(GS, 0x28, 0x6b, storeLen & 0xff, storeLen >> 8, 0x31, 0x50, 0x30).rawBytes(bytes);
    return this.raw(GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30);
  }

  /** GS V 66 n: feed n dots then partial cut. */
  cut(feedDots = 0): this {
    return this.raw(GS, 0x56, 66, Math.max(0, Math.min(255, feedDots)));
  }

  /** ESC p m t1 t2: pulse the cash drawer on pin m (0 or 1). */
  drawerKick(pin: 0 | 1 = 0, onMs = 50, offMs = 500): this {
    return this.raw(ESC, 0x70, pin, Math.min(255, Math.round(onMs / 2)), Math.min(255, Math.round(offMs / 2)));
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

/** DLE EOT n: the real-time status request (1 printer, 2 offline cause, 4 paper). */
export function statusRequest(n: 1 | 2 | 4): Uint8Array {
  return Uint8Array.of(0x10, 0x04, n);
}
