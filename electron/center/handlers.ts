// Handlers of the center calls.
import type { centerCalls } from '../api/contract/center';
import type { HandlersFor } from '../api/handler-types';
import { AppError } from '../api/result';
import { DEMO_PERSONS } from './sandbox/demo-persons';

export const centerHandlers: HandlersFor<typeof centerCalls> = {
  'center.status': (_in, { app }) => app.center.status(),
  'center.lookupPerson': (input, { app, session }) => {
    const cred = input.cardSn ? { certType: input.certType, certNo: input.certNo, cardSn: input.cardSn } : { certType: input.certType, certNo: input.certNo };
    return app.center.lookupPerson(cred, session.operator ? { id: session.operator.id, name: session.operator.name } : undefined);
  },
  'center.syncPolicy': (_in, { app }) => app.center.syncPolicy(),
  'center.sandboxOffline': async ({ offline }, { app }) => {
    await app.center.setSandboxOffline(offline);
    return { offline };
  },
  'center.demoPersons': (_in, { app }) => {
    if (!app.demo) throw new AppError('NOT_DEMO', '只有演示模式才提供示范参保人。');
    return [...DEMO_PERSONS];
  },
};
