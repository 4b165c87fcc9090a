// The receipt's data for a committed settlement (native/escpos/receipt.ts ReceiptData).
import { chinaDateTime } from '../app/clock';
import type { CoreApp } from '../app/core';
import type { ReceiptDataPort } from './ports';
import type { SettlementView } from '../api/contract/settlement';

const INSURANCE_LABEL: Record<string, string> = { employee: '职工医保', resident: '居民医保', self_pay: '自费' };
const VISIT_LABEL: Record<string, string> = { outpatient: '普通门诊', chronic: '门诊慢特病', inpatient: '住院' };

/** `v`: the settlement as just read (null: not found). */
export function receiptFor(core: CoreApp, v: SettlementView | null, operatorName: string, copy: boolean): ReceiptDataPort {
  if (!v) throw new Error('settlement not found');
  return {
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
}
