// The ONE computation of a shift's figures. The X report, the close (handover), the printed,
// PDF and CSV reports all come from ShiftFiguresQuery.compute, so they cannot disagree.
import type { CashMovementView, Figure, ShiftFigures } from '../api/contract/shift';
import type { Db } from '../db/open';
import { settlementsWithAdjustmentsSql } from '../settlement/owner';
import { SHIFT_DEPOSIT_CASH_SQL, SHIFT_DEPOSIT_IN_SQL, SHIFT_DEPOSIT_OUT_SQL } from '../inpatient/deposits';
import { z } from 'zod';
import { fenColumn, many, one } from '../db/sql';
import { addFields } from './sums';

export function emptyFigure(): Figure {
  return { count: 0, refundCount: 0, gross: 0, refunded: 0, total: 0, fund: 0, critical: 0, account: 0, cash: 0 };
}

const int = z.number().int();
const GroupRow = z.object({
  insurance_type: z.string(),
  visit_type: z.string(),
  state: z.string(),
  online: int,
  is_refund: int,
  hour: int,
  n: int,
  total: fenColumn,
  fund: fenColumn,
  critical: fenColumn,
  account: fenColumn,
  cash: fenColumn,
  adjusted_n: int,
});
type GroupRow = z.output<typeof GroupRow>;
const MovementRow = z.object({
  id: int,
  at: z.string(),
  direction: z.enum(['in', 'out']),
  amount: fenColumn,
  reason: z.string(),
  operatorId: z.string(),
}) satisfies z.ZodType<CashMovementView>;
const DepositCashRow = z.object({ paidIn: fenColumn, paidBack: fenColumn, cash: fenColumn });

function addInto(f: Figure, r: GroupRow): void {
  if (r.is_refund) {
    f.refundCount += r.n;
    f.refunded += r.total;
  } else {
    f.count += r.n;
    f.gross += r.total;
  }
  addFields(f, r, ['total', 'fund', 'critical', 'account', 'cash']);
}

function addKeyed(map: Record<string, Figure>, key: string, r: GroupRow): void {
  addInto((map[key] ??= emptyFigure()), r);
}

export interface ShiftHead {
  id: string;
  operator_id: string;
  opened_at: string;
  opening_float: number;
}

/**
 * Settlements of the shift grouped in SQL (one indexed pass over settlements_shift), folded
 * here into every breakdown. Refund rows carry negated amounts, so every figure is net.
 */
export class ShiftFiguresQuery {
  private readonly groupsSql: string;

  constructor(private readonly db: Db) {
    // The reports show the fund, critical-illness and account amounts the center agreed (issue 13:
    // the center's adjustments added), while the cash stays what the window collected — that is
    // what the drawer holds. China hour of created_at (ISO UTC): the clinic's day runs on UTC+8.
    this.groupsSql = `
      SELECT insurance_type, visit_type,
             -- A self-pay row is final at once and never the center's: its own state in the report.
             CASE WHEN self_pay = 1 AND state = 'confirmed' THEN 'self_pay' ELSE state END AS state,
             online, (refund_of IS NOT NULL) AS is_refund,
             (CAST(substr(created_at, 12, 2) AS INTEGER) + 8) % 24 AS hour,
             count(*) AS n, sum(total + coalesce(adj.dt, 0)) AS total, sum(fund_pay + coalesce(adj.df, 0)) AS fund,
             sum(critical_illness_pay + coalesce(adj.dc, 0)) AS critical, sum(account_pay + coalesce(adj.da, 0)) AS account,
             sum(cash_pay) AS cash, count(adj.settlement_id) AS adjusted_n
      FROM ${settlementsWithAdjustmentsSql()}
      WHERE shift_id = :shiftId
      GROUP BY 1, 2, 3, 4, 5, 6`;
  }

  compute(shift: ShiftHead, asOf: Date): ShiftFigures {
    const all = emptyFigure();
    const online = emptyFigure();
    const offline = emptyFigure();
    const byInsuranceType: Record<string, Figure> = {};
    const byVisitType: Record<string, Figure> = {};
    const byState: Record<string, Figure> = {};
    const hours = new Map<number, { count: number; total: number }>();
    let centerAdjusted = 0;
    for (const r of many(this.db, this.groupsSql, { shiftId: shift.id }, GroupRow)) {
      centerAdjusted += r.adjusted_n;
      addInto(all, r);
      addInto(r.online ? online : offline, r);
      addKeyed(byInsuranceType, r.insurance_type, r);
      addKeyed(byVisitType, r.visit_type, r);
      addKeyed(byState, r.state, r);
      const h = hours.get(r.hour) ?? { count: 0, total: 0 };
      if (!r.is_refund) h.count += r.n;
      h.total += r.total;
      hours.set(r.hour, h);
    }
    const movements = many(
      this.db,
      'SELECT id, at, direction, amount, reason, operator_id AS operatorId FROM cash_movements WHERE shift_id = :shiftId ORDER BY id',
      { shiftId: shift.id },
      MovementRow,
    );
    // The hospital window's deposits, composed from their owner's fragments (inpatient/deposits.ts).
    const dep = one(
      this.db,
      `SELECT ${SHIFT_DEPOSIT_IN_SQL} AS paidIn, ${SHIFT_DEPOSIT_OUT_SQL} AS paidBack, ${SHIFT_DEPOSIT_CASH_SQL} AS cash`,
      { shiftId: shift.id },
      DepositCashRow,
    ) ?? { paidIn: 0, paidBack: 0, cash: 0 };
    const deposits = { paidIn: dep.paidIn, paidBack: dep.paidBack, netted: dep.cash - dep.paidIn - dep.paidBack };
    const cashIn = movements.filter((m) => m.direction === 'in').reduce((s, m) => s + m.amount, 0);
    const cashOut = movements.filter((m) => m.direction === 'out').reduce((s, m) => s + m.amount, 0);
    return {
      shiftId: shift.id,
      operatorId: shift.operator_id,
      openedAt: shift.opened_at,
      asOf: asOf.toISOString(),
      all,
      byInsuranceType,
      byVisitType,
      byState,
      online,
      offline,
      hourly: [...hours.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([h, v]) => ({ hour: String(h).padStart(2, '0'), ...v })),
      cash: {
        openingFloat: shift.opening_float,
        cashIn,
        cashOut,
        settlementCash: all.cash,
        deposits,
        expected: shift.opening_float + cashIn - cashOut + all.cash + dep.cash,
      },
      movements,
      centerAdjusted,
    };
  }
}
