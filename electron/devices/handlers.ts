// Handlers of the device calls.
import type { deviceCalls } from '../api/contract/device';
import type { HandlersFor } from '../api/handler-types';

export const deviceHandlers: HandlersFor<typeof deviceCalls> = {
  'device.list': (_in, { app }) => app.devices.list(),
  'device.demoCards': (_in, { app }) => app.devices.demoCards(),
  'device.demoInsert': (input, { app }) => app.devices.demoInsert(input.index, input.credential),
  'device.receiptPreview': (input, { app }) => app.devices.receiptPreview(input.settlementId),
  'device.reprint': (input, { app, session }) => app.devices.reprint(input.settlementId, session.operator?.id ?? null),
  'device.printJobs': (input, { app }) => (input.settlementId ? app.devices.jobs.listFor(input.settlementId) : app.devices.jobs.unfinished()),
  'device.retryPrints': (_in, { app }) => app.devices.retryPrints(),
  'device.demoPaper': (input, { app }) => app.devices.setDemoPaperOut(input.paperOut),
};
