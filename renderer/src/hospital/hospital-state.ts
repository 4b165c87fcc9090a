// The hospital window (住院) at the screen: which part is shown (the open stays, an admission,
// one stay), the stay on screen with its local estimate, the dialog open over it, the
// pre-settlement and the settlement just made. One store so the keys, the panels and the dialogs
// see the same stay. The patient read from the card is the cashier's store (state/cashier.ts):
// the card and patient panels are the main screen's.
import { create } from 'zustand';
import type { StayEstimate, StaySettlementView, StayView } from '../../../electron/api/contract/inpatient';
import type { ApiError } from '../../../electron/api/result';
import { ipCall } from './ip-api';

export type HospitalMode = 'list' | 'admit' | 'stay';
export type HospitalDialog = 'deposit' | 'refund' | 'discharge' | 'settle' | 'settleMid' | 'cancel' | 'revoke' | 'undoDischarge' | null;

export interface PreSettlement {
  midStay: boolean;
  estimate: StayEstimate;
}

export interface HospitalState {
  mode: HospitalMode;
  stay: StayView | null;
  /** The local estimate over the stay so far (inpatient.estimate), refreshed after each change. */
  estimate: StayEstimate | null;
  estimateError: ApiError | null;
  dialog: HospitalDialog;
  /** The batch a revoke dialog is about ('all': every unsettled batch). */
  revokeBatch: string | null;
  preSettle: PreSettlement | null;
  settled: StaySettlementView | null;
  useAccount: boolean;
  note: string | null;
  error: ApiError | null;
  patch(p: Partial<HospitalState>): void;
}

export const useHospital = create<HospitalState>((set) => ({
  mode: 'list',
  stay: null,
  estimate: null,
  estimateError: null,
  dialog: null,
  revokeBatch: null,
  preSettle: null,
  settled: null,
  useAccount: true,
  note: null,
  error: null,
  patch: (p) => set(p),
}));

const st = useHospital.getState;

/** The estimate of the stay on screen (not for a settled or cancelled one: nothing left to estimate). */
export async function refreshEstimate(): Promise<void> {
  const stay = st().stay;
  if (!stay || stay.state === 'settled' || stay.state === 'cancelled' || stay.runningTotal === 0) {
    st().patch({ estimate: null, estimateError: null });
    return;
  }
  const r = await ipCall('inpatient.estimate', { stayId: stay.id });
  if (st().stay?.id !== stay.id) return;
  st().patch(r.ok ? { estimate: r.value, estimateError: null } : { estimate: null, estimateError: r.error });
}

/** A stay as the main process now has it (after any change), and its estimate. */
export function showStay(stay: StayView): void {
  const same = st().stay?.id === stay.id;
  st().patch({ stay, mode: 'stay', ...(same ? {} : { settled: null, preSettle: null, note: null, error: null, estimate: null }) });
  void refreshEstimate();
}

export async function openStay(stayId: string): Promise<void> {
  const r = await ipCall('inpatient.get', { stayId });
  if (r.ok) showStay(r.value);
  else st().patch({ error: r.error });
}

/** Back to the list of open stays; whatever dialog was open closes. */
export function backToList(): void {
  st().patch({ mode: 'list', stay: null, estimate: null, dialog: null, preSettle: null, settled: null, note: null, error: null });
}
