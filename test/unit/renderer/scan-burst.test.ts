// The keyboard-wedge burst detector (issue 17): a scanner's 20 characters and Enter a few ms
// apart are a scan; a person's typing (a quantity, a search) is not, however it ends.
import { describe, expect, it } from 'vitest';
import { ScanBurst } from '../../../renderer/src/lib/scan-burst';

function feed(b: ScanBurst, keys: string[], gapMs: number, start = 1000): (string | null)[] {
  return keys.map((k, i) => b.key(k, start + i * gapMs));
}
const CODE = '81234567890123456789';

describe('ScanBurst', () => {
  it('a scanner burst (5 ms per key) ending in Enter is the code', () => {
    const out = feed(new ScanBurst(), [...CODE, 'Enter'], 5);
    expect(out.at(-1)).toBe(CODE);
    expect(out.slice(0, -1).every((x) => x === null)).toBe(true);
  });

  it('a person typing a quantity or a long number (120 ms per key) is not a scan', () => {
    expect(feed(new ScanBurst(), ['2', 'Enter'], 120).at(-1)).toBeNull();
    expect(feed(new ScanBurst(), [...CODE, 'Enter'], 120).at(-1)).toBeNull();
  });

  it('a short fast burst (fewer than 8 characters) is not a scan', () => {
    expect(feed(new ScanBurst(), [...'1234567', 'Enter'], 5).at(-1)).toBeNull();
  });

  it('a slow key now and then in a burst (a busy window) still averages as a scan; a real pause starts over', () => {
    const b = new ScanBurst();
    let t = 0;
    for (const [i, k] of [...CODE].entries()) b.key(k, (t += i === 10 ? 100 : 5));
    expect(b.key('Enter', (t += 5))).toBe(CODE);
    // Typed "123" slowly, a pause, then a scan: only the scan is the code.
    const c = new ScanBurst();
    c.key('1', 0);
    c.key('2', 300);
    c.key('3', 900);
    let u = 1500;
    for (const k of CODE) c.key(k, (u += 4));
    expect(c.key('Enter', u + 4)).toBe(CODE);
  });

  it('a non-printable key breaks a burst; the buffer is bounded', () => {
    const b = new ScanBurst();
    feed(b, [...CODE.slice(0, 10)], 5);
    b.key('ArrowDown', 1100);
    expect(b.pending()).toBe('');
    feed(b, Array.from({ length: 500 }, () => '8'), 1, 2000);
    expect(b.pending().length).toBeLessThanOrEqual(200);
  });
});
