// Shift calls: the drawer (open, cash in/out, X report, blind close, sign-off, corrections),
// reconciliation with the center, the adjustment/rejection work lists and what the fund owes.
// Money is integer fen throughout; the UI formats it.
import type { SettlementStage } from './clearing';
import { z } from 'zod';
import { calendarDateSchema } from '../dates';
import { call } from './define';
import type { CenterDifferenceView } from './settlement';

/** Cash denominations in fen, largest first: 100, 50, 20, 10, 5, 1 yuan; 5, 1 jiao; 5, 2, 1 fen. */
export const DENOMINATIONS = [10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 2, 1] as const;

export interface DenominationCount {
  denomination: number;
  count: number;
}

/** Money split of a set of settlements: net fen, refunds (negative rows) included. */
export interface Figure {
  /** Settlements (not refunds) in the set. */
  count: number;
  /** Refund rows in the set. */
  refundCount: number;
  /** Sum of `total` over settlements only. */
  gross: number;
  /** Sum of `total` over refunds only (≤ 0). */
  refunded: number;
  /** Net amounts (settlements + refunds) by payment channel. */
  total: number;
  fund: number;
  critical: number;
  account: number;
  cash: number;
}

export interface CashMovementView {
  id: number;
  at: string;
  direction: 'in' | 'out';
  amount: number;
  reason: string;
  operatorId: string;
}

export interface ShiftCash {
  openingFloat: number;
  cashIn: number;
  cashOut: number;
  /** Net cash taken for settlements (refunds paid out subtracted). */
  settlementCash: number;
  /**
   * Hospital deposits (issue 19, docs/INPATIENT.md): cash paid in (押金收) and paid back (押金退,
   * negative), and the deposits settlements netted (negative; given back positive by a cancel):
   * the part of a stay settlement's cash that was in the drawer since the deposit. Card and mobile
   * deposits are not cash.
   */
  deposits: { paidIn: number; paidBack: number; netted: number };
  /** openingFloat + cashIn − cashOut + settlementCash + the deposits' three. Hidden (null) from the cashier before close. */
  expected: number | null;
}

/** The one computation behind the X report, the close and every report format. */
export interface ShiftFigures {
  shiftId: string;
  operatorId: string;
  openedAt: string;
  /** When the figures were computed (X report) or frozen (close). */
  asOf: string;
  all: Figure;
  byInsuranceType: Record<string, Figure>;
  byVisitType: Record<string, Figure>;
  /** provisional / confirmed / adjusted / rejected / refunded. */
  byState: Record<string, Figure>;
  online: Figure;
  offline: Figure;
  /** Settlements per hour of the day (China time, "09".."23"), for the chart. */
  hourly: { hour: string; count: number; total: number }[];
  cash: ShiftCash;
  movements: CashMovementView[];
  /**
   * Settlements whose fund / critical-illness / account amounts (and total) in these figures
   * are the center's adjusted ones, not the window's; cash is always what was collected.
   * Absent in handovers frozen before this was counted.
   */
  centerAdjusted?: number;
}

export interface ShiftCorrectionView {
  id: number;
  at: string;
  operatorId: string;
  cashDelta: number;
  note: string;
}

export interface ShiftView {
  id: string;
  operatorId: string;
  operatorName: string;
  state: 'open' | 'closed' | 'signed';
  openedAt: string;
  openedDay: string;
  openingFloat: number;
  openingCounts: DenominationCount[];
  closedAt: string | null;
  countedCash: number | null;
  countedCounts: DenominationCount[] | null;
  expectedCash: number | null;
  variance: number | null;
  closeNote: string | null;
  handoverHash: string | null;
  signedBy: string | null;
  signedAt: string | null;
  signoffNote: string | null;
  corrections: ShiftCorrectionView[];
  /** countedCash + the corrections' cash deltas; the variance after corrections. */
  correctedCash: number | null;
  correctedVariance: number | null;
}

/** X report (open shift, live) or the handover frozen at close. */
/** A report file for the window to save: its bytes as base64 (the transports carry JSON). */
export interface ReportFile {
  fileName: string;
  mimeType: 'text/csv' | 'application/pdf';
  base64: string;
}

export interface ShiftReport {
  shift: ShiftView;
  figures: ShiftFigures;
  kind: 'x' | 'handover';
}

/** 3201 per insurance type, summed over the range (asked day by day). */
export interface ReconcileGroup {
  /** Days whose totals differ for this insurance type (3202 was asked for them). */
  mismatchedDays: string[];
  insutype: string;
  /** Local settlement counts by clearing type (med_type 11 / 14 / 21), for display. */
  localByClrType: Record<string, number>;
  local: { count: number; total: number; fund: number; account: number };
  center: { count: number; total: number; fund: number; account: number } | null;
  match: boolean;
  description: string;
  /** National protocol: the group is insutype × clr_type × setl_optins (the clearing office). */
  clrType?: string;
  setlOptins?: string;
}

export interface DiscrepancyView {
  id: number;
  runId: number;
  kind: 'only_center' | 'only_local' | 'amount_differs';
  settlementId: string | null;
  centerSetlId: string | null;
  day: string;
  local: { total: number; fund: number; account: number } | null;
  center: { total: number; fund: number; account: number } | null;
  state: 'open' | 'reupload_requested' | 'resolved';
  /** What to do about it, in Chinese (the CLI's words). */
  advice: string;
  /** The same advice as a code, worded by the window in its language (sup.disc.advice.<code>). */
  adviceCode: DiscrepancyAdvice;
  actionNote: string | null;
  actedBy: string | null;
  actedAt: string | null;
}

/** Which advice a discrepancy gets: its kind, and for one only at the center the local state. */
export type DiscrepancyAdvice = 'only_local' | 'amount_differs' | 'local_provisional' | 'local_rejected' | 'only_center';

export interface ReconcileResult {
  runId: number;
  from: string;
  to: string;
  result: 'match' | 'mismatch';
  groups: ReconcileGroup[];
  detailRows: number;
  discrepancies: DiscrepancyView[];
}

export interface WorkItem {
  settlementId: string;
  list: 'adjustment' | 'rejection';
  createdAt: string;
  psnName: string;
  insuranceType: string;
  total: number;
  /** Adjustment: the fields that differ; rejection: the center's code and reason. */
  differences: { field: string; local: number; center: number; difference: number }[];
  /** Adjustment: every difference from the center's figures, line by line, with why (issue 16). */
  centerDifferences: CenterDifferenceView[];
  rejectCode: string | null;
  rejectReason: string | null;
  /** The last action taken, if any. */
  lastAction: { action: string; note: string; operatorId: string; at: string } | null;
}

export type ReceivableStatus = 'uploaded' | 'confirmed' | 'paid' | 'partly_paid' | 'rejected' | 'deducted';

export interface ReceivableRow {
  settlementId: string;
  day: string;
  psnName: string;
  insutype: string;
  status: ReceivableStatus;
  /** What the fund owes for it: total − cash (fund + critical illness + personal account). */
  owed: number;
  paid: number;
  deducted: number;
  rejected: number;
  outstanding: number;
  ageDays: number;
  /** Its way to the clinic's money: queued → uploaded → reconciled → applied (clearing) → paid (docs/CLEARING.md). */
  stage: SettlementStage;
}

export interface ReceivablesSummary {
  asOf: string;
  totals: { owed: number; paid: number; deducted: number; rejected: number; outstanding: number; count: number };
  byStatus: Record<string, { count: number; outstanding: number }>;
  aging: { bucket: '0-30' | '31-60' | '61-90' | '90+'; count: number; outstanding: number }[];
  /** The rows with money outstanding or rejected, oldest first (capped by `limit`). */
  rows: ReceivableRow[];
  notices: { fetched: number; cursor: string | null; error: string | null };
}

const shiftId = z.string().trim().min(1).max(64);
const note = z.string().trim().min(1).max(500);
/** Report days and ranges: real calendar days (2026-02-30 is refused). */
const day = calendarDateSchema;
const counts = z
  .array(
    z.object({
      denomination: z.number().int().refine((d) => (DENOMINATIONS as readonly number[]).includes(d), '不是人民币面额（分）'),
      count: z.number().int().min(0).max(100_000),
    }).strict(),
  )
  .max(DENOMINATIONS.length * 2);

export const shiftCalls = {
  'shift.current': call({ input: z.object({}).strict(), role: 'cashier', summary: '当前操作员的当班（无则 null）' }).returns<ShiftView | null>(),
  'shift.open': call({ input: z.object({ counts }).strict(), role: 'cashier', summary: '开班：按面额登记备用金', audit: true }).returns<ShiftView>(),
  'shift.cashio': call({
    input: z.object({ direction: z.enum(['in', 'out']), amount: z.number().int().positive().max(100_000_000), reason: note }).strict(),
    role: 'cashier',
    summary: '当班现金存入/取出（须写原因）',
    audit: true,
  }).returns<CashMovementView>(),
  'shift.xreport': call({
    input: z.object({ shiftId: shiftId.optional() }).strict(),
    role: 'cashier',
    summary: 'X 报表：不结班的当班统计（收费员看不到应有现金）',
  }).returns<ShiftReport>(),
  'shift.close': call({
    input: z.object({ counts, note: note.optional() }).strict(),
    role: 'cashier',
    summary: '结班：盲点现金，与应有现金不符须写说明；冻结交接记录',
    audit: true,
  }).returns<ShiftReport>(),
  'shift.signoff': call({
    input: z.object({ shiftId, note: note.optional() }).strict(),
    role: 'supervisor',
    summary: '主管签核交接记录（签核后不可修改，只能追加更正）',
    audit: true,
  }).returns<ShiftView>(),
  'shift.correct': call({
    input: z.object({ shiftId, cashDelta: z.number().int().min(-100_000_000).max(100_000_000), note }).strict(),
    role: 'supervisor',
    summary: '对已结班次追加一条更正（现金差额 + 说明）',
    audit: true,
  }).returns<ShiftView>(),
  'shift.list': call({
    input: z.object({ from: day.optional(), to: day.optional(), state: z.enum(['open', 'closed', 'signed']).optional() }).strict(),
    role: 'supervisor',
    summary: '班次列表（按开班日期）',
  }).returns<ShiftView[]>(),
  'shift.report': call({
    input: z.object({ shiftId }).strict(),
    role: 'supervisor',
    summary: '班次报表（已结班为冻结的交接记录）',
  }).returns<ShiftReport>(),
  'shift.printReport': call({
    input: z.object({ shiftId }).strict(),
    role: 'cashier',
    summary: '在小票打印机上打印班次报表',
    audit: true,
  }).returns<{ lines: string[]; printed: boolean; jobId: number | null }>(),
  'shift.exportReport': call({
    input: z.object({ shiftId, format: z.enum(['csv', 'pdf']) }).strict(),
    role: 'cashier',
    summary: '导出班次报表文件（CSV 给财务系统 / PDF），由窗口保存',
    audit: true,
  }).returns<ReportFile>(),
  'reconcile.run': call({
    input: z.object({ from: day, to: day }).strict(),
    role: 'supervisor',
    summary: '与中心对账（3201 总额，不符时 3202 明细），生成差异清单',
    audit: true,
  }).returns<ReconcileResult>(),
  'reconcile.discrepancies': call({
    input: z.object({ state: z.enum(['open', 'reupload_requested', 'resolved', 'all']).default('open') }).strict(),
    role: 'supervisor',
    summary: '对账差异清单',
  }).returns<DiscrepancyView[]>(),
  'reconcile.resolve': call({
    input: z.object({ id: z.number().int().positive(), action: z.enum(['resolve', 'reupload']), note }).strict(),
    role: 'supervisor',
    summary: '处理一条对账差异：重新上传，或写明说明后标为已处理',
    audit: true,
  }).returns<DiscrepancyView>(),
  'worklist.list': call({
    input: z.object({ list: z.enum(['adjustment', 'rejection']) }).strict(),
    role: 'supervisor',
    summary: '调整单/拒付单工作清单',
  }).returns<WorkItem[]>(),
  'worklist.act': call({
    input: z.object({
      settlementId: z.string().min(1).max(64),
      list: z.enum(['adjustment', 'rejection']),
      action: z.enum(['accept', 'correct_reupload', 'refund', 'write_off']),
      note,
    }).strict(),
    role: 'supervisor',
    summary: '处理调整/拒付：接受、更正后重传、退费、核销（均记审计）',
    audit: true,
  }).returns<WorkItem>(),
  'receivables.summary': call({
    input: z.object({ fetch: z.boolean().default(false), limit: z.number().int().min(0).max(10_000).default(200) }).strict(),
    role: 'supervisor',
    summary: '医保基金应收：按状态、账龄（0–30/31–60/61–90/90+ 天）',
  }).returns<ReceivablesSummary>(),
};
