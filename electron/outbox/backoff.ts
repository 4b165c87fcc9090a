// Retry spacing for uploads. PURE. Exponential from `baseMs`, capped at `capMs`, with "equal
// jitter" (half fixed, half random) so a clinic full of clients coming back online at the same
// moment does not hammer the center in lockstep.
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 2_000, capMs: 5 * 60_000 };

/** Delay before attempt number `attempts + 1`, given `attempts` already made (≥ 1). */
export function backoffDelay(attempts: number, opts: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exp = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, Math.min(30, attempts - 1)));
  return Math.round(exp / 2 + random() * (exp / 2));
}
