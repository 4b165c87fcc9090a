// An honest resident ID card reader (SAM protocol) on the far end of a link: answers find,
// select and read with real frames. A card can be placed and removed; it can be told to
// fail (no answer, bad checksum, read failure) to exercise the driver.
import type { ByteLink } from '../link/byte-link';
import { encodeIdCardReadData, type IdCardText } from '../protocols/idcard-text';
import { SamFrameDecoder, SamStatus, encodeSamFrame } from '../protocols/sam-frame';

export type IdCardFault = 'none' | 'silence' | 'bad-checksum' | 'read-fail' | 'garbage';

export class IdCardReaderEmulator {
  private card: Partial<IdCardText> | null = null;
  private selected = false;
  private readonly decoder = new SamFrameDecoder();
  private readonly off: () => void;
  fault: IdCardFault = 'none';
  /** Commands received (for tests: the driver really polls). */
  readonly received: string[] = [];
  private commandWaiters: ((cmd: string) => void)[] = [];

  constructor(private readonly link: ByteLink) {
    this.off = link.onData((b) => this.onBytes(b));
  }

  place(card: Partial<IdCardText>): void {
    this.card = card;
    this.selected = false;
  }

  remove(): void {
    this.card = null;
    this.selected = false;
  }

  get hasCard(): boolean {
    return this.card !== null;
  }

  /** Resolves with the next command the driver sends (e.g. '2001' for find). */
  nextCommand(): Promise<string> {
    return new Promise((resolve) => this.commandWaiters.push(resolve));
  }

  stop(): void {
    this.off();
    for (const w of this.commandWaiters.splice(0)) w('');
  }

  private onBytes(b: Uint8Array): void {
    const { bodies } = this.decoder.push(b);
    for (const body of bodies) this.answer(body);
  }

  private answer(body: Uint8Array): void {
    const cmd = ((body[0] ?? 0) << 8) | (body[1] ?? 0);
    this.received.push(cmd.toString(16));
    for (const w of this.commandWaiters.splice(0)) w(cmd.toString(16));
    if (this.fault === 'silence') return;
    if (this.fault === 'garbage') {
      this.link.write(Uint8Array.of(0x00, 0xff, 0x13, 0x37, 0xaa, 0xaa));
      return;
    }
    switch (cmd) {
      case 0x2001:
        return this.send(this.card ? SamStatus.found : SamStatus.findFailed);
      case 0x2002:
        if (!this.card) return this.send(SamStatus.selectFailed);
        this.selected = true;
        return this.send(SamStatus.success);
      case 0x3001:
        if (!this.card || !this.selected || this.fault === 'read-fail') return this.send(SamStatus.readFailed);
        return this.send(SamStatus.success, encodeIdCardReadData(this.card));
      default:
        // Unknown command: SW3 = 0x21 (command not supported), as readers do.
        return this.send(0x21);
    }
  }

  private send(sw3: number, data: Uint8Array = new Uint8Array(0)): void {
    const body = new Uint8Array(3 + data.length);
    body[2] = sw3;
    body.set(data, 3);
    const frame = encodeSamFrame(body);
    if (this.fault === 'bad-checksum') frame[frame.length - 1] = frame[frame.length - 1]! ^ 0x5a;
    if (this.link.isOpen) this.link.write(frame);
  }
}
