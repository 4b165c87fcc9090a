// Handlers of the settlement and outbox calls.
import type { settlementCalls } from '../api/contract/settlement';
import type { HandlersFor } from '../api/handler-types';
import { AppError } from '../api/result';
import type { Session } from '../api/session';
import { pendingBillView } from './reader';

function operatorOf(session: Session) {
  if (!session.operator) throw new AppError('AUTH_REQUIRED', '请先登录。');
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
  'settlement.partialRefund': ({ id, lineNos, supervisorId, supervisorPin, reason }, { app, session }) =>
    app.settlement.journal.partialRefund(id, lineNos, { id: supervisorId, pin: supervisorPin }, reason, operatorOf(session)),
  'settlement.partialRefundPreview': ({ id, lineNos }, { app }) => app.settlement.journal.partialRefundPreview(id, lineNos),
  'settlement.printCorrected': ({ id }, { app, session }) => app.settlement.printCorrected(id, operatorOf(session)),
  'settlement.pendingBills': ({ certNo }, { app }) => app.settlement.bills.pending(certNo).map(pendingBillView),
  'trace.rules': (_in, { app }) => app.settlement.trace.rules(),
  'trace.check': ({ code, inBill }, { app }) => app.settlement.trace.checkScan(code, inBill),
  'trace.noCodeReport': ({ from, to }, { app }) => app.settlement.trace.noCodeReport(from, to),
  'outbox.status': (_in, { app }) => app.settlement.outboxStatus(),
  'outbox.items': ({ limit }, { app }) => app.settlement.reader.outboxItems(limit),
};
