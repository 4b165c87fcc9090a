// HID keyboard report decoder and the HID source with an injected device.
import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HidKeyboardDecoder, encodeKeyboardReports, usageToChar } from '../../../native/protocols/hid-keyboard';
import { HidSource } from '../../../native/readers/hid-source';
import type { CardRead } from '../../../native/protocols/card-read';
import type { ParseError } from '../../../native/protocols/result';
import { FUZZ_RUNS, expectClearError } from './fuzz-helpers';

function feed(d: HidKeyboardDecoder, reports: Uint8Array[], start = 0, step = 5) {
  const lines: string[] = [];
  const errors: ParseError[] = [];
  reports.forEach((r, i) => {
    const out = d.push(r, start + i * step);
    lines.push(...out.lines);
    errors.push(...out.errors);
  });
  return { lines, errors };
}

describe('HID keyboard decoder', () => {
  it('maps usages with and without shift', () => {
    expect(usageToChar(0x04, false)).toBe('a');
    expect(usageToChar(0x04, true)).toBe('A');
    expect(usageToChar(0x1e, false)).toBe('1');
    expect(usageToChar(0x1e, true)).toBe('!');
    expect(usageToChar(0x27, false)).toBe('0');
    expect(usageToChar(0x2d, true)).toBe('_');
    expect(usageToChar(0x3a, false)).toBeNull(); // F1
  });

  it('decodes a scan ended by Enter (left and right shift)', () => {
    const reports = encodeKeyboardReports('EC99-01:x');
    // Right shift (0x20) works like left shift.
    reports[0] = Uint8Array.of(0x20, 0, 0x08, 0, 0, 0, 0, 0);
    expect(feed(new HidKeyboardDecoder(), reports).lines).toEqual(['EC99-01:x']);
  });

  it('does not repeat a held key, but counts a key pressed again after release', () => {
    const a = Uint8Array.of(0, 0, 0x04, 0, 0, 0, 0, 0);
    const none = new Uint8Array(8);
    const enter = Uint8Array.of(0, 0, 0x28, 0, 0, 0, 0, 0);
    expect(feed(new HidKeyboardDecoder(), [a, a, a, none, a, none, enter]).lines).toEqual(['aa']);
  });

  it('accepts reports with a leading report id and rejects odd sizes', () => {
    const d = new HidKeyboardDecoder();
    const withId = encodeKeyboardReports('ab').map((r) => Uint8Array.from([1, ...r]));
    expect(feed(d, withId).lines).toEqual(['ab']);
    expect(d.push(new Uint8Array(5), 1000).errors.map((e) => e.code)).toEqual(['HID_REPORT_SIZE']);
  });

  it('drops a scan without Enter after the timeout', () => {
    const d = new HidKeyboardDecoder({ timeoutMs: 100 });
    feed(d, encodeKeyboardReports('abc', false), 0, 5);
    expect(d.tick(50).errors).toEqual([]);
    const out = d.tick(500);
    expect(out.errors.map((e) => e.code)).toEqual(['HID_SCAN_TIMEOUT']);
    expect(d.pending()).toBe(0);
    expect(feed(d, encodeKeyboardReports('xyz'), 600).lines).toEqual(['xyz']);
  });

  it('bounds the buffer: an endless scan is dropped with one error', () => {
    const d = new HidKeyboardDecoder({ maxChars: 10 });
    const out = feed(d, encodeKeyboardReports('a'.repeat(30) + 'b'.repeat(3)));
    expect(out.lines).toEqual([]);
    expect(out.errors.map((e) => e.code)).toEqual(['HID_LINE_TOO_LONG']);
    expect(feed(d, encodeKeyboardReports('ok')).lines).toEqual(['ok']);
  });

  it('fuzz: random reports never throw, stay bounded and give clear errors', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 10 }), { maxLength: 200 }), (reports) => {
        const d = new HidKeyboardDecoder({ maxChars: 64 });
        const out = feed(d, reports);
        out.errors.forEach(expectClearError);
        expect(d.pending()).toBeLessThanOrEqual(64);
        for (const l of out.lines) expect(l.length).toBeLessThanOrEqual(64);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});

/** A stand-in for node-hid's HID object: the same events, driven by the test. */
class FakeHid extends EventEmitter {
  closed = false;
  close() {
    this.closed = true;
  }
}

describe('HID source (injected device)', () => {
  it('turns a scanned e-voucher into a CardRead and a stalled scan into an error', () => {
    const dev = new FakeHid();
    let t = 0;
    const reads: CardRead[] = [];
    const errors: ParseError[] = [];
    const src = new HidSource(dev, { id: 'hid-1', protocol: 'voucher-line', timeoutMs: 100, now: () => t, today: () => '2026-03-15' }, { read: (c) => reads.push(c), error: (e) => errors.push(e) });
    for (const r of encodeKeyboardReports('EC9901000001T080145A7F3Q9')) {
      t += 4;
      dev.emit('data', Buffer.from(r));
    }
    expect(reads).toEqual([{ credential: 'voucher', certType: '01', certNo: 'EC9901000001T080145A7F3Q9', source: 'hid-1' }]);
    for (const r of encodeKeyboardReports('EC99', false)) dev.emit('data', Buffer.from(r));
    t += 1000;
    src.tick();
    expect(errors.map((e) => e.code)).toEqual(['HID_SCAN_TIMEOUT']);
    for (const r of encodeKeyboardReports('short')) dev.emit('data', Buffer.from(r));
    expect(errors.map((e) => e.code)).toEqual(['HID_SCAN_TIMEOUT', 'VOUCHER_INVALID']);
    dev.emit('error', new Error('device unplugged'));
    expect(errors.at(-1)?.code).toBe('HID_DEVICE_ERROR');
    src.stop();
    expect(dev.closed).toBe(true);
  });
});
