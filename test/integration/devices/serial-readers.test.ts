// Reader drivers against the emulators over socat pseudo-terminal pairs: real serialport I/O.
import { afterEach, describe, expect, it } from 'vitest';
import { IdCardReaderEmulator } from '../../../native/emulators/idcard-reader-emulator';
import { TextReaderEmulator } from '../../../native/emulators/text-reader-emulator';
import { SerialLink } from '../../../native/link/serial-link';
import type { CardRead } from '../../../native/protocols/card-read';
import type { ParseError } from '../../../native/protocols/result';
import { IdCardReader } from '../../../native/readers/idcard-reader';
import { TextLineReader } from '../../../native/readers/text-line-reader';
import { ManagedReader } from '../../../electron/devices/reader-manager';
import { DEMO_PERSONS } from '../../../electron/center/sandbox/demo-persons';
import { demoIdCard } from '../../../electron/devices/demo-tray';
import { openPtyPair, type PtyPair } from './pty-pair';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function pair(): Promise<PtyPair> {
  const p = await openPtyPair();
  cleanups.push(() => p.close());
  return p;
}

async function open(path: string, baud: number): Promise<SerialLink> {
  const l = await SerialLink.open(path, baud);
  cleanups.push(() => l.close());
  return l;
}

/** Collects a driver's events and lets a test wait for the n-th one. */
class Collector {
  readonly reads: CardRead[] = [];
  readonly errors: ParseError[] = [];
  readonly health: boolean[] = [];
  private waiters: (() => void)[] = [];
  private notify() {
    for (const w of this.waiters.splice(0)) w();
  }
  events = {
    read: (c: CardRead) => {
      this.reads.push(c);
      this.notify();
    },
    error: (e: ParseError) => {
      this.errors.push(e);
      this.notify();
    },
    health: (alive: boolean) => {
      this.health.push(alive);
      this.notify();
    },
  };
  async until(cond: () => boolean): Promise<void> {
    while (!cond()) await new Promise<void>((r) => this.waiters.push(r));
  }
}

const person = DEMO_PERSONS[1]!;

describe('ID card reader (SAM) over a pty pair', () => {
  it('reads a placed card once, again only after it was taken away', async () => {
    const p = await pair();
    const emu = new IdCardReaderEmulator(await open(p.b, 115200));
    const c = new Collector();
    const driver = new IdCardReader(await open(p.a, 115200), { id: 'id-1', pollIntervalMs: 20, answerTimeoutMs: 1000 }, c.events);
    cleanups.push(() => driver.stop());

    emu.place(demoIdCard(person));
    await c.until(() => c.reads.length === 1);
    expect(c.reads[0]).toEqual({ credential: 'idcard', certType: '02', certNo: person.certno, name: person.psn_name, gender: person.gend, birthDate: person.brdy, region: '990101', validTo: '2040-01-01', source: 'id-1' });
    // The card stays on the reader through more polls: no second read.
    const findsBefore = emu.received.filter((x) => x === '2001').length;
    while (emu.received.filter((x) => x === '2001').length < findsBefore + 5) await emu.nextCommand();
    expect(c.reads).toHaveLength(1);
    // Taken away and placed again: read again.
    emu.remove();
    await emu.nextCommand();
    await emu.nextCommand();
    emu.place(demoIdCard(person));
    await c.until(() => c.reads.length === 2);
    expect(c.errors).toEqual([]);
  });

  it('reports a bad checksum as a clear error, then reads once the line is clean', async () => {
    const p = await pair();
    const emu = new IdCardReaderEmulator(await open(p.b, 115200));
    const c = new Collector();
    const driver = new IdCardReader(await open(p.a, 115200), { id: 'id-2', pollIntervalMs: 20, answerTimeoutMs: 1000 }, c.events);
    cleanups.push(() => driver.stop());
    emu.fault = 'bad-checksum';
    emu.place(demoIdCard(person));
    await c.until(() => c.errors.length >= 1);
    expect(c.errors[0]!.code).toBe('IDCARD_CHECKSUM');
    expect(c.reads).toEqual([]);
    emu.fault = 'none';
    await c.until(() => c.reads.length === 1);
  });

  it('a failing read and a silent reader are reported, not thrown', async () => {
    const p = await pair();
    const emu = new IdCardReaderEmulator(await open(p.b, 115200));
    const c = new Collector();
    const driver = new IdCardReader(await open(p.a, 115200), { id: 'id-3', pollIntervalMs: 10, answerTimeoutMs: 100, silentAfter: 2 }, c.events);
    cleanups.push(() => driver.stop());
    emu.fault = 'read-fail';
    emu.place(demoIdCard(person));
    await c.until(() => c.errors.some((e) => e.code === 'IDCARD_READ_FAILED'));
    emu.fault = 'silence';
    await c.until(() => c.health.includes(false));
    emu.fault = 'none';
    await c.until(() => c.health.at(-1) === true);
    await c.until(() => c.reads.length === 1);
  });
});

describe('text line readers over a pty pair', () => {
  it('reads a social security card line, and refuses an expired card and line noise', async () => {
    const p = await pair();
    const emu = new TextReaderEmulator(await open(p.b, 9600), 'CRLF');
    const c = new Collector();
    const driver = new TextLineReader(await open(p.a, 9600), { id: 'ssc-1', protocol: 'ssc-text', terminator: 'CRLF', today: () => '2026-03-15' }, c.events);
    cleanups.push(() => driver.stop());
    emu.swipe(person.card_data);
    await c.until(() => c.reads.length === 1);
    expect(c.reads[0]).toMatchObject({ credential: 'ssc', certType: '03', certNo: person.card_no, cardSn: person.card_sn, name: person.psn_name, source: 'ssc-1' });
    emu.swipe(DEMO_PERSONS[13]!.card_data);
    await c.until(() => c.errors.length === 1);
    expect(c.errors[0]!.code).toBe('SSC_EXPIRED');
    emu.fault = 'garbage';
    emu.swipe('x');
    await c.until(() => c.errors.length === 2);
    expect(c.errors[1]!.code).toBe('LINE_NOT_TEXT');
  });

  it('drops a scan whose terminator never comes, then reads the next one', async () => {
    const p = await pair();
    const emu = new TextReaderEmulator(await open(p.b, 9600), 'CR');
    const c = new Collector();
    const driver = new TextLineReader(await open(p.a, 9600), { id: 'v-1', protocol: 'voucher-line', terminator: 'CR', lineTimeoutMs: 100, today: () => '2026-03-15' }, c.events);
    cleanups.push(() => driver.stop());
    emu.fault = 'no-terminator';
    emu.swipe(person.ec_token);
    await c.until(() => c.errors.length === 1);
    expect(c.errors[0]!.code).toBe('READ_TIMEOUT');
    emu.fault = 'none';
    emu.swipe(person.ec_token);
    await c.until(() => c.reads.length === 1);
    expect(c.reads[0]).toEqual({ credential: 'voucher', certType: '01', certNo: person.ec_token, source: 'v-1' });
  });
});

describe('device manager reconnect', () => {
  it('shows an unplugged reader as connecting and reads again after it comes back', async () => {
    const p = await pair();
    const reads: CardRead[] = [];
    const states: string[] = [];
    let readWaiter: (() => void) | null = null;
    let stateWaiters: (() => void)[] = [];
    const stateOf = (): string => r.state;
    const untilState = async (want: (s: string) => boolean) => {
      while (!want(stateOf())) await new Promise<void>((res) => stateWaiters.push(res));
    };
    const r = new ManagedReader(
      { id: 'r1', protocol: 'ssc-text', port: p.a, baud: 9600, hid: false },
      { read: (c) => (reads.push(c), readWaiter?.()), error: () => {}, stateChanged: () => {
          states.push(r.state);
          const w = stateWaiters;
          stateWaiters = [];
          for (const f of w) f();
        }, today: () => '2026-03-15', log: () => {} },
      { reconnectMinMs: 50, reconnectMaxMs: 100, pollIntervalMs: 20, answerTimeoutMs: 200 },
    );
    cleanups.push(() => r.close());
    await r.start();
    expect(r.state).toBe('ready');
    let emuLink = await SerialLink.open(p.b, 9600);
    let gotRead = new Promise<void>((res) => (readWaiter = res));
    new TextReaderEmulator(emuLink, 'CRLF').swipe(person.card_data);
    await gotRead;

    // Unplug: the pty disappears under the open port.
    await emuLink.close();
    await p.kill();
    await untilState((s) => s !== 'ready');
    expect(stateOf()).toBe('connecting');

    // Plug back in: the manager reopens the port by itself.
    await p.restart();
    await untilState((s) => s === 'ready');
    emuLink = await SerialLink.open(p.b, 9600);
    cleanups.push(() => emuLink.close());
    gotRead = new Promise<void>((res) => (readWaiter = res));
    new TextReaderEmulator(emuLink, 'CRLF').swipe(person.card_data);
    await gotRead;
    expect(reads).toHaveLength(2);
    expect(states).toContain('connecting');
  });
});

describe('device manager on a silent ID card reader', () => {
  it('shows a silent reader offline, reopens the port, and reads once it answers again', async () => {
    const p = await pair();
    const emu = new IdCardReaderEmulator(await open(p.b, 115200));
    emu.fault = 'silence';
    const reads: CardRead[] = [];
    const states: string[] = [];
    let waiters: (() => void)[] = [];
    const wake = () => {
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    };
    const r = new ManagedReader(
      { id: 'id-m', protocol: 'idcard', port: p.a, baud: 115200, hid: false },
      { read: (c) => (reads.push(c), wake()), error: () => {}, stateChanged: () => (states.push(r.state), wake()), today: () => '2026-03-15', log: () => {} },
      { reconnectMinMs: 30, reconnectMaxMs: 60, pollIntervalMs: 10, answerTimeoutMs: 80 },
    );
    cleanups.push(() => r.close());
    const until = async (cond: () => boolean) => {
      while (!cond()) await new Promise<void>((res) => waiters.push(res));
    };
    await r.start();
    await until(() => states.includes('offline'));
    // The manager closed and reopened the port (it came back 'ready' at least once after going offline).
    await until(() => states.lastIndexOf('ready') > states.indexOf('offline'));
    emu.fault = 'none';
    emu.place(demoIdCard(person));
    await until(() => reads.length === 1);
    expect(reads[0]).toMatchObject({ credential: 'idcard', certNo: person.certno, source: 'id-m' });
    expect(r.view()).toMatchObject({ kind: 'reader', state: 'ready' });
  });
});
