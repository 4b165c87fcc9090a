// Exact decimals for the split: every decimal of the model has at most 4 places, so it is
// held as a bigint scaled by 10^4. Rounding is half up, and only where the caller asks.

export const SCALE = 10_000n;
const DECIMAL = /^\d{1,12}(\.\d{1,4})?$/;

/** "12.3456" → 123456n; anything that is not digits with ≤ 4 places → null. */
export function parseScaled(s: unknown): bigint | null {
  if (typeof s !== 'string' || !DECIMAL.test(s)) return null;
  const [int, frac = ''] = s.split('.');
  return BigInt(int!) * SCALE + BigInt(frac.padEnd(4, '0'));
}

/** Round a non-negative value n/d half up to an integer. */
export function roundHalfUp(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d);
}

/** fen → "123.45" (for explanation text; fen may be negative). */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(fen);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** Scaled ratio → "90%" / "12.5%". */
export function percent(scaled: bigint): string {
  // scaled / 10^4 × 100 = scaled / 100
  const whole = scaled / 100n;
  const rest = scaled % 100n;
  return rest === 0n ? `${whole}%` : `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}%`;
}
