// Browser mode's server: the renderer's files over HTTP and the API over a WebSocket, both on
// 127.0.0.1 only. The WebSocket is guarded by a random per-run token (given to the browser in
// the URL's #fragment, so it never travels in a request line or a log) and by an Origin and
// Host check, because any web page the user opens could otherwise open a WebSocket to
// localhost (WebSockets are not bound by the same-origin policy).
//
// API: startWebServer({app, staticDir, port?, token?}) → {url, urlWithToken, port, token, close()}.
// Wire: client→server {id: number, call: string, input: unknown};
//       server→client {id, result: ApiResult} and {event: string, payload: unknown}.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { App } from '../app/create-app';
import { fail } from '../api/result';
import { EVENT_AUDIENCE } from '../api/contract/events';
import { newSession, type Session } from '../api/session';
import { describeError, guardRequest, guardUpgrade, hardenHttpServer, SERVER_LIMITS } from '../app/server-safety';
import { requestPath, serveStatic } from './static-files';

export interface WebServerOptions {
  app: App;
  /** Folder of the built renderer (renderer/dist). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
}

export interface WebServer {
  url: string;
  urlWithToken: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/**
 * Largest API message answered: a bill of hundreds of lines fits easily. A bigger one (a
 * cashier pasting megabytes into a reason field) is refused on the same connection with
 * MESSAGE_TOO_LARGE, so the session and its login survive.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** Largest WebSocket message read at all; above it the connection is closed (1009). */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;
const HOST = '127.0.0.1';

export function tokenMatches(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  let port = opts.port ?? 0;
  const allowedHosts = () => [`${HOST}:${port}`, `localhost:${port}`];

  const log = opts.app.log;
  const http = createServer(
    { maxHeaderSize: SERVER_LIMITS.maxHeaderBytes },
    guardRequest(log, 'browser mode', (req: IncomingMessage, res: ServerResponse) => {
      // DNS rebinding: a foreign name pointing at 127.0.0.1 is refused.
      if (!allowedHosts().includes(req.headers.host ?? '')) {
        res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end('misdirected request');
        return;
      }
      serveStatic(opts.staticDir, req, res);
    }),
  );
  hardenHttpServer(http, log, 'browser mode');

  // perMessageDeflate off: compression is never negotiated, so an RSV1 frame is a protocol
  // error that closes its connection (1002), not a decompression bomb.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  wss.on('error', (e) => log.error('browser mode: the WebSocket server failed', describeError(e)));
  wss.on('wsClientError', (e, socket) => {
    log.warn('browser mode: refused a malformed WebSocket handshake', describeError(e));
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.destroy();
  });
  http.on(
    'upgrade',
    guardUpgrade(log, 'browser mode', (req, socket, head) => {
      const path = requestPath(req.url);
      const url = path === null ? null : new URL(req.url ?? '/', `http://${HOST}`);
      if (url === null) {
        log.warn('refused a WebSocket connection with a malformed request target');
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        socket.destroy();
        return;
      }
      const origin = req.headers.origin;
      const originOk = origin === undefined || allowedHosts().some((h) => origin === `http://${h}`);
      const hostOk = allowedHosts().includes(req.headers.host ?? '');
      if (url.pathname !== '/api' || !hostOk || !originOk || !tokenMatches(url.searchParams.get('token'), token)) {
        log.warn('refused a WebSocket connection', { path: url.pathname, origin: origin ?? null, hostOk });
        socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => sessions.set(ws, serveApi(opts.app, ws)));
    }),
  );

  // Each event only to the connections whose session may see it (EVENT_AUDIENCE): a card read
  // (name, ID number, birth date) never reaches a socket that is not logged in or is locked.
  const sessions = new WeakMap<WebSocket, Session>();
  const stopEvents = opts.app.events.onAny((name, payload) => {
    let msg: string | null = null;
    for (const c of wss.clients) {
      const session = sessions.get(c);
      if (c.readyState !== c.OPEN || !session || !opts.app.auth.mayReceive(session, EVENT_AUDIENCE[name])) continue;
      c.send((msg ??= JSON.stringify({ event: name, payload })));
    }
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, HOST, () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  const url = `http://${HOST}:${port}/`;
  return {
    url,
    urlWithToken: `${url}#token=${token}`,
    port,
    token,
    async close() {
      stopEvents();
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

/** A message id we echo back: a number or a short string, never an object a client made up. */
function messageId(v: unknown): number | string | null {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && v.length <= 64) return v;
  return null;
}

/** The id of a message too large to parse, read from its head (the renderer sends it first). */
function idFromHead(data: Buffer): number | null {
  const m = /^\s*\{\s*"id"\s*:\s*(\d{1,15})\s*,/.exec(data.subarray(0, 64).toString('latin1'));
  return m ? Number(m[1]) : null;
}

/**
 * One session per connection; each message one dispatch. Whatever a client sends gets an answer
 * with a code (BAD_MESSAGE, MESSAGE_TOO_LARGE, or the dispatch's own), or — for a frame that
 * breaks the WebSocket protocol (invalid UTF-8, RSV1, above MAX_FRAME_BYTES) — closes that one
 * connection with the protocol's code, logged. Nothing a client sends ends the process.
 */
function serveApi(app: App, ws: WebSocket): Session {
  const session = newSession('ws');
  const answer = (id: number | string | null, result: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }));
  };
  // ws closes the connection itself (1002/1007/1009) and then emits this; without a listener
  // the 'error' event would be thrown and end the process.
  ws.on('error', (e) => app.log.warn('browser mode: closed a WebSocket connection after a protocol error', describeError(e)));
  ws.on('message', (data: Buffer, isBinary) => {
    void handleMessage(data, isBinary).catch((e: unknown) => {
      // handleMessage answers everything it can; reaching here is a bug, still answered.
      app.log.error('browser mode: a WebSocket message failed', describeError(e));
      answer(null, fail('INTERNAL', '内部错误：该请求未能处理，已记录日志。'));
    });
  });

  return session;

  async function handleMessage(data: Buffer, isBinary: boolean): Promise<void> {
    if (data.length > MAX_MESSAGE_BYTES) {
      app.log.warn('browser mode: refused an oversize API message', { bytes: data.length, limit: MAX_MESSAGE_BYTES });
      answer(
        idFromHead(data),
        fail('MESSAGE_TOO_LARGE', `消息过大（${Math.ceil(data.length / 1024)} KB，上限 ${MAX_MESSAGE_BYTES / 1024} KB）：请缩短输入的内容后重试。`),
      );
      return;
    }
    let msg: unknown;
    try {
      if (isBinary) throw new Error('binary frame');
      msg = JSON.parse(data.toString('utf8'));
    } catch {
      answer(idFromHead(data), badMessage());
      return;
    }
    if (!msg || typeof msg !== 'object' || Array.isArray(msg) || typeof (msg as { call?: unknown }).call !== 'string') {
      answer(msg && typeof msg === 'object' ? messageId((msg as { id?: unknown }).id) : null, badMessage());
      return;
    }
    const { id, call, input } = msg as { id?: unknown; call: string; input?: unknown };
    const result = await app.call(session, call, input);
    let text: string;
    try {
      text = JSON.stringify({ id: messageId(id), result });
    } catch (e) {
      app.log.error('browser mode: an API answer could not be serialized', { call, ...describeError(e) });
      text = JSON.stringify({ id: messageId(id), result: fail('INTERNAL', '内部错误：结果无法发送，已记录日志。') });
    }
    if (ws.readyState === ws.OPEN) ws.send(text);
  }
}

const badMessage = () => fail('BAD_MESSAGE', '消息格式不正确：需要 JSON {id, call, input}。');
