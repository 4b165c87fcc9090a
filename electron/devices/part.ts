// The devices part of the app: its services on the shared core. (Filled by the devices work.)
import type { CoreApp } from '../app/core';

export function createDevicesPart(_core: CoreApp) {
  return {
    /** Begin background work (timers, workers, device polling). */
    start(): void {},
    async close(): Promise<void> {},
  };
}

export type DevicesPart = ReturnType<typeof createDevicesPart>;
