// The IPC bridge between the window and the main process, without Electron so tests can
// check it. The preload builds window.cashier with buildBridge (one method per call of the
// contract, each on its own channel api:<name>; never a generic "invoke any channel"), and
// the main process answers with registerApiHandlers (one session per window; only the app's
// own page may call).
import type { CallName } from '../api/contract';
import type { CashierBridge } from '../api/contract/security';
import { fail, type ApiResult } from '../api/result';
import type { Session } from '../api/session';

export const API_CHANNEL_PREFIX = 'api:';
/** main → window events: (name, payload). */
export const EVENT_CHANNEL = 'app:event';

export function channelFor(name: string): string {
  return API_CHANNEL_PREFIX + name;
}

export type Invoke = (channel: string, input: unknown) => Promise<unknown>;
export type Subscribe = (cb: (name: string, payload: unknown) => void) => () => void;

/**
 * window.cashier: one frozen method per call name. The names come from the contract at build
 * time (scripts/build-electron.mjs), so the preload carries no zod and no schemas.
 */
export function buildBridge(names: readonly string[], invoke: Invoke, subscribe: Subscribe): CashierBridge {
  const api: Record<string, unknown> = {};
  for (const name of names) {
    if (name === 'onEvent' || Object.hasOwn(api, name)) throw new Error(`bad or duplicate call name: ${name}`);
    const channel = channelFor(name);
    api[name] = (input: unknown) => invoke(channel, input ?? {});
  }
  api.onEvent = (cb: (name: string, payload: unknown) => void) => {
    if (typeof cb !== 'function') throw new TypeError('onEvent needs a function');
    return subscribe(cb);
  };
  return Object.freeze(api) as unknown as CashierBridge;
}

/** The parts of an IPC event the main side reads. */
export interface IpcCallEvent {
  sender: { id: number; once(event: 'destroyed', fn: () => void): unknown };
  senderFrame: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcCallEvent, input: unknown) => Promise<unknown>): void;
}

/**
 * One ipcMain handler per call. A call from anything but the app's own page (a frame that
 * navigated away, an injected frame) is refused. Sessions live as long as their window.
 */
export function registerApiHandlers(opts: {
  ipc: IpcMainLike;
  names: readonly CallName[];
  isTrustedUrl: (url: string) => boolean;
  newSession: () => Session;
  call: (session: Session, name: CallName, input: unknown) => Promise<ApiResult<unknown>>;
  log?: (msg: string, ctx?: Record<string, unknown>) => void;
}): { sessions: Map<number, Session> } {
  const sessions = new Map<number, Session>();
  const sessionOf = (sender: IpcCallEvent['sender']): Session => {
    let s = sessions.get(sender.id);
    if (!s) {
      s = opts.newSession();
      sessions.set(sender.id, s);
      sender.once('destroyed', () => sessions.delete(sender.id));
    }
    return s;
  };
  for (const name of opts.names) {
    opts.ipc.handle(channelFor(name), async (event, input) => {
      const url = event.senderFrame?.url ?? '';
      if (!opts.isTrustedUrl(url)) {
        opts.log?.('refused IPC call from a foreign frame', { call: name, url: url.slice(0, 200) });
        return fail('FORBIDDEN_ORIGIN', '调用来源不是本程序的界面，已拒绝。');
      }
      return opts.call(sessionOf(event.sender), name, input);
    });
  }
  return { sessions };
}
