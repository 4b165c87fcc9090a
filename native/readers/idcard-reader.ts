// Driver for the resident ID card reader (SAM protocol): polls find → select → read with a
// pause between polls. A card left on the reader is read once: the same card is reported
// again only after a find has failed (it was taken away). No answer within the timeout is
// "silence": reported through health() so the manager can show it and reconnect.
import type { ByteLink } from '../link/byte-link';
import { parseIdCardReadData } from '../protocols/idcard-text';
import { SamCommand, SamFrameDecoder, SamStatus, encodeSamFrame, parseSamAnswer, type SamAnswer } from '../protocols/sam-frame';
import type { ReaderDriver, ReaderEvents } from './reader';

export interface IdCardReaderOptions {
  id: string;
  pollIntervalMs?: number;
  answerTimeoutMs?: number;
  /** Consecutive unanswered commands before the reader counts as silent. */
  silentAfter?: number;
}

type Pending = { resolve: (a: SamAnswer | null) => void; timer: ReturnType<typeof setTimeout> };

export class IdCardReader implements ReaderDriver {
  readonly id: string;
  private readonly decoder = new SamFrameDecoder();
  private readonly off: () => void;
  private pending: Pending | null = null;
  private stopped = false;
  private lastCertNo: string | null = null;
  private unanswered = 0;
  private alive = true;
  private loop: Promise<void>;
  private sleepTimer: ReturnType<typeof setTimeout> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly link: ByteLink,
    private readonly opts: IdCardReaderOptions,
    private readonly events: ReaderEvents,
  ) {
    this.id = opts.id;
    this.off = link.onData((b) => this.onBytes(b));
    this.loop = this.run();
  }

  private onBytes(b: Uint8Array): void {
    const { bodies, errors } = this.decoder.push(b);
    for (const e of errors) {
      this.events.error(e);
      // A corrupted answer ends the command it answered: the poll starts over.
      this.settle(null);
    }
    for (const body of bodies) {
      const a = parseSamAnswer(body);
      if (!a.ok) {
        this.events.error(a.error);
        this.settle(null);
      } else this.settle(a.value);
    }
  }

  private settle(a: SamAnswer | null): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    clearTimeout(p.timer);
    p.resolve(a);
  }

  private command(cmd: Uint8Array): Promise<SamAnswer | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending = null;
        this.noAnswer();
        resolve(null);
      }, this.opts.answerTimeoutMs ?? 500);
      this.pending = { resolve, timer };
      try {
        this.link.write(encodeSamFrame(cmd));
      } catch {
        clearTimeout(timer);
        this.pending = null;
        resolve(null);
      }
    });
  }

  private noAnswer(): void {
    this.unanswered++;
    if (this.alive && this.unanswered >= (this.opts.silentAfter ?? 3)) {
      this.alive = false;
      this.events.health?.(false);
    }
  }

  private answered(): void {
    this.unanswered = 0;
    if (!this.alive) {
      this.alive = true;
      this.events.health?.(true);
    }
  }

  /** One poll: find, and if a new card is there, select and read it. */
  async pollOnce(): Promise<void> {
    const found = await this.command(SamCommand.find);
    if (!found) return;
    this.answered();
    if (found.sw3 !== SamStatus.found) {
      // No card (or the card was taken away): the next card placed is new.
      this.lastCertNo = null;
      return;
    }
    if (this.lastCertNo !== null) return; // still the card we already read
    const sel = await this.command(SamCommand.select);
    if (!sel) return;
    if (sel.sw3 !== SamStatus.success) return;
    const read = await this.command(SamCommand.read);
    if (!read) return;
    if (read.sw3 !== SamStatus.success) {
      this.events.error({ code: 'IDCARD_READ_FAILED', message: '身份证读取失败；请把身份证放平后重试' });
      return;
    }
    const card = parseIdCardReadData(read.data);
    if (!card.ok) {
      this.events.error(card.error);
      return;
    }
    this.lastCertNo = card.value.certNo;
    this.events.read({ ...card.value, source: this.id });
  }

  private async run(): Promise<void> {
    while (!this.stopped && this.link.isOpen) {
      await this.pollOnce();
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.sleepTimer = setTimeout(resolve, this.opts.pollIntervalMs ?? 300);
      });
    }
  }

  /** Resolves when the poll loop has ended after stop(). */
  async whenStopped(): Promise<void> {
    await this.loop;
  }

  stop(): void {
    this.stopped = true;
    this.off();
    this.settle(null);
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.wake?.();
  }
}
