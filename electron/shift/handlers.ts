// Handlers of the shift, reconciliation, work-list and receivables calls.
import type { ShiftReport, shiftCalls } from '../api/contract/shift';
import type { App } from '../app/create-app';
import type { HandlersFor } from '../api/handler-types';
import { AppError } from '../api/result';
import type { Session } from '../api/session';
import { blindForCashier } from './shifts';

function operator(session: Session): { id: string; role: 'cashier' | 'supervisor' | 'admin' } {
  // The dispatch's role gate has already refused calls without an operator.
  if (!session.operator) throw new AppError('AUTH_REQUIRED', '请先登录。');
  return session.operator;
}

/** A shift's report for the one asking: a cashier only their own, and blind (no expected cash). */
function reportFor(app: App, op: { id: string; role: string }, shiftId: string): ShiftReport {
  const report = app.shift.shifts.report(shiftId);
  if (op.role !== 'cashier') return report;
  if (report.shift.operatorId !== op.id) throw new AppError('FORBIDDEN', '收费员只能查看、打印和导出自己的班次。');
  return blindForCashier(report);
}

/**
 * National protocol: the operator signs in with the center (9001) when the shift opens and out
 * (9002) when it closes. In the background: the shift never waits on the center (offline, the
 * first message of the shift signs in; an unanswered 9002 leaves a number the center expires).
 */
function nationalSign(app: App, session: Session, direction: 'in' | 'out'): void {
  if (!app.center.national.enabled || !session.operator) return;
  const op = { id: session.operator.id, name: session.operator.name };
  const p = direction === 'in' ? app.center.national.signIn(op) : app.center.national.signOut(op);
  void p.catch((e: unknown) => app.log.warn(`national sign-${direction} failed`, { error: e instanceof Error ? e.message : String(e) }));
}

/** The devices part's generic text printing, when it offers one (see docs/SHIFT.md). */
export const shiftHandlers: HandlersFor<typeof shiftCalls> = {
  'shift.current': (_i, { app, session }) => app.shift.shifts.current(operator(session).id),
  'shift.open': (i, { app, session }) => {
    const shift = app.shift.shifts.open(operator(session).id, i.counts);
    nationalSign(app, session, 'in');
    return shift;
  },
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
  'shift.close': (i, { app, session }) => {
    const report = app.shift.shifts.close(operator(session).id, i.counts, i.note);
    nationalSign(app, session, 'out');
    return report;
  },
  'shift.signoff': (i, { app, session }) => app.shift.shifts.signoff(operator(session).id, i.shiftId, i.note),
  'shift.correct': (i, { app, session }) => app.shift.shifts.correct(operator(session).id, i.shiftId, i.cashDelta, i.note),
  'shift.list': (i, { app }) => app.shift.shifts.list(i),
  'shift.report': (i, { app }) => app.shift.shifts.report(i.shiftId),
  'shift.printReport': async (i, { app, session }) => {
    const report = reportFor(app, operator(session), i.shiftId);
    const lines = app.shift.reportLines(report, app.settings.printerProfile === '80mm' ? 48 : 32);
    // A durable print job like a receipt: a printer that is off or out of paper prints it later.
    const { jobId } = app.devices.printLines(lines, { title: `班次报表 ${report.shift.id}`, name: `shift-report:${report.shift.id}` });
    return { lines, printed: true, jobId };
  },
  'shift.exportReport': async (i, { app, session }) => {
    const report = reportFor(app, operator(session), i.shiftId);
    const bytes = await app.shift.renderReport(report, i.format);
    return {
      fileName: `${report.shift.id}${report.kind === 'x' ? '-X' : ''}.${i.format}`,
      mimeType: i.format === 'csv' ? 'text/csv' : 'application/pdf',
      base64: bytes.toString('base64'),
    };
  },
  'reconcile.run': (i, { app, session }) => app.shift.reconciler.run(i.from, i.to, operator(session).id, session.operator?.name),
  'reconcile.discrepancies': (i, { app }) => app.shift.reconciler.discrepancies(i.state),
  'reconcile.resolve': (i, { app, session }) => app.shift.reconciler.resolve(i.id, i.action, i.note, operator(session).id),
  'worklist.list': (i, { app }) => app.shift.worklists.list(i.list),
  'worklist.act': (i, { app, session }) => app.shift.worklists.act(i.settlementId, i.list, i.action, i.note, operator(session).id),
  'receivables.summary': async (i, { app }) => {
    let notices: { fetched: number; cursor: string | null; error: string | null } = { fetched: 0, cursor: null, error: null };
    if (i.fetch) {
      try {
        notices = { ...(await app.shift.receivables.fetchNotices()), error: null };
      } catch (e) {
        // The summary from what is stored is still worth showing; the error says why it may be stale.
        notices = { fetched: 0, cursor: null, error: e instanceof AppError ? `${e.code}: ${e.message}` : String(e) };
      }
    }
    return app.shift.receivables.summary(i.limit, notices);
  },
};
