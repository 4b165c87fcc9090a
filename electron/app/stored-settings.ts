// Settings kept in the database (set from the settings screen or `cli settings set`).
import { z } from 'zod';
import type { Db } from '../db/open';
import { insertInto, many } from '../db/sql';
import { SETTINGS, type SettingKey } from './config';

export function readStoredSettings(db: Db): Partial<Record<SettingKey, unknown>> {
  const rows = many(db, 'SELECT key, value FROM settings', {}, z.object({ key: z.string(), value: z.string() }));
  const out: Partial<Record<SettingKey, unknown>> = {};
  for (const r of rows) if (r.key in SETTINGS) out[r.key as SettingKey] = JSON.parse(r.value);
  return out;
}

export function writeStoredSetting(db: Db, key: SettingKey, value: unknown, at: Date): void {
  insertInto(
    db,
    'settings',
    { key, value: JSON.stringify(value), updated_at: at.toISOString() },
    'ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  );
}
