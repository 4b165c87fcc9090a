// Handlers of the policy calls.
import type { policyCalls } from '../api/contract/policy';
import type { HandlersFor } from '../api/handler-types';

export const policyHandlers: HandlersFor<typeof policyCalls> = {};
