// The agreed types of the split engine (../shared/docs/SPLIT-MODEL.md). PURE: no imports
// from Node, the database or the network — the renderer, the center and the sandbox import it.

/** A decimal as it crosses a boundary: digits with at most 4 places ("12.3456", "0.85"). */
export type Decimal = string;

export type CatalogClass = 'A' | 'B' | 'C';
export type CatalogKind = 'drug' | 'service' | 'material';
export type VisitType = 'outpatient' | 'chronic' | 'inpatient';

/** When every named condition holds the line keeps its class; otherwise it becomes C. */
export interface Restriction {
  insuranceTypes?: string[];
  visitTypes?: string[];
  minHospitalLevel?: number;
  diagnosisPrefixes?: string[];
}

export interface CatalogEntry {
  code: string;
  name: string;
  kind: CatalogKind;
  spec?: string;
  unit?: string;
  class: CatalogClass;
  selfPayRatio?: Decimal;
  selfPayRatioByInsuranceType?: Record<string, Decimal>;
  /** Yuan per unit. */
  priceCap?: Decimal;
  restriction?: Restriction;
}

export interface Band {
  /** Absolute position on the axis, fen. The first band starts at 0. */
  from: number;
  ratio?: Decimal;
  /** Keyed by hospital level "1".."3". */
  ratioByLevel?: Record<string, Decimal>;
}

export interface Deductible {
  per: 'year' | 'visit';
  /** fen */
  amount?: number;
  /** fen, keyed by hospital level "1".."3". */
  byLevel?: Record<string, number>;
}

export interface CriticalIllness {
  /** fen */
  threshold: number;
  bands: { from: number; ratio: Decimal }[];
  /** fen */
  annualCap?: number;
}

export interface Scheme {
  id: string;
  match: { insuranceType: string; personGroup?: string; visitType: string };
  accumulator: string;
  deductible: Deductible;
  bands: Band[];
  /** fen */
  annualCap?: number;
  criticalIllness?: CriticalIllness;
  account: { payInPolicy: boolean; payOwnPay: boolean };
}

export interface PolicyTable {
  format: 'policy-table/1';
  seq: number;
  version: string;
  region: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  catalog: CatalogEntry[];
  schemes: Scheme[];
}

export interface PolicyDelta {
  format: 'policy-delta/1';
  fromSeq: number;
  toSeq: number;
  version: string;
  effectiveFrom?: string;
  effectiveTo?: string | null;
  catalogUpserts: CatalogEntry[];
  catalogDeletes: string[];
  schemes?: Scheme[];
}

/** Year-to-date totals: one {eligible, fundPaid} per scheme accumulator key, plus the critical-illness layer. */
export interface Accumulators {
  [key: string]: { eligible: number; fundPaid: number } | number | undefined;
  criticalBurden?: number;
  criticalPaid?: number;
}

export interface Patient {
  insuranceType: string;
  personGroup: string;
  /** 'active' is insured; anything else is not. */
  status: string;
  /** fen */
  accountBalance: number;
  accumulators?: Accumulators;
}

export interface Visit {
  visitType: VisitType | string;
  hospitalLevel: number;
  /** YYYY-MM-DD */
  date: string;
  diagnoses?: string[];
  /** Default true. */
  useAccount?: boolean;
}

export interface BillItem {
  code: string;
  /** Yuan. */
  unitPrice: Decimal;
  quantity: Decimal;
  /** The cashier settles this line as full own pay (need not be in the catalog). */
  ownPay?: boolean;
}

export interface SplitLine {
  code: string;
  class: CatalogClass;
  amount: number;
  fullOwnPay: number;
  overLimitSelfPay: number;
  preSelfPay: number;
  eligible: number;
  /** Why a line was turned into class C. */
  reason?: 'ownPay' | 'restriction';
}

export interface ExplanationLine {
  /** Which step of the model: 'fullOwnPay', 'overLimit', 'preSelfPay', 'deductible', 'fund', 'coPay', 'overCap', 'critical', 'account', 'cash', … */
  rule: string;
  /** Chinese, for the receipt, the CLI and the patient. */
  text: string;
  /**
   * The same line as a code with parameters (amounts as yuan strings, ratios as "90%"), so the
   * window words it in the cashier's language: catalogue key `explain.<key>` (renderer/src/i18n).
   */
  key: string;
  params: Record<string, string>;
  /** fen */
  amount?: number;
}

export interface SplitResult {
  scheme: string;
  total: number;
  fullOwnPay: number;
  overLimitSelfPay: number;
  preSelfPay: number;
  eligible: number;
  deductible: number;
  fundPay: number;
  coPay: number;
  overCapSelfPay: number;
  criticalIllnessPay: number;
  personalTotal: number;
  accountPay: number;
  cashPay: number;
  accumulatorsAfter: Accumulators;
  items: SplitLine[];
  explanation: ExplanationLine[];
}

export type SplitErrorCode =
  | 'INVALID_INPUT'
  | 'POLICY_NOT_EFFECTIVE'
  | 'NOT_INSURED'
  | 'UNKNOWN_ITEM'
  | 'NO_SCHEME'
  | 'NO_RATIO_FOR_LEVEL'
  | 'AMOUNT_TOO_LARGE';

export interface SplitError {
  code: SplitErrorCode;
  /** Chinese. */
  message: string;
  details?: unknown;
}

export type SplitOutcome = { ok: true; result: SplitResult } | { ok: false; error: SplitError };
