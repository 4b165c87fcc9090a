// The clinic-wide figures, read from PostgreSQL by a supervisor's window (a member of
// clinic_reader): the day or month across windows (per window, per operator), reconciliation
// of the institution with the center (3201 totals from the consolidated figures, 3202 details,
// each finding traced to its window and settlement), and what the fund owes the clinic.
// Every figure is a SUM in PostgreSQL over the consolidated settlements; money is fen.
import type pg from 'pg';
import type { ClinicFigures, ClinicFinding, ClinicReconcileGroup, ClinicReconcileResult, ClinicReceivables, ClinicSummary } from '../api/contract/clinic';
import { AppError } from '../api/result';
import { fenToYuan, tryYuanToFen } from '../api/money';
import { daysBetween, STANDARD_INSUTYPES } from '../shift/reconcile';
import { sendOrThrow, type CenterPort } from '../shift/center-port';
import type { IdentitySeal } from './identity';

const FIGURES = `count(*) FILTER (WHERE refund_of IS NULL)::int AS count, count(*) FILTER (WHERE refund_of IS NOT NULL)::int AS refunds,
  coalesce(sum(total), 0)::bigint AS total, coalesce(sum(fund_pay + critical_illness_pay), 0)::bigint AS fund,
  coalesce(sum(account_pay), 0)::bigint AS account, coalesce(sum(cash_pay), 0)::bigint AS cash`;

interface FigureRow {
  window_id: string | null;
  operator_id: string | null;
  count: number;
  refunds: number;
  total: string;
  fund: string;
  account: string;
  cash: string;
}

/** bigint sums arrive as strings; fen fit a JS integer far beyond any clinic's totals. */
const n = (s: string | number | null): number => Number(s ?? 0);

function figures(r: FigureRow): ClinicFigures {
  return { count: r.count, refunds: r.refunds, total: n(r.total), fund: n(r.fund), account: n(r.account), cash: n(r.cash) };
}

export class ClinicReports {
  constructor(
    private readonly pool: pg.Pool,
    private readonly seal: IdentitySeal,
  ) {}

  /**
   * Settlements and refunds of the days from..to (China days, as at the windows), all windows:
   * totals, per window, per window and operator. Rejected uploads are left out (never owed).
   */
  async summary(from: string, to: string): Promise<ClinicSummary> {
    const r = await this.pool.query<FigureRow>(
      `SELECT window_id, operator_id, ${FIGURES} FROM settlements
       WHERE created_day BETWEEN $1 AND $2 AND state <> 'rejected'
       GROUP BY GROUPING SETS ((window_id, operator_id), (window_id), ()) ORDER BY window_id NULLS FIRST, operator_id NULLS FIRST`,
      [from, to],
    );
    const out: ClinicSummary = { from, to, all: { count: 0, refunds: 0, total: 0, fund: 0, account: 0, cash: 0 }, windows: [] };
    for (const row of r.rows) {
      if (row.window_id === null) out.all = figures(row);
      else if (row.operator_id === null) out.windows.push({ windowId: row.window_id, figures: figures(row), operators: [] });
      else out.windows.at(-1)!.operators.push({ operatorId: row.operator_id, figures: figures(row) });
    }
    return out;
  }

  /** 3201 totals of the institution per insurance type from the consolidated rows the center should have. */
  async institutionTotals(from: string, to: string): Promise<Map<string, { count: number; total: number; fund: number; account: number }>> {
    const r = await this.pool.query<{ insutype: string; count: number; total: string; fund: string; account: string }>(
      `SELECT insutype, count(*)::int AS count, sum(agreed_total)::bigint AS total, sum(agreed_fund)::bigint AS fund, sum(agreed_account)::bigint AS account
       FROM settlements WHERE created_day BETWEEN $1 AND $2 AND known_to_center GROUP BY insutype`,
      [from, to],
    );
    return new Map(r.rows.map((x) => [x.insutype, { count: x.count, total: n(x.total), fund: n(x.fund), account: n(x.account) }]));
  }

  /**
   * The institution's reconciliation with the center: 3201 per insurance type over the range
   * from the clinic's consolidated figures; for a type that differs, 3201 per day pins the days,
   * and 3202 with every window's rows of such a day names each difference, with its window.
   */
  async reconcile(port: CenterPort | null, from: string, to: string): Promise<ClinicReconcileResult> {
    if (from > to) throw new AppError('INVALID_RANGE', `对账起始日期 ${from} 晚于结束日期 ${to}。`);
    const days = daysBetween(from, to);
    if (days.length > 92) throw new AppError('INVALID_RANGE', '一次对账最多 92 天，请分段对账。');
    const whole = await this.institutionTotals(from, to);
    const insutypes = [...new Set([...STANDARD_INSUTYPES, ...whole.keys()])].sort();
    const groups: ClinicReconcileGroup[] = [];
    const badDays = new Set<string>();
    for (const insutype of insutypes) {
      const local = whole.get(insutype) ?? { count: 0, total: 0, fund: 0, account: 0 };
      const center = await ask3201(port, from, to, insutype, local);
      const match = sameTotals(local, center);
      const group: ClinicReconcileGroup = { insutype, local, center, match, mismatchedDays: [] };
      if (!match) {
        for (const day of days) {
          const l = (await this.institutionTotals(day, day)).get(insutype) ?? { count: 0, total: 0, fund: 0, account: 0 };
          if (!sameTotals(l, await ask3201(port, day, day, insutype, l))) group.mismatchedDays.push(day);
        }
        group.mismatchedDays.forEach((d) => badDays.add(d));
      }
      groups.push(group);
    }
    const findings: ClinicFinding[] = [];
    for (const day of [...badDays].sort()) findings.push(...(await this.details(port, day)));
    return { from, to, result: badDays.size ? 'mismatch' : 'match', groups, findings };
  }

  private async details(port: CenterPort | null, day: string): Promise<ClinicFinding[]> {
    const rows = (
      await this.pool.query<{ window_id: string; id: string; center_setl_id: string | null; refund_of: string | null; total: string; fund: string; account: string }>(
        `SELECT window_id, id, center_setl_id, refund_of, agreed_total AS total, agreed_fund AS fund, agreed_account AS account
         FROM settlements WHERE created_day = $1 AND known_to_center ORDER BY window_id, id`,
        [day],
      )
    ).rows.map((r) => ({ ...r, total: n(r.total), fund: n(r.fund), account: n(r.account) }));
    const out = (await sendOrThrow(port, '3202', {
      data: {
        stmt_begndate: day,
        stmt_enddate: day,
        details: rows.map((d) => ({
          setl_id: d.center_setl_id ?? '',
          medins_setl_id: d.id,
          medfee_sumamt: fenToYuan(d.total),
          fund_pay_sumamt: fenToYuan(d.fund),
          acct_pay: fenToYuan(d.account),
          refd_setl_flag: d.refund_of ? '1' : '0',
        })),
      },
    })) as { rows?: { stmt_rslt?: string; setl_id?: string | null; medins_setl_id?: string | null; center_medfee_sumamt?: string; medfee_sumamt?: string }[] };
    if (!Array.isArray(out?.rows)) throw new AppError('CENTER_BAD_ANSWER', '中心 3202 的应答格式不正确，对账未完成。');
    const byCenterId = new Map(rows.filter((r) => r.center_setl_id).map((r) => [r.center_setl_id!, r]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const found: ClinicFinding[] = [];
    for (const r of out.rows) {
      if (r.stmt_rslt === '0') continue;
      const kind = r.stmt_rslt === '1' ? 'only_center' : r.stmt_rslt === '2' ? 'only_local' : 'amount_differs';
      const mine = (r.setl_id ? byCenterId.get(r.setl_id) : undefined) ?? (kind !== 'only_center' && r.medins_setl_id ? byId.get(r.medins_setl_id) : undefined);
      const centerTotal = tryYuanToFen(r.center_medfee_sumamt ?? r.medfee_sumamt ?? '');
      found.push({
        day,
        kind,
        windowId: mine?.window_id ?? null,
        settlementId: mine?.id ?? r.medins_setl_id ?? null,
        centerSetlId: r.setl_id || mine?.center_setl_id || null,
        localTotal: mine?.total ?? null,
        centerTotal: kind === 'only_local' ? null : centerTotal,
      });
    }
    return found;
  }

  /** What the fund owes the clinic, per window, with aging by the settlement's day. */
  async receivables(today: string): Promise<ClinicReceivables> {
    const r = await this.pool.query<{ window_id: string | null; count: number; owed: string; paid: string; deducted: string; rejected: string; outstanding: string; d30: string; d60: string; d90: string; older: string }>(
      `SELECT window_id, count(*) FILTER (WHERE outstanding <> 0)::int AS count,
              sum(owed)::bigint AS owed, sum(paid)::bigint AS paid, sum(deducted)::bigint AS deducted, sum(rejected)::bigint AS rejected,
              sum(outstanding)::bigint AS outstanding,
              coalesce(sum(outstanding) FILTER (WHERE $1::date - created_day <= 30), 0)::bigint AS d30,
              coalesce(sum(outstanding) FILTER (WHERE $1::date - created_day BETWEEN 31 AND 60), 0)::bigint AS d60,
              coalesce(sum(outstanding) FILTER (WHERE $1::date - created_day BETWEEN 61 AND 90), 0)::bigint AS d90,
              coalesce(sum(outstanding) FILTER (WHERE $1::date - created_day > 90), 0)::bigint AS older
       FROM settlements WHERE receivable_status IS NOT NULL AND NOT written_off
       GROUP BY ROLLUP (window_id) ORDER BY window_id NULLS FIRST`,
      [today],
    );
    const view = (x: (typeof r.rows)[number]) => ({
      openCount: x.count,
      owed: n(x.owed),
      paid: n(x.paid),
      deducted: n(x.deducted),
      rejected: n(x.rejected),
      outstanding: n(x.outstanding),
      aging: { d0_30: n(x.d30), d31_60: n(x.d60), d61_90: n(x.d90), over90: n(x.older) },
    });
    const all = r.rows.find((x) => x.window_id === null);
    const empty = { openCount: 0, owed: 0, paid: 0, deducted: 0, rejected: 0, outstanding: 0, aging: { d0_30: 0, d31_60: 0, d61_90: 0, over90: 0 } };
    return { today, all: all ? view(all) : empty, windows: r.rows.filter((x) => x.window_id !== null).map((x) => ({ windowId: x.window_id!, ...view(x) })) };
  }

  /** A patient's name, for display on a supervisor's screen (never stored opened). */
  openName(sealed: string): string {
    return this.seal.open(sealed);
  }
}

type Totals = { count: number; total: number; fund: number; account: number };

function sameTotals(a: Totals, b: Totals): boolean {
  return a.count === b.count && a.total === b.total && a.fund === b.fund && a.account === b.account;
}

async function ask3201(port: CenterPort | null, begin: string, end: string, insutype: string, l: Totals): Promise<Totals> {
  const out = (await sendOrThrow(port, '3201', {
    data: { stmt_begndate: begin, stmt_enddate: end, insutype, medfee_sumamt: fenToYuan(l.total), fund_pay_sumamt: fenToYuan(l.fund), acct_pay: fenToYuan(l.account), fixmedins_setl_cnt: l.count },
  })) as { stmtinfo?: Record<string, unknown> };
  const a = out?.stmtinfo ?? {};
  const fen = (k: string) => (typeof a[k] === 'string' ? tryYuanToFen(a[k]) : null);
  const c = { count: Number(a['center_setl_cnt']), total: fen('center_medfee_sumamt'), fund: fen('center_fund_pay_sumamt'), account: fen('center_acct_pay') };
  if (!Number.isInteger(c.count) || c.total === null || c.fund === null || c.account === null) throw new AppError('CENTER_BAD_ANSWER', '中心 3201 的应答格式不正确，对账未完成。');
  return { count: c.count, total: c.total, fund: c.fund, account: c.account };
}
