// Small pure helpers over a stay's row shared by the hospital window's modules: ids, the masked
// certificate, the stored JSON lists and snapshot, the person credential, the facts the center's
// steps carry.
import { randomBytes } from 'node:crypto';
import type { PersonView } from '../api/contract/center';
import { chinaDateTime } from '../app/clock';
import type { CenterPart } from '../center/part';
import type { StayRow } from './stays';

export type PersonCredential = Parameters<CenterPart['lookupPerson']>[0];

/** The credential to look a person up by; the card's serial only where there is one. */
export function credentialOf(certType: string, certNo: string, cardSn: string | null | undefined): PersonCredential {
  return { certType, certNo, ...(cardSn ? { cardSn } : {}) } as PersonCredential;
}

/** 1101**********0012: the first and last four characters. */
export function maskCertNo(certNo: string): string {
  if (certNo.length <= 8) return `${certNo.slice(0, 2)}${'*'.repeat(Math.max(0, certNo.length - 2))}`;
  return `${certNo.slice(0, 4)}${'*'.repeat(certNo.length - 8)}${certNo.slice(-4)}`;
}

export function stringList(json: string): string[] {
  const v: unknown = JSON.parse(json);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function diagnosesOf(s: StayRow): string[] {
  return stringList(s.diagnoses);
}

export function personSnapshotOf(s: StayRow): PersonView {
  return JSON.parse(s.person_snapshot) as PersonView;
}

/** What the center's steps need of the stay (2401 / 2403): the facts, never a name in a log. */
export function stayFacts(s: StayRow) {
  return {
    stayId: s.id,
    psnNo: s.psn_no,
    insutype: s.insutype,
    certType: s.cert_type,
    certNo: s.cert_no,
    medType: s.med_type,
    admittedOn: s.admitted_on,
    hisStayNo: s.his_stay_no,
    dept: { code: s.dept_code, name: s.dept_name },
    ward: s.ward,
    bed: s.bed,
    doctor: { code: s.doctor_code, name: s.doctor_name },
    diagnoses: diagnosesOf(s),
    hospitalLevel: s.hospital_level,
  };
}

/** Prefix + yyyyMMddHHmmss (China time) + 6 random base-32 characters. */
export function newId(prefix: string, now: Date): string {
  const stamp = chinaDateTime(now).replace(/[- :]/g, '');
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return `${prefix}${stamp}${[...randomBytes(6)].map((b) => alphabet[b % 32]).join('')}`;
}
