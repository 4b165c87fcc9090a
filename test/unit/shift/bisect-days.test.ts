// The reconciliation's day bisection, against a table of per-day figures instead of a center.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysThatDiffer, type RangeFigures } from '../../../electron/shift/bisect-days';

const sum = (xs: RangeFigures[], lo: number, hi: number): RangeFigures => {
  const s = { count: 0, total: 0, fund: 0, account: 0 };
  for (let i = lo; i <= hi; i++) for (const k of ['count', 'total', 'fund', 'account'] as const) s[k] += xs[i]![k];
  return s;
};
const same = (a: RangeFigures, b: RangeFigures) => a.count === b.count && a.total === b.total && a.fund === b.fund && a.account === b.account;

describe('daysThatDiffer', () => {
  it('finds exactly the days that differ, asking once per halving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 92 }), fc.uniqueArray(fc.nat(91), { maxLength: 4 }), async (n, bad) => {
        const wrong = [...new Set(bad.filter((d) => d < n))].sort((a, b) => a - b);
        if (wrong.length === 0) return;
        const local = Array.from({ length: n }, (_, i) => ({ count: 1, total: 100 + i, fund: 50, account: 0 }));
        const center = local.map((f, i) => (wrong.includes(i) ? { ...f, total: f.total + 1 } : f));
        let asked = 0;
        const found = await daysThatDiffer(n, sum(center, 0, n - 1), (lo, hi) => sum(local, lo, hi), async (lo, hi) => {
          asked++;
          return { center: sum(center, lo, hi), match: same(sum(center, lo, hi), sum(local, lo, hi)) };
        });
        expect(found).toEqual(wrong);
        expect(asked).toBeLessThanOrEqual(wrong.length * Math.ceil(Math.log2(n) + 1));
      }),
      { numRuns: 200 },
    );
  });

  it('returns the whole range when the center said it differs but no half does', async () => {
    const zero = { count: 0, total: 0, fund: 0, account: 0 };
    // Same figures, but the center's verdict for the range was "differs" (stmt_rslt ≠ 0).
    const found = await daysThatDiffer(4, zero, () => zero, async () => ({ center: zero, match: true }));
    expect(found).toEqual([0, 1, 2, 3]);
  });
});
