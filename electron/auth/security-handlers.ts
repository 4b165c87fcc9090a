// Handlers of the security calls.
import type { securityCalls } from '../api/contract/security';
import type { HandlersFor } from '../api/handler-types';

export const securityHandlers: HandlersFor<typeof securityCalls> = {};
