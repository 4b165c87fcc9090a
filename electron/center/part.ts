// The center part of the app: its services on the shared core. (Filled by the center work.)
import type { CoreApp } from '../app/core';
import type { PolicyPart } from '../policy/part';

export function createCenterPart(_core: CoreApp, _deps: { policy: PolicyPart }) {
  return {
    /** Begin background work (timers, workers, device polling). */
    start(): void {},
    async close(): Promise<void> {},
  };
}

export type CenterPart = ReturnType<typeof createCenterPart>;
