// The one money module: the grammars each edge uses, the rounding the engine and the window
// share, and the lint rule that keeps a second formatter or parser from appearing elsewhere.
import { ESLint } from 'eslint';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addQuantities, billAmountTooLarge, fenToYuan, MAX_BILL_FEN, formatFen, lineAmountFen, parseScaled, parseYuan, parseYuanInput, scaledLineFen, tryYuanToFen, yuanToFen } from '../../electron/api/money';

describe('money module', () => {
  it('formats for people and for the wire from the same digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (fen) => formatFen(fen).replace(/,/g, '') === fenToYuan(fen)),
    );
    expect(formatFen(-123456789)).toBe('-1,234,567.89');
    expect(formatFen(99999)).toBe('999.99');
  });

  it('reads back what it writes, in the wire grammar and the typed one', () => {
    // The typed grammar stops at 11 whole-yuan digits (99,999,999,999.99): the range's edge.
    const typedMax = 1e13 - 1;
    fc.assert(fc.property(fc.integer({ min: -typedMax, max: typedMax }), (fen) => yuanToFen(fenToYuan(fen)) === fen && parseYuan(fenToYuan(fen)) === fen));
    expect(() => parseYuan(fenToYuan(typedMax + 1))).toThrow(expect.objectContaining({ code: 'INVALID_AMOUNT' }));
  });

  it('keeps the wire strict and the typed grammar lenient only where a person types', () => {
    expect(tryYuanToFen('12.5')).toBeNull();
    expect(tryYuanToFen('-0.00')).toBe(0);
    expect(parseYuanInput('-12.50')).toBeNull(); // the cashier never types a negative amount
    expect(parseYuanInput('-12.50', { negative: true })).toBe(-1250);
    expect(parseYuan(' 12. ')).toBe(1200);
    expect(() => parseYuan('12.5.0')).toThrow(expect.objectContaining({ code: 'INVALID_AMOUNT' }));
  });

  it('rounds a line the same for the engine (scaled) and the window (strings)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 1, max: 9_999_999 }), (p, q) => {
        const dec = (n: number) => `${Math.floor(n / 10_000)}.${String(n % 10_000).padStart(4, '0')}`;
        return lineAmountFen(dec(p), dec(q)) === scaledLineFen(parseScaled(dec(p))!, parseScaled(dec(q))!);
      }),
    );
    expect(lineAmountFen('0.005', '1')).toBe(1); // half a fen rounds up
    expect(lineAmountFen('0.0049', '1')).toBe(0);
  });

  it('adds quantities with up to two places and refuses finer ones', () => {
    expect(addQuantities('4', '1.5')).toBe('5.5');
    expect(addQuantities('0.25', '0.75')).toBe('1');
    expect(addQuantities('10', '10')).toBe('20');
    expect(addQuantities('0.125', '1')).toBeNull();
  });
});

describe('lint: money stays in its module', () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  async function moneyErrors(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
  }

  it('refuses a hand-made formatter or parser in the main process, the renderer and native/', async () => {
    const formatter = 'export const f = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;\n';
    expect(await moneyErrors('electron/shift/bad.ts', formatter)).toHaveLength(1);
    expect(await moneyErrors('renderer/src/Bad.tsx', 'export const f = (x: number) => (x / 100).toFixed(2);\n')).toHaveLength(1);
    expect(await moneyErrors('native/escpos/bad.ts', 'export const re = /^(-?)(\\d+)\\.(\\d{2})$/;\n')).toHaveLength(1);
  });

  it('allows it in electron/api/money.ts and leaves dates alone', async () => {
    expect(await moneyErrors('electron/api/money.ts', 'export const f = (fen: number) => String(fen % 100);\n')).toEqual([]);
    expect(await moneyErrors('renderer/src/Good.ts', 'export const day = /^\\d{4}-\\d{2}-\\d{2}$/;\n')).toEqual([]);
  });

  it('lets the renderer import the money module and nothing else of the main process', async () => {
    const [ok] = await eslint.lintText("import { formatFen } from '../../electron/api/money';\nexport const f = formatFen;\n", { filePath: 'renderer/src/Good.ts' });
    expect(ok?.messages.filter((m) => m.ruleId === 'no-restricted-imports')).toEqual([]);
  });
});

describe('billAmountTooLarge (issue 14: absurd totals are an error, not a number)', () => {
  it('refuses a line or a running total above MAX_BILL_FEN, exactly at the edge', () => {
    const edge = fenToYuan(MAX_BILL_FEN); // '99999999999.99'
    expect(billAmountTooLarge([{ unitPrice: edge, quantity: '1' }])).toBeNull();
    expect(billAmountTooLarge([{ unitPrice: '99999999999.9951', quantity: '1' }])?.details).toMatchObject({ lineNo: 1, field: 'items[0]' });
    expect(billAmountTooLarge([{ unitPrice: '999999999.9999', quantity: '999999999.9999' }])?.code).toBe('AMOUNT_TOO_LARGE');
    const half = [{ unitPrice: '50000000000', quantity: '1' }];
    expect(billAmountTooLarge([...half, ...half])?.details).toMatchObject({ lineNo: 2, field: 'items' });
    expect(Number.isSafeInteger(MAX_BILL_FEN * 2)).toBe(true);
  });
});
