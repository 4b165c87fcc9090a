// Handlers of the operator calls.
import type { authCalls } from '../api/contract/auth';
import type { HandlersFor } from '../api/handler-types';

export const authHandlers: HandlersFor<typeof authCalls> = {
  'auth.login': ({ operatorId, pin }, { app, session }) => app.auth.login(session, operatorId, pin),
  'auth.logout': (_in, { app, session }) => {
    app.auth.logout(session);
    return null;
  },
  'auth.whoami': (_in, { session }) => session.operator,
};
