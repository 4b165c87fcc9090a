// A serial barcode scanner reading drug traceability codes (issue 17, readers protocol
// trace-line), through a socat pseudo-terminal pair into the real app: each CR-ended line is a
// 'trace.scanned' event for the window, and the window's check (trace.check) refuses a code the
// app has sold. A line without terminator is dropped with READ_TIMEOUT on the scanner's status.
import { afterEach, describe, expect, it } from 'vitest';
import { SerialLink } from '../../../native/link/serial-link';
import { seedDemoOperators } from '../../../electron/auth/demo-operators';
import { startTempApp } from '../../helpers/temp-app';
import { openPtyPair } from './pty-pair';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('trace-line scanner over a pseudo-terminal', () => {
  it('each line is a trace.scanned event; an unterminated one is dropped and said on the status', async () => {
    const pair = await openPtyPair();
    cleanups.push(() => pair.close());
    // A center URL (unreachable): not demo mode, so the configured readers open, not the demo tray.
    const t = await startTempApp({ flags: { readers: `trace-line@${pair.a}:9600`, centerUrl: 'http://127.0.0.1:9' } });
    cleanups.push(() => t.close());
    const scans: { deviceId: string; code: string }[] = [];
    t.app.events.on('trace.scanned', (e) => scans.push(e));
    const cards: unknown[] = [];
    t.app.events.on('card.read', (c) => cards.push(c));
    t.app.devices.start();
    cleanups.push(() => t.app.devices.close());
    await until(() => t.app.status.get().devices.some((d) => d.id.endsWith('trace-line') && d.state === 'ready'), 'the scanner ready');

    const scanner = await SerialLink.open(pair.b, 9600);
    cleanups.push(() => scanner.close());
    const codes = ['81000000000000000017', '81000000000000000024'];
    scanner.write(Buffer.from(`${codes[0]}\r\n${codes[1]}\r`));
    await until(() => scans.length === 2, 'two scans');
    expect(scans).toEqual(codes.map((code) => ({ deviceId: 'reader-1-trace-line', code })));
    expect(cards).toEqual([]);

    // The window checks what came: a fresh code passes.
    seedDemoOperators(t.app.auth); // not demo mode: the demo operators are added by hand
    const s = await t.login();
    const ok = await t.call(s, 'trace.check', { code: scans[0]!.code, inBill: [] });
    expect(ok.ok && ok.value.format).toBe('common');
    const again = await t.call(s, 'trace.check', { code: scans[0]!.code, inBill: [codes[0]!] });
    expect(!again.ok && again.error.code).toBe('TRACE_CODE_REPEATED');

    // Half a code and silence: dropped after the line timeout, never handed on.
    scanner.write(Buffer.from('8100000000'));
    await until(() => t.app.status.get().devices.some((d) => d.id === 'reader-1-trace-line' && /READ_TIMEOUT/.test(d.detail ?? '')), 'READ_TIMEOUT on the status');
    expect(scans).toHaveLength(2);
    // The next whole line reads again and clears the error.
    scanner.write(Buffer.from('81000000000000000031\n'));
    await until(() => scans.length === 3, 'a third scan');
    expect(scans[2]!.code).toBe('81000000000000000031');
  });
});
