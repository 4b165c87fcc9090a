// Handlers of the settlement and outbox calls.
import type { settlementCalls } from '../api/contract/settlement';
import type { HandlersFor } from '../api/handler-types';
import { AppError } from '../api/result';
import type { Session } from '../api/session';
import { pendingBillView } from './reader';
import { findCjkFont } from '../app/pdf';
import { slipLines, slipTitle } from './slip';
import { slipPdf } from './slip-pdf';

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
  'settlement.slipExport': async (sel, { app }) => {
    const slip = app.settlement.slips.build(sel);
    const bytes = await slipPdf(slip, { cjkFont: findCjkFont() });
    const name = slip.scope === 'day' ? `slip-${slip.patient.psnNo}-${slip.day}` : `slip-${slip.settlements[0]!.id}`;
    return { fileName: `${name}.pdf`, mimeType: 'application/pdf', base64: bytes.toString('base64') };
  },
  'settlement.slipPrint': (sel, { app }) => {
    const slip = app.settlement.slips.build(sel);
    const lines = slipLines(slip, app.settings.printerProfile === '80mm' ? 48 : 32);
    // A durable print job like the shift report: a printer that is off or out of paper prints it later.
    const name = slip.scope === 'day' ? `slip:${slip.patient.psnNo}:${slip.day}` : `slip:${slip.settlements[0]!.id}`;
    const { jobId } = app.devices.printLines(lines, { title: slipTitle(slip), name });
    return { lines, jobId };
  },
  'settlement.pendingBills': ({ certNo }, { app }) => app.settlement.bills.pending(certNo).map(pendingBillView),
  'trace.rules': (_in, { app }) => app.settlement.trace.rules(),
  'trace.check': ({ code, inBill }, { app }) => app.settlement.trace.checkScan(code, inBill),
  'trace.noCodeReport': ({ from, to }, { app }) => app.settlement.trace.noCodeReport(from, to),
  'outbox.status': (_in, { app }) => app.settlement.outboxStatus(),
  'outbox.items': ({ limit }, { app }) => app.settlement.reader.outboxItems(limit),
};
