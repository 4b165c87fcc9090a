// Handlers of the clinic calls: thin, the work is the clinic part's.
import type { clinicCalls } from '../api/contract/clinic';
import type { HandlersFor } from '../api/handler-types';
import { AppError } from '../api/result';
import { chinaDate } from '../app/clock';
import { issueCommand } from './issue-command';

export const clinicHandlers: HandlersFor<typeof clinicCalls> = {
  'clinic.status': (_i, { app }) => (app.clinic.enabled ? app.clinic.stream.status() : null),
  'clinic.summary': (i, { app }) => app.clinic.reports.summary(i.from, i.to),
  'clinic.reconcile': (i, { app }) => app.clinic.reports.reconcile(app.center.client, i.from, i.to),
  'clinic.receivables': (_i, { app }) => app.clinic.reports.receivables(chinaDate(app.clock.now())),
  'clinic.command': async (i, { app, session }) => {
    if (!session.operator) throw new AppError('AUTH_REQUIRED', '请先登录。');
    const commandId = await issueCommand(app.clinic.pool, app.center.client, { ...i, issuedBy: session.operator.id });
    return { commandId };
  },
};
