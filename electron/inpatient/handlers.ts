// Handlers of the hospital window's calls (electron/api/contract/inpatient.ts): one line each.
import type { inpatientCalls } from '../api/contract/inpatient';
import type { HandlersFor } from '../api/handler-types';
import { AppError } from '../api/result';
import type { Session } from '../api/session';
import { verifySupervisor } from '../auth/supervisor';

function operatorOf(session: Session) {
  if (!session.operator) throw new AppError('AUTH_REQUIRED', '请先登录。');
  return session.operator;
}

export const inpatientHandlers: HandlersFor<typeof inpatientCalls> = {
  'inpatient.admit': (input, { app, session }) => app.inpatient.service.admit(input, operatorOf(session)),
  'inpatient.change': (input, { app, session }) => app.inpatient.service.change(input, operatorOf(session)),
  'inpatient.cancelAdmission': ({ stayId, reason, supervisorId, supervisorPin }, { app, session }) =>
    app.inpatient.service.cancelAdmission(stayId, reason, operatorOf(session), verifySupervisor(app.auth, supervisorId, supervisorPin, 'inpatient.cancelAdmission')),
  'inpatient.list': ({ state }, { app }) => app.inpatient.service.list(state),
  'inpatient.get': ({ stayId }, { app }) => app.inpatient.service.get(stayId),
  'inpatient.deposit': (input, { app, session }) => app.inpatient.service.deposit(input, operatorOf(session)),
  'inpatient.refundDeposit': (input, { app, session }) => app.inpatient.service.refundDeposit(input, operatorOf(session)),
  'inpatient.addFees': (input, { app, session }) => app.inpatient.service.addFees(input, operatorOf(session)),
  'inpatient.revokeFees': (input, { app, session }) => app.inpatient.service.revokeFees(input, operatorOf(session)),
  'inpatient.estimate': ({ stayId }, { app }) => app.inpatient.service.estimate(stayId),
  'inpatient.discharge': (input, { app, session }) => app.inpatient.service.discharge(input, operatorOf(session)),
  'inpatient.undoDischarge': ({ stayId, reason, supervisorId, supervisorPin }, { app, session }) =>
    app.inpatient.service.undoDischarge(stayId, reason, operatorOf(session), verifySupervisor(app.auth, supervisorId, supervisorPin, 'inpatient.undoDischarge')),
  'inpatient.preSettle': (input, { app }) => app.inpatient.service.preSettle(input),
  'inpatient.settle': (input, { app, session }) => app.inpatient.service.settle(input, operatorOf(session)),
  'inpatient.cancelSettlement': ({ stayId, settlementId, reason, supervisorId, supervisorPin }, { app, session }) =>
    app.inpatient.service.cancelSettlement({ stayId, settlementId, reason }, operatorOf(session), verifySupervisor(app.auth, supervisorId, supervisorPin, 'inpatient.cancelSettlement')),
  'inpatient.overview': (_in, { app }) => app.inpatient.service.overview(),
};
