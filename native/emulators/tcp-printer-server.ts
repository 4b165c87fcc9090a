// The printer emulator behind a TCP port on 127.0.0.1 (a "port 9100" network printer).
import { createServer, type Server } from 'node:net';
import { TcpLink } from '../link/tcp-link';
import { PrinterEmulator, type PrintedReceipt } from './printer-emulator';

export interface TcpPrinterServer {
  port: number;
  /** One emulator per connection, in order; `configure` sets up each new one (paper, silence). */
  readonly printers: PrinterEmulator[];
  configure(fn: (p: PrinterEmulator) => void): void;
  /** Every receipt printed over any connection, in order. */
  readonly receipts: PrintedReceipt[];
  /** Resolves when `n` receipts have been printed in all. */
  waitForReceipts(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpPrinter(): Promise<TcpPrinterServer> {
  const printers: PrinterEmulator[] = [];
  let setup: (p: PrinterEmulator) => void = () => {};
  const links: TcpLink[] = [];
  const receipts: PrintedReceipt[] = [];
  let waiters: (() => void)[] = [];
  const server: Server = createServer((socket) => {
    const link = new TcpLink(socket);
    links.push(link);
    const p = new PrinterEmulator(link);
    p.onReceipt = (r) => {
      receipts.push(r);
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    };
    setup(p);
    printers.push(p);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    printers,
    configure(fn) {
      setup = fn;
    },
    receipts,
    async waitForReceipts(n) {
      while (receipts.length < n) await new Promise<void>((r) => waiters.push(r));
    },
    async close() {
      for (const l of links) await l.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
