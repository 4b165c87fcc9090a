// The device verbs run as a real CLI process, with the emulators in this process on the
// other end of a pty pair or a TCP port.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IdCardReaderEmulator } from '../../../native/emulators/idcard-reader-emulator';
import { TextReaderEmulator } from '../../../native/emulators/text-reader-emulator';
import { startTcpPrinter } from '../../../native/emulators/tcp-printer-server';
import { decodeEscPos, opsToLines } from '../../../native/escpos/decoder';
import { SerialLink } from '../../../native/link/serial-link';
import { DEMO_PERSONS } from '../../../electron/center/sandbox/demo-persons';
import { demoIdCard } from '../../../electron/devices/demo-tray';
import { resolveDbKey } from '../../../electron/auth/db-key';
import { startTempApp } from '../../helpers/temp-app';
import { ORDINARY } from '../../fixtures/receipts/sample-receipts';
import { openPtyPair } from './pty-pair';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Run the CLI without blocking this process (the emulators must keep answering). */
function cli(args: string[]): { started: Promise<void>; done: Promise<{ code: number; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/run.ts', ...args], { env: { ...process.env, CASHIER_CENTER_URL: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  cleanups.push(() => {
    if (child.exitCode === null) child.kill();
  });
  return {
    started: new Promise((r) => child.once('spawn', () => r())),
    done: new Promise((resolve) => child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))),
  };
}

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'devcli-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

const person = DEMO_PERSONS[0]!;

describe('device read', () => {
  it('reads a resident ID card over a serial line and prints the CardRead as JSON', async () => {
    const p = await openPtyPair();
    cleanups.push(() => p.close());
    const link = await SerialLink.open(p.b, 115200);
    cleanups.push(() => link.close());
    const emu = new IdCardReaderEmulator(link);
    emu.place(demoIdCard(person));
    const r = await cli(['--data-dir', dataDir(), 'device', 'read', '--port', p.a, '--protocol', 'idcard']).done;
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toMatchObject({ credential: 'idcard', certType: '02', certNo: person.certno, name: person.psn_name });
  });

  it('a social security card line, and a bad one exits 1 with the error code', async () => {
    const dir = dataDir();
    // The reader sends once the CLI has its port open: keep swiping until it answers. Each run
    // gets its own line, so a swipe left over from one run cannot be read by the next.
    const run = async (line: string) => {
      const p = await openPtyPair();
      cleanups.push(() => p.close());
      const link = await SerialLink.open(p.b, 9600);
      cleanups.push(() => link.close());
      const emu = new TextReaderEmulator(link, 'CRLF');
      const c = cli(['--data-dir', dir, 'device', 'read', '--port', p.a, '--protocol', 'ssc-text', '--baud', '9600', '--timeout', '60']);
      let finished = false;
      const done = c.done.then((x) => ((finished = true), x));
      while (!finished) {
        emu.swipe(line);
        await Promise.race([done, new Promise((res) => setTimeout(res, 300))]);
      }
      return done;
    };
    const ok = await run(person.card_data);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout.trim().split('\n').at(-1)!)).toMatchObject({ credential: 'ssc', certNo: person.card_no, cardSn: person.card_sn });
    const bad = await run('990100|only|three|');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('SSC_FIELDS_MISSING');
  });

  it('refuses an unknown protocol with a usage error', async () => {
    const r = await cli(['--data-dir', dataDir(), 'device', 'read', '--port', '/dev/null', '--protocol', 'magstripe']).done;
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toContain('--protocol');
  });
});

describe('print verbs', () => {
  it('print test to a TCP printer and to a file', async () => {
    const srv = await startTcpPrinter();
    cleanups.push(() => srv.close());
    const dir = dataDir();
    const r = await cli(['--data-dir', dir, '--json', 'print', 'test', '--printer', `tcp:127.0.0.1:${srv.port}`, '--profile', '58mm']).done;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ profile: '58mm', status: { online: true, paperEnd: false } });
    await srv.waitForReceipts(1);
    expect(srv.receipts[0]!.lines.join('\n')).toContain('每行 32 列');
    const file = join(dir, 'lp0');
    const f = await cli(['--data-dir', dir, 'print', 'test', '--printer', `file:${file}`]).done;
    expect(f.code).toBe(0);
    expect(opsToLines(decodeEscPos(new Uint8Array(readFileSync(file)))).join('\n')).toContain('打印机测试页');
  });

  it('print receipt: the settlement receipt, a copy when it was printed before, audited', async () => {
    const srv = await startTcpPrinter();
    cleanups.push(() => srv.close());
    const dir = dataDir();
    const t = await startTempApp({ dataDir: dir });
    t.app.devices.printReceipt(ORDINARY.settlementId, ORDINARY, { copy: false }); // preview printer: done at once
    await t.app.close();
    const r = await cli(['--data-dir', dir, '--json', 'print', 'receipt', '--settlement', ORDINARY.settlementId, '--printer', `tcp:127.0.0.1:${srv.port}`]).done;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ settlementId: ORDINARY.settlementId, copy: true });
    await srv.waitForReceipts(1);
    expect(srv.receipts[0]!.lines.join('\n')).toContain('COPY');
    // The CLI encrypted the database in place (key file in the data dir): open it with that key.
    const again = await startTempApp({ dataDir: dir, dbKey: resolveDbKey(dir) });
    cleanups.push(() => again.close());
    expect(again.app.db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'device.reprint'`).get()).toEqual({ n: 1 });
    const missing = await cli(['--data-dir', dir, 'print', 'receipt', '--settlement', 'S-NONE', '--printer', `tcp:127.0.0.1:${srv.port}`]).done;
    expect(missing.code).not.toBe(0);
    expect(missing.stderr + missing.stdout).toContain('RECEIPT_NOT_FOUND');
  });

  it('a bad printer spec is a clear error', async () => {
    const r = await cli(['--data-dir', dataDir(), 'print', 'test', '--printer', 'lpt1']).done;
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toContain('PRINTER_SPEC_INVALID');
  });
});

describe('device list', () => {
  it('lists the devices and ports as JSON', async () => {
    const r = await cli(['--data-dir', dataDir(), '--json', 'device', 'list']).done;
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v).toMatchObject({ printer: 'preview', profile: '80mm', emulated: true });
    expect(Array.isArray(v.ports)).toBe(true);
  });
});
