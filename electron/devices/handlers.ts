// Handlers of the device calls.
import type { deviceCalls } from '../api/contract/device';
import type { HandlersFor } from '../api/handler-types';

export const deviceHandlers: HandlersFor<typeof deviceCalls> = {};
