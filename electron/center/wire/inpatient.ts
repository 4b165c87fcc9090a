// The hospital window in our own protocol (docs/CENTER.md "Inpatient (issue 19)"). PURE.
// The same infnos as the national platform (2401–2405, 2301–2305) under our flat envelope (/tx,
// infcode 0 / -1 / -9, a refusal's `output.reject_code`), with the national bodies
// (wire/national/inpatient.ts) and, as our other transactions do, what our center wants besides:
// - 2401 / 2403 carry `hosp_lv` (our center has no institution file: the level the stay is
//   settled at travels with the stay, as 2207's hosp_lv does);
// - 2303 / 2304 carry `medins_setl_id` (the journal's settlement id: a second 2304 naming it is
//   refused as DUPLICATE_SETTLEMENT, as 2207 does), `hosp_lv`, and the window's own split in
//   2207's amount fields (wire/settlement.ts), so the center answers `stmt` accepted / adjusted
//   and `adjusted_fields`, as it does for 2207.
// Answers have the national layout (setlinfo, result[], data) in yuan strings.
import {
  admit2401, change2403, settle2304, type StayFacts, type StayRef, type StaySettleFacts,
} from './national/inpatient';
import { amountsToWire, type SettlementAmounts } from './settlement';

/** What only our protocol's 2303 / 2304 add. */
export interface OurSettleExtras {
  /** The journal's settlement id (2304; a pre-settlement has none yet). */
  medinsSetlId?: string;
  /** Default: the level the stay was admitted at (2401's hosp_lv). */
  hospitalLevel?: number;
  /** The window's own split of the same lines (so the center can say where it differs). */
  local?: SettlementAmounts;
}

export function ourAdmit2401(s: StayFacts) {
  const b = admit2401(s);
  return { ...b, mdtrtinfo: { ...b.mdtrtinfo, hosp_lv: String(s.hospitalLevel ?? 1) } };
}

export function ourChange2403(ref: StayRef, s: StayFacts) {
  const b = change2403(ref, s);
  return { ...b, adminfo: { ...b.adminfo, hosp_lv: String(s.hospitalLevel ?? 1) } };
}

export function ourSettle2304(ref: StayRef, f: StaySettleFacts, x: OurSettleExtras) {
  const b = settle2304(ref, f);
  return {
    data: {
      // The window's figures first: the message's own medfee_sumamt (the lines' sum) wins.
      ...(x.local ? amountsToWire(x.local) : {}),
      ...b.data,
      ...(x.hospitalLevel ? { hosp_lv: String(x.hospitalLevel) } : {}),
      ...(x.medinsSetlId ? { medins_setl_id: x.medinsSetlId } : {}),
    },
  };
}
export const ourPreSettle2303 = ourSettle2304;
