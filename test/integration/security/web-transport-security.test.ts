// Browser mode's WebSocket (electron/web/server.ts, the lead's) from the security side: it
// listens on 127.0.0.1 only and refuses a connection without the per-run token, with a wrong
// one, from a foreign Origin, or with a foreign Host (DNS rebinding).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { silentLogger } from '../../../electron/app/log';
import { startWebServer, type WebServer } from '../../../electron/web/server';
import { startTempApp, type TempApp } from '../../helpers/temp-app';

/** Opens a WebSocket; resolves 'open' or the HTTP status / error that refused it. */
function attempt(url: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`));
    ws.once('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code ?? e.message}`));
  });
}

function nonLoopbackAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

describe('browser-mode WebSocket security', () => {
  let t: TempApp;
  let server: WebServer;
  let staticDir: string;
  beforeAll(async () => {
    t = await startTempApp({ log: silentLogger });
    staticDir = mkdtempSync(join(tmpdir(), 'static-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>x</title>');
    server = await startWebServer({ app: t.app, staticDir });
  });
  afterAll(async () => {
    await server.close();
    await t.close();
    rmSync(staticDir, { recursive: true, force: true });
  });

  const base = () => `ws://127.0.0.1:${server.port}/api`;

  it('listens on 127.0.0.1 only', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const other = nonLoopbackAddress();
    if (other) {
      const outcome = await new Promise<string>((resolve) => {
        const s = netConnect({ host: other, port: server.port });
        s.once('connect', () => {
          s.destroy();
          resolve('connected');
        });
        s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
      expect(outcome).toBe('ECONNREFUSED');
    }
  });

  it('a random token of real length is made per run', () => {
    expect(server.token.length).toBeGreaterThanOrEqual(32);
    expect(server.urlWithToken).toContain(`#token=${server.token}`);
  });

  it('accepts the right token from the app\'s own origin', async () => {
    expect(await attempt(`${base()}?token=${server.token}`, { Origin: `http://127.0.0.1:${server.port}` })).toBe('open');
  });

  it('refuses no token, a wrong token, and a token of the wrong length', async () => {
    expect(await attempt(base())).toBe('HTTP 403');
    expect(await attempt(`${base()}?token=`)).toBe('HTTP 403');
    const wrong = server.token.slice(0, -1) + (server.token.endsWith('A') ? 'B' : 'A');
    expect(await attempt(`${base()}?token=${wrong}`)).toBe('HTTP 403');
    expect(await attempt(`${base()}?token=${server.token}x`)).toBe('HTTP 403');
  });

  it('refuses a foreign Origin even with the token (a web page the user has open)', async () => {
    for (const origin of ['https://evil.example', 'http://127.0.0.1.evil.example', `http://127.0.0.1:${server.port + 1}`, 'null']) {
      expect(await attempt(`${base()}?token=${server.token}`, { Origin: origin }), origin).toBe('HTTP 403');
    }
  });

  it('refuses a foreign Host (DNS rebinding) for the socket and the files', async () => {
    expect(await attempt(`${base()}?token=${server.token}`, { Host: `evil.example:${server.port}` })).toBe('HTTP 403');
    const res = await new Promise<number>((resolve) => {
      const s = netConnect({ host: '127.0.0.1', port: server.port }, () => {
        s.write(`GET / HTTP/1.1\r\nHost: evil.example:${server.port}\r\nConnection: close\r\n\r\n`);
      });
      let data = '';
      s.on('data', (d) => (data += d.toString()));
      s.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1] ?? 0)));
    });
    expect(res).toBe(421);
  });
});
