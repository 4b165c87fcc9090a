// The receipt's data for a committed settlement (native/escpos/receipt.ts ReceiptData), in the
// form the center's answer calls for (issue 13): the window's figures while no answer has come
// (暂存), the center's figures once it answered (an adjustment's corrected receipt, 更正), or a
// void slip for a refusal — never a receipt that claims the fund paid when it did not.
import { chinaDateTime } from '../app/clock';
import type { CoreApp } from '../app/core';
import type { ReceiptDataPort } from './ports';
import { centerFigures, type SettlementView } from '../api/contract/settlement';

const INSURANCE_LABEL: Record<string, string> = { employee: '职工医保', resident: '居民医保', self_pay: '自费' };
const VISIT_LABEL: Record<string, string> = { outpatient: '普通门诊', chronic: '门诊慢特病', inpatient: '住院' };

/**
 * What the receipt says about the center's answer:
 * - `asSettled`: the row as it stands (offline → 暂存; online → the window's figures);
 * - `awaiting` / `noAnswer`: online, the answer has not come (yet) → 暂存 with the window's figures;
 * - `answered`: by the settlement's state — confirmed as settled, adjusted with the center's
 *   figures, rejected as a void slip;
 * - `corrected`: the center's figures, marked 更正 (printed on the cashier's key after an adjustment).
 */
export type ReceiptForm = 'asSettled' | 'awaiting' | 'noAnswer' | 'answered' | 'corrected';

/** The center's reason for refusing the settlement's upload ('' when none is recorded). */
export function rejectReasonOf(v: SettlementView): string {
  const u = v.uploads.find((x) => x.state === 'rejected');
  return u?.rejectReason ?? u?.rejectCode ?? '';
}

/** `v`: the settlement as just read (null: not found). */
export function receiptFor(core: CoreApp, v: SettlementView | null, operatorName: string, copy: boolean, form: ReceiptForm = 'asSettled'): ReceiptDataPort {
  if (!v) throw new Error('settlement not found');
  const base: ReceiptDataPort = {
    clinicName: core.settings.institutionName,
    settlementId: v.id,
    time: chinaDateTime(new Date(v.createdAt)),
    operatorName,
    patientName: v.psnName,
    insuranceTypeLabel: INSURANCE_LABEL[v.insuranceType] ?? v.insuranceType,
    visitTypeLabel: VISIT_LABEL[v.visitType] ?? v.visitType,
    lines: v.lines.map((l) => ({ name: l.name || l.code, code: l.code, class: l.class, quantity: l.quantity, unitPrice: l.unitPrice, amount: l.amount })),
    split: { ...v.money },
    explanation: v.explanation.map((e) => e.text),
    provisional: v.provisional,
    policyVersion: v.policyVersion,
    policySeq: v.policySeq,
    copy,
    ...(v.refundOf ? { refund: true } : {}),
    ...(v.selfPay ? { selfPay: true } : {}),
    cashReceived: v.cashReceived,
    change: v.change,
    accountBalanceBefore: v.accountBalanceBefore,
    accountBalanceAfter: v.accountBalanceAfter,
  };
  const answered = form === 'answered' ? v.state : null;
  if (form === 'awaiting' || form === 'noAnswer' || (form === 'answered' && v.state === 'provisional')) {
    return { ...base, provisional: true, provisionalReason: v.online ? 'noAnswer' : 'offline' };
  }
  if (answered === 'rejected') return { ...base, provisional: false, voided: { reason: rejectReasonOf(v) } };
  if (answered === 'adjusted' || form === 'corrected') {
    // The explanation is the window's computation, which the center did not follow: left off.
    const center = centerFigures(v);
    // The balance after is what the center took from the account, not what the window computed.
    const balanceAfter = typeof v.accountBalanceBefore === 'number' ? v.accountBalanceBefore - center.accountPay : v.accountBalanceAfter;
    return { ...base, provisional: false, split: { ...center }, explanation: [], accountBalanceAfter: balanceAfter, ...(form === 'corrected' ? { corrected: true } : {}) };
  }
  if (answered === 'confirmed') return { ...base, provisional: false };
  return base;
}
