// Settings kept in the database (set from the settings screen or `cli settings set`).
import type { Db } from '../db/open';
import { SETTINGS, type SettingKey } from './config';

export function readStoredSettings(db: Db): Partial<Record<SettingKey, unknown>> {
  const rows = db.prepare('SELECT key, value FROM settings').all() as Array<{ key: string; value: string }>;
  const out: Partial<Record<SettingKey, unknown>> = {};
  for (const r of rows) if (r.key in SETTINGS) out[r.key as SettingKey] = JSON.parse(r.value);
  return out;
}

export function writeStoredSetting(db: Db, key: SettingKey, value: unknown, at: Date): void {
  db.prepare(
    'INSERT INTO settings (key, value, updated_at) VALUES (?,?,?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  ).run(key, JSON.stringify(value), at.toISOString());
}
