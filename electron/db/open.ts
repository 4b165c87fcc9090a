// Opening the one database file: WAL, foreign keys, durable commits, migrations applied.
import Database from 'better-sqlite3-multiple-ciphers';
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
}

export function openDatabase(opts: OpenOptions): { db: Db; migrations: MigrationReport } {
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
    return { db, migrations };
  } catch (e) {
    db.close();
    throw e;
  }
}

function applyKey(db: Db, key: string): void {
  // sqleet/SQLCipher key pragma; the cipher is chosen explicitly so files are portable to
  // SQLCipher tools for recovery.
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma(`legacy = 4`);
  db.key(Buffer.from(key, 'utf8'));
}
