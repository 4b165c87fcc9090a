// The supervisor's inpatient overview: open stays, deposits held and taken today, discharged not
// settled, settled not uploaded, and what the center owes for the standing settlements.
import type { InpatientOverview } from '../api/contract/inpatient';
import { chinaDate } from '../app/clock';
import type { StayDesk } from './desk';
import { staySummary } from './stay-view';

export function inpatientOverview(desk: StayDesk): InpatientOverview {
  const open = desk.stays.list('open');
  const now = desk.core.clock.now();
  const day = chinaDate(now);
  const from = new Date(`${day}T00:00:00+08:00`);
  const to = new Date(from.getTime() + 86_400_000);
  const settledNotUploaded = desk.stays
    .list(undefined)
    .concat(desk.stays.list('settled'))
    .filter((s) => desk.stays.settlementsOf(s.id).some((r) => !r.cancelled_by && desk.deps.queue.latestFor('settle', r.settlement_id)?.state !== 'done'));
  const receivables = { settlements: 0, fund: 0, account: 0 };
  for (const s of [...open, ...desk.stays.list('settled')]) {
    for (const r of desk.stays.settlementsOf(s.id).filter((x) => !x.cancelled_by)) {
      const v = desk.deps.settlement.reader.view(r.settlement_id);
      if (!v) continue;
      receivables.settlements += 1;
      receivables.fund += v.money.fundPay + v.money.criticalIllnessPay;
      receivables.account += v.money.accountPay;
    }
  }
  return {
    openStays: open.map((s) => staySummary(desk, s)),
    depositsHeld: desk.deposits.held(open.map((s) => s.id)),
    todayDeposits: desk.deposits.dayByMethod(from.toISOString(), to.toISOString()),
    dischargedNotSettled: open.filter((s) => s.state === 'discharged').map((s) => staySummary(desk, s)),
    settledNotUploaded: [...new Map(settledNotUploaded.map((s) => [s.id, s])).values()].map((s) => staySummary(desk, s)),
    receivables,
  };
}
