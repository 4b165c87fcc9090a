// What a bill line must be before it can be settled: a positive unit price and a positive
// quantity. The contract's decimal accepts "0" (a catalog line without a price arrives as
// "0"); settled as it was, such a line charged ¥0.00 and the patient walked out with goods
// nobody paid for. The window blocks it first; this is the rule the main process enforces
// for every caller (window, CLI, HIS bill, partial refund's re-settle). PURE.
import { AppError } from '../api/result';

/** A decimal string (at most 4 places) is above zero: some digit other than 0. */
export function isPositiveDecimal(dec: string): boolean {
  return /^\d+(\.\d+)?$/.test(dec) && /[1-9]/.test(dec);
}

/** Refuses the first line without a positive price or quantity, naming the line and the field. */
export function assertLinesPayable(items: readonly { code: string; unitPrice: string; quantity: string }[]): void {
  items.forEach((it, i) => {
    const lineNo = i + 1;
    if (!isPositiveDecimal(it.unitPrice)) {
      throw new AppError('LINE_PRICE_NOT_POSITIVE', `第 ${lineNo} 行（${it.code}）没有单价（${it.unitPrice}）：请输入单价后再结算。`, {
        lineNo,
        code: it.code,
        field: 'unitPrice',
      });
    }
    if (!isPositiveDecimal(it.quantity)) {
      throw new AppError('LINE_QUANTITY_NOT_POSITIVE', `第 ${lineNo} 行（${it.code}）数量为 ${it.quantity}：请输入数量后再结算。`, {
        lineNo,
        code: it.code,
        field: 'quantity',
      });
    }
  });
}
