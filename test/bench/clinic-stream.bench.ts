// The clinic stream at a county hospital's scale (issue 18): 50 windows × 500 settlements
// streamed on loopback into a real PostgreSQL (test/helpers/pg-cluster.ts, fsync ON here, unlike
// the tests' cluster), through the real stream code: each window is a real app (createApp: its
// own encrypted SQLite file, migrations, the clinic part with its own login role and pool), and
// its real ClinicStream worker (stream.ts → snapshots.ts → pg-sink.ts) runs as in the window.
//
// The 50 windows live in this one process (50 Electron-sized processes do not fit a 2-core
// machine); the "settle" of each window is a direct SQL insert of a settlement row, then its
// upload answer (provisional → confirmed) a moment later — the same rows and triggers the settle
// path writes (its own cost is the settlement bench's), so the stream sees what it sees at a desk.
//
// Two phases on the same 50 windows:
// - live: every window writes its 500 settlements at a steady pace while its stream runs;
//   the lag of each marker = PostgreSQL's commit of the batch that carried it minus the SQLite
//   commit that made it (observed where the stream forgets markers, which it does right after
//   PostgreSQL's commit). p50/p99 over every marker, and rows/s into PostgreSQL.
// - catch-up: 500 more each with the stream workers stopped (PostgreSQL "down"), then all 50
//   drain at once: rows/s into PostgreSQL while 50 backlogs drain (a clinic after an outage).
// Window SQLite files run with synchronous = OFF (see openWindow).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp, type App } from '../../electron/app/create-app';
import { createClinicDb, type ClinicDb } from '../helpers/clinic-db';
import { pgAvailable, startPgCluster, type PgCluster } from '../helpers/pg-cluster';
import { tempDir } from '../helpers/temp-app';
import { percentiles, type Bench, type BenchFigure } from './harness';

const WINDOWS = Number(process.env.CLINIC_STREAM_WINDOWS ?? 50);
const PER_WINDOW = Number(process.env.CLINIC_STREAM_SETTLEMENTS ?? 500);
/** One settlement per window every PACE_MS in the live phase (50 windows: ~420 settlements/s clinic-wide). */
const PACE_MS = Number(process.env.CLINIC_STREAM_PACE_MS ?? 120);
const CLINIC_KEY = 'cd'.repeat(32);
const DB_KEY = 'ef'.repeat(32);

interface BenchWindow {
  no: string;
  app: App;
  written: number;
  /** Lag of every marker carried to PostgreSQL (ms). */
  lags: number[];
  insert(n: number): void;
  confirm(n: number): void;
}

async function openWindow(dir: string, no: string, url: string): Promise<BenchWindow> {
  const app = await createApp({
    dataDir: join(dir, `w${no}`),
    runtime: 'test',
    env: {},
    dbKey: DB_KEY,
    flags: { terminalNo: no, clinicDatabaseUrl: url, clinicKey: CLINIC_KEY },
  });
  const db = app.db;
  // 50 windows share this process's one thread: a durable commit each (an fsync on the main
  // thread) would serialise 50 desks' disks into one and measure that. Each desk has its own
  // disk; the settle commit's own cost is the settlement bench's. The stream's writes are the same.
  db.pragma('synchronous = OFF');
  const ins = db.prepare(
    `INSERT INTO settlements (id, created_at, created_day, visit_date, operator_id, shift_id, psn_no, psn_name, cert_type,
       cert_no, insutype, insurance_type, person_group, visit_type, hospital_level, policy_seq, online, provisional,
       state, total, full_own_pay, over_limit_self_pay, pre_self_pay, eligible, deductible, fund_pay, co_pay,
       over_cap_self_pay, critical_illness_pay, personal_total, account_pay, cash_pay, updated_at)
     VALUES (?,?,?,?,'1001',?,?,'患者','02',?,?,?,'active','outpatient',1,1,1,1,'provisional',?,0,0,0,?,0,?,0,0,0,?,?,?,?)`,
  );
  const confirm = db.prepare("UPDATE settlements SET state = 'confirmed', provisional = 0, center_setl_id = ?, updated_at = ? WHERE id = ?");
  const w: BenchWindow = {
    no,
    app,
    written: 0,
    lags: [],
    insert(n) {
      const at = new Date().toISOString();
      const total = 1000 + ((n * 7919) % 50_000);
      const fund = Math.floor(total * 0.6);
      const account = Math.floor(total * 0.2);
      const cash = total - fund - account;
      const insutype = n % 3 === 0 ? '390' : '310';
      db.transaction(() =>
        ins.run(`B${no}-${n}`, at, at.slice(0, 10), at.slice(0, 10), `SH${no}`, `P${no}${n % 300}`, `1101011980${no}${String(n % 10_000).padStart(4, '0')}`, insutype,
          insutype === '310' ? 'employee' : 'resident', total, total - cash, fund, account + cash, account, cash, at),
      )();
      w.written++;
    },
    confirm(n) {
      db.transaction(() => confirm.run(`ST${no}${n}`, new Date().toISOString(), `B${no}-${n}`))();
    },
  };
  // Where the stream forgets markers — right after PostgreSQL committed them — each marker's lag.
  const store = app.clinic.store;
  const sent = store.sent.bind(store);
  const carried = db.prepare('SELECT at FROM clinic_stream WHERE seq <= ?').pluck();
  store.sent = (upTo: number) => {
    const now = Date.now();
    for (const at of carried.all(upTo) as string[]) w.lags.push(now - Date.parse(at));
    sent(upTo);
  };
  return w;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Each window writes PER_WINDOW settlements (each confirmed on the next step), PACE_MS apart, staggered. */
async function produce(windows: BenchWindow[], paceMs: number, first: number): Promise<void> {
  await Promise.all(
    windows.map(async (w, i) => {
      await sleep((paceMs * i) / windows.length);
      for (let n = first; n < first + PER_WINDOW; n++) {
        w.insert(n);
        if (n > first) w.confirm(n - 1);
        if (paceMs > 0) await sleep(paceMs);
        else if (n % 50 === 0) await sleep(0);
      }
      w.confirm(first + PER_WINDOW - 1);
    }),
  );
}

async function drained(windows: BenchWindow[], timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (windows.some((w) => w.app.clinic.store.backlog().pending > 0)) {
    if (Date.now() > until) throw new Error('clinic stream bench: streams did not drain in time');
    await sleep(20);
  }
}

async function rowsIn(clinic: ClinicDb): Promise<{ rows: number; dup: number }> {
  const r = await clinic.admin.query<{ rows: string; dup: string }>(
    "SELECT count(*) AS rows, count(*) - count(DISTINCT (window_id, id)) AS dup FROM settlements WHERE state = 'confirmed'",
  );
  return { rows: Number(r.rows[0]!.rows), dup: Number(r.rows[0]!.dup) };
}

async function run(cluster: PgCluster): Promise<BenchFigure[]> {
  const dir = tempDir('clinic-stream-bench-');
  const clinic = await createClinicDb(cluster, 'streambench');
  const windows: BenchWindow[] = [];
  try {
    for (let i = 0; i < WINDOWS; i++) {
      const no = String(10 + i).padStart(2, '0');
      windows.push(await openWindow(dir, no, await clinic.addWindow(no)));
    }
    const expected = WINDOWS * PER_WINDOW;
    const label = `${WINDOWS} windows × ${PER_WINDOW} settlements`;

    // Live: every window's stream worker runs (stream.ts's own timer, 250 ms idle poll) while it writes.
    for (const w of windows) w.app.clinic.stream.start();
    const t0 = performance.now();
    await produce(windows, PACE_MS, 0);
    const produced = performance.now() - t0;
    await drained(windows, 600_000);
    const ms = performance.now() - t0;
    const live = await rowsIn(clinic);
    if (live.rows !== expected || live.dup !== 0) throw new Error(`clinic stream bench: ${live.rows} confirmed rows (${live.dup} twice), expected ${expected}`);
    const lags = percentiles(windows.flatMap((w) => w.lags));
    const markers = windows.reduce((n, w) => n + w.lags.length, 0);
    process.stderr.write(`live: lag p50 ${lags.median} ms, p99 ${lags.p99} ms, ${markers} markers, ${(ms / 1000).toFixed(1)} s (writing ${(produced / 1000).toFixed(1)} s)\n`);

    // Catch-up: the workers stopped (PostgreSQL "down"), each window writes 500 more, then all
    // 50 drain at once (the CLI's `clinic drain`: rounds of ≤ 500 markers until none is left).
    for (const w of windows) await w.app.clinic.stream.close();
    await produce(windows, 0, PER_WINDOW);
    const t1 = performance.now();
    // 50 connections opened at once on a loaded machine can time out (5 s): the window retries,
    // as its worker does, and the retries are counted.
    let retries = 0;
    await Promise.all(
      windows.map(async (w) => {
        for (;;) {
          try {
            return await w.app.clinic.stream.drain(600_000);
          } catch {
            retries++;
            await sleep(1_000);
          }
        }
      }),
    );
    const catchUpMs = performance.now() - t1;
    const after = await rowsIn(clinic);
    if (after.rows !== 2 * expected || after.dup !== 0) throw new Error(`clinic stream bench: ${after.rows} confirmed rows (${after.dup} twice), expected ${2 * expected}`);
    const catchUpMarkers = windows.reduce((n, w) => n + w.lags.length, 0) - markers;
    return [
      {
        name: `clinic stream live: ${label}, lag SQLite commit → PostgreSQL commit`,
        median: lags.median,
        p99: lags.p99,
        note: `${markers.toLocaleString('en')} markers (insert, confirm, receivable); one settlement/window every ${PACE_MS} ms`,
      },
      {
        name: `clinic stream live: ${label}, rows into PostgreSQL`,
        median: ms / 1000,
        unit: 's',
        throughput: expected / (ms / 1000),
        note: `settlements/s (each written twice: provisional, confirmed), paced by the windows (writing took ${(produced / 1000).toFixed(1)} s)`,
      },
      {
        name: `clinic stream catch-up: ${label} waiting, ${WINDOWS} streams at once`,
        median: catchUpMs / 1000,
        unit: 's',
        throughput: expected / (catchUpMs / 1000),
        note: `settlement rows/s into PostgreSQL (${catchUpMarkers.toLocaleString('en')} markers; ${retries} rounds retried after a connection timeout)`,
      },
    ];
  } finally {
    for (const w of windows) await w.app.close();
    await clinic.admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const benches: Bench[] = [
  {
    name: 'clinic stream: 50 windows × 500 settlements into PostgreSQL',
    async run(): Promise<BenchFigure[]> {
      if (!pgAvailable()) return [{ name: 'clinic stream (PostgreSQL not installed)', note: 'skipped' }];
      // Durable commits, as a clinic's server has them; room for 50 windows' pools.
      const cluster = await startPgCluster({ conf: ['fsync = on', 'max_connections = 300', 'shared_buffers = 128MB'] });
      try {
        return await run(cluster);
      } finally {
        cluster.destroy();
      }
    },
  },
];
