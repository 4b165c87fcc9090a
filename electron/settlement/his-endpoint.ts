// Loopback HTTP endpoint for an HIS: POST /bills with `Authorization: Bearer <token>` and a
// bill/1 JSON body (docs/SETTLEMENT.md). Listens on 127.0.0.1 only, on the `hisPort` setting
// (an HIS is configured once with a fixed address) or, when it is 0, on a random free port
// written to <dataDir>/his-endpoint.json. The token is generated once per data dir and kept in
// <dataDir>/his-token (readable by the installing user only).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { readBoundedFile, writePrivateFile } from '../security/safe-files';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AppError, isAppError } from '../api/result';
import type { CoreApp } from '../app/core';
import { describeError, guardRequest, hardenHttpServer, SERVER_LIMITS } from '../app/server-safety';
import { parseBillJson } from './bill-format';
import type { BillStore } from './bills';

const MAX_BODY = 1024 * 1024;

const tooLarge = () => new AppError('BILL_TOO_LARGE', '账单超过 1 MB：请分批发送。');

/**
 * The request body, at most `max` bytes. Rejects with BILL_TOO_LARGE past the limit (declared
 * by Content-Length or streamed) and REQUEST_ABORTED when the client drops the connection
 * before the end — a rejection its caller answers, never one left unhandled.
 */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      f();
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > max) settle(() => reject(tooLarge()));
      else chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => settle(() => resolve(Buffer.concat(chunks))));
    req.on('error', (e) => settle(() => reject(aborted(e))));
    req.on('close', () => settle(() => reject(aborted())));
  });
}

const aborted = (cause?: unknown) =>
  new AppError('REQUEST_ABORTED', 'HIS 在发送完账单之前断开了连接：未收到完整账单，未保存任何内容。', cause ? describeError(cause) : undefined);

export function hisToken(dataDir: string): string {
  const file = join(dataDir, 'his-token');
  if (existsSync(file)) return readBoundedFile(file, { maxBytes: 4096, codePrefix: 'HIS_TOKEN', what: 'HIS 令牌文件' }).toString('utf8').trim();
  const token = randomBytes(24).toString('hex');
  writeFileSync(file, token + '\n', { mode: 0o600 });
  return token;
}

export class HisEndpoint {
  private server: Server | null = null;
  readonly token: string;
  url = '';

  constructor(
    private readonly core: CoreApp,
    private readonly bills: BillStore,
  ) {
    this.token = hisToken(core.dataDir);
  }

  /** Listen on `port` (default: the hisPort setting; 0 = any free port); resolves with the base URL. */
  async start(port: number = this.core.settings.hisPort): Promise<string> {
    const file = join(this.core.dataDir, 'his-endpoint.json');
    const log = this.core.log;
    const server = createServer({ maxHeaderSize: SERVER_LIMITS.maxHeaderBytes }, guardRequest(log, 'HIS endpoint', (req, res) => this.handle(req, res)));
    hardenHttpServer(server, log, 'HIS endpoint');
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
    } catch (e) {
      // A URL left from an earlier start would point the HIS at a port we no longer hold.
      rmSync(file, { force: true });
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES') {
        throw new AppError(
          'HIS_PORT_UNAVAILABLE',
          `HIS 账单接口无法监听 127.0.0.1:${port}（${code === 'EADDRINUSE' ? '端口已被其他程序占用' : '无权使用该端口'}）：请关闭占用该端口的程序，或用 settings set hisPort 换一个端口后重启。`,
          { port },
        );
      }
      throw e;
    }
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writePrivateFile(file, JSON.stringify({ url: `${this.url}/bills` }) + '\n');
    return this.url;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private authorized(req: IncomingMessage): boolean {
    const h = req.headers.authorization ?? '';
    const given = Buffer.from(h.startsWith('Bearer ') ? h.slice(7).trim() : '');
    const want = Buffer.from(this.token);
    return given.length === want.length && timingSafeEqual(given, want);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown, close = false) => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...(close ? { connection: 'close' } : {}) });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/bills') return send(404, { code: 'NOT_FOUND', message: '只支持 POST /bills' });
    if (!this.authorized(req)) return send(401, { code: 'UNAUTHORIZED', message: '令牌无效' });
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY);
    } catch (e) {
      if (!isAppError(e)) throw e;
      this.core.log.warn('HIS endpoint: refused a request body', { code: e.code });
      // Too large: answered, and the connection closed (the rest of the body is not read).
      // Aborted: there is nobody left to answer.
      return e.code === 'BILL_TOO_LARGE' ? send(413, e.toApiError(), true) : undefined;
    }
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
    let json: string;
    try {
      json = text.decode(body);
    } catch {
      return send(400, { code: 'BILL_NOT_UTF8', message: '账单不是有效的 UTF-8 文本：请以 UTF-8 编码发送。' });
    }
    try {
      const bills = parseBillJson(json);
      const stored = this.bills.add(bills, 'http', req.socket.remoteAddress ?? 'his');
      send(201, { ids: stored.map((b) => b.id), billIds: stored.map((b) => b.billId ?? null) });
    } catch (e) {
      if (isAppError(e)) return send(400, e.toApiError());
      throw e; // guardRequest logs it with its cause and answers 500
    }
  }
}
