// Names of the money fields (as the settlement journal and the center name them) for people.
import type { MessageKey } from '../i18n';

const FIELD_KEYS: Record<string, MessageKey> = {
  total: 'split.total',
  fullownpay: 'split.fullOwnPay',
  overlimitselfpay: 'split.overLimit',
  preselfpay: 'split.preSelfPay',
  eligible: 'field.eligible',
  deductible: 'split.deductible',
  fundpay: 'split.fund',
  copay: 'split.coPay',
  overcapselfpay: 'field.overCap',
  criticalillnesspay: 'split.critical',
  personaltotal: 'field.personalTotal',
  accountpay: 'split.account',
  cashpay: 'split.cash',
};

/** The catalogue key for a money field ("fund_pay", "fundPay" → split.fund), or null if unknown. */
export function moneyFieldKey(field: string): MessageKey | null {
  return FIELD_KEYS[field.replace(/_/g, '').toLowerCase()] ?? null;
}

/** A money field's name in the current language (its raw name when unknown). */
export function fieldLabel(field: string, t: (k: MessageKey) => string): string {
  const k = moneyFieldKey(field);
  return k ? t(k) : field;
}
