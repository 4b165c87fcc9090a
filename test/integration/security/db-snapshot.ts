// A fingerprint of every table's content, to prove that a refused call changed nothing.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../../electron/db/open';
import { value, values } from '../../../electron/db/sql';

export function snapshotTables(db: Db): Record<string, string> {
  // Virtual tables are left out: their content lives in their shadow tables (e.g. an FTS5
  // index's _data and _idx), which are read like any other; a contentless FTS5 table itself
  // cannot be scanned.
  const tables = values(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name", {}, z.string());
  const out: Record<string, string> = {};
  for (const name of tables) {
    const cols = value(db, 'SELECT count(*) FROM pragma_table_info(:name)', { name }, z.number().int())!;
    const order = Array.from({ length: cols }, (_, i) => i + 1).join(', ');
    const rows = db.prepare(`SELECT * FROM "${name}" ORDER BY ${order}`).raw().all();
    out[name] = createHash('sha256').update(JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).digest('hex');
  }
  return out;
}

/** Names of the tables whose content differs between two snapshots. */
export function changedTables(a: Record<string, string>, b: Record<string, string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((t) => a[t] !== b[t]);
}
