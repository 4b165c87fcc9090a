// Handlers of the center calls.
import type { centerCalls } from '../api/contract/center';
import type { HandlersFor } from '../api/handler-types';

export const centerHandlers: HandlersFor<typeof centerCalls> = {};
