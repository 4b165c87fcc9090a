// Settlement calls: preview and settle a bill, refunds, the journal, imported bills, the
// supervisor's work lists, and the upload outbox. PURE (zod and types only).
import { z } from 'zod';
import type { ExplanationLine, SplitAmounts, SplitResult } from '../../policy/split/types';
import { calendarDateSchema } from '../dates';
import { certTypeSchema, type CertType } from './center';
import { call } from './define';
import { TEXT_LIMITS } from './limits';

/** The common traceability-code scheme (药品追溯码): 20 digits, the first an 8 (docs/TRACEABILITY.md). */
export const COMMON_TRACE_CODE = /^8\d{19}$/;

/** ¥1,000,000: no patient hands over more at a window; a typo with extra digits is refused. */
export const MAX_CASH_RECEIVED_FEN = 100_000_000;

const decimal = z.string().max(14).regex(/^\d{1,9}(\.\d{1,4})?$/, '应为最多 4 位小数的十进制数字字符串');

export const personRefSchema = z
  .object({
    certType: certTypeSchema,
    certNo: z.string().trim().min(1).max(64),
    cardSn: z.string().trim().min(1).max(64).optional(),
  })
  .strict();

export const settlementVisitSchema = z
  .object({
    visitType: z.enum(['outpatient', 'chronic', 'inpatient']),
    /** Defaults to today (China time). A real calendar day, not after today (docs/SETTLEMENT.md "Visit dates"). */
    date: calendarDateSchema.optional(),
    /** Defaults to 1 (community clinic). */
    hospitalLevel: z.number().int().min(1).max(3).optional(),
    diagnoses: z.array(z.string().trim().min(1).max(20)).max(20).optional(),
  })
  .strict();

export const settlementItemSchema = z
  .object({
    code: z.string().trim().min(1).max(50),
    name: z.string().max(200).optional(),
    unitPrice: decimal,
    quantity: decimal,
    ownPay: z.boolean().optional(),
    /**
     * A drug line's traceability codes (追溯码), one per package sold, as scanned (issue 17,
     * docs/TRACEABILITY.md). Checked again in the main process; the window checks each scan
     * with trace.check as it comes.
     */
    traceCodes: z.array(z.string().max(200)).max(100).optional(),
    /** Old stock without codes (无码): why this drug line is sold without them (audited, reported). */
    noCodeReason: z.string().trim().min(2).max(200).optional(),
  })
  .strict();

export const settleInputSchema = z
  .object({
    person: personRefSchema,
    visit: settlementVisitSchema,
    items: z.array(settlementItemSchema).min(1).max(500),
    useAccount: z.boolean().default(true),
    /** Why the bill was typed in at the window rather than taken from the HIS. */
    manualEntryReason: z.string().trim().min(1).max(200).optional(),
    /** The pending bill (settlement.pendingBills) this settles. */
    billId: z.string().min(1).max(64).optional(),
    /** A supervisor's approval when an offline settlement is above the offline limits. */
    supervisorId: z.string().trim().min(1).max(32).optional(),
    supervisorPin: z.string().min(4).max(64).optional(),
    /**
     * Cash the patient handed over, fen, typed in the window's confirm step. Less than the cash
     * due is refused (CASH_RECEIVED_SHORT) and nothing is committed; absent: not recorded (CLI, HIS).
     */
    cashReceived: z.number().int().min(0).max(MAX_CASH_RECEIVED_FEN).optional(),
    /**
     * Settle as self-pay (自费): the whole bill in cash, no split, nothing sent to the center.
     * For a person the center does not cover (not insured, suspended, offline and not cached)
     * or a patient who chooses it. The person is not looked up.
     */
    selfPay: z.boolean().optional(),
    /** The patient's name for a self-pay receipt (the center may not know the person). */
    patientName: z.string().trim().max(TEXT_LIMITS.personName).optional(),
  })
  .strict();

export type SettleInput = z.input<typeof settleInputSchema>;

export type SettlementState = 'provisional' | 'confirmed' | 'adjusted' | 'rejected' | 'refunded';
export type UploadState = 'queued' | 'sent' | 'unknown' | 'confirmed' | 'adjusted' | 'rejected' | 'reversed';

/** Money of a settlement, fen: the split's result fields (declared once, policy/split/types.ts). */
export type SettlementMoney = SplitAmounts;

export interface LineWarning {
  lineNo: number;
  code: string;
  kind: 'ownPay' | 'restriction' | 'overLimit' | 'classC' | 'preSelfPay';
  text: string;
}

export interface SettlementPreview {
  split: SplitResult;
  warnings: LineWarning[];
  policySeq: number;
  policyVersion: string;
  /** True when settling now would be provisional: offline, or split on the local view (basis). */
  provisional: boolean;
  /**
   * What the split is based on: the center's view of the person's year, or — while one of the
   * person's uploads has no answer (unknown outcome) — this window's running totals ('local').
   */
  basis: { kind: 'center' | 'local'; unresolved: number };
  person: { psnNo: string; name: string; insuranceType: string; personGroup: string; accountBalance: number; source: 'live' | 'cache' };
  /** Set when an offline settlement of this amount needs a supervisor (over the offline limits). */
  needsSupervisor: boolean;
  /** The personal account's balance the split starts from (the center's, less local settlements it has not taken yet), fen. */
  accountBalanceBefore: number;
}

/** What an outbox item is (the outbox table's kind column). */
export type OutboxKind = 'upload' | 'cancel' | 'reversal' | 'trace_sale' | 'trace_return';

export interface UploadView {
  outboxId: number;
  kind: OutboxKind;
  infno: string;
  msgid: string;
  state: UploadState;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string;
  deadlineAt: string;
  resolvedAt: string | null;
  rejectCode: string | null;
  rejectReason: string | null;
}

export interface AdjustmentView {
  id: number;
  settlementId: string;
  field: string;
  localAmount: number;
  centerAmount: number;
  difference: number;
  createdAt: string;
  reviewedBy: string | null;
}

/**
 * One difference between the local split and the center's figures (issue 16; center_differences):
 * which line (0 = the settlement's totals), which field, both values — fen for money fields, a
 * class code (A/B/C) for `class` — and why, when the center said. `source`: the transaction
 * whose answer differed (2204 a fee line, 2206 the pre-settlement, 2207 the settlement).
 */
export interface CenterDifferenceView {
  source: '2204' | '2206' | '2207';
  lineNo: number;
  itemCode: string | null;
  field: string;
  localFen: number | null;
  centerFen: number | null;
  localCode: string | null;
  centerCode: string | null;
  why: string | null;
  createdAt: string;
}

export interface SettlementLineView {
  lineNo: number;
  code: string;
  name: string;
  class: string;
  unitPrice: string;
  quantity: string;
  ownPay: boolean;
  reason: string | null;
  amount: number;
  /** The traceability codes this line sold (empty for a non-drug, a no-code line, an older row). */
  traceCodes: string[];
  /** Sold as old stock without codes (无码): the cashier's reason. */
  noCodeReason: string | null;
}

export interface SettlementSummary {
  id: string;
  createdAt: string;
  visitDate: string;
  operatorId: string;
  shiftId: string;
  psnNo: string;
  psnName: string;
  insuranceType: string;
  visitType: string;
  online: boolean;
  provisional: boolean;
  state: SettlementState;
  refundOf: string | null;
  total: number;
  cashPay: number;
  uploadState: UploadState | null;
  /** Settled as self-pay (自费): all cash, never sent to the center. */
  selfPay: boolean;
}

export interface SettlementView extends SettlementSummary {
  certType: string;
  certNo: string;
  personGroup: string;
  policySeq: number;
  policyVersion: string;
  scheme: string;
  money: SettlementMoney;
  lines: SettlementLineView[];
  explanation: ExplanationLine[];
  uploads: UploadView[];
  /** Its drug traceability reports to the center: 3505 per drug line sold with codes, 3506 on its refund row (docs/TRACEABILITY.md). */
  traceReports: UploadView[];
  adjustments: AdjustmentView[];
  /** Every difference from the center's figures, line by line, with why (empty when none or not yet answered). */
  centerDifferences: CenterDifferenceView[];
  refundedBy: string | null;
  supervisorId: string | null;
  manualEntryReason: string | null;
  /** Cash the patient handed over and the change given, fen (null: not recorded, e.g. CLI, refund rows). */
  cashReceived: number | null;
  change: number | null;
  /** The personal account before and after this settlement, fen (null for self-pay and older rows). */
  accountBalanceBefore: number | null;
  accountBalanceAfter: number | null;
  /** Receipt print job started right after the commit (null when printing could not start). */
  printJobId: number | null;
}

export interface PendingBillView {
  id: string;
  billId: string | null;
  source: 'file' | 'inbox' | 'http' | 'window';
  sourceRef: string;
  receivedAt: string;
  credential: { certType: CertType; certNo: string; cardSn?: string };
  patientName: string | null;
  visit: { visitType: 'outpatient' | 'chronic' | 'inpatient'; date: string; hospitalLevel?: number; diagnoses?: string[] };
  useAccount: boolean;
  items: { code: string; name?: string; unitPrice: string; quantity: string; ownPay?: boolean }[];
}

/** snake_case column of the adjustments table → the SettlementMoney key it adjusts. */
function moneyKeyOfField(field: string): keyof SettlementMoney | null {
  const key = field.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  return key in EMPTY_MONEY ? (key as keyof SettlementMoney) : null;
}
const EMPTY_MONEY: SettlementMoney = {
  total: 0, fullOwnPay: 0, overLimitSelfPay: 0, preSelfPay: 0, eligible: 0, deductible: 0, fundPay: 0, coPay: 0,
  overCapSelfPay: 0, criticalIllnessPay: 0, personalTotal: 0, accountPay: 0, cashPay: 0,
};

/**
 * The center's figures of a settlement: the window's split with every field the center answered
 * differently replaced (the window's own record is never overwritten). One rule for the
 * receipt, the settled panel and the corrected receipt.
 */
export function centerFigures(v: Pick<SettlementView, 'money' | 'adjustments'>): SettlementMoney {
  const out = { ...v.money };
  for (const a of v.adjustments) {
    const key = moneyKeyOfField(a.field);
    if (key) out[key] = a.centerAmount;
  }
  return out;
}

/**
 * The upload-deadline rule, one place for the main process and the window: an open upload is
 * "past" from its deadline on and "near" in the last quarter of its window before that.
 */
export type DeadlineStanding = 'ok' | 'near' | 'past';

/** How long before the deadline an upload counts as near: the last quarter of the window. */
export function nearDeadlineHours(deadlineHours: number): number {
  return deadlineHours / 4;
}

/** At or after the deadline (an unreadable time is never past). */
export function isPastDeadline(deadlineAt: string, nowMs: number): boolean {
  return Date.parse(deadlineAt) <= nowMs;
}

export function deadlineStanding(deadlineAt: string, nowMs: number, deadlineHours: number): DeadlineStanding {
  if (isPastDeadline(deadlineAt, nowMs)) return 'past';
  return Date.parse(deadlineAt) - nowMs <= nearDeadlineHours(deadlineHours) * 3600_000 ? 'near' : 'ok';
}

export interface OutboxStatus {
  /** Open items (queued, sent, unknown). */
  depth: number;
  byState: Record<UploadState, number>;
  oldestQueuedAt: string | null;
  /** Open items whose upload deadline is near (last quarter of the window) or past. */
  deadlines: { outboxId: number; settlementId: string; deadlineAt: string; past: boolean; state: UploadState; attempts: number; lastError: string | null }[];
}

/** One open upload (queued, sent, unknown) as the queue list shows it. */
export interface OutboxItemView {
  outboxId: number;
  settlementId: string;
  kind: OutboxKind;
  infno: string;
  state: UploadState;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  deadlineAt: string;
  /** In the last quarter of its upload window (the same rule as OutboxStatus.deadlines). */
  near: boolean;
  past: boolean;
  psnName: string;
  /** The settlement's total, fen. */
  total: number;
  /**
   * National protocol: the item is a whole chain (2201 → … → 2207, or a refund's undoing);
   * where it stands — the chain's state and its latest step (which transaction, its msgid, how).
   */
  chain?: OutboxChainView;
  /**
   * A traceability report (kind trace_sale 3505 / trace_return 3506): the drug, how many codes,
   * and whether it waits for the sale's settlement upload to be answered (it names the center's
   * settlement id).
   */
  trace?: { item: string; codes: number; held: boolean };
}

/** A national chain's progress (settlement/national-chain.ts reports it for the queue screen). */
export interface OutboxChainView {
  chainId: string;
  state: 'running' | 'compensating' | 'settled' | 'undone' | 'blocked';
  /** The latest step: which transaction, under which msgid, how it stands. */
  infno: string | null;
  msgid: string | null;
  stepState: string | null;
  steps: number;
}

/** What the window needs to know of the traceability-code rules (settings, docs/TRACEABILITY.md). */
export interface TraceRules {
  /** A drug line must have one code per package (or the no-code path) to be settled. */
  required: boolean;
  /** The fund refuses drugs without codes: a no-code line is sold only as own-pay. */
  fundRefusesNoCode: boolean;
  /** Names of the accepted schemes besides the common 20-digit one. */
  formats: string[];
}

export interface NoCodeReport {
  from: string;
  to: string;
  lines: { settlementId: string; lineNo: number; itemCode: string; packages: number; reason: string; operatorId: string; ownPay: boolean; at: string; refunded: boolean }[];
  packages: number;
  byOperator: { operatorId: string; lines: number; packages: number }[];
  byItem: { itemCode: string; lines: number; packages: number }[];
}

export interface OutboxItemsView {
  /** Oldest first (commit order), at most `limit`. */
  items: OutboxItemView[];
  /** All open items, even beyond `limit`. */
  total: number;
  /** The configured upload window (uploadDeadlineHours). */
  deadlineHours: number;
}

/** The standard settlement slip's scope: one settlement (`id`), or a person's day (`psnNo` + `day`). */
const slipSelection = z
  .object({ id: z.string().min(1).max(64).optional(), psnNo: z.string().min(1).max(32).optional(), day: calendarDateSchema.optional() })
  .strict()
  .refine((v) => (v.id ? !v.psnNo && !v.day : !!v.psnNo && !!v.day), '应给出结算号 id，或人员编号 psnNo 和日期 day 之一组');

/** A slip as a file the window saves (the PDF's bytes in base64). */
export interface SlipFile {
  fileName: string;
  mimeType: 'application/pdf';
  base64: string;
}

export const settlementCalls = {
  'settlement.preview': call({
    input: settleInputSchema.omit({ manualEntryReason: true, billId: true, supervisorId: true, supervisorPin: true }),
    role: 'cashier',
    summary: '试算：按当前目录与参保信息计算分割，不保存',
  }).returns<SettlementPreview>(),
  'settlement.settle': call({ input: settleInputSchema, role: 'cashier', summary: '结算：一次事务保存结算、上传报文与审计，然后打印小票', audit: true }).returns<SettlementView>(),
  'settlement.list': call({
    input: z.object({ date: calendarDateSchema.optional() }).strict(),
    role: 'cashier',
    summary: '当日（或指定日期）结算列表',
  }).returns<SettlementSummary[]>(),
  'settlement.get': call({ input: z.object({ id: z.string().min(1).max(64) }).strict(), role: 'cashier', summary: '结算详情' }).returns<SettlementView>(),
  'settlement.refund': call({
    input: z
      .object({
        id: z.string().min(1).max(64),
        supervisorId: z.string().trim().min(1).max(32),
        supervisorPin: z.string().min(4).max(64),
        reason: z.string().trim().min(1).max(200),
      })
      .strict(),
    role: 'cashier',
    summary: '退费：整笔冲销（需主管授权）',
    audit: true,
  }).returns<SettlementView>(),
  'settlement.partialRefund': call({
    input: z
      .object({
        id: z.string().min(1).max(64),
        /** The lines the patient returns (line numbers of the settlement); the others are settled again. */
        lineNos: z.array(z.number().int().min(1).max(500)).min(1).max(500),
        supervisorId: z.string().trim().min(1).max(32),
        supervisorPin: z.string().min(4).max(64),
        reason: z.string().trim().min(1).max(200),
      })
      .strict(),
    role: 'cashier',
    summary: '部分退费：整笔冲销并把其余项目重新结算，一次操作（需主管授权），打印两张小票',
    audit: true,
  }).returns<{ refund: SettlementView; resettled: SettlementView }>(),
  'settlement.partialRefundPreview': call({
    input: z.object({ id: z.string().min(1).max(64), lineNos: z.array(z.number().int().min(1).max(500)).min(1).max(500) }).strict(),
    role: 'cashier',
    summary: '部分退费试算：其余项目重新结算后的分割，以及退回现金、个人账户和基金的金额（不保存）',
  }).returns<{ original: SettlementMoney; remaining: SettlementMoney; returns: { cash: number; account: number; fund: number } }>(),
  'settlement.printCorrected': call({
    input: z.object({ id: z.string().min(1).max(64) }).strict(),
    role: 'cashier',
    summary: '更正小票：按医保中心调整后的金额打印（标记「更正」，记审计）',
    audit: true,
  }).returns<{ jobId: number }>(),
  'settlement.slipExport': call({
    input: slipSelection,
    role: 'cashier',
    summary: '医保结算单（A4 PDF）：一笔结算，或某人当日的有效结算；由窗口保存',
    audit: true,
  }).returns<SlipFile>(),
  'settlement.slipPrint': call({
    input: slipSelection,
    role: 'cashier',
    summary: '在小票打印机上打印医保结算单：一笔结算，或某人当日的有效结算',
    audit: true,
  }).returns<{ lines: string[]; jobId: number }>(),
  'settlement.pendingBills': call({
    input: z.object({ certNo: z.string().trim().min(1).max(64).optional() }).strict(),
    role: 'cashier',
    summary: '待结算账单（HIS 推送、文件导入）',
  }).returns<PendingBillView[]>(),
  'trace.rules': call({ input: z.object({}).strict(), role: 'cashier', summary: '药品追溯码规则：是否必扫、医保是否拒付无码药品、接受的其他格式' }).returns<TraceRules>(),
  'trace.check': call({
    input: z
      .object({
        /** What the scanner typed (or the serial scanner sent). */
        code: z.string().max(200),
        /** The codes already in this bill, so a package scanned twice is refused. */
        inBill: z.array(z.string().max(200)).max(2000).default([]),
      })
      .strict(),
    role: 'cashier',
    summary: '扫码校验：追溯码格式、本单是否重复、是否已售出（何时、售给谁），不保存',
  }).returns<{ code: string; format: string }>(),
  'trace.noCodeReport': call({
    input: z.object({ from: calendarDateSchema, to: calendarDateSchema }).strict(),
    role: 'supervisor',
    summary: '无码药品登记报表：按日期、收费员、药品统计无追溯码销售的包装数与原因',
  }).returns<NoCodeReport>(),
  'outbox.status': call({ input: z.object({}).strict(), role: 'cashier', summary: '上传队列：深度、各状态数量、最早待传、临近/超过时限' }).returns<OutboxStatus>(),
  'outbox.items': call({
    input: z.object({ limit: z.number().int().min(1).max(500).default(200) }).strict(),
    role: 'cashier',
    summary: '上传队列明细：每笔未完成上传的时限、状态、尝试次数和最后错误',
  }).returns<OutboxItemsView>(),
};
