// Which days of a range differ, asking the center about as few sub-ranges as possible. PURE:
// the asking is a parameter (3201 in reconcile.ts, a table in the tests).

export interface RangeFigures {
  count: number;
  total: number;
  fund: number;
  account: number;
}

const KEYS = ['count', 'total', 'fund', 'account'] as const;

/**
 * Indexes of the days in 0..dayCount-1, a range known to differ (the center's figures for it are
 * `centerWhole`), whose own figures differ. Only the left half of each range is asked: the
 * center's right half is its range total minus the left (totals over disjoint days add up), so
 * each halving costs one exchange. A range that differs while neither half does is returned whole
 * (every day of it is then compared line by line).
 */
export async function daysThatDiffer(
  dayCount: number,
  centerWhole: RangeFigures,
  localOf: (lo: number, hi: number) => RangeFigures,
  askCenter: (lo: number, hi: number) => Promise<{ center: RangeFigures; match: boolean }>,
): Promise<number[]> {
  const pin = async (lo: number, hi: number, centerRange: RangeFigures): Promise<number[]> => {
    if (lo === hi) return [lo];
    const mid = (lo + hi) >> 1;
    const left = await askCenter(lo, mid);
    const rightLocal = localOf(mid + 1, hi);
    const rightCenter = Object.fromEntries(KEYS.map((k) => [k, centerRange[k] - left.center[k]])) as unknown as RangeFigures;
    const rightMatch = KEYS.every((k) => rightCenter[k] === rightLocal[k]);
    const [inLeft, inRight] = await Promise.all([left.match ? [] : pin(lo, mid, left.center), rightMatch ? [] : pin(mid + 1, hi, rightCenter)]);
    if (inLeft.length || inRight.length) return [...inLeft, ...inRight];
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  };
  return pin(0, dayCount - 1, centerWhole);
}
