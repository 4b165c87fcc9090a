// Fen ↔ yuan strings at the shift part's edges (CLI, CSV, PDF, printed report). Exact: no floats.
import { AppError } from '../api/result';

/** 123456 → "1234.56", -5 → "-0.05". */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(fen);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** "12.5" / "12.50" / "12" / "-3.05" → fen; anything else is an AppError. */
export function parseYuan(s: string): number {
  const m = /^(-?)(\d{1,11})(?:\.(\d{1,2}))?$/.exec(s.trim());
  if (!m) throw new AppError('INVALID_AMOUNT', `金额格式不正确：${s}（应为元，最多两位小数，如 12.50）。`, { value: s });
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}
