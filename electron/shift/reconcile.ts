// Reconciliation with the center over a day range: 3201 totals per insurance type × clearing
// type; when any group differs, 3202 details day by day; the findings become the discrepancy
// list the supervisor works through (re-upload, or resolve with a note).
//
// What "local" means here: the settlements the center should know — everything but offline
// rows still waiting in the outbox (state provisional) and uploads the center rejected. Amounts
// are the center-agreed ones: the local split plus the center's adjustments (the settlements
// row keeps what was printed at the window; the adjustments table holds the differences).
import { z } from 'zod';
import type { DiscrepancyView, ReconcileGroup, ReconcileResult } from '../api/contract/shift';
import { AppError } from '../api/result';
import type { CoreApp } from '../app/core';
import { visitTypeToMedType, type VisitType } from '../center/wire/codes';
import { fenToYuan, tryYuanToFen } from '../api/money';
import { cancelSetlIdSql, centerTookSql } from '../outbox/predicates';
import { outboxStore } from '../outbox/store';
import { daysThatDiffer } from './bisect-days';
import { sendOrThrow, type CenterPort } from './center-port';

/**
 * Insurance types always asked about, even with no local rows, so center-only totals show.
 * 3201 goes per insurance type: the sandbox center (and the provinces we know) total per
 * insutype and ignore clr_type, so asking per clearing type would compare a part with a whole.
 */
export const STANDARD_INSUTYPES: readonly string[] = ['310', '390'];

interface Amounts {
  total: number;
  fund: number;
  account: number;
}

/**
 * Rows the center should have: an upload it confirmed or adjusted, a refund (2208) it
 * confirmed, or any row that carries the center's setl_id. Offline rows still queued, uploads
 * it rejected and settlements voided by 2601 are not the center's.
 */
export const KNOWN_TO_CENTER = `(s.center_setl_id IS NOT NULL OR ${centerTookSql('s.id')})`;
/** The center's id of a row: a refund row's comes from the 2208 answer kept in the outbox. */
export const CENTER_ID = `coalesce(s.center_setl_id, ${cancelSetlIdSql('s.id')})`;
/** The center's adjustments per settlement, as differences to add to the local split. */
export const ADJ_JOIN = `LEFT JOIN (
    SELECT settlement_id,
           sum(CASE WHEN field = 'total' THEN difference ELSE 0 END) AS dt,
           sum(CASE WHEN field IN ('fund_pay', 'critical_illness_pay') THEN difference ELSE 0 END) AS df,
           sum(CASE WHEN field = 'account_pay' THEN difference ELSE 0 END) AS da
    FROM adjustments GROUP BY settlement_id) adj ON adj.settlement_id = s.id`;
export const AMOUNTS = `s.total + coalesce(adj.dt, 0) AS total, s.fund_pay + s.critical_illness_pay + coalesce(adj.df, 0) AS fund,
                 s.account_pay + coalesce(adj.da, 0) AS account`;

const yuan = z.string().refine((s) => tryYuanToFen(s) !== null, '金额应为两位小数的元');
const totalsAnswer = z.object({
  stmtinfo: z.object({
    stmt_rslt: z.enum(['0', '1']),
    stmt_rslt_dscr: z.string().optional().default(''),
    center_medfee_sumamt: yuan,
    center_fund_pay_sumamt: yuan,
    center_acct_pay: yuan,
    center_setl_cnt: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
  }),
});
const detailAnswer = z.object({
  rows: z.array(
    z.object({
      setl_id: z.string().nullish(),
      medins_setl_id: z.string().nullish(),
      stmt_rslt: z.enum(['0', '1', '2', '3']),
      medfee_sumamt: yuan.optional(),
      fund_pay_sumamt: yuan.optional(),
      acct_pay: yuan.optional(),
      center_medfee_sumamt: yuan.optional(),
      center_fund_pay_sumamt: yuan.optional(),
      center_acct_pay: yuan.optional(),
      setl_time: z.string().optional(),
    }).loose(),
  ),
});

function parseAnswer<T>(schema: z.ZodType<T>, output: unknown, infno: string): T {
  const r = schema.safeParse(output);
  if (!r.success) throw new AppError('CENTER_BAD_ANSWER', `中心 ${infno} 的应答格式不正确，对账未完成。`, { infno, issues: r.error.issues.slice(0, 3).map((i) => i.message) });
  return r.data;
}

const fen = (s: string | undefined): number | null => (s === undefined ? null : tryYuanToFen(s));

interface LocalGroup extends Amounts {
  day: string;
  insutype: string;
  count: number;
  byClrType: Record<string, number>;
}

interface DetailRow extends Amounts {
  id: string;
  created_day: string;
  center_setl_id: string | null;
  refund_of: string | null;
}

interface DiscrepancyRow {
  id: number;
  run_id: number;
  kind: DiscrepancyView['kind'];
  settlement_id: string | null;
  center_setl_id: string | null;
  day: string;
  local_total: number | null;
  local_fund: number | null;
  local_account: number | null;
  center_total: number | null;
  center_fund: number | null;
  center_account: number | null;
  state: DiscrepancyView['state'];
  action_note: string | null;
  acted_by: string | null;
  acted_at: string | null;
}

export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

export class Reconciler {
  constructor(
    private readonly core: CoreApp,
    private readonly center: () => CenterPort | null,
  ) {}

  /** Local 3201 figures per day and insurance type, with the clearing-type split for display. */
  localGroups(from: string, to: string): Map<string, LocalGroup> {
    const rows = this.core.db
      .prepare(
        `SELECT s.created_day AS day, s.insutype, s.visit_type, count(*) AS count, sum(total) AS total, sum(fund) AS fund, sum(account) AS account
         FROM (SELECT s.created_day, s.insutype, s.visit_type, ${AMOUNTS} FROM settlements s ${ADJ_JOIN}
               WHERE s.created_day BETWEEN ? AND ? AND ${KNOWN_TO_CENTER}) s
         GROUP BY 1, 2, 3`,
      )
      .all(from, to) as { day: string; insutype: string; visit_type: string; count: number; total: number; fund: number; account: number }[];
    const groups = new Map<string, LocalGroup>();
    for (const r of rows) {
      const key = `${r.day}/${r.insutype}`;
      const g = groups.get(key) ?? { day: r.day, insutype: r.insutype, count: 0, total: 0, fund: 0, account: 0, byClrType: {} };
      g.count += r.count;
      g.total += r.total;
      g.fund += r.fund;
      g.account += r.account;
      const clr = visitTypeToMedType(r.visit_type as VisitType);
      g.byClrType[clr] = (g.byClrType[clr] ?? 0) + r.count;
      groups.set(key, g);
    }
    return groups;
  }

  async run(from: string, to: string, operatorId: string | null): Promise<ReconcileResult> {
    if (from > to) throw new AppError('INVALID_RANGE', `对账起始日期 ${from} 晚于结束日期 ${to}。`);
    const days = daysBetween(from, to);
    if (days.length > 92) throw new AppError('INVALID_RANGE', '一次对账最多 92 天，请分段对账。');
    const port = this.center();
    try {
      // 3201 per insurance type over the whole range (two exchanges when everything matches);
      // for an insurance type that differs, the range is halved and only halves that differ are
      // looked into further, down to single days (a day that differs in a month costs ~5
      // exchanges instead of one per day of the month); 3202 (the heavy exchange) is asked only
      // for those days.
      const local = this.localGroups(from, to);
      const insutypes = [...new Set([...STANDARD_INSUTYPES, ...[...local.values()].map((g) => g.insutype)])].sort();
      const zero = (): LocalGroup => ({ day: '', insutype: '', count: 0, total: 0, fund: 0, account: 0, byClrType: {} });
      const ask = async (begin: string, end: string, insutype: string, l: Amounts & { count: number }) => {
        const out = await sendOrThrow(port, '3201', {
          data: {
            stmt_begndate: begin,
            stmt_enddate: end,
            insutype,
            medfee_sumamt: fenToYuan(l.total),
            fund_pay_sumamt: fenToYuan(l.fund),
            acct_pay: fenToYuan(l.account),
            fixmedins_setl_cnt: l.count,
          },
        });
        const a = parseAnswer(totalsAnswer, out, '3201').stmtinfo;
        const c = { count: Number(a.center_setl_cnt), total: fen(a.center_medfee_sumamt)!, fund: fen(a.center_fund_pay_sumamt)!, account: fen(a.center_acct_pay)! };
        // Our own comparison too: a center that says "0" while the figures differ is not trusted.
        const same = c.count === l.count && c.total === l.total && c.fund === l.fund && c.account === l.account;
        return { center: c, match: a.stmt_rslt === '0' && same, description: a.stmt_rslt_dscr };
      };
      const groupList: ReconcileGroup[] = [];
      const mismatchedDays = new Set<string>();
      for (const insutype of insutypes) {
        const l = zero();
        for (const g of local.values()) {
          if (g.insutype !== insutype) continue;
          for (const k of ['count', 'total', 'fund', 'account'] as const) l[k] += g[k];
          for (const [clr, n] of Object.entries(g.byClrType)) l.byClrType[clr] = (l.byClrType[clr] ?? 0) + n;
        }
        const whole = await ask(from, to, insutype, l);
        const group: ReconcileGroup = {
          insutype,
          localByClrType: l.byClrType,
          local: { count: l.count, total: l.total, fund: l.fund, account: l.account },
          center: whole.center,
          match: whole.match,
          description: whole.description,
          mismatchedDays: [],
        };
        if (!whole.match) {
          const localOf = (lo: number, hi: number) => {
            const sum = zero();
            for (let i = lo; i <= hi; i++) {
              const g = local.get(`${days[i]!}/${insutype}`);
              if (g) for (const k of ['count', 'total', 'fund', 'account'] as const) sum[k] += g[k];
            }
            return sum;
          };
          const differ = await daysThatDiffer(days.length, whole.center, localOf, (lo, hi) => ask(days[lo]!, days[hi]!, insutype, localOf(lo, hi)));
          group.mismatchedDays.push(...differ.map((i) => days[i]!));
          for (const d of group.mismatchedDays) mismatchedDays.add(d);
        }
        groupList.push(group);
      }
      const mismatch = mismatchedDays.size > 0;
      let detailRows = 0;
      const found: Omit<DiscrepancyRow, 'id' | 'run_id' | 'state' | 'action_note' | 'acted_by' | 'acted_at'>[] = [];
      for (const day of [...mismatchedDays].sort()) {
        const details = this.localDetails(day, day);
        const out = await sendOrThrow(port, '3202', {
          data: {
            stmt_begndate: day,
            stmt_enddate: day,
            details: details.map((d) => ({
              setl_id: d.center_setl_id ?? '',
              medins_setl_id: d.id,
              medfee_sumamt: fenToYuan(d.total),
              fund_pay_sumamt: fenToYuan(d.fund),
              acct_pay: fenToYuan(d.account),
              refd_setl_flag: d.refund_of ? '1' : '0',
            })),
          },
        });
        const rows = parseAnswer(detailAnswer, out, '3202').rows;
        detailRows += Math.max(rows.length, details.length);
        const byId = new Map(details.map((d) => [d.id, d]));
        const byCenterId = new Map(details.filter((d) => d.center_setl_id).map((d) => [d.center_setl_id!, d]));
        for (const r of rows) {
          if (r.stmt_rslt === '0') continue;
          const kind = r.stmt_rslt === '1' ? 'only_center' : r.stmt_rslt === '2' ? 'only_local' : 'amount_differs';
          // Match on the center's id first: a refund's cancel row names the ORIGINAL medins_setl_id.
          const localRow = (r.setl_id ? byCenterId.get(r.setl_id) : undefined) ?? (kind !== 'only_center' && r.medins_setl_id ? byId.get(r.medins_setl_id) : undefined);
          found.push({
            kind,
            settlement_id: localRow?.id ?? (r.medins_setl_id || null),
            center_setl_id: r.setl_id || localRow?.center_setl_id || null,
            day,
            local_total: localRow?.total ?? null,
            local_fund: localRow?.fund ?? null,
            local_account: localRow?.account ?? null,
            center_total: kind === 'only_local' ? null : fen(r.center_medfee_sumamt ?? r.medfee_sumamt),
            center_fund: kind === 'only_local' ? null : fen(r.center_fund_pay_sumamt ?? r.fund_pay_sumamt),
            center_account: kind === 'only_local' ? null : fen(r.center_acct_pay ?? r.acct_pay),
          });
        }
      }
      const runId = this.record(from, to, operatorId, mismatch ? 'mismatch' : 'match', groupList, detailRows, found, null);
      return { runId, from, to, result: mismatch ? 'mismatch' : 'match', groups: groupList, detailRows, discrepancies: this.discrepancies('open').filter((d) => d.day >= from && d.day <= to) };
    } catch (e) {
      this.record(from, to, operatorId, 'failed', [], 0, [], e instanceof Error ? e.message : String(e));
      throw e;
    }
  }

  private localDetails(from: string, to: string): DetailRow[] {
    // INDEXED BY: left to itself, SQLite reads the whole journal in id order to save sorting a
    // day's rows (~0.2 s per day asked over a million settlements).
    return this.core.db
      .prepare(
        `SELECT s.id, s.created_day, ${CENTER_ID} AS center_setl_id, s.refund_of, ${AMOUNTS} FROM settlements s INDEXED BY settlements_day ${ADJ_JOIN}
         WHERE s.created_day BETWEEN ? AND ? AND ${KNOWN_TO_CENTER} ORDER BY s.id`,
      )
      .all(from, to) as DetailRow[];
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
    found: Omit<DiscrepancyRow, 'id' | 'run_id' | 'state' | 'action_note' | 'acted_by' | 'acted_at'>[],
    error: string | null,
  ): number {
    const db = this.core.db;
    const now = this.core.clock.now().toISOString();
    return db.transaction(() => {
      const runId = Number(
        db
          .prepare('INSERT INTO reconciliation_runs (from_day, to_day, run_at, operator_id, result, totals, detail_count, error) VALUES (?,?,?,?,?,?,?,?)')
          .run(from, to, now, operatorId, result, JSON.stringify(groups), detailRows, error).lastInsertRowid,
      );
      if (result === 'failed') return runId;
      const keys = new Set<string>();
      for (const f of found) {
        const key = `${f.kind}:${f.settlement_id ?? ''}:${f.center_setl_id ?? ''}`;
        keys.add(key);
        const existing = db.prepare("SELECT id FROM discrepancies WHERE key = ? AND state <> 'resolved'").pluck().get(key) as number | undefined;
        const vals = [f.local_total, f.local_fund, f.local_account, f.center_total, f.center_fund, f.center_account];
        // A finding a supervisor already resolved with a note, unchanged since, is not raised again.
        const acknowledged = db
          .prepare(
            `SELECT 1 FROM discrepancies WHERE key = ? AND state = 'resolved' AND acted_by <> 'system'
               AND local_total IS ? AND local_fund IS ? AND local_account IS ? AND center_total IS ? AND center_fund IS ? AND center_account IS ?`,
          )
          .get(key, ...vals);
        if (acknowledged && !existing) continue;
        if (existing) {
          db.prepare(
            'UPDATE discrepancies SET run_id = ?, local_total = ?, local_fund = ?, local_account = ?, center_total = ?, center_fund = ?, center_account = ? WHERE id = ?',
          ).run(runId, ...vals, existing);
        } else {
          db.prepare(
            `INSERT INTO discrepancies (run_id, kind, settlement_id, center_setl_id, day, local_total, local_fund, local_account,
               center_total, center_fund, center_account, key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
          ).run(runId, f.kind, f.settlement_id, f.center_setl_id, f.day, ...vals, key);
        }
      }
      const stale = db.prepare("SELECT id, key FROM discrepancies WHERE state <> 'resolved' AND day BETWEEN ? AND ?").all(from, to) as { id: number; key: string }[];
      for (const s of stale) {
        if (keys.has(s.key)) continue;
        db.prepare("UPDATE discrepancies SET state = 'resolved', action_note = ?, acted_by = 'system', acted_at = ? WHERE id = ?").run(`第 ${runId} 次对账已一致`, now, s.id);
      }
      return runId;
    })();
  }

  discrepancies(state: DiscrepancyView['state'] | 'all'): DiscrepancyView[] {
    const rows = this.core.db
      .prepare(`SELECT * FROM discrepancies WHERE (? = 'all' OR state = ?) ORDER BY day, id LIMIT 5000`)
      .all(state, state) as DiscrepancyRow[];
    return rows.map((r) => this.view(r));
  }

  discrepancy(id: number): DiscrepancyView {
    const r = this.core.db.prepare('SELECT * FROM discrepancies WHERE id = ?').get(id) as DiscrepancyRow | undefined;
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
      db.prepare('UPDATE discrepancies SET state = ?, action_note = ?, acted_by = ?, acted_at = ? WHERE id = ?').run(
        action === 'reupload' ? 'reupload_requested' : 'resolved',
        note.trim(),
        operatorId,
        now,
        id,
      );
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
      advice: this.advice(r),
      actionNote: r.action_note,
      actedBy: r.acted_by,
      actedAt: r.acted_at,
    };
  }

  private advice(r: DiscrepancyRow): string {
    if (r.kind === 'only_local') return '中心没有此结算：请“重新上传”；如确认已在中心撤销，写明说明后标为已处理。';
    if (r.kind === 'amount_differs') return '金额与中心不一致：核对中心结算单与调整记录，必要时更正后重新上传，或写明说明后标为已处理。';
    const local = r.settlement_id
      ? (this.core.db.prepare('SELECT state FROM settlements WHERE id = ?').pluck().get(r.settlement_id) as string | undefined)
      : undefined;
    if (local === 'provisional') return '本地为离线暂记/上传结果未知：上传队列会用原报文号重发，中心返回首次结果后即一致；长期未决请联系中心核实。';
    if (local === 'rejected') return '本地记为被拒付而中心有此结算：联系中心核实该笔状态，核实后写明说明标为已处理。';
    return '中心有、本地没有：核实是否为本机以外的结算或本地数据缺失，核实后写明说明标为已处理。';
  }
}

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
