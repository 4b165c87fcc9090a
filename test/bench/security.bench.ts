// Security benchmarks (issue 9): what the protections cost at the window.
// - the role gate every non-public call passes (one indexed operator lookup);
// - a login (scrypt verify, N=16384);
// - opening the encrypted database (raw key: no PBKDF2) and, for contrast, with a passphrase;
// - a committed write on the encrypted vs the plain database (synchronous=FULL, WAL);
// - an online encrypted backup (VACUUM INTO) of a database with 50,000 audit entries.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { newSession } from '../../electron/api/session';
import { ManualClock } from '../../electron/app/clock';
import { createApp } from '../../electron/app/create-app';
import { silentLogger } from '../../electron/app/log';
import { resolveDbKey } from '../../electron/auth/db-key';
import { backupNow } from '../../electron/db/backup';
import { openDatabase } from '../../electron/db/open';
import { tempDir } from '../helpers/temp-app';
import { time, type Bench, type BenchFigure } from './harness';

export const benches: Bench[] = [
  {
    name: 'security',
    async run(): Promise<BenchFigure[]> {
      const out: BenchFigure[] = [];
      const dir = tempDir('bench-security-');
      try {
        const key = resolveDbKey(dir, {});
        const app = await createApp({ dataDir: dir, runtime: 'test', env: {}, dbKey: key, log: silentLogger, clock: new ManualClock() });
        const session = newSession('test');
        app.auth.login(session, '1001', '1234');

        const gate = await time(() => app.auth.checkSession(session, 'cashier'), 20_000);
        out.push({ name: 'role gate per call (operator lookup)', median: gate.median, p99: gate.p99, unit: 'ms' });

        const login = await time(() => app.auth.verify('1001', '1234', 'bench'), 30, 3);
        out.push({ name: 'login: scrypt PIN check', median: login.median, p99: login.p99, unit: 'ms' });

        // Measured on a small database, like the plain one below.
        const write = await time(() => app.audit.append({ action: 'bench.commit', subject: 'x' }), 300);
        out.push({ name: 'committed write, encrypted (audit append)', median: write.median, p99: write.p99, unit: 'ms' });

        // 50,000 audit entries (about a year of a busy window), then a backup.
        app.db.transaction(() => {
          for (let i = 0; i < 50_000; i++) app.audit.append({ action: 'bench.entry', operatorId: '1001', subject: `S${i}`, detail: { amount: i } });
        })();
        const t0 = performance.now();
        const b = backupNow(app.db, { dir: join(dir, 'backups'), clock: app.clock, kind: 'manual' });
        out.push({ name: `online encrypted backup (${(b.bytes / 2 ** 20).toFixed(1)} MiB)`, median: performance.now() - t0, unit: 'ms' });

        const verify = performance.now();
        app.audit.verify();
        out.push({ name: 'audit verify, 50,000 entries', median: performance.now() - verify, unit: 'ms' });

        await app.close();

        const plainDir = tempDir('bench-security-plain-');
        const plain = await createApp({ dataDir: plainDir, runtime: 'test', env: {}, log: silentLogger });
        const pw = await time(() => plain.audit.append({ action: 'bench.commit', subject: 'x' }), 300);
        out.push({ name: 'committed write, plain (audit append)', median: pw.median, p99: pw.p99, unit: 'ms' });
        await plain.close();
        rmSync(plainDir, { recursive: true, force: true });

        const file = join(dir, 'cashier.db');
        const open = await time(() => openDatabase({ file, key }).db.close(), 20, 2);
        out.push({ name: 'open encrypted database (raw key)', median: open.median, p99: open.p99, unit: 'ms' });
        const passDir = tempDir('bench-security-pass-');
        openDatabase({ file: join(passDir, 'p.db'), key: 'a passphrase, stretched' }).db.close();
        const pass = await time(() => openDatabase({ file: join(passDir, 'p.db'), key: 'a passphrase, stretched' }).db.close(), 5, 1);
        out.push({ name: 'open with a passphrase instead (PBKDF2), for contrast', median: pass.median, p99: pass.p99, unit: 'ms' });
        rmSync(passDir, { recursive: true, force: true });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return out;
    },
  },
];
