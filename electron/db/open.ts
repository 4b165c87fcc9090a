// Opening the one database file: WAL, foreign keys, durable commits, migrations applied, and
// (for the app) WAL checkpoints in a background thread.
import Database from 'better-sqlite3-multiple-ciphers';
import { createConsoleLogger, type Logger } from '../app/log';
import { startCheckpointer, type Checkpointer } from './checkpointer';
import { applyKey } from './cipher';
import { migrate, type MigrationReport } from './migrate';

export type Db = Database.Database;

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

export function openDatabase(opts: OpenOptions): OpenedDatabase {
  const db = new Database(opts.file, { readonly: opts.readonly ?? false });
  try {
    if (opts.key) applyKey(db, opts.key);
    // WAL keeps readers off the writer's back; synchronous=FULL makes every commit survive a
    // power cut (NORMAL in WAL may lose the last commits), which is the product's promise.
    if (!opts.readonly) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
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
