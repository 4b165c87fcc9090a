// Counting a drawer: denominations are data (the contract's DENOMINATIONS), counts are validated.
import { DENOMINATIONS, type DenominationCount } from '../api/contract/shift';
import { AppError } from '../api/result';

/** Total in fen of a count by denomination; refuses unknown denominations and repeats. */
export function countTotal(counts: DenominationCount[]): number {
  const seen = new Set<number>();
  let total = 0;
  for (const c of counts) {
    if (!(DENOMINATIONS as readonly number[]).includes(c.denomination)) {
      throw new AppError('INVALID_DENOMINATION', `面额 ${c.denomination} 分不是人民币面额。`, { denomination: c.denomination });
    }
    if (seen.has(c.denomination)) {
      throw new AppError('INVALID_DENOMINATION', `面额 ${c.denomination} 分重复填写，请每种面额只填一行。`, { denomination: c.denomination });
    }
    if (!Number.isInteger(c.count) || c.count < 0) {
      throw new AppError('INVALID_COUNT', `面额 ${c.denomination} 分的张数必须是非负整数。`, { denomination: c.denomination });
    }
    seen.add(c.denomination);
    total += c.denomination * c.count;
  }
  return total;
}

/** The counts sorted largest first with zero rows dropped, as stored and printed. */
export function normalizeCounts(counts: DenominationCount[]): DenominationCount[] {
  return counts.filter((c) => c.count > 0).sort((a, b) => b.denomination - a.denomination);
}

/** "100元" / "5角" / "2分" for a denomination in fen. */
export function denominationLabel(fen: number): string {
  if (fen >= 100) return `${fen / 100}元`;
  if (fen >= 10) return `${fen / 10}角`;
  return `${fen}分`;
}
