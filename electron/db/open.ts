// Opening the one database file: WAL, foreign keys, durable commits, migrations applied, and
// (for the app) WAL checkpoints in a background thread.
import Database from 'better-sqlite3-multiple-ciphers';
import { createConsoleLogger, type Logger } from '../app/log';
import { startCheckpointer, type Checkpointer } from './checkpointer';
import { applyKey } from './cipher';
import { holdShared, type DbLock } from './lock';
import { migrate, type MigrationReport } from './migrate';

export type Db = Database.Database;

/**
 * How long a statement waits for another process's write lock before SQLITE_BUSY (reported as
 * DB_BUSY). Two processes share one data folder (the CLI beside the app, two CLI verbs); every
 * write transaction is short, except a full policy import, which may hold the lock for seconds.
 */
export const BUSY_TIMEOUT_MS = 15_000;

export interface OpenOptions {
  /** Path of the database file, or ':memory:' in pure unit tests. */
  file: string;
  /** Encryption key (SQLCipher-compatible); absent means a plain file. */
  key?: string | undefined;
  /** Folder holding NNNN_name.sql; defaults to the project's migrations/. */
  migrationsDir?: string;
  readonly?: boolean;
  /**
   * Checkpoint the WAL from a worker thread instead of inside commits (checkpointer.ts).
   * Ignored for readonly opens and ':memory:'. Close the checkpointer before the database.
   */
  backgroundCheckpoint?: boolean | { intervalMs?: number };
  /** Where the checkpointer reports falling back to auto-checkpoint; stderr by default. */
  log?: Logger;
}

export interface OpenedDatabase {
  db: Db;
  migrations: MigrationReport;
  /** Present when backgroundCheckpoint was asked for and applies. */
  checkpointer: Checkpointer | null;
}

/**
 * Make `db.transaction(fn)()` begin IMMEDIATE: the write lock is taken up front, waiting under
 * the busy timeout. A DEFERRED transaction that reads first and writes later cannot wait: when
 * another process wrote in between, its upgrade fails at once with "database is locked"
 * (SQLITE_BUSY_SNAPSHOT in WAL), whatever the busy timeout. `.deferred` stays available for
 * read-only transactions that want it; nested calls are savepoints either way.
 */
export function immediateTransactions(db: Db): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: Parameters<Db['transaction']>[0]) => transaction(fn).immediate) as Db['transaction'];
}

export function openDatabase(opts: OpenOptions): OpenedDatabase {
  // The folder's "in use" lock (lock.ts) before the file is touched: a restore in progress
  // is waited for, and a restore cannot start while this connection is open.
  const lock: DbLock | null = opts.file === ':memory:' ? null : holdShared(opts.file);
  let db: Db;
  try {
    db = new Database(opts.file, { readonly: opts.readonly ?? false });
  } catch (e) {
    lock?.release();
    throw e;
  }
  if (lock) {
    const close = db.close.bind(db);
    db.close = () => {
      try {
        return close();
      } finally {
        lock.release();
      }
    };
  }
  try {
    if (!opts.readonly) immediateTransactions(db);
    if (opts.key) applyKey(db, opts.key);
    // WAL keeps readers off the writer's back; synchronous=FULL makes every commit survive a
    // power cut (NORMAL in WAL may lose the last commits), which is the product's promise.
    if (!opts.readonly) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const migrations = opts.readonly ? { from: 0, to: 0, applied: [] } : migrate(db, opts.migrationsDir);
    // Started after the migrations, so the worker opens a file whose schema is final.
    const wanted = opts.backgroundCheckpoint ?? false;
    const checkpointer =
      wanted && !opts.readonly && opts.file !== ':memory:'
        ? startCheckpointer(db, {
            file: opts.file,
            key: opts.key || undefined,
            log: opts.log ?? createConsoleLogger(true),
            ...(typeof wanted === 'object' && wanted.intervalMs !== undefined ? { intervalMs: wanted.intervalMs } : {}),
          })
        : null;
    return { db, migrations, checkpointer };
  } catch (e) {
    db.close();
    throw e;
  }
}
