// Handlers of the settlement calls.
import type { settlementCalls } from '../api/contract/settlement';
import type { HandlersFor } from '../api/handler-types';

export const settlementHandlers: HandlersFor<typeof settlementCalls> = {};
