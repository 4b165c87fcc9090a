// Typed SQL: named parameters instead of counted `?`s, and rows checked against a zod schema
// where they enter the program, instead of `as` casts that believe whatever the file holds.
//
//   const Row = z.object({ id: z.string(), total: fen });
//   one(db, 'SELECT id, total FROM settlements WHERE id = :id', { id }, Row)   // Row | undefined
//   insertInto(db, 'person_accumulators', { psn_no, year, ... })              // columns = keys
//
// A row that does not fit its schema is a damaged database (or a query that no longer says
// what its schema says): DB_ROW_DAMAGED with the query's first words, never a wrong number
// carried on. Statements are compiled once per connection (statements.ts); a cached statement is
// shared, so each call sets the pluck mode it needs (value/values turn it on, one/many off). The test
// test/unit/architecture/row-casts.test.ts keeps `as` off .get()/.all() results elsewhere.
import { z } from 'zod';
import type Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../api/result';
import type { Db } from './open';
import { stmt } from './statements';

export type SqlValue = string | number | bigint | Buffer | null;
/** Named parameters: `:name` (or `@name`, `$name`) in the SQL, `{ name }` here. */
export type Params = Readonly<Record<string, SqlValue>>;

/** Integer fen in a row (a REAL or text there is damage, not money). */
export const fenColumn = z.number().int();
/** SQLite's 0/1 as a boolean. */
export const flagColumn = z.union([z.literal(0), z.literal(1)]).transform((v) => v === 1);
/** A JSON text column, parsed. */
export const jsonColumn = z.string().transform((s, ctx): unknown => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not JSON' });
    return z.NEVER;
  }
});

const checked = new Set<string>();

/** The SQL with its string literals and comments blanked, for looking at its placeholders. */
function codeOf(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\//g, ' ');
}

function prepared(db: Db, sql: string): Database.Statement {
  if (!checked.has(sql)) {
    // A `?` is a parameter someone has to count: this helper takes names only.
    if (/\?/.test(codeOf(sql))) throw new Error(`sql.ts takes named parameters only: ${sql.slice(0, 80)}`);
    checked.add(sql);
  }
  return stmt(db, sql);
}

function parseRow<R>(sql: string, schema: z.ZodType<R>, row: unknown): R {
  const r = schema.safeParse(row);
  if (r.success) return r.data;
  const query = sql.replace(/\s+/g, ' ').trim().slice(0, 60);
  throw new AppError('DB_ROW_DAMAGED', `数据库中的记录格式不对，已停止处理（${query}）；请联系技术支持。`, {
    query,
    issues: r.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`),
  });
}

/** The first row, checked; undefined when there is none. */
export function one<R>(db: Db, sql: string, params: Params, schema: z.ZodType<R>): R | undefined {
  const row: unknown = prepared(db, sql).pluck(false).get(params);
  return row === undefined ? undefined : parseRow(sql, schema, row);
}

/** Every row, each checked. */
export function many<R>(db: Db, sql: string, params: Params, schema: z.ZodType<R>): R[] {
  return (prepared(db, sql).pluck(false).all(params) as unknown[]).map((row) => parseRow(sql, schema, row));
}

/**
 * Every row, each checked as it is stepped to: for walks over a whole table (the audit chain)
 * that should not hold it all in memory. Do not write to the database while iterating.
 */
export function* each<R>(db: Db, sql: string, params: Params, schema: z.ZodType<R>): Generator<R> {
  for (const row of prepared(db, sql).pluck(false).iterate(params) as Iterable<unknown>) yield parseRow(sql, schema, row);
}

/** The first column of the first row, checked; undefined when there is no row. */
export function value<R>(db: Db, sql: string, params: Params, schema: z.ZodType<R>): R | undefined {
  const v: unknown = prepared(db, sql).pluck().get(params);
  return v === undefined ? undefined : parseRow(sql, schema, v);
}

/** The first column of every row, checked. */
export function values<R>(db: Db, sql: string, params: Params, schema: z.ZodType<R>): R[] {
  return (prepared(db, sql).pluck().all(params) as unknown[]).map((v) => parseRow(sql, schema, v));
}

/** INSERT/UPDATE/DELETE with named parameters. */
export function run(db: Db, sql: string, params: Params): Database.RunResult {
  return prepared(db, sql).run(params);
}

/**
 * INSERT INTO `table` one row whose columns are the keys of `row` (each bound by name), with an
 * optional conflict clause after VALUES. The column list is written once, by the object.
 */
export function insertInto(db: Db, table: string, row: Params, onConflict = ''): Database.RunResult {
  const cols = Object.keys(row);
  const sql = `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `:${c}`).join(', ')})${onConflict ? ` ${onConflict}` : ''}`;
  return prepared(db, sql).run(row);
}
