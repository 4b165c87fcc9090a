// Probes against browser mode's HTTP server, its WebSocket and the HIS endpoint (issue 14,
// "the process never dies from input"). Each probe is what a web page, a broken HIS or a
// clumsy user can send; after each: the process answers a fresh client, the answer was a clear
// code, and no table changed. The threat table in docs/SECURITY.md points here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changedTables,
  openApiSocket,
  rawExchange,
  rawWebSocket,
  startProbeTarget,
  type ProbeTarget,
} from './harness';

let target: ProbeTarget;
let before: Record<string, string>;

beforeAll(async () => {
  target = await startProbeTarget();
  before = await target.quietSnapshot();
}, 120_000);

afterAll(async () => {
  await target?.stop();
});

/** After every probe: alive, and nothing written. */
async function unharmed(): Promise<void> {
  await target.expectAlive();
  expect(changedTables(before, target.snapshot())).toEqual([]);
}

/** A logged-in socket; the login's own audit entry is not the probe's doing, so it is the new baseline. */
async function session() {
  const s = await target.api();
  before = target.snapshot();
  return s;
}

const host = () => `Host: 127.0.0.1:${target.port}\r\n`;

describe('raw HTTP on the page path', () => {
  it('GET /% (malformed percent-encoding, any <img> can send it) is answered 400', async () => {
    const r = await rawExchange(target.port, [`GET /% HTTP/1.1\r\n${host()}Connection: close\r\n\r\n`]);
    expect(r.status).toBe(400);
    await unharmed();
  });

  it('GET /%E0%A4%A (truncated UTF-8 escape) is answered 400', async () => {
    const r = await rawExchange(target.port, [`GET /%E0%A4%A HTTP/1.1\r\n${host()}Connection: close\r\n\r\n`]);
    expect(r.status).toBe(400);
    await unharmed();
  });

  it('GET http://[ HTTP/1.1 (an unparseable absolute URL) is answered 400', async () => {
    const r = await rawExchange(target.port, [`GET http://[ HTTP/1.1\r\n${host()}Connection: close\r\n\r\n`]);
    expect(r.status).toBe(400);
    await unharmed();
  });

  it('a request line that is not HTTP, and a header of 100 KB, are refused with a 4xx', async () => {
    const garbage = await rawExchange(target.port, ['\x00\xff\x16\x03\x01 hello\r\n\r\n']);
    expect(garbage.status).toBe(400);
    const huge = await rawExchange(target.port, [`GET / HTTP/1.1\r\n${host()}X-Big: ${'a'.repeat(100_000)}\r\n\r\n`]);
    expect(huge.status).toBe(431);
    await unharmed();
  });

  it('a request that never finishes its headers (slowloris) does not block anyone else', async () => {
    const slow = rawExchange(target.port, [`GET / HTTP/1.1\r\n${host()}X-A: 1\r\n`], { waitMs: 3000 });
    await unharmed();
    const r = await rawExchange(target.port, [`GET / HTTP/1.1\r\n${host()}Connection: close\r\n\r\n`]);
    expect(r.status).toBe(200);
    await slow;
  });

  it('path traversal stays inside the page folder', async () => {
    for (const path of ['/../../etc/passwd', '/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/%00']) {
      const r = await rawExchange(target.port, [`GET ${path} HTTP/1.1\r\n${host()}Connection: close\r\n\r\n`]);
      expect([400, 404], path).toContain(r.status);
      expect(r.text, path).not.toContain('root:');
    }
    await unharmed();
  });
});

describe('raw HTTP on the WebSocket upgrade path (before any token check)', () => {
  const upgrade = (target_: string) =>
    `GET ${target_} HTTP/1.1\r\n${host()}Upgrade: websocket\r\nConnection: Upgrade\r\n` +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

  it('GET http://[ with Upgrade: websocket is answered 400', async () => {
    const r = await rawExchange(target.port, [upgrade('http://[')]);
    expect(r.status).toBe(400);
    await unharmed();
  });

  it('GET /% with Upgrade: websocket is refused', async () => {
    const r = await rawExchange(target.port, [upgrade('/%')]);
    expect([400, 403]).toContain(r.status);
    await unharmed();
  });

  it('an upgrade without a key or with a wrong version is refused, not crashed on', async () => {
    const noKey = await rawExchange(target.port, [
      `GET /api?token=${target.token} HTTP/1.1\r\n${host()}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    ]);
    expect(noKey.status).toBe(400);
    await unharmed();
  });
});

describe('hostile WebSocket frames and messages', () => {
  it('a text frame of invalid UTF-8 closes that connection (1007) and nothing else', async () => {
    const bystander = await session();
    const ws = await rawWebSocket(target.port, target.token);
    ws.frame({ opcode: 1, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) });
    expect(await ws.closeCode).toBe(1007);
    // The other client's session is untouched.
    expect((await bystander.call('auth.whoami', {})).ok).toBe(true);
    bystander.close();
    await unharmed();
  });

  it('an RSV1 frame (compression was never negotiated) closes that connection (1002)', async () => {
    const ws = await rawWebSocket(target.port, target.token);
    ws.frame({ opcode: 1, payload: Buffer.from('{"id":1}'), rsv1: true });
    expect(await ws.closeCode).toBe(1002);
    await unharmed();
  });

  it('an unmasked client frame and an unknown opcode close that connection (1002)', async () => {
    const a = await rawWebSocket(target.port, target.token);
    a.frame({ opcode: 1, payload: Buffer.from('{}'), mask: false });
    expect(await a.closeCode).toBe(1002);
    const b = await rawWebSocket(target.port, target.token);
    b.frame({ opcode: 3, payload: Buffer.from('{}') });
    expect(await b.closeCode).toBe(1002);
    await unharmed();
  });

  it('a frame above the transport limit closes that connection (1009)', async () => {
    const ws = await rawWebSocket(target.port, target.token);
    ws.frame({ opcode: 1, payload: Buffer.alloc(9 * 1024 * 1024, 0x20) });
    expect(await ws.closeCode).toBe(1009);
    await unharmed();
  });

  it('a 2 MB message (the cash in/out reason pasted by a cashier) gets MESSAGE_TOO_LARGE on the same connection', async () => {
    const s = await session();
    const reason = '粘'.repeat(700_000); // ≈ 2.1 MB of UTF-8
    const r = await s.call('shift.cashio', { direction: 'in', amount: 100, reason });
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('MESSAGE_TOO_LARGE');
    expect(r.error?.message).toMatch(/[\u4e00-\u9fff]/);
    // The connection and its login survive.
    expect((await s.call('auth.whoami', {})).ok).toBe(true);
    s.close();
    await unharmed();
  });

  it('non-JSON, binary, JSON bombs and wrong shapes get BAD_MESSAGE; the socket stays usable', async () => {
    const s = await session();
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    for (const [data, binary] of [
      ['not json', false],
      ['{"id":1,"call":', false],
      ['null', false],
      ['[]', false],
      ['{"id":1,"call":42}', false],
      ['{"id":1}', false],
      [deep, false],
      [`{"id":1,"call":"auth.whoami","input":${deep}}`, false],
      [Buffer.from('{"id":1,"call":"auth.whoami","input":{}}'), true],
    ] as Array<[string | Buffer, boolean]>) {
      const r = await s.sendRaw(data, binary);
      expect(r.result.ok, String(data).slice(0, 40)).toBe(false);
      expect(['BAD_MESSAGE', 'INVALID_INPUT'], String(data).slice(0, 40)).toContain(r.result.error?.code);
      expect(r.result.error?.message).toMatch(/[\u4e00-\u9fff]/);
    }
    expect((await s.call('auth.whoami', {})).ok).toBe(true);
    s.close();
    await unharmed();
  });

  it('wrong types in a call get INVALID_INPUT, unknown calls UNKNOWN_CALL', async () => {
    const s = await session();
    const cases: Array<[string, unknown]> = [
      ['auth.login', { operatorId: 1001, pin: 1234 }],
      ['auth.login', { operatorId: ['1001'], pin: { $gt: '' } }],
      ['settlement.list', { date: 20260101 }],
      ['policy.search', { query: { toString: 1 } }],
      ['shift.cashio', { direction: 'in', amount: 1e308, reason: 'x' }],
      ['__proto__', {}],
      ['constructor', {}],
    ];
    for (const [call, input] of cases) {
      const r = await s.call(call, input);
      expect(r.ok, call).toBe(false);
      expect(['INVALID_INPUT', 'UNKNOWN_CALL'], `${call} ${r.error?.code}`).toContain(r.error?.code);
    }
    s.close();
    await unharmed();
  });

  it('strings over their contract maximum (but under the message limit) get INVALID_INPUT with Chinese words', async () => {
    const s = await session();
    const cases: Array<[string, unknown]> = [
      ['shift.cashio', { direction: 'in', amount: 100, reason: '长'.repeat(10_000) }],
      ['policy.search', { query: 'a'.repeat(5_000) }],
      ['settlement.list', { date: '2026-01-01'.repeat(1_000) }],
      ['auth.login', { operatorId: '1'.repeat(100_000), pin: '1234' }],
    ];
    for (const [call, input] of cases) {
      const r = await s.call(call, input);
      expect(r.ok, call).toBe(false);
      expect(r.error?.code, call).toBe('INVALID_INPUT');
      expect(r.error?.message, call).toMatch(/^输入不正确：/);
    }
    s.close();
    await unharmed();
  });

  it('a client that opens and drops many sockets mid-handshake leaves the server serving', async () => {
    const drops = Array.from({ length: 30 }, () =>
      rawExchange(target.port, [`GET /api?token=${target.token} HTTP/1.1\r\n${host()}Upgrade: websocket\r\n`, 'destroy']),
    );
    await Promise.all(drops);
    const s = await openApiSocket(target.port, target.token);
    expect((await s.call('system.info', {})).ok).toBe(true);
    s.close();
    await unharmed();
  });
});

describe('the HIS endpoint', () => {
  const post = (body: string, extra = '') =>
    `POST /bills HTTP/1.1\r\nHost: 127.0.0.1:${target.his.port}\r\nAuthorization: Bearer ${target.his.token}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

  it('headers and half a body, then the connection dropped: the process lives, no bill stored', async () => {
    const body = JSON.stringify({ format: 'bill/1', bills: [] }).padEnd(4000, ' ');
    const head = post(body).slice(0, -body.length);
    await rawExchange(target.his.port, [head, body.slice(0, 1000), 'destroy'], { gapMs: 50 });
    await rawExchange(target.his.port, [head, body.slice(0, 10), 'destroy'], { gapMs: 50 });
    await unharmed();
  });

  it('a body above 1 MB is answered 413 BILL_TOO_LARGE (declared or streamed)', async () => {
    const declared = await rawExchange(target.his.port, [
      `POST /bills HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${target.his.token}\r\nContent-Length: 5000000\r\n\r\n{`,
    ]);
    expect(declared.status).toBe(413);
    expect(declared.text).toContain('BILL_TOO_LARGE');
    const chunked = await rawExchange(target.his.port, [
      `POST /bills HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${target.his.token}\r\nTransfer-Encoding: chunked\r\n\r\n`,
      ...Array.from({ length: 20 }, () => `10000\r\n${' '.repeat(0x10000)}\r\n`),
    ], { gapMs: 20 });
    expect(chunked.status).toBe(413);
    expect(chunked.text).toContain('BILL_TOO_LARGE');
    await unharmed();
  });

  it('non-JSON, a JSON bomb and invalid UTF-8 bodies are answered 400 with a code', async () => {
    for (const body of ['not json', '['.repeat(500_000), '{"format":"bill/1","bills":[{"billId":"\udcff"}]}']) {
      const r = await rawExchange(target.his.port, [post(body, 'Connection: close\r\n')]);
      expect(r.status, body.slice(0, 20)).toBe(400);
      expect(r.text).toMatch(/"code":"[A-Z_]+"/);
    }
    const bad = Buffer.concat([Buffer.from(post('{"x":"  "}', 'Connection: close\r\n').slice(0, -4)), Buffer.from([0xff, 0xfe, 0x22, 0x7d])]);
    const r = await rawExchange(target.his.port, [bad]);
    expect(r.status).toBe(400);
    await unharmed();
  });

  it('GET /%, http://[ and garbage on the HIS port are answered 4xx', async () => {
    for (const line of ['GET /% HTTP/1.1', 'GET http://[ HTTP/1.1', 'POST /bills%zz HTTP/1.1']) {
      const r = await rawExchange(target.his.port, [`${line}\r\nHost: x\r\nConnection: close\r\n\r\n`]);
      expect(r.status, line).toBeGreaterThanOrEqual(400);
      expect(r.status, line).toBeLessThan(500);
    }
    await unharmed();
  });
});
