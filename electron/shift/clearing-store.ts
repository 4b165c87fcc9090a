// The clearing applications and the settlements each was made of (migration 0021): the one
// owner of clearing_applications and clearing_items. Named transitions only; the center calls
// (3203 / 3204 / the status query) are clearing.ts's, which records each step here BEFORE and
// AFTER it talks to the center, so a lost answer leaves a state that says what to ask again.
import { z } from 'zod';
import type { ClearingApplicationView, ClearingState, ClearingTotals, SettlementStage } from '../api/contract/clearing';
import { CLEARING_STATES, SETTLEMENT_STAGES } from '../api/contract/clearing';
import { AppError, type ApiError, type ShownError } from '../api/result';
import type { Db } from '../db/open';
import { fenColumn, insertInto, many, one, run, value } from '../db/sql';
import { AGREED_AMOUNTS_SQL as AMOUNTS, settlementsWithAdjustmentsSql } from '../settlement/owner';
import { CENTER_ID, CLR_TYPE_SQL, KNOWN_TO_CENTER, reconciledSql } from './reconcile';

const AppRow = z.object({
  id: z.string(),
  setlym: z.string(),
  clr_type: z.string(),
  state: z.enum(CLEARING_STATES),
  psntime: z.number().int(),
  row_count: z.number().int(),
  medfee_sumamt: fenColumn,
  fund_appy_sum: fenColumn,
  acct_pay: fenColumn,
  cash_payamt: fenColumn,
  send_msgid: z.string().nullable(),
  center_appy_id: z.string().nullable(),
  cancel_msgid: z.string().nullable(),
  prepared_by: z.string(),
  prepared_at: z.string(),
  sent_at: z.string().nullable(),
  cancelled_by: z.string().nullable(),
  cancelled_at: z.string().nullable(),
  paid_at: z.string().nullable(),
  last_error: z.string().nullable(),
});
export type ClearingRow = z.output<typeof AppRow>;

const CandidateRow = z.object({ id: z.string(), center_setl_id: z.string().nullable(), refund: z.number().int(), total: fenColumn, fund: fenColumn, account: fenColumn });
export type CandidateRow = z.output<typeof CandidateRow>;
const StageRow = z.object({ clr_type: z.string(), stage: z.enum(SETTLEMENT_STAGES), n: z.number().int() });
const ItemRow = z.object({ settlement_id: z.string(), center_setl_id: z.string().nullable() });

/** The month's days as yyyy-MM-dd bounds (created_day is text; "-31" is past every month's end). */
export function monthDays(setlym: string): { first: string; last: string } {
  return { first: `${setlym.slice(0, 4)}-${setlym.slice(4, 6)}-01`, last: `${setlym.slice(0, 4)}-${setlym.slice(4, 6)}-31` };
}

/** The settlement is in an application the center holds: 'paid', 'applied', or NULL (SQL). */
export function clearingStageSql(settlementId: string): string {
  return `(SELECT CASE WHEN max(a.state = 'paid') THEN 'paid' WHEN max(a.state IN ('sent', 'cancelling')) THEN 'applied' END
           FROM clearing_items ci JOIN clearing_applications a ON a.id = ci.application_id WHERE ci.settlement_id = ${settlementId})`;
}

/**
 * A settlement's stage (SQL over alias `s` for the settlement): paid / applied by its clearing
 * application, else reconciled, else queued (not yet at the center) or uploaded.
 */
export function settlementStageSql(paidByNotice = 'NULL'): string {
  return `coalesce(${paidByNotice}, ${clearingStageSql('s.id')},
            CASE WHEN ${reconciledSql('s.id')} THEN 'reconciled' WHEN s.state = 'provisional' THEN 'queued' ELSE 'uploaded' END)`;
}

export function totalsOf(rows: readonly CandidateRow[]): ClearingTotals {
  const t = { rows: rows.length, psntime: 0, medfee: 0, fund: 0, account: 0, cash: 0 };
  for (const r of rows) {
    t.psntime += r.refund ? -1 : 1;
    t.medfee += r.total;
    t.fund += r.fund;
    t.account += r.account;
  }
  t.cash = t.medfee - t.fund - t.account;
  return t;
}

export function viewOf(r: ClearingRow): ClearingApplicationView {
  return {
    id: r.id,
    setlym: r.setlym,
    clrType: r.clr_type,
    state: r.state,
    totals: { rows: r.row_count, psntime: r.psntime, medfee: r.medfee_sumamt, fund: r.fund_appy_sum, account: r.acct_pay, cash: r.cash_payamt },
    centerAppyId: r.center_appy_id,
    sendMsgid: r.send_msgid,
    cancelMsgid: r.cancel_msgid,
    preparedBy: r.prepared_by,
    preparedAt: r.prepared_at,
    sentAt: r.sent_at,
    cancelledAt: r.cancelled_at,
    paidAt: r.paid_at,
    lastError: lastErrorOf(r.last_error),
  };
}

const StoredError = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.union([z.string(), z.number()])).optional() });

/** How an application's last error is kept: its code, Chinese message and plain facts, as JSON (words chosen by the window). */
export function lastErrorText(error: ApiError): string {
  const details = error.details && typeof error.details === 'object' ? error.details : undefined;
  return JSON.stringify({ code: error.code, message: error.message, ...(details ? { details } : {}) });
}

/** The stored error; text written before errors were kept as codes reads as the center's refusal in its own words. */
function lastErrorOf(text: string | null): ShownError | null {
  if (text === null) return null;
  try {
    const r = StoredError.safeParse(JSON.parse(text));
    if (r.success) return r.data;
  } catch {
    // older free text: below
  }
  return { code: 'CENTER_REJECTED', message: text };
}

export class ClearingStore {
  constructor(private readonly db: Db) {}

  /**
   * What an application of this month and clearing type would hold now: rows the center should
   * have (settlements and refund rows, center-agreed amounts) that a reconciliation run found in
   * agreement, carrying the center's id, and in no application still alive.
   */
  candidates(setlym: string, clrType: string): CandidateRow[] {
    const { first, last } = monthDays(setlym);
    return many(
      this.db,
      `SELECT s.id, ${CENTER_ID} AS center_setl_id, (s.refund_of IS NOT NULL) AS refund, ${AMOUNTS}
       FROM ${settlementsWithAdjustmentsSql('settlements_day')}
       WHERE s.created_day BETWEEN :first AND :last AND ${CLR_TYPE_SQL} = :clrType AND ${KNOWN_TO_CENTER} AND ${reconciledSql('s.id')}
         AND NOT EXISTS (SELECT 1 FROM clearing_items ci JOIN clearing_applications a ON a.id = ci.application_id
                         WHERE ci.settlement_id = s.id AND a.state NOT IN ('cancelled', 'prepared'))
       ORDER BY s.id`,
      { first, last, clrType },
      CandidateRow,
    );
  }

  /** The month's settlements (not refund rows, not refunded, rejected or voided) per clearing type and stage. */
  stages(setlym: string): Map<string, Record<SettlementStage, number>> {
    const { first, last } = monthDays(setlym);
    const rows = many(
      this.db,
      `SELECT clr_type, stage, count(*) AS n FROM (
         SELECT ${CLR_TYPE_SQL} AS clr_type, ${settlementStageSql()} AS stage
         FROM ${settlementsWithAdjustmentsSql('settlements_day')}
         WHERE s.created_day BETWEEN :first AND :last AND s.refund_of IS NULL AND s.state IN ('provisional', 'confirmed', 'adjusted')
           AND (s.state = 'provisional' OR ${KNOWN_TO_CENTER}))
       GROUP BY 1, 2`,
      { first, last },
      StageRow,
    );
    const out = new Map<string, Record<SettlementStage, number>>();
    for (const r of rows) {
      const st = out.get(r.clr_type) ?? { queued: 0, uploaded: 0, reconciled: 0, applied: 0, paid: 0 };
      st[r.stage] += r.n;
      out.set(r.clr_type, st);
    }
    return out;
  }

  /** One settlement's stage by its clearing application and reconciliation (undefined: no such settlement). */
  stageOf(settlementId: string): SettlementStage | undefined {
    return value(this.db, `SELECT ${settlementStageSql()} FROM ${settlementsWithAdjustmentsSql()} WHERE s.id = :settlementId`, { settlementId }, z.enum(SETTLEMENT_STAGES));
  }

  get(id: string): ClearingRow {
    const r = one(this.db, 'SELECT * FROM clearing_applications WHERE id = :id', { id }, AppRow);
    if (!r) throw new AppError('CLEARING_NOT_FOUND', `没有编号为 ${id} 的清算申请。`);
    return r;
  }

  list(setlym: string | null): ClearingRow[] {
    return many(this.db, 'SELECT * FROM clearing_applications WHERE :setlym IS NULL OR setlym = :setlym ORDER BY setlym, clr_type, prepared_at, id', { setlym }, AppRow);
  }

  inState(state: ClearingState): ClearingRow[] {
    return many(this.db, 'SELECT * FROM clearing_applications WHERE state = :state ORDER BY id', { state }, AppRow);
  }

  items(id: string): Array<z.output<typeof ItemRow>> {
    return many(this.db, 'SELECT settlement_id, center_setl_id FROM clearing_items WHERE application_id = :id ORDER BY settlement_id', { id }, ItemRow);
  }

  /** The application still alive (or paid) that holds this settlement, else the latest one that did. */
  applicationOf(settlementId: string): ClearingRow | null {
    return (
      one(
        this.db,
        `SELECT a.* FROM clearing_items ci JOIN clearing_applications a ON a.id = ci.application_id
         WHERE ci.settlement_id = :settlementId ORDER BY a.state = 'cancelled', a.prepared_at DESC LIMIT 1`,
        { settlementId },
        AppRow,
      ) ?? null
    );
  }

  /**
   * A new application of these rows, replacing a prepared one of the same month and type (never
   * sent, so nothing at the center). Refused while one is sending, sent, cancelling or paid.
   */
  prepare(setlym: string, clrType: string, rows: readonly CandidateRow[], by: string, at: string): ClearingRow {
    return this.db.transaction(() => {
      const live = one(this.db, "SELECT * FROM clearing_applications WHERE setlym = :setlym AND clr_type = :clrType AND state <> 'cancelled'", { setlym, clrType }, AppRow);
      if (live && live.state !== 'prepared') throw new AppError('CLEARING_EXISTS', `${setlym} 清算类别 ${clrType} 已有清算申请 ${live.id}（${live.state}）；如需重做，请先撤销。`);
      if (live) {
        run(this.db, 'DELETE FROM clearing_items WHERE application_id = :id', { id: live.id });
        run(this.db, 'DELETE FROM clearing_applications WHERE id = :id', { id: live.id });
      }
      if (rows.length === 0) throw new AppError('CLEARING_EMPTY', `${setlym} 清算类别 ${clrType} 没有已对账的结算，请先对账。`);
      const n = (value(this.db, 'SELECT count(*) FROM clearing_applications WHERE setlym = :setlym AND clr_type = :clrType', { setlym, clrType }, z.number().int()) ?? 0) + 1;
      const id = `CLR-${setlym}-${clrType}-${n}`;
      const t = totalsOf(rows);
      insertInto(this.db, 'clearing_applications', {
        id, setlym, clr_type: clrType, state: 'prepared', psntime: t.psntime, row_count: t.rows, medfee_sumamt: t.medfee, fund_appy_sum: t.fund, acct_pay: t.account, cash_payamt: t.cash,
        prepared_by: by, prepared_at: at,
      });
      for (const r of rows) insertInto(this.db, 'clearing_items', { application_id: id, settlement_id: r.id, center_setl_id: r.center_setl_id });
      return this.get(id);
    })();
  }

  /** prepared → sending with the 3203's msgid, stored before anything leaves. */
  beginSend(id: string, msgid: string): void {
    this.move(id, ['prepared'], 'UPDATE clearing_applications SET state = \'sending\', send_msgid = :msgid, last_error = NULL WHERE id = :id', { msgid });
  }

  /** sending → sent: the center took it. */
  sent(id: string, centerAppyId: string, at: string): void {
    this.move(id, ['sending'], "UPDATE clearing_applications SET state = 'sent', center_appy_id = :centerAppyId, sent_at = :at, last_error = NULL WHERE id = :id", { centerAppyId, at });
  }

  /** sending → prepared: the center refused it (its answer is stored under that msgid, so the next send takes a new one). */
  sendRefused(id: string, error: string): void {
    this.move(id, ['sending'], "UPDATE clearing_applications SET state = 'prepared', send_msgid = NULL, last_error = :error WHERE id = :id", { error });
  }

  /** sent → cancelling with the 3204's msgid, stored before anything leaves. */
  beginCancel(id: string, msgid: string): void {
    this.move(id, ['sent'], "UPDATE clearing_applications SET state = 'cancelling', cancel_msgid = :msgid, last_error = NULL WHERE id = :id", { msgid });
  }

  /** cancelling → sent: the center refused to cancel. */
  cancelRefused(id: string, error: string): void {
    this.move(id, ['cancelling'], "UPDATE clearing_applications SET state = 'sent', cancel_msgid = NULL, last_error = :error WHERE id = :id", { error });
  }

  /** cancelling (the center cancelled it) or prepared (never sent) → cancelled. */
  cancelled(id: string, by: string, at: string): void {
    this.move(id, ['cancelling', 'prepared'], "UPDATE clearing_applications SET state = 'cancelled', cancelled_by = :by, cancelled_at = :at, last_error = NULL WHERE id = :id", { by, at });
  }

  /** sent → paid (inside the caller's transaction with the payment notices). */
  paid(id: string, at: string): void {
    this.move(id, ['sent'], "UPDATE clearing_applications SET state = 'paid', paid_at = :at, last_error = NULL WHERE id = :id", { at });
  }

  /** Why the last exchange did not finish (the state stays: the next try asks again under the same msgid). */
  noteError(id: string, error: string): void {
    run(this.db, 'UPDATE clearing_applications SET last_error = :error WHERE id = :id', { id, error });
  }

  private move(id: string, from: readonly ClearingState[], sql: string, params: Record<string, string>): void {
    const cur = this.get(id);
    if (!from.includes(cur.state)) throw new AppError('CLEARING_NOT_ALLOWED', `清算申请 ${id} 当前为 ${cur.state}，不能这样操作。`);
    run(this.db, sql, { id, ...params });
  }
}
