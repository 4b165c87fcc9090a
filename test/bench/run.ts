// `npm run bench [filter]`: runs every test/bench/*.bench.ts and prints one table.
import { readdirSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Bench, BenchFigure } from './harness';

const filter = process.argv[2] ?? '';
const dir = import.meta.dirname;
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}, node ${process.version}`);

const rows: BenchFigure[] = [];
for (const f of files) {
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { benches: Bench[] };
  for (const b of mod.benches) {
    if (filter && !b.name.includes(filter)) continue;
    process.stderr.write(`running ${b.name}…\n`);
    rows.push(...(await b.run()));
  }
}

const fmt = (n: number | undefined, digits = 3) => (n === undefined ? '' : n >= 100 ? n.toFixed(0) : n.toPrecision(digits));
const table = rows.map((r) => ({
  figure: r.name,
  median: r.median === undefined ? '' : `${fmt(r.median)} ${r.unit ?? 'ms'}`,
  p99: r.p99 === undefined ? '' : `${fmt(r.p99)} ${r.unit ?? 'ms'}`,
  'throughput/s': fmt(r.throughput),
  target: r.target ?? '',
  ok: r.meets === undefined ? '' : r.meets ? 'yes' : 'NO',
  note: r.note ?? '',
}));
console.table(table);
