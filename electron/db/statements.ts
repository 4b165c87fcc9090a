// Prepared statements kept per database connection. better-sqlite3 compiles the SQL on every
// prepare(); on the settle path (a dozen statements per settlement) that compiling was a
// large share of the CPU time, so hot paths prepare once and reuse.
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Db } from './open';

const byDb = new WeakMap<Db, Map<string, Database.Statement>>();

/** The statement for `sql` on `db`, compiled on first use. */
export function stmt(db: Db, sql: string): Database.Statement {
  let cache = byDb.get(db);
  if (!cache) {
    cache = new Map();
    byDb.set(db, cache);
  }
  let s = cache.get(sql);
  if (!s) {
    s = db.prepare(sql);
    cache.set(sql, s);
  }
  return s;
}
