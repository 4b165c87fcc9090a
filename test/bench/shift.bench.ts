// Shift benchmarks (issue 8), over a journal of 1,000,000 settlements (1,000 days × 5 windows ×
// 200): an X report of a 200-settlement shift, a month's reconciliation (3201 + 3202 against the
// sandbox center on loopback, with discrepancies so the detail path runs), the app's services
// ready on that database, the receivables summary, and what migration 0011 costs (its backfill
// once, its triggers on every settlement write). SHIFT_BENCH_SETTLEMENTS scales the journal
// down; SHIFT_BENCH_PROFILE=1 prints where one reconciliation's time goes.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ManualClock } from '../../electron/app/clock';
import { createApp, type App } from '../../electron/app/create-app';
import { silentLogger } from '../../electron/app/log';
import { z } from 'zod';
import { openDatabase, type Db } from '../../electron/db/open';
import { values } from '../../electron/db/sql';
import { migrate } from '../../electron/db/migrate';
import { projectPath } from '../../electron/app/paths';
import type { SandboxCenter } from '../../electron/center/sandbox/server';
import { INSTITUTION, startCenter } from '../integration/settlement/fixtures';
import { tempDir } from '../helpers/temp-app';
import { time, type Bench, type BenchFigure } from './harness';

const TOTAL = Number(process.env.SHIFT_BENCH_SETTLEMENTS ?? 1_000_000);
const PER_SHIFT = 200;
const WINDOWS = 5;
const PER_DAY = PER_SHIFT * WINDOWS;
const DAYS = Math.ceil(TOTAL / PER_DAY);
const LAST_DAY = '2026-03-31';
const START = Date.parse(`${LAST_DAY}T00:00:00Z`) - (DAYS - 1) * 86_400_000;

/** yyyy-MM-dd of day index d (0 = first). */
const dayOf = (d: number) => new Date(START + d * 86_400_000).toISOString().slice(0, 10);

interface Gen {
  id: string;
  day: string;
  at: string;
  insutype: string;
  visit: string;
  total: number;
  fund: number;
  critical: number;
  account: number;
  cash: number;
  centerId: string;
}

/** Deterministic settlement n (no PRNG state: any n can be regenerated for the center side). */
function gen(n: number): Gen & { shift: string; op: string } {
  const d = Math.floor(n / PER_DAY);
  const w = Math.floor((n % PER_DAY) / PER_SHIFT);
  const i = n % PER_SHIFT;
  const day = dayOf(d);
  const h = (n * 2654435761) >>> 0;
  const total = 500 + (h % 50_000);
  const fund = Math.floor(total * 0.6);
  const critical = h % 17 === 0 ? Math.floor(total * 0.1) : 0;
  const account = h % 3 === 0 ? Math.floor((total - fund - critical) / 2) : 0;
  const op = String(1001 + w);
  // 08:00 + i × 2 minutes China time.
  const at = new Date(Date.parse(`${day}T00:00:00Z`) + i * 120_000).toISOString();
  return {
    id: `S${String(n).padStart(9, '0')}`,
    day,
    at,
    insutype: h % 2 ? '310' : '390',
    visit: ['outpatient', 'chronic', 'inpatient'][h % 3]!,
    total,
    fund,
    critical,
    account,
    cash: total - fund - critical - account,
    centerId: `ST${String(n).padStart(12, '0')}`,
    shift: `SH-${day.replaceAll('-', '')}-${op}-1`,
    op,
  };
}

function fillJournal(db: Db): void {
  const ins = db.prepare(
    `INSERT INTO settlements (id, created_at, created_day, visit_date, operator_id, shift_id, psn_no, psn_name, cert_type,
       cert_no, insutype, insurance_type, person_group, visit_type, hospital_level, policy_seq, online, provisional,
       state, total, full_own_pay, over_limit_self_pay, pre_self_pay, eligible, deductible, fund_pay, co_pay,
       over_cap_self_pay, critical_illness_pay, personal_total, account_pay, cash_pay, center_setl_id, updated_at)
     VALUES (?,?,?,?,?,?,?,'患者','02','110101198001010000',?,?,'active',?,1,1,1,0,'confirmed',?,0,0,0,?,0,?,0,0,?,?,?,?,?,?)`,
  );
  const shift = db.prepare(
    `INSERT INTO shifts (id, operator_id, opened_at, opened_day, state, opening_float, opening_counts, closed_at, handover)
     VALUES (?,?,?,?,?,50000,'[]',?,?)`,
  );
  const BATCH = 50_000;
  for (let start = 0; start < TOTAL; start += BATCH) {
    db.transaction(() => {
      for (let n = start; n < Math.min(TOTAL, start + BATCH); n++) {
        const g = gen(n);
        if (n % PER_SHIFT === 0) {
          const last = n + PER_SHIFT >= TOTAL;
          shift.run(g.shift, g.op, g.at, g.day, last ? 'open' : 'closed', last ? null : g.at, last ? null : '{}');
        }
        ins.run(g.id, g.at, g.day, g.day, g.op, g.shift, `P${n % 5000}`, g.insutype, g.insutype === '310' ? 'employee' : 'resident', g.visit,
          g.total, g.total - g.cash, g.fund, g.critical, g.account + g.cash, g.account, g.cash, g.centerId, g.at);
      }
    })();
  }
}

/** The center's side of the last 30 days: the same settlements, minus a few it "lost". */
function fillCenter(center: SandboxCenter, fromN: number, lost: Set<number>, only?: Set<number>): void {
  const ins = center.db.prepare(
    `INSERT INTO settlements (setl_id, kind, msgid, medins_setl_id, psn_no, insutype, setl_date, amounts, accum_delta, stmt, created_at)
     VALUES (?, 'settle', ?, ?, ?, ?, ?, ?, '{}', 'accepted', ?)`,
  );
  center.db.transaction(() => {
    for (const n of only ?? range(fromN, TOTAL)) {
      if (lost.has(n)) continue;
      const g = gen(n);
      const amounts = { total: g.total, fullOwnPay: 0, overLimitSelfPay: 0, preSelfPay: 0, eligible: g.total - g.cash, deductible: 0, fundPay: g.fund, coPay: 0, criticalIllnessPay: g.critical, personalTotal: g.account + g.cash, accountPay: g.account, cashPay: g.cash };
      ins.run(g.centerId, `M${n}`, g.id, `P${n % 5000}`, g.insutype, g.day, JSON.stringify(amounts), g.at);
    }
  })();
}

/**
 * What migration 0011's triggers add to a settlement's write: the same settlements inserted and
 * then confirmed (the upload answer's UPDATE), each in its own transaction, on two fresh
 * databases — one with the receivable triggers, one without. In-transaction CPU (the commit's
 * fsync is the same for both and is left out: synchronous=OFF here), so the difference is the
 * triggers' own work.
 */
function receivableTriggerCost(folder: string): BenchFigure[] {
  mkdirSync(folder, { recursive: true });
  const N = 5_000;
  const perSettlement = (withTriggers: boolean): number[] => {
    const { db } = openDatabase({ file: join(folder, `${withTriggers ? 'with' : 'without'}.db`) });
    db.pragma('synchronous = OFF');
    if (!withTriggers) for (const name of values(db, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'receivables_%'", {}, z.string())) db.exec(`DROP TRIGGER ${name}`);
    const ins = db.prepare(
      `INSERT INTO settlements (id, created_at, created_day, visit_date, operator_id, shift_id, psn_no, psn_name, cert_type,
         cert_no, insutype, insurance_type, person_group, visit_type, hospital_level, policy_seq, online, provisional,
         state, total, full_own_pay, over_limit_self_pay, pre_self_pay, eligible, deductible, fund_pay, co_pay,
         over_cap_self_pay, critical_illness_pay, personal_total, account_pay, cash_pay, updated_at)
       VALUES (?,?,?,?,'1001','SH-1',?,'患者','02','110101198001010000','310','employee','active','outpatient',1,1,1,1,'provisional',?,0,0,0,?,0,?,0,0,0,?,?,?,?)`,
    );
    const confirm = db.prepare("UPDATE settlements SET state = 'confirmed', center_setl_id = ?, updated_at = ? WHERE id = ?");
    const samples: number[] = [];
    for (let n = 0; n < N; n++) {
      const g = gen(n);
      const t = performance.now();
      db.transaction(() => ins.run(g.id, g.at, g.day, g.day, `P${n % 5000}`, g.total, g.total - g.cash, g.fund, g.account + g.cash, g.account, g.cash, g.at))();
      db.transaction(() => confirm.run(g.centerId, g.at, g.id))();
      samples.push(performance.now() - t);
    }
    db.close();
    return samples.sort((a, b) => a - b);
  };
  const without = perSettlement(false);
  const withT = perSettlement(true);
  const med = (a: number[]) => a[Math.floor(a.length / 2)]!;
  const p99 = (a: number[]) => a[Math.floor(a.length * 0.99)]!;
  return [
    { name: `shift: settlement insert + confirm, without receivable triggers (${N.toLocaleString('en')}, CPU, no fsync)`, median: med(without), p99: p99(without), unit: 'ms', note: 'contrast' },
    { name: `shift: settlement insert + confirm, with receivable triggers (${N.toLocaleString('en')}, CPU, no fsync)`, median: med(withT), p99: p99(withT), unit: 'ms', note: `added ≈ ${(med(withT) - med(without)).toFixed(3)} ms` },
  ];
}

function* range(a: number, b: number): Iterable<number> {
  for (let n = a; n < b; n++) yield n;
}

const shiftBench: Bench = {
  name: 'shift: X report, month reconciliation, app ready over 1,000,000 settlements',
  async run() {
    const dir = tempDir('shift-bench-');
    const figures: BenchFigure[] = [];
    let center: SandboxCenter | null = null;
    let app: App | null = null;
    try {
      const t0 = performance.now();
      mkdirSync(join(dir, 'client'), { recursive: true });
      // The journal is written under the migrations before 0011, then 0011 is applied to it:
      // its backfill (receivables of every settlement) is what an upgrade costs once.
      const before0011 = join(dir, 'migrations-0010');
      mkdirSync(before0011);
      for (const f of readdirSync(projectPath('migrations'))) if (/^\d{4}_.*\.sql$/.test(f) && Number(f.slice(0, 4)) <= 10) copyFileSync(join(projectPath('migrations'), f), join(before0011, f));
      const { db } = openDatabase({ file: join(dir, 'client', 'cashier.db'), migrationsDir: before0011 });
      fillJournal(db);
      const fillMs = performance.now() - t0;
      const t1 = performance.now();
      migrate(db);
      const backfillMs = performance.now() - t1;
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      // Let the OS write the bulk load out first: otherwise every durable commit in the timed
      // part (message ids, the center's stored answers) waits behind ~0.5 GB of writeback.
      if (process.platform !== 'win32') execFileSync('sync');

      const clock = new ManualClock(new Date(`${LAST_DAY}T18:00:00+08:00`));
      center = await startCenter(join(dir, 'center'), clock);
      const monthFrom = Math.max(0, TOTAL - 30 * PER_DAY);
      const lost = new Set([monthFrom + 7, monthFrom + 12_345, TOTAL - 3].filter((n) => n >= monthFrom && n < TOTAL));
      fillCenter(center, monthFrom, lost);

      const flags = { centerUrl: center.url, institutionCode: INSTITUTION.code, institutionSecret: INSTITUTION.secret };
      const ready = await time(async () => {
        const a = await createApp({ dataDir: join(dir, 'client'), runtime: 'test', env: {}, flags, clock, log: silentLogger });
        await a.close();
      }, 10, 2);
      figures.push({ name: `shift: app services ready (db open, migrations checked, policy loaded), ${TOTAL.toLocaleString('en')} settlements`, median: ready.median, p99: ready.p99, unit: 'ms', target: '≤ 1000 ms', meets: ready.p99 <= 1000 });

      app = await createApp({ dataDir: join(dir, 'client'), runtime: 'test', env: {}, flags, clock, log: silentLogger });
      const openShift = gen(TOTAL - 1).shift;
      const check = app.shift.shifts.report(openShift);
      if (check.figures.all.count !== PER_SHIFT) throw new Error(`X report counted ${check.figures.all.count}`);
      const x = await time(() => app!.shift.shifts.report(openShift), 200);
      figures.push({ name: `shift: X report of a ${PER_SHIFT}-settlement shift`, median: x.median, p99: x.p99, unit: 'ms', target: 'median ≤ 50 ms', meets: x.median <= 50 });

      const from = gen(monthFrom).day;
      const to = LAST_DAY;
      const first = await app.shift.reconciler.run(from, to, null);
      if (first.result !== 'mismatch' || first.discrepancies.length !== lost.size) throw new Error(`reconcile found ${first.discrepancies.length}, expected ${lost.size}`);
      if (process.env.SHIFT_BENCH_PROFILE) {
        const r = app.shift.reconciler as unknown as { localDetails(a: string, b: string): unknown[]; localGroups(a: string, b: string): unknown };
        let t = performance.now();
        r.localGroups(from, to);
        console.error('localGroups', performance.now() - t);
        t = performance.now();
        r.localDetails(from, to);
        console.error('localDetails month', performance.now() - t);
        t = performance.now();
        for (let i = 0; i < 60; i++) app.center.client.newMsgId();
        console.error('60 msgids', performance.now() - t);
        const asked = () => center!.db.prepare('SELECT infno, count(*) AS n FROM messages GROUP BY infno').all();
        const before = JSON.stringify(asked());
        // Where one run's time goes: exchanges (client msgid commit + HTTP + the center's work and
        // commit) against everything else (local queries, recording the findings).
        const client = app.center.client as unknown as { send: (...a: unknown[]) => Promise<unknown> };
        const send = client.send.bind(client);
        let inSend = 0;
        client.send = async (...a: unknown[]) => {
          const s0 = performance.now();
          try {
            return await send(...a);
          } finally {
            inSend += performance.now() - s0;
          }
        };
        const spent: Record<string, number> = {};
        const rec = app.shift.reconciler as unknown as Record<string, (...a: unknown[]) => unknown>;
        const originals: Record<string, (...a: unknown[]) => unknown> = {};
        for (const name of ['localGroups', 'localDetails', 'record', 'discrepancies']) {
          const f = rec[name]!.bind(rec);
          originals[name] = rec[name]!;
          rec[name] = (...a: unknown[]) => {
            const s0 = performance.now();
            try {
              return f(...a);
            } finally {
              spent[name] = (spent[name] ?? 0) + performance.now() - s0;
            }
          };
        }
        t = performance.now();
        await app.shift.reconciler.run(from, to, null);
        console.error('one run', performance.now() - t, 'in exchanges', inSend, 'local', JSON.stringify(spent), 'messages before', before, 'after', JSON.stringify(asked()));
        client.send = send;
        for (const [name, f] of Object.entries(originals)) rec[name] = f;
      }
      const rec = await time(() => app!.shift.reconciler.run(from, to, null), 5, 1);
      figures.push({
        name: `shift: month reconciliation with ${lost.size} discrepancies, ${(TOTAL - monthFrom).toLocaleString('en')} settlements (3201 per insurance type, halving where it differs, 3202 for ${first.groups.reduce((a, g) => a + g.mismatchedDays.length, 0)} days)`,
        median: rec.median,
        p99: rec.p99,
        unit: 'ms',
        target: '≤ 2000 ms',
        meets: rec.p99 <= 2000,
      });
      // The center finds what it had lost: the month now matches on the first two 3201s.
      fillCenter(center, monthFrom, new Set(), lost);
      const clean = await app.shift.reconciler.run(from, to, null);
      if (clean.result !== 'match') throw new Error('month should match once the center has every row');
      const recMatch = await time(() => app!.shift.reconciler.run(from, to, null), 5, 1);
      figures.push({
        name: `shift: month reconciliation, everything matches (${(TOTAL - monthFrom).toLocaleString('en')} settlements, 3201 ×${clean.groups.length})`,
        median: recMatch.median,
        p99: recMatch.p99,
        unit: 'ms',
        target: '≤ 2000 ms',
        meets: recMatch.p99 <= 2000,
      });
      const recv = await time(() => app!.shift.receivables.summary(200, { fetched: 0, cursor: null, error: null }), 5, 1);
      figures.push({ name: `shift: receivables summary over ${TOTAL.toLocaleString('en')} settlements (status, aging, 200 oldest rows)`, median: recv.median, p99: recv.p99, unit: 'ms', note: 'no target' });
      figures.push({ name: `shift: journal of ${TOTAL.toLocaleString('en')} settlements generated`, median: fillMs, unit: 'ms', note: 'setup, not a target' });
      figures.push({ name: `shift: migration 0011 backfill (receivables of ${TOTAL.toLocaleString('en')} settlements)`, median: backfillMs, unit: 'ms', note: 'once, at upgrade' });
      figures.push(...receivableTriggerCost(join(dir, 'cost')));
      return figures;
    } finally {
      await app?.close();
      await center?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export const benches: Bench[] = [shiftBench];
