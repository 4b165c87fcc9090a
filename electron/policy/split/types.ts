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
  /**
   * Project extension (issue 17, docs/SPLIT.md): the pooled fund pays only at a clinic the person
   * is bound to for this purpose (5302 biz_appy_type, '01' = 普通门诊统筹). Elsewhere the fund,
   * deductible and critical-illness layers pay nothing for this visit.
   */
  bindingRequired?: string;
}

/**
 * Project extension (issue 17, docs/SPLIT.md): the rules of one filed disease — 门慢门特
 * ('chronic') or the hypertension/diabetes outpatient drug benefit 两病 ('twoDiseases'). A
 * chronic visit (med_type 14) is split with the scheme matched as usual (account rules,
 * critical illness) but this disease's own deductible, bands, annual cap and accumulator.
 */
export interface DiseaseRule {
  /** The disease code as filed (5301 opsp_dise_code), e.g. "E11". */
  code: string;
  name: string;
  kind: 'chronic' | 'twoDiseases';
  /** Absent: every insurance type. */
  insuranceTypes?: string[];
  /** Year-to-date key of this disease (own deductible and annual cap). */
  accumulator: string;
  deductible: Deductible;
  bands: Band[];
  /** fen */
  annualCap?: number;
  /** Catalog codes paid under this disease; absent = every in-policy item. Others: full own pay. */
  eligibleItems?: string[];
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
  /** Per-disease rules (extension). Absent: chronic visits are split by their scheme alone, as in the model. */
  diseaseRules?: DiseaseRule[];
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
  /** All per-disease rules, replacing the previous ones (like schemes). */
  diseaseRules?: DiseaseRule[];
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
  /** 5301 chronic/special-disease filings (extension); absent = not known. */
  filings?: PatientFiling[];
  /** 5302 clinic bindings (extension); absent = not known. */
  bindings?: PatientBinding[];
}

/** A filed disease as the split needs it: valid on the visit date when begin ≤ date ≤ end. */
export interface PatientFiling {
  code: string;
  name?: string;
  /** YYYY-MM-DD; end null = open-ended. */
  begin: string;
  end: string | null;
}

/** The clinic a person is bound to for a purpose (biz type '01' outpatient pooling, '02' chronic). */
export interface PatientBinding {
  bizType: string;
  institutionCode: string;
  institutionName?: string;
  begin: string;
  end: string | null;
}

export interface Visit {
  visitType: VisitType | string;
  hospitalLevel: number;
  /** YYYY-MM-DD */
  date: string;
  diagnoses?: string[];
  /** Default true. */
  useAccount?: boolean;
  /** The clinic settling this visit (extension: checked against the person's bindings). */
  institutionCode?: string;
  /**
   * Project extension (issue 19, docs/SPLIT.md "A stay's axis"): with `deductible.per = 'visit'`,
   * where on the visit's axis this bill starts, fen — the in-policy amount of the same stay
   * already split (the part of the year before, or an earlier mid-stay settlement). The
   * deductible is then charged once per stay and the bands continue. Absent: 0.
   */
  axisStart?: number;
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
  /** Why a line was turned into class C ('disease': not on the filed disease's item list). */
  reason?: 'ownPay' | 'restriction' | 'disease';
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

/**
 * The money a split comes to, fen (SPLIT-MODEL.md result fields). Declared once: the journal's
 * `SettlementMoney` (api/contract/settlement.ts) is this, the wire's `SettlementAmounts`
 * (center/wire/settlement.ts) is this without `overCapSelfPay`, which no center message carries.
 */
export interface SplitAmounts {
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
}

export interface SplitResult extends SplitAmounts {
  scheme: string;
  accumulatorsAfter: Accumulators;
  items: SplitLine[];
  explanation: ExplanationLine[];
  /** Set when a chronic visit was split by a filed disease's rules (extension). */
  disease?: { code: string; name: string; kind: DiseaseRule['kind'] };
  /** Set when the scheme needs a binding and the person is not bound here: the fund paid nothing (extension). */
  notPooled?: { reason: 'elsewhere' | 'none'; boundTo: string | null };
}

export type SplitErrorCode =
  | 'INVALID_INPUT'
  | 'POLICY_NOT_EFFECTIVE'
  | 'NOT_INSURED'
  | 'UNKNOWN_ITEM'
  | 'NO_SCHEME'
  | 'NO_RATIO_FOR_LEVEL'
  | 'AMOUNT_TOO_LARGE'
  | 'CHRONIC_NOT_FILED'
  | 'CHRONIC_NO_RULE';

export interface SplitError {
  code: SplitErrorCode;
  /** Chinese. */
  message: string;
  details?: unknown;
}

export type SplitOutcome = { ok: true; result: SplitResult } | { ok: false; error: SplitError };
