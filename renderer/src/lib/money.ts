// Money in the UI: integer fen in, "1,234.56" out; typed yuan strings in, integer fen out.
// Never a float: the cashier's figures must match the receipt to the fen.

/** 123456 → "1,234.56"; -50 → "-0.50". */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) return '—';
  const neg = fen < 0;
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = String(abs % 100).padStart(2, '0');
  return `${neg ? '-' : ''}${yuan}.${cents}`;
}

/** What the cashier typed as yuan ("12", "12.5", "12.50") → fen; null when it is not an amount. */
export function parseYuanInput(text: string): number | null {
  const m = /^\s*(\d{1,9})(?:\.(\d{0,2}))?\s*$/.exec(text);
  if (!m) return null;
  const cents = (m[2] ?? '').padEnd(2, '0');
  return Number(m[1]) * 100 + Number(cents);
}

/** A decimal string with at most 4 places as an integer scaled by 10^4 (exact). */
function scaled4(dec: string): bigint | null {
  const m = /^(\d+)(?:\.(\d{1,4}))?$/.exec(dec.trim());
  if (!m) return null;
  return BigInt(m[1]!) * 10000n + BigInt((m[2] ?? '').padEnd(4, '0'));
}

/** round(unitPrice × quantity × 100), half up, as SPLIT-MODEL step 2; null on a bad decimal. */
export function lineAmountFen(unitPrice: string, quantity: string): number | null {
  const p = scaled4(unitPrice);
  const q = scaled4(quantity);
  if (p === null || q === null) return null;
  // p·q is scaled by 10^8; fen = p·q·100 / 10^8 = p·q / 10^6, rounded half up.
  const num = p * q;
  const fen = (num + 500000n) / 1000000n;
  return Number(fen);
}

/** A quantity the cashier typed: a positive decimal with at most 4 places. */
export function isQuantity(text: string): boolean {
  const s = scaled4(text);
  return s !== null && s > 0n;
}

/** Yuan string with 2 places from fen, for inputs sent to calls ("12.50"). */
export function fenToYuanString(fen: number): string {
  return formatFen(fen).replace(/,/g, '');
}

/** A yuan price as typed ("4", "3.5", "0.1234") shown with at least two places ("4.00", "3.50", "0.1234"). */
export function displayPrice(dec: string): string {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(dec.trim());
  if (!m) return dec;
  return `${m[1]}.${(m[2] ?? '').padEnd(2, '0')}`;
}
