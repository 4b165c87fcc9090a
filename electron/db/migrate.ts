// Forward-only migrations: migrations/NNNN_name.sql, each applied once, in its own
// transaction, the schema version kept in PRAGMA user_version.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../api/result';
import { projectPath } from '../app/paths';
import type { Db } from './open';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export interface MigrationReport {
  from: number;
  to: number;
  applied: string[];
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function loadMigrations(dir = projectPath('migrations')): Migration[] {
  const list = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => {
      const m = FILE.exec(f);
      if (!m) throw new Error(`migration file name must be NNNN_name.sql: ${f}`);
      return { version: Number(m[1]), name: m[2]!, sql: readFileSync(join(dir, f), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations must be numbered 1..n without gaps; found ${m.version} at position ${i + 1}`);
  });
  return list;
}

export function migrate(db: Db, dir?: string): MigrationReport {
  const migrations = loadMigrations(dir);
  const from = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.length;
  if (from > latest) {
    throw new AppError(
      'DB_NEWER_THAN_APP',
      `数据库版本（${from}）比本程序支持的版本（${latest}）新：请安装新版程序后再打开，切勿用旧版程序操作此数据库。`,
      { dbVersion: from, appVersion: latest },
    );
  }
  const applied: string[] = [];
  for (const m of migrations.slice(from)) {
    // One transaction per migration: a failure leaves the database at the previous version.
    // IMMEDIATE (open.ts), and the version read again inside: another process opening the
    // same folder at the same moment may have applied it while this one waited for the lock.
    const ran = db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return false;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
      return true;
    })();
    if (ran) applied.push(`${String(m.version).padStart(4, '0')}_${m.name}`);
  }
  return { from, to: latest, applied };
}
