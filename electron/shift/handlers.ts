// Handlers of the shift calls.
import type { shiftCalls } from '../api/contract/shift';
import type { HandlersFor } from '../api/handler-types';

export const shiftHandlers: HandlersFor<typeof shiftCalls> = {};
