// The fleet: several windows as SEPARATE processes (fleet-window.ts), each with its own SQLite
// data folder, settle and refund against one sandbox center while, at random, a window's line
// to the center goes down and comes back (a TCP relay per window the test cuts), windows are
// SIGKILLed and restarted, and the clinic's PostgreSQL is restarted (immediate: like a crash).
// At the end every window drains; then every window's records are in PostgreSQL exactly once,
// every id a window printed as committed is there, and the clinic's 3201 totals equal the sum
// of the windows' own and the center's (the institution reconciles: match).
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { chinaDate } from '../../../electron/app/clock';
import type { App } from '../../../electron/app/create-app';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { IdentitySeal } from '../../../electron/clinic/identity';
import { ClinicReports } from '../../../electron/clinic/reports';
import { BACKFILL } from '../../../electron/clinic/stream-store';
import { projectPath } from '../../../electron/app/paths';
import { fenColumn, many, values } from '../../../electron/db/sql';
import { z } from 'zod';
import { createClinicDb, type ClinicDb } from '../../helpers/clinic-db';
import { pgAvailable, startPgCluster, type PgCluster } from '../../helpers/pg-cluster';
import { tempDir } from '../../helpers/temp-app';
import { openClient, prepareClient, rng, startCenter } from '../settlement/fixtures';

const CHILD = join(fileURLToPath(new URL('.', import.meta.url)), 'fleet-window.ts');
const WINDOWS = ['11', '12', '13', '14'];
const CHAOS_MS = Number(process.env.FLEET_CHAOS_MS ?? 25_000);
const CLINIC_KEY = 'ef'.repeat(32);

/** A window's line to the center: a TCP relay that can be cut (open connections dropped, new ones refused). */
interface Line {
  url: string;
  down: boolean;
  setDown(down: boolean): void;
  close(): Promise<void>;
}

async function relay(target: URL): Promise<Line> {
  const sockets = new Set<Socket>();
  const line: Line = { url: '', down: false, setDown: () => {}, close: async () => {} };
  const server: Server = createServer((s) => {
    if (line.down) return s.destroy();
    const up = createConnection({ host: target.hostname, port: Number(target.port) });
    for (const x of [s, up]) {
      sockets.add(x);
      x.on('error', () => {});
      x.on('close', () => sockets.delete(x));
    }
    s.pipe(up).pipe(s);
    s.on('close', () => up.destroy());
    up.on('close', () => s.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  line.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  line.setDown = (down) => {
    line.down = down;
    if (down) for (const s of sockets) s.destroy();
  };
  line.close = () => {
    line.setDown(true);
    return new Promise((r) => server.close(() => r()));
  };
  return line;
}

interface Running {
  child: ChildProcess;
  out: string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

function start(args: string[]): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: projectPath(), stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Running = { child, out: '', exited: Promise.resolve({ code: null, signal: null }) };
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (run.out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-3000)));
  run.exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      if (code) run.out += `\nSTDERR ${err}`;
      resolve({ code, signal });
    }),
  );
  return run;
}

async function kill(r: Running): Promise<void> {
  if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  await r.exited;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
let cluster: PgCluster | undefined;
let clinic: ClinicDb | undefined;
let center: SandboxCenter | undefined;
const lines: Line[] = [];
const running = new Map<string, Running>();
const opened: App[] = [];

afterAll(async () => {
  for (const r of running.values()) await kill(r);
  for (const a of opened) await a.close();
  for (const l of lines) await l.close();
  await clinic?.admin.end();
  await center?.close();
  cluster?.destroy();
});

describe.skipIf(!pgAvailable())('a fleet of windows streaming to one clinic', () => {
  it('through SIGKILLs, cut lines and PostgreSQL restarts, every record lands exactly once and the 3201 totals add up', async () => {
    dir = tempDir('clinic-fleet-');
    cluster = await startPgCluster();
    clinic = await createClinicDb(cluster, 'fleet');
    center = await startCenter(join(dir, 'center'));
    const urls = new Map<string, string>();
    const lineOf = new Map<string, Line>();
    const dataOf = (no: string) => join(dir, `w${no}`);
    for (const no of WINDOWS) {
      urls.set(no, await clinic.addWindow(no));
      const line = await relay(new URL(center.url));
      lines.push(line);
      lineOf.set(no, line);
      const app = await openClient({ dataDir: dataOf(no), centerUrl: center.url, flags: { terminalNo: no, clinicDatabaseUrl: urls.get(no)!, clinicKey: CLINIC_KEY } });
      await prepareClient(app);
      await app.close();
    }
    const committed = new Map<string, Set<string>>(WINDOWS.map((no) => [no, new Set<string>()]));
    const collect = (no: string, r: Running) => {
      for (const l of r.out.split('\n')) if (/^[SR] /.test(l)) committed.get(no)!.add(l.split(' ')[1]!); // `S <id>` or `R <refund> <of>`
    };
    const lastOut = new Map<string, string>();
    let seed = 1;
    const launch = (no: string) => running.set(no, start([dataOf(no), lineOf.get(no)!.url, urls.get(no)!, no, String(seed++), 'work']));
    WINDOWS.forEach(launch);
    // The chaos starts when every window works (a start takes seconds, more on a loaded machine).
    for (const t0 = Date.now(); ![...running.values()].every((x) => x.out.includes('READY')); await sleep(200)) {
      if (Date.now() - t0 > 120_000) throw new Error(`windows did not start: ${[...running.values()].map((x) => x.out.slice(-500)).join(' | ')}`);
    }

    // Chaos: kill and restart windows, cut and restore their lines, restart PostgreSQL.
    const r = rng(18);
    const events = { kills: 0, cuts: 0, pgRestarts: 0 };
    const began = Date.now();
    let nextPgRestart = began + CHAOS_MS * 0.3;
    // At least CHAOS_MS, and until every window was killed once on average (a loaded machine restarts slowly).
    while (Date.now() - began < CHAOS_MS || (events.kills < WINDOWS.length && Date.now() - began < 3 * CHAOS_MS)) {
      await sleep(500 + Math.floor(r() * 1000));
      const no = WINDOWS[Math.floor(r() * WINDOWS.length)]!;
      const x = r();
      const victim = running.get(no)!;
      if (Date.now() > nextPgRestart) {
        cluster.restart('immediate');
        events.pgRestarts++;
        nextPgRestart = Date.now() + CHAOS_MS * 0.35;
      } else if (x < 0.55 && victim.out.includes('READY')) {
        // A window is killed only once it works (a start takes seconds on a loaded machine).
        await kill(victim);
        collect(no, victim);
        events.kills++;
        await sleep(Math.floor(r() * 500));
        launch(no);
      } else {
        const line = lineOf.get(no)!;
        line.setDown(!line.down);
        if (line.down) events.cuts++;
      }
    }
    for (const no of WINDOWS) {
      const victim = running.get(no)!;
      await kill(victim);
      collect(no, victim);
      lineOf.get(no)!.setDown(false);
      lastOut.set(no, victim.out);
    }
    running.clear();
    const tails = [...lastOut.entries()].map(([no, out]) => `${no}: ${committed.get(no)!.size} committed; ${out.slice(-600)}`).join('\n');
    expect(events.kills, tails).toBeGreaterThanOrEqual(4);
    expect(events.pgRestarts).toBeGreaterThanOrEqual(2);

    // Every window drains: to the center, then to PostgreSQL (two at a time: 2 cores).
    for (let i = 0; i < WINDOWS.length; i += 2) {
      const drains = WINDOWS.slice(i, i + 2).map((no) => ({ no, run: start([dataOf(no), lineOf.get(no)!.url, urls.get(no)!, no, '0', 'drain']) }));
      for (const d of drains) {
        const end = await d.run.exited;
        expect(end.code, `window ${d.no} drain: ${d.run.out.slice(-2000)}`).toBe(0);
      }
    }

    // Each window's own records, and PostgreSQL's.
    const admin = clinic.admin;
    const dup = await admin.query('SELECT window_id, id FROM settlements GROUP BY 1, 2 HAVING count(*) > 1 UNION ALL SELECT window_id, record_id FROM records GROUP BY window_id, kind, record_id HAVING count(*) > 1');
    expect(dup.rowCount).toBe(0);
    const apps = new Map<string, App>();
    let settled = 0;
    for (const no of WINDOWS) {
      const app = await openClient({ dataDir: dataOf(no), centerUrl: center.url, flags: { terminalNo: no, clinicDatabaseUrl: urls.get(no)!, clinicKey: CLINIC_KEY } });
      opened.push(app);
      apps.set(no, app);
      const local = many(app.db, 'SELECT id, state, total FROM settlements ORDER BY id', {}, z.object({ id: z.string(), state: z.string(), total: fenColumn }));
      const remote = (await admin.query<{ id: string; state: string; total: string }>('SELECT id, state, total FROM settlements WHERE window_id = $1 ORDER BY id', [no])).rows;
      expect(remote.map((x) => [x.id, x.state, Number(x.total)])).toEqual(local.map((x) => [x.id, x.state, x.total]));
      for (const id of committed.get(no)!) expect(local.some((x) => x.id === id), `committed ${id} at window ${no}`).toBe(true);
      settled += local.length;
      // Every other record, kind by kind: the same ids as the window's own tables (each once:
      // the duplicate check above), found by the queries the stream marks them with.
      for (const [kind, sql] of BACKFILL) {
        if (kind === 'settlement') continue;
        const mine = values(app.db, `SELECT CAST(id AS TEXT) FROM (${sql})`, {}, z.string()).sort();
        const there = (await admin.query<{ record_id: string }>('SELECT record_id FROM records WHERE window_id = $1 AND kind = $2', [no, kind])).rows.map((x) => x.record_id).sort();
        expect(there, `${kind} of window ${no}`).toEqual(mine);
      }
      expect(app.db.prepare('SELECT count(*) FROM clinic_stream').pluck().get()).toBe(0);
    }
    expect(settled, tails).toBeGreaterThan(20);

    // 3201: the clinic's consolidated totals = the sum of the windows' own = the center's.
    const now = new Date();
    const from = chinaDate(new Date(now.getTime() - 86_400_000));
    const to = chinaDate(now);
    type T = { count: number; total: number; fund: number; account: number };
    const sumByType = (groups: Iterable<T & { insutype: string }>) => {
      const out = new Map<string, T>();
      for (const g of groups) {
        const s = out.get(g.insutype) ?? { count: 0, total: 0, fund: 0, account: 0 };
        for (const k of ['count', 'total', 'fund', 'account'] as const) s[k] += g[k];
        out.set(g.insutype, s);
      }
      return [...out.entries()].sort();
    };
    const windowsGroups = [...apps.values()].flatMap((a) => [...a.shift.reconciler.localGroups(from, to).values()]);
    const reports = new ClinicReports(admin, new IdentitySeal(Buffer.from(CLINIC_KEY, 'hex')));
    expect(sumByType(await reports.dayGroups(from, to))).toEqual(sumByType(windowsGroups));
    const rec = await reports.reconcile(apps.get('11')!.center.client, from, to);
    expect(rec.findings).toEqual([]);
    expect(rec.result).toBe('match');
    for (const g of rec.groups) expect(g.center).toEqual(g.local);
    expect(rec.groups.reduce((n, g) => n + g.local.count, 0)).toBe(windowsGroups.reduce((n, g) => n + g.count, 0));
    process.stdout.write(`fleet: ${settled} settlement rows, ${JSON.stringify(events)}\n`);
  }, 300_000);
});
