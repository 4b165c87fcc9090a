// Money and ratios on the wire: yuan as decimal strings with two places, integer fen inside.
// PURE. Conversions are exact string/integer arithmetic: never a binary float for money.
import { AppError } from '../../api/result';

const YUAN = /^(-?)(\d{1,13})\.(\d{2})$/;

/** 2344246 → "23442.46"; -5 → "-0.05". Throws on a non-integer or unsafe number. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) {
    throw new AppError('MONEY_INVALID', `金额必须是整数分：${String(fen)}`, { fen });
  }
  const neg = fen < 0;
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${neg ? '-' : ''}${yuan}.${cents.toString().padStart(2, '0')}`;
}

/** "23442.46" → 2344246. Anything but a decimal string with exactly two places throws. */
export function yuanToFen(s: string): number {
  const m = typeof s === 'string' ? YUAN.exec(s) : null;
  if (!m) {
    throw new AppError('MONEY_INVALID', `金额格式不正确（应为两位小数的元，如 "12.30"）：${String(s).slice(0, 40)}`, { value: String(s).slice(0, 40) });
  }
  const fen = Number(m[2]) * 100 + Number(m[3]);
  return m[1] === '-' && fen !== 0 ? -fen : fen;
}

/** Like yuanToFen but returns null instead of throwing, for validating answers. */
export function tryYuanToFen(s: unknown): number | null {
  if (typeof s !== 'string' || !YUAN.test(s)) return null;
  return yuanToFen(s);
}
