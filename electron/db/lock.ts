// The data folder's "in use" lock. Every process that opens the database (the app in any
// runtime, every CLI verb, `db check`) holds a SHARED lock on `<db file>.lock` for as long as
// the database is open; `db restore` takes it EXCLUSIVE and is refused (DB_IN_USE) while
// anyone holds it. Any number of processes may share the folder (they coordinate their writes
// through SQLite's own locking: IMMEDIATE transactions and a busy timeout, see open.ts); only
// replacing the file under them is excluded.
//
// The lock is SQLite's file lock (fcntl on POSIX, LockFileEx on Windows) on a small, empty
// database in rollback-journal mode: the OS drops it when the process ends, however it ends
// (kill -9, power cut), so there is no stale pid file to clean up or to fool. The file holds
// nothing; it is created 0600 like every file the app writes. Never open or delete it with
// plain fs calls while a lock is held: closing any descriptor of a file drops the process's
// POSIX locks on it (SQLite itself works around that, plain fs does not).
import { chmodSync, closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../api/result';

/** How long opening the database waits for a running restore to finish. */
export const SHARED_WAIT_MS = 10_000;

export interface DbLock {
  readonly file: string;
  release(): void;
}

export function lockFileOf(dbFile: string): string {
  return `${dbFile}.lock`;
}

function openLockFile(file: string, waitMs: number): Database.Database {
  try {
    // Created 0600 (an existing file keeps its mode; chmod below makes sure).
    closeSync(openSync(file, 'a', 0o600));
    if (process.platform !== 'win32') chmodSync(file, 0o600);
  } catch (e) {
    throw new AppError('DB_LOCK_FAILED', `无法创建数据库锁文件 ${file}：${e instanceof Error ? e.message : String(e)}。请检查数据目录是否可写。`, { file });
  }
  const db = new Database(file);
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(waitMs))}`);
  return db;
}

const isBusy = (e: unknown): boolean => {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
};

/**
 * Hold the SHARED lock until release(): an open read transaction on the lock file. Waits up
 * to `waitMs` while a restore holds it exclusively, then DB_IN_USE.
 */
export function holdShared(dbFile: string, waitMs = SHARED_WAIT_MS): DbLock {
  const file = lockFileOf(dbFile);
  const db = openLockFile(file, waitMs);
  try {
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (e) {
    db.close();
    if (isBusy(e)) throw new AppError('DB_RESTORING', '数据库正在恢复中（db restore），暂时不能打开。请等恢复完成后再试。', { file });
    throw e;
  }
  return once(file, db);
}

/**
 * Take the EXCLUSIVE lock (for a restore): refused at once with DB_IN_USE while any process —
 * this one included — has the database open.
 */
export function holdExclusive(dbFile: string): DbLock {
  const file = lockFileOf(dbFile);
  const db = openLockFile(file, 0);
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if (isBusy(e)) {
      throw new AppError('DB_IN_USE', '数据库正在被使用（收费程序或另一个命令仍在运行）。请先退出所有使用此数据目录的程序，再恢复。', { file });
    }
    throw e;
  }
  return once(file, db);
}

function once(file: string, db: Database.Database): DbLock {
  let held = true;
  return {
    file,
    release() {
      if (!held) return;
      held = false;
      try {
        db.exec('COMMIT');
      } finally {
        db.close();
      }
    },
  };
}
