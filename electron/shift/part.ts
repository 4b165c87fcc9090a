// The shift part: shifts and cash, reconciliation with the center, work lists, receivables,
// reports. Reads the settlements table directly (it is built before the settlement part).
import type { CoreApp } from '../app/core';
import type { CenterPart } from '../center/part';
import { ShiftService } from './shifts';

export function createShiftPart(core: CoreApp, _deps: { center: CenterPart }) {
  const shifts = new ShiftService(core);
  return {
    shifts,
    /** The operator's open shift id, or null (the settlement part refuses to settle without one). */
    currentShiftId: (operatorId: string): string | null => shifts.currentShiftId(operatorId),
    /** Begin background work (none yet: notices are fetched on demand). */
    start(): void {},
    async close(): Promise<void> {},
  };
}

export type ShiftPart = ReturnType<typeof createShiftPart>;
