// Reading the journal back: views for the UI and CLI, the day's list, the supervisor's work
// lists and the outbox status. Read-only.
import { centerDifferencesOf } from './center-differences';
import { z } from 'zod';
import {
  centerFigures,
  deadlineStanding,
  nearDeadlineHours,
  type AdjustmentView,
  type OutboxChainView,
  type OutboxItemView,
  type OutboxItemsView,
  type OutboxStatus,
  type PendingBillView,
  type SettlementLineView,
  type SettlementState,
  type SettlementSummary,
  type SettlementView,
  type UploadState,
  type UploadView,
} from '../api/contract/settlement';
import type { ExplanationLine } from '../policy/split/types';
import type { CoreApp } from '../app/core';
import { chainIdOf, isTraceItem, TRACE_HELD_UNTIL, type OutboxRow, type OutboxStore } from '../outbox/store';
import { MONEY_FIELDS, moneyFromRow, type MoneyColumn } from './mapping';
import type { PendingBill } from './bills';
import { fenColumn, many, one, value } from '../db/sql';
import type { TraceCodeStore } from './trace-codes';
import { parsePayload as parseTracePayload } from './trace-reports';

const SETTLEMENT_STATES = ['provisional', 'confirmed', 'adjusted', 'rejected', 'refunded'] as const satisfies readonly SettlementState[];
const text = z.string();
const maybeText = z.string().nullable();
const int = z.number().int();
const moneyColumns = Object.fromEntries(MONEY_FIELDS.map(([c]) => [c, fenColumn])) as Record<MoneyColumn, typeof fenColumn>;

/** A whole settlements row (`SELECT *`), checked where it is read; the clinic's snapshot picks
 *  its columns from it. */
export const SettlementRowSchema = z.object({
  ...moneyColumns,
  id: text,
  created_at: text,
  created_day: text,
  visit_date: text,
  operator_id: text,
  shift_id: text,
  psn_no: text,
  psn_name: text,
  cert_type: text,
  cert_no: text,
  insutype: text,
  psn_type: text,
  insurance_type: text,
  person_group: text,
  visit_type: text,
  hospital_level: int,
  diagnoses: text,
  use_account: int,
  scheme: text,
  policy_seq: int,
  policy_version: text,
  online: int,
  provisional: int,
  state: z.enum(SETTLEMENT_STATES),
  refund_of: maybeText,
  refund_reason: maybeText,
  supervisor_id: maybeText,
  manual_entry_reason: maybeText,
  bill_id: maybeText,
  explanation: text,
  person_snapshot: text,
  accumulators_before: text,
  accumulators_after: text,
  accumulators_delta: text,
  center_setl_id: maybeText,
  center_mdtrt_id: maybeText,
  updated_at: text,
  self_pay: int,
  cash_received: fenColumn.nullable(),
  change_given: fenColumn.nullable(),
  account_balance_before: fenColumn.nullable(),
});
export type SettlementRow = z.output<typeof SettlementRowSchema>;

const LineRow = z.object({
  line_no: int,
  code: text,
  name: text,
  class: text,
  unit_price: text,
  quantity: text,
  own_pay: int,
  reason: maybeText,
  amount: fenColumn,
});

/** A traceability report's drug, code count and hold, for the queue list. */
function traceOf(r: OutboxRow): { trace?: NonNullable<OutboxItemView['trace']> } {
  if (!isTraceItem(r)) return {};
  const p = parseTracePayload(r.payload);
  return { trace: { item: p ? p.line.itemName || p.line.itemCode : '?', codes: p?.line.codes.length ?? 0, held: r.next_attempt_at === TRACE_HELD_UNTIL } };
}

function uploadView(o: OutboxRow): UploadView {
  return {
    outboxId: o.id,
    kind: o.kind,
    infno: o.infno,
    msgid: o.msgid,
    state: o.state,
    attempts: o.attempts,
    lastError: o.last_error,
    nextAttemptAt: o.next_attempt_at,
    deadlineAt: o.deadline_at,
    resolvedAt: o.resolved_at,
    rejectCode: o.reject_code,
    rejectReason: o.reject_reason,
  };
}

const AdjRow = z.object({
  id: int,
  settlement_id: text,
  field: text,
  local_amount: fenColumn,
  center_amount: fenColumn,
  difference: fenColumn,
  created_at: text,
  reviewed_by: maybeText,
});
type AdjRow = z.output<typeof AdjRow>;

const adjView = (a: AdjRow): AdjustmentView => ({
  id: a.id,
  settlementId: a.settlement_id,
  field: a.field,
  localAmount: a.local_amount,
  centerAmount: a.center_amount,
  difference: a.difference,
  createdAt: a.created_at,
  reviewedBy: a.reviewed_by,
});

export class SettlementReader {
  /** Where a national chain stands (set by the settlement part; none in a bare reader). */
  private chainProgress: (chainId: string) => OutboxChainView | undefined = () => undefined;

  constructor(
    private readonly core: CoreApp,
    private readonly outbox: OutboxStore,
    private readonly trace: TraceCodeStore,
  ) {}

  setChainProgress(fn: (chainId: string) => OutboxChainView | undefined): void {
    this.chainProgress = fn;
  }

  row(id: string): SettlementRow | undefined {
    return one(this.core.db, 'SELECT * FROM settlements WHERE id = :id', { id }, SettlementRowSchema);
  }

  /** Who committed the settlement (the upload's opter), without reading the whole row. */
  operatorIdOf(id: string): string | undefined {
    return value(this.core.db, 'SELECT operator_id FROM settlements WHERE id = :id', { id }, text);
  }

  /** Only the state: read once per upload answer, where the whole row would be waste. */
  stateOf(id: string): SettlementState | undefined {
    return value(this.core.db, 'SELECT state FROM settlements WHERE id = :id', { id }, z.enum(SETTLEMENT_STATES));
  }

  private summary(r: SettlementRow & { upload_state?: UploadState | null }): SettlementSummary {
    return {
      id: r.id,
      createdAt: r.created_at,
      visitDate: r.visit_date,
      operatorId: r.operator_id,
      shiftId: r.shift_id,
      psnNo: r.psn_no,
      psnName: r.psn_name,
      insuranceType: r.insurance_type,
      visitType: r.visit_type,
      online: r.online === 1,
      provisional: r.provisional === 1,
      state: r.state,
      refundOf: r.refund_of,
      total: r.total,
      cashPay: r.cash_pay,
      uploadState: r.upload_state ?? null,
      selfPay: r.self_pay === 1,
    };
  }

  view(id: string): SettlementView | null {
    const r = this.row(id);
    if (!r) return null;
    const db = this.core.db;
    const messages = this.outbox.forSettlement(id);
    // The settlement's own messages; its traceability reports (3505 / 3506) apart: a refused
    // report is not a refused settlement (no 拒付 on the receipt, no rejection work list).
    const uploads = messages.filter((o) => !isTraceItem(o)).map(uploadView);
    const traceReports = messages.filter(isTraceItem).map(uploadView);
    const traced = this.trace.codesOf(id);
    const noCode = this.trace.noCodeOf(id);
    const lines = many(db, 'SELECT * FROM settlement_lines WHERE settlement_id = :id ORDER BY line_no', { id }, LineRow).map(
      (l): SettlementLineView => ({
        lineNo: l.line_no,
        code: l.code,
        name: l.name,
        class: l.class,
        unitPrice: l.unit_price,
        quantity: l.quantity,
        ownPay: l.own_pay === 1,
        reason: l.reason,
        amount: l.amount,
        traceCodes: traced.get(l.line_no) ?? [],
        noCodeReason: noCode.get(l.line_no) ?? null,
      }),
    );
    const adjustments = many(db, 'SELECT * FROM adjustments WHERE settlement_id = :id ORDER BY id', { id }, AdjRow).map(adjView);
    const refundedBy = value(db, 'SELECT id FROM settlements WHERE refund_of = :id', { id }, text) ?? null;
    return {
      ...this.summary({ ...r, upload_state: uploads[0]?.state ?? null }),
      certType: r.cert_type,
      certNo: r.cert_no,
      personGroup: r.person_group,
      policySeq: r.policy_seq,
      policyVersion: r.policy_version,
      scheme: r.scheme,
      money: moneyFromRow(r),
      lines,
      explanation: JSON.parse(r.explanation) as ExplanationLine[],
      uploads,
      traceReports,
      adjustments,
      centerDifferences: centerDifferencesOf(db, id),
      refundedBy,
      supervisorId: r.supervisor_id,
      manualEntryReason: r.manual_entry_reason,
      cashReceived: r.cash_received,
      change: r.change_given,
      accountBalanceBefore: r.account_balance_before,
      // What the account holds now: the center's account payment for a settlement it adjusted
      // (the receipt prints the same; the window's own split would be off by the adjustment),
      // nothing taken for one it refused.
      accountBalanceAfter:
        r.account_balance_before === null
          ? null
          : r.state === 'rejected'
            ? r.account_balance_before
            : r.account_balance_before - centerFigures({ money: moneyFromRow(r), adjustments }).accountPay,
      printJobId: null,
    };
  }

  list(day: string): SettlementSummary[] {
    const rows = many(this.core.db, 'SELECT * FROM settlements WHERE created_day = :day ORDER BY created_at, rowid', { day }, SettlementRowSchema);
    const uploadStates = this.outbox.firstStates(rows.map((r) => r.id));
    return rows.map((r) => this.summary({ ...r, upload_state: uploadStates.get(r.id) ?? null }));
  }

  outboxStatus(): OutboxStatus {
    const { byState, oldestOpenAt } = this.outbox.stateCounts();
    const now = this.core.clock.now().getTime();
    const hours = this.core.settings.uploadDeadlineHours;
    const deadlines = this.outbox.openDueBy(new Date(now + nearDeadlineHours(hours) * 3600_000), 100).map((o) => ({
      outboxId: o.id,
      settlementId: o.settlement_id,
      deadlineAt: o.deadline_at,
      past: deadlineStanding(o.deadline_at, now, hours) === 'past',
      state: o.state,
      attempts: o.attempts,
      lastError: o.last_error,
    }));
    return { depth: byState.queued + byState.sent + byState.unknown, byState, oldestQueuedAt: oldestOpenAt, deadlines };
  }

  /** The queue list (cashier and supervisor): open items oldest first, with whose they are. */
  outboxItems(limit: number): OutboxItemsView {
    const now = this.core.clock.now().getTime();
    const deadlineHours = this.core.settings.uploadDeadlineHours;
    const rows = this.outbox.openItems(limit);
    const heads = this.heads(rows.map((r) => r.settlement_id));
    const chainOf = (r: OutboxRow): { chain?: OutboxChainView } => {
      const id = chainIdOf(r);
      const chain = id ? this.chainProgress(id) : undefined;
      return chain ? { chain } : {};
    };
    const items = rows.map((r) => {
      const standing = deadlineStanding(r.deadline_at, now, deadlineHours);
      const head = heads.get(r.settlement_id);
      return {
        outboxId: r.id,
        settlementId: r.settlement_id,
        kind: r.kind,
        infno: r.infno,
        state: r.state,
        attempts: r.attempts,
        nextAttemptAt: r.next_attempt_at,
        lastError: r.last_error,
        createdAt: r.created_at,
        deadlineAt: r.deadline_at,
        near: standing !== 'ok',
        past: standing === 'past',
        psnName: head?.psn_name ?? '',
        total: head?.total ?? 0,
        ...chainOf(r),
        ...traceOf(r),
      };
    });
    return { items, total: this.outbox.openCount(), deadlineHours };
  }

  /** Name and total of each settlement, for lists that show whose an item is. */
  private heads(ids: readonly string[]): Map<string, { psn_name: string; total: number }> {
    const rows = many(
      this.core.db,
      'SELECT id, psn_name, total FROM settlements WHERE id IN (SELECT value FROM json_each(:ids))',
      { ids: JSON.stringify(ids) },
      z.object({ id: text, psn_name: text, total: fenColumn }),
    );
    return new Map(rows.map((r) => [r.id, r]));
  }
}

export function pendingBillView(b: PendingBill): PendingBillView {
  return {
    id: b.id,
    billId: b.billId ?? null,
    source: b.source,
    sourceRef: b.sourceRef,
    receivedAt: b.receivedAt,
    credential: b.credential,
    patientName: b.patientName ?? null,
    visit: b.visit,
    useAccount: b.useAccount,
    items: b.items,
  };
}
