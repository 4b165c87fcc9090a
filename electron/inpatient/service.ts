// The hospital window's work (issue 19, docs/INPATIENT.md), gathered for the handlers: each call
// is one line into the module that does it — admission.ts (admit, change, cancel admission),
// deposit-desk.ts, fee-entry.ts, discharge.ts, estimate.ts (estimate, pre-settlement),
// settle.ts, cancel-settlement.ts, stay-view.ts and overview.ts (reads). Every change is ONE
// transaction with its audit and, where the center must hear of it, its step in the stay queue
// (outbox/stay-queue.ts; sent by inpatient/sender.ts after commit). desk.ts holds what they share.
import type { OperatorView } from '../api/contract/auth';
import type { InpatientOverview, StayEstimate, StaySettlementView, StayState, StaySummary, StayView } from '../api/contract/inpatient';
import type { CoreApp } from '../app/core';
import { admit, cancelAdmission, change } from './admission';
import { cancelSettlement } from './cancel-settlement';
import { deposit, refundDeposit } from './deposit-desk';
import { StayDesk, type InpatientDeps } from './desk';
import { discharge, undoDischarge } from './discharge';
import { estimate, preSettle } from './estimate';
import { addFees, revokeFees } from './fee-entry';
import { inpatientOverview } from './overview';
import { settle } from './settle';
import { staySummary, stayView } from './stay-view';
import type { DepositStore } from './deposits';
import type { FeeStore } from './fees';
import type { StayStore } from './stays';

export type { InpatientDeps };

/** The arguments of a call after the desk. */
type ArgsOf<F> = F extends (desk: StayDesk, ...args: infer A) => unknown ? A : never;

export class InpatientService {
  private readonly desk: StayDesk;
  readonly stays: StayStore;
  readonly fees: FeeStore;
  readonly deposits: DepositStore;

  constructor(core: CoreApp, deps: InpatientDeps) {
    this.desk = new StayDesk(core, deps);
    this.stays = this.desk.stays;
    this.fees = this.desk.fees;
    this.deposits = this.desk.deposits;
  }

  admit(...a: ArgsOf<typeof admit>): Promise<StayView> {
    return admit(this.desk, ...a);
  }
  change(...a: ArgsOf<typeof change>): StayView {
    return change(this.desk, ...a);
  }
  cancelAdmission(stayId: string, reason: string, operator: OperatorView, supervisor: OperatorView): StayView {
    return cancelAdmission(this.desk, stayId, reason, operator, supervisor);
  }
  deposit(...a: ArgsOf<typeof deposit>): ReturnType<typeof deposit> {
    return deposit(this.desk, ...a);
  }
  refundDeposit(...a: ArgsOf<typeof refundDeposit>): ReturnType<typeof refundDeposit> {
    return refundDeposit(this.desk, ...a);
  }
  addFees(...a: ArgsOf<typeof addFees>): StayView {
    return addFees(this.desk, ...a);
  }
  revokeFees(...a: ArgsOf<typeof revokeFees>): StayView {
    return revokeFees(this.desk, ...a);
  }
  discharge(...a: ArgsOf<typeof discharge>): StayView {
    return discharge(this.desk, ...a);
  }
  undoDischarge(stayId: string, reason: string, operator: OperatorView, supervisor: OperatorView): StayView {
    return undoDischarge(this.desk, stayId, reason, operator, supervisor);
  }
  estimate(stayId: string, useAccount = true): Promise<StayEstimate> {
    return estimate(this.desk, stayId, useAccount);
  }
  preSettle(...a: ArgsOf<typeof preSettle>): Promise<StayEstimate> {
    return preSettle(this.desk, ...a);
  }
  settle(...a: ArgsOf<typeof settle>): Promise<StaySettlementView> {
    return settle(this.desk, ...a);
  }
  cancelSettlement(...a: ArgsOf<typeof cancelSettlement>): StayView {
    return cancelSettlement(this.desk, ...a);
  }

  list(state: StayState | 'open' | undefined): StaySummary[] {
    return this.stays.list(state).map((s) => staySummary(this.desk, s));
  }
  get(stayId: string): StayView {
    this.desk.requireStay(stayId);
    return stayView(this.desk, stayId);
  }
  view(stayId: string): StayView {
    return stayView(this.desk, stayId);
  }
  overview(): InpatientOverview {
    return inpatientOverview(this.desk);
  }
}
