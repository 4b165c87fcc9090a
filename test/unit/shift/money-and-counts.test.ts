// Drawer counts, yuan strings and the receipt-width layout of the shift part.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DENOMINATIONS } from '../../../electron/api/contract/shift';
import { countTotal, denominationLabel, normalizeCounts } from '../../../electron/shift/denominations';
import { displayWidth, leftRight } from '../../../electron/shift/labels';
import { daysBetween } from '../../../electron/shift/reconcile';
import { fenToYuan, parseYuan } from '../../../electron/api/money';
import { parseCounts } from '../../../electron/cli/verbs/shift';

describe('drawer counts', () => {
  it('adds denominations in fen exactly', () => {
    expect(
      countTotal([
        { denomination: 10000, count: 3 },
        { denomination: 50, count: 7 },
        { denomination: 1, count: 9 },
      ]),
    ).toBe(30359);
    expect(countTotal([])).toBe(0);
  });

  it('refuses a denomination that is not RMB, a repeat, a negative count', () => {
    expect(() => countTotal([{ denomination: 300, count: 1 }])).toThrow(expect.objectContaining({ code: 'INVALID_DENOMINATION' }));
    expect(() => countTotal([{ denomination: 100, count: 1 }, { denomination: 100, count: 1 }])).toThrow(expect.objectContaining({ code: 'INVALID_DENOMINATION' }));
    expect(() => countTotal([{ denomination: 100, count: -1 }])).toThrow(expect.objectContaining({ code: 'INVALID_COUNT' }));
  });

  it('normalizes largest first without zero rows, and labels in yuan/jiao/fen', () => {
    expect(normalizeCounts([{ denomination: 10, count: 2 }, { denomination: 10000, count: 0 }, { denomination: 5000, count: 1 }])).toEqual([
      { denomination: 5000, count: 1 },
      { denomination: 10, count: 2 },
    ]);
    expect(DENOMINATIONS.map(denominationLabel)).toEqual(['100元', '50元', '20元', '10元', '5元', '1元', '5角', '1角', '5分', '2分', '1分']);
  });

  it('parses CLI counts in yuan', () => {
    expect(parseCounts('100x2, 0.5x10,0.1*3')).toEqual([
      { denomination: 10000, count: 2 },
      { denomination: 50, count: 10 },
      { denomination: 10, count: 3 },
    ]);
    expect(() => parseCounts('100:2')).toThrow(/面额x张数/);
  });
});

describe('yuan strings', () => {
  it('round-trips every fen amount exactly', () => {
    fc.assert(fc.property(fc.integer({ min: -1e11, max: 1e11 }), (fen) => parseYuan(fenToYuan(fen)) === fen));
  });
  it('formats and parses the edges', () => {
    expect(fenToYuan(-5)).toBe('-0.05');
    expect(fenToYuan(123456)).toBe('1234.56');
    expect(parseYuan('12.5')).toBe(1250);
    expect(parseYuan('12')).toBe(1200);
    for (const bad of ['', '1.234', 'abc', '1,00', '1e3']) expect(() => parseYuan(bad)).toThrow(expect.objectContaining({ code: 'INVALID_AMOUNT' }));
  });
});

describe('receipt layout', () => {
  it('counts a Chinese character as two columns', () => {
    expect(displayWidth('现金')).toBe(4);
    expect(displayWidth('ab现')).toBe(4);
    expect(displayWidth(leftRight('统筹基金', '12.00', 32))).toBe(32);
  });
});

describe('day ranges', () => {
  it('lists every day inclusive, across a month end', () => {
    expect(daysBetween('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(daysBetween('2026-03-02', '2026-03-01')).toEqual([]);
  });
});
