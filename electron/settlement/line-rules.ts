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

/** The mapping state of a clinic item that cannot go to the center, in the cashier's words. */
const MAPPING_STATE_WORDS: Readonly<Record<string, string>> = {
  unmapped: '未对照',
  uploading: '对照上传中，中心尚未确认',
  pending: '对照已修改，待上传',
  rejected: '对照被中心拒绝',
};

/**
 * National protocol: every line's code must have a national code the center confirmed (对照,
 * 3301), or the center would refuse the line at 2204. Refused before anything is looked up or
 * written, naming the first such line (every one in `details.lines`), so the window marks it as
 * it marks a line without a price.
 */
export function assertLinesMapped(
  items: readonly { code: string; name?: string }[],
  unmapped: (codes: readonly string[]) => readonly { clinicCode: string; state: string }[],
): void {
  const bad = new Map(unmapped(items.map((i) => i.code)).map((u) => [u.clinicCode, u.state]));
  if (!bad.size) return;
  const lines = items.flatMap((it, i) => (bad.has(it.code) ? [{ lineNo: i + 1, code: it.code, state: bad.get(it.code)! }] : []));
  const first = lines[0]!;
  const name = items[first.lineNo - 1]!.name;
  const more = lines.length > 1 ? `（另有第 ${lines.slice(1).map((l) => l.lineNo).join('、')} 行）` : '';
  throw new AppError(
    'MAPPING_UNMAPPED_LINE',
    `第 ${first.lineNo} 行（${first.code}${name ? ` ${name}` : ''}）没有中心确认的医保目录对照（${MAPPING_STATE_WORDS[first.state] ?? first.state}）${more}：请在目录对照中完成对照并待中心确认后再结算，或按自费处理。`,
    { lineNo: first.lineNo, code: first.code, field: 'mapping', state: first.state, lines },
  );
}
