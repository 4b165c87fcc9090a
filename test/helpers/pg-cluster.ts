// A real PostgreSQL for tests and the bench: initdb in a fresh temporary folder, the server on
// a random loopback port, stopped and removed at the end. Never a mock.
//
// initdb refuses to run as root (CI and this machine run as root), so as root every server
// command runs as the unprivileged `postgres` OS user (runuser) and the folder is given to it.
// Binaries: $PG_BIN, else Debian's /usr/lib/postgresql/<newest>/bin, else PATH.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgCluster {
  readonly port: number;
  readonly dir: string;
  /** Superuser connection URL (trust auth on loopback) to `db` (default `postgres`). */
  url(user?: string, db?: string): string;
  /** Stop the server: 'fast' (clean) or 'immediate' (like a crash: no shutdown checkpoint). */
  stop(mode?: 'fast' | 'immediate'): void;
  start(): void;
  restart(mode?: 'fast' | 'immediate'): void;
  /** Stop and delete everything. */
  destroy(): void;
}

function pgBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(join(base, v, 'bin', 'initdb'))) return join(base, v, 'bin');
  }
  return '';
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function pgUser(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/** Run a PostgreSQL binary, as `postgres` when we are root. Throws with its output on failure. */
function run(bin: string, args: string[]): void {
  const exe = join(pgBin(), bin);
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', exe, ...args]] : [exe, args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', cwd: tmpdir(), timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
}

export function pgAvailable(): boolean {
  return existsSync(join(pgBin(), 'initdb'));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface PgClusterOptions {
  /** Extra postgresql.conf lines (the bench raises max_connections). */
  conf?: string[];
}

export async function startPgCluster(opts: PgClusterOptions = {}): Promise<PgCluster> {
  if (!pgAvailable()) throw new Error('PostgreSQL is not installed (Debian package `postgresql`; set PG_BIN to its bin folder)');
  const dir = mkdtempSync(join(tmpdir(), 'clinic-pg-'));
  const data = join(dir, 'data');
  if (isRoot) {
    const { uid, gid } = pgUser();
    chownSync(dir, uid, gid);
  }
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // Loopback TCP only, the socket in our own folder; fsync off: a test cluster need not survive a
  // power cut, and the tests' "PostgreSQL restarted / crashed" is a server stop, not a power cut.
  const conf = [
    `port = ${port}`,
    `listen_addresses = '127.0.0.1'`,
    `unix_socket_directories = '${dir}'`,
    'fsync = off',
    'max_connections = 100',
    ...(opts.conf ?? []),
  ];
  writeFileSync(join(data, 'postgresql.auto.conf'), conf.join('\n') + '\n');
  if (isRoot) {
    const { uid, gid } = pgUser();
    chownSync(join(data, 'postgresql.auto.conf'), uid, gid);
  }
  let running = false;
  const cluster: PgCluster = {
    port,
    dir,
    url: (user = 'postgres', db = 'postgres') => `postgresql://${user}@127.0.0.1:${port}/${db}`,
    start() {
      run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
      running = true;
    },
    stop(mode = 'fast') {
      if (!running) return;
      run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
      running = false;
    },
    restart(mode = 'fast') {
      cluster.stop(mode);
      cluster.start();
    },
    destroy() {
      try {
        cluster.stop('immediate');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  cluster.start();
  return cluster;
}
