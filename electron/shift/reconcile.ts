// Reconciliation with the center over a day range: 3201 totals per insurance type × clearing
// type; when any group differs, 3202 details day by day; the findings become the discrepancy
// list the supervisor works through (re-upload, or resolve with a note).
//
// What "local" means here: the settlements the center should know — everything but offline
// rows still waiting in the outbox (state provisional) and uploads the center rejected. Amounts
// are the center-agreed ones: the local split plus the center's adjustments (the settlements
// row keeps what was printed at the window; the adjustments table holds the differences).
import type { DiscrepancyAdvice, DiscrepancyView, ReconcileGroup, ReconcileResult } from '../api/contract/shift';
import { AppError } from '../api/result';
import type { CoreApp } from '../app/core';
import { visitTypeToMedType, type VisitType } from '../center/wire/codes';
import { cancelSetlIdSql, centerTookSql } from '../outbox/predicates';
import { outboxStore } from '../outbox/store';
import { AGREED_AMOUNTS_SQL as AMOUNTS, settlementState, settlementsWithAdjustmentsSql } from '../settlement/owner';
import { z } from 'zod';
import { fenColumn, insertInto, many, one, run, value } from '../db/sql';
import type { CenterPort, NationalCenterPort } from './center-port';
import { compareWithCenter, reconcileDays, type DayGroup, type DetailRow as SharedDetailRow, type Finding } from './reconcile-core';
import { compareWithCenterNational, type NationalDayGroup, type NationalDetailRow, type NationalReconcileSource } from './reconcile-national';

export { daysBetween, STANDARD_INSUTYPES } from './reconcile-core';

/**
 * Rows the center should have: an upload it confirmed or adjusted, a refund (2208) it
 * confirmed, or any row that carries the center's setl_id. Offline rows still queued, uploads
 * it rejected and settlements voided by 2601 are not the center's.
 */
export const KNOWN_TO_CENTER = `(s.center_setl_id IS NOT NULL OR ${centerTookSql('s.id')})`;
/** A settlement's clearing type (clr_type) from its visit type: 21 inpatient, else 11 (outpatient, chronic). */
export const CLR_TYPE_SQL = `CASE WHEN s.visit_type = 'inpatient' THEN '21' ELSE '11' END`;
/** `<settlementId>` was found in agreement with the center by a reconciliation run (SQL condition). */
export function reconciledSql(settlementId: string): string {
  return `EXISTS (SELECT 1 FROM reconciled_settlements rs WHERE rs.settlement_id = ${settlementId})`;
}
/** The center's id of a row: a refund row's comes from the 2208 answer kept in the outbox. */
export const CENTER_ID = `coalesce(s.center_setl_id, ${cancelSetlIdSql('s.id')})`;

const nationalGroupRow = z.object({
  day: z.string(), insutype: z.string(), clrType: z.string(), setlOptins: z.string(), count: z.number().int(), total: fenColumn, fund: fenColumn, account: fenColumn,
}) satisfies z.ZodType<NationalDayGroup>;
const nationalDetailRow = z.object({
  id: z.string(), day: z.string(), psn_no: z.string(), mdtrt_id: z.string(), center_setl_id: z.string().nullable(), refund_of: z.string().nullable(), total: fenColumn, fund: fenColumn, account: fenColumn,
}) satisfies z.ZodType<NationalDetailRow>;
const maybeText = z.string().nullable();
const maybeFen = fenColumn.nullable();
const DetailRow = z.object({
  id: z.string(),
  created_day: z.string(),
  center_setl_id: maybeText,
  refund_of: maybeText,
  total: fenColumn,
  fund: fenColumn,
  account: fenColumn,
}) satisfies z.ZodType<SharedDetailRow>;
type DetailRow = z.output<typeof DetailRow>;

const DiscrepancyRow = z.object({
  id: z.number().int(),
  run_id: z.number().int(),
  kind: z.enum(['only_center', 'only_local', 'amount_differs']),
  settlement_id: maybeText,
  center_setl_id: maybeText,
  day: z.string(),
  local_total: maybeFen,
  local_fund: maybeFen,
  local_account: maybeFen,
  center_total: maybeFen,
  center_fund: maybeFen,
  center_account: maybeFen,
  state: z.enum(['open', 'reupload_requested', 'resolved']),
  action_note: maybeText,
  acted_by: maybeText,
  acted_at: maybeText,
});
type DiscrepancyRow = z.output<typeof DiscrepancyRow>;

const GroupRow = z.object({
  day: z.string(),
  insutype: z.string(),
  visit_type: z.enum(['outpatient', 'chronic', 'inpatient']) satisfies z.ZodType<VisitType>,
  count: z.number().int(),
  total: fenColumn,
  fund: fenColumn,
  account: fenColumn,
});

type FoundRow = Omit<DiscrepancyRow, 'id' | 'run_id' | 'state' | 'action_note' | 'acted_by' | 'acted_at'>;

/** A finding of the comparison as the discrepancies table keeps it. */
function findingRow(f: Finding<SharedDetailRow>): FoundRow {
  return {
    kind: f.kind,
    settlement_id: f.settlementId,
    center_setl_id: f.centerSetlId,
    day: f.day,
    local_total: f.local?.total ?? null,
    local_fund: f.local?.fund ?? null,
    local_account: f.local?.account ?? null,
    center_total: f.center?.total ?? null,
    center_fund: f.center?.fund ?? null,
    center_account: f.center?.account ?? null,
  };
}

export class Reconciler {
  constructor(
    private readonly core: CoreApp,
    private readonly center: () => CenterPort | null,
    /** The national port as this operator (centerProtocol national), else null: the simple protocol. */
    private readonly national: (operator: { id: string; name: string }) => NationalCenterPort | null = () => null,
    /** The local settlement a 2207 msgid made (the national chain journal). */
    private readonly settlementOfMsgid: (msgid: string) => string | null = () => null,
  ) {}

  /** Local 3201 figures per day and insurance type, with the clearing-type split for display. */
  localGroups(from: string, to: string): Map<string, DayGroup> {
    const rows = many(
      this.core.db,
      `SELECT s.created_day AS day, s.insutype, s.visit_type, count(*) AS count, sum(total) AS total, sum(fund) AS fund, sum(account) AS account
       FROM (SELECT s.created_day, s.insutype, s.visit_type, ${AMOUNTS} FROM ${settlementsWithAdjustmentsSql()}
             WHERE s.created_day BETWEEN :from AND :to AND ${KNOWN_TO_CENTER}) s
       GROUP BY 1, 2, 3`,
      { from, to },
      GroupRow,
    );
    const groups = new Map<string, DayGroup>();
    for (const r of rows) {
      const key = `${r.day}/${r.insutype}`;
      const g = groups.get(key) ?? { day: r.day, insutype: r.insutype, count: 0, total: 0, fund: 0, account: 0, byClrType: {} };
      g.count += r.count;
      g.total += r.total;
      g.fund += r.fund;
      g.account += r.account;
      const clr = visitTypeToMedType(r.visit_type);
      g.byClrType[clr] = (g.byClrType[clr] ?? 0) + r.count;
      groups.set(key, g);
    }
    return groups;
  }

  async run(from: string, to: string, operatorId: string | null, operatorName?: string): Promise<ReconcileResult> {
    reconcileDays(from, to);
    const port = this.center();
    const national = this.national({ id: operatorId ?? 'system', name: operatorName ?? operatorId ?? '系统' });
    try {
      // The comparison is shared with the clinic's institution reconciliation (reconcile-core.ts);
      // the national protocol's (3201 per clearing group, 3202 through files) gives the same findings.
      const cmp = national
        ? await compareWithCenterNational(national, from, to, this.nationalSource())
        : await compareWithCenter(port, from, to, {
            dayGroups: (f, t) => [...this.localGroups(f, t).values()],
            details: (day) => this.localDetails(day, day),
          });
      const found = cmp.findings.map(findingRow);
      const result = cmp.mismatchedDays.length > 0 || cmp.groups.some((g) => !g.match) ? 'mismatch' : 'match';
      const runId = this.record(from, to, operatorId, result, cmp.groups, cmp.detailRows, found, null);
      return { runId, from, to, result, groups: cmp.groups, detailRows: cmp.detailRows, discrepancies: this.discrepancies('open').filter((d) => d.day >= from && d.day <= to) };
    } catch (e) {
      this.record(from, to, operatorId, 'failed', [], 0, [], e instanceof Error ? e.message : String(e));
      throw e;
    }
  }

  /**
   * The national protocol's local figures: per day × insutype × clr_type (11 outpatient, 21
   * inpatient) × setl_optins (the person's insurance area from the settle-time snapshot, this
   * clinic's area when absent), and the rows of one clearing group for the 3202 detail file.
   */
  private nationalSource(): NationalReconcileSource<NationalDetailRow> {
    const db = this.core.db;
    const area = this.core.settings.areaCode;
    const clr = CLR_TYPE_SQL;
    const optins = `coalesce(nullif(json_extract(s.person_snapshot, '$.insuplcAdmdvs'), ''), @area)`;
    return {
      groups: (from, to) =>
        many(
          db,
          `SELECT day, insutype, clr_type AS clrType, setl_optins AS setlOptins, count(*) AS count, sum(total) AS total, sum(fund) AS fund, sum(account) AS account
             FROM (SELECT s.created_day AS day, s.insutype, ${clr} AS clr_type, ${optins} AS setl_optins, ${AMOUNTS} FROM ${settlementsWithAdjustmentsSql()}
                   WHERE s.created_day BETWEEN @from AND @to AND ${KNOWN_TO_CENTER})
             GROUP BY 1, 2, 3, 4`,
          { from, to, area },
          nationalGroupRow,
        ),
      details: (from, to, clrType, setlOptins) =>
        many(
          db,
          `SELECT id, day, psn_no, mdtrt_id, center_setl_id, refund_of, total, fund, account FROM (SELECT s.id, s.created_day AS day, s.psn_no, '' AS mdtrt_id, ${CENTER_ID} AS center_setl_id, s.refund_of, ${clr} AS clr_type, ${optins} AS setl_optins, ${AMOUNTS}
                            FROM ${settlementsWithAdjustmentsSql('settlements_day')}
                            WHERE s.created_day BETWEEN @from AND @to AND ${KNOWN_TO_CENTER})
             WHERE clr_type = @clrType AND setl_optins = @setlOptins ORDER BY id`,
          { from, to, area, clrType, setlOptins },
          nationalDetailRow,
        ),
      settlementOfMsgid: this.settlementOfMsgid,
    };
  }

  private localDetails(from: string, to: string): DetailRow[] {
    // INDEXED BY: left to itself, SQLite reads the whole journal in id order to save sorting a
    // day's rows (~0.2 s per day asked over a million settlements).
    return many(
      this.core.db,
      `SELECT s.id, s.created_day, ${CENTER_ID} AS center_setl_id, s.refund_of, ${AMOUNTS} FROM ${settlementsWithAdjustmentsSql('settlements_day')}
       WHERE s.created_day BETWEEN :from AND :to AND ${KNOWN_TO_CENTER} ORDER BY s.id`,
      { from, to },
      DetailRow,
    );
  }

  /**
   * One transaction: the run, its findings (an open finding seen again is updated, not
   * duplicated), and the open findings of these days that are gone now (resolved by the system).
   */
  private record(
    from: string,
    to: string,
    operatorId: string | null,
    result: 'match' | 'mismatch' | 'failed',
    groups: ReconcileGroup[],
    detailRows: number,
    found: FoundRow[],
    error: string | null,
  ): number {
    const db = this.core.db;
    const now = this.core.clock.now().toISOString();
    return db.transaction(() => {
      const runId = Number(
        insertInto(db, 'reconciliation_runs', {
          from_day: from,
          to_day: to,
          run_at: now,
          operator_id: operatorId,
          result,
          totals: JSON.stringify(groups),
          detail_count: detailRows,
          error,
        }).lastInsertRowid,
      );
      if (result === 'failed') return runId;
      const keys = new Set<string>();
      for (const f of found) {
        const key = `${f.kind}:${f.settlement_id ?? ''}:${f.center_setl_id ?? ''}`;
        keys.add(key);
        const existing = value(db, "SELECT id FROM discrepancies WHERE key = :key AND state <> 'resolved'", { key }, z.number().int());
        const amounts = {
          local_total: f.local_total,
          local_fund: f.local_fund,
          local_account: f.local_account,
          center_total: f.center_total,
          center_fund: f.center_fund,
          center_account: f.center_account,
        };
        // A finding a supervisor already resolved with a note, unchanged since, is not raised again.
        const acknowledged = one(
          db,
          `SELECT 1 AS yes FROM discrepancies WHERE key = :key AND state = 'resolved' AND acted_by <> 'system'
             AND local_total IS :local_total AND local_fund IS :local_fund AND local_account IS :local_account
             AND center_total IS :center_total AND center_fund IS :center_fund AND center_account IS :center_account`,
          { key, ...amounts },
          z.object({ yes: z.literal(1) }),
        );
        if (acknowledged && existing === undefined) continue;
        if (existing !== undefined) {
          run(
            db,
            `UPDATE discrepancies SET run_id = :runId, local_total = :local_total, local_fund = :local_fund, local_account = :local_account,
               center_total = :center_total, center_fund = :center_fund, center_account = :center_account WHERE id = :id`,
            { runId, ...amounts, id: existing },
          );
        } else {
          insertInto(db, 'discrepancies', {
            run_id: runId,
            kind: f.kind,
            settlement_id: f.settlement_id,
            center_setl_id: f.center_setl_id,
            day: f.day,
            ...amounts,
            key,
          });
        }
      }
      const stale = many(
        db,
        "SELECT id, key FROM discrepancies WHERE state <> 'resolved' AND day BETWEEN :from AND :to",
        { from, to },
        z.object({ id: z.number().int(), key: z.string() }),
      );
      for (const s of stale) {
        if (keys.has(s.key)) continue;
        run(db, "UPDATE discrepancies SET state = 'resolved', action_note = :note, acted_by = 'system', acted_at = :now WHERE id = :id", {
          note: `第 ${runId} 次对账已一致`,
          now,
          id: s.id,
        });
      }
      // A group that differed while no detail showed where (the center counts otherwise) proves no row.
      if (!(result === 'mismatch' && found.length === 0)) this.markReconciled(runId, from, to, now);
      return runId;
    })();
  }

  /**
   * Every row of the range the center should have and no open finding names is reconciled by
   * this run (monthly clearing is made of these, docs/CLEARING.md); a row an open finding names
   * is not, whatever an earlier run said.
   */
  private markReconciled(runId: number, from: string, to: string, now: string): void {
    const db = this.core.db;
    run(db, `DELETE FROM reconciled_settlements WHERE settlement_id IN (SELECT settlement_id FROM discrepancies WHERE state <> 'resolved' AND settlement_id IS NOT NULL)`, {});
    run(
      db,
      `INSERT INTO reconciled_settlements (settlement_id, run_id, reconciled_at)
       SELECT s.id, :runId, :now FROM ${settlementsWithAdjustmentsSql('settlements_day')}
       WHERE s.created_day BETWEEN :from AND :to AND ${KNOWN_TO_CENTER}
         AND NOT EXISTS (SELECT 1 FROM discrepancies d WHERE d.settlement_id = s.id AND d.state <> 'resolved')
       ON CONFLICT (settlement_id) DO UPDATE SET run_id = excluded.run_id, reconciled_at = excluded.reconciled_at`,
      { runId, now, from, to },
    );
  }

  /** The run that last found a settlement in agreement with the center, or null. */
  reconciledOf(settlementId: string): { runId: number; at: string } | null {
    return one(this.core.db, 'SELECT run_id AS runId, reconciled_at AS at FROM reconciled_settlements WHERE settlement_id = :settlementId', { settlementId }, z.object({ runId: z.number().int(), at: z.string() })) ?? null;
  }

  discrepancies(state: DiscrepancyView['state'] | 'all'): DiscrepancyView[] {
    const rows = many(this.core.db, `SELECT * FROM discrepancies WHERE (:state = 'all' OR state = :state) ORDER BY day, id LIMIT 5000`, { state }, DiscrepancyRow);
    return rows.map((r) => this.view(r));
  }

  discrepancy(id: number): DiscrepancyView {
    const r = one(this.core.db, 'SELECT * FROM discrepancies WHERE id = :id', { id }, DiscrepancyRow);
    if (!r) throw new AppError('DISCREPANCY_NOT_FOUND', `没有编号为 ${id} 的对账差异。`);
    return this.view(r);
  }

  /** Mark resolved with a note, or (for a settlement the center lacks) queue it for upload again. */
  resolve(id: number, action: 'resolve' | 'reupload', note: string, operatorId: string): DiscrepancyView {
    const db = this.core.db;
    db.transaction(() => {
      const d = this.discrepancy(id);
      if (d.state === 'resolved') throw new AppError('DISCREPANCY_CLOSED', '该差异已处理，不能再改。');
      const now = this.core.clock.now().toISOString();
      if (action === 'reupload') {
        if (!d.settlementId || d.kind === 'only_center') throw new AppError('REUPLOAD_NOT_POSSIBLE', '本地没有此结算，无法重新上传；请核实后写明说明标记已处理。');
        requeueUpload(this.core, this.center(), d.settlementId);
      }
      run(db, 'UPDATE discrepancies SET state = :state, action_note = :note, acted_by = :operatorId, acted_at = :now WHERE id = :id', {
        state: action === 'reupload' ? 'reupload_requested' : 'resolved',
        note: note.trim(),
        operatorId,
        now,
        id,
      });
      this.core.audit.append({ action: `reconcile.${action}`, operatorId, subject: String(id), detail: { settlementId: d.settlementId, kind: d.kind, note: note.trim() } });
    })();
    return this.discrepancy(id);
  }

  private view(r: DiscrepancyRow): DiscrepancyView {
    const local = r.local_total === null ? null : { total: r.local_total, fund: r.local_fund ?? 0, account: r.local_account ?? 0 };
    const center = r.center_total === null ? null : { total: r.center_total, fund: r.center_fund ?? 0, account: r.center_account ?? 0 };
    return {
      id: r.id,
      runId: r.run_id,
      kind: r.kind,
      settlementId: r.settlement_id,
      centerSetlId: r.center_setl_id,
      day: r.day,
      local,
      center,
      state: r.state,
      ...this.advice(r),
      actionNote: r.action_note,
      actedBy: r.acted_by,
      actedAt: r.acted_at,
    };
  }

  /** What to do, as words for the CLI and as a code the window words in its own language. */
  private advice(r: DiscrepancyRow): { advice: string; adviceCode: DiscrepancyAdvice } {
    const code = this.adviceCode(r);
    return { advice: ADVICE[code], adviceCode: code };
  }

  private adviceCode(r: DiscrepancyRow): DiscrepancyAdvice {
    if (r.kind === 'only_local' || r.kind === 'amount_differs') return r.kind;
    const local = r.settlement_id ? settlementState(this.core.db, r.settlement_id) : undefined;
    if (local === 'provisional') return 'local_provisional';
    if (local === 'rejected') return 'local_rejected';
    return 'only_center';
  }
}

const ADVICE: Readonly<Record<DiscrepancyAdvice, string>> = {
  only_local: '中心没有此结算：请“重新上传”；如确认已在中心撤销，写明说明后标为已处理。',
  amount_differs: '金额与中心不一致：核对中心结算单与调整记录，必要时更正后重新上传，或写明说明后标为已处理。',
  local_provisional: '本地为暂存结算/上传结果未知：上传队列会用原报文号重发，中心返回首次结果后即一致；长期未决请联系中心核实。',
  local_rejected: '本地记为中心拒绝而中心有此结算：联系中心核实该笔状态，核实后写明说明标为已处理。',
  only_center: '中心有、本地没有：核实是否为本机以外的结算或本地数据缺失，核实后写明说明标为已处理。',
};

/**
 * Upload a settlement again as a NEW 2207 message (new msgid: the center's stored answer for the
 * old one must not be replayed), with the payload of its latest upload. The outbox worker sends
 * it like any other; the settlement's row is not touched here.
 */
export function requeueUpload(core: CoreApp, port: CenterPort | null, settlementId: string): number {
  const outbox = outboxStore(core.db);
  if (!outbox.latestUpload(settlementId)) throw new AppError('REUPLOAD_NOT_POSSIBLE', `结算 ${settlementId} 没有上传记录，无法重新上传。`);
  if (!port) throw new AppError('CENTER_UNAVAILABLE', '医保中心接口未配置，无法重新上传。');
  return outbox.requeueUpload(settlementId, port.newMsgId(), core.clock.now())!;
}
