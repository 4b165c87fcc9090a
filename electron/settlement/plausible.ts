// Checks of a bill that need the clock or exact arithmetic, shared by preview/settle (journal.ts)
// and bill import (bills.ts: files, the inbox, the HIS endpoint, the CLI).
import { assertVisitDate } from '../api/dates';
import { billAmountTooLarge } from '../api/money';
import { AppError } from '../api/result';

/**
 * A visit date that is not a real day or lies in the future (a 2099 visit would open a 2099 year
 * of accumulators), or a bill whose total is beyond exact money (AMOUNT_TOO_LARGE): refused with
 * a code before anything is read or written. The same checks guard bill import (BillStore.add).
 */
export function assertBillPlausible(date: string | undefined, items: readonly { unitPrice: string; quantity: string }[], now: Date): void {
  if (date !== undefined) assertVisitDate(date, now);
  const tooLarge = billAmountTooLarge(items);
  if (tooLarge) throw new AppError(tooLarge.code, tooLarge.message, tooLarge.details);
}
