// The local split over a stay's unsettled lines (stay-split.ts) with the deposit netting: the
// window's estimate, the pre-settlement (2303 online where it can, else the local figures with
// why), and the figures a settlement writes (settle.ts).
import type { PersonView } from '../api/contract/center';
import type { StayEstimate } from '../api/contract/inpatient';
import { fenToYuan, formatFen } from '../api/money';
import { AppError } from '../api/result';
import { chinaDate } from '../app/clock';
import type { Accumulators, ExplanationLine, SplitResult } from '../policy/split/types';
import { splitRecordsOf } from '../settlement/person-records';
import type { StayDesk } from './desk';
import { splitStay, type StaySplit } from './stay-split';
import type { StayRow } from './stays';
import { credentialOf, diagnosesOf, personSnapshotOf } from './stay-facts';

/** The local split over the stay's unsettled lines so far, with the deposit netting. */
export async function estimate(desk: StayDesk, stayId: string, useAccount = true): Promise<StayEstimate> {
  const stay = desk.requireStay(stayId);
  return (await computeLocal(desk, stay, useAccount)).estimate;
}

export async function preSettle(desk: StayDesk, input: { stayId: string; midStay: boolean; useAccount: boolean }): Promise<StayEstimate> {
  const stay = desk.requireSettleable(input.stayId, input.midStay);
  const local = (await computeLocal(desk, stay, input.useAccount)).estimate;
  const online = desk.deps.preSettleOnline;
  if (!online || !desk.deps.center.isOnline() || !stay.center_stay_id) {
    const why = !stay.center_stay_id ? '入院登记尚未上传到医保中心' : '医保中心未连接';
    return { ...local, centerUnavailable: { code: 'CENTER_UNAVAILABLE', message: `${why}：显示本地估算，以出院结算时中心结果为准。` } };
  }
  const r = await online(stay, local, input);
  if (!r.ok) return { ...local, centerUnavailable: { code: r.code, message: `${r.message}：显示本地估算，以出院结算时中心结果为准。` } };
  return { ...local, source: 'center', total: r.total, money: r.money, netting: netting(local.netting.deposits, r.money.cash), centerUnavailable: null };
}

export async function computeLocal(desk: StayDesk, stay: StayRow, useAccount: boolean) {
  const lines = desk.fees.unsettled(stay.id);
  const cred = credentialOf(stay.cert_type, stay.cert_no, stay.card_sn);
  let person: PersonView;
  try {
    person = await desk.deps.center.lookupPerson(cred);
  } catch {
    // No center and no cache (a cache cleared since admission): the admission's snapshot.
    person = { ...personSnapshotOf(stay), source: 'cache' };
  }
  const journal = desk.deps.settlement.journal;
  const personYear = chinaDate(new Date(person.cachedAt)).slice(0, 4);
  const base = journal.baseFor(person, personYear);
  const before = new Map<number, Accumulators>();
  const axisStart = desk.stays.axisOf(stay.id);
  let policySeq = 0;
  let policyVersion = '';
  const out = splitStay({
    lines: lines.map((l) => ({ code: l.code, unitPrice: l.unit_price, quantity: l.quantity, ownPay: l.own_pay, feeDate: l.fee_date })),
    patient: { insuranceType: person.insuranceType, personGroup: person.personGroup, status: person.status, accountBalance: base.accountBalance, ...splitRecordsOf(person) },
    accumulatorsOf: (year) => {
      // The year the center's answer is of: its view plus this window's settlements it has not
      // taken; another year: this window's running totals of that year (none: nothing known).
      const acc = String(year) === personYear ? base.accumulators : (journal.localAccumulators(person.psnNo, String(year)) ?? {});
      before.set(year, acc);
      return acc;
    },
    tableFor: (date, codes) => {
      const t = desk.deps.policy.tableFor(date, codes);
      policySeq = t.seq;
      policyVersion = t.table.version;
      return t.table;
    },
    visit: { hospitalLevel: stay.hospital_level, diagnoses: diagnosesOf(stay), useAccount, institutionCode: desk.core.settings.institutionCode },
    axisStart,
  });
  if (!out.ok) throw new AppError(out.error.code, out.error.message, out.error.details);
  const deposits = desk.deposits.balance(stay.id);
  const estimate = estimateOf(stay.id, out.result, deposits);
  return { person, lines, split: out.result, estimate, before, axisStart, policySeq, policyVersion, accountBalance: base.accountBalance };
}

export function netting(deposits: number, personalCash: number): StayEstimate['netting'] {
  return { deposits, personalCash, refund: Math.max(0, deposits - personalCash), collect: Math.max(0, personalCash - deposits) };
}

/** "押金 5,000.00 − 个人负担 3,982.02 = 退还 1,017.98" (or 补缴). */
export function nettingText(n: StayEstimate['netting']): string {
  const head = `押金 ${formatFen(n.deposits)} − 个人负担 ${formatFen(n.personalCash)}`;
  if (n.collect > 0) return `${head} = 补缴 ${formatFen(n.collect)}`;
  return `${head} = 退还 ${formatFen(n.refund)}`;
}

function estimateOf(stayId: string, s: StaySplit, deposits: number): StayEstimate {
  const c: SplitResult = s.combined;
  const n = netting(deposits, c.cashPay);
  const nettingLine: ExplanationLine = {
    rule: 'netting',
    text: nettingText(n),
    key: n.collect > 0 ? 'stay.netting.collect' : 'stay.netting.refund',
    params: { deposits: fenToYuan(n.deposits), personalCash: fenToYuan(n.personalCash), refund: fenToYuan(n.refund), collect: fenToYuan(n.collect) },
    amount: n.collect > 0 ? n.collect : n.refund,
  };
  return {
    stayId,
    source: 'local',
    total: c.total,
    money: { fund: c.fundPay, criticalIllness: c.criticalIllnessPay, account: c.accountPay, cash: c.cashPay, personal: c.personalTotal },
    parts: s.parts.map((p) => ({ year: p.year, total: p.split.total, split: p.split })),
    explanation: [...c.explanation, nettingLine],
    netting: n,
    centerUnavailable: null,
  };
}
