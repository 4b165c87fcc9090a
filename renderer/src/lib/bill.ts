// The bill being built at the window: pure operations on its lines (tested without a DOM).
import { addQuantities, displayPrice, isQuantity, lineAmountFen, parseScaled, SCALE } from '../../../electron/api/money';

export interface BillLine {
  code: string;
  name: string;
  /** Catalog class when known (from the search hit or the preview's split). */
  cls: 'A' | 'B' | 'C' | null;
  /** Yuan decimal string, as the contract wants it. */
  unitPrice: string;
  quantity: string;
  ownPay?: boolean;
  /** Price cap in yuan from the catalog, to warn before settling. */
  priceCap?: string;
  /** A drug (catalog kind): it needs one traceability code per package (docs/TRACEABILITY.md). */
  drug?: boolean;
  /** The codes scanned for this line, as the main process kept them (trace.check). */
  traceCodes?: string[];
  /** Old stock without codes (无码): the cashier's reason. */
  noCodeReason?: string;
}

export interface Bill {
  lines: BillLine[];
  selected: number;
}

export const emptyBill: Bill = { lines: [], selected: -1 };

/** Add a line; the same code at the same price adds to its quantity instead. The touched line is selected. */
export function addLine(bill: Bill, line: BillLine): Bill {
  const i = bill.lines.findIndex((l) => l.code === line.code && l.unitPrice === line.unitPrice && !!l.ownPay === !!line.ownPay);
  if (i >= 0) {
    const cur = bill.lines[i]!;
    const q = addQuantities(cur.quantity, line.quantity);
    const lines = bill.lines.slice();
    lines[i] = { ...cur, quantity: q ?? cur.quantity };
    return { lines, selected: i };
  }
  return { lines: [...bill.lines, line], selected: bill.lines.length };
}

export function removeSelected(bill: Bill): Bill {
  if (bill.selected < 0 || bill.selected >= bill.lines.length) return bill;
  const lines = bill.lines.filter((_, i) => i !== bill.selected);
  return { lines, selected: Math.min(bill.selected, lines.length - 1) };
}

export function moveSelection(bill: Bill, delta: number): Bill {
  if (bill.lines.length === 0) return { ...bill, selected: -1 };
  const selected = Math.max(0, Math.min(bill.lines.length - 1, (bill.selected < 0 ? 0 : bill.selected) + delta));
  return { ...bill, selected };
}

/** Set the selected line's quantity; refused (unchanged, false) when it is not a positive decimal. */
export function setQuantity(bill: Bill, quantity: string): { bill: Bill; ok: boolean } {
  const q = quantity.trim();
  if (bill.selected < 0 || !isQuantity(q)) return { bill, ok: false };
  const lines = bill.lines.slice();
  lines[bill.selected] = { ...lines[bill.selected]!, quantity: q };
  return { bill: { ...bill, lines }, ok: true };
}

/** Set the selected line's unit price (yuan, up to 4 places). */
export function setUnitPrice(bill: Bill, price: string): { bill: Bill; ok: boolean } {
  const p = price.trim();
  // A price of 0 is no price: refused as typed, as at settling (isQuantity = a positive decimal).
  if (bill.selected < 0 || !isQuantity(p)) return { bill, ok: false };
  const lines = bill.lines.slice();
  // Kept as the receipt will print it: at least two places ("4" → "4.00").
  lines[bill.selected] = { ...lines[bill.selected]!, unitPrice: displayPrice(p) };
  return { bill: { ...bill, lines }, ok: true };
}

/** Sum of the lines' amounts in fen (null if any line is malformed). */
export function billTotalFen(lines: BillLine[]): number | null {
  let sum = 0;
  for (const l of lines) {
    const a = lineAmountFen(l.unitPrice, l.quantity);
    if (a === null) return null;
    sum += a;
  }
  return sum;
}

/** Whether a line's unit price is above its catalog cap (the excess becomes self-pay). */
export function overPriceCap(line: BillLine): boolean {
  if (!line.priceCap || line.ownPay) return false;
  const p = lineAmountFen(line.unitPrice, '1');
  const c = lineAmountFen(line.priceCap, '1');
  return p !== null && c !== null && p > c;
}

/**
 * The first line that cannot be settled as it is: no positive unit price (a catalog item without
 * a price cap, added as 0 until the cashier types one) or no positive quantity. The main process
 * refuses such a settle too (LINE_PRICE_NOT_POSITIVE / LINE_QUANTITY_NOT_POSITIVE).
 */
export function firstUnpayableLine(lines: BillLine[]): { index: number; field: 'price' | 'quantity' } | null {
  for (let index = 0; index < lines.length; index++) {
    const l = lines[index]!;
    if (!isQuantity(l.unitPrice)) return { index, field: 'price' };
    if (!isQuantity(l.quantity)) return { index, field: 'quantity' };
  }
  return null;
}

/** Packages a line sells (its quantity rounded up: 1.5 boxes open a second box); 0 if no quantity. */
export function packagesOf(quantity: string): number {
  const q = parseScaled(quantity.trim());
  if (q === null || q <= 0n) return 0;
  return Number((q + SCALE - 1n) / SCALE);
}

/** Every code scanned in the bill (a package is scanned once per bill). */
export function billCodes(bill: Bill): string[] {
  return bill.lines.flatMap((l) => l.traceCodes ?? []);
}

/** Whether a drug line still needs codes: fewer than its packages and not recorded as without codes. */
export function needsCodes(line: BillLine): boolean {
  return !!line.drug && !line.noCodeReason && (line.traceCodes?.length ?? 0) < packagesOf(line.quantity);
}

/** The line a scan goes to: the selected line if it is a drug that needs codes, else the first that does; -1 if none. */
export function lineForScan(bill: Bill): number {
  const sel = bill.lines[bill.selected];
  if (sel && needsCodes(sel)) return bill.selected;
  return bill.lines.findIndex(needsCodes);
}

/** The bill with `code` added to line `index` (which becomes the selected one). */
export function addCode(bill: Bill, index: number, code: string): Bill {
  const lines = bill.lines.slice();
  const l = lines[index]!;
  lines[index] = { ...l, traceCodes: [...(l.traceCodes ?? []), code] };
  return { lines, selected: index };
}

/** The selected line recorded as old stock without codes (its codes, if any, dropped). */
export function setNoCode(bill: Bill, reason: string): Bill {
  const l = bill.lines[bill.selected];
  if (!l || !l.drug) return bill;
  const lines = bill.lines.slice();
  lines[bill.selected] = { ...l, traceCodes: [], noCodeReason: reason };
  return { ...bill, lines };
}

/** The selected line's last code taken off (a wrong scan). */
export function removeLastCode(bill: Bill): Bill {
  const l = bill.lines[bill.selected];
  if (!l?.traceCodes?.length) return bill;
  const lines = bill.lines.slice();
  lines[bill.selected] = { ...l, traceCodes: l.traceCodes.slice(0, -1) };
  return { ...bill, lines };
}

/** The first drug line that cannot be settled yet for want of codes (when codes are required). */
export function firstUntracedLine(lines: BillLine[]): number {
  return lines.findIndex(needsCodes);
}
