// Sends a stay's center steps from the stay queue (outbox/stay-queue.ts) through the center's
// inpatient adapter (electron/center/inpatient/, both protocols), with the outbox's rules: each
// stay's steps in commit order, claimed before they leave, busy / no answer sent again under the
// SAME msgid, each answer applied in one transaction with its row. What an answer means:
//   2401 → the stay's mdtrt_id (later steps wait for it and carry it);
//   2304 → the journal row's upload record and the center's figures (adjustments where they
//          differ), as a 2207's answer is applied (outbox/outcome.ts);
//   2305 → the journal's refund row is done;
//   a refusal of 2304 marks the journal row rejected; other refusals are shown on the stay.
import type { StayEstimate } from '../api/contract/inpatient';
import type { CoreApp } from '../app/core';
import type { InpatientOutcome, StaySettlement } from '../center/inpatient/client';
import type { CenterOutcome } from '../center/wire/envelope';
import { backoffDelay, DEFAULT_BACKOFF } from '../outbox/backoff';
import { outboxStore as outboxStoreOf } from '../outbox/store';
import { isFinalRejection, retryOf } from '../outbox/side-queue';
import type { StayQueue, StayStepKind, StayStepRow } from '../outbox/stay-queue';
import { diffAgainstCenter } from '../settlement/mapping';
import { confirmRefundRow, markSettlementRejected, recordCenterAgreement, settlementMoney } from '../settlement/owner';
import type { StayRow, StayStore } from './stays';

/** One step as the adapter takes it: the facts written at commit, the stay's mdtrt_id filled in now. */
export interface StayStepMessage {
  kind: StayStepKind;
  infno: string;
  msgid: string;
  facts: Record<string, unknown>;
  centerStayId: string | null;
}

/** The center's inpatient adapter as the sender calls it (wired in part.ts). */
export interface StayCenterAdapter {
  send(step: StayStepMessage, opts: { timeoutMs?: number }): Promise<CenterOutcome>;
  /** 2303, a direct call (not queued): the center's figures in fen. */
  preSettle(facts: Record<string, unknown>, opts: { timeoutMs: number }): Promise<InpatientOutcome<StaySettlement>>;
}

interface SenderDeps {
  queue: StayQueue;
  center: { isOnline(): boolean; client: { newMsgId(): string } };
}

/** How long a pre-settlement waits for 2303 before the local estimate is shown. */
const PRESETTLE_TIMEOUT_MS = 5_000;
const TICK_MS = 5_000;

function objectOr(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export class StaySender {
  private adapter: StayCenterAdapter | null = null;
  private stays: StayStore | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private again = false;
  private closed = false;
  private readonly outbox;

  constructor(
    private readonly core: CoreApp,
    private readonly deps: SenderDeps,
  ) {
    this.outbox = outboxStoreOf(core.db);
  }

  setStays(stays: StayStore): void {
    this.stays = stays;
  }

  /** The center's inpatient adapter; until it is set, steps stay queued (nothing is lost). */
  setAdapter(adapter: StayCenterAdapter | null): void {
    this.adapter = adapter;
  }

  hasAdapter(): boolean {
    return this.adapter !== null;
  }

  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.kick(), TICK_MS);
    this.timer.unref?.();
    this.kick();
  }

  /** Send what is due now, in the background; a kick while a round runs asks for one more. */
  kick(): void {
    if (this.closed || !this.adapter) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((e: unknown) => this.core.log.warn('stay sender: round failed', { error: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        this.running = null;
        if (this.again && !this.closed) {
          this.again = false;
          this.kick();
        }
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * Rounds of the due steps (one per stay, in commit order) until none is due or a round makes
   * no progress (busy / unknown wait for their backoff). Never throws for an answer.
   */
  async drain(opts: { maxRounds?: number } = {}): Promise<{ done: number; rejected: number; retrying: number; remaining: number }> {
    const out = { done: 0, rejected: 0, retrying: 0, remaining: 0 };
    const adapter = this.adapter;
    if (adapter && this.stays) {
      for (let round = 0; round < (opts.maxRounds ?? 50); round++) {
        const rows = this.deps.queue.due(20);
        if (rows.length === 0) break;
        let progressed = false;
        for (const row of rows) {
          const r = await this.sendOne(adapter, row);
          if (r === 'done') out.done++;
          else if (r === 'rejected') out.rejected++;
          else if (r === 'retrying') out.retrying++;
          if (r === 'done' || r === 'rejected') progressed = true;
        }
        if (!progressed) break;
      }
    }
    out.remaining = this.deps.queue.openCount();
    return out;
  }

  private async sendOne(adapter: StayCenterAdapter, row: StayStepRow): Promise<'done' | 'rejected' | 'retrying' | 'skipped'> {
    const stays = this.stays!;
    const stay = stays.get(row.stay_id);
    const retryAt = new Date(this.core.clock.now().getTime() + 60_000 + backoffDelay(row.attempts + 1, DEFAULT_BACKOFF));
    if (!stay) return 'skipped';
    let facts: Record<string, unknown>;
    try {
      facts = objectOr(JSON.parse(row.payload));
    } catch {
      // Held and shown, never sent as {} (as the outbox worker does with a damaged payload).
      this.deps.queue.retry(row.id, 'unknown', '待上传报文已损坏（无法解析），未发送', retryAt);
      return 'retrying';
    }
    if (row.kind !== 'admit' && !stay.center_stay_id) {
      // Steps wait for the admission's mdtrt_id; their stay's 2401 comes first in id order, so
      // getting here means the center refused the admission (or answered without an id).
      const admit = this.deps.queue.forStay(stay.id).find((s) => s.kind === 'admit');
      if (admit?.state === 'rejected') {
        this.core.db.transaction(() => {
          if (this.deps.queue.reject(row.id, `入院登记被中心拒绝，未发送：${admit.last_error ?? ''}`, null) && row.kind === 'settle') markSettlementRejected(this.core.db, row.ref, this.core.clock.now().toISOString());
        })();
        return 'rejected';
      }
      this.deps.queue.retry(row.id, 'queued', '等待入院登记的中心就诊号（mdtrt_id）', retryAt);
      return 'retrying';
    }
    if (!this.deps.queue.claim(row.id, retryAt)) return 'skipped';
    const o = await adapter
      .send({ kind: row.kind, infno: row.infno, msgid: row.msgid, facts, centerStayId: stay.center_stay_id }, {})
      .catch((e: unknown): CenterOutcome => ({ kind: 'unknown', msgid: row.msgid, reason: e instanceof Error ? e.message : String(e) }));
    return this.apply(row, stay, o);
  }

  /** The answer and its meaning, one transaction; a row already resolved takes nothing. */
  apply(row: StayStepRow, stay: StayRow, o: CenterOutcome): 'done' | 'rejected' | 'retrying' {
    const db = this.core.db;
    const now = this.core.clock.now();
    const later = new Date(now.getTime() + backoffDelay(row.attempts + 1, DEFAULT_BACKOFF));
    return db.transaction((): 'done' | 'rejected' | 'retrying' => {
      if (o.kind === 'success') {
        if (!this.deps.queue.resolve(row.id, { refmsgid: o.refmsgid, output: o.output ?? null })) return 'done';
        const output = objectOr(o.output);
        if (row.kind === 'admit') {
          const id = output['mdtrt_id'] ?? output['centerStayId'] ?? objectOr(output['data'])['mdtrt_id'];
          if (typeof id === 'string' && id) this.stays!.setCenterStayId(stay.id, id);
        } else if (row.kind === 'settle') {
          const setlinfo = objectOr(output['setlinfo'] ?? output);
          const diffs = diffAgainstCenter(settlementMoney(db, row.ref), setlinfo);
          const state = diffs.length ? 'adjusted' : 'confirmed';
          const outboxId = this.outbox.recordStayAnswer({ settlementId: row.ref, kind: 'upload', infno: '2304', msgid: row.msgid, psnNo: row.psn_no, state, response: { refmsgid: o.refmsgid, output: o.output ?? null }, now });
          const setlId = output['setl_id'] ?? setlinfo['setl_id'];
          recordCenterAgreement(db, { settlementId: row.ref, outboxId, state, diffs, setlId: typeof setlId === 'string' ? setlId : null, mdtrtId: stay.center_stay_id, now: now.toISOString() });
          if (state === 'adjusted') this.core.audit.append({ action: 'inpatient.settlementAdjusted', subject: row.ref, detail: { msgid: row.msgid, fields: diffs } });
        } else if (row.kind === 'cancelSettlement') {
          const refundId = objectOr(JSON.parse(row.payload))['refundId'];
          if (typeof refundId === 'string') {
            const outboxId = this.outbox.recordStayAnswer({ settlementId: refundId, kind: 'cancel', infno: '2305', msgid: row.msgid, psnNo: row.psn_no, state: 'confirmed', response: { refmsgid: o.refmsgid, output: o.output ?? null }, now });
            confirmRefundRow(db, { id: refundId, outboxId, diffs: [], now: now.toISOString() });
          }
        }
        return 'done';
      }
      if (isFinalRejection(o)) {
        if (!this.deps.queue.reject(row.id, o.message, o.output ?? null)) return 'rejected';
        if (row.kind === 'settle') markSettlementRejected(db, row.ref, now.toISOString());
        this.core.audit.append({ action: 'inpatient.stepRejected', subject: stay.id, detail: { kind: row.kind, infno: row.infno, msgid: row.msgid, code: o.code ?? null, reason: o.message } });
        return 'rejected';
      }
      const r = retryOf(o);
      this.deps.queue.retry(row.id, r.state, r.why, later);
      return 'retrying';
    })();
  }

  /**
   * 2303 online: the center's figures for the stay so far (short timeout). Falls back (the caller
   * shows the local estimate, marked) when there is no adapter, the center is away, busy, or
   * refuses; the reason comes back in words.
   */
  async preSettle(stay: StayRow, local: StayEstimate, o: { midStay: boolean; useAccount: boolean }): Promise<{ ok: true; money: StayEstimate['money']; total: number } | { ok: false; code: string; message: string }> {
    if (!this.adapter) return { ok: false, code: 'CENTER_UNAVAILABLE', message: '本机尚未接入中心的住院接口' };
    if (!this.deps.center.isOnline()) return { ok: false, code: 'CENTER_UNAVAILABLE', message: '医保中心未连接' };
    if (this.deps.queue.openCount(stay.id) > 0) return { ok: false, code: 'CENTER_UNAVAILABLE', message: '这次住院还有未上传完的费用或登记' };
    const out = await this.adapter
      .preSettle(
        { stayId: stay.id, msgid: this.deps.center.client.newMsgId(), psnNo: stay.psn_no, centerStayId: stay.center_stay_id, certType: stay.cert_type, certNo: stay.cert_no, insutype: stay.insutype, total: local.total, midStay: o.midStay, useAccount: o.useAccount },
        { timeoutMs: PRESETTLE_TIMEOUT_MS },
      )
      .catch((e: unknown): InpatientOutcome<StaySettlement> => ({ kind: 'unknown', msgid: '', reason: e instanceof Error ? e.message : String(e) }));
    if (out.kind === 'success') {
      const a = out.value.amounts;
      return { ok: true, total: a.total, money: { fund: a.fundPay, criticalIllness: a.criticalIllnessPay, account: a.accountPay, cash: a.cashPay, personal: a.personalTotal } };
    }
    if (out.kind === 'rejected') return { ok: false, code: 'CENTER_REJECTED', message: `中心拒绝预结算：${out.message}` };
    if (out.kind === 'busy') return { ok: false, code: 'CENTER_BUSY', message: '中心繁忙' };
    return { ok: false, code: 'CENTER_UNREACHABLE', message: '中心未答复' };
  }
}
