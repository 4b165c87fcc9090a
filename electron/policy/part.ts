// The policy part of the app: its services on the shared core. (Filled by the policy work.)
import type { CoreApp } from '../app/core';

export function createPolicyPart(_core: CoreApp) {
  return {
    /** Begin background work (timers, workers, device polling). */
    start(): void {},
    async close(): Promise<void> {},
  };
}

export type PolicyPart = ReturnType<typeof createPolicyPart>;
