// Numbers on the national wire (NATIONAL-PLATFORM.md §2): money is (16,2) yuan, quantities
// `cnt` (16,4), prices `pric` (16,6), ratios such as `selfpay_prop` (5,4). PURE. We always send
// decimal strings with exactly those places; answers come as strings or as JSON numbers
// depending on the province, and are read exactly from their decimal text — never by float
// arithmetic. Money is integer fen inside (the one conversion lives in electron/api/money.ts).
import { AppError } from '../../../api/result';
import { fenToYuan } from '../../../api/money';

export { fenToYuan };

/** Places of each kind of number, from the spec's (length, places). */
export const PLACES = { money: 2, quantity: 4, price: 6, ratio: 4 } as const;
/** Total digits of a (16,x) field. */
const TOTAL_DIGITS = 16;

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * The decimal text of a string or JSON number, or null. A JSON number's shortest round-trip
 * text is the literal the sender wrote (up to 15 significant digits), so `4.52` reads as
 * "4.52"; exponent forms ("1e+21") are refused.
 */
function decimalText(v: unknown): string | null {
  if (typeof v === 'string') return DECIMAL.test(v) ? v : null;
  if (typeof v === 'number' && Number.isFinite(v)) {
    const s = String(v);
    return DECIMAL.test(s) ? s : null;
  }
  return null;
}

/**
 * A decimal scaled to `places` as an integer (e.g. "4.52", 2 → 452), or null when it has more
 * places than that which are not zeros (no silent rounding), or is not a decimal at all.
 */
export function decimalToScaled(v: unknown, places: number): number | null {
  const s = decimalText(v);
  if (s === null) return null;
  const m = DECIMAL.exec(s)!;
  const frac = m[3] ?? '';
  if (frac.length > places && !/^0+$/.test(frac.slice(places))) return null;
  const digits = (m[2] ?? '') + frac.slice(0, places).padEnd(places, '0');
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) return null;
  return m[1] === '-' && n !== 0 ? -n : n;
}

/** Money in an answer (string or number, up to 2 places) → fen, or null. */
export function moneyToFen(v: unknown): number | null {
  return decimalToScaled(v, PLACES.money);
}

/**
 * A decimal string (a bill's quantity or unit price, ≤ 4 places) as the wire wants it: exactly
 * `places` places, at most 16 digits in all. More places than the field has is an error, not a
 * rounding: the center would compute on a different number than the bill.
 */
export function formatDecimal(value: string, places: number, field: string): string {
  const m = DECIMAL.exec(value);
  const frac = m?.[3] ?? '';
  if (!m || m[1] === '-' || (frac.length > places && !/^0+$/.test(frac.slice(places)))) {
    throw new AppError('NATIONAL_NUMBER_INVALID', `${field} 必须是不超过 ${places} 位小数的非负数：${value.slice(0, 30)}`, { field, value: value.slice(0, 30) });
  }
  const int = (m[2] ?? '').replace(/^0+(?=\d)/, '');
  if (int.length + places > TOTAL_DIGITS) {
    throw new AppError('NATIONAL_NUMBER_INVALID', `${field} 超出长度（16 位，含 ${places} 位小数）：${value.slice(0, 30)}`, { field, value: value.slice(0, 30) });
  }
  return places === 0 ? int : `${int}.${frac.slice(0, places).padEnd(places, '0')}`;
}

export const formatQuantity = (q: string): string => formatDecimal(q, PLACES.quantity, 'cnt');
export const formatPrice = (p: string): string => formatDecimal(p, PLACES.price, 'pric');
export const formatRatio = (r: string): string => formatDecimal(r, PLACES.ratio, 'ratio');

/** A ratio in an answer (e.g. selfpay_prop "0.05" or 0.05) as a decimal string with 4 places, or null. */
export function ratioFromWire(v: unknown): string | null {
  const scaled = decimalToScaled(v, PLACES.ratio);
  if (scaled === null || scaled < 0) return null;
  const s = String(scaled).padStart(PLACES.ratio + 1, '0');
  return `${s.slice(0, -PLACES.ratio)}.${s.slice(-PLACES.ratio)}`;
}
