// Settlement benchmarks (issue 5): the durable settle commit (the real journal path, offline so
// only local work (split, checks, the one transaction) is timed) with 100,000 prior settlements in the database,
// then draining the settlements so queued to the sandbox center on loopback. The prior rows are
// seeded with direct SQL in one transaction. SETTLE_BENCH_PRIOR / SETTLE_BENCH_N scale it.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { settleInputSchema } from '../../electron/api/contract/settlement';
import { openDatabase } from '../../electron/db/open';
import { openClient, prepareClient, randomBill, rng, startCenter } from '../integration/settlement/fixtures';
import { tempDir } from '../helpers/temp-app';
import { time, type Bench, type BenchFigure } from './harness';

const PRIOR = Number(process.env.SETTLE_BENCH_PRIOR ?? 100_000);
const N = Number(process.env.SETTLE_BENCH_N ?? 2_000);

function seedPrior(file: string): void {
  const { db } = openDatabase({ file });
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

const settleBench: Bench = {
  name: 'settle: durable commit over 100,000 settlements, drain to sandbox',
  async run() {
    const dir = tempDir('settle-bench-');
    const figures: BenchFigure[] = [];
    const center = await startCenter(join(dir, 'center'));
    mkdirSync(join(dir, 'client'), { recursive: true });
    const s0 = performance.now();
    seedPrior(join(dir, 'client', 'cashier.db'));
    const seedMs = performance.now() - s0;
    const app = await openClient({
      dataDir: join(dir, 'client'),
      centerUrl: center.url,
      flags: { offlineLimitPerSettlement: '100000000', offlineLimitPerDay: '100000000000' },
    });
    try {
      await prepareClient(app);
      const operator = app.auth.verify('1001', '1234', 'bench');
      await center.setOffline(true);
      await app.center.probeNow();
      const r = rng(20261123);
      const bills = Array.from({ length: N + 20 }, () => settleInputSchema.parse(randomBill(r)));
      let i = 0;
      const commit = await time(() => app.settlement.settle(bills[i++]!, operator), N, 20);
      const count = (app.db.prepare('SELECT count(*) AS n FROM settlements').get() as { n: number }).n;
      figures.push({
        name: `settle: durable commit (offline, ${PRIOR.toLocaleString('en')} prior rows)`,
        median: commit.median,
        p99: commit.p99,
        unit: 'ms',
        target: 'median ≤ 2 ms, p99 ≤ 10 ms',
        meets: commit.median <= 2 && commit.p99 <= 10,
        note: `${N} settles, ${count} rows after; seed ${Math.round(seedMs)} ms`,
      });

      const queued = app.settlement.outboxStatus();
      await center.setOffline(false);
      await app.center.probeNow();
      app.settlement.configureOutbox({ concurrency: Number(process.env.SETTLE_BENCH_CONCURRENCY ?? 8), backoff: { baseMs: 1000, capMs: 60_000 }, requestTimeoutMs: 5000, pollMs: 20 });
      const t0 = performance.now();
      const d = await app.settlement.drain({ untilEmpty: true, timeoutMs: 600_000 });
      const secs = (performance.now() - t0) / 1000;
      const drained = N + 20 - d.remaining;
      const rate = drained / secs;
      figures.push({
        name: `settle: drain ${N + 20} queued uploads to sandbox (loopback)`,
        throughput: rate,
        target: '≥ 500/s',
        meets: rate >= 500 && d.remaining === 0,
        note: `${drained} in ${secs.toFixed(1)} s, remaining ${d.remaining}${d.timedOut ? ', timed out' : ''}; queued before: ${queued.depth}`,
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
