// What every call of the hospital window works with: the core, the part's dependencies, the
// three stores, and the guards and the step queueing each call starts or ends with. The calls
// themselves are in admission.ts, deposit-desk.ts, fee-entry.ts, discharge.ts, estimate.ts,
// settle.ts, cancel-settlement.ts and stay-view.ts; service.ts gathers them.
import type { OperatorView } from '../api/contract/auth';
import type { StayEstimate, StayState } from '../api/contract/inpatient';
import { AppError } from '../api/result';
import type { CoreApp } from '../app/core';
import type { CenterPart } from '../center/part';
import type { DevicesPart } from '../devices/part';
import type { StayQueue, StayStepKind } from '../outbox/stay-queue';
import type { PolicyPart } from '../policy/part';
import type { SettlementPart } from '../settlement/part';
import type { ShiftPart } from '../shift/part';
import { DepositStore } from './deposits';
import { FeeStore } from './fees';
import { StayStore, type StayRow } from './stays';

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

const STATE_WORDS: Record<StayState, string> = { admitted: '在院', discharged: '已出院', settled: '已结算', cancelled: '已撤销' };

export class StayDesk {
  readonly stays: StayStore;
  readonly fees: FeeStore;
  readonly deposits: DepositStore;

  constructor(
    readonly core: CoreApp,
    readonly deps: InpatientDeps,
  ) {
    this.stays = new StayStore(core.db);
    this.fees = new FeeStore(core.db);
    this.deposits = new DepositStore(core.db);
  }

  /** Queue the stay's center step, inside the caller's transaction. */
  enqueue(stay: StayRow, kind: StayStepKind, ref: string, input: object): void {
    this.deps.queue.enqueueStayStep({ stayId: stay.id, kind, ref, msgid: this.deps.center.client.newMsgId(), psnNo: stay.psn_no, input });
  }

  requireStay(stayId: string): StayRow {
    const s = this.stays.get(stayId);
    if (!s) throw new AppError('STAY_NOT_FOUND', `找不到住院 ${stayId}`, { stayId });
    return s;
  }

  requireState(stayId: string, states: StayState[], code: 'STAY_NOT_ADMITTED' | 'STAY_NOT_DISCHARGED' | 'STAY_NOT_OPEN'): StayRow {
    const s = this.requireStay(stayId);
    if (!states.includes(s.state)) throw new AppError(code, `住院 ${stayId} 当前状态为 ${STATE_WORDS[s.state]}，不能进行此操作。`, { stayId, state: s.state });
    return s;
  }

  /** Discharge settlement: discharged; mid-stay: admitted (where the region allows it). With unsettled fees. */
  requireSettleable(stayId: string, midStay: boolean): StayRow {
    if (midStay && !this.core.settings.inpatientMidStaySettlement) throw new AppError('STAY_MID_SETTLEMENT_OFF', '本地区不允许中途结算：请出院后结算。', { stayId });
    const stay = midStay ? this.requireState(stayId, ['admitted'], 'STAY_NOT_ADMITTED') : this.requireState(stayId, ['discharged'], 'STAY_NOT_DISCHARGED');
    if (this.fees.unsettled(stayId).length === 0) throw new AppError('STAY_NO_FEES', '这次住院没有未结算的费用。', { stayId });
    return stay;
  }

  requireShift(operator: OperatorView): string {
    const shiftId = this.deps.shift.currentShiftId(operator.id);
    if (!shiftId) throw new AppError('SHIFT_NOT_OPEN', '当前操作员没有打开的班次：请先开班。', { operatorId: operator.id });
    return shiftId;
  }
}
