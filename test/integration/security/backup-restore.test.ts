// Backups for real: encrypted online copies while the app runs, rotation, the schedule, a
// restore through the real CLI process that brings the earlier data back, and db check.
import { existsSync, openSync, readFileSync, rmSync, statSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../electron/app/clock';
import { silentLogger } from '../../../electron/app/log';
import { resolveDbKey, sqlcipherKey } from '../../../electron/auth/db-key';
import { backupNow, checkDatabase, listBackups, openKeyed, restoreDatabase, rotateBackups, startBackupSchedule } from '../../../electron/db/backup';
import { values } from '../../../electron/db/sql';
import { z } from 'zod';
import { runCli } from '../../helpers/run-cli';
import { startTempApp, tempDir, type TempApp } from '../../helpers/temp-app';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function encryptedApp(clock = new ManualClock()): Promise<TempApp & { key: string; clock: ManualClock }> {
  const dir = tempDir();
  const key = resolveDbKey(dir, {});
  const t = await startTempApp({ dataDir: dir, dbKey: key, clock, log: silentLogger });
  cleanups.push(() => t.close());
  return Object.assign(t, { key, clock });
}

function marker(t: TempApp, text: string): void {
  t.app.audit.append({ action: 'test.marker', subject: text });
}

function markers(dbFile: string, key: string): string[] {
  const db = openKeyed(dbFile, key, true);
  try {
    return values(db, "SELECT subject FROM audit_log WHERE action = 'test.marker' ORDER BY id", {}, z.string());
  } finally {
    db.close();
  }
}

describe('backups', () => {
  it('a supervisor takes an encrypted online backup through the API; a cashier may not', async () => {
    const t = await encryptedApp();
    marker(t, '110101195803074527');
    const cashier = await t.login('1001');
    expect(await t.call(cashier, 'security.backupNow', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const sup = await t.login('2001');
    const r = await t.call(sup, 'security.backupNow', {});
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.file.startsWith(join(t.dir, 'backups'))).toBe(true);
    const bytes = readFileSync(r.value.file);
    expect(bytes.includes(Buffer.from('110101195803074527'))).toBe(false);
    expect(bytes.subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
    expect(markers(r.value.file, t.key)).toEqual(['110101195803074527']);
    expect(checkDatabase(openKeyed(r.value.file, t.key, true)).ok).toBe(true);
    // The backup call is audited, and listed.
    expect(t.app.db.prepare("SELECT count(*) n FROM audit_log WHERE action = 'security.backupNow'").get()).toEqual({ n: 1 });
    const list = await t.call(sup, 'security.backups', {});
    expect(list.ok && list.value.map((b) => b.file)).toEqual([r.value.file]);
  });

  it('rotation keeps the newest N copies', async () => {
    const t = await encryptedApp();
    const dir = join(t.dir, 'rot');
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(backupNow(t.app.db, { dir, clock: t.clock, kind: 'manual' }).file);
      t.clock.advance(3600_000);
    }
    const removed = rotateBackups(t.app.db, dir, 2, t.clock);
    expect(removed.sort()).toEqual(made.slice(0, 3).sort());
    expect(listBackups(dir).map((b) => b.file)).toEqual([made[4], made[3]]);
    expect(made.slice(0, 3).some(existsSync)).toBe(false);
    expect(t.app.db.prepare('SELECT count(*) n FROM backups WHERE removed_at IS NOT NULL').get()).toEqual({ n: 3 });
  });

  it('two backups in the same second get distinct names; --out never overwrites', async () => {
    const t = await encryptedApp();
    const dir = join(t.dir, 'same');
    const a = backupNow(t.app.db, { dir, clock: t.clock, kind: 'manual' });
    const b = backupNow(t.app.db, { dir, clock: t.clock, kind: 'manual' });
    expect(a.file).not.toBe(b.file);
    expect(() => backupNow(t.app.db, { out: a.file, clock: t.clock, kind: 'manual' })).toThrow(expect.objectContaining({ code: 'BACKUP_EXISTS' }));
  });

  it('the schedule takes a copy when the last is older than the interval, then rotates', async () => {
    const t = await encryptedApp();
    const schedule = startBackupSchedule(
      { db: t.app.db, dataDir: t.dir, settings: { backupDir: join(t.dir, 'sched') }, clock: t.clock, log: silentLogger },
      { intervalMs: 6 * 3600_000, keep: 3, timer: false },
    );
    cleanups.push(() => schedule.close());
    expect(schedule.tick()).not.toBeNull();
    expect(schedule.tick()).toBeNull(); // too soon
    for (let i = 0; i < 4; i++) {
      t.clock.advance(6 * 3600_000 + 1);
      expect(schedule.tick()).not.toBeNull();
    }
    expect(listBackups(join(t.dir, 'sched'))).toHaveLength(3);
  });

  it('a failing backup folder is logged, never thrown (the window keeps working)', async () => {
    const t = await encryptedApp();
    const blocker = join(t.dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const errors: string[] = [];
    const schedule = startBackupSchedule(
      { db: t.app.db, dataDir: t.dir, settings: { backupDir: blocker }, clock: t.clock, log: { ...silentLogger, error: (m) => errors.push(m) } },
      { timer: false },
    );
    expect(schedule.tick()).toBeNull();
    expect(errors).toEqual(['scheduled backup failed']);
  });
});

describe('restore and check (real CLI process)', () => {
  it('db backup, later changes, db restore --from: the earlier data is back and the replaced one kept', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'manual.db');
    expect(runCli(['--data-dir', dir, 'db', 'backup', '--out', out]).code).toBe(0);
    const key = sqlcipherKey(readFileSync(join(dir, 'db.key'), 'utf8').trim());
    expect(existsSync(out)).toBe(true);

    // A change after the backup.
    const t = await startTempApp({ dataDir: dir, dbKey: key, log: silentLogger });
    marker(t, 'after-backup');
    await t.app.close();
    expect(markers(join(dir, 'cashier.db'), key)).toEqual(['after-backup']);

    const r = runCli(['--data-dir', dir, '--json', 'db', 'restore', '--from', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { previousSavedAs: string };
    expect(markers(join(dir, 'cashier.db'), key)).toEqual([]);
    expect(markers(report.previousSavedAs, key)).toEqual(['after-backup']);

    // The restored database opens, its audit chain is whole and records the restore.
    const check = runCli(['--data-dir', dir, 'audit', 'verify']);
    expect(check.code).toBe(0);
    expect(runCli(['--data-dir', dir, 'db', 'check']).code).toBe(0);
  }, 120_000);

  it('refuses to restore a file that is not a backup, changing nothing', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    expect(runCli(['--data-dir', dir, 'db', 'migrate']).code).toBe(0);
    const bogus = join(dir, 'bogus.db');
    writeFileSync(bogus, 'this is not a database'.repeat(300));
    const before = readFileSync(join(dir, 'cashier.db'));
    const r = runCli(['--data-dir', dir, 'db', 'restore', '--from', bogus]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/BACKUP_UNREADABLE/);
    expect(readFileSync(join(dir, 'cashier.db')).equals(before)).toBe(true);
  }, 120_000);

  it('refuses to restore while the database is in use', async () => {
    const t = await encryptedApp();
    const b = backupNow(t.app.db, { dir: join(t.dir, 'b'), clock: t.clock, kind: 'manual' });
    // Hold a read transaction open, as a running app reading would.
    const reader = openKeyed(join(t.dir, 'cashier.db'), t.key, true);
    cleanups.push(() => {
      reader.close();
    });
    const stmt = reader.prepare('SELECT id FROM audit_log');
    const it = stmt.iterate();
    it.next();
    marker(t, 'written while reading');
    expect(() => restoreDatabase({ dataDir: t.dir, from: b.file, key: t.key, clock: t.clock })).toThrow(expect.objectContaining({ code: 'DB_IN_USE' }));
    it.return?.();
  });

  it('db check finds a damaged database (exit 1) and passes a sound one (exit 0)', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const key = resolveDbKey(dir, {});
    const t = await startTempApp({ dataDir: dir, dbKey: key, log: silentLogger });
    for (let i = 0; i < 400; i++) marker(t, `row ${i} ${'x'.repeat(200)}`);
    t.app.db.pragma('wal_checkpoint(TRUNCATE)');
    await t.app.close();
    expect(runCli(['--data-dir', dir, 'db', 'check']).code).toBe(0);

    // Damage a page in the middle of the file.
    const file = join(dir, 'cashier.db');
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(512, 0xab), 0, 512, Math.floor(size / 2 / 4096) * 4096 + 100);
    closeSync(fd);
    const r = runCli(['--data-dir', dir, '--json', 'db', 'check']);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { ok: boolean; problems: string[] }).problems.length).toBeGreaterThan(0);
  }, 120_000);

  it('db restore from another process while the app runs: DB_IN_USE, nothing replaced; after the app quits it restores', async () => {
    const t = await encryptedApp();
    const b = backupNow(t.app.db, { dir: join(t.dir, 'b'), clock: t.clock, kind: 'manual' });
    marker(t, 'after-backup');
    const r = runCli(['--data-dir', t.dir, '--json', 'db', 'restore', '--from', b.file]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'DB_IN_USE' } });
    // The running app still writes to the same file, and its work is there.
    marker(t, 'still-here');
    expect(markers(join(t.dir, 'cashier.db'), t.key)).toEqual(['after-backup', 'still-here']);
    await t.app.close();
    const again = runCli(['--data-dir', t.dir, '--json', 'db', 'restore', '--from', b.file]);
    expect(again.code).toBe(0);
    expect(markers(join(t.dir, 'cashier.db'), t.key)).toEqual([]);
  }, 120_000);

  it('restores over a corrupted database (the case restore is for), keeping the damaged file as it was', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const key = resolveDbKey(dir, {});
    const t = await startTempApp({ dataDir: dir, dbKey: key, log: silentLogger });
    marker(t, 'in-backup');
    const b = backupNow(t.app.db, { dir: join(dir, 'b'), clock: new ManualClock(), kind: 'manual' });
    t.app.db.pragma('wal_checkpoint(TRUNCATE)');
    await t.app.close();
    // Garbage over the first pages: the file no longer opens at all.
    const file = join(dir, 'cashier.db');
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(16384, 0x5a), 0, 16384, 0);
    closeSync(fd);
    const damaged = readFileSync(file);
    const r = runCli(['--data-dir', dir, '--json', 'db', 'restore', '--from', b.file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { previousSavedAs: string };
    expect(readFileSync(report.previousSavedAs).equals(damaged)).toBe(true);
    expect(markers(file, key)).toEqual(['in-backup']);
    expect(runCli(['--data-dir', dir, 'db', 'check']).code).toBe(0);
  }, 120_000);
});
