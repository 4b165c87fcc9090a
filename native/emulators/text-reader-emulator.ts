// A serial card / voucher reader in "read and send" mode: each swipe or scan is one line
// followed by the configured terminator. Faults: drop the terminator (a stalled scan), send
// line noise, or go silent.
import type { ByteLink } from '../link/byte-link';
import type { Terminator } from '../protocols/line-splitter';

export type TextReaderFault = 'none' | 'silence' | 'no-terminator' | 'garbage';

const TERMINATOR_BYTES: Record<Terminator, number[]> = { CR: [0x0d], LF: [0x0a], CRLF: [0x0d, 0x0a], ANY: [0x0d, 0x0a] };

export class TextReaderEmulator {
  fault: TextReaderFault = 'none';

  constructor(
    private readonly link: ByteLink,
    private readonly terminator: Terminator = 'CRLF',
  ) {}

  /** One swipe or scan producing `line`. */
  swipe(line: string): void {
    if (this.fault === 'silence' || !this.link.isOpen) return;
    if (this.fault === 'garbage') {
      this.link.write(Uint8Array.of(0xff, 0xfe, 0x00, 0x80, ...TERMINATOR_BYTES[this.terminator]));
      return;
    }
    const text = new TextEncoder().encode(line);
    const end = this.fault === 'no-terminator' ? [] : TERMINATOR_BYTES[this.terminator];
    this.link.write(Uint8Array.from([...text, ...end]));
  }
}
