// Settle key → first byte at the printer (issue 5: ≤ 100 ms). The real path of browser mode:
// the app from create-app (encrypted database, background work on), the renderer's one call
// `settlement.settle` sent over the browser-mode WebSocket into dispatch, the receipt printed
// by the durable print worker to `serial:<pty>` — a socat pseudo-terminal pair with the ESC/POS
// printer emulator on the far end. The sandbox center runs as its own process (`center serve`),
// like a real center on the network. Online: 1101 lookup + commit + print while the 2207 upload
// goes out at once. Offline: the center refuses connections.
//
// "First byte" is timed at the emulator: the first byte of the job's conversation (the driver
// asks DLE EOT status before printing), and separately the first receipt byte after that status
// exchange. The job's bytes are the last ones received when its cut arrives (9 status-request
// bytes + the job's stored ESC/POS bytes), so a status probe can never be mistaken for the job.
// SETTLE_PRINT_BENCH_N sets the settles per scenario (default 100).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { z } from 'zod';
import { createApp, type App } from '../../electron/app/create-app';
import { resolveDbKey } from '../../electron/auth/db-key';
import { value } from '../../electron/db/sql';
import { startWebServer, type WebServer } from '../../electron/web/server';
import { PrinterEmulator } from '../../native/emulators/printer-emulator';
import { SerialLink } from '../../native/link/serial-link';
import { openPtyPair, type PtyPair } from '../integration/devices/pty-pair';
import { INSTITUTION, prepareClient, randomBill, rng } from '../integration/settlement/fixtures';
import { tempDir } from '../helpers/temp-app';
import { percentiles, type Bench, type BenchFigure } from './harness';

const N = Number(process.env.SETTLE_PRINT_BENCH_N ?? 100);
const WARMUP = 5;
/** DLE EOT 1, 2, 4: three 3-byte requests the driver sends before the receipt. */
const STATUS_BYTES = 9;

interface Served {
  url: string;
  controlUrl: string;
  child: ChildProcess;
}

async function serveCenter(dir: string): Promise<Served> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/run.ts', '--data-dir', dir, '--json', 'center', 'serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`center serve exited ${code}`)));
  });
  const { url, controlUrl } = JSON.parse(first) as { url: string; controlUrl: string };
  return { url, controlUrl, child };
}

/** The far end of the printer's serial line: the emulator, plus a timestamp for every chunk. */
class TimedPrinter {
  readonly chunks: { t: number; end: number }[] = [];
  received = 0;
  readonly emulator: PrinterEmulator;
  private constructor(readonly link: SerialLink) {
    // Registered before the emulator's own listener: a chunk is counted before it is decoded.
    link.onData((b) => {
      this.received += b.length;
      this.chunks.push({ t: performance.now(), end: this.received });
    });
    this.emulator = new PrinterEmulator(link);
  }

  static async open(path: string): Promise<TimedPrinter> {
    return new TimedPrinter(await SerialLink.open(path, 115200));
  }

  /** When the byte at `offset` (0-based, over the whole line's life) arrived. */
  timeOf(offset: number): number {
    const c = this.chunks.find((x) => x.end > offset);
    if (!c) throw new Error(`byte ${offset} never arrived`);
    return c.t;
  }
}

class WsClient {
  private seq = 0;
  private readonly waiting = new Map<number, (r: { ok: boolean; value?: unknown; error?: { code: string; message: string } }) => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { id?: number; result?: never };
      if (m.id !== undefined && m.result) this.waiting.get(m.id)?.(m.result);
    });
  }

  static async connect(server: WebServer): Promise<WsClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new WsClient(ws);
  }

  /** What the renderer's api.call does in browser mode: one JSON message, one answer. */
  call<T>(call: string, input: unknown): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, (r) => {
        this.waiting.delete(id);
        if (r.ok) resolve(r.value as T);
        else reject(new Error(`${call}: ${r.error?.code} ${r.error?.message}`));
      });
      this.ws.send(JSON.stringify({ id, call, input }));
    });
  }

  close(): void {
    this.ws.close();
  }
}

interface Sample {
  firstByte: number;
  firstReceiptByte: number;
  answer: number;
}

/** One F9: settle, then wait for the receipt's cut at the emulator. */
async function settleAndPrint(app: App, client: WsClient, printer: TimedPrinter, input: unknown): Promise<Sample> {
  const cuts = printer.emulator.receipts.length;
  const t0 = performance.now();
  const v = await client.call<{ id: string; printJobId: number | null }>('settlement.settle', input);
  const answer = performance.now() - t0;
  if (v.printJobId === null) throw new Error(`settlement ${v.id} has no print job`);
  await printer.emulator.waitForReceipts(cuts + 1);
  const n = value(app.db, 'SELECT length(bytes) FROM print_jobs WHERE id = :id', { id: v.printJobId }, z.number().int())!;
  const start = printer.received - n - STATUS_BYTES;
  return { firstByte: printer.timeOf(start) - t0, firstReceiptByte: printer.timeOf(start + STATUS_BYTES) - t0, answer };
}

async function runScenario(app: App, client: WsClient, printer: TimedPrinter, r: () => number, label: string): Promise<BenchFigure[]> {
  for (let i = 0; i < WARMUP; i++) await settleAndPrint(app, client, printer, randomBill(r));
  const samples: Sample[] = [];
  for (let i = 0; i < N; i++) samples.push(await settleAndPrint(app, client, printer, randomBill(r)));
  const first = percentiles(samples.map((s) => s.firstByte));
  const receipt = percentiles(samples.map((s) => s.firstReceiptByte));
  const answer = percentiles(samples.map((s) => s.answer));
  return [
    {
      name: `settle key → first printer byte (${label})`,
      median: first.median,
      p99: first.p99,
      unit: 'ms',
      target: '≤ 100 ms',
      meets: first.p99 <= 100,
      note: `${N} settles over WebSocket → dispatch, serial pty printer`,
    },
    { name: `settle key → first receipt byte after DLE EOT status (${label})`, median: receipt.median, p99: receipt.p99, unit: 'ms' },
    { name: `settle key → settle answer at the window (${label})`, median: answer.median, p99: answer.p99, unit: 'ms' },
  ];
}

const settlePrintBench: Bench = {
  name: 'settle-print: settle key → first printer byte (serial pty, WebSocket, center process)',
  async run() {
    const dir = tempDir('settle-print-bench-');
    const clientDir = join(dir, 'client');
    const staticDir = join(dir, 'static');
    mkdirSync(clientDir, { recursive: true });
    mkdirSync(staticDir, { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>bench</title>');
    let center: Served | null = null;
    let pty: PtyPair | null = null;
    let printer: TimedPrinter | null = null;
    let app: App | null = null;
    let server: WebServer | null = null;
    let client: WsClient | null = null;
    try {
      center = await serveCenter(join(dir, 'center'));
      pty = await openPtyPair();
      printer = await TimedPrinter.open(pty.b);
      const open = (background: boolean) =>
        createApp({
          dataDir: clientDir,
          runtime: 'browser',
          background,
          dbKey: resolveDbKey(clientDir),
          env: {},
          flags: {
            centerUrl: center!.url,
            institutionCode: INSTITUTION.code,
            institutionSecret: INSTITUTION.secret,
            printer: `serial:${pty!.a}?baud=115200`,
            printerProfile: '80mm',
          },
        });
      // First start (operators, policy, persons, a shift) without the background policy sync
      // racing the explicit one; then the app as browser mode runs it.
      const first = await open(false);
      await prepareClient(first);
      await first.close();
      app = await open(true);
      server = await startWebServer({ app, staticDir });
      client = await WsClient.connect(server);
      await client.call('auth.login', { operatorId: '1001', pin: '1234' });
      // The start-up status probe must be over before timing begins.
      await app.devices.probePrinter();

      const r = rng(20261124);
      const figures = await runScenario(app, client, printer, r, 'online, upload at once');

      await fetch(`${center.controlUrl}/faults`, { method: 'POST', body: JSON.stringify({ refuse: true }), headers: { 'content-type': 'application/json' } });
      await app.center.probeNow();
      if (app.center.isOnline()) throw new Error('center still online after refuse');
      figures.push(...(await runScenario(app, client, printer, r, 'offline, provisional')));
      return figures;
    } finally {
      client?.close();
      await server?.close();
      await app?.close();
      printer?.emulator.stop();
      await printer?.link.close();
      await pty?.close();
      if (center && center.child.exitCode === null) {
        const exited = new Promise((res) => center!.child.once('exit', res));
        center.child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export const benches: Bench[] = [settlePrintBench];
