// The settlement part of the app: its services on the shared core. (Filled by the settlement work.)
import type { CoreApp } from '../app/core';
import type { CenterPart } from '../center/part';
import type { DevicesPart } from '../devices/part';
import type { PolicyPart } from '../policy/part';
import type { ShiftPart } from '../shift/part';

export function createSettlementPart(_core: CoreApp, _deps: { policy: PolicyPart; center: CenterPart; devices: DevicesPart; shift: ShiftPart }) {
  return {
    /** Begin background work (timers, workers, device polling). */
    start(): void {},
    async close(): Promise<void> {},
  };
}

export type SettlementPart = ReturnType<typeof createSettlementPart>;
