// Many windows, one clinic (electron/clinic): the stream's state, the clinic-wide figures read
// from PostgreSQL, and commands a supervisor sends to a settlement's own window. Money in fen.
import { z } from 'zod';
import { calendarDateSchema } from '../dates';
import { call } from './define';
import type { ReconcileGroup } from './shift';
import type { ClinicStreamStatus } from './system';

/** Report days and ranges: real calendar days (2026-02-30 is refused). */
const day = calendarDateSchema;

export interface ClinicFigures {
  /** Settlements (refund rows not counted here) and refunds; amounts net of refunds. */
  count: number;
  refunds: number;
  total: number;
  /** Fund + critical illness. */
  fund: number;
  account: number;
  cash: number;
  /** Rows whose total, fund or account the center adjusted: those figures above are the center's. */
  centerAdjusted: number;
}

export interface ClinicSummary {
  from: string;
  to: string;
  all: ClinicFigures;
  windows: { windowId: string; figures: ClinicFigures; operators: { operatorId: string; figures: ClinicFigures }[] }[];
}

/** One insurance type's 3201 comparison: the same shape as one window's (shared code, shift/reconcile-core.ts). */
export type ClinicReconcileGroup = ReconcileGroup;

export interface ClinicFinding {
  day: string;
  kind: 'only_center' | 'only_local' | 'amount_differs';
  /** The window that made the settlement; null for a settlement only the center has. */
  windowId: string | null;
  settlementId: string | null;
  centerSetlId: string | null;
  localTotal: number | null;
  centerTotal: number | null;
}

export interface ClinicReconcileResult {
  from: string;
  to: string;
  result: 'match' | 'mismatch';
  groups: ClinicReconcileGroup[];
  findings: ClinicFinding[];
}

export interface ClinicReceivableFigures {
  openCount: number;
  owed: number;
  paid: number;
  deducted: number;
  rejected: number;
  outstanding: number;
  aging: { d0_30: number; d31_60: number; d61_90: number; over90: number };
}

export interface ClinicReceivables {
  today: string;
  all: ClinicReceivableFigures;
  windows: ({ windowId: string } & ClinicReceivableFigures)[];
}

export const clinicCalls = {
  'clinic.status': call({ input: z.object({}).strict(), role: 'cashier', summary: '诊所汇总：本窗口上传到汇总库的状态' }).returns<ClinicStreamStatus | null>(),
  'clinic.summary': call({
    input: z.object({ from: day, to: day }).strict(),
    role: 'supervisor',
    summary: '诊所汇总：各窗口、各收费员的日/月结算汇总',
  }).returns<ClinicSummary>(),
  'clinic.reconcile': call({
    input: z.object({ from: day, to: day }).strict(),
    role: 'supervisor',
    summary: '诊所汇总：按机构与中心对账（3201 汇总总额，3202 明细，差异定位到窗口和结算）',
    audit: true,
  }).returns<ClinicReconcileResult>(),
  'clinic.receivables': call({ input: z.object({}).strict(), role: 'supervisor', summary: '诊所汇总：医保基金应收与账龄（各窗口）' }).returns<ClinicReceivables>(),
  'clinic.command': call({
    input: z.object({
      windowId: z.string().max(2).regex(/^\d{2}$/),
      settlementId: z.string().min(1).max(64),
      action: z.enum(['reupload', 'write_off']),
      note: z.string().trim().min(1).max(500),
    }).strict(),
    role: 'supervisor',
    summary: '诊所汇总：把对某笔结算的处理（重新上传、核销）发给它所在的窗口执行',
    audit: true,
  }).returns<{ commandId: string }>(),
};
