// The patient at the window and the bill being built: one zustand store so card reads (events),
// function keys and the panels all see the same state.
import { create } from 'zustand';
import type { CertType, PersonView } from '../../../electron/api/contract/center';
import type { PendingBillView, SettlementPreview, SettlementView, TraceRules } from '../../../electron/api/contract/settlement';
import type { CardFailed } from '../../../electron/api/contract/events';
import type { ApiError } from '../../../electron/api/result';
import { emptyBill, type Bill } from '../lib/bill';

export type { CertType };
export type ManualReason = 'reader-fault' | 'card-damaged' | 'no-card';
export type VisitType = 'outpatient' | 'chronic' | 'inpatient';

export interface Credential {
  certType: CertType;
  certNo: string;
  cardSn?: string;
}

/** What the confirm step agreed with the patient: sent with the settle (and again after a supervisor's approval). */
export interface Tender {
  cashReceived: number;
  selfPay: boolean;
  patientName?: string;
}

export interface CashierState {
  credential: Credential | null;
  /** Set when the number was typed in because a card would not read. */
  manualReason: ManualReason | null;
  person: PersonView | null;
  lookingUp: boolean;
  lookupError: ApiError | null;
  /** The last card read failed (expired, bad frame…): shown in the patient panel until the next read. */
  cardFailure: CardFailed | null;
  /** Alert sounds played so far (the patient panel shows the count, so a test can see one was played). */
  alerts: number;
  /** A line that cannot be settled as it is (no positive price or quantity): the bill selects it and asks for the value. */
  fixLine: { index: number; field: 'price' | 'quantity' | 'trace'; seq: number } | null;
  /** The traceability-code rules (trace.rules), loaded once; null until they arrive (or when the call is missing). */
  traceRules: TraceRules | null;
  pendingBills: PendingBillView[];
  /** The pending-bill lookup for this patient has answered (even if with none). */
  pendingLoaded: boolean;
  /** The pending bill imported into this bill (settle marks it done). */
  billId: string | null;
  bill: Bill;
  visitType: VisitType;
  diagnoses: string;
  useAccount: boolean;
  preview: SettlementPreview | null;
  /** The bill the preview was computed for (its settle input as JSON): F9 confirms only a current preview. */
  previewFor: string | null;
  previewError: ApiError | null;
  previewing: boolean;
  settling: boolean;
  settleError: ApiError | null;
  /** The confirm step is open (F9: insured; Shift+F9: self-pay); nothing is committed until Enter. */
  confirming: 'insured' | 'selfPay' | null;
  /** F9 came while the split was still being computed for the bill as it is: open when it arrives. */
  confirmPending: boolean;
  tender: Tender | null;
  settled: SettlementView | null;
  patch(p: Partial<CashierState>): void;
  setBill(bill: Bill): void;
  /** Next patient: everything about the last one is cleared. */
  reset(): void;
}

const initial = {
  credential: null,
  manualReason: null,
  person: null,
  lookingUp: false,
  lookupError: null,
  cardFailure: null,
  fixLine: null,
  pendingBills: [],
  pendingLoaded: false,
  billId: null,
  bill: emptyBill,
  visitType: 'outpatient' as VisitType,
  diagnoses: '',
  useAccount: true,
  preview: null,
  previewFor: null,
  previewError: null,
  previewing: false,
  settling: false,
  settleError: null,
  confirming: null as CashierState['confirming'],
  confirmPending: false,
  tender: null as Tender | null,
  settled: null,
};

export const useCashier = create<CashierState>((set) => ({
  ...initial,
  alerts: 0,
  patch: (p) => set(p),
  setBill: (bill) => set({ bill }),
  traceRules: null,
  // The rules are the window's, not the patient's: kept across patients.
  reset: () => set(initial),
}));

/** The diagnoses field ("J06.9, E11") as the list the contract wants. */
export function diagnosisList(text: string): string[] {
  return text
    .split(/[\s,，;；]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
