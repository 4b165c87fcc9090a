// The browser-mode transport against a real WebSocket server on 127.0.0.1 (the `ws` package,
// as browser mode uses): calls are matched to answers by id, events are delivered, calls in
// flight fail clearly when the socket drops, and the transport reconnects by itself.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createApi, createBridgeTransport, createSocketTransport, type SocketLike, type Transport } from '../../../renderer/src/api/client';
import { apiSocketUrl, takeToken, tokenFromHash } from '../../../renderer/src/api/token';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function server(onMessage: (ws: WebSocket, msg: { id: number; call: string; input: unknown }) => void) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const connections: WebSocket[] = [];
  wss.on('connection', (ws) => {
    connections.push(ws);
    ws.on('message', (d) => onMessage(ws, JSON.parse(d.toString()) as { id: number; call: string; input: unknown }));
  });
  cleanups.push(() => new Promise<void>((r) => {
    for (const c of wss.clients) c.terminate();
    wss.close(() => r());
  }));
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api?token=t`, connections, wss };
}

function transportTo(url: string): Transport {
  const t = createSocketTransport({ url, makeSocket: (u) => new WebSocket(u) as unknown as SocketLike, retryDelaysMs: [20] });
  cleanups.push(() => t.close());
  return t;
}

const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

describe('browser-mode socket transport', () => {
  it('sends {id, call, input} and resolves each call with its own answer, out of order', async () => {
    const seen: unknown[] = [];
    const held: { ws: WebSocket; id: number }[] = [];
    const { url } = await server((ws, msg) => {
      seen.push(msg);
      if (msg.call === 'slow') held.push({ ws, id: msg.id });
      else ws.send(JSON.stringify({ id: msg.id, result: { ok: true, value: `answer to ${msg.call}` } }));
    });
    const t = transportTo(url);
    const slow = t.call('slow', { a: 1 });
    const fast = await t.call('fast', { b: 2 });
    expect(fast).toEqual({ ok: true, value: 'answer to fast' });
    await waitFor(() => held.length === 1);
    held[0]!.ws.send(JSON.stringify({ id: held[0]!.id, result: { ok: false, error: { code: 'X', message: '慢' } } }));
    expect(await slow).toEqual({ ok: false, error: { code: 'X', message: '慢' } });
    expect(seen).toEqual([
      { id: 1, call: 'slow', input: { a: 1 } },
      { id: 2, call: 'fast', input: { b: 2 } },
    ]);
  });

  it('delivers server events to every subscriber until unsubscribed', async () => {
    const { url, connections } = await server(() => undefined);
    const t = transportTo(url);
    const got: [string, unknown][] = [];
    const off = t.onEvent((n, p) => got.push([n, p]));
    await waitFor(() => connections.length === 1);
    await new Promise<void>((r) => t.onConnection((s) => s === 'open' && r()));
    connections[0]!.send(JSON.stringify({ event: 'status', payload: { x: 1 } }));
    connections[0]!.send('not json');
    await waitFor(() => got.length === 1);
    expect(got).toEqual([['status', { x: 1 }]]);
    off();
    connections[0]!.send(JSON.stringify({ event: 'status', payload: { x: 2 } }));
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(1);
  });

  it('fails calls in flight with DISCONNECTED when the socket drops, then reconnects', async () => {
    const { url, connections } = await server((ws, msg) => {
      if (msg.call === 'hang') return;
      ws.send(JSON.stringify({ id: msg.id, result: { ok: true, value: 1 } }));
    });
    const t = transportTo(url);
    const states: string[] = [];
    t.onConnection((s) => states.push(s));
    const hanging = t.call('hang', {});
    await waitFor(() => connections.length === 1);
    connections[0]!.terminate();
    const r = await hanging;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('DISCONNECTED');
    await waitFor(() => connections.length === 2);
    expect(await t.call('again', {})).toEqual({ ok: true, value: 1 });
    expect(states).toContain('closed');
    expect(states.at(-1)).toBe('open');
  });
});

describe('Electron bridge transport', () => {
  it('calls the one method named for the call and refuses names the preload does not have', async () => {
    const calls: unknown[] = [];
    const t = createBridgeTransport({
      onEvent: () => () => undefined,
      'system.status': async (input: unknown) => {
        calls.push(input);
        return { ok: true, value: 'st' };
      },
    });
    expect(await t.call('system.status', {})).toEqual({ ok: true, value: 'st' });
    const missing = await t.call('settlement.settle', {});
    expect(missing.ok).toBe(false);
    expect(calls).toEqual([{}]);
  });
});

describe('token', () => {
  it('takes the token from the hash once, stores it, clears the address bar, then reads it from storage', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    const replaced: string[] = [];
    expect(takeToken({ location: { hash: '#token=abc_12', pathname: '/', search: '' }, storage, replaceUrl: (u) => replaced.push(u) })).toBe('abc_12');
    expect(replaced).toEqual(['/']);
    expect(takeToken({ location: { hash: '', pathname: '/', search: '' }, storage })).toBe('abc_12');
    expect(tokenFromHash('#x=1&token=')).toBeNull();
    expect(apiSocketUrl('http:', '127.0.0.1:5000', 'a+b')).toBe('ws://127.0.0.1:5000/api?token=a%2Bb');
    expect(apiSocketUrl('https:', 'h', 't')).toBe('wss://h/api?token=t');
  });
});

describe('session loss', () => {
  it('tells the window when a call answers SESSION_LOCKED, and not for other refusals', async () => {
    const answers: Record<string, unknown> = {
      'shift.current': { ok: false, error: { code: 'SESSION_LOCKED', message: '长时间未操作，已锁定。' } },
      'policy.search': { ok: false, error: { code: 'INVALID_INPUT', message: '输入不正确' } },
    };
    const s = await server((ws, m) => ws.send(JSON.stringify({ id: m.id, result: answers[m.call] })));
    const api = createApi(transportTo(s.url));
    const lost: string[] = [];
    api.onSessionLost((code) => lost.push(code));
    await api.call('policy.search', { query: 'amx' });
    expect(lost).toEqual([]);
    await api.call('shift.current', {});
    expect(lost).toEqual(['SESSION_LOCKED']);
  });
});
