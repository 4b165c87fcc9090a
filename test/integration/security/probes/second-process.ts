// A second process on the probe target's data folder (what a CLI verb beside the running app
// is), for the concurrency probes. Run: node --import tsx second-process.ts <dataDir> <mode> [n]
//   hold <ms>   append one audit entry inside a write transaction kept open for <ms>
//   logins <n>  log operator 1001 in n times through the real AuthService
// Prints one JSON line: {ok, done, errors: [message...]}.
import { join } from 'node:path';
import { AuditLog } from '../../../../electron/auth/audit';
import { AuthService } from '../../../../electron/auth/auth-service';
import { findDbKey } from '../../../../electron/auth/db-key';
import { newSession } from '../../../../electron/api/session';
import { systemClock } from '../../../../electron/app/clock';
import { openDatabase } from '../../../../electron/db/open';

const [dataDir, mode, arg] = process.argv.slice(2) as [string, string, string];
const { db } = openDatabase({ file: join(dataDir, 'cashier.db'), key: findDbKey(dataDir, {}) });
const audit = new AuditLog(db, systemClock);
const errors: string[] = [];
let done = 0;

/** Sleeps without returning to the event loop: the transaction stays open meanwhile. */
const block = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

if (mode === 'hold') {
  db.transaction(() => {
    audit.append({ action: 'probe.second-process', detail: { mode } });
    process.stdout.write('HOLDING\n');
    block(Number(arg));
  })();
  done = 1;
} else if (mode === 'logins') {
  const auth = new AuthService(db, audit, systemClock);
  for (let i = 0; i < Number(arg); i++) {
    try {
      auth.login(newSession('cli'), '1001', '1234');
      done++;
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
    }
  }
}
db.close();
process.stdout.write(`${JSON.stringify({ ok: errors.length === 0, done, errors })}\n`);
