// WAL checkpoints off the main thread. With auto-checkpoint on, whichever commit crosses the
// 1,000-page mark copies the WAL back into the database file itself (on an encrypted file:
// decrypt + re-encrypt every page), ~40 ms inside a policy delta or a settlement commit. Here a
// worker thread holds its own connection to the same file and runs PASSIVE checkpoints (they
// never block the writer, and the writer never waits for them) every second, while the main
// connection's auto-checkpoint is off.
//
// Safety: a checkpoint only copies pages that are already durable in the WAL (synchronous=FULL
// fsyncs every commit), so it never touches durability; the worker's connection is
// synchronous=FULL too, so the database file is fsynced before the writer may reuse the WAL.
// If the worker cannot start or dies, the main connection's auto-checkpoint is switched back on
// (and logged), so the WAL never grows without bound unnoticed.
//
// The worker is a small CommonJS string run with `eval: true`: no separate entry file that
// tsx, vitest and the esbuild bundle would each have to find. It requires the SQLite module by
// the path this module resolves, so it loads the same copy (and native build) as the main
// thread in every run mode.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../app/log';
import { KEY_PRAGMAS } from './cipher';
import type { Db } from './open';

/** One row of `PRAGMA wal_checkpoint`: frames in the WAL, and how many are in the database file. */
export interface CheckpointResult {
  /** 1 when the checkpoint could not run to the end (a reader or the writer was in the way). */
  busy: number;
  /** Frames in the WAL since it was last reset. */
  log: number;
  /** Of those, frames copied back into the database file. */
  checkpointed: number;
}

export type CheckpointerState = 'starting' | 'running' | 'fallback' | 'closed';

export interface Checkpointer {
  /** Settles true once the worker runs and auto-checkpoint is off; false if it fell back. */
  readonly ready: Promise<boolean>;
  state(): CheckpointerState;
  /** Ask the worker for a checkpoint now (e.g. after a large commit); null when not running. */
  checkpoint(): Promise<CheckpointResult | null>;
  /** Stop the worker (its connection closes) and give the main connection its auto-checkpoint back. */
  close(): Promise<void>;
  /** The thread itself: for diagnostics and for tests that kill it. */
  readonly worker: Worker;
}

export interface CheckpointerOptions {
  /** The database file the main connection has open (WAL mode, not ':memory:'). */
  file: string;
  key?: string | undefined;
  /** How often the worker checkpoints on its own; 1 s by default. */
  intervalMs?: number;
  log: Pick<Logger, 'info' | 'warn'>;
}

const DEFAULT_INTERVAL_MS = 1000;
/** SQLite's default auto-checkpoint, restored when the worker is gone. */
const DEFAULT_AUTOCHECKPOINT = 1000;

/** The worker's whole program (plain CommonJS: it is never transformed or bundled). */
const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.modulePath);
const db = new Database(workerData.file, { fileMustExist: true });
if (workerData.key !== undefined) {
  for (const p of workerData.keyPragmas) db.pragma(p);
  db.key(Buffer.from(workerData.key, 'utf8'));
}
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
// Reading the schema proves the key before the main thread turns its auto-checkpoint off.
db.prepare('SELECT count(*) FROM sqlite_master').get();
const checkpoint = () => {
  const row = db.pragma('wal_checkpoint(PASSIVE)')[0];
  return { busy: row.busy, log: row.log, checkpointed: row.checkpointed };
};
let last = { busy: 0, log: -1, checkpointed: -1 };
const tick = () => {
  const r = checkpoint();
  if (r.log !== last.log || r.checkpointed !== last.checkpointed) parentPort.postMessage({ type: 'checkpointed', result: r });
  last = r;
};
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m.type === 'checkpoint') {
    last = checkpoint();
    parentPort.postMessage({ type: 'checkpointed', id: m.id, result: last });
  } else if (m.type === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
parentPort.postMessage({ type: 'ready' });
`;

type FromWorker = { type: 'ready' } | { type: 'checkpointed'; id?: number; result: CheckpointResult };

/** Threads started here and not yet exited (tests check that closing an app ends its thread). */
let running = 0;
export function runningCheckpointers(): number {
  return running;
}

let sqliteModulePath: string | undefined;
function sqliteModule(): string {
  // Resolved from this module: the source file under tsx/vitest, the bundle's own location in
  // the Electron build (where the module is external, in node_modules beside it).
  sqliteModulePath ??= createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers');
  return sqliteModulePath;
}

/**
 * Start checkpointing `db`'s file from a worker thread. The main connection keeps its
 * auto-checkpoint until the worker reports its connection open; close() before db.close().
 */
export function startCheckpointer(db: Db, opts: CheckpointerOptions): Checkpointer {
  const before = Number(db.pragma('wal_autocheckpoint', { simple: true }));
  const restoreTo = before > 0 ? before : DEFAULT_AUTOCHECKPOINT;
  let state: CheckpointerState = 'starting';
  let failure: string | null = null;
  let nextId = 1;
  const waiting = new Map<number, (r: CheckpointResult | null) => void>();
  let settleReady!: (ok: boolean) => void;
  const ready = new Promise<boolean>((resolve) => (settleReady = resolve));

  // The key travels only in workerData (copied in memory to the thread), never logged.
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { modulePath: sqliteModule(), file: opts.file, key: opts.key, keyPragmas: [...KEY_PRAGMAS], intervalMs: opts.intervalMs ?? DEFAULT_INTERVAL_MS },
    // Not the parent's flags: `--input-type=module` (node -e scripts) would run this CommonJS
    // source as ESM, without require; loaders such as tsx's are of no use to plain JS.
    execArgv: [],
  });
  running++;
  // A forgotten close() must not keep a CLI run or a test process alive, so the thread holds
  // the process open only while someone awaits it (start-up, checkpoint(), close()); otherwise
  // an awaited answer would be lost to a process that exits first.
  const holdWhileAwaited = () => {
    if (state === 'starting' || waiting.size > 0) worker.ref();
    else worker.unref();
  };

  const answerAll = () => {
    for (const done of waiting.values()) done(null);
    waiting.clear();
  };
  const autoCheckpointBack = () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${restoreTo}`);
  };

  worker.on('message', (m: FromWorker) => {
    if (m.type === 'ready') {
      if (state !== 'starting') return;
      state = 'running';
      db.pragma('wal_autocheckpoint = 0');
      settleReady(true);
      holdWhileAwaited();
    } else if (m.type === 'checkpointed' && m.id !== undefined) {
      waiting.get(m.id)?.(m.result);
      waiting.delete(m.id);
      holdWhileAwaited();
    }
  });
  worker.on('error', (e) => {
    // Only the message: a SQLite or loader error never carries workerData.
    failure = e instanceof Error ? e.message : String(e);
  });
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      running--;
      answerAll();
      if (state === 'starting' || state === 'running') {
        const was = state;
        state = 'fallback';
        autoCheckpointBack();
        opts.log.warn(was === 'starting' ? 'WAL 后台检查点线程未能启动，改由主连接自动检查点' : 'WAL 后台检查点线程意外退出，改由主连接自动检查点', {
          error: failure ?? `exit code ${code}`,
          walAutocheckpoint: restoreTo,
        });
      }
      settleReady(false);
      resolve();
    });
  });

  return {
    ready,
    worker,
    state: () => state,
    checkpoint() {
      if (state !== 'running') return Promise.resolve(null);
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        holdWhileAwaited();
        worker.postMessage({ type: 'checkpoint', id });
      });
    },
    async close() {
      if (state === 'closed') return;
      const live = state === 'starting' || state === 'running';
      state = 'closed';
      if (live) {
        worker.ref();
        worker.postMessage({ type: 'stop' });
        await exited;
      }
      // The main connection may go on without the worker (its own close checkpoints anyway).
      autoCheckpointBack();
    },
  };
}
