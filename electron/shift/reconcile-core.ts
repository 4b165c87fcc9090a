// Reconciliation with the center, the part that does not care where "local" figures come from:
// one window's SQLite (Reconciler, reconcile.ts) or the clinic's consolidated PostgreSQL
// (ClinicReports, clinic/reports.ts). 3201 totals per insurance type over the range; for a type
// that differs, the days are pinned by halving (bisect-days.ts); 3202 details for those days;
// each center row that is not "0" becomes a finding matched to its local row. Both callers
// share this code so the institution's reconciliation and a window's can never drift apart.
import { z } from 'zod';
import type { ReconcileGroup } from '../api/contract/shift';
import { AppError } from '../api/result';
import { fenToYuan, tryYuanToFen } from '../api/money';
import { daysThatDiffer } from './bisect-days';
import { sendOrThrow, type CenterPort } from './center-port';

/**
 * Insurance types always asked about, even with no local rows, so center-only totals show.
 * 3201 goes per insurance type: the sandbox center (and the provinces we know) total per
 * insutype and ignore clr_type, so asking per clearing type would compare a part with a whole.
 */
export const STANDARD_INSUTYPES: readonly string[] = ['310', '390'];

/** A range asked at most: a quarter. */
export const MAX_RECONCILE_DAYS = 92;

export interface Amounts {
  total: number;
  fund: number;
  account: number;
}

export interface Totals extends Amounts {
  count: number;
}

/** Local 3201 figures of one day and insurance type (center-agreed amounts). */
export interface DayGroup extends Totals {
  day: string;
  insutype: string;
  /** Settlement counts by clearing type (med_type), for display. */
  byClrType: Record<string, number>;
}

/** One local row the center should have, as sent in 3202. */
export interface DetailRow extends Amounts {
  id: string;
  center_setl_id: string | null;
  refund_of: string | null;
}

/** Where the local figures come from. */
export interface ReconcileSource<D extends DetailRow> {
  /** 3201 figures per day and insurance type over from..to (the rows the center should know). */
  dayGroups(from: string, to: string): DayGroup[] | Promise<DayGroup[]>;
  /** Every row of one day the center should know, with its center-agreed amounts. */
  details(day: string): D[] | Promise<D[]>;
}

export interface Finding<D extends DetailRow> {
  kind: 'only_center' | 'only_local' | 'amount_differs';
  day: string;
  /** The local row it concerns (none for a settlement only the center has). */
  local: D | undefined;
  settlementId: string | null;
  centerSetlId: string | null;
  center: Amounts | null;
}

export interface Comparison<D extends DetailRow> {
  groups: ReconcileGroup[];
  mismatchedDays: string[];
  detailRows: number;
  findings: Finding<D>[];
}

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
export type DetailAnswerRow = z.infer<typeof detailAnswer>['rows'][number];

function parseAnswer<T>(schema: z.ZodType<T>, output: unknown, infno: string): T {
  const r = schema.safeParse(output);
  if (!r.success) throw new AppError('CENTER_BAD_ANSWER', `中心 ${infno} 的应答格式不正确，对账未完成。`, { infno, issues: r.error.issues.slice(0, 3).map((i) => i.message) });
  return r.data;
}

const fen = (s: string | undefined): number | null => (s === undefined ? null : tryYuanToFen(s));

export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** The range's days, or INVALID_RANGE. */
export function reconcileDays(from: string, to: string): string[] {
  if (from > to) throw new AppError('INVALID_RANGE', `对账起始日期 ${from} 晚于结束日期 ${to}。`);
  const days = daysBetween(from, to);
  if (days.length > MAX_RECONCILE_DAYS) throw new AppError('INVALID_RANGE', `一次对账最多 ${MAX_RECONCILE_DAYS} 天，请分段对账。`);
  return days;
}

/** 3201 for one range and insurance type: the center's figures, and whether they equal ours. */
export async function ask3201(port: CenterPort | null, begin: string, end: string, insutype: string, l: Totals): Promise<{ center: Totals; match: boolean; description: string }> {
  const out = await sendOrThrow(port, '3201', {
    data: { stmt_begndate: begin, stmt_enddate: end, insutype, medfee_sumamt: fenToYuan(l.total), fund_pay_sumamt: fenToYuan(l.fund), acct_pay: fenToYuan(l.account), fixmedins_setl_cnt: l.count },
  });
  const a = parseAnswer(totalsAnswer, out, '3201').stmtinfo;
  const c = { count: Number(a.center_setl_cnt), total: fen(a.center_medfee_sumamt)!, fund: fen(a.center_fund_pay_sumamt)!, account: fen(a.center_acct_pay)! };
  // Our own comparison too: a center that says "0" while the figures differ is not trusted.
  const same = c.count === l.count && c.total === l.total && c.fund === l.fund && c.account === l.account;
  return { center: c, match: a.stmt_rslt === '0' && same, description: a.stmt_rslt_dscr };
}

/** 3202 for one day with these local rows: the center's rows, parsed. */
export async function ask3202(port: CenterPort | null, day: string, rows: DetailRow[]): Promise<DetailAnswerRow[]> {
  const out = await sendOrThrow(port, '3202', {
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
  });
  return parseAnswer(detailAnswer, out, '3202').rows;
}

const KEYS = ['count', 'total', 'fund', 'account'] as const;

const zero = (): DayGroup => ({ day: '', insutype: '', count: 0, total: 0, fund: 0, account: 0, byClrType: {} });

/** Compare the local figures with the center's over from..to; nothing is stored here. */
export async function compareWithCenter<D extends DetailRow>(port: CenterPort | null, from: string, to: string, source: ReconcileSource<D>): Promise<Comparison<D>> {
  const days = reconcileDays(from, to);
  const local = new Map<string, DayGroup>();
  for (const g of await source.dayGroups(from, to)) local.set(`${g.day}/${g.insutype}`, g);
  const insutypes = [...new Set([...STANDARD_INSUTYPES, ...[...local.values()].map((g) => g.insutype)])].sort();
  const groups: ReconcileGroup[] = [];
  for (const insutype of insutypes) groups.push(await compareInsutype(port, days, insutype, local));
  const mismatchedDays = [...new Set(groups.flatMap((g) => g.mismatchedDays))].sort();
  let detailRows = 0;
  const findings: Finding<D>[] = [];
  // 3202 (the heavy exchange) only for the days that differ.
  for (const day of mismatchedDays) {
    const d = await compareDay(port, day, await source.details(day));
    detailRows += d.detailRows;
    findings.push(...d.findings);
  }
  return { groups, mismatchedDays, detailRows, findings };
}

/**
 * One insurance type: 3201 over the whole range (one exchange per type when everything
 * matches); when it differs the range is halved down to single days (bisect-days.ts).
 */
async function compareInsutype(port: CenterPort | null, days: string[], insutype: string, local: Map<string, DayGroup>): Promise<ReconcileGroup> {
  const localOf = (lo: number, hi: number): DayGroup => {
    const sum = zero();
    for (let i = lo; i <= hi; i++) {
      const g = local.get(`${days[i]!}/${insutype}`);
      if (!g) continue;
      for (const k of KEYS) sum[k] += g[k];
      for (const [clr, n] of Object.entries(g.byClrType)) sum.byClrType[clr] = (sum.byClrType[clr] ?? 0) + n;
    }
    return sum;
  };
  const l = localOf(0, days.length - 1);
  const whole = await ask3201(port, days[0]!, days[days.length - 1]!, insutype, l);
  const differ = whole.match ? [] : await daysThatDiffer(days.length, whole.center, localOf, (lo, hi) => ask3201(port, days[lo]!, days[hi]!, insutype, localOf(lo, hi)));
  return {
    insutype,
    localByClrType: l.byClrType,
    local: { count: l.count, total: l.total, fund: l.fund, account: l.account },
    center: whole.center,
    match: whole.match,
    description: whole.description,
    mismatchedDays: differ.map((i) => days[i]!),
  };
}

/** One day that differs: 3202 line by line, each line the center marks as different a finding. */
async function compareDay<D extends DetailRow>(port: CenterPort | null, day: string, details: D[]): Promise<{ detailRows: number; findings: Finding<D>[] }> {
  const rows = await ask3202(port, day, details);
  const byId = new Map(details.map((d) => [d.id, d]));
  const byCenterId = new Map(details.filter((d) => d.center_setl_id).map((d) => [d.center_setl_id!, d]));
  const findings = rows.filter((r) => r.stmt_rslt !== '0').map((r) => findingOf(r, day, byId, byCenterId));
  return { detailRows: Math.max(rows.length, details.length), findings };
}

/** PURE: a 3202 line the center marks as different, matched to the local row it names. */
export function findingOf<D extends DetailRow>(r: DetailAnswerRow, day: string, byId: Map<string, D>, byCenterId: Map<string, D>): Finding<D> {
  const kind = r.stmt_rslt === '1' ? 'only_center' : r.stmt_rslt === '2' ? 'only_local' : 'amount_differs';
  // Match on the center's id first: a refund's cancel row names the ORIGINAL medins_setl_id.
  const mine = (r.setl_id ? byCenterId.get(r.setl_id) : undefined) ?? (kind !== 'only_center' && r.medins_setl_id ? byId.get(r.medins_setl_id) : undefined);
  const centerTotal = fen(r.center_medfee_sumamt ?? r.medfee_sumamt);
  return {
    kind,
    day,
    local: mine,
    settlementId: mine?.id ?? (r.medins_setl_id || null),
    centerSetlId: r.setl_id || mine?.center_setl_id || null,
    center:
      kind === 'only_local' || centerTotal === null
        ? null
        : { total: centerTotal, fund: fen(r.center_fund_pay_sumamt ?? r.fund_pay_sumamt) ?? 0, account: fen(r.center_acct_pay ?? r.acct_pay) ?? 0 },
  };
}
