// Monthly clearing (issue 17; docs/CLEARING.md): the supervisor prepares the month's application
// per clearing type from the reconciled settlements, sees it, sends it (3203), may cancel it
// (3204), and learns when the fund paid it (3205), which pays the settlements' receivables.
//
// Safe on lost answers: each message's msgid is stored (clearing-store.ts) BEFORE it is sent,
// and an exchange without a clear answer leaves the application `sending` / `cancelling` with
// that msgid; the next send / cancel sends the SAME msgid again, and the center (which keeps its
// first answer per msgid) answers what it did the first time. A refusal frees the msgid (the
// next try is a new message); a busy answer changed nothing at the center and keeps it.
import type { ClearingApplicationView, ClearingMonth, SettlementTrace } from '../api/contract/clearing';
import { CLR_TYPES } from '../api/contract/clearing';
import { AppError } from '../api/result';
import { chinaDate } from '../app/clock';
import type { CoreApp } from '../app/core';
import type { SendOptions } from '../center/client';
import { apply3203, apply3203Output, cancel3204, cancel3204Output, CLEARING_INFNO, CLR_STAS, status3205, status3205Output } from '../center/wire/clearing';
import type { CenterOutcome } from '../center/wire/envelope';
import { ClearingStore, lastErrorText, monthDays, totalsOf, viewOf, type ClearingRow } from './clearing-store';
import type { Receivables } from './receivables';
import type { Reconciler } from './reconcile';
import type { z } from 'zod';

/** One center exchange under a given msgid, in whichever protocol the app speaks. */
export interface ClearingPort {
  protocol: 'simple' | 'national';
  send(infno: string, input: object, opts: SendOptions): Promise<CenterOutcome>;
  newMsgId(): string;
}

type Operator = { id: string; name: string };

export class Clearing {
  readonly store: ClearingStore;

  constructor(
    private readonly core: CoreApp,
    private readonly port: (operator: Operator) => ClearingPort | null,
    private readonly receivables: Receivables,
    private readonly reconciler: Reconciler,
  ) {
    this.store = new ClearingStore(core.db);
  }

  month(setlym: string): ClearingMonth {
    const stages = this.store.stages(setlym);
    const today = chinaDate(this.core.clock.now());
    return {
      setlym,
      monthOpen: today.slice(0, 7).replace('-', '') <= setlym,
      types: CLR_TYPES.map((clrType) => ({
        clrType,
        candidates: totalsOf(this.store.candidates(setlym, clrType)),
        stages: stages.get(clrType) ?? { queued: 0, uploaded: 0, reconciled: 0, applied: 0, paid: 0 },
      })),
      applications: this.store.list(setlym).map(viewOf),
    };
  }

  /** Compute (again) the month's application of one clearing type from what is reconciled now. */
  prepare(setlym: string, clrType: string, op: Operator): ClearingApplicationView {
    const rows = this.store.candidates(setlym, clrType);
    const missing = rows.find((r) => !r.center_setl_id);
    if (missing) throw new AppError('CLEARING_NOT_ALLOWED', `结算 ${missing.id} 没有中心结算编号，不能申报清算。`);
    return viewOf(this.store.prepare(setlym, clrType, rows, op.id, this.core.clock.now().toISOString()));
  }

  /** Send (3203) a prepared application; an application whose 3203 went unanswered is asked again under its msgid. */
  async send(id: string, op: Operator): Promise<ClearingApplicationView> {
    let app = this.store.get(id);
    if (app.state === 'sent' || app.state === 'paid') return viewOf(app);
    if (app.state !== 'prepared' && app.state !== 'sending') throw new AppError('CLEARING_NOT_ALLOWED', `清算申请 ${id} 已${app.state === 'cancelled' ? '撤销' : '在撤销中'}，不能发送。`);
    const port = this.requirePort(op);
    if (app.state === 'prepared') {
      // What the supervisor saw must still be what is reconciled: else they would send something unseen.
      const now = this.store.candidates(app.setlym, app.clr_type).map((r) => r.id).join('\n');
      if (now !== this.store.items(id).map((r) => r.settlement_id).join('\n')) throw new AppError('CLEARING_STALE', `清算申请 ${id} 生成后对账结果有变化，请重新生成并核对后再发送。`);
      this.store.beginSend(id, port.newMsgId());
      app = this.store.get(id);
    }
    const { first, last } = monthDays(app.setlym);
    const endOfMonth = lastDayOf(app.setlym);
    const input = apply3203(
      { setlym: app.setlym, clrType: app.clr_type, psntime: app.psntime, medfee: app.medfee_sumamt, fund: app.fund_appy_sum, account: app.acct_pay, cash: app.cash_payamt, begndate: first, enddate: last.slice(0, 8) + endOfMonth },
      port.protocol === 'simple' ? this.store.items(id).map((r) => r.center_setl_id ?? r.settlement_id) : undefined,
    );
    const outcome = await port.send(CLEARING_INFNO.apply, input, { msgid: app.send_msgid!, timeoutMs: 60_000 });
    const answer = this.answerOf(outcome, apply3203Output, id, '3203', (msg) => this.store.sendRefused(id, msg));
    this.store.sent(id, answer.clrinfo.clr_appy_evt_id, this.core.clock.now().toISOString());
    return viewOf(this.store.get(id));
  }

  /** Cancel: a prepared one locally; a sent one through 3204 (asked again under its msgid after a lost answer). */
  async cancel(id: string, op: Operator): Promise<ClearingApplicationView> {
    let app = this.store.get(id);
    const at = () => this.core.clock.now().toISOString();
    if (app.state === 'cancelled') return viewOf(app);
    if (app.state === 'paid') throw new AppError('CLEARING_NOT_ALLOWED', `清算申请 ${id} 已拨付，不能撤销。`);
    if (app.state === 'prepared') {
      this.store.cancelled(id, op.id, at());
      return viewOf(this.store.get(id));
    }
    // A 3203 without an answer must be settled first: the center may hold it.
    if (app.state === 'sending') app = this.store.get((await this.send(id, op)).id);
    const port = this.requirePort(op);
    if (app.state === 'sent') {
      this.store.beginCancel(id, port.newMsgId());
      app = this.store.get(id);
    }
    const outcome = await port.send(CLEARING_INFNO.cancel, cancel3204(app.center_appy_id!, app.clr_type), { msgid: app.cancel_msgid!, timeoutMs: 60_000 });
    this.answerOf(outcome, cancel3204Output, id, '3204', (msg) => this.store.cancelRefused(id, msg));
    this.store.cancelled(id, op.id, at());
    return viewOf(this.store.get(id));
  }

  /** Ask the center (3205) about every sent application; a paid one pays its settlements' receivables. */
  async refresh(op: Operator): Promise<ClearingApplicationView[]> {
    const out: ClearingApplicationView[] = [];
    for (const app of this.store.inState('sent')) {
      const port = this.requirePort(op);
      // A query changes nothing at the center: a new msgid each time.
      const outcome = await port.send(CLEARING_INFNO.status, status3205(app.center_appy_id!), { timeoutMs: 30_000 });
      const answer = this.answerOf(outcome, status3205Output, app.id, '3205', () => undefined);
      if (answer.clrinfo.clr_stas === CLR_STAS.paid) this.markPaid(app, answer.clrinfo.paid_time ?? this.core.clock.now().toISOString());
      out.push(viewOf(this.store.get(app.id)));
    }
    return out;
  }

  trace(settlementId: string): SettlementTrace {
    const app = this.store.applicationOf(settlementId);
    const byNotice = this.receivables.statusOf(settlementId);
    const stage = byNotice === 'paid' || byNotice === 'deducted' ? 'paid' : this.store.stageOf(settlementId);
    if (stage === undefined) throw new AppError('SETTLEMENT_NOT_FOUND', `没有结算 ${settlementId}。`);
    return {
      settlementId,
      stage,
      reconciled: this.reconciler.reconciledOf(settlementId),
      application: app ? { id: app.id, state: app.state, sentAt: app.sent_at, paidAt: app.paid_at } : null,
    };
  }

  private markPaid(app: ClearingRow, paidAt: string): void {
    this.core.db.transaction(() => {
      this.store.paid(app.id, paidAt);
      this.receivables.recordClearingPaid(app.id, this.store.items(app.id), paidAt);
    })();
  }

  private requirePort(op: Operator): ClearingPort {
    const port = this.port(op);
    if (!port) throw new AppError('CENTER_UNAVAILABLE', '医保中心接口未配置，无法申报清算。');
    return port;
  }

  /**
   * The answer of a finished exchange, or an AppError. A refusal is recorded by `refused` (the
   * msgid is spent); busy and unknown leave the state and msgid as they are, so the next try
   * asks the center again under the same msgid.
   */
  private answerOf<T>(outcome: CenterOutcome, schema: z.ZodType<T>, id: string, infno: string, refused: (error: string) => void): T {
    // The application keeps the error as its code and facts (lastErrorText), so the supervisor's
    // window words it in its own language; the Chinese message is only the last resort.
    const fail = (error: AppError, record: (text: string) => void): never => {
      record(lastErrorText(error));
      throw error;
    };
    const note = (text: string) => this.store.noteError(id, text);
    switch (outcome.kind) {
      case 'success': {
        const r = schema.safeParse(outcome.output);
        if (r.success) return r.data;
        return fail(new AppError('CENTER_BAD_ANSWER', `中心 ${infno} 的应答格式不正确；再次操作会以同一报文号询问中心。`, { infno }), note);
      }
      case 'rejected':
        return fail(new AppError('CENTER_REJECTED', `中心拒绝了 ${infno}：${outcome.message}`, { infno, code: outcome.code, message: outcome.message }), refused);
      case 'busy':
        return fail(new AppError('CENTER_BUSY', `中心繁忙（${infno}）：请稍后再试，会以同一报文号询问中心。`, { infno }), note);
      case 'unknown':
        return fail(new AppError('CENTER_UNREACHABLE', `${infno} 没有得到明确应答（${outcome.reason}）。结果未知：再次操作会以同一报文号向中心询问，不会重复申报。`, { infno, reason: outcome.reason }), note);
      default: {
        const unhandled: never = outcome;
        throw new AppError('INTERNAL', `未处理的中心应答类型：${JSON.stringify(unhandled).slice(0, 80)}`);
      }
    }
  }
}

/** The month's last day's two digits (yyyyMM). */
function lastDayOf(setlym: string): string {
  const y = Number(setlym.slice(0, 4));
  const m = Number(setlym.slice(4, 6));
  return String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0');
}
