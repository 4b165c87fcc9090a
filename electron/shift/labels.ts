// Names printed on reports, in Chinese with an English fallback (used when no CJK font exists).
export interface Label {
  zh: string;
  en: string;
}

const INSURANCE: Record<string, Label> = {
  employee: { zh: '职工医保', en: 'Employee' },
  resident: { zh: '居民医保', en: 'Resident' },
  self_pay: { zh: '自费', en: 'Self-pay' },
};
const VISIT: Record<string, Label> = {
  outpatient: { zh: '普通门诊', en: 'Outpatient' },
  chronic: { zh: '门诊慢特病', en: 'Chronic' },
  inpatient: { zh: '住院', en: 'Inpatient' },
};
const STATE: Record<string, Label> = {
  provisional: { zh: '暂存', en: 'Provisional' },
  confirmed: { zh: '已确认', en: 'Confirmed' },
  adjusted: { zh: '中心调整', en: 'Adjusted' },
  rejected: { zh: '中心拒绝', en: 'Rejected' },
  refunded: { zh: '已退费', en: 'Refunded' },
  self_pay: { zh: '自费（不申报）', en: 'Self-pay (not uploaded)' },
};

export const CHANNELS = [
  { key: 'fund', label: { zh: '统筹基金', en: 'Fund' } },
  { key: 'critical', label: { zh: '大病保险', en: 'Critical illness' } },
  { key: 'account', label: { zh: '个人账户', en: 'Personal account' } },
  { key: 'cash', label: { zh: '现金', en: 'Cash' } },
] as const;

const fallback = (k: string): Label => ({ zh: k, en: k });
export const insuranceLabel = (k: string): Label => INSURANCE[k] ?? fallback(k);
export const visitLabel = (k: string): Label => VISIT[k] ?? fallback(k);
export const stateLabel = (k: string): Label => STATE[k] ?? fallback(k);

/** Display width on a receipt: a CJK (full-width) character takes two columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch) ? 2 : 1;
  return w;
}

/** `left` and `right` on one line of `columns`, padded between by display width. */
export function leftRight(left: string, right: string, columns: number): string {
  const gap = Math.max(1, columns - displayWidth(left) - displayWidth(right));
  return left + ' '.repeat(gap) + right;
}
