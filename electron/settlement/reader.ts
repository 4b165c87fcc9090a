// Reading the journal back: views for the UI and CLI, the day's list, the supervisor's work
// lists and the outbox status. Read-only.
import type {
  AdjustmentView,
  OutboxStatus,
  PendingBillView,
  RejectionView,
  SettlementLineView,
  SettlementState,
  SettlementSummary,
  SettlementView,
  UploadState,
  UploadView,
} from '../api/contract/settlement';
import type { ExplanationLine } from '../policy/split/types';
import type { CoreApp } from '../app/core';
import type { OutboxRow } from '../outbox/store';
import { moneyFromRow, type MoneyColumn } from './mapping';
import type { PendingBill } from './bills';
import { stmt } from '../db/statements';

export type SettlementRow = Record<MoneyColumn, number> & {
  id: string;
  created_at: string;
  created_day: string;
  visit_date: string;
  operator_id: string;
  shift_id: string;
  psn_no: string;
  psn_name: string;
  cert_type: string;
  cert_no: string;
  insutype: string;
  psn_type: string;
  insurance_type: string;
  person_group: string;
  visit_type: string;
  hospital_level: number;
  diagnoses: string;
  use_account: number;
  scheme: string;
  policy_seq: number;
  policy_version: string;
  online: number;
  provisional: number;
  state: SettlementState;
  refund_of: string | null;
  refund_reason: string | null;
  supervisor_id: string | null;
  manual_entry_reason: string | null;
  bill_id: string | null;
  explanation: string;
  person_snapshot: string;
  accumulators_before: string;
  accumulators_after: string;
  accumulators_delta: string;
  center_setl_id: string | null;
  center_mdtrt_id: string | null;
  updated_at: string;
};

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

interface AdjRow {
  id: number;
  settlement_id: string;
  field: string;
  local_amount: number;
  center_amount: number;
  difference: number;
  created_at: string;
  reviewed_by: string | null;
}

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
  constructor(private readonly core: CoreApp) {}

  row(id: string): SettlementRow | undefined {
    return stmt(this.core.db, 'SELECT * FROM settlements WHERE id = ?').get(id) as SettlementRow | undefined;
  }

  /** Only the state: read once per upload answer, where the whole row would be waste. */
  stateOf(id: string): SettlementState | undefined {
    return (stmt(this.core.db, 'SELECT state FROM settlements WHERE id = ?').get(id) as { state: SettlementState } | undefined)?.state;
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
    };
  }

  view(id: string): SettlementView | null {
    const r = this.row(id);
    if (!r) return null;
    const db = this.core.db;
    const uploads = (stmt(db, 'SELECT * FROM outbox WHERE settlement_id = ? ORDER BY id').all(id) as OutboxRow[]).map(uploadView);
    const lines = (
      stmt(db, 'SELECT * FROM settlement_lines WHERE settlement_id = ? ORDER BY line_no').all(id) as {
        line_no: number;
        code: string;
        name: string;
        class: string;
        unit_price: string;
        quantity: string;
        own_pay: number;
        reason: string | null;
        amount: number;
      }[]
    ).map(
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
      }),
    );
    const adjustments = (stmt(db, 'SELECT * FROM adjustments WHERE settlement_id = ? ORDER BY id').all(id) as AdjRow[]).map(adjView);
    const refundedBy = (stmt(db, 'SELECT id FROM settlements WHERE refund_of = ?').get(id) as { id: string } | undefined)?.id ?? null;
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
      adjustments,
      refundedBy,
      supervisorId: r.supervisor_id,
      manualEntryReason: r.manual_entry_reason,
      printJobId: null,
    };
  }

  list(day: string): SettlementSummary[] {
    const rows = this.core.db
      .prepare(
        `SELECT s.*, (SELECT o.state FROM outbox o WHERE o.settlement_id = s.id ORDER BY o.id LIMIT 1) AS upload_state
         FROM settlements s WHERE s.created_day = ? ORDER BY s.created_at, s.rowid`,
      )
      .all(day) as (SettlementRow & { upload_state: UploadState | null })[];
    return rows.map((r) => this.summary(r));
  }

  adjustments(includeReviewed: boolean): AdjustmentView[] {
    const sql = `SELECT * FROM adjustments ${includeReviewed ? '' : 'WHERE reviewed_by IS NULL'} ORDER BY id LIMIT 1000`;
    return (this.core.db.prepare(sql).all() as AdjRow[]).map(adjView);
  }

  rejections(includeReviewed: boolean): RejectionView[] {
    const rows = this.core.db
      .prepare(
        `SELECT o.*, s.psn_name, s.total FROM outbox o JOIN settlements s ON s.id = o.settlement_id
         WHERE o.state = 'rejected' ${includeReviewed ? '' : 'AND o.reviewed_by IS NULL'} ORDER BY o.id LIMIT 1000`,
      )
      .all() as (OutboxRow & { psn_name: string; total: number })[];
    return rows.map((o) => ({
      outboxId: o.id,
      settlementId: o.settlement_id,
      infno: o.infno,
      msgid: o.msgid,
      psnNo: o.psn_no,
      psnName: o.psn_name,
      total: o.total,
      rejectCode: o.reject_code,
      reason: o.reject_reason,
      resolvedAt: o.resolved_at,
      reviewedBy: o.reviewed_by,
    }));
  }

  outboxStatus(): OutboxStatus {
    const db = this.core.db;
    const byState: Record<UploadState, number> = { queued: 0, sent: 0, unknown: 0, confirmed: 0, adjusted: 0, rejected: 0, reversed: 0 };
    for (const r of db.prepare('SELECT state, count(*) AS n FROM outbox GROUP BY state').all() as { state: UploadState; n: number }[]) {
      byState[r.state] = r.n;
    }
    const open = db
      .prepare("SELECT min(created_at) AS oldest FROM outbox INDEXED BY outbox_open WHERE state IN ('queued','sent','unknown')")
      .get() as { oldest: string | null };
    const now = this.core.clock.now().getTime();
    // "Near" = the last quarter of the upload window.
    const nearMs = (this.core.settings.uploadDeadlineHours * 3600_000) / 4;
    const deadlines = (
      db
        .prepare(
          `SELECT * FROM outbox INDEXED BY outbox_open WHERE state IN ('queued','sent','unknown') AND deadline_at <= ? ORDER BY deadline_at LIMIT 100`,
        )
        .all(new Date(now + nearMs).toISOString()) as OutboxRow[]
    ).map((o) => ({
      outboxId: o.id,
      settlementId: o.settlement_id,
      deadlineAt: o.deadline_at,
      past: new Date(o.deadline_at).getTime() <= now,
      state: o.state,
      attempts: o.attempts,
      lastError: o.last_error,
    }));
    return { depth: byState.queued + byState.sent + byState.unknown, byState, oldestQueuedAt: open.oldest, deadlines };
  }

  /** The status bar's queue facts: cheap (open rows only, via the partial index). */
  queueFacts(): { depth: number; oldestQueuedAt: string | null; failing: number } {
    const r = this.core.db
      .prepare(
        `SELECT count(*) AS depth, min(created_at) AS oldest, sum(CASE WHEN last_error IS NOT NULL THEN 1 ELSE 0 END) AS failing
         FROM outbox INDEXED BY outbox_open WHERE state IN ('queued','sent','unknown')`,
      )
      .get() as { depth: number; oldest: string | null; failing: number | null };
    return { depth: r.depth, oldestQueuedAt: r.oldest, failing: r.failing ?? 0 };
  }

  failingCount(): number {
    return (
      this.core.db
        .prepare("SELECT count(*) AS n FROM outbox INDEXED BY outbox_open WHERE state IN ('queued','sent','unknown') AND last_error IS NOT NULL")
        .get() as { n: number }
    ).n;
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
