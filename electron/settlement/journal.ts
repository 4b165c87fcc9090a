// The settlement journal: preview, settle and refund. A settlement is committed in ONE SQLite
// transaction (row, lines, split, explanation, policy seq, person snapshot, operator, shift,
// online/offline, the upload message with its msgid fixed now, local accumulators, audit, the
// receipt's print job); only after that commit is the receipt printed and the upload attempted.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type {
  LineWarning,
  SettlementMoney,
  SettlementPreview,
  SettlementView,
  settleInputSchema,
} from '../api/contract/settlement';
import type { OperatorView } from '../api/contract/auth';
import { AppError } from '../api/result';
import { verifySupervisor } from '../auth/supervisor';
import { chinaDate, chinaDateTime } from '../app/clock';
import type { CoreApp } from '../app/core';
import { fenToYuan } from '../api/money';
import { computeSplit } from '../policy/split';
import type { Accumulators, BillItem, Patient, SplitLine, SplitResult, Visit } from '../policy/split/types';
import type { Db } from '../db/open';
import { notTakenAtSql } from '../outbox/predicates';
import { chainIdOf, OPEN_STATES, type OutboxStore } from '../outbox/store';
import type { NationalChainRunner } from '../center/national/chain-runner';
import { chainIdFor, chainSpecFor, type NationalCodeFor } from './national-chain';
import { combine, compact, difference, negate } from './accumulators';
import type { BillStore } from './bills';
import { moneyFromRow, moneyOf, negateMoney, uploadInput, MONEY_FIELDS, type Money } from './mapping';
import type { CenterPort, DevicesPort, PersonView, PolicyPort, ReceiptDataPort, ShiftPort } from './ports';
import { receiptFor, type ReceiptForm } from './receipt';
import { SettlementReader, type SettlementRow } from './reader';
import { assertLinesMapped, assertLinesPayable } from './line-rules';
import { tenderFor } from './cash-tender';
import { SELF_PAY_INSURANCE_TYPE, selfPayExplanation, selfPayLines, selfPayMoney } from './self-pay';
import { splitRecordsOf } from './person-records';
import { assertBillPlausible } from './plausible';
import type { TraceCodeStore, TraceLinePlan } from './trace-codes';
import type { TraceReports } from './trace-reports';
import type { StockStore } from '../stock/stock-store';
import { fenColumn, insertInto, jsonColumn, many, run, value } from '../db/sql';

export type SettleRequest = z.output<typeof settleInputSchema>;
export type PreviewRequest = Pick<SettleRequest, 'person' | 'visit' | 'items' | 'useAccount'>;

interface Deps {
  policy: PolicyPort;
  center: CenterPort;
  devices: DevicesPort;
  shift: ShiftPort;
  outbox: OutboxStore;
  bills: BillStore;
  reader: SettlementReader;
  /** Drug traceability codes: checked before the split, written in the settlement's transaction. */
  trace: TraceCodeStore;
  /** The 3505 / 3506 reports of the codes sold and returned, queued in the same transactions. */
  traceReports: Pick<TraceReports, 'queueSale' | 'queueReturn'>;
  /** Dispensing stock (stockKeeping): checked before, taken in the settlement's transaction, given back in the refund's. */
  stock: Pick<StockStore, 'check' | 'take' | 'restore'>;
  /** Called after a commit that queued a message: attempt the upload now. */
  afterCommit: (settlementId: string) => void;
  /**
   * Ask the center what became of a person's open messages (each resent with its own msgid) and
   * resolve to the ones still open. Called online before a split is based on that person's year.
   */
  resolvePending: (psnNo: string) => Promise<unknown>;
  /** The national chain journal (centerProtocol = national): a settlement's chain starts in its transaction. */
  chains: Pick<NationalChainRunner, 'start'>;
  /** The 2204 national code of a clinic code (the catalog mapping's seam; settlement/national-chain.ts). */
  nationalCodeFor: NationalCodeFor;
  /**
   * The bill codes that cannot go to the center in the national protocol (a clinic item with no
   * pair the center confirmed: never mapped, upload under way, refused), each with its mapping
   * state; the catalog mapping fills it in (policy/mapping-store.ts unmapped).
   */
  unmappedLines: (codes: readonly string[]) => readonly { clinicCode: string; state: string }[];
  /** A bill code's catalogue kind, a clinic code's through its mapping (policy/mapping-part.ts entryOf). */
  kindOf: (code: string) => string | undefined;
}

/** A receipt job written in a settlement's transaction, started by `announce()` after commit. */
type QueuedReceipt = ReturnType<DevicesPort['queueReceipt']>;

/** Accumulators as stored: a JSON object of fen, or of {eligible, fundPaid} per category. */
const accumulatorsJson = jsonColumn.pipe(z.record(z.string(), z.union([z.number(), z.object({ eligible: z.number(), fundPaid: z.number() }).loose()])));
const BaseRow = z.object({ delta: accumulatorsJson, accountPay: fenColumn });

interface Computed {
  person: PersonView;
  online: boolean;
  visit: Required<Pick<Visit, 'visitType' | 'hospitalLevel' | 'date'>> & { diagnoses: string[]; useAccount: boolean };
  policySeq: number;
  policyVersion: string;
  catalogNames: Map<string, string>;
  before: Accumulators;
  /** The personal account's balance the split started from, fen. */
  accountBalance: number;
  split: SplitResult;
  basis: SplitBasis;
}

/** A partial refund riding on `settle`: the cancel written in the same transaction. */
interface PartialRefundPart {
  refund: { id: string; refundId: string; sup: OperatorView; reason: string };
  returnedLines: number[];
  /** The settlement being cancelled: not counted in the remaining lines' split. */
  without: { delta: Accumulators; accountPay: number };
  /** Set inside the transaction. */
  written?: { view: SettlementView; receipt: QueuedReceipt | null };
}

/** A held receipt prints by itself this long after the wait, should its release never come (a crash). */
const RECEIPT_HOLD_MARGIN_MS = 30_000;

const SPLIT_ERROR_HINT: Record<string, string> = {
  UNKNOWN_ITEM: '请核对项目编码或按自费处理',
  POLICY_NOT_EFFECTIVE: '请同步目录后重试',
  NOT_INSURED: '参保状态异常，请按自费收费',
};

export class SettlementJournal {
  /** The receipt's savepoint inside the settlement's transaction, built once. */
  private receiptSavepoint: ((settlementId: string, data: ReceiptDataPort, holdUntil: Date | undefined) => QueuedReceipt) | undefined;

  constructor(
    private readonly core: CoreApp,
    private readonly deps: Deps,
  ) {}

  async preview(req: PreviewRequest): Promise<SettlementPreview> {
    // Short stock is refused at the preview as at the settle, before the person is looked up.
    this.deps.stock.check(req.items);
    const c = await this.compute(req);
    return {
      split: c.split,
      warnings: warningsFor(c.split, req.items),
      policySeq: c.policySeq,
      policyVersion: c.policyVersion,
      provisional: !c.online || c.basis.kind === 'local',
      basis: c.basis,
      person: {
        psnNo: c.person.psnNo,
        name: c.person.name,
        insuranceType: c.person.insuranceType,
        personGroup: c.person.personGroup,
        accountBalance: c.person.accountBalance,
        source: c.person.source,
      },
      needsSupervisor: !c.online && this.offlineLimitExceeded(c.split.total) !== null,
      accountBalanceBefore: c.accountBalance,
    };
  }

  async settle(req: SettleRequest, operator: OperatorView, partial?: PartialRefundPart): Promise<SettlementView> {
    const shiftId = this.deps.shift.currentShiftId(operator.id);
    if (!shiftId) throw new AppError('SHIFT_NOT_OPEN', '当前操作员没有打开的班次：请先开班再结算。', { operatorId: operator.id });
    if (req.billId) {
      const bill = this.deps.bills.get(req.billId);
      if (!bill || bill.state !== 'pending') throw new AppError('BILL_NOT_PENDING', `账单 ${req.billId} 不存在或已结算`, { billId: req.billId });
    }
    assertLinesPayable(req.items);
    // Self-pay too: a future visit date or an absurd total is refused whoever pays.
    assertBillPlausible(req.visit.date, req.items, this.core.clock.now());
    // Every drug line's codes (or its no-code reason), before the person is looked up: a code
    // sold before, repeated or missing is refused with nothing written.
    // A clinic's own code mapped to a national drug is a drug too (kindOf goes through the mapping).
    const traced = this.deps.trace.plan(req.items, (code) => this.deps.kindOf(code) === 'drug', { selfPay: !!req.selfPay, except: partial?.refund.id });
    // Stock keeping: a drug short of stock is refused here too (a partial refund's kept lines
    // count what the cancelled settlement took as back on the shelf).
    this.deps.stock.check(req.items, partial ? { except: partial.refund.id } : {});
    if (req.selfPay) return this.settleSelfPay(req, operator, shiftId, traced, partial);
    const c = await this.compute(req, partial?.without);

    // A partial refund's re-settlement is authorised by the refund's supervisor.
    let supervisorId: string | null = partial?.refund.sup.id ?? null;
    if (!c.online && !partial) {
      const over = this.offlineLimitExceeded(c.split.total);
      if (over) {
        if (!req.supervisorId || !req.supervisorPin) {
          throw new AppError('OFFLINE_LIMIT', `${over}：离线结算需要主管授权（输入主管工号和密码），或等待联网后结算。`, {
            needsSupervisor: true,
            total: c.split.total,
          });
        }
        supervisorId = this.verifySupervisor(req.supervisorId, req.supervisorPin, 'settlement.offlineOverLimit').id;
      }
    }

    const now = this.core.clock.now();
    const id = newSettlementId(now);
    const waitMs = Math.round(this.core.settings.centerAnswerWaitSeconds * 1000);
    let view = undefined as SettlementView | undefined; // assigned inside the transaction
    let receipt = null as QueuedReceipt | null;
    const money = moneyOf(c.split);
    // The cash typed in the confirm step: short is refused here, before anything is written.
    const tender = tenderFor(req.cashReceived, money.cashPay);
    const after = c.split.accumulatorsAfter;
    const delta = compact(difference(after, c.before));
    const lines = req.items.map((it, i) => {
      const sl = c.split.items[i]!;
      return { lineNo: i + 1, code: it.code, name: it.name ?? c.catalogNames.get(it.code) ?? '', item: it, split: sl };
    });
    const input = uploadInput({
      settlementId: id,
      psnNo: c.person.psnNo,
      certType: req.person.certType,
      certNo: req.person.certNo,
      insutype: c.person.insutype,
      psnType: c.person.psnType,
      visitType: c.visit.visitType,
      hospitalLevel: c.visit.hospitalLevel,
      setlTime: chinaDateTime(now),
      diagnoses: c.visit.diagnoses,
      useAccount: c.visit.useAccount,
      policySeq: c.policySeq,
      offline: !c.online,
      money,
      lines: lines.map((l) => ({
        lineNo: l.lineNo,
        code: l.code,
        unitPrice: l.item.unitPrice,
        quantity: l.item.quantity,
        amount: l.split.amount,
        ownPay: !!l.item.ownPay,
        traceCodes: traced.find((t) => t.lineNo === l.lineNo)?.codes.map((x) => x.code) ?? [],
      })),
    });

    const db = this.core.db;
    db.transaction(() => {
      // A partial refund: the cancel of the whole settlement first, in this same transaction.
      this.writeSale(
        { id, now, operator, shiftId, req, partial, traced },
        {
          person: c.person,
          visit: c.visit,
          scheme: c.split.scheme,
          policySeq: c.policySeq,
          policyVersion: c.policyVersion,
          online: c.online,
          localBasis: c.basis.kind === 'local',
          state: 'provisional',
          supervisorId,
          money,
          explanation: c.split.explanation,
          before: c.before,
          after,
          delta,
          tender,
          accountBalanceBefore: c.accountBalance,
        },
        lines.map((l) => ({ lineNo: l.lineNo, code: l.code, name: l.name, unitPrice: l.item.unitPrice, quantity: l.item.quantity, ownPay: !!l.item.ownPay, split: l.split })),
      );
      if (this.core.settings.centerProtocol === 'national') {
        // The national chain, journaled in the settlement's own transaction and queued as ONE
        // item: online it is driven at once, offline replayed in the person's commit order.
        const chainId = chainIdFor(id);
        this.deps.chains.start(
          chainId,
          chainSpecFor(
            {
              settlementId: id,
              now,
              person: c.person,
              credential: { certType: req.person.certType, certNo: req.person.certNo },
              visit: c.visit,
              lines: lines.map((l) => ({ lineNo: l.lineNo, code: l.code, unitPrice: l.item.unitPrice, quantity: l.item.quantity, amount: l.split.amount, ownPay: !!l.item.ownPay })),
              operator: { id: operator.id, name: operator.name },
            },
            this.deps.nationalCodeFor,
          ),
          id,
        );
        this.deps.outbox.enqueueChain({ settlementId: id, chainId, psnNo: c.person.psnNo, now, deadlineHours: this.core.settings.uploadDeadlineHours });
      } else {
        // The msgid is fixed here, in the settlement's own transaction; every retry resends it.
        this.deps.outbox.enqueue({
          settlementId: id,
          kind: 'upload',
          infno: '2207',
          msgid: this.deps.center.client.newMsgId(),
          psnNo: c.person.psnNo,
          input,
          now,
          deadlineHours: this.core.settings.uploadDeadlineHours,
        });
      }
      // After the upload: each drug line's codes reported (3505), held until the upload is answered.
      this.deps.traceReports.queueSale({ settlementId: id, psnNo: c.person.psnNo, psnName: c.person.name, operatorName: operator.name, lines: lines.map((l) => ({ lineNo: l.lineNo, code: l.code, name: l.name, quantity: l.item.quantity })), plans: traced, uploadOpen: true, now });
      upsertLocalAccumulators(this.core, c.person.psnNo, c.visit.date.slice(0, 4), after, id, now);
      if (req.billId) this.deps.bills.markSettled(req.billId, id);
      this.core.audit.append({
        action: 'settlement.settle',
        operatorId: operator.id,
        subject: id,
        detail: { psnNo: c.person.psnNo, total: money.total, cashPay: money.cashPay, cashReceived: tender.cashReceived, online: c.online, policySeq: c.policySeq, shiftId, supervisorId, billId: req.billId ?? null },
      });
      if (partial) this.auditPartialRefund(partial, operator, id, money.total);
      // One read of the settlement as written serves the receipt and the answer.
      view = this.deps.reader.view(id)!;
      // Online the receipt is held for the center's answer; written as 暂存, which is what prints
      // if the process stops before the answer is in.
      receipt = this.queueReceipt(id, operator, view, c.online ? { form: 'awaiting', holdUntil: new Date(now.getTime() + waitMs + RECEIPT_HOLD_MARGIN_MS) } : undefined);
    })();

    // Committed. Now (and only now) the upload is tried and the receipt goes to the printer:
    // offline at once (暂存); online once the center answered or the wait ran out.
    const printJobId = (receipt as QueuedReceipt | null)?.jobId ?? null;
    // The refund's receipt prints at once; its cancel goes before the new upload (same person, commit order).
    if (partial) this.announcePartialRefund(partial);
    this.core.events.emit('settlement.changed', { settlementId: id, state: 'provisional' });
    this.deps.afterCommit(id);
    if (!c.online) {
      (receipt as QueuedReceipt | null)?.announce();
      return { ...view!, printJobId };
    }
    await this.awaitAnswer(id, waitMs);
    const settled = this.deps.reader.view(id)!;
    if (printJobId !== null) this.releaseReceipt(printJobId, settled, operator.name);
    return { ...settled, printJobId };
  }

  /**
   * Wait (at most `ms`) until the center has answered the settlement's upload: confirmed,
   * adjusted or rejected. Returns at once when it already has; a busy center or a lost answer
   * only runs the wait out.
   */
  private awaitAnswer(id: string, ms: number): Promise<void> {
    const answered = () => {
      const state = this.deps.reader.stateOf(id);
      return state !== undefined && state !== 'provisional';
    };
    if (ms <= 0 || answered()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        off();
        resolve();
      };
      const timer = setTimeout(done, ms);
      const off = this.core.events.on('settlement.changed', (p) => {
        if (p.settlementId === id && answered()) done();
      });
    });
  }

  /** The held receipt in the form the answer calls for; a failure is logged, the cashier reprints. */
  private releaseReceipt(jobId: number, settled: SettlementView, operatorName: string): void {
    try {
      this.deps.devices.releaseReceipt(jobId, receiptFor(this.core, settled, operatorName, false, 'answered'));
    } catch (e) {
      this.core.log.warn('held receipt could not be released', { settlementId: settled.id, error: String(e) });
    }
  }

  async refund(id: string, supervisor: { id: string; pin: string }, reason: string, operator: OperatorView): Promise<SettlementView> {
    const sup = this.verifySupervisor(supervisor.id, supervisor.pin, 'settlement.refund');
    const orig = this.deps.reader.row(id);
    if (!orig) throw new AppError('SETTLEMENT_NOT_FOUND', `找不到结算 ${id}`, { id });
    if (orig.refund_of) throw new AppError('REFUND_OF_REFUND', '这是一笔退费记录，不能再退。', { id });
    if (orig.state === 'refunded') throw new AppError('ALREADY_REFUNDED', `结算 ${id} 已退费，不能重复退费。`, { id });
    const shiftId = this.deps.shift.currentShiftId(operator.id);
    if (!shiftId) throw new AppError('SHIFT_NOT_OPEN', '当前操作员没有打开的班次：请先开班再退费。', { operatorId: operator.id });

    const now = this.core.clock.now();
    const refundId = newSettlementId(now);
    let view = undefined as SettlementView | undefined; // assigned inside the transaction
    let receipt = null as QueuedReceipt | null;
    this.core.db.transaction(() => {
      ({ view, receipt } = this.writeRefund({ id, refundId, sup, reason, operator, shiftId, now }));
    })();
    (receipt as QueuedReceipt | null)?.announce();
    const printJobId = (receipt as QueuedReceipt | null)?.jobId ?? null;
    this.core.events.emit('settlement.changed', { settlementId: id, state: 'refunded' });
    this.deps.afterCommit(refundId);
    return { ...view!, printJobId };
  }

  /**
   * The refund's writes — the exact negation, its cancel (2208) or reversal (2601), the
   * accumulators, the audit and its receipt job — inside the caller's transaction (a full refund,
   * or the first half of a partial one).
   */
  private writeRefund(a: { id: string; refundId: string; sup: OperatorView; reason: string; operator: OperatorView; shiftId: string; now: Date }): {
    view: SettlementView;
    receipt: QueuedReceipt | null;
  } {
    const { id, refundId, sup, reason, operator, shiftId, now } = a;
    const db = this.core.db;
    {
      // Re-read inside the transaction: the upload may have been answered meanwhile.
      const upload = this.deps.outbox.forSettlement(id).find((o) => o.kind === 'upload');
      const again = this.deps.reader.row(id);
      if (!again || again.state === 'refunded') throw new AppError('ALREADY_REFUNDED', `结算 ${id} 已退费，不能重复退费。`, { id });
      const negMoney = negateMoney(moneyFromRow(again));
      const negDelta = negate(JSON.parse(again.accumulators_delta) as Accumulators);
      let message: { kind: 'cancel' | 'reversal'; infno: string; input: object } | null = null;
      // A national chain is undone through its own journal (2208 → 2205 → 2202, or 2601s for
      // what is in the air), queued on the refund row; nothing to undo when the center refused it.
      const chainId = upload ? chainIdOf(upload) : null;
      let chainUndo: 'cancel' | 'reversal' | null = null;
      if (upload && chainId) {
        if (upload.state === 'confirmed' || upload.state === 'adjusted') chainUndo = 'cancel';
        else if (OPEN_STATES.includes(upload.state)) {
          chainUndo = 'reversal';
          this.deps.outbox.reverse(upload.id, now);
        }
      } else if (upload && (upload.state === 'confirmed' || upload.state === 'adjusted')) {
        message = { kind: 'cancel', infno: '2208', input: { data: { setl_id: again.center_setl_id ?? '', psn_no: again.psn_no } } };
      } else if (upload && OPEN_STATES.includes(upload.state)) {
        // Never answered: undo that very message (2601); the center refuses it if it arrives later.
        message = { kind: 'reversal', infno: '2601', input: { data: { psn_no: again.psn_no, omsgid: upload.msgid, oinfno: '2207' } } };
        this.deps.outbox.reverse(upload.id, now);
      }
      const person = JSON.parse(again.person_snapshot) as PersonView;
      insertSettlement(this.core, {
        id: refundId,
        now,
        operatorId: operator.id,
        shiftId,
        person,
        certType: again.cert_type,
        certNo: again.cert_no,
        visit: {
          visitType: again.visit_type,
          hospitalLevel: again.hospital_level,
          date: again.visit_date,
          diagnoses: JSON.parse(again.diagnoses) as string[],
          useAccount: again.use_account === 1,
        },
        scheme: again.scheme,
        policySeq: again.policy_seq,
        policyVersion: again.policy_version,
        online: this.deps.center.isOnline(),
        state: message || chainUndo ? 'provisional' : 'confirmed',
        refundOf: id,
        refundReason: reason,
        supervisorId: sup.id,
        manualEntryReason: null,
        billId: null,
        money: negMoney,
        explanation: [{ rule: 'refund', text: `冲销结算 ${id}：${reason}`, amount: negMoney.total }],
        before: {},
        after: {},
        delta: negDelta,
        selfPay: again.self_pay === 1,
      });
      run(
        db,
        `INSERT INTO settlement_lines (settlement_id, line_no, code, name, class, unit_price, quantity, own_pay, reason, amount, full_own_pay, over_limit_self_pay, pre_self_pay, eligible)
         SELECT :refundId, line_no, code, name, class, unit_price, '-' || quantity, own_pay, reason, -amount, -full_own_pay, -over_limit_self_pay, -pre_self_pay, -eligible
         FROM settlement_lines WHERE settlement_id = :id`,
        { refundId, id },
      );
      run(db, "UPDATE settlements SET state = 'refunded', updated_at = :now WHERE id = :id", { now: now.toISOString(), id });
      // The packages come back: their codes may be sold again.
      const traceCodesFreed = this.deps.trace.freeFor(id, refundId, now);
      // ... and back on the shelf, batch for batch as the sale took them.
      const stockRestored = this.deps.stock.restore(id, refundId, operator.id, now);
      // ... and reported returned (3506), one for each sales report the sale queued.
      this.deps.traceReports.queueReturn({ refundId, saleId: id, operatorName: operator.name, now });
      if (chainUndo && chainId) {
        this.deps.outbox.enqueueChainUndo({ refundId, kind: chainUndo, chainId, psnNo: again.psn_no, now, deadlineHours: this.core.settings.uploadDeadlineHours });
      }
      if (message) {
        this.deps.outbox.enqueue({
          settlementId: refundId,
          kind: message.kind,
          infno: message.infno,
          msgid: this.deps.center.client.newMsgId(),
          psnNo: again.psn_no,
          input: message.input,
          now,
          deadlineHours: this.core.settings.uploadDeadlineHours,
        });
      }
      const year = again.visit_date.slice(0, 4);
      const local = value(db, 'SELECT accumulators FROM person_accumulators WHERE psn_no = :psnNo AND year = :year', { psnNo: again.psn_no, year }, accumulatorsJson);
      if (local) upsertLocalAccumulators(this.core, again.psn_no, year, combine(local, negDelta), refundId, now);
      this.core.audit.append({
        action: 'settlement.refund',
        operatorId: operator.id,
        subject: refundId,
        detail: { refundOf: id, supervisorId: sup.id, reason, total: negMoney.total, message: message?.infno ?? (chainUndo ? `chain-undo:${chainUndo}` : null), traceCodesFreed, stockRestored },
      });
      const view = this.deps.reader.view(refundId)!;
      return { view, receipt: this.queueReceipt(refundId, operator, view) };
    }
  }

  /**
   * A stay's settlement (issue 19, docs/INPATIENT.md) as ONE journal row, visit type 'inpatient',
   * its lines the stay's unsettled fee lines, inside the caller's transaction (the inpatient part
   * writes the deposit netting, the stay's 2304 step and the audit in the same one). No settlement
   * outbox item: the stay's center steps are the stay queue's (outbox/stay-queue.ts), and the 2304
   * answer comes back through `recordCenterAgreement` like a 2207's. The local accumulators of
   * each year the stay's parts belong to are moved on. Returns the row as written and its
   * receipt's job (announced by the caller after the commit).
   */
  recordStaySettlement(r: {
    now: Date;
    operator: OperatorView;
    shiftId: string;
    person: PersonView;
    certType: string;
    certNo: string;
    visit: { hospitalLevel: number; date: string; diagnoses: string[]; useAccount: boolean };
    policySeq: number;
    policyVersion: string;
    online: boolean;
    split: SplitResult;
    /** Each year's accumulators before and after its part (the row keeps the latest year's). */
    years: { year: string; before: Accumulators; after: Accumulators }[];
    lines: { lineNo: number; code: string; name: string; unitPrice: string; quantity: string; ownPay: boolean }[];
    tender: { cashReceived: number | null; change: number | null };
    accountBalanceBefore: number;
  }): { view: SettlementView; receipt: QueuedReceipt | null } {
    const id = newSettlementId(r.now);
    const last = r.years.at(-1) ?? { year: r.visit.date.slice(0, 4), before: {}, after: {} };
    insertSettlement(this.core, {
      id,
      now: r.now,
      operatorId: r.operator.id,
      shiftId: r.shiftId,
      person: r.person,
      certType: r.certType,
      certNo: r.certNo,
      visit: { visitType: 'inpatient', ...r.visit },
      scheme: r.split.scheme,
      policySeq: r.policySeq,
      policyVersion: r.policyVersion,
      online: r.online,
      state: 'provisional',
      refundOf: null,
      refundReason: null,
      supervisorId: null,
      manualEntryReason: null,
      billId: null,
      money: moneyOf(r.split),
      explanation: r.split.explanation,
      before: last.before,
      after: last.after,
      delta: compact(difference(last.after, last.before)),
      tender: r.tender,
      accountBalanceBefore: r.accountBalanceBefore,
    });
    insertLines(this.core.db, id, r.lines.map((l, i) => ({ ...l, lineNo: i + 1, split: r.split.items[i]! })));
    for (const y of r.years) {
      const local = value(this.core.db, 'SELECT accumulators FROM person_accumulators WHERE psn_no = :psnNo AND year = :year', { psnNo: r.person.psnNo, year: y.year }, accumulatorsJson);
      const moved = combine(local ?? y.before, compact(difference(y.after, y.before)));
      upsertLocalAccumulators(this.core, r.person.psnNo, y.year, moved, id, r.now);
    }
    const view = this.deps.reader.view(id)!;
    return { view, receipt: this.queueReceipt(id, r.operator, view) };
  }

  /**
   * The cancel of a stay's settlement (2305) in the journal: the exact negation as a refund row,
   * the accumulators given back, its receipt — inside the caller's transaction, which queues the
   * stay's 2305 step. Refused for a refund row or one already cancelled.
   */
  writeStayCancel(a: { id: string; reason: string; supervisor: OperatorView; operator: OperatorView; shiftId: string; now: Date }): { view: SettlementView; receipt: QueuedReceipt | null } {
    const orig = this.deps.reader.row(a.id);
    if (!orig) throw new AppError('SETTLEMENT_NOT_FOUND', `找不到结算 ${a.id}`, { id: a.id });
    if (orig.refund_of) throw new AppError('REFUND_OF_REFUND', '这是一笔退费记录，不能再退。', { id: a.id });
    return this.writeRefund({ id: a.id, refundId: newSettlementId(a.now), sup: a.supervisor, reason: a.reason, operator: a.operator, shiftId: a.shiftId, now: a.now });
  }

  /** A year's local accumulators of a person (this window's running totals), or null when none are kept. */
  localAccumulators(psnNo: string, year: string): Accumulators | null {
    return value(this.core.db, 'SELECT accumulators FROM person_accumulators WHERE psn_no = :psnNo AND year = :year', { psnNo, year }, accumulatorsJson) ?? null;
  }

  /**
   * Self-pay (自费): the whole bill in cash, one transaction like any settlement — the row (self_pay
   * = 1, insurance type `self_pay`, the fund's share 0), its lines, the audit and the receipt's
   * job — but no upload message: the center never hears of it, so it is final at once
   * (`confirmed`, never provisional) and the offline limits do not apply. The person is not looked
   * up: the center may not know them, or be offline; the window sends the name it shows.
   */
  private settleSelfPay(req: SettleRequest, operator: OperatorView, shiftId: string, traced: TraceLinePlan[], partial?: PartialRefundPart): SettlementView {
    const now = this.core.clock.now();
    const id = newSettlementId(now);
    const lines = selfPayLines(req.items, (code) => {
      const e = this.deps.policy.entry(code);
      return e ? { name: e.name, class: e.class } : null;
    });
    const total = lines.reduce((sum, l) => sum + l.amount, 0);
    const money = selfPayMoney(total);
    const tender = tenderFor(req.cashReceived, money.cashPay);
    const online = this.deps.center.isOnline();
    const visit = {
      visitType: req.visit.visitType,
      hospitalLevel: req.visit.hospitalLevel ?? 1,
      date: req.visit.date ?? chinaDate(now),
      diagnoses: req.visit.diagnoses ?? [],
      useAccount: false,
    };
    // What the receipt and a refund need of the person; no insurance facts (there are none to use).
    const person = {
      psnNo: '',
      name: req.patientName ?? '',
      insutype: '',
      psnType: '',
      insuranceType: SELF_PAY_INSURANCE_TYPE,
      personGroup: '',
    } as PersonView;
    let view = undefined as SettlementView | undefined; // assigned inside the transaction
    let receipt = null as QueuedReceipt | null;
    const db = this.core.db;
    db.transaction(() => {
      // A partial refund of a self-pay settlement: its negation first (no center message: the
      // center never heard of it), then the kept lines as a new self-pay settlement.
      this.writeSale(
        { id, now, operator, shiftId, req, partial, traced },
        {
          person,
          visit,
          scheme: '',
          policySeq: 0,
          policyVersion: '',
          online,
          state: 'confirmed',
          supervisorId: partial?.refund.sup.id ?? null,
          money,
          explanation: selfPayExplanation(fenToYuan(total), total),
          before: {},
          after: {},
          delta: {},
          selfPay: true,
          tender,
        },
        lines.map((l) => ({ ...l, ownPay: true, split: { class: l.class, reason: 'selfPay', amount: l.amount, fullOwnPay: l.amount, overLimitSelfPay: 0, preSelfPay: 0, eligible: 0 } })),
      );
      // Every sale is reported, self-pay too; no upload to wait for.
      this.deps.traceReports.queueSale({ settlementId: id, psnNo: '', psnName: req.patientName ?? '', operatorName: operator.name, lines, plans: traced, uploadOpen: false, now });
      if (req.billId) this.deps.bills.markSettled(req.billId, id);
      this.core.audit.append({
        action: 'settlement.selfPay',
        operatorId: operator.id,
        subject: id,
        detail: { total, cashReceived: tender.cashReceived, online, shiftId, billId: req.billId ?? null },
      });
      if (partial) this.auditPartialRefund(partial, operator, id, total);
      view = this.deps.reader.view(id)!;
      receipt = this.queueReceipt(id, operator, view);
    })();
    if (partial) this.announcePartialRefund(partial);
    receipt?.announce();
    this.core.events.emit('settlement.changed', { settlementId: id, state: 'confirmed' });
    this.deps.afterCommit(id);
    return { ...view!, printJobId: receipt?.jobId ?? null };
  }

  /**
   * A sale's rows, inside the caller's transaction: a partial refund's cancel of the whole
   * original first, then the settlement row and its lines, the drug lines' traced codes, and the
   * drugs off the shelf (earliest expiry first; a rollback puts them back).
   */
  private writeSale(
    sale: { id: string; now: Date; operator: OperatorView; shiftId: string; req: SettleRequest; partial: PartialRefundPart | undefined; traced: TraceLinePlan[] },
    row: Omit<NewRow, 'id' | 'now' | 'operatorId' | 'shiftId' | 'certType' | 'certNo' | 'refundOf' | 'refundReason' | 'manualEntryReason' | 'billId'>,
    lines: readonly NewLine[],
  ): void {
    const { id, now, operator, shiftId, req, partial } = sale;
    if (partial) partial.written = this.writeRefund({ ...partial.refund, operator, shiftId, now });
    insertSettlement(this.core, {
      ...row,
      id,
      now,
      operatorId: operator.id,
      shiftId,
      certType: req.person.certType,
      certNo: req.person.certNo,
      refundOf: null,
      refundReason: null,
      manualEntryReason: req.manualEntryReason ?? null,
      billId: req.billId ?? null,
    });
    insertLines(this.core.db, id, lines);
    this.deps.trace.recordSale(id, sale.traced, operator.id, now);
    this.deps.stock.take(id, req.items, operator.id, now);
  }

  /** Audit `settlement.partialRefund` on the original, inside the action's transaction. */
  private auditPartialRefund(partial: PartialRefundPart, operator: OperatorView, resettledId: string, total: number): void {
    this.core.audit.append({
      action: 'settlement.partialRefund',
      operatorId: operator.id,
      subject: partial.refund.id,
      detail: {
        refundId: partial.refund.refundId,
        resettledId,
        returnedLines: partial.returnedLines,
        supervisorId: partial.refund.sup.id,
        reason: partial.refund.reason,
        total,
      },
    });
  }

  /** After the commit: the refund's receipt prints, the screens hear of it, its message (if any) goes. */
  private announcePartialRefund(partial: PartialRefundPart): void {
    if (!partial.written) return;
    partial.written.receipt?.announce();
    this.core.events.emit('settlement.changed', { settlementId: partial.refund.id, state: 'refunded' });
    this.deps.afterCommit(partial.refund.refundId);
  }

  /**
   * Partial refund (issue 13): the patient returns some lines. One audited action, one
   * transaction: the whole settlement is cancelled (its exact negation, 2208 or 2601, as a full
   * refund) and the remaining lines are settled again as a new settlement (2207), computed as if
   * the cancelled one had never been. Both receipts print. Needs a supervisor, as a full refund.
   * A self-pay settlement the same way, without the center: its negation and the kept lines as
   * a new self-pay settlement (cash only).
   */
  async partialRefund(
    id: string,
    returnedLines: number[],
    supervisor: { id: string; pin: string },
    reason: string,
    operator: OperatorView,
  ): Promise<{ refund: SettlementView; resettled: SettlementView }> {
    const sup = this.verifySupervisor(supervisor.id, supervisor.pin, 'settlement.partialRefund');
    const { orig, remaining } = this.partialRefundPlan(id, returnedLines);
    const now = this.core.clock.now();
    const part: PartialRefundPart = {
      refund: { id, refundId: newSettlementId(now), sup, reason },
      returnedLines: [...new Set(returnedLines)].sort((a, b) => a - b),
      without: { delta: JSON.parse(orig.accumulators_delta) as Accumulators, accountPay: orig.account_pay },
    };
    const resettled = await this.settle(this.resettleRequest(orig, remaining), operator, part);
    const refund = this.deps.reader.view(part.refund.refundId)!;
    return { refund: { ...refund, printJobId: part.written?.receipt?.jobId ?? null }, resettled };
  }

  /**
   * What a partial refund would give back: the remaining lines' split, computed as the refund
   * would, against the original. Writes nothing.
   */
  async partialRefundPreview(id: string, returnedLines: number[]): Promise<{ original: SettlementMoney; remaining: SettlementMoney; returns: { cash: number; account: number; fund: number } }> {
    const { orig, remaining } = this.partialRefundPlan(id, returnedLines);
    if (orig.self_pay === 1) {
      // No center part: the kept lines' amounts, all cash; the returned lines' cash goes back.
      const kept = selfPayLines(remaining, () => null).reduce((sum, l) => sum + l.amount, 0);
      return { original: moneyFromRow(orig), remaining: selfPayMoney(kept), returns: { cash: orig.cash_pay - kept, account: 0, fund: 0 } };
    }
    const c = await this.compute(this.resettleRequest(orig, remaining), { delta: JSON.parse(orig.accumulators_delta) as Accumulators, accountPay: orig.account_pay });
    const original = moneyFromRow(orig);
    const now = moneyOf(c.split);
    return {
      original,
      remaining: now,
      returns: {
        cash: original.cashPay - now.cashPay,
        account: original.accountPay - now.accountPay,
        fund: original.fundPay + original.criticalIllnessPay - now.fundPay - now.criticalIllnessPay,
      },
    };
  }

  /** The checks of a partial refund, and the lines that stay. */
  private partialRefundPlan(id: string, returnedLines: number[]) {
    const orig = this.deps.reader.row(id);
    if (!orig) throw new AppError('SETTLEMENT_NOT_FOUND', `找不到结算 ${id}`, { id });
    if (orig.refund_of) throw new AppError('REFUND_OF_REFUND', '这是一笔退费记录，不能再退。', { id });
    if (orig.state === 'refunded') throw new AppError('ALREADY_REFUNDED', `结算 ${id} 已退费，不能重复退费。`, { id });
    if (orig.state === 'rejected') throw new AppError('PARTIAL_REFUND_REJECTED', '中心已拒绝这笔结算：请整单退费（冲销）后重新结算。', { id });
    const lines = this.deps.reader.view(id)!.lines;
    const unknown = returnedLines.filter((n) => !lines.some((l) => l.lineNo === n));
    if (unknown.length) throw new AppError('REFUND_LINE_UNKNOWN', `结算 ${id} 没有第 ${unknown.join('、')} 行`, { id, lineNo: unknown[0]! });
    const remaining = lines.filter((l) => !returnedLines.includes(l.lineNo));
    if (returnedLines.length === 0) throw new AppError('REFUND_LINES_NONE', '请选择要退的项目。', { id });
    if (remaining.length === 0) throw new AppError('REFUND_ALL_LINES', '所有项目都要退：这是整单退费，请用整单退费。', { id });
    return { orig, remaining };
  }

  /** The original's visit, person and account choice with the lines that stay (self-pay: again self-pay, same name). */
  private resettleRequest(orig: SettlementRow, remaining: SettlementView['lines']): SettleRequest {
    return {
      ...(orig.self_pay === 1 ? { selfPay: true, ...(orig.psn_name ? { patientName: orig.psn_name } : {}) } : {}),
      person: { certType: orig.cert_type as SettleRequest['person']['certType'], certNo: orig.cert_no },
      visit: {
        visitType: orig.visit_type as SettleRequest['visit']['visitType'],
        date: orig.visit_date,
        hospitalLevel: orig.hospital_level,
        diagnoses: JSON.parse(orig.diagnoses) as string[],
      },
      // The lines that stay keep their codes (freed by the cancel, sold again by the new settlement).
      items: remaining.map((l) => ({
        code: l.code,
        name: l.name,
        unitPrice: l.unitPrice,
        quantity: l.quantity,
        ...(l.ownPay ? { ownPay: true } : {}),
        ...(l.traceCodes.length ? { traceCodes: l.traceCodes } : {}),
        ...(l.noCodeReason ? { noCodeReason: l.noCodeReason } : {}),
      })),
      useAccount: orig.use_account === 1,
    } as SettleRequest;
  }

  /**
   * After an adjustment: a receipt with the center's figures, marked 更正 (issue 13). It becomes
   * the settlement's latest receipt (the preview shows it); audited like a reprint.
   */
  printCorrected(id: string, operator: OperatorView): { jobId: number } {
    const v = this.deps.reader.view(id);
    if (!v) throw new AppError('SETTLEMENT_NOT_FOUND', `找不到结算 ${id}`, { id });
    if (v.state !== 'adjusted') throw new AppError('NOT_ADJUSTED', `结算 ${id} 没有被医保中心调整，不需要更正小票。`, { id });
    const settledBy = this.core.auth.listOperators().find((o) => o.id === v.operatorId)?.name ?? v.operatorId;
    const data = receiptFor(this.core, v, settledBy, false, 'corrected');
    return this.core.db.transaction(() => {
      const r = this.deps.devices.printReceipt(id, data, { copy: false });
      this.core.audit.append({ action: 'settlement.correctedReceipt', operatorId: operator.id, subject: id, detail: { jobId: r.jobId, fields: v.adjustments.map((a) => a.field) } });
      return r;
    })();
  }

  // ---------------------------------------------------------------------------------------------

  private verifySupervisor(supervisorId: string, pin: string, purpose: string): OperatorView {
    return verifySupervisor(this.core.auth, supervisorId, pin, purpose);
  }

  /** Null when within the limits, else the Chinese reason. */
  offlineLimitExceeded(total: number): string | null {
    const s = this.core.settings;
    if (total > s.offlineLimitPerSettlement) return `本笔金额超过单笔离线结算上限（${yuan(s.offlineLimitPerSettlement)} 元）`;
    const today = chinaDate(this.core.clock.now());
    // The running sum of the day's offline, non-refund settlements (kept by a trigger, migration
    // 0009): summing the rows here cost more with every settlement of a long offline day.
    const dayTotal = value(this.core.db, 'SELECT total FROM offline_day_totals WHERE day = :today', { today }, fenColumn) ?? 0;
    if (dayTotal + total > s.offlineLimitPerDay) return `今日离线结算累计将超过每日上限（${yuan(s.offlineLimitPerDay)} 元）`;
    return null;
  }

  /** `without`: a settlement being cancelled in the same action — its accumulators and account payment are not counted. */
  private async compute(req: PreviewRequest, without?: { delta: Accumulators; accountPay: number }): Promise<Computed> {
    // Refused before the person is looked up (which refreshes the person cache): a refused
    // preview or settle changes nothing.
    assertBillPlausible(req.visit.date, req.items, this.core.clock.now());
    const national = this.core.settings.centerProtocol === 'national';
    // National: every line must have a national code the center holds (对照), or 2204 would be
    // refused at the center; found here, before the person is looked up, so nothing changes.
    if (national) assertLinesMapped(req.items, this.deps.unmappedLines);
    const credential = { certType: req.person.certType, certNo: req.person.certNo, cardSn: req.person.cardSn };
    let person = await this.deps.center.lookupPerson(credential);
    // A message of this person's whose answer was lost may have been committed by the center or
    // not: the year it just told us may or may not hold it. Online, ask first (resend it with its
    // own msgid; the center answers a committed one from its store), then take the person's year
    // again, now that nothing of theirs is in the air.
    if (this.deps.center.isOnline() && person.source === 'live' && this.deps.outbox.openForPerson(person.psnNo).length > 0) {
      await this.deps.resolvePending(person.psnNo);
      person = await this.deps.center.lookupPerson(credential);
    }
    const online = this.deps.center.isOnline() && person.source === 'live';
    const now = this.core.clock.now();
    const visit = {
      visitType: req.visit.visitType,
      hospitalLevel: req.visit.hospitalLevel ?? 1,
      date: req.visit.date ?? chinaDate(now),
      diagnoses: req.visit.diagnoses ?? [],
      useAccount: req.useAccount,
    };
    // National: a clinic item is priced under its confirmed national code (the catalogue in force
    // is the national one); a code with no mapping row is a national code already (as in the demo).
    const splitCode = (code: string) => (national ? this.deps.nationalCodeFor(code) : code);
    const codes = [...new Set(req.items.map((i) => splitCode(i.code)))];
    const { seq, table } = this.deps.policy.tableFor(visit.date, codes);
    const base = this.baseFor(person, visit.date.slice(0, 4));
    const basis = base.basis;
    const before = without ? compact(combine(base.accumulators, negate(without.delta))) : base.accumulators;
    const accountBalance = without ? base.accountBalance + without.accountPay : base.accountBalance;
    const patient: Patient = {
      insuranceType: person.insuranceType,
      personGroup: person.personGroup,
      status: person.status,
      accountBalance,
      accumulators: before,
      ...splitRecordsOf(person),
    };
    const items: BillItem[] = req.items.map((i) => ({ code: splitCode(i.code), unitPrice: i.unitPrice, quantity: i.quantity, ...(i.ownPay ? { ownPay: true } : {}) }));
    // The clinic settling: a binding (5302) is judged against it.
    const out = computeSplit(table, patient, { ...visit, institutionCode: this.core.settings.institutionCode }, items);
    if (!out.ok) {
      const hint = SPLIT_ERROR_HINT[out.error.code];
      throw new AppError(out.error.code, hint ? `${out.error.message}（${hint}）` : out.error.message, out.error.details);
    }
    // Said where the cashier reads the split (preview, settlement view, stored explanation).
    if (basis.kind === 'local') out.result.explanation.unshift({ rule: 'basis', text: basisText(basis), key: 'basis.local', params: { count: String(basis.unresolved) } });
    return {
      person,
      online,
      visit,
      policySeq: seq,
      policyVersion: table.version,
      // Keyed by the bill's own code (a clinic code's name is its national entry's).
      catalogNames: new Map(req.items.map((i) => [i.code, table.catalog.find((e) => e.code === splitCode(i.code))?.name ?? ''])),
      before,
      accountBalance,
      split: out.result,
      basis,
    };
  }

  /**
   * The year so far as the center knew it when it answered (live or cached), plus every local
   * settlement of that person and year the center had not yet taken at that moment — so an
   * offline settlement builds on the ones made before it, and nothing is counted twice.
   *
   * Except while one of the person's messages has an unknown outcome (sent, no answer: it may be
   * in the center's year or not). Then the base is the local view — the running totals this
   * window keeps per person and year, which hold that message exactly once whichever way it
   * went — and the split is provisional (`basis.kind` 'local'). Adding the message on top of the
   * center's answer counted a committed 2207 twice and a committed 2208 cancel twice (a negative
   * running total the split refuses). A running total is never negative: one below zero is
   * raised to zero and logged.
   */
  baseFor(person: PersonView, year: string): { accumulators: Accumulators; accountBalance: number; basis: SplitBasis } {
    const rows = many(
      this.core.db,
      `SELECT s.accumulators_delta AS delta, s.account_pay AS accountPay FROM settlements s
         WHERE s.psn_no = :psnNo AND substr(s.visit_date, 1, 4) = :year AND ${notTakenAtSql('s.id', ':cachedAt')}`,
      { psnNo: person.psnNo, year, cachedAt: person.cachedAt },
      BaseRow,
    );
    let acc: Accumulators = person.accumulators ?? {};
    let balance = person.accountBalance;
    for (const r of rows) {
      acc = combine(acc, r.delta);
      balance -= r.accountPay;
    }
    const unknown = this.deps.outbox.openForPerson(person.psnNo).filter((o) => o.attempts > 0).length;
    let basis: SplitBasis = { kind: 'center', unresolved: 0 };
    if (unknown > 0) {
      const local = value(this.core.db, 'SELECT accumulators FROM person_accumulators WHERE psn_no = :psnNo AND year = :year', { psnNo: person.psnNo, year }, accumulatorsJson);
      if (local) acc = local;
      basis = { kind: 'local', unresolved: unknown };
    }
    const { value: base, raised } = nonNegative(acc);
    if (raised.length) this.core.log.warn('settlement base: negative running totals raised to zero', { psnNo: person.psnNo, year, keys: raised });
    // The balance stays the lower of the two readings (an unknown account payment counted as
    // made): an account is never overdrawn, the difference is paid in cash.
    return { accumulators: base, accountBalance: Math.max(0, balance), basis };
  }

  /**
   * The receipt's print job, written inside the settlement's transaction under a savepoint: a
   * receipt that cannot be built or queued is logged and the settlement still commits (the
   * cashier can reprint); a disk that cannot write fails the whole settlement, as it should.
   */
  private queueReceipt(id: string, operator: OperatorView, view: SettlementView, held?: { form: ReceiptForm; holdUntil: Date }): QueuedReceipt | null {
    try {
      const data = receiptFor(this.core, view, operator.name, false, held?.form);
      this.receiptSavepoint ??= this.core.db.transaction((sid: string, d: ReceiptDataPort, holdUntil: Date | undefined) =>
        this.deps.devices.queueReceipt(sid, d, { copy: false, ...(holdUntil ? { holdUntil } : {}) }),
      );
      return this.receiptSavepoint(id, data, held?.holdUntil);
    } catch (e) {
      this.core.log.warn('receipt could not be queued', { settlementId: id, error: String(e) });
      return null;
    }
  }
}

// ---- rows ------------------------------------------------------------------------------------

interface NewRow {
  id: string;
  now: Date;
  operatorId: string;
  shiftId: string;
  person: PersonView;
  certType: string;
  certNo: string;
  visit: { visitType: string; hospitalLevel: number; date: string; diagnoses: string[]; useAccount: boolean };
  scheme: string;
  policySeq: number;
  policyVersion: string;
  online: boolean;
  /** Split on the local view while an earlier outcome is unknown: provisional even online. */
  localBasis?: boolean;
  state: 'provisional' | 'confirmed';
  refundOf: string | null;
  refundReason: string | null;
  supervisorId: string | null;
  manualEntryReason: string | null;
  billId: string | null;
  money: Money;
  explanation: unknown;
  before: Accumulators;
  after: Accumulators;
  delta: Accumulators;
  selfPay?: boolean;
  tender?: { cashReceived: number | null; change: number | null };
  accountBalanceBefore?: number | null;
}

function insertSettlement(core: CoreApp, r: NewRow): void {
  const at = r.now.toISOString();
  insertInto(core.db, 'settlements', {
    id: r.id,
    created_at: at,
    created_day: chinaDate(r.now),
    visit_date: r.visit.date,
    operator_id: r.operatorId,
    shift_id: r.shiftId,
    psn_no: r.person.psnNo,
    psn_name: r.person.name,
    cert_type: r.certType,
    cert_no: r.certNo,
    insutype: r.person.insutype,
    psn_type: r.person.psnType ?? '',
    insurance_type: r.person.insuranceType,
    person_group: r.person.personGroup,
    visit_type: r.visit.visitType,
    hospital_level: r.visit.hospitalLevel,
    diagnoses: JSON.stringify(r.visit.diagnoses),
    use_account: r.visit.useAccount ? 1 : 0,
    scheme: r.scheme,
    policy_seq: r.policySeq,
    policy_version: r.policyVersion,
    online: r.online ? 1 : 0,
    provisional: (r.online && !r.localBasis) || r.refundOf || r.selfPay ? 0 : 1,
    state: r.state,
    refund_of: r.refundOf,
    refund_reason: r.refundReason,
    supervisor_id: r.supervisorId,
    manual_entry_reason: r.manualEntryReason,
    bill_id: r.billId,
    ...Object.fromEntries(MONEY_FIELDS.map(([col, key]) => [col, r.money[key]])),
    explanation: JSON.stringify(r.explanation),
    person_snapshot: JSON.stringify(r.person),
    accumulators_before: JSON.stringify(r.before),
    accumulators_after: JSON.stringify(r.after),
    accumulators_delta: JSON.stringify(r.delta),
    updated_at: at,
    self_pay: r.selfPay ? 1 : 0,
    cash_received: r.tender?.cashReceived ?? null,
    change_given: r.tender?.change ?? null,
    account_balance_before: r.accountBalanceBefore ?? null,
  });
}

/** A settled line as settlement_lines keeps it: what was billed and how the split took it. */
interface NewLine {
  lineNo: number;
  code: string;
  name: string;
  unitPrice: string;
  quantity: string;
  ownPay: boolean;
  /** The split's figures of the line (a self-pay line: all of it own pay, reason 'selfPay'). */
  split: Pick<SplitLine, 'amount' | 'fullOwnPay' | 'overLimitSelfPay' | 'preSelfPay' | 'eligible'> & { class: string; reason?: string | undefined };
}

function insertLines(db: Db, settlementId: string, lines: readonly NewLine[]): void {
  for (const l of lines) {
    insertInto(db, 'settlement_lines', {
      settlement_id: settlementId,
      line_no: l.lineNo,
      code: l.code,
      name: l.name,
      class: l.split.class,
      unit_price: l.unitPrice,
      quantity: l.quantity,
      own_pay: l.ownPay ? 1 : 0,
      reason: l.split.reason ?? null,
      amount: l.split.amount,
      full_own_pay: l.split.fullOwnPay,
      over_limit_self_pay: l.split.overLimitSelfPay,
      pre_self_pay: l.split.preSelfPay,
      eligible: l.split.eligible,
    });
  }
}

function upsertLocalAccumulators(core: CoreApp, psnNo: string, year: string, acc: Accumulators, settlementId: string, now: Date): void {
  insertInto(
    core.db,
    'person_accumulators',
    { psn_no: psnNo, year, accumulators: JSON.stringify(acc), settlement_id: settlementId, updated_at: now.toISOString() },
    'ON CONFLICT (psn_no, year) DO UPDATE SET accumulators = excluded.accumulators, settlement_id = excluded.settlement_id, updated_at = excluded.updated_at',
  );
}

/** S + yyyyMMddHHmmss (China time) + 8 random base-32 chars: unique without coordination. */
function newSettlementId(now: Date): string {
  const stamp = chinaDateTime(now).replace(/[- :]/g, '');
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const rnd = [...randomBytes(8)].map((b) => alphabet[b % 32]).join('');
  return `S${stamp}${rnd}`;
}

const yuan = fenToYuan;

/** What a split was based on: the center's view of the year, or the local one (see baseFor). */
export interface SplitBasis {
  kind: 'center' | 'local';
  /** The person's messages sent without an answer yet (unknown outcome). */
  unresolved: number;
}

function basisText(b: SplitBasis): string {
  return `该参保人有 ${b.unresolved} 笔上传中心尚未答复（结果未知）：本次按本机累计（已含该笔）计算，为暂定结算，中心答复后核对`;
}

/** Every running total at least zero; the keys that were below zero. */
function nonNegative(a: Accumulators): { value: Accumulators; raised: string[] } {
  const value: Accumulators = {};
  const raised: string[] = [];
  for (const [k, v] of Object.entries(a)) {
    if (typeof v === 'number') {
      if (v < 0) raised.push(k);
      value[k] = Math.max(0, v);
    } else if (v && typeof v === 'object') {
      if (v.eligible < 0 || v.fundPaid < 0) raised.push(k);
      value[k] = { eligible: Math.max(0, v.eligible), fundPaid: Math.max(0, v.fundPaid) };
    } else value[k] = v;
  }
  return { value, raised };
}

export function warningsFor(split: SplitResult, items: { code: string; ownPay?: boolean | undefined }[]): LineWarning[] {
  const out: LineWarning[] = [];
  split.items.forEach((l, i) => {
    const lineNo = i + 1;
    if (l.reason === 'ownPay') out.push({ lineNo, code: l.code, kind: 'ownPay', text: '按自费结算' });
    else if (l.reason === 'restriction') out.push({ lineNo, code: l.code, kind: 'restriction', text: '不符合限定支付条件，按自费（丙类）结算' });
    else if (l.class === 'C' && !items[i]?.ownPay) out.push({ lineNo, code: l.code, kind: 'classC', text: '丙类项目，全部自费' });
    if (l.overLimitSelfPay > 0) out.push({ lineNo, code: l.code, kind: 'overLimit', text: `单价超过限价，超限部分 ${yuan(l.overLimitSelfPay)} 元自付` });
    if (l.preSelfPay > 0) out.push({ lineNo, code: l.code, kind: 'preSelfPay', text: `乙类先行自付 ${yuan(l.preSelfPay)} 元` });
  });
  return out;
}
