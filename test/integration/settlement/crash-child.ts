// The process the crash tests kill. `work`: settle (and now and then refund) random bills
// against the sandbox center as fast as it can while the outbox worker uploads, printing each
// committed settlement id; it never exits on its own. `drain`: upload everything left and exit.
// Usage: node --import tsx crash-child.ts <dataDir> <centerUrl> <seed> <work|drain> [simple|national]
import { openClient, rng } from './fixtures';
import { cashierSession, settleAndRefundForever } from '../../helpers/work-child';

const [dataDir, centerUrl, seedArg, mode, protocol] = process.argv.slice(2);
if (!dataDir || !centerUrl || !seedArg || !mode) {
  process.stderr.write('usage: crash-child <dataDir> <centerUrl> <seed> <work|drain>\n');
  process.exit(2);
}

const app = await openClient({ dataDir, centerUrl, flags: { ...(protocol === 'national' ? { centerProtocol: 'national' } : {}), offlineLimitPerSettlement: '100000000', offlineLimitPerDay: '1000000000', centerAnswerWaitSeconds: '0.3' } });
// A short wait for the center's answer: receipts are held (and killed while held) without the
// busy / dropped answers of this run slowing every settle by the default 3 s.
app.settlement.configureOutbox({ concurrency: 4, backoff: { baseMs: 20, capMs: 300 }, requestTimeoutMs: 1500, pollMs: 50 });
await app.center.probeNow();

if (mode === 'drain') {
  const r = await app.settlement.drain({ untilEmpty: true, timeoutMs: 120_000 });
  process.stdout.write(`DRAINED ${JSON.stringify(r)}\n`);
  await app.close();
  process.exit(r.remaining === 0 ? 0 : 1);
}

const r = rng(Number(seedArg));
const cashier = await cashierSession(app);
app.settlement.worker.start();
process.stdout.write('READY\n');
await settleAndRefundForever(app, cashier, r, { refundShare: 0.12, pauseMs: () => Math.floor(r() * 15) });
