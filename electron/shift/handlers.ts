// Handlers of the shift, reconciliation, work-list and receivables calls.
import type { shiftCalls } from '../api/contract/shift';
import type { HandlersFor } from '../api/handler-types';
import { AppError } from '../api/result';
import type { Session } from '../api/session';
import { blindForCashier } from './shifts';

function operator(session: Session): { id: string; role: 'cashier' | 'supervisor' | 'admin' } {
  // The dispatch's role gate has already refused calls without an operator.
  if (!session.operator) throw new AppError('AUTH_REQUIRED', '请先登录。');
  return session.operator;
}

const notYet = (): never => {
  throw new AppError('NOT_READY', '此功能尚未完成。');
};

export const shiftHandlers: HandlersFor<typeof shiftCalls> = {
  'shift.current': (_i, { app, session }) => app.shift.shifts.current(operator(session).id),
  'shift.open': (i, { app, session }) => app.shift.shifts.open(operator(session).id, i.counts),
  'shift.cashio': (i, { app, session }) => app.shift.shifts.cashMovement(operator(session).id, i.direction, i.amount, i.reason),
  'shift.xreport': (i, { app, session }) => {
    const op = operator(session);
    const id = i.shiftId ?? app.shift.shifts.requireOpen(op.id);
    const report = app.shift.shifts.report(id);
    if (op.role === 'cashier') {
      if (report.shift.operatorId !== op.id) throw new AppError('FORBIDDEN', '收费员只能查看自己的班次。');
      return blindForCashier(report);
    }
    return report;
  },
  'shift.close': (i, { app, session }) => app.shift.shifts.close(operator(session).id, i.counts, i.note),
  'shift.signoff': (i, { app, session }) => app.shift.shifts.signoff(operator(session).id, i.shiftId, i.note),
  'shift.correct': (i, { app, session }) => app.shift.shifts.correct(operator(session).id, i.shiftId, i.cashDelta, i.note),
  'shift.list': (i, { app }) => app.shift.shifts.list(i),
  'shift.report': (i, { app }) => app.shift.shifts.report(i.shiftId),
  'shift.printReport': notYet,
  'reconcile.run': notYet,
  'reconcile.discrepancies': notYet,
  'reconcile.resolve': notYet,
  'worklist.list': notYet,
  'worklist.act': notYet,
  'receivables.summary': notYet,
};
