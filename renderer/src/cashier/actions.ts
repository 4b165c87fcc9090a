// What the cashier's keys and the readers make happen: look the person up, pull their pending
// bills, keep the split preview current, settle. Each talks to the API and writes the store.
import type { PendingBillView } from '../../../electron/api/contract/settlement';
import { api } from '../api/client';
import { hasCall } from '../api/capabilities';
import type { CardFailed } from '../../../electron/api/contract/events';
import { emptyBill, firstUnpayableLine, firstUntracedLine, type BillLine } from '../lib/bill';
import { lineAmountFen } from '../../../electron/api/money';
import { playAlert } from '../lib/alert-sound';
import { useCashier, diagnosisList, type Credential, type ManualReason } from '../state/cashier';

const st = useCashier.getState;

/** The fields of a card.read event the lookup needs (the device part's CardRead). */
export function credentialOf(payload: unknown): Credential | null {
  const o = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
  if ((o.certType !== '01' && o.certType !== '02' && o.certType !== '03') || typeof o.certNo !== 'string' || !o.certNo) return null;
  return { certType: o.certType, certNo: o.certNo, ...(typeof o.cardSn === 'string' && o.cardSn ? { cardSn: o.cardSn } : {}) };
}

/** The alert sound, counted in the store. */
function alert(): void {
  playAlert();
  st().patch({ alerts: st().alerts + 1 });
}

/** The fields of a card.failed event, or null when it is not one. */
export function cardFailureOf(payload: unknown): CardFailed | null {
  const o = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
  if (typeof o.code !== 'string' || typeof o.message !== 'string') return null;
  const details = o.details && typeof o.details === 'object' ? (o.details as Record<string, unknown>) : undefined;
  return { deviceId: typeof o.deviceId === 'string' ? o.deviceId : '', code: o.code, message: o.message, ...(details ? { details } : {}) };
}

/**
 * A card was read and could not be used. The read attempt itself ends the previous patient:
 * patient and bill are cleared at once (nothing can be settled for the wrong person), the
 * failure is shown in the patient panel, and the alert sounds.
 */
export function cardFailed(failure: CardFailed): void {
  st().reset();
  st().patch({ cardFailure: failure });
  alert();
}

/** A card read (reader event, demo tray) or a typed number: find the person, then their bills. */
export async function identify(credential: Credential, manualReason: ManualReason | null): Promise<void> {
  st().reset();
  st().patch({ credential, manualReason, lookingUp: true });
  const r = await api.call('center.lookupPerson', credential);
  // A newer read may have replaced this one while we waited.
  if (st().credential !== credential) return;
  if (!r.ok) {
    st().patch({ lookingUp: false, lookupError: r.error });
    alert();
    return;
  }
  st().patch({ lookingUp: false, person: r.value, lookupError: null });
  // The HIS may have filed the bill under the number read (card, voucher) or the ID number.
  await loadPendingBills(credential, [credential.certNo, r.value.certNo]);
}

export async function loadPendingBills(credential: Credential, certNos: string[]): Promise<void> {
  if (!hasCall('settlement.pendingBills')) return;
  const found = new Map<string, PendingBillView>();
  for (const certNo of new Set(certNos.filter((n) => n))) {
    const r = await api.call('settlement.pendingBills', { certNo });
    if (r.ok) for (const b of r.value) found.set(b.id, b);
  }
  if (st().credential === credential) st().patch({ pendingBills: [...found.values()], pendingLoaded: true });
}

/** Bring a pending bill's lines into the bill (its visit too). */
export function importPendingBill(b: PendingBillView): void {
  const lines: BillLine[] = b.items.map((i) => ({
    code: i.code,
    name: i.name ?? i.code,
    cls: null,
    unitPrice: i.unitPrice,
    quantity: i.quantity,
    ownPay: i.ownPay,
  }));
  st().patch({
    billId: b.id,
    bill: { lines, selected: lines.length ? 0 : -1 },
    visitType: b.visit.visitType,
    diagnoses: (b.visit.diagnoses ?? []).join(', '),
    useAccount: b.useAccount,
    pendingBills: st().pendingBills.filter((p) => p.id !== b.id),
  });
}

/** A line's traceability codes or its no-code reason, as the settle input carries them. */
function traceOf(l: BillLine): { traceCodes?: string[]; noCodeReason?: string } {
  if (l.noCodeReason) return { noCodeReason: l.noCodeReason };
  return l.traceCodes?.length ? { traceCodes: l.traceCodes } : {};
}

function settleInputBase() {
  const s = st();
  if (!s.credential || !s.person) return null;
  const diagnoses = diagnosisList(s.diagnoses);
  return {
    person: s.credential,
    visit: { visitType: s.visitType, ...(diagnoses.length ? { diagnoses } : {}) },
    items: s.bill.lines.map((l) => ({ code: l.code, name: l.name, unitPrice: l.unitPrice, quantity: l.quantity, ...(l.ownPay ? { ownPay: true } : {}), ...traceOf(l) })),
    useAccount: s.useAccount,
  };
}

let previewSeq = 0;

/** Recompute the split for the bill as it is now; an older answer never overwrites a newer one. */
export async function refreshPreview(): Promise<void> {
  const input = settleInputBase();
  if (!input || input.items.length === 0) {
    st().patch({ preview: null, previewError: null, previewing: false });
    return;
  }
  const seq = ++previewSeq;
  st().patch({ previewing: true });
  const r = await api.call('settlement.preview', input);
  if (seq !== previewSeq) return;
  if (r.ok) st().patch({ preview: r.value, previewFor: JSON.stringify(input), previewError: null, previewing: false });
  else st().patch({ preview: null, previewFor: null, previewError: r.error, previewing: false, confirmPending: false });
  // F9 pressed a moment before this answer: the confirm step opens on it (never on an older split).
  if (r.ok && st().confirmPending) {
    st().patch({ confirmPending: false });
    openConfirm('insured');
  }
}

export interface SupervisorApproval {
  supervisorId: string;
  supervisorPin: string;
}

/**
 * Whether the bill can be settled as it is. A line without a positive price or quantity blocks
 * it: the bill is told which line and field (it selects the line and asks for the value).
 */
export function checkLinesPayable(): boolean {
  const bad = firstUnpayableLine(st().bill.lines);
  const seq = (st().fixLine?.seq ?? 0) + 1;
  if (bad) {
    st().patch({ fixLine: { ...bad, seq } });
    return false;
  }
  // Codes required (trace.rules): a drug line short of codes, and not recorded as without codes, blocks it too.
  const untraced = st().traceRules?.required ? firstUntracedLine(st().bill.lines) : -1;
  if (untraced < 0) return true;
  st().patch({ fixLine: { index: untraced, field: 'trace', seq } });
  return false;
}

/** The whole bill at the catalog / typed prices (self-pay: all of it in cash); null while a line has no amount. */
export function billTotalFen(lines: readonly BillLine[]): number | null {
  let total = 0;
  for (const l of lines) {
    const a = lineAmountFen(l.unitPrice, l.quantity);
    if (a === null) return null;
    total += a;
  }
  return total;
}

/**
 * F9 (insured) or Shift+F9 (self-pay) opens the confirm step: nothing is committed until the
 * cashier has seen what the patient pays and typed what was handed over. Insured needs a person
 * and a current split; self-pay needs only a number read or typed (the center may not know it).
 */
export function openConfirm(kind: 'insured' | 'selfPay'): boolean {
  const s = st();
  if (s.settling || s.settled || s.confirming || !s.credential || s.bill.lines.length === 0) return false;
  if (!checkLinesPayable()) return false;
  if (kind === 'insured') {
    if (!s.person || s.previewError) return false;
    // Only on a split computed for the bill exactly as it is now (not one a moment old); while it
    // is being computed, F9 is remembered and the step opens when the split arrives.
    if (!s.preview || s.previewing || s.previewFor !== JSON.stringify(settleInputBase())) {
      st().patch({ confirmPending: true });
      return false;
    }
  }
  if (kind === 'selfPay' && billTotalFen(s.bill.lines) === null) return false;
  st().patch({ confirming: kind, settleError: null });
  return true;
}

export function closeConfirm(): void {
  st().patch({ confirming: null, confirmPending: false, settleError: null });
}

/** Enter in the confirm step: commit with what was agreed. */
export async function confirmAndSettle(tender: { cashReceived: number; patientName?: string }): Promise<void> {
  const selfPay = st().confirming === 'selfPay';
  st().patch({ tender: { ...tender, selfPay } });
  await settle();
}

const reasonText: Record<ManualReason, string> = { 'reader-fault': '读卡器故障', 'card-damaged': '卡片损坏', 'no-card': '患者未带卡' };

/** Commit the bill with the confirm step's tender (again with a supervisor's approval when the offline limit asks). */
export async function settle(approval?: SupervisorApproval): Promise<void> {
  const s = st();
  const tender = s.tender;
  if (!tender || !s.credential || s.bill.lines.length === 0 || s.settling || s.settled) return;
  if (!checkLinesPayable()) return;
  const base = tender.selfPay ? selfPayInput(tender.patientName) : settleInputBase();
  if (!base) return;
  st().patch({ settling: true, settleError: null });
  const r = await api.call('settlement.settle', {
    ...base,
    cashReceived: tender.cashReceived,
    ...(s.manualReason ? { manualEntryReason: reasonText[s.manualReason] } : {}),
    ...(s.billId ? { billId: s.billId } : {}),
    ...(approval ?? {}),
  });
  if (r.ok) {
    const person = st().person;
    const after = r.value.accountBalanceAfter;
    // The patient panel shows the balance as it is now, after this payment.
    st().patch({
      settling: false,
      confirming: null,
      settled: r.value,
      ...(person && after !== null ? { person: { ...person, accountBalance: after } } : {}),
    });
  } else {
    // Over the offline limit the supervisor's dialog takes over; other refusals stay in the confirm step.
    st().patch({ settling: false, settleError: r.error, ...(r.error.code === 'OFFLINE_LIMIT' ? { confirming: null } : {}) });
  }
}

function selfPayInput(patientName: string | undefined) {
  const s = st();
  if (!s.credential) return null;
  const diagnoses = diagnosisList(s.diagnoses);
  const name = (patientName ?? s.person?.name ?? '').trim();
  return {
    person: s.credential,
    visit: { visitType: s.visitType, ...(diagnoses.length ? { diagnoses } : {}) },
    items: s.bill.lines.map((l) => ({ code: l.code, name: l.name, unitPrice: l.unitPrice, quantity: l.quantity, ...traceOf(l) })),
    useAccount: false,
    selfPay: true,
    ...(name ? { patientName: name } : {}),
  };
}

export function newPatient(): void {
  st().reset();
  st().setBill(emptyBill);
}
