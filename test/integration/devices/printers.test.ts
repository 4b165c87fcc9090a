// Printer transports against the printer emulator: serial over a pty pair, TCP 9100 on
// 127.0.0.1, and a device file. What the emulator decodes is compared with the preview.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PrinterEmulator } from '../../../native/emulators/printer-emulator';
import { startTcpPrinter } from '../../../native/emulators/tcp-printer-server';
import { decodeEscPos, opsToLines } from '../../../native/escpos/decoder';
import { PROFILES } from '../../../native/escpos/profiles';
import { buildReceipt, renderReceiptText } from '../../../native/escpos/receipt';
import { SerialLink } from '../../../native/link/serial-link';
import { probePrinter, sendToPrinter } from '../../../native/printers/transport';
import { ORDINARY } from '../../fixtures/receipts/sample-receipts';
import { openPtyPair } from './pty-pair';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const trimmed = (lines: string[]) => lines.map((l) => l.trim()).filter(Boolean);

describe('serial printer over a pty pair', () => {
  it('prints a receipt the emulator decodes back to the preview text, after checking status', async () => {
    const p = await openPtyPair();
    cleanups.push(() => p.close());
    const link = await SerialLink.open(p.b, 115200);
    cleanups.push(() => link.close());
    const printer = new PrinterEmulator(link);
    const profile = PROFILES['58mm'];
    const r = await sendToPrinter({ kind: 'serial', path: p.a, baud: 115200 }, buildReceipt(ORDINARY, profile));
    expect(r.status).toMatchObject({ online: true, paperEnd: false });
    await printer.waitForReceipts(1);
    expect(printer.statusRequests).toEqual([1, 2, 4]);
    expect(trimmed(printer.receipts[0]!.lines)).toEqual(trimmed(renderReceiptText(ORDINARY, profile)));
  });

  it('out of paper: the job fails with PRINTER_OUT_OF_PAPER and nothing is sent', async () => {
    const p = await openPtyPair();
    cleanups.push(() => p.close());
    const link = await SerialLink.open(p.b, 9600);
    cleanups.push(() => link.close());
    const printer = new PrinterEmulator(link);
    printer.setPaperOut(true);
    await expect(sendToPrinter({ kind: 'serial', path: p.a, baud: 9600 }, buildReceipt(ORDINARY, PROFILES['80mm']))).rejects.toMatchObject({ code: 'PRINTER_OUT_OF_PAPER' });
    printer.setPaperOut(false);
    printer.setOnline(false);
    await expect(probePrinter({ kind: 'serial', path: p.a, baud: 9600 })).resolves.toMatchObject({ online: false });
    expect(printer.receipts).toEqual([]);
  });

  it('a missing port is a clear DEVICE_OPEN_FAILED error', async () => {
    await expect(sendToPrinter({ kind: 'serial', path: '/nonexistent/tty', baud: 9600 }, Uint8Array.of(0x0a))).rejects.toMatchObject({ code: 'DEVICE_OPEN_FAILED' });
  });
});

describe('TCP 9100 printer', () => {
  it('prints, and a printer that does not answer status still prints (blind)', async () => {
    const srv = await startTcpPrinter();
    cleanups.push(() => srv.close());
    const spec = { kind: 'tcp' as const, host: '127.0.0.1', port: srv.port };
    await sendToPrinter(spec, buildReceipt(ORDINARY, PROFILES['80mm']));
    await srv.printers[0]!.waitForReceipts(1);
    expect(srv.printers[0]!.receipts[0]!.lines).toContain('[二维码：S202603150001230001]');
    srv.configure((pr) => (pr.silent = true));
    const r = await sendToPrinter(spec, buildReceipt(ORDINARY, PROFILES['80mm']), { statusTimeoutMs: 100 });
    expect(r.status).toBeNull();
    await srv.printers[1]!.waitForReceipts(1);
  });

  it('nobody listening: DEVICE_OPEN_FAILED (the worker shows the printer offline)', async () => {
    const srv = await startTcpPrinter();
    const port = srv.port;
    await srv.close();
    await expect(sendToPrinter({ kind: 'tcp', host: '127.0.0.1', port }, Uint8Array.of(0x0a))).rejects.toMatchObject({ code: 'DEVICE_OPEN_FAILED' });
  });
});

describe('device file printer', () => {
  it('appends the bytes to the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lp-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'lp0');
    const bytes = buildReceipt(ORDINARY, PROFILES['58mm']);
    await sendToPrinter({ kind: 'file', path: file }, bytes);
    expect(opsToLines(decodeEscPos(new Uint8Array(readFileSync(file))))).toEqual(opsToLines(decodeEscPos(bytes)));
    await expect(sendToPrinter({ kind: 'file', path: join(dir, 'no', 'such') }, bytes)).rejects.toMatchObject({ code: 'PRINTER_OFFLINE' });
  });
});
