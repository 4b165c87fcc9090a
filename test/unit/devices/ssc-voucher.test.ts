// Social security card text, e-voucher and card number lines, and the line splitter.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../native/protocols/line-splitter';
import { formatSscText, parseSscText, type SscBasicData } from '../../../native/protocols/ssc-text';
import { parseCardNumberLine, parseVoucherLine } from '../../../native/protocols/voucher-line';
import { FUZZ_RUNS, chunks, expectClearError, mutated } from './fuzz-helpers';

const CARD: SscBasicData = {
  region: '990100', socialSecurityNo: '990101198003150013', cardNo: 'A99010001', cardSn: '9901000000001D1560000050001001',
  name: '张伟', resetInfo: '00814E43', specVersion: '3.00', issueDate: '20200115', expiryDate: '20300115',
  terminalNo: '990100000001', terminalDeviceNo: '00000001',
};
const LINE = formatSscText(CARD);
const TODAY = '2026-03-15';

describe('social security card text', () => {
  it('reads the 11 fields into a certType 03 CardRead', () => {
    const r = parseSscText(LINE, TODAY);
    expect(r).toEqual({ ok: true, value: { credential: 'ssc', certType: '03', certNo: 'A99010001', cardSn: CARD.cardSn, name: '张伟', region: '990100', validTo: '2030-01-15' } });
  });

  it.each([
    ['fewer than 11 fields', LINE.split('|').slice(0, 9).join('|') + '|', 'SSC_FIELDS_MISSING'],
    ['no trailing separator', LINE.slice(0, -1), 'SSC_FIELDS_MISSING'],
    ['an extra field', LINE + 'X|', 'SSC_FIELDS_EXTRA'],
    ['an empty card number', formatSscText({ ...CARD, cardNo: '' }), 'SSC_NO_CARD_NUMBER'],
    ['an empty serial', formatSscText({ ...CARD, cardSn: '' }), 'SSC_NO_CARD_SN'],
    ['a bad region', formatSscText({ ...CARD, region: '99A100' }), 'SSC_BAD_REGION'],
    ['an impossible expiry date', formatSscText({ ...CARD, expiryDate: '20300230' }), 'SSC_BAD_DATE'],
    ['an expired card', formatSscText({ ...CARD, expiryDate: '20260314' }), 'SSC_EXPIRED'],
    ['nothing', '', 'SSC_EMPTY'],
  ])('refuses %s', (_why, line, code) => {
    const r = parseSscText(line, TODAY);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expectClearError(r.error);
    }
  });

  it('a card valid through today is accepted', () => {
    expect(parseSscText(formatSscText({ ...CARD, expiryDate: '20260315' }), TODAY).ok).toBe(true);
  });

  it('fuzz: random and mutated lines give a read or a clear error, never a throw', () => {
    const decoder = new TextDecoder();
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 600 }), mutated(new TextEncoder().encode(LINE)).map((b) => decoder.decode(b))), (line) => {
        const r = parseSscText(line, TODAY);
        if (!r.ok) expectClearError(r.error);
        else expect(r.value.certNo.length).toBeGreaterThan(0);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});

describe('e-voucher and card number lines', () => {
  it('accepts a token and a card number', () => {
    expect(parseVoucherLine('EC9901000001T080145A7F3Q9\r')).toEqual({ ok: true, value: { credential: 'voucher', certType: '01', certNo: 'EC9901000001T080145A7F3Q9' } });
    expect(parseCardNumberLine('A99010001')).toEqual({ ok: true, value: { credential: 'number', certType: '03', certNo: 'A99010001' } });
  });

  it.each([['', 'VOUCHER_EMPTY'], ['short', 'VOUCHER_INVALID'], ['has space inside token 123', 'VOUCHER_INVALID'], ['医保电子凭证二维码内容示例示例', 'VOUCHER_INVALID'], ['A'.repeat(300), 'VOUCHER_TOO_LONG']])(
    'refuses voucher %j',
    (line, code) => {
      const r = parseVoucherLine(line);
      expect(r.ok ? null : r.error.code).toBe(code);
    },
  );

  it('fuzz: random lines give a read or a clear error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (line) => {
        for (const r of [parseVoucherLine(line), parseCardNumberLine(line)]) if (!r.ok) expectClearError(r.error);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});

describe('line splitter', () => {
  it('splits on CRLF across chunk boundaries and ignores empty lines', () => {
    const s = new LineSplitter({ terminator: 'CRLF' });
    const enc = new TextEncoder();
    expect(s.push(enc.encode('abc\r')).lines).toEqual([]);
    expect(s.push(enc.encode('\ndef\r\n\r\n')).lines).toEqual(['abc', 'def']);
  });

  it('keeps a lone CR inside a CRLF line', () => {
    const s = new LineSplitter({ terminator: 'CRLF' });
    expect(s.push(new TextEncoder().encode('a\rb\r\n')).lines).toEqual(['a\rb']);
  });

  it('drops an over-long line with an error and resynchronises on the next terminator', () => {
    const s = new LineSplitter({ terminator: 'LF', maxLineBytes: 16 });
    const out = s.push(new TextEncoder().encode('x'.repeat(40) + '\nok\n'));
    expect(out.lines).toEqual(['ok']);
    expect(out.errors.map((e) => e.code)).toEqual(['LINE_TOO_LONG']);
  });

  it('reports bytes that are not UTF-8 text', () => {
    const out = new LineSplitter().push(Uint8Array.of(0xff, 0xfe, 0x0d));
    expect(out.errors.map((e) => e.code)).toEqual(['LINE_NOT_TEXT']);
  });

  it('fuzz: any chunks keep the buffer bounded and every error clear', () => {
    fc.assert(
      fc.property(chunks, fc.constantFrom('CR', 'LF', 'CRLF', 'ANY' as const), (cs, terminator) => {
        const s = new LineSplitter({ terminator, maxLineBytes: 64 });
        for (const c of cs) {
          const out = s.push(c);
          out.errors.forEach(expectClearError);
          expect(s.pending()).toBeLessThanOrEqual(65);
          for (const l of out.lines) expect(new TextEncoder().encode(l).length).toBeLessThanOrEqual(64);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
