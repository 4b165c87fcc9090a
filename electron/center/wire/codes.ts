// Code mapping between the national fields and the split model (CENTER-PROTOCOL.md,
// "Default code mapping"). PURE. Kept here so a province's differences change one file.
import type { CertType } from '../../api/contract/center';

export function insutypeToInsuranceType(insutype: string): string {
  if (insutype === '310') return 'employee';
  if (insutype === '390') return 'resident';
  return `other-${insutype}`;
}

export function insuranceTypeToInsutype(t: string): string {
  if (t === 'employee') return '310';
  if (t === 'resident') return '390';
  return t.startsWith('other-') ? t.slice(6) : t;
}

export function psnTypeToPersonGroup(psnType: string): string {
  if (psnType.startsWith('11')) return 'active';
  if (psnType.startsWith('12')) return 'retired';
  if (psnType.startsWith('14')) return 'student';
  if (psnType.startsWith('15')) return 'adult';
  return `other-${psnType}`;
}

export function insuStatusToStatus(stas: string): string {
  return stas === '1' ? 'active' : 'suspended';
}

export type VisitType = 'outpatient' | 'chronic' | 'inpatient';

export function visitTypeToMedType(v: VisitType): string {
  return v === 'outpatient' ? '11' : v === 'chronic' ? '14' : '21';
}

export function medTypeToVisitType(medType: string): VisitType | null {
  if (medType === '11') return 'outpatient';
  if (medType === '14') return 'chronic';
  if (medType === '21') return 'inpatient';
  return null;
}

export type { CertType };
export const CERT_TYPE_LABEL: Record<CertType, string> = { '01': '电子凭证', '02': '身份证号', '03': '社保卡' };
