// What the settlement part needs from the parts built before it, written as the agreed
// interfaces (see the task's "Agreed interfaces"). The real PolicyPart, CenterPart, DevicesPart
// and ShiftPart satisfy these structurally; keeping them narrow here documents exactly what the
// journal relies on and lets the journal be built while the other parts land.
import type { Accumulators, PolicyTable } from '../policy/split/types';

export type CertType = '01' | '02' | '03';

export interface PersonCredential {
  certType: CertType;
  certNo: string;
  cardSn?: string | undefined;
}

/** The center part's PersonView (agreed shape). */
export interface PersonView {
  psnNo: string;
  name: string;
  gender: string;
  birthDate: string;
  certNo: string;
  insutype: string;
  psnType: string;
  insuranceType: string;
  personGroup: string;
  status: string;
  /** fen */
  accountBalance: number;
  insuplcAdmdvs: string;
  accumulators: Accumulators;
  source: 'live' | 'cache';
  cachedAt: string;
}

export type CenterOutcome =
  | { kind: 'success'; msgid: string; refmsgid: string; output: unknown }
  | { kind: 'rejected'; msgid: string; code?: string; message: string; output?: unknown }
  | { kind: 'busy'; msgid: string; message: string }
  | { kind: 'unknown'; msgid: string; reason: string };

export interface CenterClientPort {
  newMsgId(): string;
  send(infno: string, input: object, opts?: { msgid?: string; timeoutMs?: number }): Promise<CenterOutcome>;
}

export interface CenterPort {
  client: CenterClientPort;
  isOnline(): boolean;
  onConnectivity?(fn: (online: boolean) => void): (() => void) | void;
  lookupPerson(cred: PersonCredential): Promise<PersonView>;
}

export interface PolicyPort {
  tableFor(date: string, codes: string[]): { seq: number; table: PolicyTable };
}

/** The devices part's receipt data (native/escpos/receipt.ts ReceiptData, agreed shape). */
export interface ReceiptDataPort {
  clinicName: string;
  settlementId: string;
  time: string;
  operatorName: string;
  patientName: string;
  insuranceTypeLabel: string;
  visitTypeLabel: string;
  lines: { name: string; code: string; class: string; quantity: string; unitPrice: string; amount: number }[];
  split: {
    total: number;
    fundPay: number;
    criticalIllnessPay: number;
    accountPay: number;
    cashPay: number;
    fullOwnPay: number;
    overLimitSelfPay: number;
    preSelfPay: number;
    [k: string]: number;
  };
  explanation: string[];
  provisional: boolean;
  policyVersion: string;
  policySeq: number;
  copy: boolean;
  refund?: boolean;
}

export interface DevicesPort {
  printReceipt(settlementId: string, data: ReceiptDataPort, opts: { copy: boolean }): { jobId: number };
  /** The job row only, inside the caller's transaction; `announce()` after the commit starts it. */
  queueReceipt(settlementId: string, data: ReceiptDataPort, opts: { copy: boolean }): { jobId: number; announce: () => void };
}

export interface ShiftPort {
  currentShiftId(operatorId: string): string | null;
}
