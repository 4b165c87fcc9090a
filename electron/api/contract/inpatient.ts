// The hospital window (issue 19, docs/INPATIENT.md): a stay from admission to discharge
// settlement. Admission (national 2401, change 2403, cancel 2404), deposits (预交金), fee details
// in batches during the stay (2301, revoke 2302), the pre-settlement (2303), the settlement that
// nets the deposits (2304, mid-stay flag; cancel 2305), discharge and its undo (2402 / 2405).
// Our own protocol carries the equivalents (docs/CENTER.md). Every step that reaches the center
// goes through the outbox: offline the stay goes on, and the steps are replayed in order.
// PURE (zod and types only). Money in fen (integers); prices and quantities decimal strings.
import { z } from 'zod';
import type { ExplanationLine, SplitResult } from '../../policy/split/types';
import { calendarDateSchema } from '../dates';
import { call } from './define';
import { TEXT_LIMITS } from './limits';
import { personRefSchema } from './settlement';

/** A stay's life. 'settled' after the discharge settlement; a mid-stay settlement keeps it 'admitted'. */
export const STAY_STATES = ['admitted', 'discharged', 'settled', 'cancelled'] as const;
export type StayState = (typeof STAY_STATES)[number];

/** National med_type of a stay: 21 普通住院, 23 转外诊治住院, 24 急诊转住院, 52 生育住院. */
export const STAY_MED_TYPES = ['21', '23', '24', '52'] as const;
export type StayMedType = (typeof STAY_MED_TYPES)[number];

export const DEPOSIT_METHODS = ['cash', 'card', 'mobile'] as const;
export type DepositMethod = (typeof DEPOSIT_METHODS)[number];

/** Where a step that goes to the center stands (its outbox item). */
export type StayUploadState = 'queued' | 'sending' | 'done' | 'rejected' | 'unknown';

const stayId = z.string().trim().min(1).max(64);
const text = (max: number) => z.string().trim().min(1).max(max);
const reason = z.string().trim().min(2).max(TEXT_LIMITS.reason);
const decimal = z.string().max(14).regex(/^\d{1,9}(\.\d{1,4})?$/, '应为最多 4 位小数的十进制数字字符串');
const diagnoses = z.array(z.string().trim().min(1).max(20)).min(1).max(20);
const codeName = z.object({ code: text(30), name: text(50) }).strict();
/** ¥1,000,000 per deposit or refund: a typo with extra digits is refused. */
const depositFen = z.number().int().positive().max(100_000_000);
/** A supervisor authorises an undo at the cashier's window (id + PIN), as a refund is. */
const supervisor = { supervisorId: z.string().trim().min(1).max(TEXT_LIMITS.operatorId), supervisorPin: z.string().min(4).max(TEXT_LIMITS.pin) };

export const admissionSchema = z
  .object({
    medType: z.enum(STAY_MED_TYPES).default('21'),
    /** Defaults to today (China time); not after today. */
    admittedOn: calendarDateSchema.optional(),
    hospitalLevel: z.number().int().min(1).max(3).optional(),
    department: codeName,
    ward: text(30),
    bed: text(20).optional(),
    doctor: codeName,
    /** Admission diagnoses (ICD-10 codes); the first is the main one. */
    diagnoses,
  })
  .strict();

/** One fee line of a stay (a HIS order line or typed at the window). */
export const stayFeeItemSchema = z
  .object({
    code: text(50),
    name: z.string().max(200).optional(),
    unitPrice: decimal,
    quantity: decimal,
    ownPay: z.boolean().optional(),
    /** The day the fee arose (fee_ocur_time's day): its year's accumulators apply. Defaults to today. */
    feeDate: calendarDateSchema.optional(),
  })
  .strict();

export interface DepositView {
  id: string;
  stayId: string;
  /** Positive: paid in; negative: paid back. */
  amount: number;
  method: DepositMethod;
  reference: string | null;
  reason: string | null;
  operatorId: string;
  /** The shift's id (SH-yyyyMMdd-…); null for rows written without a shift. */
  shiftId: string | null;
  at: string;
  printJobId: number | null;
}

export interface StayFeeLineView {
  lineNo: number;
  batchId: string;
  code: string;
  name: string;
  unitPrice: string;
  quantity: string;
  amount: number;
  ownPay: boolean;
  feeDate: string;
  /** Revoked (2302) lines stay listed, no longer counted. */
  revoked: boolean;
}

export interface FeeBatchView {
  id: string;
  /** Where it came from: a pending HIS bill, or typed at the window. */
  source: 'bill' | 'window';
  billId: string | null;
  lines: number;
  total: number;
  upload: StayUploadState;
  revoked: boolean;
  at: string;
}

/** One step that goes to the center (admission, a fee batch, discharge, settlement, their undos). */
export interface StayUploadView {
  kind: 'admit' | 'change' | 'cancelAdmission' | 'fees' | 'revokeFees' | 'discharge' | 'undoDischarge' | 'settle' | 'cancelSettlement';
  ref: string;
  state: StayUploadState;
  lastError: string | null;
  at: string;
}

export interface StaySummary {
  id: string;
  state: StayState;
  patientName: string | null;
  /** Masked for lists (e.g. 1101**********0012). */
  certNoMasked: string;
  medType: StayMedType;
  department: { code: string; name: string };
  ward: string;
  bed: string | null;
  admittedOn: string;
  dischargedOn: string | null;
  /** Deposits paid in less paid back, fen. */
  depositBalance: number;
  /** Fee lines not revoked (and not yet settled), fen. */
  runningTotal: number;
  /** The center's visit id (mdtrt_id) once admission reached it; null offline. */
  centerStayId: string | null;
  /** Steps not yet done at the center. */
  pendingUploads: number;
}

export interface StayView extends StaySummary {
  certType: string;
  certNo: string;
  insuranceType: string;
  hospitalLevel: number;
  doctor: { code: string; name: string };
  diagnoses: string[];
  dischargeDiagnoses: string[] | null;
  deposits: DepositView[];
  batches: FeeBatchView[];
  lines: StayFeeLineView[];
  uploads: StayUploadView[];
  /** The journal's settlements of this stay (mid-stay ones and the discharge one), newest last. */
  settlementIds: string[];
}

/** Deposits netted against the patient's cash part: exactly one of refund / collect is non-zero (or both 0). */
export interface DepositNetting {
  deposits: number;
  /** The patient's cash part (个人负担 after the personal account). */
  personalCash: number;
  /** deposits − personalCash when positive: paid back (退还). */
  refund: number;
  /** personalCash − deposits when positive: still to pay (补缴). */
  collect: number;
}

/** One year's part of a stay that crosses the year boundary (accumulators of that year). */
export interface StayYearPart {
  year: number;
  total: number;
  split: SplitResult;
}

export interface StayEstimate {
  stayId: string;
  /** 'center': 2303's figures; 'local': our split over the stay (offline, or before discharge) — marked on screen. */
  source: 'center' | 'local';
  total: number;
  money: { fund: number; criticalIllness: number; account: number; cash: number; personal: number };
  parts: StayYearPart[];
  explanation: ExplanationLine[];
  netting: DepositNetting;
  /** Why the center's figures are not shown (offline, rejected, …), in the user's language by code. */
  centerUnavailable: { code: string; message: string } | null;
}

export interface StaySettlementView {
  stay: StayView;
  /** The journal's settlement row (settlement.get works on it; the slip and receipts use it). */
  settlementId: string;
  midStay: boolean;
  estimate: StayEstimate;
  printJobId: number | null;
}

export interface InpatientOverview {
  openStays: StaySummary[];
  /** Deposits held for stays not settled: the hospital's liability, fen. */
  depositsHeld: number;
  /** Deposits taken and paid back today (China time), by method, fen. */
  todayDeposits: { method: DepositMethod; paidIn: number; paidBack: number }[];
  dischargedNotSettled: StaySummary[];
  /** Settled stays whose settlement the center has not yet confirmed. */
  settledNotUploaded: StaySummary[];
  /** What the fund owes for inpatient settlements (clr_type 21), fen. */
  receivables: { settlements: number; fund: number; account: number };
}

export const inpatientCalls = {
  'inpatient.admit': call({
    input: z.object({ person: personRefSchema, admission: admissionSchema, hisStayNo: text(40).optional() }).strict(),
    role: 'cashier',
    summary: '入院登记（2401）：登记住院并上传；离线时本地登记，联网后补传',
    audit: true,
  }).returns<StayView>(),
  'inpatient.change': call({
    input: z
      .object({ stayId, department: codeName.optional(), ward: text(30).optional(), bed: text(20).optional(), doctor: codeName.optional(), diagnoses: diagnoses.optional() })
      .strict(),
    role: 'cashier',
    summary: '入院信息变更（2403）',
    audit: true,
  }).returns<StayView>(),
  'inpatient.cancelAdmission': call({
    input: z.object({ stayId, reason, ...supervisor }).strict(),
    role: 'cashier',
    summary: '撤销入院（2404，主管授权）：仅限无费用、押金已退清的住院',
    audit: true,
  }).returns<StayView>(),
  'inpatient.list': call({
    input: z.object({ state: z.enum([...STAY_STATES, 'open']).optional() }).strict(),
    role: 'cashier',
    summary: '住院列表（默认在院）',
  }).returns<StaySummary[]>(),
  'inpatient.get': call({ input: z.object({ stayId }).strict(), role: 'cashier', summary: '住院详情：押金、费用批次、上传、结算' }).returns<StayView>(),
  'inpatient.deposit': call({
    input: z
      .object({ stayId, amount: depositFen, method: z.enum(DEPOSIT_METHODS), reference: text(64).optional(), requestId: text(64).optional() })
      .strict(),
    role: 'cashier',
    summary: '收押金（预交金）：现金，或刷卡/移动支付并记下凭证号；打印押金收据',
    audit: true,
  }).returns<DepositView>(),
  'inpatient.refundDeposit': call({
    input: z.object({ stayId, amount: depositFen, method: z.enum(DEPOSIT_METHODS), reference: text(64).optional(), reason }).strict(),
    role: 'cashier',
    summary: '退押金：不超过押金余额',
    audit: true,
  }).returns<DepositView>(),
  'inpatient.addFees': call({
    input: z
      .object({
        stayId,
        /** A pending HIS bill (settlement.pendingBills) whose lines become this batch … */
        billId: text(64).optional(),
        /** … or lines typed at the window. Exactly one of the two. */
        items: z.array(stayFeeItemSchema).min(1).max(500).optional(),
      })
      .strict(),
    role: 'cashier',
    summary: '费用明细（2301）：一批费用记入住院并排队上传，每批恰好一次',
    audit: true,
  }).returns<StayView>(),
  'inpatient.revokeFees': call({
    input: z.object({ stayId, batchId: text(64).or(z.literal('all')), reason }).strict(),
    role: 'cashier',
    summary: '撤销费用明细（2302）：一批或全部未结算的费用',
    audit: true,
  }).returns<StayView>(),
  'inpatient.estimate': call({
    input: z.object({ stayId }).strict(),
    role: 'cashier',
    summary: '在院估算：本地按住院政策分段计算至今的费用、个人负担与押金冲抵',
  }).returns<StayEstimate>(),
  'inpatient.discharge': call({
    input: z.object({ stayId, dischargedOn: calendarDateSchema.optional(), diagnoses, dischargeWay: z.enum(['1', '2', '3', '4', '5', '9']).default('1') }).strict(),
    role: 'cashier',
    summary: '出院登记（2402）',
    audit: true,
  }).returns<StayView>(),
  'inpatient.undoDischarge': call({
    input: z.object({ stayId, reason, ...supervisor }).strict(),
    role: 'cashier',
    summary: '撤销出院（2405，主管授权）：未结算的出院',
    audit: true,
  }).returns<StayView>(),
  'inpatient.preSettle': call({
    input: z.object({ stayId, midStay: z.boolean().default(false), useAccount: z.boolean().default(true) }).strict(),
    role: 'cashier',
    summary: '住院预结算（2303）：中心的数字（离线时本地估算并标明）、逐项说明、押金冲抵',
  }).returns<StayEstimate>(),
  'inpatient.settle': call({
    input: z
      .object({
        stayId,
        midStay: z.boolean().default(false),
        useAccount: z.boolean().default(true),
        /** Cash handed over when the patient still has to pay (补缴), fen. */
        cashReceived: z.number().int().min(0).max(100_000_000).optional(),
        requestId: text(64).optional(),
      })
      .strict(),
    role: 'cashier',
    summary: '住院结算（2304）：一次事务写入结算、押金冲抵与上传报文，然后打印',
    audit: true,
  }).returns<StaySettlementView>(),
  'inpatient.cancelSettlement': call({
    input: z.object({ stayId, settlementId: text(64), reason, ...supervisor }).strict(),
    role: 'cashier',
    summary: '撤销住院结算（2305，主管授权）',
    audit: true,
  }).returns<StayView>(),
  'inpatient.overview': call({
    input: z.object({}).strict(),
    role: 'supervisor',
    summary: '住院总览：在院与押金、押金负债、已出院未结算、已结算未上传、住院应收',
  }).returns<InpatientOverview>(),
};
