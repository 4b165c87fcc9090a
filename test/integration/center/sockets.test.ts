// The window's calls are not queued behind uploads: with as many uploads held at the center as
// the upload worker keeps in flight, a person lookup is answered at once. A real client over real HTTP to the sandbox, through a proxy that holds every 2207.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DEMO_PERSONS } from '../../../electron/center/sandbox/demo-persons';
import { DEFAULT_WORKER_OPTIONS } from '../../../electron/outbox/worker';
import { startRig, type Rig } from './helpers';

let rig: Rig;
let proxy: http.Server;
let proxyUrl: string;
const held: Array<() => void> = [];
let heldCount = 0;

beforeEach(async () => {
  rig = await startRig();
  // Forwards every request to the sandbox; a 2207 waits until the test lets it go.
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      // A center gone by the time a request is let go (a failed test's cleanup) drops it.
      const forward = () =>
        fetch(`${rig.center.url}/tx`, { method: 'POST', headers: { 'content-type': String(req.headers['content-type']), 'x-signature': String(req.headers['x-signature']) }, body })
          .then(async (answer) => {
            res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
            res.end(Buffer.from(await answer.arrayBuffer()));
          })
          .catch(() => res.destroy());
      if ((JSON.parse(body.toString('utf8')) as { infno: string }).infno === '2207') {
        heldCount++;
        held.push(() => void forward());
      } else void forward();
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterEach(async () => {
  for (const go of held.splice(0)) go();
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
  await rig.close();
});

it('a person lookup is answered while the uploads the worker may keep in flight are all held', async () => {
  const client = rig.clientWith({ url: proxyUrl });
  const inFlight = DEFAULT_WORKER_OPTIONS.concurrency;
  const uploads = Array.from({ length: inFlight }, () => client.send('2207', { data: {} }, { timeoutMs: 30_000 }));
  while (heldCount < inFlight) await new Promise((res) => setTimeout(res, 10));

  const p = DEMO_PERSONS[0]!;
  const lookup = await client.send('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: p.certno } }, { timeoutMs: 3_000 });
  expect(lookup.kind).toBe('success');
  expect(held).toHaveLength(inFlight); // the uploads are still held

  for (const go of held.splice(0)) go();
  // Every held upload gets its own answer (a refusal of the empty input: it reached the center).
  for (const outcome of await Promise.all(uploads)) expect(outcome.kind).not.toBe('unknown');
});
