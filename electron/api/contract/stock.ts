// Dispensing stock per batch (issue 17, docs/STOCK.md): purchases, purchase returns,
// adjustments and stock-takes by a supervisor; the stock, what is near expiry and what the
// center has not yet received, for the cashier too.
import { z } from 'zod';
import { calendarDateSchema } from '../dates';
import { call } from './define';

/** A quantity in the catalogue's unit: a positive decimal with at most 4 places ("2", "0.5"). */
const quantity = z.string().trim().max(13).regex(/^\d{1,8}(\.\d{1,4})?$/, '数量应为最多 4 位小数的数');
/** A price per unit in yuan as typed ("12.50", "8.5"): its grammar is money.ts's parseYuan, applied by the stock store. */
const yuan = z.string().trim().min(1).max(16);
const text = (max: number) => z.string().trim().min(1).max(max);

export const STOCK_MOVEMENT_KINDS = ['purchase', 'purchase_return', 'sale', 'refund', 'loss', 'damage', 'count', 'inventory'] as const;
export type StockMovementKind = (typeof STOCK_MOVEMENT_KINDS)[number];
export type StockReportState = 'queued' | 'sent' | 'unknown' | 'confirmed' | 'rejected';

export interface StockBatchView {
  id: number;
  drugCode: string;
  drugName: string;
  batchNo: string;
  productionDate: string | null;
  expiryDate: string;
  /** On the shelf now, in the catalogue's unit (exact decimal, "12.5"); may be negative when selling beyond stock is allowed. */
  quantity: string;
  /** Fen per unit. */
  purchasePrice: number;
  supplier: string;
  /** Expired (before today), or within the near-expiry window. */
  expiry: 'ok' | 'soon' | 'expired';
}

export interface StockDrugView {
  drugCode: string;
  drugName: string;
  /** Sum over the drug's batches. */
  quantity: string;
  /** Sellable: batches not expired. */
  sellable: string;
  batches: StockBatchView[];
}

export interface StockListView {
  enabled: boolean;
  allowNegative: boolean;
  expiryWarnDays: number;
  drugs: StockDrugView[];
}

export interface StockMovementView {
  id: number;
  batchId: number | null;
  drugCode: string;
  kind: StockMovementKind;
  /** Signed change, in the catalogue's unit. */
  quantity: string;
  settlementId: string | null;
  reason: string | null;
  operatorId: string;
  at: string;
  /** The report to the center this movement queued (sales and refunds: the 3505 / 3506 of the traceability reports). */
  report: { infno: string; state: StockReportState; lastError: string | null } | null;
}

export interface StockReportView {
  id: number;
  infno: '3501' | '3502' | '3503' | '3504';
  movementId: number;
  drugCode: string;
  drugName: string;
  batchNo: string;
  kind: StockMovementKind;
  quantity: string;
  state: StockReportState;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

export interface StockUnsentView {
  /** Open reports (queued, sent, in doubt) and refused ones, oldest first. */
  reports: StockReportView[];
  open: number;
  rejected: number;
}

export const stockCalls = {
  'stock.list': call({
    input: z.object({ query: z.string().max(64).optional(), expiringOnly: z.boolean().optional() }).strict(),
    role: 'cashier',
    summary: '药品库存：按药品、批次，近效期',
  }).returns<StockListView>(),
  'stock.purchase': call({
    input: z
      .object({
        drugCode: text(50),
        batchNo: text(40),
        productionDate: calendarDateSchema.optional(),
        expiryDate: calendarDateSchema,
        quantity,
        purchasePrice: yuan,
        supplier: text(100),
      })
      .strict(),
    role: 'supervisor',
    audit: true,
    summary: '采购入库（一个批次，上报 3503）',
  }).returns<StockBatchView>(),
  'stock.purchaseReturn': call({
    input: z.object({ batchId: z.number().int().positive(), quantity, reason: text(200) }).strict(),
    role: 'supervisor',
    audit: true,
    summary: '采购退货（上报 3504）',
  }).returns<StockBatchView>(),
  'stock.adjust': call({
    input: z
      .object({
        batchId: z.number().int().positive(),
        kind: z.enum(['loss', 'damage', 'count']),
        /** loss and damage take out; a count correction may add (盘盈) or take out (盘亏). */
        direction: z.enum(['in', 'out']),
        quantity,
        reason: text(200),
      })
      .strict(),
    role: 'supervisor',
    audit: true,
    summary: '库存变更：丢失、损毁、盘盈盘亏（上报 3502）',
  }).returns<StockBatchView>(),
  'stock.inventory': call({
    input: z.object({ batchId: z.number().int().positive(), counted: z.string().trim().max(13).regex(/^\d{1,8}(\.\d{1,4})?$/, '数量应为最多 4 位小数的数'), note: z.string().trim().max(200).optional() }).strict(),
    role: 'supervisor',
    audit: true,
    summary: '盘存：一个批次的实盘数量（上报 3501）',
  }).returns<StockBatchView>(),
  'stock.movements': call({
    input: z.object({ batchId: z.number().int().positive().optional(), drugCode: z.string().max(50).optional(), limit: z.number().int().min(1).max(500).optional() }).strict(),
    role: 'cashier',
    summary: '库存流水（进、退、销、退药、变更、盘存）',
  }).returns<StockMovementView[]>(),
  'stock.unsent': call({
    input: z.object({}).strict(),
    role: 'cashier',
    summary: '中心尚未收到的进销存上报',
  }).returns<StockUnsentView>(),
  'stock.upload': call({
    input: z.object({}).strict(),
    role: 'supervisor',
    summary: '立即上报待上报的进销存',
  }).returns<{ confirmed: number; rejected: number; retrying: number; remaining: number }>(),
};
