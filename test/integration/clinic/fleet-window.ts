// One window of the fleet test, a separate process with its own SQLite data folder. `work`:
// settles (now and then refunds) random bills through its own outbox to the sandbox center and
// streams to the clinic's PostgreSQL, printing each committed id; it never exits on its own (the
// fleet test SIGKILLs it). `drain`: uploads everything left to the center, then streams
// everything left to PostgreSQL, and exits 0.
// Usage: node --import tsx fleet-window.ts <dataDir> <centerUrl> <clinicUrl> <windowNo> <seed> <work|drain>
import { newSession } from '../../../electron/api/session';
import { openClient, randomBill, rng } from '../settlement/fixtures';
import { callApp } from '../../helpers/app-call';

const [dataDir, centerUrl, clinicUrl, windowNo, seedArg, mode] = process.argv.slice(2);
if (!dataDir || !centerUrl || !clinicUrl || !windowNo || !seedArg || !mode) {
  process.stderr.write('usage: fleet-window <dataDir> <centerUrl> <clinicUrl> <windowNo> <seed> <work|drain>\n');
  process.exit(2);
}

const app = await openClient({
  dataDir,
  centerUrl,
  flags: { terminalNo: windowNo, clinicDatabaseUrl: clinicUrl, clinicKey: 'ef'.repeat(32), offlineLimitPerSettlement: '100000000', offlineLimitPerDay: '1000000000' },
});
app.settlement.configureOutbox({ concurrency: 2, backoff: { baseMs: 20, capMs: 300 }, requestTimeoutMs: 1500, pollMs: 50 });
await app.center.probeNow();

if (mode === 'drain') {
  const r = await app.settlement.drain({ untilEmpty: true, timeoutMs: 60_000 });
  await app.clinic.stream.drain(60_000);
  process.stdout.write(`DRAINED ${JSON.stringify(r)} ${JSON.stringify(app.clinic.stream.status())}\n`);
  await app.close();
  process.exit(r.remaining === 0 ? 0 : 1);
}

const r = rng(Number(seedArg));
const cashier = newSession('test');
const login = await callApp(app, cashier, 'auth.login', { operatorId: '1001', pin: '1234' });
if (!login.ok) throw new Error(login.error.message);
app.settlement.worker.start();
app.clinic.start();
process.stdout.write('READY\n');

for (;;) {
  if (r() < 0.15) {
    const row = app.db.prepare("SELECT id FROM settlements WHERE refund_of IS NULL AND state <> 'refunded' ORDER BY random() LIMIT 1").get() as { id: string } | undefined;
    if (row) {
      const res = await callApp(app, cashier, 'settlement.refund', { id: row.id, supervisorId: '2001', supervisorPin: '246810', reason: '测试退费' });
      process.stdout.write(res.ok ? `R ${(res.value as { id: string }).id}\n` : `E ${res.error.code}\n`);
    }
  } else {
    const res = await callApp(app, cashier, 'settlement.settle', randomBill(r));
    process.stdout.write(res.ok ? `S ${(res.value as { id: string }).id}\n` : `E ${res.error.code}\n`);
  }
  await new Promise((resolve) => setTimeout(resolve, 40 + Math.floor(r() * 120)));
}
