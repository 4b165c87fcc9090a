// Arithmetic on year-to-date accumulators (SPLIT-MODEL.md step 6/10). PURE.
// A settlement stores `after − before` as its delta so that (a) a refund is the exact negation
// and (b) the next settlement can add the deltas the center has not heard of yet.
import type { Accumulators } from '../policy/split/types';

type Pair = { eligible: number; fundPaid: number };

function isPair(v: unknown): v is Pair {
  return typeof v === 'object' && v !== null && 'eligible' in v && 'fundPaid' in v;
}

/** a + sign × b, key by key; absent keys count as 0. */
export function combine(a: Accumulators, b: Accumulators, sign: 1 | -1 = 1): Accumulators {
  const out: Accumulators = {};
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (isPair(x) || isPair(y)) {
      const px = isPair(x) ? x : { eligible: 0, fundPaid: 0 };
      const py = isPair(y) ? y : { eligible: 0, fundPaid: 0 };
      out[k] = { eligible: px.eligible + sign * py.eligible, fundPaid: px.fundPaid + sign * py.fundPaid };
    } else {
      out[k] = (typeof x === 'number' ? x : 0) + sign * (typeof y === 'number' ? y : 0);
    }
  }
  return out;
}

export const difference = (after: Accumulators, before: Accumulators): Accumulators => combine(after, before, -1);
export const negate = (a: Accumulators): Accumulators => combine({}, a, -1);

/** Drop zero entries so stored deltas stay small and comparisons stable. */
export function compact(a: Accumulators): Accumulators {
  const out: Accumulators = {};
  for (const [k, v] of Object.entries(a)) {
    if (isPair(v)) {
      if (v.eligible !== 0 || v.fundPaid !== 0) out[k] = v;
    } else if (typeof v === 'number' && v !== 0) out[k] = v;
  }
  return out;
}
