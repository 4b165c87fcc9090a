// Policy sync progress as the windows see it ('policy.sync' events): bytes so far of the
// expected total across the whole sync — a delta that does not fit is followed by a second
// download of the full table, and the count keeps growing instead of starting again — with
// download ticks thinned to about one per percent, since every event goes to every window.
import type { PolicySyncProgress } from '../api/contract/events';
import type { SyncProgress } from './policy-sync';

/** Without a declared length, one tick per this many bytes. */
const TICK_BYTES_UNKNOWN_TOTAL = 256 * 1024;

export class SyncProgressPublisher {
  /** Bytes of the downloads this sync already finished (before a second ask). */
  private base = 0;
  private received = 0;
  private total: number | null = null;
  private lastTick = -1;

  constructor(private readonly emit: (p: PolicySyncProgress) => void) {}

  report(p: SyncProgress): void {
    if (p.phase === 'downloading') {
      this.received = p.receivedBytes ?? this.received;
      this.total = p.totalBytes ?? null;
      const step = this.total ? Math.max(1, Math.floor(this.total / 100)) : TICK_BYTES_UNKNOWN_TOTAL;
      const complete = this.total !== null && this.received >= this.total;
      if (this.lastTick >= 0 && !complete && this.received - this.lastTick < step) return;
      this.lastTick = this.received;
      return this.send('downloading');
    }
    if (p.phase === 'asking' && this.lastTick >= 0) {
      // A second ask (the full table after a delta that did not fit): count on from here.
      this.base += this.received;
      this.received = 0;
      this.total = null;
      this.lastTick = -1;
    }
    this.send(p.phase);
  }

  failed(error: string): void {
    this.send('failed', error);
  }

  private send(phase: PolicySyncProgress['phase'], error?: string): void {
    this.emit({
      phase,
      receivedBytes: this.base + this.received,
      totalBytes: this.total === null ? null : this.base + this.total,
      ...(error === undefined ? {} : { error }),
    });
  }
}
