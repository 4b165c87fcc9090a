// One national crash run, shared by the normal suite and test/long (≥ 200 kills): a child
// process runs national chains against the sandbox center while it is SIGKILLed at random
// moments and the center loses answers, answers busy or infcode 0 with an err_msg; then the
// journal is resumed to the end and checked against the center's own tables.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../../../electron/app/clock';
import { projectPath } from '../../../electron/app/paths';
import { silentLogger } from '../../../electron/app/log';
import { CenterClient } from '../../../electron/center/client';
import { NationalChainRunner } from '../../../electron/center/national/chain-runner';
import { ChainStore } from '../../../electron/center/national/chain-store';
import { startSandboxCenter } from '../../../electron/center/sandbox/server';
import { openDatabase } from '../../../electron/db/open';
import { checkAgreement, type Agreement } from './national-chain-fixtures';
import { INSTITUTION, SECRET } from './helpers';
import { rowCount } from '../../helpers/db-rows';

const CHILD = join(fileURLToPath(new URL('.', import.meta.url)), 'national-crash-child.ts');

/**
 * The child bundled once per run: starting it through tsx compiled the whole tree on every
 * restart (seconds on a loaded machine); a bundle starts in a fraction of that. Written inside
 * the project so its external native modules resolve from node_modules.
 */
async function bundleChild(): Promise<string> {
  const outfile = join(projectPath(), 'node_modules', '.cache', `national-crash-child-${process.pid}-${Date.now()}.mjs`);
  await build({
    entryPoints: [CHILD], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'silent',
    external: ['better-sqlite3-multiple-ciphers', 'serialport', '@serialport/*', 'node-hid', 'pdfkit', 'pg-native', 'electron'],
    // Bundled CommonJS dependencies call require(): give the ES module one.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return outfile;
}

function runChild(bundle: string, args: string[], killAfterReadyMs: number): Promise<{ killed: boolean; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], { cwd: projectPath(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (d: Buffer) => {
      const before = out;
      out += d.toString();
      if (!before.includes('READY') && out.includes('READY')) setTimeout(() => child.kill('SIGKILL'), killAfterReadyMs);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(guard);
      resolve({ killed: signal === 'SIGKILL', out: signal === 'SIGKILL' ? out : `${out}\nSTDERR ${err.slice(-2000)}` });
    });
  });
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

export interface NationalCrashResult extends Agreement {
  kills: number;
  chains: number;
}

export async function nationalCrashRun(dir: string, kills: number, seed: number, log: (s: string) => void = () => undefined): Promise<NationalCrashResult> {
  const center = await startSandboxCenter({ dataDir: join(dir, 'center'), institutionCode: INSTITUTION, secret: SECRET, controlPort: null });
  const dbFile = join(dir, 'cashier.db');
  openDatabase({ file: dbFile }).db.close(); // migrated once before the first child
  const bundle = await bundleChild();
  try {
    const r = rng(seed);
    let done = 0;
    const infnos = ['2201', '2203', '2204', '2206', '2207', '2601', '2205', '2202'];
    while (done < kills) {
      await center.clearFaults();
      const k = r();
      const infno = infnos[Math.floor(r() * infnos.length)]!;
      await center.setFaults(
        k < 0.35 ? { dropAfterCommit: { count: 1 + Math.floor(r() * 3), infno } }
        : k < 0.5 ? { errWithSuccess: { count: 1, infno } }
        : k < 0.65 ? { busy: { count: 1 + Math.floor(r() * 2) } }
        : k < 0.75 ? { latencyMs: 5 + Math.floor(r() * 20) }
        : {},
      );
      const run = await runChild(bundle, [dbFile, center.url, String(done + 1)], 150 + Math.floor(r() * 900));
      if (!run.killed) throw new Error(`child ended on its own: ${run.out.slice(-1500)}`);
      done++;
      if (done % 20 === 0) log(`national crash: ${done}/${kills} kills`);
    }
    await center.clearFaults();
    // The last restart: resume every open chain to its end, in this process.
    const { db } = openDatabase({ file: dbFile });
    const client = new CenterClient(db, new ManualClock(new Date()), silentLogger, {
      url: center.url, institutionCode: INSTITUTION, terminalNo: '01', institutionName: '示范社区卫生服务中心', institutionSecret: SECRET, areaCode: '990100', caFile: '',
    });
    try {
      const runner = new NationalChainRunner(new ChainStore(db), client, new ManualClock(new Date()));
      for (let i = 0; i < 5 && new ChainStore(db).openChains().length > 0; i++) await runner.resumeAll();
      const chains = rowCount(db, 'national_chains');
      return { ...checkAgreement(db, center), kills: done, chains };
    } finally {
      client.close();
      db.close();
    }
  } finally {
    rmSync(bundle, { force: true });
    await center.close();
  }
}
