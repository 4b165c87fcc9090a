// A keyboard-wedge scanner types its code and Enter faster than any person (issue 17): a burst
// of at least MIN_LENGTH characters at an average pace a person cannot type, ended by Enter, is
// a scan, not typing. PURE (no DOM): fed the keys with their times, tested without a browser.
// Docs: docs/TRACEABILITY.md "Scanning at the window".

/** A person types a quantity or a few letters; a drug code is 20 characters. */
export const MIN_LENGTH = 8;
/**
 * Scanners send a character every few milliseconds; a person, at best, every 80–100 ms. A burst
 * is judged by its average pace (a busy window may hold one key back a little), and a pause
 * longer than MAX_PAUSE_MS starts a new one.
 */
export const MAX_AVERAGE_GAP_MS = 50;
export const MAX_PAUSE_MS = 500;

export class ScanBurst {
  private chars = '';
  private first = 0;
  private last = -Infinity;

  /**
   * One key (its `key` value) at `at` ms. Returns the scanned text when this Enter ends a burst,
   * else null. Any key that is not one printable character (arrows, F-keys, Backspace) ends a
   * burst in progress.
   */
  key(key: string, at: number): string | null {
    const paused = at - this.last > MAX_PAUSE_MS;
    this.last = at;
    if (key === 'Enter') {
      const n = this.chars.length;
      const text = !paused && n >= MIN_LENGTH && (at - this.first) / n <= MAX_AVERAGE_GAP_MS ? this.chars : null;
      this.chars = '';
      return text;
    }
    if (key.length !== 1) {
      this.chars = '';
      return null;
    }
    if (paused || this.chars === '') {
      this.chars = key;
      this.first = at;
    } else this.chars += key;
    // Bounded: a stuck key never grows it without limit.
    if (this.chars.length > 200) this.chars = this.chars.slice(-200);
    return null;
  }

  /** The characters of the burst in progress (the scan's text typed so far). */
  pending(): string {
    return this.chars;
  }
}
