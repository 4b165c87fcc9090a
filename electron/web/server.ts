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
import { newSession } from '../api/session';
import { serveStatic } from './static-files';

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

/** Largest API message accepted from a browser; a bill of hundreds of lines fits easily. */
const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;
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

  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    // DNS rebinding: a foreign name pointing at 127.0.0.1 is refused.
    if (!allowedHosts().includes(req.headers.host ?? '')) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end('misdirected request');
      return;
    }
    serveStatic(opts.staticDir, req, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const origin = req.headers.origin;
    const originOk = origin === undefined || allowedHosts().some((h) => origin === `http://${h}`);
    const hostOk = allowedHosts().includes(req.headers.host ?? '');
    if (url.pathname !== '/api' || !hostOk || !originOk || !tokenMatches(url.searchParams.get('token'), token)) {
      opts.app.log.warn('refused a WebSocket connection', { path: url.pathname, origin: origin ?? null, hostOk });
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveApi(opts.app, ws));
  });

  const stopEvents = opts.app.events.onAny((name, payload) => {
    const msg = JSON.stringify({ event: name, payload });
    for (const c of wss.clients) if (c.readyState === c.OPEN) c.send(msg);
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

/** One session per connection; each message one dispatch; nothing a client sends can crash it. */
function serveApi(app: App, ws: WebSocket): void {
  const session = newSession('ws');
  ws.on('message', async (data, isBinary) => {
    let id: unknown = null;
    try {
      if (isBinary) throw new Error('binary');
      const msg: unknown = JSON.parse(data.toString());
      if (!msg || typeof msg !== 'object' || typeof (msg as { call?: unknown }).call !== 'string') throw new Error('shape');
      id = (msg as { id?: unknown }).id ?? null;
      const { call, input } = msg as { call: string; input?: unknown };
      const result = await app.call(session, call, input);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }));
    } catch {
      if (ws.readyState === ws.OPEN) {
        ws.send(JSON.stringify({ id, result: fail('BAD_MESSAGE', '消息格式不正确：需要 JSON {id, call, input}。') }));
      }
    }
  });
}
