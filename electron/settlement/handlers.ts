// Handlers of the settlement and outbox calls.
import type { OutboxItemView, settlementCalls } from '../api/contract/settlement';
import type { HandlersFor } from '../api/handler-types';
import { AppError } from '../api/result';
import type { Session } from '../api/session';
import { pendingBillView } from './reader';

function operatorOf(session: Session) {
  if (!session.operator) throw new AppError('NOT_LOGGED_IN', '请先登录。');
  return session.operator;
}

export const settlementHandlers: HandlersFor<typeof settlementCalls> = {
  'settlement.preview': (input, { app }) => app.settlement.preview(input),
  'settlement.settle': (input, { app, session }) => app.settlement.settle(input, operatorOf(session)),
  'settlement.list': ({ date }, { app }) => app.settlement.list(date),
  'settlement.get': ({ id }, { app }) => {
    const v = app.settlement.get(id);
    if (!v) throw new AppError('SETTLEMENT_NOT_FOUND', `找不到结算 ${id}`, { id });
    return v;
  },
  'settlement.refund': ({ id, supervisorId, supervisorPin, reason }, { app, session }) =>
    app.settlement.refund(id, { id: supervisorId, pin: supervisorPin }, reason, operatorOf(session)),
  'settlement.pendingBills': ({ certNo }, { app }) => app.settlement.bills.pending(certNo).map(pendingBillView),
  'settlement.adjustments': ({ includeReviewed }, { app }) => app.settlement.reader.adjustments(includeReviewed),
  'settlement.rejections': ({ includeReviewed }, { app }) => app.settlement.reader.rejections(includeReviewed),
  'settlement.review': ({ kind, id }, { app, session }) => {
    const op = operatorOf(session);
    const now = app.clock.now().toISOString();
    const sql =
      kind === 'adjustment'
        ? 'UPDATE adjustments SET reviewed_by = ?, reviewed_at = ? WHERE id = ? AND reviewed_by IS NULL'
        : "UPDATE outbox SET reviewed_by = ?, reviewed_at = ? WHERE id = ? AND state = 'rejected' AND reviewed_by IS NULL";
    const r = app.db.prepare(sql).run(op.id, now, id);
    if (r.changes !== 1) throw new AppError('NOTHING_TO_REVIEW', '没有这条待处理记录（可能已处理）。', { kind, id });
    return null;
  },
  'outbox.status': (_in, { app }) => app.settlement.outboxStatus(),
  // The queue list (cashier and supervisor): read here, beside the outbox part, so the upload
  // worker's own code stays untouched. Open rows only, through the partial index.
  'outbox.items': ({ limit }, { app }) => {
    const now = app.clock.now().getTime();
    const deadlineHours = app.settings.uploadDeadlineHours;
    const nearMs = (deadlineHours * 3600_000) / 4;
    const rows = app.db
      .prepare(
        `SELECT o.id, o.settlement_id, o.kind, o.infno, o.state, o.attempts, o.next_attempt_at, o.last_error, o.created_at, o.deadline_at,
                s.psn_name, s.total
         FROM outbox o INDEXED BY outbox_open JOIN settlements s ON s.id = o.settlement_id
         WHERE o.state IN ('queued','sent','unknown') ORDER BY o.id LIMIT ?`,
      )
      .all(limit) as {
      id: number;
      settlement_id: string;
      kind: OutboxItemView['kind'];
      infno: string;
      state: OutboxItemView['state'];
      attempts: number;
      next_attempt_at: string;
      last_error: string | null;
      created_at: string;
      deadline_at: string;
      psn_name: string;
      total: number;
    }[];
    const total = (app.db.prepare("SELECT count(*) AS n FROM outbox INDEXED BY outbox_open WHERE state IN ('queued','sent','unknown')").get() as { n: number }).n;
    const items: OutboxItemView[] = rows.map((r) => {
      const left = new Date(r.deadline_at).getTime() - now;
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
        near: left <= nearMs,
        past: left <= 0,
        psnName: r.psn_name,
        total: r.total,
      };
    });
    return { items, total, deadlineHours };
  },
};
