// Handlers of the catalogue-mapping calls and the national catalogue sync (issue 16).
import type { mappingCalls } from '../api/contract/mapping';
import type { HandlersFor } from '../api/handler-types';
import { AppError } from '../api/result';
import type { Session } from '../api/session';

function operator(session: Session): { id: string; name: string } {
  if (!session.operator) throw new AppError('AUTH_REQUIRED', '请先登录。');
  return { id: session.operator.id, name: session.operator.name };
}

export const mappingHandlers: HandlersFor<typeof mappingCalls> = {
  'mapping.list': ({ query, onlyUnmapped }, { app }) => ({
    rows: app.mapping.store.list({ ...(query !== undefined ? { query } : {}), ...(onlyUnmapped !== undefined ? { onlyUnmapped } : {}) }),
    counts: app.mapping.store.counts(),
  }),
  'mapping.import': ({ csv }, { app, session }) => app.mapping.importCsv(csv, operator(session).id),
  'mapping.set': ({ clinicCode, nationalCode, origin }, { app, session }) => app.mapping.setMapping(clinicCode, nationalCode, operator(session).id, origin ?? 'edited'),
  'mapping.suggest': ({ clinicCode }, { app }) => app.mapping.store.suggest(clinicCode),
  'mapping.check': ({ codes }, { app }) => app.mapping.unmapped(codes),
  'mapping.upload': (_input, { app }) => app.mapping.upload(),
  'catalog.syncNational': (_input, { app, session }) => app.mapping.syncNational(operator(session)),
};
