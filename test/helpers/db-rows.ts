// Reading a test's database through the typed SQL helper (electron/db/sql.ts), as production
// code does: named parameters, each value checked by a schema, no `as` on a row
// (test/unit/architecture/row-casts.test.ts counts the casts left in test/).
import { z } from 'zod';
import type { Db } from '../../electron/db/open';
import { value, type Params } from '../../electron/db/sql';

const COUNT = z.number().int().nonnegative();

/** How many rows `table` has (where `where` holds, its parameters named). */
export function rowCount(db: Db, table: string, where = '1', params: Params = {}): number {
  return value(db, `SELECT count(*) FROM ${table} WHERE ${where}`, params, COUNT) ?? 0;
}
