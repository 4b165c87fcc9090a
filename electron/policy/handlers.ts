// Handlers of the policy calls.
import type { policyCalls } from '../api/contract/policy';
import type { HandlersFor } from '../api/handler-types';

export const policyHandlers: HandlersFor<typeof policyCalls> = {
  'policy.status': (_input, { app }) => app.policy.status(),
  'policy.search': ({ query, limit }, { app }) => app.policy.search(query, limit),
};
