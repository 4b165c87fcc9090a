// The benchmark harness: each test/bench/*.bench.ts exports `benches`; `npm run bench` runs
// them all (or those whose name contains argv[2]) and prints one table with the machine.
import { performance } from 'node:perf_hooks';

export interface BenchFigure {
  /** e.g. "split: 200-line bill". */
  name: string;
  median?: number;
  p99?: number;
  /** Unit of median/p99, e.g. "ms". */
  unit?: string;
  /** Operations per second, when the figure is a throughput. */
  throughput?: number;
  /** The target, shown beside the figure, e.g. "median ≤ 1 ms". */
  target?: string;
  /** Whether the figure meets the target (undefined: no target). */
  meets?: boolean;
  note?: string;
}

export interface Bench {
  name: string;
  run(): Promise<BenchFigure[]>;
}

export interface Timing {
  median: number;
  p99: number;
  samples: number[];
}

/** Time `fn` `iterations` times after `warmup` runs; milliseconds. */
export async function time(fn: () => unknown, iterations: number, warmup = Math.min(20, iterations)): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return { ...percentiles(samples), samples };
}

export function percentiles(samples: number[]): { median: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))] ?? NaN;
  return { median: at(0.5), p99: at(0.99) };
}
