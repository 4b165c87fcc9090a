// The process the crash tests kill. `work`: settle (and now and then refund) random bills
// against the sandbox center as fast as it can while the outbox worker uploads, printing each
// committed settlement id; it never exits on its own. `drain`: upload everything left and exit.
// Usage: node --import tsx crash-child.ts <dataDir> <centerUrl> <seed> <work|drain> [simple|national]
import { newSession } from '../../../electron/api/session';
import { openClient, randomBill, rng } from './fixtures';
import { callApp } from '../../helpers/app-call';

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
const cashier = newSession('test');
const login = await callApp(app, cashier, 'auth.login', { operatorId: '1001', pin: '1234' });
if (!login.ok) throw new Error(login.error.message);
app.settlement.worker.start();
process.stdout.write('READY\n');

for (;;) {
  if (r() < 0.12) {
    // Refund a random earlier settlement that is still standing.
    const row = app.db
      .prepare("SELECT id FROM settlements WHERE refund_of IS NULL AND state <> 'refunded' ORDER BY random() LIMIT 1")
      .get() as { id: string } | undefined;
    if (row) {
      const res = await callApp(app, cashier, 'settlement.refund', { id: row.id, supervisorId: '2001', supervisorPin: '246810', reason: '测试退费' });
      process.stdout.write(res.ok ? `R ${(res.value as { id: string }).id} ${row.id}\n` : `E ${res.error.code}\n`);
    }
  } else {
    const res = await callApp(app, cashier, 'settlement.settle', randomBill(r));
    process.stdout.write(res.ok ? `S ${(res.value as { id: string }).id}\n` : `E ${res.error.code} ${res.error.message}\n`);
  }
  await new Promise((resolve) => setTimeout(resolve, Math.floor(r() * 15)));
}
