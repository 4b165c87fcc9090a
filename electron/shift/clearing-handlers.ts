// Handlers of the monthly clearing calls (docs/CLEARING.md): one-line calls into Clearing.
import type { clearingCalls } from '../api/contract/clearing';
import type { HandlersFor } from '../api/handler-types';
import { AppError } from '../api/result';
import type { Session } from '../api/session';

function operator(session: Session): { id: string; name: string } {
  if (!session.operator) throw new AppError('AUTH_REQUIRED', '请先登录。');
  return { id: session.operator.id, name: session.operator.name };
}

export const clearingHandlers: HandlersFor<typeof clearingCalls> = {
  'clearing.month': (i, { app }) => app.shift.clearing.month(i.setlym),
  'clearing.prepare': (i, { app, session }) => app.shift.clearing.prepare(i.setlym, i.clrType, operator(session)),
  'clearing.send': (i, { app, session }) => app.shift.clearing.send(i.id, operator(session)),
  'clearing.cancel': (i, { app, session }) => app.shift.clearing.cancel(i.id, operator(session)),
  'clearing.refresh': (_i, { app, session }) => app.shift.clearing.refresh(operator(session)),
  'clearing.trace': (i, { app }) => app.shift.clearing.trace(i.settlementId),
};
