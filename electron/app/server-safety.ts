// The safety net every server in the app stands on (browser mode's page + WebSocket server, the
// HIS endpoint): one failing request or connection is answered or closed, logged with its
// cause, and everything else keeps running. Nothing here swallows an error silently.
//
// The causes are fixed where they are (static-files.ts decodes paths safely, the HIS endpoint
// reads bodies with limits, the WebSocket has error listeners); this is the net under them for
// whatever a future change forgets.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from './log';

/** Limits for a loopback server that serves one clinic window (never the open internet). */
export const SERVER_LIMITS = {
  /** Headers must arrive within this (slowloris); Node's default is 60 s. */
  headersTimeoutMs: 10_000,
  /** The whole request (headers + body) within this; Node's default is 300 s. */
  requestTimeoutMs: 30_000,
  /** Idle keep-alive connections are closed after this. */
  keepAliveTimeoutMs: 5_000,
  /** Total header size (Node's default, stated here so a change is deliberate). */
  maxHeaderBytes: 16 * 1024,
  maxHeadersCount: 100,
} as const;

/** One line for a log: the error's code and message, never a stack full of request data. */
export function describeError(e: unknown): { error: string; code?: string } {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code ? { error: `${e.name}: ${e.message}`, code } : { error: `${e.name}: ${e.message}` };
  }
  return { error: String(e) };
}

/**
 * Hardens a Node HTTP server: timeouts, header limits, and an answer to every request Node
 * cannot parse (bad request line, oversize headers, timeouts) — logged, then closed.
 */
export function hardenHttpServer(server: Server, log: Logger, name: string): void {
  server.headersTimeout = SERVER_LIMITS.headersTimeoutMs;
  server.requestTimeout = SERVER_LIMITS.requestTimeoutMs;
  server.keepAliveTimeout = SERVER_LIMITS.keepAliveTimeoutMs;
  server.maxHeadersCount = SERVER_LIMITS.maxHeadersCount;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A client that went away needs no answer (and is not news).
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status =
      err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    log.warn(`${name}: refused a request it could not parse`, { status: Number(status.slice(0, 3)), ...describeError(err) });
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
}

/** The JSON every one of our HTTP servers answers with when a handler itself failed. */
const INTERNAL_BODY = JSON.stringify({ code: 'INTERNAL', message: '内部错误：请求未能处理，已记录日志。其他功能不受影响。' });

/**
 * Wraps a request handler (sync or async): a throw or rejection is logged with its cause and
 * answered 500 (or the connection closed when the answer had already begun).
 */
export function guardRequest(
  log: Logger,
  name: string,
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const failed = (e: unknown) => {
      log.error(`${name}: a request failed`, { method: req.method ?? null, ...describeError(e) });
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8', connection: 'close' }).end(INTERNAL_BODY);
      } else {
        res.destroy();
      }
    };
    try {
      const p = handler(req, res);
      if (p) p.catch(failed);
    } catch (e) {
      failed(e);
    }
  };
}

/**
 * Wraps an 'upgrade' handler: a throw is logged and the socket answered 400 and closed. Also
 * gives the raw socket an error listener from the first moment (a reset before the handshake
 * completes would otherwise be an uncaught 'error' event).
 */
export function guardUpgrade(
  log: Logger,
  name: string,
  handler: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    socket.on('error', (e) => log.info(`${name}: a connection failed during its upgrade`, describeError(e)));
    try {
      handler(req, socket, head);
    } catch (e) {
      log.error(`${name}: an upgrade request failed`, describeError(e));
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
    }
  };
}

let processNetInstalled = false;

/**
 * The last net, for a long-running process (browser mode, the Electron main process): an error
 * no handler caught is logged with its cause and the process keeps serving. The clinic window
 * must not go dark mid-shift because one request hit a bug: every write is one SQLite
 * transaction (rolled back when its code throws), so a failed request leaves no half-state in
 * the database; what the log line says is then a bug to fix.
 */
export function installProcessSafetyNet(log: Logger): void {
  if (processNetInstalled) return;
  processNetInstalled = true;
  process.on('unhandledRejection', (reason) => {
    log.error('an unhandled promise rejection (a bug: its request was not answered); the process keeps running', describeErrorWithStack(reason));
  });
  process.on('uncaughtException', (e) => {
    log.error('an uncaught exception (a bug: its request was not answered); the process keeps running', describeErrorWithStack(e));
  });
}

function describeErrorWithStack(e: unknown): Record<string, unknown> {
  return e instanceof Error ? { ...describeError(e), stack: e.stack ?? null } : describeError(e);
}
