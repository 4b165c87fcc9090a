// Words for the deposit netting of a stay's settlement (docs/INPATIENT.md): the line the patient
// and the family read before discharge, "押金 5,000.00 − 个人负担 3,982.02 = 退还 1,017.98", or
// "… = 补缴 2,982.02" when the deposits do not cover the patient's cash part. Pure, for the test.
import type { DepositNetting } from '../../../electron/api/contract/inpatient';
import { formatFen } from '../../../electron/api/money';
import type { Translate } from '../i18n';

/** Whether the patient still has to pay (补缴) rather than get money back (退还, or 0). */
export function nettingCollects(n: DepositNetting): boolean {
  return n.collect > 0;
}

export function nettingLine(n: DepositNetting, t: Translate): string {
  const collects = nettingCollects(n);
  return t(collects ? 'hosp.netting.collect' : 'hosp.netting.refund', {
    deposits: formatFen(n.deposits),
    personal: formatFen(n.personalCash),
    amount: formatFen(collects ? n.collect : n.refund),
  });
}

/** Whole days in hospital as hospitals count them: the admission day counts, the discharge day does not (at least 1). */
export function stayDays(admittedOn: string, until: string): number {
  const a = Date.parse(`${admittedOn}T00:00:00Z`);
  const b = Date.parse(`${until}T00:00:00Z`);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return 1;
  return Math.max(1, Math.round((b - a) / 86_400_000));
}
