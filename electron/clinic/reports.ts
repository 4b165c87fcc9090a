// The clinic-wide figures, read from PostgreSQL by a supervisor's window (a member of
// clinic_reader): the day or month across windows (per window, per operator), reconciliation
// of the institution with the center (3201 totals from the consolidated figures, 3202 details,
// each finding traced to its window and settlement), and what the fund owes the clinic.
// Every figure is a SUM in PostgreSQL over the consolidated settlements; money is fen.
import type pg from 'pg';
import type { ClinicFigures, ClinicFinding, ClinicReconcileResult, ClinicReceivables, ClinicSummary } from '../api/contract/clinic';
import { visitTypeToMedType, type VisitType } from '../center/wire/codes';
import type { CenterPort } from '../shift/center-port';
import { compareWithCenter, type DayGroup, type DetailRow } from '../shift/reconcile-core';
import type { IdentitySeal } from './identity';

// Total, fund (with critical illness) and account are the center's for settlements it adjusted
// (the agreed_* columns: the window's split plus the center's adjustments), as in a window's own
// shift report (issue 13); cash is what the windows collected.
const FIGURES = `count(*) FILTER (WHERE refund_of IS NULL)::int AS count, count(*) FILTER (WHERE refund_of IS NOT NULL)::int AS refunds,
  coalesce(sum(agreed_total), 0)::bigint AS total, coalesce(sum(agreed_fund), 0)::bigint AS fund,
  coalesce(sum(agreed_account), 0)::bigint AS account, coalesce(sum(cash_pay), 0)::bigint AS cash,
  count(*) FILTER (WHERE agreed_total <> total OR agreed_fund <> fund_pay + critical_illness_pay OR agreed_account <> account_pay)::int AS adjusted`;

/** A consolidated row for 3202: the settlement and the window that made it. */
interface ClinicDetailRow extends DetailRow {
  window_id: string;
}

interface FigureRow {
  window_id: string | null;
  operator_id: string | null;
  count: number;
  refunds: number;
  total: string;
  fund: string;
  account: string;
  cash: string;
  adjusted: number;
}

/** bigint sums arrive as strings; fen fit a JS integer far beyond any clinic's totals. */
const n = (s: string | number | null): number => Number(s ?? 0);

function figures(r: FigureRow): ClinicFigures {
  return { count: r.count, refunds: r.refunds, total: n(r.total), fund: n(r.fund), account: n(r.account), cash: n(r.cash), centerAdjusted: r.adjusted };
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
    const out: ClinicSummary = { from, to, all: { count: 0, refunds: 0, total: 0, fund: 0, account: 0, cash: 0, centerAdjusted: 0 }, windows: [] };
    for (const row of r.rows) {
      if (row.window_id === null) out.all = figures(row);
      else if (row.operator_id === null) out.windows.push({ windowId: row.window_id, figures: figures(row), operators: [] });
      else out.windows.at(-1)!.operators.push({ operatorId: row.operator_id, figures: figures(row) });
    }
    return out;
  }

  /** 3201 figures of the institution per day and insurance type, from the consolidated rows the center should have. */
  async dayGroups(from: string, to: string): Promise<DayGroup[]> {
    const r = await this.pool.query<{ day: string; insutype: string; visit_type: string; count: number; total: string; fund: string; account: string }>(
      `SELECT to_char(created_day, 'YYYY-MM-DD') AS day, insutype, visit_type, count(*)::int AS count,
              sum(agreed_total)::bigint AS total, sum(agreed_fund)::bigint AS fund, sum(agreed_account)::bigint AS account
       FROM settlements WHERE created_day BETWEEN $1 AND $2 AND known_to_center GROUP BY 1, 2, 3`,
      [from, to],
    );
    const groups = new Map<string, DayGroup>();
    for (const x of r.rows) {
      const key = `${x.day}/${x.insutype}`;
      const g = groups.get(key) ?? { day: x.day, insutype: x.insutype, count: 0, total: 0, fund: 0, account: 0, byClrType: {} };
      g.count += x.count;
      g.total += n(x.total);
      g.fund += n(x.fund);
      g.account += n(x.account);
      const clr = visitTypeToMedType(x.visit_type as VisitType);
      g.byClrType[clr] = (g.byClrType[clr] ?? 0) + x.count;
      groups.set(key, g);
    }
    return [...groups.values()];
  }

  /** Every window's rows of one day the center should have (3202), with their window. */
  async details(day: string): Promise<ClinicDetailRow[]> {
    const r = await this.pool.query<{ window_id: string; id: string; center_setl_id: string | null; refund_of: string | null; total: string; fund: string; account: string }>(
      `SELECT window_id, id, center_setl_id, refund_of, agreed_total AS total, agreed_fund AS fund, agreed_account AS account
       FROM settlements WHERE created_day = $1 AND known_to_center ORDER BY window_id, id`,
      [day],
    );
    return r.rows.map((x) => ({ ...x, total: n(x.total), fund: n(x.fund), account: n(x.account) }));
  }

  /**
   * The institution's reconciliation with the center: the same comparison as one window's
   * (shift/reconcile-core.ts) over the clinic's consolidated figures — 3201 per insurance
   * type, the differing days pinned by halving, 3202 with every window's rows of such a day —
   * and each finding names its window.
   */
  async reconcile(port: CenterPort | null, from: string, to: string): Promise<ClinicReconcileResult> {
    const cmp = await compareWithCenter(port, from, to, { dayGroups: (f, t) => this.dayGroups(f, t), details: (day) => this.details(day) });
    const findings: ClinicFinding[] = cmp.findings.map((f) => ({
      day: f.day,
      kind: f.kind,
      windowId: f.local?.window_id ?? null,
      settlementId: f.settlementId,
      centerSetlId: f.centerSetlId,
      localTotal: f.local?.total ?? null,
      centerTotal: f.center?.total ?? null,
    }));
    return { from, to, result: cmp.mismatchedDays.length ? 'mismatch' : 'match', groups: cmp.groups, findings };
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
