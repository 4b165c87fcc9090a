// Tells a scanner that the OS keeps as a keyboard from a person typing: a scanner "types"
// a whole code in a burst (a few ms between keys) and ends it with Enter. Pure: the window
// feeds it key events with their timestamps and gets back whole scans. Owned by the devices
// work (issue 6); the renderer wires it to keydown events.

export interface BurstOptions {
  /** Longest pause between two keys of one scan (people type ≥ ~80 ms apart). */
  maxGapMs?: number;
  /** Shortest scan we accept (shorter bursts are ordinary typing). */
  minLength?: number;
  /** Longest scan kept; more characters end the burst as not-a-scan. */
  maxLength?: number;
}

export type BurstResult =
  | { kind: 'none' }
  /** A complete scan: the window should swallow its keys and treat `text` as a read. */
  | { kind: 'scan'; text: string }
  /** Enter after a fast but too short or over-long burst: not a scan. */
  | { kind: 'rejected'; reason: 'too-short' | 'too-long' };

export class KeystrokeBurstDetector {
  private chars: string[] = [];
  private lastAt = -Infinity;
  private tooLong = false;
  private readonly maxGapMs: number;
  private readonly minLength: number;
  private readonly maxLength: number;

  constructor(opts: BurstOptions = {}) {
    this.maxGapMs = opts.maxGapMs ?? 40;
    this.minLength = opts.minLength ?? 6;
    this.maxLength = opts.maxLength ?? 512;
  }

  /** One keydown: `key` as KeyboardEvent.key, `at` in ms (event.timeStamp). */
  key(key: string, at: number): BurstResult {
    const gap = at - this.lastAt;
    this.lastAt = at;
    if (gap > this.maxGapMs) this.reset();
    if (key === 'Enter') {
      const text = this.chars.join('');
      const tooLong = this.tooLong;
      this.reset();
      if (tooLong) return { kind: 'rejected', reason: 'too-long' };
      if (text.length === 0) return { kind: 'none' };
      if (text.length < this.minLength) return { kind: 'rejected', reason: 'too-short' };
      return { kind: 'scan', text };
    }
    // Only printable single characters belong to a scan (Shift, Tab, arrows do not).
    if ([...key].length !== 1) return { kind: 'none' };
    if (this.chars.length >= this.maxLength) {
      this.tooLong = true;
      this.chars = [];
    } else if (!this.tooLong) this.chars.push(key);
    return { kind: 'none' };
  }

  /** Characters of the burst in progress (the window may hide them while a burst runs). */
  pending(): number {
    return this.chars.length;
  }

  reset(): void {
    this.chars = [];
    this.tooLong = false;
  }
}
