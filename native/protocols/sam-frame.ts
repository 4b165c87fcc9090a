// Resident ID card reader, SAM serial protocol: framing and commands.
// Frame: preamble AA AA AA 96 69, length (2 bytes BE: everything after it, checksum included),
// body, checksum = XOR of the two length bytes and the body.
import type { ParseError } from './result';

export const SAM_PREAMBLE = Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69);
/** The longest answer we accept: 3 status + 4 lengths + 256 text + 1024 photo + fingerprint room. */
export const SAM_MAX_LENGTH = 4096;

export const SamCommand = {
  find: Uint8Array.of(0x20, 0x01),
  select: Uint8Array.of(0x20, 0x02),
  read: Uint8Array.of(0x30, 0x01),
} as const;

/** SW3 of an answer. */
export const SamStatus = {
  success: 0x90,
  found: 0x9f,
  findFailed: 0x80,
  selectFailed: 0x81,
  readFailed: 0x41,
} as const;

export function samChecksum(lenHi: number, lenLo: number, body: Uint8Array): number {
  let x = lenHi ^ lenLo;
  for (const b of body) x ^= b;
  return x & 0xff;
}

export function encodeSamFrame(body: Uint8Array): Uint8Array {
  const len = body.length + 1;
  if (len > SAM_MAX_LENGTH) throw new RangeError(`SAM frame body too long: ${body.length}`);
  const hi = (len >> 8) & 0xff;
  const lo = len & 0xff;
  const out = new Uint8Array(SAM_PREAMBLE.length + 2 + len);
  out.set(SAM_PREAMBLE, 0);
  out[5] = hi;
  out[6] = lo;
  out.set(body, 7);
  out[7 + body.length] = samChecksum(hi, lo, body);
  return out;
}

export interface SamDecodeOutput {
  bodies: Uint8Array[];
  errors: ParseError[];
}

/**
 * Finds frames in a byte stream. Garbage before a preamble is skipped, a bad length or
 * checksum is reported and the decoder resynchronises on the next preamble; the buffer
 * never holds more than one maximal frame.
 */
export class SamFrameDecoder {
  private buf = new Uint8Array(0);

  push(chunk: Uint8Array): SamDecodeOutput {
    const out: SamDecodeOutput = { bodies: [], errors: [] };
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf, 0);
    joined.set(chunk, this.buf.length);
    let pos = 0;
    for (;;) {
      const start = findPreamble(joined, pos);
      if (start < 0) {
        // Keep a tail that could be the start of a preamble split across chunks.
        pos = Math.max(pos, joined.length - (SAM_PREAMBLE.length - 1));
        break;
      }
      if (joined.length - start < 7) {
        pos = start;
        break;
      }
      const len = (joined[start + 5]! << 8) | joined[start + 6]!;
      if (len < 2 || len > SAM_MAX_LENGTH) {
        out.errors.push({ code: 'IDCARD_FRAME_LENGTH', message: `身份证读卡器帧长度无效（${len}）；已丢弃，请重新放卡`, details: { len } });
        pos = start + 1;
        continue;
      }
      const end = start + 7 + len;
      if (joined.length < end) {
        pos = start;
        break;
      }
      const body = joined.slice(start + 7, end - 1);
      const sum = joined[end - 1]!;
      if (samChecksum(joined[start + 5]!, joined[start + 6]!, body) !== sum) {
        out.errors.push({ code: 'IDCARD_CHECKSUM', message: '身份证读卡器数据校验失败（线路干扰或读卡器故障）；请重新放卡' });
        pos = start + 1;
        continue;
      }
      out.bodies.push(body);
      pos = end;
    }
    this.buf = joined.slice(Math.min(pos, joined.length));
    if (this.buf.length > SAM_MAX_LENGTH + 16) this.buf = this.buf.slice(this.buf.length - (SAM_PREAMBLE.length - 1));
    return out;
  }

  reset(): void {
    this.buf = new Uint8Array(0);
  }

  /** Bytes held while waiting for the rest of a frame. */
  pending(): number {
    return this.buf.length;
  }
}

function findPreamble(b: Uint8Array, from: number): number {
  outer: for (let i = from; i + SAM_PREAMBLE.length <= b.length; i++) {
    for (let j = 0; j < SAM_PREAMBLE.length; j++) if (b[i + j] !== SAM_PREAMBLE[j]) continue outer;
    return i;
  }
  return -1;
}

export interface SamAnswer {
  sw1: number;
  sw2: number;
  sw3: number;
  data: Uint8Array;
}

/** An answer body: SW1 SW2 SW3 then data. */
export function parseSamAnswer(body: Uint8Array): { ok: true; value: SamAnswer } | { ok: false; error: ParseError } {
  if (body.length < 3) {
    return { ok: false, error: { code: 'IDCARD_ANSWER_SHORT', message: '身份证读卡器应答过短；请重新放卡' } };
  }
  return { ok: true, value: { sw1: body[0]!, sw2: body[1]!, sw3: body[2]!, data: body.slice(3) } };
}
