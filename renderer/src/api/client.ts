// The renderer's only way to the main process: the API contract over one of two transports.
// - Electron: the preload exposes `window.cashier[name](input)` (one method per call) and
//   `window.cashier.onEvent(cb)`.
// - Browser mode: a WebSocket to ws(s)://<host>/api?token=…; client→server {id, call, input},
//   server→client {id, result} and {event, payload}; reconnects when it closes.
// Nothing here throws: every call resolves to an ApiResult.
import { contract, type CallInput, type CallName, type CallOutput } from '../../../electron/api/contract';
import type { ApiResult } from '../../../electron/api/result';
import { apiSocketUrl, takeToken } from './token';

export type EventHandler = (name: string, payload: unknown) => void;
export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Transport {
  readonly kind: 'electron' | 'browser';
  call(name: string, input: unknown): Promise<ApiResult<unknown>>;
  onEvent(cb: EventHandler): () => void;
  onConnection(cb: (state: ConnectionState) => void): () => void;
  close(): void;
}

/** What the Electron preload puts on window (one method per call name, plus onEvent). */
export interface CashierBridge {
  onEvent(cb: EventHandler): () => void;
  [call: string]: unknown;
}

declare global {
  interface Window {
    cashier?: CashierBridge;
  }
}

export const disconnected = (): ApiResult<never> => ({
  ok: false,
  error: { code: 'DISCONNECTED', message: '与收费程序的连接已断开，正在重新连接。请稍候再试。' },
});

const noCall = (name: string): ApiResult<never> => ({
  ok: false,
  error: { code: 'UNKNOWN_CALL', message: `未知的调用：${name}` },
});

export function createBridgeTransport(bridge: CashierBridge): Transport {
  return {
    kind: 'electron',
    async call(name, input) {
      const fn = bridge[name];
      if (typeof fn !== 'function') return noCall(name);
      try {
        return (await (fn as (i: unknown) => Promise<ApiResult<unknown>>)(input)) ?? disconnected();
      } catch {
        return disconnected();
      }
    },
    onEvent: (cb) => bridge.onEvent(cb),
    // IPC has no connection to lose while the window lives.
    onConnection(cb) {
      cb('open');
      return () => undefined;
    },
    close: () => undefined,
  };
}

/** The subset of the DOM WebSocket the transport uses (the `ws` client fits too, for tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export interface SocketTransportOptions {
  url: string;
  makeSocket: (url: string) => SocketLike;
  /** Wait before each reconnect attempt; the last value repeats. */
  retryDelaysMs?: number[];
}

type ServerMessage = { id?: unknown; result?: unknown; event?: unknown; payload?: unknown };

export function createSocketTransport(opts: SocketTransportOptions): Transport {
  const delays = opts.retryDelaysMs ?? [300, 1000, 2000, 5000];
  const pending = new Map<number, (r: ApiResult<unknown>) => void>();
  /** Calls made while connecting go out as soon as the socket opens. */
  let queue: string[] = [];
  const eventHandlers = new Set<EventHandler>();
  const connHandlers = new Set<(s: ConnectionState) => void>();
  let nextId = 1;
  let attempt = 0;
  let socket: SocketLike | null = null;
  let state: ConnectionState = 'connecting';
  let closedForGood = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const setState = (s: ConnectionState) => {
    state = s;
    for (const h of connHandlers) h(s);
  };

  const onMessage = (raw: unknown) => {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(typeof raw === 'string' ? raw : String(raw)) as ServerMessage;
    } catch {
      return; // a garbled frame cannot be matched to a call; ignore it
    }
    if (typeof msg.event === 'string') {
      for (const h of eventHandlers) h(msg.event, msg.payload);
      return;
    }
    if (typeof msg.id === 'number') {
      const resolve = pending.get(msg.id);
      if (resolve) {
        pending.delete(msg.id);
        resolve(msg.result as ApiResult<unknown>);
      }
    }
  };

  const connect = () => {
    if (closedForGood) return;
    setState('connecting');
    const s = opts.makeSocket(opts.url);
    socket = s;
    s.onopen = () => {
      attempt = 0;
      setState('open');
      const out = queue;
      queue = [];
      for (const m of out) s.send(m);
    };
    s.onmessage = (ev) => onMessage(ev.data);
    s.onerror = () => undefined; // onclose follows
    s.onclose = () => {
      if (socket !== s) return;
      socket = null;
      // Answers to calls in flight are lost with the socket: say so rather than hang.
      for (const resolve of pending.values()) resolve(disconnected());
      pending.clear();
      queue = [];
      setState('closed');
      if (closedForGood) return;
      const wait = delays[Math.min(attempt, delays.length - 1)] ?? 1000;
      attempt += 1;
      retryTimer = setTimeout(connect, wait);
    };
  };
  connect();

  return {
    kind: 'browser',
    call(name, input) {
      if (closedForGood) return Promise.resolve(disconnected());
      const id = nextId++;
      const msg = JSON.stringify({ id, call: name, input: input ?? {} });
      return new Promise((resolve) => {
        pending.set(id, resolve);
        if (socket && state === 'open') socket.send(msg);
        else queue.push(msg);
      });
    },
    onEvent(cb) {
      eventHandlers.add(cb);
      return () => eventHandlers.delete(cb);
    },
    onConnection(cb) {
      connHandlers.add(cb);
      cb(state);
      return () => connHandlers.delete(cb);
    },
    close() {
      closedForGood = true;
      if (retryTimer) clearTimeout(retryTimer);
      socket?.close();
      for (const resolve of pending.values()) resolve(disconnected());
      pending.clear();
    },
  };
}

export interface Api {
  readonly transport: Transport;
  /** A call of the contract, typed by its name. */
  call<N extends CallName>(name: N, input: CallInput<N>): Promise<ApiResult<CallOutput<N>>>;
  onEvent(cb: EventHandler): () => void;
  onConnection(cb: (state: ConnectionState) => void): () => void;
  /**
   * Called when the main process says this window's login is gone (idle lock, operator
   * disabled): the window must return to the login screen, whatever screen made the call.
   */
  onSessionLost(cb: (code: string, message: string) => void): () => void;
  /**
   * Called after each answered call that the main process counts as activity for its idle lock
   * (a call needing a login, not refused as logged out, not lost on the way): the window's own
   * idle timer restarts then, so both lock at the same time (account/idle-lock.ts).
   */
  onActivity(cb: () => void): () => void;
}

/** Error codes meaning "log in again". */
const SESSION_LOST = new Set(['SESSION_LOCKED', 'AUTH_REQUIRED']);

export function createApi(transport: Transport): Api {
  const lost = new Set<(code: string, message: string) => void>();
  const activity = new Set<() => void>();
  return {
    transport,
    async call<N extends CallName>(name: N, input: CallInput<N>) {
      const r = (await transport.call(name, input)) as ApiResult<CallOutput<N>>;
      if (!r.ok && SESSION_LOST.has(r.error.code)) for (const cb of lost) cb(r.error.code, r.error.message);
      else if (countsAsActivity(name, r)) for (const cb of activity) cb();
      return r;
    },
    onEvent: (cb) => transport.onEvent(cb),
    onConnection: (cb) => transport.onConnection(cb),
    onSessionLost(cb) {
      lost.add(cb);
      return () => lost.delete(cb);
    },
    onActivity(cb) {
      activity.add(cb);
      return () => activity.delete(cb);
    },
  };
}

/** Whether the main process saw this call as the session's activity (it restarts its idle time). */
function countsAsActivity(name: string, r: ApiResult<unknown>): boolean {
  const def = (contract as Record<string, { role: string } | undefined>)[name];
  if (!def || def.role === 'public') return false;
  // Refused before the session was touched: never reached it, or the role gate said no.
  return r.ok || (r.error.code !== 'DISCONNECTED' && r.error.code !== 'FORBIDDEN' && r.error.code !== 'UNKNOWN_CALL');
}

/** The transport for this window: the Electron bridge if present, else browser mode's socket. */
export function transportForWindow(w: Window): Transport {
  if (w.cashier) return createBridgeTransport(w.cashier);
  const token =
    takeToken({
      location: w.location,
      storage: w.sessionStorage,
      replaceUrl: (u) => w.history.replaceState(null, '', u),
    }) ?? '';
  return createSocketTransport({
    url: apiSocketUrl(w.location.protocol, w.location.host, token),
    makeSocket: (u) => new WebSocket(u) as unknown as SocketLike,
  });
}

let singleton: Api | null = null;
const instance = (): Api => (singleton ??= createApi(transportForWindow(window)));

/** The window's API, created on first use: `api.call('system.status', {})`. */
export const api: Api = {
  get transport() {
    return instance().transport;
  },
  call: (name, input) => instance().call(name, input),
  onEvent: (cb) => instance().onEvent(cb),
  onConnection: (cb) => instance().onConnection(cb),
  onSessionLost: (cb) => instance().onSessionLost(cb),
  onActivity: (cb) => instance().onActivity(cb),
};
