// DLE EOT status bytes, printer specs, reader settings, and decoder fuzzing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EscPosDecoder } from '../../../native/escpos/decoder';
import { buildReceipt } from '../../../native/escpos/receipt';
import { PROFILES } from '../../../native/escpos/profiles';
import { encodePrinterStatus, parsePrinterStatus, type PrinterStatus } from '../../../native/escpos/status';
import { parsePrinterSpec } from '../../../native/printers/printer-spec';
import { parseReadersSetting } from '../../../electron/devices/reader-config';
import { retryDelayMs } from '../../../electron/devices/print-jobs';
import { ORDINARY } from '../../fixtures/receipts/sample-receipts';
import { FUZZ_RUNS, chunks, expectClearError, mutated } from './fuzz-helpers';

const OK: PrinterStatus = { online: true, coverOpen: false, paperEnd: false, paperNearEnd: false, error: false };

describe('printer status (DLE EOT)', () => {
  it('reads the real bytes of a ready printer, a paper-out one and an offline one', () => {
    expect(parsePrinterStatus(0x12, 0x12, 0x12)).toEqual({ ok: true, value: OK });
    // n=2 bit 5: stopped for paper end; n=4 bits 5,6: paper end sensor.
    expect(parsePrinterStatus(0x1a, 0x32, 0x72)).toMatchObject({ ok: true, value: { online: false, paperEnd: true } });
    expect(parsePrinterStatus(0x12, 0x12, 0x1e)).toMatchObject({ ok: true, value: { paperNearEnd: true, paperEnd: false } });
  });

  it('refuses bytes whose fixed bits are wrong (noise, not a status)', () => {
    const r = parsePrinterStatus(0xff, 0x12, 0x12);
    expect(r.ok ? null : r.error.code).toBe('PRINTER_STATUS_INVALID');
  });

  it('fuzz: any three bytes give a status or a clear error', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 300 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (a, b, c) => {
        const r = parsePrinterStatus(a, b, c);
        if (!r.ok) expectClearError(r.error);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('encode and parse agree for every state', () => {
    fc.assert(
      fc.property(fc.record({ online: fc.boolean(), coverOpen: fc.boolean(), paperEnd: fc.boolean(), paperNearEnd: fc.boolean(), error: fc.boolean() }), (s) => {
        const r = parsePrinterStatus(encodePrinterStatus(1, s), encodePrinterStatus(2, s), encodePrinterStatus(4, s));
        expect(r).toEqual({ ok: true, value: s });
      }),
    );
  });
});

describe('printer spec', () => {
  it('parses the three transports and preview', () => {
    expect(parsePrinterSpec('serial:/dev/ttyUSB0?baud=115200')).toEqual({ kind: 'serial', path: '/dev/ttyUSB0', baud: 115200 });
    expect(parsePrinterSpec('serial:COM3')).toEqual({ kind: 'serial', path: 'COM3', baud: 9600 });
    expect(parsePrinterSpec('tcp:127.0.0.1:9100')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 9100 });
    expect(parsePrinterSpec('file:/dev/usb/lp0')).toEqual({ kind: 'file', path: '/dev/usb/lp0' });
    expect(parsePrinterSpec('preview')).toEqual({ kind: 'preview' });
  });

  it.each(['serial:', 'serial:/dev/x?baud=123', 'tcp:host', 'tcp:h:99999', 'lpt:1', 'file:'])('refuses %j with PRINTER_SPEC_INVALID', (s) => {
    expect(() => parsePrinterSpec(s)).toThrow(expect.objectContaining({ code: 'PRINTER_SPEC_INVALID' }));
  });
});

describe('readers setting', () => {
  it('parses protocol@port[:baud] lists', () => {
    expect(parseReadersSetting('emulated')).toBe('emulated');
    expect(parseReadersSetting('idcard@/dev/ttyUSB0,ssc-text@COM3:9600,voucher-line@hid:/dev/hidraw0')).toEqual([
      { id: 'reader-1-idcard', protocol: 'idcard', port: '/dev/ttyUSB0', baud: 115200, hid: false },
      { id: 'reader-2-ssc-text', protocol: 'ssc-text', port: 'COM3', baud: 9600, hid: false },
      { id: 'reader-3-voucher-line', protocol: 'voucher-line', port: '/dev/hidraw0', baud: 9600, hid: true },
    ]);
  });

  it.each(['magnetic@/dev/x', 'idcard', 'idcard@hid:/dev/hidraw0'])('refuses %j', (s) => {
    expect(() => parseReadersSetting(s)).toThrow(expect.objectContaining({ code: 'READER_CONFIG_INVALID' }));
  });
});

describe('print retry', () => {
  it('waits longer after each failure, up to five minutes', () => {
    expect([1, 2, 3, 4, 10, 30].map(retryDelayMs)).toEqual([5_000, 10_000, 20_000, 40_000, 300_000, 300_000]);
  });
});

describe('ESC/POS decoder fuzz', () => {
  it('random and mutated receipts never throw and hold a bounded tail', () => {
    const valid = buildReceipt(ORDINARY, PROFILES['58mm']);
    fc.assert(
      fc.property(fc.oneof(chunks, mutated(valid).map((b) => [b.subarray(0, 200), b.subarray(200)])), (cs) => {
        const d = new EscPosDecoder();
        for (const c of cs) d.push(c);
        const rest = d.flush();
        for (const o of rest) if (o.op === 'unknown') expect(o.bytes.length).toBeLessThanOrEqual(8192);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
