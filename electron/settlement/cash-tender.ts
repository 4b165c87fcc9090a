// The cash the patient hands over in the window's confirm step. PURE. Recorded with the
// settlement (cash_received, change_given) so the settled panel, the receipt and a later look at
// the journal all say what was taken and what was given back.
import { fenToYuan } from '../api/money';
import { AppError } from '../api/result';

export interface Tender {
  cashReceived: number | null;
  change: number | null;
}

/**
 * What to record for `received` against the cash due. Absent (the CLI, an HIS without a window):
 * nothing is recorded. Less than the cash due is refused before anything is written — the window
 * checks the same, but the main process is the one that must never record a short payment.
 */
export function tenderFor(received: number | undefined, cashDue: number): Tender {
  if (received === undefined) return { cashReceived: null, change: null };
  if (received < cashDue) {
    throw new AppError('CASH_RECEIVED_SHORT', `实收现金 ${fenToYuan(received)} 元少于应收现金 ${fenToYuan(cashDue)} 元：请收足现金后再结算。`, {
      received: fenToYuan(received),
      due: fenToYuan(cashDue),
    });
  }
  return { cashReceived: received, change: received - cashDue };
}
