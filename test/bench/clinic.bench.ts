// The clinic's PostgreSQL at scale (issue 18): 1,000,000 consolidated settlements (20 windows,
// 30 days, loaded with COPY through pg-copy-streams), then the clinic day report (clinic.summary
// for one day: per window and operator), the month's report, and the month's institution
// reconciliation. The center's side is a stub answering 3201 with the clinic's own totals
// (what a matching center says), so the figure is our side: the consolidated 3201 per day and
// insurance type in PostgreSQL plus the comparison. Not measured here (not done): the 50 windows
// × 500 settlements stream figure the issue also asks for.
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import pgCopy from 'pg-copy-streams';
import { IdentitySeal } from '../../electron/clinic/identity';
import { ClinicReports } from '../../electron/clinic/reports';
import type { CenterPort } from '../../electron/shift/center-port';
import { createClinicDb } from '../helpers/clinic-db';
import { pgAvailable, startPgCluster } from '../helpers/pg-cluster';
import { time, type Bench, type BenchFigure } from './harness';

const ROWS = Number(process.env.CLINIC_BENCH_ROWS ?? 1_000_000);
const WINDOWS = 20;
const DAYS = 30;
const MONTH = '2026-03';
const day = (i: number) => `${MONTH}-${String(1 + (i % DAYS)).padStart(2, '0')}`;

function* copyLines(): Generator<string> {
  let buf = '';
  for (let n = 0; n < ROWS; n++) {
    const w = String(10 + (n % WINDOWS));
    const total = 1000 + ((n * 7919) % 50_000);
    const fund = Math.floor(total * 0.6);
    const account = Math.floor(total * 0.2);
    const cash = total - fund - account;
    const d = day(Math.floor(n / WINDOWS));
    const insutype = n % 3 === 0 ? '390' : '310';
    buf += `${w}\tS${n}\t${n + 1}\t${d} 09:00:00+08\t${d}\t100${n % 4}\tSH${w}-${d}\tref${n % 5000}\tenc\t02\tenc\t${insutype}\t${insutype === '310' ? 'employee' : 'resident'}\toutpatient\tconfirmed\ttrue\t\\N\t${total}\t${fund}\t0\t${account}\t${cash}\ttrue\tST${n}\t${total}\t${fund}\t${account}\t${d} 09:00:00+08\n`;
    if (buf.length > 1 << 20) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

const COLUMNS =
  'window_id, id, version, created_at, created_day, operator_id, shift_id, psn_ref, psn_name_enc, cert_type, cert_no_enc, insutype, insurance_type, visit_type, state, online, refund_of, total, fund_pay, critical_illness_pay, account_pay, cash_pay, known_to_center, center_setl_id, agreed_total, agreed_fund, agreed_account, updated_at';

export const benches: Bench[] = [
  {
    name: 'clinic: 1,000,000 consolidated settlements in PostgreSQL',
    async run(): Promise<BenchFigure[]> {
      if (!pgAvailable()) return [{ name: 'clinic (PostgreSQL not installed)', note: 'skipped' }];
      const cluster = await startPgCluster({ conf: ['shared_buffers = 256MB', 'work_mem = 64MB'] });
      const clinic = await createClinicDb(cluster, 'bench');
      try {
        const client = await clinic.admin.connect();
        const t0 = performance.now();
        try {
          const copy = client.query(pgCopy.from(`COPY settlements (${COLUMNS}) FROM STDIN`));
          await pipeline(Readable.from(copyLines()), copy);
          await client.query('ANALYZE settlements');
        } finally {
          client.release();
        }
        const loadMs = performance.now() - t0;
        const reports = new ClinicReports(clinic.admin, new IdentitySeal(Buffer.alloc(32, 1)));
        // A center that agrees: 3201 answered with the totals asked about.
        const port: CenterPort = {
          newMsgId: () => 'BENCH',
          send: async (_infno: string, input: object) => {
            const d = (input as { data: { medfee_sumamt: string; fund_pay_sumamt: string; acct_pay: string; fixmedins_setl_cnt: number } }).data;
            return { kind: 'success', output: { stmtinfo: { stmt_rslt: '0', center_medfee_sumamt: d.medfee_sumamt, center_fund_pay_sumamt: d.fund_pay_sumamt, center_acct_pay: d.acct_pay, center_setl_cnt: d.fixmedins_setl_cnt } } } as never;
          },
        } as unknown as CenterPort;
        const dayReport = await time(() => reports.summary(`${MONTH}-15`, `${MONTH}-15`), 10, 2);
        const monthReport = await time(() => reports.summary(`${MONTH}-01`, `${MONTH}-30`), 3, 1);
        const rec = await time(async () => {
          const r = await reports.reconcile(port, `${MONTH}-01`, `${MONTH}-30`);
          if (r.result !== 'match') throw new Error('bench reconciliation did not match');
        }, 3, 1);
        return [
          { name: `clinic: COPY ${ROWS.toLocaleString('en')} settlements (${WINDOWS} windows × ${DAYS} days)`, median: loadMs / 1000, unit: 's', throughput: ROWS / (loadMs / 1000), note: 'rows/s into PostgreSQL, incl. ANALYZE' },
          { name: 'clinic: day report (summary, 1 day, per window+operator)', median: dayReport.median, p99: dayReport.p99, note: `${Math.round(ROWS / DAYS).toLocaleString('en')} rows that day` },
          { name: 'clinic: month report (summary, 30 days)', median: monthReport.median, p99: monthReport.p99 },
          { name: 'clinic: month institution reconciliation (3201, stub center)', median: rec.median, p99: rec.p99, note: 'consolidated 3201 per day+type in PostgreSQL; center stub agrees' },
        ];
      } finally {
        await clinic.admin.end();
        cluster.destroy();
      }
    },
  },
];
