// The migration runner and every migration, on fresh database files.
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../electron/db/migrate';
import { openDatabase } from '../../electron/db/open';
import { projectPath } from '../../electron/app/paths';

let dirs: string[] = [];
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mig-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe('migrations', () => {
  const all = loadMigrations();

  it('are numbered 1..n without gaps', () => {
    expect(all.map((m) => m.version)).toEqual(all.map((_, i) => i + 1));
  });

  it.each(all.map((m) => [m.version, m.name] as const))('%i_%s applies on a fresh database on top of its predecessors', (version) => {
    // Apply the first `version` migrations from a folder holding only those files.
    const only = dir();
    for (const f of readdirSync(projectPath('migrations')).sort().slice(0, version)) copyFileSync(projectPath('migrations', f), join(only, f));
    const db = new Database(join(dir(), 'a.db'));
    const report = migrate(db, only);
    expect(report).toMatchObject({ from: 0, to: version });
    expect(db.pragma('user_version', { simple: true })).toBe(version);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('applies each migration once: a second open changes nothing', () => {
    const file = join(dir(), 'a.db');
    openDatabase({ file }).db.close();
    const { db, migrations } = openDatabase({ file });
    expect(migrations.applied).toEqual([]);
    expect(migrations.from).toBe(all.length);
    db.close();
  });

  it('opens in WAL with foreign keys on and durable commits', () => {
    const { db } = openDatabase({ file: join(dir(), 'a.db') });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });

  it('rolls a failing migration back whole and keeps the previous version', () => {
    const d = dir();
    writeFileSync(join(d, '0001_ok.sql'), 'CREATE TABLE a (x INTEGER);');
    writeFileSync(join(d, '0002_bad.sql'), 'CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);');
    const db = new Database(join(dir(), 'a.db'));
    expect(() => migrate(db, d)).toThrow(/nowhere/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
    db.close();
  });

  it('refuses to open a database newer than the code, with a clear message', () => {
    const file = join(dir(), 'a.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${all.length + 1}`);
    raw.close();
    expect(() => openDatabase({ file })).toThrow(/比本程序支持的版本.*新/);
  });
});
