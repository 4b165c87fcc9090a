// Money: integer fen inside, yuan decimal strings at the edges. The ONE place that converts
// between them (lint rule "money stays in electron/api/money.ts" in eslint.config.js).
// PURE and shared: the main process, the renderer, receipts (native/escpos), reports and the
// split engine import it. Exact string/integer/bigint arithmetic only: never a binary float.
import { AppError } from './result';

/** An amount of money in fen (1/100 yuan). Always a safe integer. */
export type Fen = number;

/** Whether v is a usable fen amount (a safe integer; may be negative for refunds). */
export function isFen(v: unknown): v is Fen {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

function twoPlaces(fen: Fen): string {
  const a = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** 2344246 → "23442.46"; -5 → "-0.05". The wire's, the CSV's and the receipt's form.
 *  Throws MONEY_INVALID on anything but integer fen: a float must never be printed as money. */
export function fenToYuan(fen: Fen): string {
  if (!isFen(fen)) throw new AppError('MONEY_INVALID', `金额必须是整数分：${String(fen)}`, { fen });
  return twoPlaces(fen);
}

/** For people reading a screen: 123456 → "1,234.56". A display never throws: "—" for non-fen. */
export function formatFen(fen: Fen): string {
  if (!isFen(fen)) return '—';
  const [whole, cents] = twoPlaces(fen).split('.');
  return `${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** The wire's grammar: an optional minus, 1–13 digits, a point and exactly two places. */
const WIRE_YUAN = /^(-?)(\d{1,13})\.(\d{2})$/;

/** "23442.46" → 2344246. Anything but the wire's two-place decimal string throws MONEY_INVALID. */
export function yuanToFen(s: string): Fen {
  const fen = tryYuanToFen(s);
  if (fen === null) {
    throw new AppError('MONEY_INVALID', `金额格式不正确（应为两位小数的元，如 "12.30"）：${String(s).slice(0, 40)}`, { value: String(s).slice(0, 40) });
  }
  return fen;
}

/** Like yuanToFen but null instead of throwing, for validating answers. */
export function tryYuanToFen(s: unknown): Fen | null {
  const m = typeof s === 'string' ? WIRE_YUAN.exec(s) : null;
  if (!m) return null;
  const fen = Number(m[2]) * 100 + Number(m[3]);
  return m[1] === '-' && fen !== 0 ? -fen : fen;
}

/** What a person types as yuan: "12", "12.5", "12.50", "12." with spaces around; a minus only
 *  when the amount may be negative (a CLI correction), never at the cashier's window. */
const TYPED_YUAN = /^\s*(-?)(\d{1,11})(?:\.(\d{0,2}))?\s*$/;

/** Typed yuan → fen; null when it is not an amount (or negative and not allowed). */
export function parseYuanInput(text: string, options: { negative?: boolean } = {}): Fen | null {
  const m = TYPED_YUAN.exec(text);
  if (!m || (m[1] && !options.negative)) return null;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] && fen !== 0 ? -fen : fen;
}

/** Typed yuan (sign allowed) → fen, or INVALID_AMOUNT with the grammar in words. */
export function parseYuan(text: string): Fen {
  const fen = parseYuanInput(text, { negative: true });
  if (fen === null) throw new AppError('INVALID_AMOUNT', `金额格式不正确：${text}（应为元，最多两位小数，如 12.50）。`, { value: text });
  return fen;
}

// ---- Prices and quantities: decimals with at most 4 places (SPLIT-MODEL), held exactly as
// bigints scaled by 10^4. Rounding is half up, and only where a rule asks for it.

export const SCALE = 10_000n;
const DECIMAL4 = /^\d{1,12}(\.\d{1,4})?$/;

/** "12.3456" → 123456n; anything that is not digits with ≤ 4 places → null. */
export function parseScaled(s: unknown): bigint | null {
  if (typeof s !== 'string' || !DECIMAL4.test(s)) return null;
  const [int, frac = ''] = s.split('.');
  return BigInt(int!) * SCALE + BigInt(frac.padEnd(4, '0'));
}

/** 123456n → "12.3456", -15000n → "-1.5": a scaled quantity (× 10^4) as its exact decimal, trailing zeros dropped. */
export function formatScaled(n: bigint): string {
  const neg = n < 0n;
  const abs = neg ? -n : n;
  const frac = String(abs % SCALE).padStart(4, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${abs / SCALE}${frac ? `.${frac}` : ''}`;
}

/** Round a non-negative value n/d half up to an integer. */
export function roundHalfUp(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d);
}

/**
 * The largest bill total (and line amount) the program computes: 99,999,999,999.99 yuan, the
 * typed grammar's 11 whole-yuan digits. Far above any clinic's bill, and below 2^53 fen, so every
 * sum of a bill's figures stays an exact integer. A bill above it (a price of 999999999 times a
 * quantity of 999999999) is refused with AMOUNT_TOO_LARGE before anything is computed from it:
 * as a float, such a product is no longer money.
 */
export const MAX_BILL_FEN = 9_999_999_999_999;

/** price (×10^4 yuan) × quantity (×10^4) = fen × 10^6. */
const FEN_DIVISOR = 1_000_000n;

/** SPLIT-MODEL step 2 exactly: round(price × quantity × 100) half up, as a bigint (any size). */
export function scaledLineFenExact(price: bigint, quantity: bigint): bigint {
  return roundHalfUp(price * quantity, FEN_DIVISOR);
}

/** SPLIT-MODEL step 2: round(price × quantity × 100) half up, from scaled price and quantity.
 *  Callers check the bill against MAX_BILL_FEN first (scaledLineFenExact). */
export function scaledLineFen(price: bigint, quantity: bigint): Fen {
  return Number(scaledLineFenExact(price, quantity));
}

/** The same from the decimal strings a bill line carries; null on a malformed decimal. */
export function lineAmountFen(unitPrice: string, quantity: string): Fen | null {
  const p = parseScaled(unitPrice.trim());
  const q = parseScaled(quantity.trim());
  return p === null || q === null ? null : scaledLineFen(p, q);
}

/**
 * The first line (or the running total) of a bill whose amount passes MAX_BILL_FEN, checked
 * exactly (bigint), or null. The one check behind the split engine (preview and settle, from the
 * window, the CLI and imported bills) and bill import (files, the HIS endpoint). Malformed
 * decimals are left to the callers' own checks.
 */
export function billAmountTooLarge(items: readonly { unitPrice: unknown; quantity: unknown }[]): { code: 'AMOUNT_TOO_LARGE'; message: string; details: Record<string, unknown> } | null {
  const limit = BigInt(MAX_BILL_FEN);
  let total = 0n;
  for (let i = 0; i < items.length; i++) {
    const p = parseScaled(typeof items[i]!.unitPrice === 'string' ? (items[i]!.unitPrice as string).trim() : null);
    const q = parseScaled(typeof items[i]!.quantity === 'string' ? (items[i]!.quantity as string).trim() : null);
    if (p === null || q === null) continue;
    const amount = scaledLineFenExact(p, q);
    total += amount;
    if (total > limit) {
      const line = amount > limit;
      return {
        code: 'AMOUNT_TOO_LARGE',
        message: `${line ? `第 ${i + 1} 行金额` : '账单总额'}超过 ${twoPlaces(MAX_BILL_FEN)} 元的上限：请核对单价和数量。`,
        details: { lineNo: i + 1, limit: twoPlaces(MAX_BILL_FEN), field: line ? `items[${i}]` : 'items' },
      };
    }
  }
  return null;
}

/** A quantity a person typed: a positive decimal with at most 4 places. */
export function isQuantity(text: string): boolean {
  const s = parseScaled(text.trim());
  return s !== null && s > 0n;
}

/** A typed price ("4", "3.5", "0.1234") shown with at least two places ("4.00", "3.50", "0.1234"). */
export function displayPrice(dec: string): string {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(dec.trim());
  if (!m) return dec;
  return `${m[1]}.${(m[2] ?? '').padEnd(2, '0')}`;
}

/** Two quantities added ("4" + "1.5" → "5.5"), trailing zeros dropped; null when either has
 *  more than 2 places (powders by the gram are rare; merging them is not worth a wrong quantity). */
export function addQuantities(a: string, b: string): string | null {
  const TWO = /^\d{1,12}(\.\d{1,2})?$/;
  if (!TWO.test(a) || !TWO.test(b)) return null;
  const sum = scaledLineFen(parseScaled(a)!, SCALE) + scaledLineFen(parseScaled(b)!, SCALE);
  const text = twoPlaces(sum);
  return text.replace(/\.?0+$/, '');
}

/** A scaled ratio (×10^4) for people: 9000n → "90%", 1250n → "12.5%". */
export function percent(scaled: bigint): string {
  // scaled / 10^4 × 100 = scaled / 100
  const whole = scaled / 100n;
  const rest = scaled % 100n;
  return rest === 0n ? `${whole}%` : `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}%`;
}
