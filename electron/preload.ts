// The Electron preload: runs sandboxed, before the page, and puts exactly one thing on the
// page's window: `cashier`, with one method per call of the API contract (channel
// api:<name>) and onEvent. Never a generic invoke: the page cannot name a channel.
// The call names are baked in at build time (scripts/build-electron.mjs), so this bundle
// carries no schemas.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildBridge, EVENT_CHANNEL } from './security/bridge';

declare const __CASHIER_CALL_NAMES__: readonly string[];

const bridge = buildBridge(
  __CASHIER_CALL_NAMES__,
  (channel, input) => ipcRenderer.invoke(channel, input),
  (cb) => {
    // The page's callback never sees the IPC event object (it would expose `sender`).
    const listener = (_e: IpcRendererEvent, name: string, payload: unknown) => cb(name, payload);
    ipcRenderer.on(EVENT_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, listener);
    };
  },
);

contextBridge.exposeInMainWorld('cashier', bridge);
