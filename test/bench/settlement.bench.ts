// Settlement benchmarks (issue 5): the durable settle commit (the real journal path, offline so
// only local work (split, checks, the one transaction, the receipt job) is timed) with 100,000
// prior settlements in the database, then draining the settlements so queued to the sandbox
// center on loopback. The prior rows are seeded with direct SQL in one transaction.
//
// Who the patients are matters for the drain: uploads go in commit order per person, so at
// most one item per person is in the air. By default the sandbox registers 5,000 generated
// persons (a week offline at a clinic sees thousands of distinct patients) and the bills pick
// among them; SETTLE_BENCH_PERSONS=0 uses the 11 settleable demo persons instead (each then
// has ~900 of the 10,000 queued, the worst case for per-person order).
//
// Knobs: SETTLE_BENCH_PRIOR (100,000), SETTLE_BENCH_N (10,000 settles), SETTLE_BENCH_PERSONS
// (5,000; 0 = demo persons), SETTLE_BENCH_CONCURRENCY (8 uploads in the air), SETTLE_BENCH_DRAIN
// (0 = the commit figures only), SETTLE_BENCH_CENTER (inline | process: the sandbox in its own
// process, as a real center is on another machine), SETTLE_BENCH_CHECKPOINTER (0 = auto-checkpoint
// in the commits instead of the checkpoint thread), SETTLE_BENCH_KEY (1 = an encrypted database,
// as the app runs it).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { settleInputSchema, type SettleInput } from '../../electron/api/contract/settlement';
import { generatedPerson, registerGeneratedPersons } from '../../electron/center/sandbox/persons';
import { openDatabase } from '../../electron/db/open';
import { HARD_LIMIT_FRAMES } from '../../electron/db/checkpointer';
import { createApp } from '../../electron/app/create-app';
import { INSTITUTION, ITEMS, prepareClient, randomBill, rng, startCenter } from '../integration/settlement/fixtures';
import { tempDir } from '../helpers/temp-app';
import { percentiles, time, type Bench, type BenchFigure } from './harness';
import { rowCount } from '../helpers/db-rows';
import { value } from '../../electron/db/sql';
import { z } from 'zod';

const PRIOR = Number(process.env.SETTLE_BENCH_PRIOR ?? 100_000);
const N = Number(process.env.SETTLE_BENCH_N ?? 10_000);
const PERSONS = Number(process.env.SETTLE_BENCH_PERSONS ?? 5_000);
const CONCURRENCY = Number(process.env.SETTLE_BENCH_CONCURRENCY ?? 8);
/** 'inline': the sandbox center in this process (the default); 'process': in its own (center-process.ts). */
const CENTER = process.env.SETTLE_BENCH_CENTER === 'process' ? 'process' : 'inline';
const WARMUP = 20;
const KEY = process.env.SETTLE_BENCH_KEY === '1' ? "x'5e771e0000000000000000000000000000000000000000000000000000000001'" : undefined;

/** The sandbox center as the bench uses it, in this process or in its own. */
interface BenchCenter {
  url: string;
  setOffline(offline: boolean): Promise<void>;
  /** Settlements the center holds (kind 'settle'). */
  settled(): number;
  close(): Promise<void>;
}

async function inlineCenter(dir: string): Promise<BenchCenter> {
  const center = await startCenter(dir);
  if (PERSONS > 0) registerGeneratedPersons(center.db, PERSONS, new Date());
  return {
    url: center.url,
    setOffline: async (offline) => void (await center.setOffline(offline)),
    settled: () => rowCount(center.db, 'settlements', "kind = 'settle'"),
    close: () => center.close(),
  };
}

/** CPU time of this (main) thread in ms, apart from the checkpoint thread's (Linux; else NaN). */
function mainThreadCpuMs(): number {
  const f = '/proc/thread-self/schedstat';
  return existsSync(f) ? Number(readFileSync(f, 'utf8').split(' ')[0]) / 1e6 : NaN;
}

/** POST to the center's control endpoint on a fresh connection (no kept-alive socket to go stale). */
function postControl(url: string, body: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`center control: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function processCenter(dir: string): Promise<BenchCenter> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'center-process.ts'), dir, String(PERSONS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`center process exited (${code})`)));
  });
  const { url, controlUrl } = JSON.parse(line) as { url: string; controlUrl: string };
  return {
    url,
    setOffline: (offline) => postControl(`${controlUrl}/faults`, { refuse: offline }),
    settled() {
      const db = new Database(join(dir, 'sandbox-center.db'), { readonly: true });
      try {
        return rowCount(db, 'settlements', "kind = 'settle'");
      } finally {
        db.close();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function seedPrior(file: string): void {
  const { db } = openDatabase({ file, key: KEY });
  const ins = db.prepare(
    `INSERT INTO settlements (id, created_at, created_day, visit_date, operator_id, shift_id, psn_no, psn_name, cert_type,
       cert_no, insutype, insurance_type, person_group, visit_type, hospital_level, policy_seq, online, provisional,
       state, total, full_own_pay, over_limit_self_pay, pre_self_pay, eligible, deductible, fund_pay, co_pay,
       over_cap_self_pay, critical_illness_pay, personal_total, account_pay, cash_pay, center_setl_id, updated_at)
     VALUES (?,?,?,?,'1001','SH-PRIOR',?,'患者','02','110101198001010000','310','employee','active','outpatient',1,1,1,0,'confirmed',?,0,0,0,?,0,?,0,0,0,?,0,?,?,?)`,
  );
  const t0 = Date.parse('2025-01-01T00:00:00Z');
  db.transaction(() => {
    db.prepare(
      `INSERT INTO shifts (id, operator_id, opened_at, opened_day, state, opening_float, opening_counts, closed_at, handover)
       VALUES ('SH-PRIOR','1001','2025-01-01T00:00:00.000Z','2025-01-01','closed',50000,'[]','2025-12-31T00:00:00.000Z','{}')`,
    ).run();
    for (let n = 0; n < PRIOR; n++) {
      const at = new Date(t0 + n * 300_000).toISOString();
      const day = at.slice(0, 10);
      const total = 500 + ((n * 2654435761) >>> 0) % 50_000;
      const fund = Math.floor(total * 0.6);
      ins.run(`PRIOR${String(n).padStart(9, '0')}`, at, day, day, `P${n % 5000}`, total, fund, fund, total - fund, total - fund, `STP${n}`, at);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** An outpatient bill for one of `certNos`, like fixtures.randomBill. */
function billFor(r: () => number, certNos: readonly string[]): SettleInput {
  const certNo = certNos[Math.floor(r() * certNos.length)]!;
  const n = 1 + Math.floor(r() * 3);
  const items = Array.from({ length: n }, () => {
    const it = ITEMS[Math.floor(r() * ITEMS.length)]!;
    return { code: it.code, unitPrice: it.unitPrice, quantity: String(1 + Math.floor(r() * 3)) };
  });
  return { person: { certType: '02', certNo }, visit: { visitType: 'outpatient' }, items, useAccount: r() < 0.7 };
}

/**
 * The floor on this disk right now: one-row durable commits (WAL, synchronous=FULL) to a
 * scratch file beside the client's. Reported with the figures because under load the disk's
 * flush time, not our code, is what moves them.
 */
function bareCommit(dir: string): { median: number; p99: number } {
  const db = new Database(join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)');
  const ins = db.prepare('INSERT INTO t (v) VALUES (?)');
  const samples: number[] = [];
  for (let i = 0; i < 520; i++) {
    const t0 = performance.now();
    ins.run('x'.repeat(200));
    if (i >= 20) samples.push(performance.now() - t0);
  }
  db.close();
  return percentiles(samples);
}

const who = PERSONS > 0 ? `${PERSONS.toLocaleString('en')} persons` : 'the 11 demo persons';

const settleBench: Bench = {
  name: 'settle: durable commit over 100,000 settlements, drain to sandbox',
  async run() {
    const dir = tempDir('settle-bench-');
    const figures: BenchFigure[] = [];
    const center = CENTER === 'process' ? await processCenter(join(dir, 'center')) : await inlineCenter(join(dir, 'center'));
    mkdirSync(join(dir, 'client'), { recursive: true });
    const s0 = performance.now();
    seedPrior(join(dir, 'client', 'cashier.db'));
    const seedMs = performance.now() - s0;
    // As fixtures.openClient, plus SETTLE_BENCH_CHECKPOINTER=0 for the main connection's
    // auto-checkpoint instead of createApp's checkpoint thread (to compare the two).
    const app = await createApp({
      dataDir: join(dir, 'client'),
      runtime: 'test',
      env: {},
      // The commit path alone: settle does not wait for the center's answer (centerAnswerWaitSeconds 0).
      flags: { centerUrl: center.url, institutionCode: INSTITUTION.code, institutionSecret: INSTITUTION.secret, offlineLimitPerSettlement: '100000000', offlineLimitPerDay: '100000000000', centerAnswerWaitSeconds: '0' },
      backgroundCheckpoint: process.env.SETTLE_BENCH_CHECKPOINTER !== '0',
      ...(KEY ? { dbKey: KEY } : {}),
    });
    try {
      await prepareClient(app);
      // Generated persons: registered at the center, then each looked up once while online
      // (as a clinic's regular patients would have been) so offline settles find them cached.
      const certNos = Array.from({ length: PERSONS }, (_, i) => generatedPerson(i + 1).person.certno);
      for (const certNo of certNos) await app.center.lookupPerson({ certType: '02', certNo });
      const operator = app.auth.verify('1001', '1234', 'bench');
      await center.setOffline(true);
      await app.center.probeNow();
      const r = rng(20261123);
      const bills = Array.from({ length: N + WARMUP }, () => settleInputSchema.parse(PERSONS > 0 ? billFor(r, certNos) : randomBill(r)));
      const floorBefore = bareCommit(dir);
      let i = 0;
      const cpu0 = process.cpuUsage();
      const mainCpu0 = mainThreadCpuMs();
      const commit = await time(() => app.settlement.settle(bills[i++]!, operator), N, WARMUP);
      const cpu = process.cpuUsage(cpu0);
      const mainCpuPerSettle = (mainThreadCpuMs() - mainCpu0) / (N + WARMUP);
      const cpuPerSettle = (cpu.user + cpu.system) / 1000 / (N + WARMUP);
      const floorAfter = bareCommit(dir);
      const count = rowCount(app.db, 'settlements');
      const persons = value(app.db, "SELECT count(DISTINCT psn_no) FROM outbox WHERE state = 'queued'", {}, z.number().int()) ?? 0;
      // createApp checkpoints the WAL from a worker thread unless that failed (electron/db/checkpointer.ts).
      const checkpoints = `${KEY ? 'encrypted' : 'plain'} file, ${app.db.pragma('wal_autocheckpoint', { simple: true }) === HARD_LIMIT_FRAMES ? 'WAL checkpoints in the worker thread' : 'WAL auto-checkpoint in the commits'}`;
      figures.push({
        name: `settle: durable commit (offline, ${PRIOR.toLocaleString('en')} prior rows, ${who})`,
        median: commit.median,
        p99: commit.p99,
        unit: 'ms',
        target: 'median ≤ 2 ms, p99 ≤ 10 ms',
        meets: commit.median <= 2 && commit.p99 <= 10,
        note: `${N} settles (whole settle() call incl. receipt job), ${count} rows after; seed ${Math.round(seedMs)} ms; CPU ${cpuPerSettle.toFixed(2)} ms/settle (process), ${mainCpuPerSettle.toFixed(2)} (main thread); ${checkpoints}`,
      });
      figures.push({
        name: 'settle: bare durable commit on this disk (floor), before / after the settles',
        median: (floorBefore.median + floorAfter.median) / 2,
        p99: Math.max(floorBefore.p99, floorAfter.p99),
        unit: 'ms',
        note: `before: median ${floorBefore.median.toFixed(2)} p99 ${floorBefore.p99.toFixed(2)}; after: median ${floorAfter.median.toFixed(2)} p99 ${floorAfter.p99.toFixed(2)} (a settle makes 1: settlement with its receipt job)`,
      });

      if (process.env.SETTLE_BENCH_DRAIN === '0') return figures;
      const queued = app.settlement.outboxStatus();
      await center.setOffline(false);
      await app.center.probeNow();
      app.settlement.configureOutbox({ concurrency: CONCURRENCY, backoff: { baseMs: 1000, capMs: 60_000 }, requestTimeoutMs: 5000, pollMs: 20 });
      const t0 = performance.now();
      const dcpu0 = process.cpuUsage();
      const d = await app.settlement.drain({ untilEmpty: true, timeoutMs: 600_000 });
      const dcpu = process.cpuUsage(dcpu0);
      const secs = (performance.now() - t0) / 1000;
      const drained = N + WARMUP - d.remaining;
      const rate = drained / secs;
      const atCenter = center.settled();
      figures.push({
        name: `settle: drain ${N + WARMUP} queued uploads to sandbox (loopback, ${CENTER === 'process' ? 'center in its own process' : 'center in this process'}, ${who}, concurrency ${CONCURRENCY})`,
        throughput: rate,
        target: '≥ 500/s',
        meets: rate >= 500 && d.remaining === 0 && atCenter === N + WARMUP,
        note: `${drained} in ${secs.toFixed(1)} s, remaining ${d.remaining}${d.timedOut ? ', timed out' : ''}; queued before: ${queued.depth} over ${persons} persons; at the center: ${atCenter}; ${d.confirmed} confirmed, ${d.adjusted} adjusted; CPU (${CENTER === 'process' ? 'client only' : 'client + sandbox'}) ${((dcpu.user + dcpu.system) / 1000 / Math.max(1, drained)).toFixed(2)} ms/item`,
      });
      return figures;
    } finally {
      await app.close();
      await center.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export const benches: Bench[] = [settleBench];
