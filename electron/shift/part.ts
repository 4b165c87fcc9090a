// The shift part of the app: its services on the shared core. (Filled by the shift work.)
import type { CoreApp } from '../app/core';
import type { CenterPart } from '../center/part';

export function createShiftPart(_core: CoreApp, _deps: { center: CenterPart }) {
  return {
    /** Begin background work (timers, workers, device polling). */
    start(): void {},
    async close(): Promise<void> {},
  };
}

export type ShiftPart = ReturnType<typeof createShiftPart>;
