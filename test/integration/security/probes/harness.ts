// The probe suite's target and tools (issue 14: "the process never dies from input").
// A probe talks to the REAL browser-mode process (`electron/web/run.ts` as a child, the same
// services as the Electron main process) over real sockets, the way an attacker or a clumsy
// client would: raw HTTP bytes, hand-made WebSocket frames, half-sent HIS bodies. After each
// probe it checks three things: the process is alive (and still answers a fresh client), the
// answer was a clear code, and no row changed (a fingerprint of every table).
//
// Use it from test/integration/security/probes/<topic>.test.ts:
//   const target = await startProbeTarget();            // fresh data dir, demo mode
//   const before = await target.quietSnapshot();
//   ...probe...
//   await target.expectAlive();
//   expect(changedTables(before, target.snapshot())).toEqual([]);
//   await target.stop();
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll } from 'vitest';
import { findDbKey } from '../../../../electron/auth/db-key';
import { openDatabase } from '../../../../electron/db/open';
import { startBrowserMode, type BrowserMode } from '../../../e2e/helpers/browser-mode';
import { changedTables, snapshotTables } from '../db-snapshot';

export { changedTables };

export interface ApiAnswer {
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string };
}

export interface ProbeTarget {
  mode: BrowserMode;
  port: number;
  token: string;
  dataDir: string;
  /** The HIS bill endpoint (POST /bills) and its bearer token. */
  his: { url: string; port: number; token: string };
  /** Fingerprint of every table, read from the database file by a separate read-only connection. */
  snapshot(): Record<string, string>;
  /** A snapshot once background work (policy sync, status) has stopped writing. */
  quietSnapshot(): Promise<Record<string, string>>;
  /** Throws unless the process is running and a fresh WebSocket client gets an answer. */
  expectAlive(): Promise<void>;
  /** A logged-in API socket (demo cashier 1001 unless told). */
  api(operatorId?: string, pin?: string): Promise<ApiSocket>;
  stop(): Promise<void>;
}

/** Origin/Host the app's own page would send. */
export function ownOrigin(port: number): string {
  return `http://127.0.0.1:${port}`;
}

export async function startProbeTarget(opts: { env?: NodeJS.ProcessEnv; args?: string[] } = {}): Promise<ProbeTarget> {
  // The probes need no real renderer: a one-file static folder keeps them independent of a
  // `vite build` (npm test runs the unit+integration suite before the e2e build).
  const staticDir = mkdtempSync(join(tmpdir(), 'probe-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>probe</title>');
  const mode = await startBrowserMode({ env: opts.env ?? {}, args: ['--static-dir', staticDir, ...(opts.args ?? [])] });
  const url = new URL(mode.url);
  const port = Number(url.port);
  const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
  const his = await waitForHis(mode);

  const target: ProbeTarget = {
    mode,
    port,
    token,
    dataDir: mode.dataDir,
    his,
    snapshot() {
      const { db } = openDatabase({ file: join(mode.dataDir, 'cashier.db'), key: findDbKey(mode.dataDir, {}), readonly: true });
      try {
        return snapshotTables(db);
      } finally {
        db.close();
      }
    },
    async quietSnapshot() {
      let last = target.snapshot();
      for (let i = 0; i < 60; i++) {
        await sleep(500);
        const next = target.snapshot();
        if (changedTables(last, next).length === 0) return next;
        last = next;
      }
      throw new Error('the database kept changing for 30 s with no client');
    },
    async expectAlive() {
      if (mode.process.exitCode !== null || mode.process.signalCode !== null) {
        throw new Error(`browser mode died (exit ${mode.process.exitCode ?? mode.process.signalCode}):\n${mode.output()}`);
      }
      const s = await openApiSocket(port, token);
      try {
        const r = await s.call('system.info', {});
        if (!r.ok) throw new Error(`system.info failed: ${JSON.stringify(r)}`);
      } finally {
        s.close();
      }
    },
    async api(operatorId = '1001', pin = '1234') {
      const s = await openApiSocket(port, token);
      const r = await s.call('auth.login', { operatorId, pin });
      if (!r.ok) throw new Error(`login ${operatorId} failed: ${JSON.stringify(r.error)}`);
      return s;
    },
    async stop() {
      await mode.stop();
      rmSync(staticDir, { recursive: true, force: true });
    },
  };
  return target;
}

/**
 * One quiet probe target for the whole test file: started before its tests (its start-up
 * writes done), stopped after them. Read it through the getter once beforeAll has run.
 */
export function probeTargetForFile(): () => ProbeTarget {
  let target: ProbeTarget | undefined;
  beforeAll(async () => {
    target = await startProbeTarget();
    await target.quietSnapshot();
  }, 120_000);
  afterAll(async () => {
    await target?.stop();
  });
  return () => target!;
}

async function waitForHis(mode: BrowserMode): Promise<ProbeTarget['his']> {
  for (let i = 0; i < 120; i++) {
    try {
      const { url } = JSON.parse(readFileSync(join(mode.dataDir, 'his-endpoint.json'), 'utf8')) as { url: string };
      const token = readFileSync(join(mode.dataDir, 'his-token'), 'utf8').trim();
      return { url, port: Number(new URL(url).port), token };
    } catch {
      await sleep(250);
    }
  }
  throw new Error(`the HIS endpoint did not start:\n${mode.output()}`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Raw TCP: whatever bytes a client may send.

export interface RawAnswer {
  /** HTTP status of the first response line, or null when the server answered nothing. */
  status: number | null;
  text: string;
  /** The server closed (or reset) the connection before `waitMs` ran out. */
  closedByServer: boolean;
}

/**
 * Writes `chunks` to a fresh connection (one write each, `gapMs` apart; a null chunk ends the
 * write side, 'destroy' drops the connection) and collects what comes back until the server
 * closes or `waitMs` passes.
 */
export function rawExchange(
  port: number,
  chunks: Array<string | Buffer | null | 'destroy'>,
  opts: { waitMs?: number; gapMs?: number } = {},
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const s: Socket = connect({ host: '127.0.0.1', port });
    let text = '';
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      resolve({ status: status ? Number(status) : null, text, closedByServer });
    };
    const timer = setTimeout(() => finish(false), opts.waitMs ?? 10_000);
    s.on('data', (d: Buffer) => (text += d.toString('latin1')));
    s.on('end', () => finish(true));
    s.on('close', () => finish(true));
    s.on('error', () => finish(true));
    s.on('connect', async () => {
      for (const c of chunks) {
        if (done) return;
        if (c === 'destroy') return finish(false);
        if (c === null) s.end();
        else s.write(c);
        if (opts.gapMs) await sleep(opts.gapMs);
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The API over WebSocket, as the renderer speaks it.

export interface ApiSocket {
  ws: WebSocket;
  call(name: string, input: unknown): Promise<ApiAnswer>;
  /** Sends text as-is and resolves with the next answer carrying `id` (null: any answer). */
  sendRaw(data: string | Buffer, binary?: boolean): Promise<{ id: unknown; result: ApiAnswer }>;
  /** Resolves when the server closes the socket: its close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export function openApiSocket(port: number, token: string): Promise<ApiSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, { headers: { Origin: ownOrigin(port) }, maxPayload: 64 * 1024 * 1024 });
    let next = 1;
    const waiting = new Map<unknown, (m: { id: unknown; result: ApiAnswer }) => void>();
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { id?: unknown; result?: ApiAnswer };
      if (!('result' in m)) return; // events
      const w = waiting.get(m.id) ?? waiting.get('*');
      if (w) {
        waiting.delete(waiting.has(m.id) ? m.id : '*');
        w({ id: m.id, result: m.result! });
      }
    });
    ws.on('error', () => undefined); // the close event carries the outcome
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.once('unexpected-response', (_q, res) => reject(new Error(`WebSocket refused: HTTP ${res.statusCode}`)));
    ws.once('open', () =>
      resolve({
        ws,
        closed,
        call(name, input) {
          const id = next++;
          return new Promise((r) => {
            waiting.set(id, (m) => r(m.result));
            ws.send(JSON.stringify({ id, call: name, input }));
          });
        },
        sendRaw(data, binary = false) {
          return new Promise((r) => {
            waiting.set('*', r);
            ws.send(data, { binary });
          });
        },
        close: () => ws.close(),
      }),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Hand-made WebSocket frames (what a well-behaved client library will not send).

export interface RawWebSocket {
  /** Sends one client frame (masked, as the protocol requires of clients). */
  frame(opts: { opcode: number; payload: Buffer; fin?: boolean; rsv1?: boolean; mask?: boolean }): void;
  /** Resolves with the close code the server sent (null if it just dropped the connection). */
  closeCode: Promise<number | null>;
  destroy(): void;
}

/** Completes a WebSocket handshake on a plain socket and returns a frame writer. */
export function rawWebSocket(port: number, token: string): Promise<RawWebSocket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    const key = randomBytes(16).toString('base64');
    let buf = Buffer.alloc(0);
    let upgraded = false;
    let resolveClose: (c: number | null) => void = () => undefined;
    const closeCode = new Promise<number | null>((r) => (resolveClose = r));
    s.on('error', () => resolveClose(null));
    s.on('close', () => resolveClose(null));
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        buf = buf.subarray(end + 4);
        if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`no upgrade: ${head.split('\r\n')[0]}`));
        const accept = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
        if (!head.includes(accept)) return reject(new Error('bad Sec-WebSocket-Accept'));
        upgraded = true;
        resolve({
          frame({ opcode, payload, fin = true, rsv1 = false, mask = true }) {
            const len = payload.length;
            const ext = len < 126 ? Buffer.alloc(0) : len < 65536 ? Buffer.alloc(2) : Buffer.alloc(8);
            if (len >= 126 && len < 65536) ext.writeUInt16BE(len);
            if (len >= 65536) ext.writeBigUInt64BE(BigInt(len));
            const b0 = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
            const b1 = (mask ? 0x80 : 0) | (len < 126 ? len : len < 65536 ? 126 : 127);
            const maskKey = mask ? randomBytes(4) : Buffer.alloc(0);
            const body = Buffer.from(payload);
            if (mask) for (let i = 0; i < body.length; i++) body[i]! ^= maskKey[i % 4]!;
            s.write(Buffer.concat([Buffer.from([b0, b1]), ext, maskKey, body]));
          },
          closeCode,
          destroy: () => s.destroy(),
        });
      }
      // A server close frame: opcode 8, unmasked, code in the first two payload bytes.
      if (upgraded && buf.length >= 4 && (buf[0]! & 0x0f) === 8) resolveClose(buf.readUInt16BE(2));
      else if (upgraded && buf.length >= 2 && (buf[0]! & 0x0f) === 8) resolveClose(1005);
    });
    s.on('connect', () => {
      s.write(
        `GET /api?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${ownOrigin(port)}\r\n` +
          `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
  });
}
