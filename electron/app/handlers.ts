// Handlers of the system calls.
import type { systemCalls } from '../api/contract/system';
import type { HandlersFor } from '../api/handler-types';
import { APP_VERSION } from './version';

export const systemHandlers: HandlersFor<typeof systemCalls> = {
  'system.status': (_in, { app }) => app.status.get(),
  'system.info': (_in, { app }) => ({
    appVersion: APP_VERSION,
    schemaVersion: app.schemaVersion,
    runtime: app.runtime === 'test' ? 'browser' : app.runtime,
    demo: app.demo,
    institutionCode: app.settings.institutionCode,
    institutionName: app.settings.institutionName,
    dataDir: app.dataDir,
    idleLockMs: app.auth.idleLockMs,
  }),
};
