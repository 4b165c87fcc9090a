// Backups of the one database file: online copies taken while the app runs, rotated, checked,
// and restored from.
//
// Why VACUUM INTO and not better-sqlite3's db.backup(): the SQLite backup API refuses an
// encrypted source ("backup is not supported with incompatible source and target databases")
// because it cannot key the target it opens. VACUUM INTO is just as online (one read
// transaction; writers carry on under WAL), and SQLite3MultipleCiphers writes the copy
// encrypted with the source's cipher and key, so a backup never holds patient data in clear.
import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../api/result';
import type { Clock } from '../app/clock';
import type { Logger } from '../app/log';
import type { Settings } from '../app/config';
import { applyKey } from './cipher';
import { holdExclusive } from './lock';
import { loadMigrations } from './migrate';
import type { Db } from './open';
import { z } from 'zod';
import { insertInto, run, value } from './sql';

export const DB_FILE = 'cashier.db';
/** cashier-20260315-090000.db (UTC), so names sort by time. */
const BACKUP_NAME = /^cashier-(\d{8})-(\d{6})(?:-(\d+))?\.db$/;
/** Copies kept by rotation. */
export const DEFAULT_KEEP = 14;
/** How often a running app takes a scheduled copy. */
export const DEFAULT_INTERVAL_MS = 6 * 3600_000;

export interface BackupInfo {
  file: string;
  at: string;
  bytes: number;
}

export function backupDirOf(dataDir: string, settings: Pick<Settings, 'backupDir'>): string {
  return settings.backupDir ? resolve(settings.backupDir) : join(dataDir, 'backups');
}

function stamp(at: Date): string {
  const s = at.toISOString();
  return `${s.slice(0, 10).replaceAll('-', '')}-${s.slice(11, 19).replaceAll(':', '')}`;
}

/**
 * Take a consistent copy of the open database into `dir` (or exactly to `out`). The copy is
 * written under a temporary name and renamed, so a crash never leaves a half file that
 * looks like a backup.
 */
export function backupNow(db: Db, opts: { dir?: string; out?: string; clock: Clock; kind: 'scheduled' | 'manual' }): BackupInfo {
  const at = opts.clock.now();
  let file: string;
  if (opts.out) {
    file = resolve(opts.out);
    if (existsSync(file)) throw new AppError('BACKUP_EXISTS', `目标文件已存在：${file}。请换一个文件名，备份不会覆盖已有文件。`, { file });
  } else {
    const dir = resolve(opts.dir ?? '.');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    file = join(dir, `cashier-${stamp(at)}.db`);
    for (let n = 2; existsSync(file); n++) file = join(dir, `cashier-${stamp(at)}-${n}.db`);
  }
  const tmp = `${file}.partial`;
  rmSync(tmp, { force: true });
  try {
    run(db, 'VACUUM INTO :tmp', { tmp });
    // Encrypted, but still nobody else's to copy: 0600 like every file the app writes.
    if (process.platform !== 'win32') chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new AppError('BACKUP_FAILED', `备份失败：${e instanceof Error ? e.message : String(e)}。请检查备份目录是否存在、可写、空间是否足够。`, { file });
  }
  const bytes = statSync(file).size;
  insertInto(db, 'backups', { at: at.toISOString(), file, bytes, kind: opts.kind });
  return { file, at: at.toISOString(), bytes };
}

/** Backups in `dir`, newest first (by the time in the name). */
export function listBackups(dir: string): BackupInfo[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ name, m: BACKUP_NAME.exec(name) }))
    .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
    .map(({ name, m }) => {
      const [d, t] = [m[1]!, m[2]!];
      const at = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}.000Z`;
      return { file: join(dir, name), at, bytes: statSync(join(dir, name)).size, seq: Number(m[3] ?? 1) };
    })
    .sort((a, b) => (a.at === b.at ? b.seq - a.seq : a.at < b.at ? 1 : -1))
    .map(({ file, at, bytes }) => ({ file, at, bytes }));
}

/** Delete all but the newest `keep` backups in `dir`; returns the removed files. */
export function rotateBackups(db: Db | null, dir: string, keep: number, clock: Clock): string[] {
  const removed = listBackups(dir).slice(Math.max(1, keep)).map((b) => b.file);
  for (const f of removed) {
    rmSync(f, { force: true });
    if (db) run(db, 'UPDATE backups SET removed_at = :now WHERE file = :file AND removed_at IS NULL', { now: clock.now().toISOString(), file: f });
  }
  return removed;
}

export interface CheckReport {
  ok: boolean;
  /** integrity_check's lines other than "ok", and foreign-key violations. */
  problems: string[];
}

/**
 * `PRAGMA integrity_check` plus the foreign-key check on an open database. Damage bad enough
 * that SQLite refuses to read (or, encrypted, a page failing its authentication) is reported
 * as a problem too, never thrown.
 */
export function checkDatabase(db: Db): CheckReport {
  const problems: string[] = [];
  try {
    for (const r of db.pragma('integrity_check') as Array<{ integrity_check: string }>) {
      if (r.integrity_check !== 'ok') problems.push(r.integrity_check);
    }
    const fk = db.pragma('foreign_key_check') as Array<{ table: string; rowid: number; parent: string }>;
    for (const v of fk.slice(0, 20)) problems.push(`foreign key: ${v.table} row ${v.rowid} → missing ${v.parent}`);
  } catch (e) {
    problems.push(`unreadable: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { ok: problems.length === 0, problems };
}

/** Open a database file with the app's key, for checks and restores (keyed as db/open.ts keys). */
export function openKeyed(file: string, key: string | undefined, readonly: boolean): Db {
  const db = new Database(file, { readonly, fileMustExist: true });
  try {
    if (key) applyKey(db, key);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

export interface RestoreReport {
  restoredFrom: string;
  /** Where the database that was replaced was kept (nothing is thrown away). */
  previousSavedAs: string | null;
  schemaVersion: number;
}

/**
 * Replace the data dir's database with a backup. Nobody may have it open (DB_IN_USE, by the
 * folder's lock). The backup is checked first (opens with the key, passes the integrity
 * check, is not newer than this program); the current database, sound or damaged, is moved
 * aside as it is before it is replaced.
 */
export function restoreDatabase(opts: { dataDir: string; from: string; key: string | undefined; clock: Clock }): RestoreReport {
  const from = resolve(opts.from);
  if (!existsSync(from)) throw new AppError('BACKUP_NOT_FOUND', `找不到备份文件：${from}`, { file: from });

  let schemaVersion: number;
  let candidate: Db;
  try {
    candidate = openKeyed(from, opts.key, true);
  } catch {
    throw new AppError('BACKUP_UNREADABLE', `无法打开备份文件 ${from}：不是本程序的备份，或加密密钥不同。数据库未改动。`, { file: from });
  }
  try {
    const report = checkDatabase(candidate);
    if (!report.ok) {
      throw new AppError('BACKUP_DAMAGED', `备份文件未通过完整性检查，未恢复：${report.problems.slice(0, 3).join('；')}`, { problems: report.problems });
    }
    schemaVersion = candidate.pragma('user_version', { simple: true }) as number;
  } finally {
    candidate.close();
  }
  const latest = loadMigrations().length;
  if (schemaVersion > latest) {
    throw new AppError('DB_NEWER_THAN_APP', `备份的数据库版本（${schemaVersion}）比本程序（${latest}）新，不能用本程序恢复。`);
  }

  const target = join(opts.dataDir, DB_FILE);
  if (from === resolve(target)) throw new AppError('BACKUP_IS_CURRENT', '不能用数据库自身恢复自身：请指定备份目录中的一个备份文件。', { file: from });
  // Nobody may have the database open while it is replaced: the running app would go on
  // writing to the file that is moved aside and its later work would vanish (lock.ts).
  const lock = holdExclusive(target);
  try {
    // The replaced database is kept byte for byte — its files renamed, not copied through
    // SQLite — so a damaged one (the usual reason for a restore) is kept too, for the
    // forensics or the salvage, and the restore never depends on reading it.
    let previousSavedAs: string | null = null;
    if (existsSync(target)) {
      previousSavedAs = join(opts.dataDir, `cashier.before-restore-${stamp(opts.clock.now())}.db`);
      for (let n = 2; existsSync(previousSavedAs); n++) previousSavedAs = join(opts.dataDir, `cashier.before-restore-${stamp(opts.clock.now())}-${n}.db`);
      // Its WAL goes along under the matching name (SQLite finds `<file>-wal` when opening the
      // kept copy); the -shm index is rebuilt from it.
      if (existsSync(`${target}-wal`)) renameSync(`${target}-wal`, `${previousSavedAs}-wal`);
      renameSync(target, previousSavedAs);
    }
    rmSync(`${target}-wal`, { force: true });
    rmSync(`${target}-shm`, { force: true });
    const tmp = `${target}.restoring`;
    copyFileSync(from, tmp);
    if (process.platform !== 'win32') chmodSync(tmp, 0o600);
    fsyncFile(tmp);
    renameSync(tmp, target);
    return { restoredFrom: from, previousSavedAs, schemaVersion };
  } finally {
    lock.release();
  }
}

/** Flush a file's bytes to the disk, so a power cut right after a rename finds them there. */
function fsyncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface BackupSchedule {
  /** Take a scheduled copy now if the last one is older than the interval (also run by the timer). */
  tick(): BackupInfo | null;
  close(): void;
}

/**
 * Scheduled backups while the app runs: one at start when the last is older than the
 * interval, then every interval; each followed by rotation. Failures are logged, never fatal
 * (the window must keep working when a USB backup drive is unplugged).
 */
export function startBackupSchedule(core: {
  db: Db;
  dataDir: string;
  settings: Pick<Settings, 'backupDir'>;
  clock: Clock;
  log: Logger;
}, opts: { intervalMs?: number; keep?: number; timer?: boolean } = {}): BackupSchedule {
  const intervalMs = opts.intervalMs ?? DEFAULT_INTERVAL_MS;
  const keep = opts.keep ?? DEFAULT_KEEP;
  const dir = backupDirOf(core.dataDir, core.settings);
  const tick = (): BackupInfo | null => {
    try {
      const lastAt = value(core.db, "SELECT max(at) FROM backups WHERE kind = 'scheduled' AND removed_at IS NULL", {}, z.string().nullable());
      if (lastAt && core.clock.now().getTime() - new Date(lastAt).getTime() < intervalMs) return null;
      const info = backupNow(core.db, { dir, clock: core.clock, kind: 'scheduled' });
      const removed = rotateBackups(core.db, dir, keep, core.clock);
      core.log.info('scheduled backup taken', { file: info.file, bytes: info.bytes, rotatedOut: removed.length });
      return info;
    } catch (e) {
      core.log.error('scheduled backup failed', { dir, error: e instanceof Error ? e.message : String(e) });
      return null;
    }
  };
  let timer: NodeJS.Timeout | null = null;
  let first: NodeJS.Immediate | null = null;
  if (opts.timer !== false) {
    // Checked every 10 minutes against the interval, so a suspended laptop catches up on wake.
    timer = setInterval(tick, Math.min(intervalMs, 10 * 60_000));
    timer.unref();
    first = setImmediate(tick);
  }
  return {
    tick,
    close() {
      if (timer) clearInterval(timer);
      if (first) clearImmediate(first);
      timer = null;
      first = null;
    },
  };
}
