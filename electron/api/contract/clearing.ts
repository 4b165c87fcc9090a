// Monthly clearing (issue 17; docs/CLEARING.md): the month's clearing application per clearing
// type (national 3203, our protocol's equivalent), sent and cancelled (3204) by a supervisor,
// and a settlement's way from upload to payment.
import { z } from 'zod';
import type { ShownError } from '../result';
import { call } from './define';

/** Where a settlement stands on its way to the clinic's money. */
export const SETTLEMENT_STAGES = ['queued', 'uploaded', 'reconciled', 'applied', 'paid'] as const;
export type SettlementStage = (typeof SETTLEMENT_STAGES)[number];

export const CLEARING_STATES = ['prepared', 'sending', 'sent', 'cancelling', 'cancelled', 'paid'] as const;
export type ClearingState = (typeof CLEARING_STATES)[number];

/** Clearing types (clr_type): 11 outpatient (incl. chronic), 21 inpatient. */
export const CLR_TYPES = ['11', '21'] as const;
export type ClrType = (typeof CLR_TYPES)[number];

/** Amounts in fen (center-agreed: the local split plus the center's adjustments). */
export interface ClearingTotals {
  /** Rows: settlements and refund rows. */
  rows: number;
  /** Person-times (人次): settlements less refund rows. */
  psntime: number;
  medfee: number;
  /** fund + critical illness (fund_appy_sum). */
  fund: number;
  account: number;
  /** medfee − fund − account. */
  cash: number;
}

export interface ClearingApplicationView {
  id: string;
  setlym: string;
  clrType: string;
  state: ClearingState;
  totals: ClearingTotals;
  centerAppyId: string | null;
  sendMsgid: string | null;
  cancelMsgid: string | null;
  preparedBy: string;
  preparedAt: string;
  sentAt: string | null;
  cancelledAt: string | null;
  paidAt: string | null;
  /** Why the last exchange with the center did not finish, as a code the window words (null: none). */
  lastError: ShownError | null;
}

export interface ClearingTypeView {
  clrType: string;
  /** What an application prepared now would hold: reconciled, known to the center, in no live application. */
  candidates: ClearingTotals;
  /** The month's settlements (not refund rows) of this type by stage. */
  stages: Record<SettlementStage, number>;
}

export interface ClearingMonth {
  setlym: string;
  /** The month is not over yet (China time): settlements may still come. */
  monthOpen: boolean;
  types: ClearingTypeView[];
  applications: ClearingApplicationView[];
}

export interface SettlementTrace {
  settlementId: string;
  stage: SettlementStage | null;
  reconciled: { runId: number; at: string } | null;
  application: { id: string; state: ClearingState; sentAt: string | null; paidAt: string | null } | null;
}

const setlym = z.string().max(6).regex(/^\d{4}(0[1-9]|1[0-2])$/, '月份应为 yyyyMM');
const id = z.string().trim().min(1).max(64);

export const clearingCalls = {
  'clearing.month': call({ input: z.object({ setlym }).strict(), role: 'supervisor', summary: '一个月的清算：各清算类别可申报的结算、各阶段笔数、申请单' }).returns<ClearingMonth>(),
  'clearing.prepare': call({
    input: z.object({ setlym, clrType: z.enum(CLR_TYPES) }).strict(),
    role: 'supervisor',
    summary: '生成（或重新生成）本月某清算类别的清算申请：只含已对账的结算，尚未发送',
    audit: true,
  }).returns<ClearingApplicationView>(),
  'clearing.send': call({ input: z.object({ id }).strict(), role: 'supervisor', summary: '发送清算申请（3203）；结果未知时再次发送用同一报文号', audit: true }).returns<ClearingApplicationView>(),
  'clearing.cancel': call({ input: z.object({ id }).strict(), role: 'supervisor', summary: '撤销清算申请（已发送的经 3204）', audit: true }).returns<ClearingApplicationView>(),
  'clearing.refresh': call({ input: z.object({}).strict(), role: 'supervisor', summary: '向中心查询已申报清算的拨付情况' }).returns<ClearingApplicationView[]>(),
  'clearing.trace': call({ input: z.object({ settlementId: id }).strict(), role: 'supervisor', summary: '一笔结算的进度：上传 → 对账 → 申报清算 → 拨付' }).returns<SettlementTrace>(),
};
