// WAL checkpoints off the main thread. With auto-checkpoint on, whichever commit crosses the
// 1,000-page mark copies the WAL back into the database file itself (on an encrypted file:
// decrypt + re-encrypt every page), ~40 ms inside a policy delta or a settlement commit. Here a
// worker thread holds its own connection to the same file and runs PASSIVE checkpoints (they
// never block the writer, and the writer never waits for them) every 250 ms, while the main
// connection's auto-checkpoint is raised from 1,000 to 10,000 frames. A checkpoint racing a
// busy writer never quite catches up, and the WAL starts over only when all of it is copied,
// so once the WAL is past 4,000 frames the worker asks the main thread to copy the last few (a
// small PASSIVE checkpoint between two of its transactions); the next commit then starts the
// WAL from the beginning.
//
// Safety: a checkpoint only copies pages that are already durable in the WAL (synchronous=FULL
// fsyncs every commit), so it never touches durability; the worker's connection is
// synchronous=FULL too, so the database file is fsynced before the writer may reuse the WAL.
// If the worker cannot start or dies, the main connection's auto-checkpoint is switched back on
// (and logged), so the WAL never grows without bound unnoticed.
//
// The 10,000-frame bound is kept by SQLite itself, in the main connection's commits, not by the
// worker: on a loaded machine the worker may not run for a while (a CI run with all cores busy
// let the WAL pass 10,500 frames while the worker waited for the CPU to post 'tail').
// The worker runs at the process's own priority. It once ran at nice 10 so that its copying
// would yield to the commits, but a niced thread starved in the middle of a checkpoint holds
// SQLite's checkpoint lock, and then no checkpoint, not even the main connection's, can run:
// with four busy loops beside the checkpointer test the WAL reached 28,749 frames, never
// starting over. Even at equal priority that holds for the length of one of the worker's
// checkpoints, so on a machine with no CPU to spare the WAL can pass the bound for a while
// (~21,000 frames at load ~10 on two cores; docs/PERFORMANCE.md); it still starts over.
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
  /** Settles true once the worker runs and auto-checkpoint is raised to the hard limit; false if it fell back. */
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
  /** How often the worker checkpoints on its own; 250 ms by default. */
  intervalMs?: number;
  log: Pick<Logger, 'info' | 'warn'>;
}

const DEFAULT_INTERVAL_MS = 250;
/**
 * WAL length (frames = pages, 16 MiB) past which the WAL is made to start over. Four times
 * SQLite's auto-checkpoint mark: each start-over costs the main thread a small copy and two
 * flushes, and at 1,000 the encrypted settle bench's main thread spent more CPU than with
 * auto-checkpoint (2.20 against 2.06 ms a settle); at 4,000, less (1.85 against 2.08).
 */
const RESTART_FRAMES = 4000;
/** A tail small enough for the main thread to copy (~0.8 MiB; a few ms encrypted, far less plain). */
const TAIL_FRAMES = 200;
/**
 * Past this (~40 MiB) the main thread copies whatever the worker could not: the WAL stays
 * bounded. It is the main connection's auto-checkpoint mark while the worker runs, so the
 * commit that crosses it does the copy even when the worker gets no CPU.
 */
export const HARD_LIMIT_FRAMES = 10_000;
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
// A checkpoint streams WAL frames into the file; it gains nothing from a page cache, and the
// process's memory (a 300k-entry import peaks near its limit) should not pay for one.
db.pragma('cache_size = -256');
// Reading the schema proves the key before the main thread turns its auto-checkpoint off.
db.prepare('SELECT count(*) FROM sqlite_master').get();
const checkpoint = (mode) => {
  const row = db.pragma('wal_checkpoint(' + mode + ')')[0];
  return { busy: row.busy, log: row.log, checkpointed: row.checkpointed };
};
const tick = () => {
  let r = checkpoint('PASSIVE');
  // Frames committed while a checkpoint copies stay behind it; a few more rounds make that
  // tail small while the writer keeps committing.
  for (let round = 0; round < 4 && r.log - r.checkpointed > workerData.tailFrames; round++) r = checkpoint('PASSIVE');
  // A checkpoint racing a busy writer is always a few frames behind, and the WAL starts over
  // only once all of it is copied: the main thread copies the tail (see 'tail' there).
  const tail = r.log - r.checkpointed;
  if (r.log >= workerData.restartFrames && (tail <= workerData.tailFrames || r.log >= workerData.hardLimitFrames)) {
    parentPort.postMessage({ type: 'tail' });
  }
  return r;
};
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m.type === 'checkpoint') {
    parentPort.postMessage({ type: 'checkpointed', id: m.id, result: tick() });
  } else if (m.type === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
parentPort.postMessage({ type: 'ready' });
`;

type FromWorker = { type: 'ready' } | { type: 'tail' } | { type: 'checkpointed'; id: number; result: CheckpointResult };

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
    workerData: {
      modulePath: sqliteModule(),
      file: opts.file,
      key: opts.key,
      keyPragmas: [...KEY_PRAGMAS],
      intervalMs: opts.intervalMs ?? DEFAULT_INTERVAL_MS,
      restartFrames: RESTART_FRAMES,
      tailFrames: TAIL_FRAMES,
      hardLimitFrames: HARD_LIMIT_FRAMES,
    },
    // Not the parent's flags: `--input-type=module` (node -e scripts) would run this CommonJS
    // source as ESM, without require; loaders such as tsx's are of no use to plain JS.
    execArgv: [],
    // A few statements a second need little heap: small limits keep the thread's memory small.
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1, codeRangeSizeMb: 2 },
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
      db.pragma(`wal_autocheckpoint = ${HARD_LIMIT_FRAMES}`);
      settleReady(true);
      holdWhileAwaited();
    } else if (m.type === 'tail') {
      // The worker has copied all but the last frames; no commit can come between this copy and
      // the next commit (one thread writes), so that commit starts the WAL from the beginning.
      // A PASSIVE checkpoint meeting the worker's returns at once; the worker asks again.
      if (state === 'running' && db.open && !db.inTransaction) db.pragma('wal_checkpoint(PASSIVE)');
    } else if (m.type === 'checkpointed') {
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
