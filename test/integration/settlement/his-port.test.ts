// The hisPort setting: the HIS endpoint of a running app (background work on, as in the window)
// listens on the configured port, so an HIS configured once keeps reaching it across restarts.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../../electron/app/config';
import { HisEndpoint } from '../../../electron/settlement/his-endpoint';
import { startTempApp, type TempApp } from '../../helpers/temp-app';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A port that was free a moment ago (the OS picks it, we let it go). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function started(t: TempApp): Promise<HisEndpoint> {
  for (let i = 0; i < 200; i++) {
    const his = t.app.settlement.his;
    if (his?.url) return his;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('HIS endpoint did not start');
}

const bill = {
  format: 'bill/1',
  billId: 'HIS-PORT-1',
  credential: { certType: '02', certNo: '990101198003150133' },
  visit: { visitType: 'outpatient', date: '2026-11-23' },
  items: [{ code: 'XJ01CAA040A001010101445', unitPrice: '12.50', quantity: '2' }],
};

describe('hisPort setting', () => {
  it('a bill posted to the configured port is imported, and the port is the same after a restart', async () => {
    const port = await freePort();
    let t = await startTempApp({ background: true, flags: { hisPort: String(port) } });
    const dir = t.dir;
    cleanups.push(() => t.close());
    let his = await started(t);
    expect(his.url).toBe(`http://127.0.0.1:${port}`);
    expect(JSON.parse(readFileSync(join(dir, 'his-endpoint.json'), 'utf8'))).toEqual({ url: `http://127.0.0.1:${port}/bills` });

    const res = await fetch(`http://127.0.0.1:${port}/bills`, {
      method: 'POST',
      headers: { authorization: `Bearer ${readFileSync(join(dir, 'his-token'), 'utf8').trim()}`, 'content-type': 'application/json' },
      body: JSON.stringify(bill),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ billIds: ['HIS-PORT-1'] });
    expect(t.app.settlement.bills.pending().map((b) => [b.billId, b.source, b.items.length])).toEqual([['HIS-PORT-1', 'http', 1]]);

    // Restart on the same data dir: same port, the bill still pending.
    await t.app.close();
    t = await startTempApp({ dataDir: dir, background: true, flags: { hisPort: String(port) } });
    his = await started(t);
    expect(his.url).toBe(`http://127.0.0.1:${port}`);
    expect(t.app.settlement.bills.pending().map((b) => b.billId)).toEqual(['HIS-PORT-1']);
  });

  it('0 (the default) picks a free port and writes it to his-endpoint.json', async () => {
    const t = await startTempApp({ background: true });
    cleanups.push(() => t.close());
    const his = await started(t);
    expect(t.app.settings.hisPort).toBe(0);
    expect(his.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(JSON.parse(readFileSync(join(t.dir, 'his-endpoint.json'), 'utf8'))).toEqual({ url: `${his.url}/bills` });
  });

  it('a port held by another program: HIS_PORT_UNAVAILABLE, no stale URL left, the app keeps running', async () => {
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => holder.close(() => r())));
    const port = (holder.address() as { port: number }).port;
    const t = await startTempApp({ flags: { hisPort: String(port) } });
    cleanups.push(() => t.close());
    const first = new HisEndpoint(t.app, t.app.settlement.bills);
    await first.start(0);
    await first.close();
    const his = new HisEndpoint(t.app, t.app.settlement.bills);
    await expect(his.start()).rejects.toMatchObject({ code: 'HIS_PORT_UNAVAILABLE', message: expect.stringContaining(`127.0.0.1:${port}`) });
    expect(() => readFileSync(join(t.dir, 'his-endpoint.json'))).toThrow(/ENOENT/);
    expect((await t.call(await t.login(), 'system.info', {})).ok).toBe(true);
  });

  it('a port outside 0–65535 is a SETTING_INVALID error naming hisPort', () => {
    for (const bad of ['65536', '-1', '80.5', 'abc']) {
      expect(() => resolveSettings({ flags: { hisPort: bad } })).toThrow(expect.objectContaining({ code: 'SETTING_INVALID', details: { key: 'hisPort' } }));
    }
    expect(resolveSettings({ env: { CASHIER_HIS_PORT: '18080' } }).hisPort).toBe(18080);
  });
});
