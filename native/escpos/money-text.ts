// Fen (integer) to a yuan string for print: 2344246 → "23442.46", -150 → "-1.50".
export function fenText(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`amount must be integer fen, got ${fen}`);
  const neg = fen < 0;
  const a = Math.abs(fen);
  const s = `${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
  return neg ? '-' + s : s;
}
