// Policy benchmarks (issue 3): split of a 200-line bill, import of a 300,000-entry table,
// a 1,000-entry delta, catalog search over 300,000 entries, and resident memory with the
// large table loaded. The table comes from the seeded generator, so runs are comparable.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../../electron/app/clock';
import { z } from 'zod';
import { openDatabase } from '../../electron/db/open';
import { many, values } from '../../electron/db/sql';
import { generatePolicyDelta, generatePolicyTable, rng } from '../../electron/policy/generate';
import { CatalogSearch } from '../../electron/policy/search';
import { computeSplit } from '../../electron/policy/split';
import type { BillItem, Patient, PolicyTable, Visit } from '../../electron/policy/split/types';
import { PolicyStore } from '../../electron/policy/store';
import { percentiles, time, type Bench, type BenchFigure } from './harness';

const ENTRIES = Number(process.env.POLICY_BENCH_ENTRIES ?? 300_000);
const SEED = 20260101;
const DELTAS = 40;
const DELTA_WARMUPS = 3;
/**
 * WAL checkpoints in a worker thread, as createApp opens the database (electron/db/checkpointer.ts);
 * POLICY_BENCH_CHECKPOINTER=0 measures the old way (auto-checkpoint inside the commits).
 */
const CHECKPOINTER = process.env.POLICY_BENCH_CHECKPOINTER !== '0';
const DELTA_PAUSE_MS = Number(process.env.POLICY_BENCH_DELTA_PAUSE_MS ?? 0);
const CHECKPOINTS = CHECKPOINTER ? 'checkpoints in the worker thread' : 'auto-checkpoint in the commits';

/**
 * CPU time of the calling thread in ms (Linux: /proc/thread-self/schedstat, ns), so the
 * checkpointer thread's work is not counted as the delta's; elsewhere the whole process's.
 */
const THREAD_CPU = '/proc/thread-self/schedstat';
function threadCpuMs(): number {
  if (existsSync(THREAD_CPU)) return Number(readFileSync(THREAD_CPU, 'utf8').split(' ')[0]) / 1e6;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Applies DELTA_WARMUPS + DELTAS generated 1,000-entry deltas one after another (each on the
 * seq in force) and reports wall and CPU time; `live` is updated to the codes in force.
 */
async function deltaFigure(name: string, store: PolicyStore, live: Set<string>, extraNote: string): Promise<BenchFigure> {
  const first = store.currentSeq();
  const dms: number[] = [];
  const dcpu: number[] = [];
  const process0 = process.cpuUsage();
  // Enough deltas that the p99 sees the FTS5 segment merges and (without the checkpointer)
  // the WAL auto-checkpoint about every second delta, not only the quiet commits.
  for (let k = 0; k < DELTA_WARMUPS + DELTAS; k++) {
    const d = generatePolicyDelta({ seed: 100 + k, fromSeq: first + k, changes: 1000, existingCodes: [...live] });
    for (const c of d.catalogDeletes) live.delete(c);
    for (const e of d.catalogUpserts) live.add(e.code);
    const c = threadCpuMs();
    const t = performance.now();
    store.applyDelta(d);
    dms.push(performance.now() - t);
    dcpu.push(threadCpuMs() - c);
    // A turn of the event loop, so the checkpoint worker's "copy the tail" message is taken
    // (a loop that never yields leaves the WAL to the main connection's 10,000-frame bound
    // every ~11 deltas). POLICY_BENCH_DELTA_PAUSE_MS spaces the deltas out instead, nearer the
    // app, where one sync applies one delta and syncs are minutes apart (a colder CPU then).
    await new Promise((res) => (DELTA_PAUSE_MS > 0 ? setTimeout(res, DELTA_PAUSE_MS) : setImmediate(res)));
  }
  const processCpu = process.cpuUsage(process0);
  const processCpuMs = (processCpu.user + processCpu.system) / 1000;
  const dp = percentiles(dms.slice(DELTA_WARMUPS));
  const cp = percentiles(dcpu.slice(DELTA_WARMUPS));
  return {
    name,
    median: dp.median,
    p99: dp.p99,
    unit: 'ms',
    target: '≤ 50 ms',
    meets: dp.median <= 50,
    note: `${DELTAS} deltas after ${DELTA_WARMUPS} warm-ups${DELTA_PAUSE_MS > 0 ? `, ${DELTA_PAUSE_MS} ms apart` : ''}, ${CHECKPOINTS}; CPU (this thread) median ${cp.median.toFixed(1)} ms, p99 ${cp.p99.toFixed(1)} ms; process CPU incl. other threads ${(processCpuMs / (DELTA_WARMUPS + DELTAS)).toFixed(1)} ms/delta; load ${loadavg()[0]!.toFixed(1)}${extraNote}`,
  };
}

/** A 200-line outpatient bill over a table, with prices around and above the caps. */
function bill(table: PolicyTable, lines: number, seed: number): BillItem[] {
  const r = rng(seed);
  return Array.from({ length: lines }, () => {
    const e = table.catalog[Math.floor(r() * table.catalog.length)]!;
    return { code: e.code, unitPrice: (r() * 300 + 0.5).toFixed(4), quantity: String(1 + Math.floor(r() * 5)) };
  });
}
const patient: Patient = { insuranceType: 'employee', personGroup: 'active', status: 'active', accountBalance: 500_000, accumulators: { 'emp-outpatient': { eligible: 150_000, fundPaid: 20_000 } } };
const visit: Visit = { visitType: 'outpatient', hospitalLevel: 2, date: '2026-03-15', diagnoses: ['E11.900'] };

const splitBench: Bench = {
  name: 'policy: split of a 200-line bill',
  async run() {
    const full = generatePolicyTable({ seed: SEED, entries: 5000 });
    const items = bill(full, 200, 1);
    // What tableFor hands the engine: only the bill's entries.
    const codes = new Set(items.map((i) => i.code));
    const table = { ...full, catalog: full.catalog.filter((e) => codes.has(e.code)) };
    const check = computeSplit(table, patient, visit, items);
    if (!check.ok) throw new Error(check.error.code);
    const t = await time(() => computeSplit({ ...table, catalog: [...table.catalog] }, patient, visit, items), 2000, 200);
    return [{ name: 'split: 200-line bill (engine)', median: t.median, p99: t.p99, unit: 'ms', target: 'median ≤ 1 ms', meets: t.median <= 1 }];
  },
};

const storeBench: Bench = {
  name: 'policy: import, delta, search, memory (300k)',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'policy-bench-'));
    const figures: BenchFigure[] = [];
    try {
      const { db, checkpointer } = openDatabase({ file: join(dir, 'cashier.db'), backgroundCheckpoint: CHECKPOINTER });
      // As in the app, where the database opens long before any import: the worker is up.
      await checkpointer?.ready;
      const store = new PolicyStore(db, systemClock);
      // The file as it arrives: a JSON string. Generating it is not part of the import.
      let text: string | null = JSON.stringify(generatePolicyTable({ seed: SEED, entries: ENTRIES }));
      const tableFile = join(dir, 'table.json');
      writeFileSync(tableFile, text);
      const mb = (text.length / 2 ** 20).toFixed(0);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      store.applyTable(JSON.parse(text));
      const importMs = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      text = null;
      figures.push({
        name: `import: ${ENTRIES.toLocaleString('en')} entries (parse, validate, pinyin, insert, FTS)`,
        median: importMs,
        unit: 'ms',
        throughput: (ENTRIES / importMs) * 1000,
        target: '≥ 100,000 entries/s',
        meets: (ENTRIES / importMs) * 1000 >= 100_000,
        note: `${mb} MiB JSON, one transaction; CPU ${cpuMs.toFixed(0)} ms = ${Math.round((ENTRIES / cpuMs) * 1000).toLocaleString('en')} entries per CPU-second; load ${loadavg()[0]!.toFixed(1)}`,
      });

      // Deltas, one after another, each on the seq in force.
      const live = new Set(values(db, 'SELECT code FROM catalog_entries', {}, z.string()));
      figures.push(await deltaFigure('delta: 1,000 entries (validate, close, insert, FTS, commit)', store, live, ''));

      // The same on an encrypted file, as the app opens it (create-app passes the key): every
      // page read is decrypted and every page written, to the WAL and by the checkpoint, is
      // encrypted, so the pages a delta dirties cost more here.
      {
        const { db: enc, checkpointer: encCheckpointer } = openDatabase({ file: join(dir, 'encrypted.db'), key: 'policy-bench-key', backgroundCheckpoint: CHECKPOINTER });
        await encCheckpointer?.ready;
        const encStore = new PolicyStore(enc, systemClock);
        const json = readFileSync(tableFile, 'utf8');
        const ti = performance.now();
        encStore.applyTable(JSON.parse(json));
        const encImportMs = performance.now() - ti;
        const encLive = new Set(values(enc, 'SELECT code FROM catalog_entries', {}, z.string()));
        figures.push(await deltaFigure('delta on the encrypted database (as the app runs)', encStore, encLive, `; its import took ${encImportMs.toFixed(0)} ms`));
        await encCheckpointer?.close();
        enc.close();
      }

      const search = new CatalogSearch(db, store);
      const r = rng(7);
      const names = many(db, 'SELECT name, pinyin, code FROM catalog_entries WHERE id NOT IN (SELECT id FROM catalog_closed) LIMIT 5000', {}, z.object({ name: z.string(), pinyin: z.string(), code: z.string() }));
      const queries: string[] = [];
      for (let i = 0; i < 2000; i++) {
        const n = names[Math.floor(r() * names.length)]!;
        const chars = Array.from(n.name);
        const kind = i % 5;
        const start = Math.floor(r() * Math.max(1, chars.length - 2));
        const len = 1 + (i % 3);
        // As typed: code prefixes, initials, name prefixes, substrings of 1–3 characters.
        queries.push(
          kind === 0 ? n.code.slice(0, 3 + (i % 8)) : kind === 1 ? n.pinyin.slice(0, 2 + (i % 4)) : kind === 2 ? chars.slice(0, len).join('') : chars.slice(start, start + len).join(''),
        );
      }
      let q = 0;
      const st = await time(() => search.search(queries[q++ % queries.length]!, 20), queries.length, 100);
      figures.push({ name: `search: ${ENTRIES.toLocaleString('en')} entries, 20 hits, mixed as-you-type queries`, median: st.median, p99: st.p99, unit: 'ms', target: 'p99 ≤ 10 ms', meets: st.p99 <= 10 });
      // Initials from inside the name ("xljn" for 阿莫西林胶囊 = amxljn): the whole-initials and
      // prefix searches find fewer than 20, so the inner-initials index (catalog_initials_inner) is read too.
      const inner = names
        .filter((n) => n.pinyin.length >= 4)
        .slice(0, 2000)
        .map((n, i) => n.pinyin.slice(1 + (i % Math.min(3, n.pinyin.length - 3)), n.pinyin.length - (i % 2)));
      let qi = 0;
      const si = await time(() => search.search(inner[qi++ % inner.length]!, 20), inner.length, 100);
      figures.push({ name: `search: initials inside the name (${inner.length} queries)`, median: si.median, p99: si.p99, unit: 'ms', target: 'p99 ≤ 10 ms', meets: si.p99 <= 10, note: 'after whole-initials and prefix matches: the second FTS5 index' });

      const tf = await time(() => store.tableFor('2026-03-15', [...live].slice(1000, 1200)), 200, 20);
      figures.push({ name: 'tableFor: 200 codes from the large table', median: tf.median, p99: tf.p99, unit: 'ms', note: 'what a settlement reads before the split' });
      await checkpointer?.close();
      db.close();

      // Resident memory of a fresh process holding the loaded table: the app-side view.
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', rssProbe(join(dir, 'cashier.db'))], { encoding: 'utf8', cwd: process.cwd() });
      const rss = Number(/RSS=(\d+)/.exec(child.stdout)?.[1] ?? NaN) / 2 ** 20;
      figures.push({ name: 'memory: process with the large table loaded, after searches and splits', median: rss, unit: 'MiB', target: '< 300 MB', meets: rss < 300, note: child.status === 0 ? 'catalog in SQLite, no JS array' : `probe failed: ${child.stderr.slice(0, 200)}` });

      // The same, in a process that imported the 300k file itself (peak and after).
      const imp = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', importProbe(join(dir, 'import.db'), tableFile)], { encoding: 'utf8', cwd: process.cwd() });
      const after = Number(/RSS=(\d+)/.exec(imp.stdout)?.[1] ?? NaN) / 2 ** 20;
      const peak = Number(/PEAK=(\d+)/.exec(imp.stdout)?.[1] ?? NaN) / 1024;
      figures.push({ name: 'memory: process that imported the 300k file, after import and searches', median: after, unit: 'MiB', target: '< 300 MB', meets: after < 300, note: imp.status === 0 ? `peak during import ${peak.toFixed(0)} MiB (the parsed JSON is transient)` : `probe failed: ${imp.stderr.slice(0, 200)}` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
};

/** Code run in a child: open the database as the app does, search and split as a cashier would, print RSS. */
function rssProbe(file: string): string {
  return `
    import { openDatabase } from './electron/db/open.ts';
    import { PolicyStore } from './electron/policy/store.ts';
    import { CatalogSearch } from './electron/policy/search.ts';
    import { computeSplit } from './electron/policy/split/index.ts';
    import { systemClock } from './electron/app/clock.ts';
    const { db, checkpointer } = openDatabase({ file: ${JSON.stringify(file)}, backgroundCheckpoint: ${CHECKPOINTER} });
    await checkpointer?.ready;
    const store = new PolicyStore(db, systemClock);
    const search = new CatalogSearch(db, store);
    for (const q of ['amx', '胶囊', '阿莫西林', 'X', '一次性', 'tbf', '25', '片']) search.search(q, 50);
    const codes = db.prepare('SELECT code FROM catalog_entries WHERE id NOT IN (SELECT id FROM catalog_closed) LIMIT 200').pluck().all();
    const { table } = store.tableFor('2026-03-15', codes);
    const items = codes.map((code) => ({ code, unitPrice: '12.34', quantity: '2' }));
    computeSplit(table, { insuranceType: 'employee', personGroup: 'active', status: 'active', accountBalance: 0 }, { visitType: 'outpatient', hospitalLevel: 1, date: '2026-03-15' }, items);
    console.log('RSS=' + process.memoryUsage().rss);
    await checkpointer?.close();
  `;
}

/** Code run in a child: import the table file as `policy import` would, search, print RSS and peak. */
function importProbe(file: string, tableFile: string): string {
  return `
    import { readFileSync } from 'node:fs';
    import { openDatabase } from './electron/db/open.ts';
    import { PolicyStore } from './electron/policy/store.ts';
    import { CatalogSearch } from './electron/policy/search.ts';
    import { systemClock } from './electron/app/clock.ts';
    const { db, checkpointer } = openDatabase({ file: ${JSON.stringify(file)}, backgroundCheckpoint: ${CHECKPOINTER} });
    await checkpointer?.ready;
    const store = new PolicyStore(db, systemClock);
    store.applyTable(JSON.parse(readFileSync(${JSON.stringify(tableFile)}, 'utf8')));
    const search = new CatalogSearch(db, store);
    for (const q of ['amx', '胶囊', '阿莫西林', 'X', '一次性', 'tbf', '25', '片']) search.search(q, 50);
    await new Promise((r) => setTimeout(r, 200));
    console.log('RSS=' + process.memoryUsage().rss + ' PEAK=' + process.resourceUsage().maxRSS);
    await checkpointer?.close();
  `;
}

export const benches: Bench[] = [splitBench, storeBench];
