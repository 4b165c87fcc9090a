// How long a typed value may be, for the window's inputs (their maxLength) and the contract's
// schemas alike: the window stops the typing (or the 2 MB paste) at the field, the contract
// refuses anything longer from any other caller (test/unit/api/contract-limits.test.ts holds
// the two together).
export const TEXT_LIMITS = {
  operatorId: 32,
  pin: 64,
  /** Certificate (ID) number typed by hand. */
  certNo: 64,
  /** Shift notes, sign-off notes, work-list and discrepancy notes, cash in/out reasons. */
  note: 500,
  /** Refund reasons. */
  reason: 200,
  searchQuery: 64,
  /** Diagnosis codes typed as one list: up to 20 codes of up to 20 characters, separated. */
  diagnosesText: 20 * 21,
  /** An amount typed in yuan ("1000000.00"); the contract carries fen or decimal strings. */
  yuanText: 13,
  /** A patient's name typed for a self-pay receipt. */
  personName: 50,
  /** A count of notes or coins (at most 100,000). */
  countText: 6,
  /** A catalogue mapping pasted as CSV from the HIS (the supervisor's mapping import). */
  mappingCsv: 8 * 1024 * 1024,
} as const;
