// The server safety net (electron/app/server-safety.ts) on a real HTTP server: a handler that
// throws or rejects gets its request answered 500 INTERNAL and logged with the cause, and the
// server keeps answering the next request.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../electron/app/log';
import { guardRequest, guardUpgrade, hardenHttpServer } from '../../../electron/app/server-safety';
import { rawExchange } from '../../integration/security/probes/harness';

function recordingLog(): Logger & { lines: Array<[string, string, Record<string, unknown> | undefined]> } {
  const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
  return {
    lines,
    info: (m, c) => lines.push(['info', m, c]),
    warn: (m, c) => lines.push(['warn', m, c]),
    error: (m, c) => lines.push(['error', m, c]),
  };
}

let server: Server | null = null;
afterEach(async () => {
  const s = server;
  server = null;
  if (s) await new Promise<void>((r) => s.close(() => r()));
});

async function listen(s: Server): Promise<number> {
  server = s;
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return (s.address() as AddressInfo).port;
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;

describe('guardRequest', () => {
  it('answers 500 INTERNAL for a throw and for a rejection, logs the cause, keeps serving', async () => {
    const log = recordingLog();
    const port = await listen(
      createServer(
        guardRequest(log, 'test server', async (req, res) => {
          if (req.url === '/throw') throw new TypeError('boom in a handler');
          if (req.url === '/reject') {
            await Promise.resolve();
            throw new RangeError('late boom');
          }
          res.end('fine');
        }),
      ),
    );
    const thrown = await rawExchange(port, [get('/throw')]);
    expect(thrown.status).toBe(500);
    expect(thrown.text).toContain('"code":"INTERNAL"');
    const rejected = await rawExchange(port, [get('/reject')]);
    expect(rejected.status).toBe(500);
    expect((await rawExchange(port, [get('/ok')])).status).toBe(200);
    const errors = log.lines.filter(([level]) => level === 'error').map(([, m, c]) => `${m} ${String(c?.error)}`);
    expect(errors).toEqual([expect.stringContaining('TypeError: boom in a handler'), expect.stringContaining('RangeError: late boom')]);
  });

  it('closes the connection when the answer had already begun', async () => {
    const log = recordingLog();
    const port = await listen(
      createServer(
        guardRequest(log, 'test server', async (_req, res) => {
          res.writeHead(200, { 'content-length': '100' });
          // Wait until the head has reached the socket, so the client has seen it begin.
          await new Promise<void>((resolve) => res.write('partial', () => resolve()));
          throw new Error('after the head');
        }),
      ),
    );
    const r = await rawExchange(port, [get('/')]);
    expect(r.status).toBe(200);
    expect(r.closedByServer).toBe(true);
    expect(log.lines.some(([level, , c]) => level === 'error' && String(c?.error).includes('after the head'))).toBe(true);
  });
});

describe('guardUpgrade and hardenHttpServer', () => {
  it('an upgrade handler that throws: 400, logged; a malformed request line: 400, logged', async () => {
    const log = recordingLog();
    const s = createServer((_q, res) => res.end('page'));
    hardenHttpServer(s, log, 'test server');
    s.on(
      'upgrade',
      guardUpgrade(log, 'test server', () => {
        throw new Error('upgrade bug');
      }),
    );
    const port = await listen(s);
    const up = await rawExchange(port, ['GET /api HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n']);
    expect(up.status).toBe(400);
    const garbage = await rawExchange(port, ['\x16\x03\x01 not http\r\n\r\n']);
    expect(garbage.status).toBe(400);
    expect((await rawExchange(port, [get('/')])).status).toBe(200);
    expect(log.lines.map(([level, m]) => `${level} ${m}`)).toEqual(
      expect.arrayContaining(['error test server: an upgrade request failed', 'warn test server: refused a request it could not parse']),
    );
  });
});

describe('installProcessSafetyNet', () => {
  it('a stray rejection and a stray throw are logged with their cause; the process lives on', () => {
    const script = `
      import { installProcessSafetyNet } from './electron/app/server-safety.ts';
      const log = { info() {}, warn() {}, error: (m, c) => console.log('LOGGED', m, c.error) };
      installProcessSafetyNet(log);
      void Promise.reject(new Error('stray rejection'));
      setTimeout(() => { throw new Error('stray throw'); }, 10);
      setTimeout(() => console.log('STILL ALIVE'), 200);
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('LOGGED an unhandled promise rejection');
    expect(r.stdout).toContain('Error: stray rejection');
    expect(r.stdout).toContain('LOGGED an uncaught exception');
    expect(r.stdout).toContain('Error: stray throw');
    expect(r.stdout).toContain('STILL ALIVE');
  });
});
