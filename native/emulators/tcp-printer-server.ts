// The printer emulator behind a TCP port on 127.0.0.1 (a "port 9100" network printer).
import { createServer, type Server } from 'node:net';
import { TcpLink } from '../link/tcp-link';
import { PrinterEmulator } from './printer-emulator';

export interface TcpPrinterServer {
  port: number;
  /** One emulator per connection, in order; shared paper state is set on `state`. */
  readonly printers: PrinterEmulator[];
  configure(fn: (p: PrinterEmulator) => void): void;
  close(): Promise<void>;
}

export async function startTcpPrinter(): Promise<TcpPrinterServer> {
  const printers: PrinterEmulator[] = [];
  let setup: (p: PrinterEmulator) => void = () => {};
  const links: TcpLink[] = [];
  const server: Server = createServer((socket) => {
    const link = new TcpLink(socket);
    links.push(link);
    const p = new PrinterEmulator(link);
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
    async close() {
      for (const l of links) await l.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
