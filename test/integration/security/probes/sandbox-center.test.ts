// The sandbox center's two HTTP servers (transactions, control) stand on the same safety net as
// the app's own servers (issue 14): in demo mode they run inside the app's process, so a bad
// request to them must be answered or closed and logged with its cause, and both keep serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Logger } from '../../../../electron/app/log';
import { SERVER_LIMITS } from '../../../../electron/app/server-safety';
import { startSandboxCenter, type SandboxCenter } from '../../../../electron/center/sandbox/server';
import { tempDir } from '../../../helpers/temp-app';
import { rawExchange } from './harness';

const lines: { level: string; msg: string; ctx?: Record<string, unknown> }[] = [];
const log: Logger = {
  info: (msg, ctx) => lines.push({ level: 'info', msg, ...(ctx ? { ctx } : {}) }),
  warn: (msg, ctx) => lines.push({ level: 'warn', msg, ...(ctx ? { ctx } : {}) }),
  error: (msg, ctx) => lines.push({ level: 'error', msg, ...(ctx ? { ctx } : {}) }),
};

let center: SandboxCenter;
let txPort: number;
let controlPort: number;

beforeAll(async () => {
  center = await startSandboxCenter({ dataDir: join(tempDir('sandbox-probe-'), 'sandbox'), institutionCode: 'H99010000001', secret: 's', controlPort: 0, log });
  txPort = center.port;
  controlPort = Number(new URL(center.controlUrl!).port);
});
afterAll(async () => {
  await center.close();
});

async function bothAlive(): Promise<void> {
  const tx = await rawExchange(txPort, ['GET /tx HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
  expect(tx.status).toBe(404); // only POST /tx is a transaction: the server answered
  const ctl = await fetch(`${center.controlUrl!}/faults`);
  expect(ctl.status).toBe(200);
}

describe('the sandbox center behind the server safety net', () => {
  for (const which of ['transactions', 'control'] as const) {
    const port = () => (which === 'transactions' ? txPort : controlPort);

    it(`${which}: a request line that is not HTTP is answered 400 and logged with its cause`, async () => {
      lines.length = 0;
      for (const bad of ['GET http://[ HTTP/1.1\r\n\r\n', '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03 not http at all\r\n\r\n']) {
        const r = await rawExchange(port(), [bad]);
        expect(r.status, JSON.stringify(bad)).toBe(400);
        expect(r.closedByServer).toBe(true);
      }
      const refused = lines.filter((l) => l.level === 'warn' && l.msg.includes('refused a request it could not parse'));
      // The bytes that are not HTTP at all reach the net's clientError listener: logged with the cause.
      expect(refused.length, JSON.stringify(lines)).toBeGreaterThanOrEqual(1);
      expect(refused.at(-1)!.ctx).toMatchObject({ status: 400, code: 'HPE_INVALID_METHOD' });
      await bothAlive();
    });

    it(`${which}: headers above ${SERVER_LIMITS.maxHeaderBytes / 1024} KB are answered 431`, async () => {
      const r = await rawExchange(port(), [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`]);
      expect(r.status).toBe(431);
      await bothAlive();
    });

    it(`${which}: headers and half a body, then the connection dropped, harms nothing`, async () => {
      const path = which === 'transactions' ? '/tx' : '/faults';
      await rawExchange(port(), [`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"infno":`, 'destroy'], { gapMs: 20 });
      await new Promise((r) => setTimeout(r, 50));
      await bothAlive();
    });
  }

  it('has the app servers\' timeouts (slowloris) on both servers', async () => {
    // The limits are read off the live servers: before, Node's defaults (60 s / 300 s) held.
    const servers = center as unknown as { txServer: import('node:http').Server; controlServer: import('node:http').Server };
    for (const s of [servers.txServer, servers.controlServer]) {
      expect(s.headersTimeout).toBe(SERVER_LIMITS.headersTimeoutMs);
      expect(s.requestTimeout).toBe(SERVER_LIMITS.requestTimeoutMs);
      expect(s.maxHeadersCount).toBe(SERVER_LIMITS.maxHeadersCount);
    }
  });

  it('a control request that is not JSON is answered, and the control endpoint keeps serving', async () => {
    const r = await fetch(`${center.controlUrl!}/faults`, { method: 'POST', body: '{not json' });
    expect(r.status).toBeGreaterThanOrEqual(400);
    await bothAlive();
  });
});
