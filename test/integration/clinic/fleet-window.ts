// One window of the fleet test, a separate process with its own SQLite data folder. `work`:
// settles (now and then refunds) random bills through its own outbox to the sandbox center and
// streams to the clinic's PostgreSQL, printing each committed id; it never exits on its own (the
// fleet test SIGKILLs it). `drain`: uploads everything left to the center, then streams
// everything left to PostgreSQL, and exits 0.
// Usage: node --import tsx fleet-window.ts <dataDir> <centerUrl> <clinicUrl> <windowNo> <seed> <work|drain>
import { openClient, rng } from '../settlement/fixtures';
import { cashierSession, settleAndRefundForever } from '../../helpers/work-child';

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
const cashier = await cashierSession(app);
app.settlement.worker.start();
app.clinic.start();
process.stdout.write('READY\n');
await settleAndRefundForever(app, cashier, r, { refundShare: 0.15, pauseMs: () => 40 + Math.floor(r() * 120) });
