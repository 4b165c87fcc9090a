// The hospital window's work (issue 19, docs/INPATIENT.md): admission, deposits, fee batches,
// the local estimate, discharge, pre-settlement, the settlement netting the deposits, and the
// undos. Every change is ONE transaction with its audit and, where the center must hear of it,
// its step in the stay queue (outbox/stay-queue.ts; sent by inpatient/sender.ts after commit).
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { OperatorView } from '../api/contract/auth';
import type { PersonView } from '../api/contract/center';
import type {
  admissionSchema,
  DepositMethod,
  DepositView,
  InpatientOverview,
  StayEstimate,
  StaySettlementView,
  StayState,
  StaySummary,
  StayView,
  stayFeeItemSchema,
} from '../api/contract/inpatient';
import { fenToYuan, formatFen, lineAmountFen } from '../api/money';
import { AppError } from '../api/result';
import { chinaDate, chinaDateTime } from '../app/clock';
import type { CoreApp } from '../app/core';
import type { CenterPart } from '../center/part';
import type { DevicesPart } from '../devices/part';
import type { StayQueue, StayStepKind } from '../outbox/stay-queue';
import { uploadStateOf } from '../outbox/stay-queue';
import type { PolicyPart } from '../policy/part';
import type { Accumulators, ExplanationLine, SplitResult } from '../policy/split/types';
import type { SettlementPart } from '../settlement/part';
import { assertLinesPayable } from '../settlement/line-rules';
import { splitRecordsOf } from '../settlement/person-records';
import { tenderFor } from '../settlement/cash-tender';
import type { ShiftPart } from '../shift/part';
import { DepositStore, depositView, type DepositRow } from './deposits';
import { batchView, FeeStore, lineView, type FeeLineRow, type NewFeeLine } from './fees';
import { splitStay, type StaySplit } from './stay-split';
import { StayStore, type StayRow } from './stays';

type Admission = z.output<typeof admissionSchema>;
type FeeItem = z.output<typeof stayFeeItemSchema>;

export interface InpatientDeps {
  policy: Pick<PolicyPart, 'tableFor' | 'entry'>;
  center: Pick<CenterPart, 'client' | 'isOnline' | 'lookupPerson'>;
  devices: Pick<DevicesPart, 'printLines'>;
  shift: Pick<ShiftPart, 'currentShiftId'>;
  settlement: Pick<SettlementPart, 'journal' | 'bills' | 'reader'>;
  queue: StayQueue;
  /** After a commit that queued a step: try to send it now (online). */
  afterCommit: () => void;
  /** 2303 online (the sender's direct call); null = not available (offline, or no adapter). */
  preSettleOnline?: (stay: StayRow, estimate: StayEstimate, o: { midStay: boolean; useAccount: boolean }) => Promise<{ ok: true; money: StayEstimate['money']; total: number } | { ok: false; code: string; message: string }>;
}

const DEPOSIT_METHOD_WORDS: Record<DepositMethod, string> = { cash: '现金', card: '刷卡', mobile: '移动支付' };

export class InpatientService {
  readonly stays: StayStore;
  readonly fees: FeeStore;
  readonly deposits: DepositStore;

  constructor(
    private readonly core: CoreApp,
    private readonly deps: InpatientDeps,
  ) {
    this.stays = new StayStore(core.db);
    this.fees = new FeeStore(core.db);
    this.deposits = new DepositStore(core.db);
  }

  // ---- admission --------------------------------------------------------------------------

  async admit(input: { person: { certType: string; certNo: string; cardSn?: string | undefined }; admission: Admission; hisStayNo?: string | undefined }, operator: OperatorView): Promise<StayView> {
    const now = this.core.clock.now();
    const today = chinaDate(now);
    const admittedOn = input.admission.admittedOn ?? today;
    if (admittedOn > today) throw new AppError('STAY_DATE_INVALID', `入院日期 ${admittedOn} 晚于今天：请核对入院日期。`, { field: 'admittedOn' });
    const cred = { certType: input.person.certType, certNo: input.person.certNo, ...(input.person.cardSn ? { cardSn: input.person.cardSn } : {}) } as Parameters<InpatientDeps['center']['lookupPerson']>[0];
    // Card / certificate → person, as the window's settle does: live, or from the cache offline.
    const person = await this.deps.center.lookupPerson(cred, { id: operator.id, name: operator.name });
    if (person.status !== 'active') throw new AppError('NOT_INSURED', '参保状态异常（非参保缴费状态）：不能按医保住院登记，请按自费住院处理。', { status: person.status });
    const open = this.stays.list('open').find((s) => s.psn_no === person.psnNo);
    if (open) throw new AppError('STAY_ALREADY_OPEN', `该参保人已有在院的住院 ${open.id}：请在那次住院上继续，或先办完它的出院结算。`, { stayId: open.id });
    const id = newId('ZY', now);
    const a = input.admission;
    this.core.db.transaction(() => {
      this.stays.insert({
        id,
        psnNo: person.psnNo,
        psnName: person.name,
        certType: input.person.certType,
        certNo: input.person.certNo,
        cardSn: input.person.cardSn ?? null,
        insutype: person.insutype,
        insuranceType: person.insuranceType,
        personSnapshot: JSON.stringify(person),
        medType: a.medType,
        hospitalLevel: a.hospitalLevel ?? 1,
        department: a.department,
        ward: a.ward,
        bed: a.bed ?? null,
        doctor: a.doctor,
        diagnoses: a.diagnoses,
        hisStayNo: input.hisStayNo ?? null,
        admittedOn,
        operatorId: operator.id,
        at: now.toISOString(),
      });
      const stay = this.stays.get(id)!;
      this.enqueue(stay, 'admit', id, { ...stayFacts(stay), operator: { id: operator.id, name: operator.name } });
      this.core.audit.append({ action: 'inpatient.admit', operatorId: operator.id, subject: id, detail: { psnNo: person.psnNo, medType: a.medType, dept: a.department.code, online: person.source === 'live' } });
    })();
    this.deps.afterCommit();
    return this.view(id);
  }

  change(input: { stayId: string; department?: { code: string; name: string } | undefined; ward?: string | undefined; bed?: string | undefined; doctor?: { code: string; name: string } | undefined; diagnoses?: string[] | undefined }, operator: OperatorView): StayView {
    const stay = this.requireState(input.stayId, ['admitted'], 'STAY_NOT_ADMITTED');
    const now = this.core.clock.now();
    this.core.db.transaction(() => {
      const c: Parameters<StayStore['change']>[1] = {};
      if (input.department) c.department = input.department;
      if (input.ward) c.ward = input.ward;
      if (input.bed) c.bed = input.bed;
      if (input.doctor) c.doctor = input.doctor;
      if (input.diagnoses) c.diagnoses = input.diagnoses;
      this.stays.change(stay.id, c, now.toISOString());
      const after = this.stays.get(stay.id)!;
      this.enqueue(after, 'change', stay.id, stayFacts(after));
      this.core.audit.append({ action: 'inpatient.change', operatorId: operator.id, subject: stay.id, detail: { fields: Object.keys(c) } });
    })();
    this.deps.afterCommit();
    return this.view(stay.id);
  }

  cancelAdmission(stayId: string, reason: string, operator: OperatorView, supervisor: OperatorView): StayView {
    const stay = this.requireState(stayId, ['admitted'], 'STAY_NOT_ADMITTED');
    if (this.fees.countedCount(stayId) > 0) throw new AppError('STAY_HAS_FEES', '这次住院已有费用明细：请先撤销费用（2302）再撤销入院。', { stayId });
    const balance = this.deposits.balance(stayId);
    if (balance !== 0) throw new AppError('STAY_DEPOSIT_NOT_ZERO', `这次住院还有押金余额 ${fenToYuan(balance)} 元：请先退清押金。`, { stayId, balance: fenToYuan(balance) });
    const now = this.core.clock.now();
    this.core.db.transaction(() => {
      if (!this.stays.transition(stayId, 'admitted', 'cancelled', now.toISOString())) throw new AppError('STAY_NOT_ADMITTED', '这次住院已不在院。', { stayId });
      this.enqueue(stay, 'cancelAdmission', stayId, { stayId, psnNo: stay.psn_no, reason });
      this.core.audit.append({ action: 'inpatient.cancelAdmission', operatorId: operator.id, subject: stayId, detail: { reason, supervisorId: supervisor.id } });
    })();
    this.deps.afterCommit();
    return this.view(stayId);
  }

  // ---- deposits ---------------------------------------------------------------------------

  deposit(input: { stayId: string; amount: number; method: DepositMethod; reference?: string | undefined; requestId?: string | undefined }, operator: OperatorView): DepositView {
    if (input.requestId) {
      const seen = this.deposits.byRequest(input.requestId);
      if (seen) {
        if (seen.stay_id !== input.stayId || seen.amount !== input.amount) throw new AppError('DEPOSIT_REQUEST_REUSED', '这个请求号已用于另一笔押金。', { requestId: input.requestId });
        return depositView(seen);
      }
    }
    const stay = this.requireState(input.stayId, ['admitted', 'discharged'], 'STAY_NOT_OPEN');
    if (input.method !== 'cash' && !input.reference) throw new AppError('DEPOSIT_REFERENCE_REQUIRED', `${DEPOSIT_METHOD_WORDS[input.method]}押金需要填写凭证号（交易参考号）。`, { method: input.method });
    const shiftId = this.requireShift(operator);
    const now = this.core.clock.now();
    const id = newId('YJ', now);
    this.core.db.transaction(() => {
      this.deposits.insert({ id, stayId: stay.id, kind: 'deposit', amount: input.amount, method: input.method, reference: input.reference ?? null, reason: null, settlementId: null, operatorId: operator.id, shiftId, at: now.toISOString(), requestId: input.requestId ?? null });
      this.core.audit.append({ action: 'inpatient.deposit', operatorId: operator.id, subject: stay.id, detail: { depositId: id, amount: input.amount, method: input.method, shiftId } });
    })();
    this.printDeposit(stay, id, operator);
    return depositView(this.deposits.get(id)!);
  }

  refundDeposit(input: { stayId: string; amount: number; method: DepositMethod; reference?: string | undefined; reason: string }, operator: OperatorView): DepositView {
    const stay = this.requireState(input.stayId, ['admitted', 'discharged'], 'STAY_NOT_OPEN');
    if (input.method !== 'cash' && !input.reference) throw new AppError('DEPOSIT_REFERENCE_REQUIRED', `${DEPOSIT_METHOD_WORDS[input.method]}退押金需要填写凭证号（交易参考号）。`, { method: input.method });
    const shiftId = this.requireShift(operator);
    const now = this.core.clock.now();
    const id = newId('YJ', now);
    this.core.db.transaction(() => {
      // Read inside the transaction: two windows refunding at once cannot both pass.
      const balance = this.deposits.balance(stay.id);
      if (input.amount > balance) {
        throw new AppError('DEPOSIT_REFUND_OVER_BALANCE', `退押金 ${fenToYuan(input.amount)} 元超过押金余额 ${fenToYuan(balance)} 元。`, { amount: fenToYuan(input.amount), balance: fenToYuan(balance) });
      }
      this.deposits.insert({ id, stayId: stay.id, kind: 'refund', amount: -input.amount, method: input.method, reference: input.reference ?? null, reason: input.reason, settlementId: null, operatorId: operator.id, shiftId, at: now.toISOString(), requestId: null });
      this.core.audit.append({ action: 'inpatient.refundDeposit', operatorId: operator.id, subject: stay.id, detail: { depositId: id, amount: input.amount, method: input.method, reason: input.reason, shiftId } });
    })();
    this.printDeposit(stay, id, operator);
    return depositView(this.deposits.get(id)!);
  }

  /** The deposit receipt (押金收据 / 退押金凭证) as a durable print job, after the commit. */
  private printDeposit(stay: StayRow, depositId: string, operator: OperatorView): void {
    const d = this.deposits.get(depositId)!;
    const refund = d.amount < 0;
    const title = refund ? '住院退押金凭证' : '住院押金收据（预交金）';
    const lines = [
      `住院号 ${stay.id}`,
      `姓名 ${stay.psn_name}`,
      `科室 ${stay.dept_name}  病区 ${stay.ward}${stay.bed ? `  床号 ${stay.bed}` : ''}`,
      `${refund ? '退还' : '收取'} ${formatFen(Math.abs(d.amount))} 元`,
      `方式 ${DEPOSIT_METHOD_WORDS[d.method]}${d.reference ? `  凭证号 ${d.reference}` : ''}`,
      ...(d.reason ? [`原因 ${d.reason}`] : []),
      `押金余额 ${formatFen(this.deposits.balance(stay.id))} 元`,
      `收款员 ${operator.name}  ${chinaDateTime(new Date(d.at))}`,
      `单号 ${d.id}`,
    ];
    try {
      const { jobId } = this.deps.devices.printLines(lines, { title, name: `deposit:${d.id}` });
      this.deposits.setPrintJob(d.id, jobId);
    } catch (e) {
      // The deposit is taken; the receipt can be printed again from the stay.
      this.core.log.warn('deposit receipt not queued', { depositId: d.id, error: e instanceof Error ? e.message : String(e) });
    }
  }

  // ---- fees -------------------------------------------------------------------------------

  addFees(input: { stayId: string; billId?: string | undefined; items?: FeeItem[] | undefined }, operator: OperatorView): StayView {
    if ((input.billId === undefined) === (input.items === undefined)) throw new AppError('FEES_SOURCE_ONE', '请二选一：一张 HIS 待结算单，或窗口录入的费用项目。', {});
    const stay = this.requireState(input.stayId, ['admitted'], 'STAY_NOT_ADMITTED');
    const now = this.core.clock.now();
    const today = chinaDate(now);
    let items: FeeItem[];
    if (input.billId) {
      const bill = this.deps.settlement.bills.get(input.billId);
      if (!bill || bill.state !== 'pending') throw new AppError('BILL_NOT_PENDING', `账单 ${input.billId} 不存在或已结算`, { billId: input.billId });
      if (bill.credential.certNo !== stay.cert_no) throw new AppError('BILL_OTHER_PERSON', `账单 ${input.billId} 不是这位病人的。`, { billId: input.billId });
      items = bill.items.map((it) => ({ code: it.code, ...(it.name ? { name: it.name } : {}), unitPrice: it.unitPrice, quantity: it.quantity, ...(it.ownPay ? { ownPay: true } : {}), feeDate: bill.visit.date }));
    } else items = input.items!;
    assertLinesPayable(items);
    const lines: NewFeeLine[] = items.map((it, i) => {
      const feeDate = it.feeDate ?? today;
      if (feeDate < stay.admitted_on || feeDate > today) {
        throw new AppError('STAY_DATE_INVALID', `第 ${i + 1} 行的费用日期 ${feeDate} 不在住院期间（${stay.admitted_on} 至今天）。`, { lineNo: i + 1, feeDate });
      }
      const entry = this.deps.policy.entry(it.code);
      // Like the window: a code not in the catalogue is refused unless the line is own pay.
      if (!entry && !it.ownPay) throw new AppError('UNKNOWN_ITEM', `第 ${i + 1} 行：目录中没有项目 ${it.code}（可改为自费项目或更新目录后重试）`, { codes: [it.code], lineNo: i + 1 });
      const amount = lineAmountFen(it.unitPrice, it.quantity);
      if (amount === null || amount <= 0) throw new AppError('LINE_PRICE_NOT_POSITIVE', `第 ${i + 1} 行（${it.code}）金额为 0：请核对单价和数量。`, { lineNo: i + 1, code: it.code, field: 'unitPrice' });
      return { code: it.code, name: it.name ?? entry?.name ?? '', unitPrice: it.unitPrice, quantity: it.quantity, amount, ownPay: !!it.ownPay, feeDate };
    });
    const batchId = newId('FY', now);
    this.core.db.transaction(() => {
      const lineNos = this.fees.addBatch({ id: batchId, stayId: stay.id, source: input.billId ? 'bill' : 'window', billId: input.billId ?? null, operatorId: operator.id, at: now.toISOString(), lines });
      if (input.billId) this.deps.settlement.bills.consumeForStay(input.billId);
      this.enqueue(stay, 'fees', batchId, {
        stayId: stay.id,
        batchId,
        psnNo: stay.psn_no,
        medType: stay.med_type,
        lines: lines.map((l, i) => ({ lineNo: lineNos[i]!, ...l })),
        dept: { code: stay.dept_code, name: stay.dept_name },
        doctor: { code: stay.doctor_code, name: stay.doctor_name },
      });
      this.core.audit.append({ action: 'inpatient.addFees', operatorId: operator.id, subject: stay.id, detail: { batchId, billId: input.billId ?? null, lines: lines.length, total: lines.reduce((s, l) => s + l.amount, 0) } });
    })();
    this.deps.afterCommit();
    return this.view(stay.id);
  }

  revokeFees(input: { stayId: string; batchId: string; reason: string }, operator: OperatorView): StayView {
    const stay = this.requireState(input.stayId, ['admitted'], 'STAY_NOT_ADMITTED');
    const now = this.core.clock.now();
    this.core.db.transaction(() => {
      let lineNos: number[];
      if (input.batchId === 'all') {
        lineNos = this.fees.unsettled(stay.id).map((l) => l.line_no);
        if (lineNos.length === 0) throw new AppError('FEES_NONE_TO_REVOKE', '这次住院没有可撤销的未结算费用。', { stayId: stay.id });
        this.fees.revokeAllUnsettled(stay.id, input.reason, now.toISOString());
      } else {
        const b = this.fees.batch(input.batchId);
        if (!b || b.stay_id !== stay.id) throw new AppError('FEE_BATCH_NOT_FOUND', `这次住院没有费用批次 ${input.batchId}。`, { batchId: input.batchId });
        if (b.revoked_at) throw new AppError('FEE_BATCH_REVOKED', `费用批次 ${input.batchId} 已撤销。`, { batchId: input.batchId });
        const of = this.fees.lines(stay.id).filter((l) => l.batch_id === b.id);
        if (of.some((l) => l.settlement_id !== null)) throw new AppError('FEE_BATCH_SETTLED', `费用批次 ${input.batchId} 已有结算过的费用。`, { batchId: input.batchId });
        lineNos = of.filter((l) => !l.revoked).map((l) => l.line_no);
        this.fees.revokeBatch(b.id, input.reason, now.toISOString());
      }
      this.enqueue(stay, 'revokeFees', input.batchId === 'all' ? '0000' : input.batchId, { stayId: stay.id, psnNo: stay.psn_no, batchId: input.batchId === 'all' ? '0000' : input.batchId, lineNos });
      this.core.audit.append({ action: 'inpatient.revokeFees', operatorId: operator.id, subject: stay.id, detail: { batchId: input.batchId, lines: lineNos.length, reason: input.reason } });
    })();
    this.deps.afterCommit();
    return this.view(stay.id);
  }

  // ---- discharge --------------------------------------------------------------------------

  discharge(input: { stayId: string; dischargedOn?: string | undefined; diagnoses: string[]; dischargeWay: string }, operator: OperatorView): StayView {
    const stay = this.requireState(input.stayId, ['admitted'], 'STAY_NOT_ADMITTED');
    if (this.fees.unsettled(stay.id).length === 0) throw new AppError('STAY_NO_FEES', '这次住院没有未结算的费用：请先录入费用明细，或撤销入院。', { stayId: stay.id });
    const now = this.core.clock.now();
    const today = chinaDate(now);
    const on = input.dischargedOn ?? today;
    if (on < stay.admitted_on || on > today) throw new AppError('STAY_DATE_INVALID', `出院日期 ${on} 应在入院日期 ${stay.admitted_on} 与今天之间。`, { field: 'dischargedOn' });
    this.core.db.transaction(() => {
      if (!this.stays.discharge(stay.id, { on, diagnoses: input.diagnoses, way: input.dischargeWay, at: now.toISOString() })) throw new AppError('STAY_NOT_ADMITTED', '这次住院已不在院。', { stayId: stay.id });
      this.enqueue(stay, 'discharge', stay.id, { stayId: stay.id, psnNo: stay.psn_no, dischargedOn: on, diagnoses: input.diagnoses, dischargeWay: input.dischargeWay, dept: { code: stay.dept_code, name: stay.dept_name } });
      this.core.audit.append({ action: 'inpatient.discharge', operatorId: operator.id, subject: stay.id, detail: { dischargedOn: on, dischargeWay: input.dischargeWay } });
    })();
    this.deps.afterCommit();
    return this.view(stay.id);
  }

  undoDischarge(stayId: string, reason: string, operator: OperatorView, supervisor: OperatorView): StayView {
    const stay = this.requireState(stayId, ['discharged'], 'STAY_NOT_DISCHARGED');
    const now = this.core.clock.now();
    this.core.db.transaction(() => {
      if (!this.stays.undoDischarge(stayId, now.toISOString())) throw new AppError('STAY_NOT_DISCHARGED', '这次住院不是已出院未结算。', { stayId });
      this.enqueue(stay, 'undoDischarge', stayId, { stayId, psnNo: stay.psn_no, reason });
      this.core.audit.append({ action: 'inpatient.undoDischarge', operatorId: operator.id, subject: stayId, detail: { reason, supervisorId: supervisor.id } });
    })();
    this.deps.afterCommit();
    return this.view(stayId);
  }

  // ---- estimate, pre-settlement, settlement ------------------------------------------------

  /** The local split over the stay's unsettled lines so far, with the deposit netting. */
  async estimate(stayId: string, useAccount = true): Promise<StayEstimate> {
    const stay = this.requireStay(stayId);
    return (await this.computeLocal(stay, useAccount)).estimate;
  }

  async preSettle(input: { stayId: string; midStay: boolean; useAccount: boolean }): Promise<StayEstimate> {
    const stay = this.requireSettleable(input.stayId, input.midStay);
    const local = (await this.computeLocal(stay, input.useAccount)).estimate;
    const online = this.deps.preSettleOnline;
    if (!online || !this.deps.center.isOnline() || !stay.center_stay_id) {
      const why = !stay.center_stay_id ? '入院登记尚未上传到医保中心' : '医保中心未连接';
      return { ...local, centerUnavailable: { code: 'CENTER_UNAVAILABLE', message: `${why}：显示本地估算，以出院结算时中心结果为准。` } };
    }
    const r = await online(stay, local, input);
    if (!r.ok) return { ...local, centerUnavailable: { code: r.code, message: `${r.message}：显示本地估算，以出院结算时中心结果为准。` } };
    return { ...local, source: 'center', total: r.total, money: r.money, netting: netting(local.netting.deposits, r.money.cash), centerUnavailable: null };
  }

  async settle(input: { stayId: string; midStay: boolean; useAccount: boolean; cashReceived?: number | undefined }, operator: OperatorView): Promise<StaySettlementView> {
    const stay = this.requireSettleable(input.stayId, input.midStay);
    const shiftId = this.requireShift(operator);
    const c = await this.computeLocal(stay, input.useAccount);
    const est = c.estimate;
    const tender = est.netting.collect > 0 ? tenderFor(input.cashReceived, est.netting.collect) : { cashReceived: null, change: null };
    const now = this.core.clock.now();
    let settlementId = '';
    let receipt: { jobId: number; announce(): void } | null = null;
    this.core.db.transaction(() => {
      // Re-read inside the transaction: a batch added or a deposit taken meanwhile is refused.
      const again = this.fees.unsettled(stay.id).map((l) => l.line_no);
      if (again.join(',') !== c.lines.map((l) => l.line_no).join(',') || this.deposits.balance(stay.id) !== est.netting.deposits) {
        throw new AppError('BILL_CHANGED', '结算时住院费用或押金有变化：请重新预结算核对后再结算。', { stayId: stay.id });
      }
      const last = c.split.parts.at(-1);
      const written = this.deps.settlement.journal.recordStaySettlement({
        now,
        operator,
        shiftId,
        person: c.person,
        certType: stay.cert_type,
        certNo: stay.cert_no,
        visit: { hospitalLevel: stay.hospital_level, date: last?.date ?? chinaDate(now), diagnoses: diagnosesOf(stay), useAccount: input.useAccount },
        policySeq: c.policySeq,
        policyVersion: c.policyVersion,
        online: c.person.source === 'live' && this.deps.center.isOnline(),
        split: c.split.combined,
        years: c.split.parts.map((p) => ({ year: String(p.year), before: c.before.get(p.year) ?? {}, after: p.split.accumulatorsAfter })),
        lines: c.lines.map((l) => ({ lineNo: l.line_no, code: l.code, name: l.name, unitPrice: l.unit_price, quantity: l.quantity, ownPay: l.own_pay })),
        tender,
        accountBalanceBefore: c.accountBalance,
      });
      settlementId = written.view.id;
      receipt = written.receipt;
      this.fees.markSettled(stay.id, c.lines.map((l) => l.line_no), settlementId);
      this.writeNetting(stay, settlementId, est.netting, operator, shiftId, now);
      this.stays.recordSettlement({
        settlementId,
        stayId: stay.id,
        midStay: input.midStay,
        deposits: est.netting.deposits,
        personalCash: est.netting.personalCash,
        refund: est.netting.refund,
        collect: est.netting.collect,
        axisStart: c.axisStart,
        axisEnd: c.split.axisEnd,
        estimate: est,
        at: now.toISOString(),
      });
      if (!input.midStay && !this.stays.transition(stay.id, 'discharged', 'settled', now.toISOString())) throw new AppError('STAY_NOT_DISCHARGED', '这次住院不是已出院状态。', { stayId: stay.id });
      this.enqueue(stay, 'settle', settlementId, {
        stayId: stay.id,
        settlementId,
        psnNo: stay.psn_no,
        midStay: input.midStay,
        useAccount: input.useAccount,
        total: est.total,
        money: est.money,
        lineNos: c.lines.map((l) => l.line_no),
      });
      this.core.audit.append({
        action: 'inpatient.settle',
        operatorId: operator.id,
        subject: stay.id,
        detail: { settlementId, midStay: input.midStay, total: est.total, personalCash: est.netting.personalCash, deposits: est.netting.deposits, refund: est.netting.refund, collect: est.netting.collect, shiftId },
      });
    })();
    (receipt as { jobId: number; announce(): void } | null)?.announce();
    const nettingJob = this.printNetting(stay, settlementId, est, operator);
    this.core.events.emit('settlement.changed', { settlementId, state: 'provisional' });
    this.deps.afterCommit();
    return { stay: this.view(stay.id), settlementId, midStay: input.midStay, estimate: est, printJobId: nettingJob ?? (receipt as { jobId: number } | null)?.jobId ?? null };
  }

  /**
   * The deposits netted (docs/INPATIENT.md "Netting"): the balance pays the patient's cash part
   * (applied, non-cash methods first so that what is paid back is cash where it can be), the rest
   * is paid back in cash (a refund row) — the stay's balance is then 0. Inside the settlement's
   * transaction.
   */
  private writeNetting(stay: StayRow, settlementId: string, n: StayEstimate['netting'], operator: OperatorView, shiftId: string, now: Date): void {
    let toApply = Math.min(n.deposits, n.personalCash);
    const byMethod = this.deposits.balanceByMethod(stay.id);
    const base = { stayId: stay.id, reference: null, settlementId, operatorId: operator.id, shiftId, at: now.toISOString(), requestId: null };
    for (const method of ['card', 'mobile', 'cash'] as const) {
      const take = Math.min(toApply, Math.max(0, byMethod.get(method) ?? 0));
      if (take <= 0) continue;
      this.deposits.insert({ ...base, id: newId('YJ', now), kind: 'applied', amount: -take, method, reason: `结算 ${settlementId} 冲抵` });
      toApply -= take;
    }
    if (n.refund > 0) this.deposits.insert({ ...base, id: newId('YJ', now), kind: 'refund', amount: -n.refund, method: 'cash', reason: `结算 ${settlementId} 退还押金余额` });
  }

  /** The netting slip (押金 − 个人负担 = 退还 / 补缴) as a durable print job. */
  private printNetting(stay: StayRow, settlementId: string, est: StayEstimate, operator: OperatorView): number | null {
    const lines = [
      `住院号 ${stay.id}  姓名 ${stay.psn_name}`,
      `结算号 ${settlementId}`,
      `医疗费总额 ${formatFen(est.total)} 元`,
      `统筹基金 ${formatFen(est.money.fund)} 元  大病保险 ${formatFen(est.money.criticalIllness)} 元`,
      `个人账户 ${formatFen(est.money.account)} 元`,
      nettingText(est.netting),
      `收款员 ${operator.name}  ${chinaDateTime(this.core.clock.now())}`,
    ];
    try {
      return this.deps.devices.printLines(lines, { title: '住院结算押金冲抵', name: `stay-netting:${settlementId}` }).jobId;
    } catch (e) {
      this.core.log.warn('netting slip not queued', { settlementId, error: e instanceof Error ? e.message : String(e) });
      return null;
    }
  }

  cancelSettlement(input: { stayId: string; settlementId: string; reason: string }, operator: OperatorView, supervisor: OperatorView): StayView {
    const stay = this.requireStay(input.stayId);
    const rec = this.stays.settlement(input.settlementId);
    if (!rec || rec.stay_id !== stay.id) throw new AppError('STAY_SETTLEMENT_NOT_FOUND', `这次住院没有结算 ${input.settlementId}。`, { settlementId: input.settlementId });
    if (rec.cancelled_by) throw new AppError('STAY_SETTLEMENT_CANCELLED', `住院结算 ${input.settlementId} 已撤销。`, { settlementId: input.settlementId });
    const standing = this.stays.settlementsOf(stay.id).filter((s) => !s.cancelled_by);
    if (standing.at(-1)?.settlement_id !== rec.settlement_id) throw new AppError('STAY_SETTLEMENT_NOT_LATEST', '只能撤销这次住院最近的一笔有效结算。', { settlementId: input.settlementId });
    const shiftId = this.requireShift(operator);
    const now = this.core.clock.now();
    let receipt: { announce(): void } | null = null;
    let refundId = '';
    this.core.db.transaction(() => {
      const w = this.deps.settlement.journal.writeStayCancel({ id: rec.settlement_id, reason: input.reason, supervisor, operator, shiftId, now });
      receipt = w.receipt;
      refundId = w.view.id;
      this.fees.unsettle(rec.settlement_id);
      this.stays.markSettlementCancelled(rec.settlement_id, refundId);
      // The deposit balance the settlement consumed comes back, and what the patient paid on top
      // of it (补缴) is held as deposit too: the next settlement nets it again.
      const base = { stayId: stay.id, reference: null, settlementId: rec.settlement_id, operatorId: operator.id, shiftId, at: now.toISOString(), requestId: null, reason: `撤销结算 ${rec.settlement_id}` };
      for (const d of this.deposits.ofSettlement(rec.settlement_id).filter((x) => x.kind === 'applied')) this.deposits.insert({ ...base, id: newId('YJ', now), kind: 'restored', amount: -d.amount, method: d.method });
      if (rec.collect > 0) this.deposits.insert({ ...base, id: newId('YJ', now), kind: 'restored', amount: rec.collect, method: 'cash' });
      if (stay.state === 'settled' && !this.stays.transition(stay.id, 'settled', 'discharged', now.toISOString())) throw new AppError('STAY_NOT_OPEN', '住院状态已变化。', { stayId: stay.id });
      this.enqueue(stay, 'cancelSettlement', rec.settlement_id, { stayId: stay.id, psnNo: stay.psn_no, settlementId: rec.settlement_id, refundId, reason: input.reason });
      this.core.audit.append({ action: 'inpatient.cancelSettlement', operatorId: operator.id, subject: stay.id, detail: { settlementId: rec.settlement_id, refundId, reason: input.reason, supervisorId: supervisor.id } });
    })();
    (receipt as { announce(): void } | null)?.announce();
    this.core.events.emit('settlement.changed', { settlementId: rec.settlement_id, state: 'refunded' });
    this.deps.afterCommit();
    return this.view(stay.id);
  }

  // ---- reads ------------------------------------------------------------------------------

  list(state: StayState | 'open' | undefined): StaySummary[] {
    return this.stays.list(state).map((s) => this.summary(s));
  }

  get(stayId: string): StayView {
    this.requireStay(stayId);
    return this.view(stayId);
  }

  overview(): InpatientOverview {
    const open = this.stays.list('open');
    const now = this.core.clock.now();
    const day = chinaDate(now);
    const from = new Date(`${day}T00:00:00+08:00`);
    const to = new Date(from.getTime() + 86_400_000);
    const settledNotUploaded = this.stays
      .list(undefined)
      .concat(this.stays.list('settled'))
      .filter((s) => this.stays.settlementsOf(s.id).some((r) => !r.cancelled_by && this.deps.queue.latestFor('settle', r.settlement_id)?.state !== 'done'));
    const receivables = { settlements: 0, fund: 0, account: 0 };
    for (const s of [...open, ...this.stays.list('settled')]) {
      for (const r of this.stays.settlementsOf(s.id).filter((x) => !x.cancelled_by)) {
        const v = this.deps.settlement.reader.view(r.settlement_id);
        if (!v) continue;
        receivables.settlements += 1;
        receivables.fund += v.money.fundPay + v.money.criticalIllnessPay;
        receivables.account += v.money.accountPay;
      }
    }
    return {
      openStays: open.map((s) => this.summary(s)),
      depositsHeld: this.deposits.held(open.map((s) => s.id)),
      todayDeposits: this.deposits.dayByMethod(from.toISOString(), to.toISOString()),
      dischargedNotSettled: open.filter((s) => s.state === 'discharged').map((s) => this.summary(s)),
      settledNotUploaded: [...new Map(settledNotUploaded.map((s) => [s.id, s])).values()].map((s) => this.summary(s)),
      receivables,
    };
  }

  private summary(s: StayRow): StaySummary {
    return {
      id: s.id,
      state: s.state,
      patientName: s.psn_name || null,
      certNoMasked: maskCertNo(s.cert_no),
      medType: s.med_type,
      department: { code: s.dept_code, name: s.dept_name },
      ward: s.ward,
      bed: s.bed,
      admittedOn: s.admitted_on,
      dischargedOn: s.discharged_on,
      depositBalance: this.deposits.balance(s.id),
      runningTotal: this.fees.runningTotal(s.id),
      centerStayId: s.center_stay_id,
      pendingUploads: this.deps.queue.openCount(s.id),
    };
  }

  view(stayId: string): StayView {
    const s = this.stays.get(stayId)!;
    const steps = this.deps.queue.forStay(stayId);
    return {
      ...this.summary(s),
      certType: s.cert_type,
      certNo: s.cert_no,
      insuranceType: s.insurance_type,
      hospitalLevel: s.hospital_level,
      doctor: { code: s.doctor_code, name: s.doctor_name },
      diagnoses: diagnosesOf(s),
      dischargeDiagnoses: s.discharge_diagnoses ? stringList(s.discharge_diagnoses) : null,
      deposits: this.deposits.list(stayId).map(depositView),
      batches: this.fees.batches(stayId).map((b) => batchView(b, uploadStateOf(steps.filter((x) => x.kind === 'fees' && x.ref === b.id).at(-1)?.state ?? 'queued'))),
      lines: this.fees.lines(stayId).map(lineView),
      uploads: steps.map((x) => ({ kind: x.kind, ref: x.ref, state: uploadStateOf(x.state), lastError: x.last_error, at: x.created_at })),
      settlementIds: this.stays.settlementsOf(stayId).map((r) => r.settlement_id),
    };
  }

  // ---- the split ----------------------------------------------------------------------------

  private async computeLocal(stay: StayRow, useAccount: boolean) {
    const lines = this.fees.unsettled(stay.id);
    const cred = { certType: stay.cert_type, certNo: stay.cert_no, ...(stay.card_sn ? { cardSn: stay.card_sn } : {}) } as Parameters<InpatientDeps['center']['lookupPerson']>[0];
    let person: PersonView;
    try {
      person = await this.deps.center.lookupPerson(cred);
    } catch {
      // No center and no cache (a cache cleared since admission): the admission's snapshot.
      person = { ...personSnapshotOf(stay), source: 'cache' };
    }
    const journal = this.deps.settlement.journal;
    const personYear = chinaDate(new Date(person.cachedAt)).slice(0, 4);
    const base = journal.baseFor(person, personYear);
    const before = new Map<number, Accumulators>();
    const axisStart = this.stays.axisOf(stay.id);
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
        const t = this.deps.policy.tableFor(date, codes);
        policySeq = t.seq;
        policyVersion = t.table.version;
        return t.table;
      },
      visit: { hospitalLevel: stay.hospital_level, diagnoses: diagnosesOf(stay), useAccount, institutionCode: this.core.settings.institutionCode },
      axisStart,
    });
    if (!out.ok) throw new AppError(out.error.code, out.error.message, out.error.details);
    const deposits = this.deposits.balance(stay.id);
    const estimate = estimateOf(stay.id, out.result, deposits);
    return { person, lines, split: out.result, estimate, before, axisStart, policySeq, policyVersion, accountBalance: base.accountBalance };
  }

  // ---- helpers ------------------------------------------------------------------------------

  private enqueue(stay: StayRow, kind: StayStepKind, ref: string, input: object): void {
    this.deps.queue.enqueueStayStep({ stayId: stay.id, kind, ref, msgid: this.deps.center.client.newMsgId(), psnNo: stay.psn_no, input });
  }

  private requireStay(stayId: string): StayRow {
    const s = this.stays.get(stayId);
    if (!s) throw new AppError('STAY_NOT_FOUND', `找不到住院 ${stayId}`, { stayId });
    return s;
  }

  private requireState(stayId: string, states: StayState[], code: 'STAY_NOT_ADMITTED' | 'STAY_NOT_DISCHARGED' | 'STAY_NOT_OPEN'): StayRow {
    const s = this.requireStay(stayId);
    if (!states.includes(s.state)) throw new AppError(code, `住院 ${stayId} 当前状态为 ${STATE_WORDS[s.state]}，不能进行此操作。`, { stayId, state: s.state });
    return s;
  }

  /** Discharge settlement: discharged; mid-stay: admitted (where the region allows it). With unsettled fees. */
  private requireSettleable(stayId: string, midStay: boolean): StayRow {
    if (midStay && !this.core.settings.inpatientMidStaySettlement) throw new AppError('STAY_MID_SETTLEMENT_OFF', '本地区不允许中途结算：请出院后结算。', { stayId });
    const stay = midStay ? this.requireState(stayId, ['admitted'], 'STAY_NOT_ADMITTED') : this.requireState(stayId, ['discharged'], 'STAY_NOT_DISCHARGED');
    if (this.fees.unsettled(stayId).length === 0) throw new AppError('STAY_NO_FEES', '这次住院没有未结算的费用。', { stayId });
    return stay;
  }

  private requireShift(operator: OperatorView): string {
    const shiftId = this.deps.shift.currentShiftId(operator.id);
    if (!shiftId) throw new AppError('SHIFT_NOT_OPEN', '当前操作员没有打开的班次：请先开班。', { operatorId: operator.id });
    return shiftId;
  }
}

const STATE_WORDS: Record<StayState, string> = { admitted: '在院', discharged: '已出院', settled: '已结算', cancelled: '已撤销' };

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

/** 1101**********0012: the first and last four characters. */
export function maskCertNo(certNo: string): string {
  if (certNo.length <= 8) return `${certNo.slice(0, 2)}${'*'.repeat(Math.max(0, certNo.length - 2))}`;
  return `${certNo.slice(0, 4)}${'*'.repeat(certNo.length - 8)}${certNo.slice(-4)}`;
}

function stringList(json: string): string[] {
  const v: unknown = JSON.parse(json);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function diagnosesOf(s: StayRow): string[] {
  return stringList(s.diagnoses);
}

function personSnapshotOf(s: StayRow): PersonView {
  return JSON.parse(s.person_snapshot) as PersonView;
}

/** What the center's steps need of the stay (2401 / 2403): the facts, never a name in a log. */
function stayFacts(s: StayRow) {
  return {
    stayId: s.id,
    psnNo: s.psn_no,
    insutype: s.insutype,
    certType: s.cert_type,
    certNo: s.cert_no,
    medType: s.med_type,
    admittedOn: s.admitted_on,
    hisStayNo: s.his_stay_no,
    dept: { code: s.dept_code, name: s.dept_name },
    ward: s.ward,
    bed: s.bed,
    doctor: { code: s.doctor_code, name: s.doctor_name },
    diagnoses: diagnosesOf(s),
    hospitalLevel: s.hospital_level,
  };
}

/** Prefix + yyyyMMddHHmmss (China time) + 6 random base-32 characters. */
function newId(prefix: string, now: Date): string {
  const stamp = chinaDateTime(now).replace(/[- :]/g, '');
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return `${prefix}${stamp}${[...randomBytes(6)].map((b) => alphabet[b % 32]).join('')}`;
}

export type { DepositRow, FeeLineRow };
