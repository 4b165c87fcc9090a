// Browser mode's transport for real: HTTP + WebSocket on 127.0.0.1 against a real app.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebServer, type WebServer } from '../../electron/web/server';
import { startTempApp, type TempApp } from '../helpers/temp-app';

function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function request(ws: WebSocket, msg: unknown): Promise<{ id: unknown; result: { ok: boolean; value?: unknown; error?: { code: string } } }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString());
      if ('result' in m) {
        ws.off('message', onMessage);
        resolve(m);
      }
    };
    ws.on('message', onMessage);
    ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  });
}

describe('browser-mode transport', () => {
  let t: TempApp;
  let server: WebServer;
  beforeAll(async () => {
    t = await startTempApp();
    const staticDir = mkdtempSync(join(tmpdir(), 'static-'));
    mkdirSync(staticDir, { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>医保结算</title>');
    server = await startWebServer({ app: t.app, staticDir });
  });
  afterAll(async () => {
    await server.close();
    await t.close();
  });

  it('serves the renderer on 127.0.0.1 with a strict CSP', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await res.text()).toContain('医保结算');
  });

  it('does not serve files outside the renderer folder', async () => {
    const res = await fetch(`${server.url}..%2f..%2fetc%2fpasswd`);
    expect(res.status).toBe(404);
  });

  it('runs calls through the dispatch, one session per connection', async () => {
    const ws = await connect(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    const info = await request(ws, { id: 1, call: 'system.info', input: {} });
    expect(info).toMatchObject({ id: 1, result: { ok: true, value: { demo: true } } });
    const denied = await request(ws, { id: 2, call: 'auth.logout', input: {} });
    expect(denied.result.error?.code).toBe('AUTH_REQUIRED');
    const login = await request(ws, { id: 3, call: 'auth.login', input: { operatorId: '1001', pin: '1234' } });
    expect(login.result.ok).toBe(true);
    const who = await request(ws, { id: 4, call: 'auth.whoami', input: {} });
    expect(who.result.value).toMatchObject({ id: '1001' });
    ws.close();
  });

  it('answers garbage with BAD_MESSAGE and keeps the connection', async () => {
    const ws = await connect(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    expect((await request(ws, '{not json')).result.error?.code).toBe('BAD_MESSAGE');
    expect((await request(ws, { id: 9, call: 'system.info' })).result.ok).toBe(true);
    ws.close();
  });

  it('pushes status events to connected windows', async () => {
    const ws = await connect(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    const got = new Promise<{ event: string; payload: { outbox: { depth: number } } }>((resolve) =>
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.event === 'status') resolve(m);
      }),
    );
    t.app.status.set('outbox', { depth: 3, oldestQueuedAt: null, failing: 0 });
    expect((await got).payload.outbox.depth).toBe(3);
    ws.close();
  });

  it('refuses a connection without the token, with a wrong token, or from a foreign origin', async () => {
    await expect(connect(`ws://127.0.0.1:${server.port}/api`)).rejects.toThrow(/403/);
    await expect(connect(`ws://127.0.0.1:${server.port}/api?token=x${server.token.slice(1)}`)).rejects.toThrow(/403/);
    await expect(connect(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, { Origin: 'https://evil.example' })).rejects.toThrow(/403/);
  });
});
