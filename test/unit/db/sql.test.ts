// The typed SQL helper: named parameters only, rows checked at the boundary (a damaged row is
// DB_ROW_DAMAGED, never a wrong value carried on), INSERT columns written by the object.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fenColumn, insertInto, many, one, run, value, values } from '../../../electron/db/sql';

let dir: string;
let db: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sql-helper-'));
  db = new Database(join(dir, 't.db'));
  db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, amount INTEGER, note TEXT)');
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const Row = z.object({ id: z.string(), amount: fenColumn, note: z.string().nullable() });

describe('electron/db/sql.ts', () => {
  it('inserts by column name and reads typed rows by named parameters', () => {
    insertInto(db, 't', { id: 'a', amount: 1250, note: null });
    insertInto(db, 't', { note: 'x', amount: -5, id: 'b' });
    expect(one(db, 'SELECT id, amount, note FROM t WHERE id = :id', { id: 'a' }, Row)).toEqual({ id: 'a', amount: 1250, note: null });
    expect(one(db, 'SELECT id, amount, note FROM t WHERE id = :id', { id: 'zz' }, Row)).toBeUndefined();
    expect(many(db, 'SELECT id, amount, note FROM t ORDER BY id', {}, Row).map((r) => r.id)).toEqual(['a', 'b']);
    expect(value(db, 'SELECT sum(amount) FROM t', {}, fenColumn)).toBe(1245);
    expect(values(db, "SELECT id FROM t WHERE note IS NULL OR note <> '?'", {}, z.string())).toEqual(['a', 'b']);
    run(db, 'UPDATE t SET amount = :amount WHERE id = :id', { id: 'b', amount: 7 });
    expect(value(db, 'SELECT amount FROM t WHERE id = :id', { id: 'b' }, fenColumn)).toBe(7);
    insertInto(db, 't', { id: 'b', amount: 9, note: null }, 'ON CONFLICT (id) DO UPDATE SET amount = excluded.amount');
    expect(value(db, 'SELECT amount FROM t WHERE id = :id', { id: 'b' }, fenColumn)).toBe(9);
  });

  it('one statement, cached once, read as a value and then as a row gives each its shape', () => {
    insertInto(db, 't', { id: 'a', amount: 1, note: null });
    const sql = 'SELECT id, amount, note FROM t WHERE id = :id';
    expect(value(db, sql, { id: 'a' }, z.string())).toBe('a');
    expect(one(db, sql, { id: 'a' }, Row)).toEqual({ id: 'a', amount: 1, note: null });
    expect(values(db, sql, { id: 'a' }, z.string())).toEqual(['a']);
    expect(many(db, sql, { id: 'a' }, Row)).toEqual([{ id: 'a', amount: 1, note: null }]);
  });

  it('refuses a counted `?` placeholder', () => {
    expect(() => one(db, 'SELECT id FROM t WHERE id = ?', {}, Row)).toThrow(/named parameters only/);
  });

  it('a row that does not fit its schema is DB_ROW_DAMAGED (12.5 is not fen)', () => {
    db.prepare('INSERT INTO t (id, amount) VALUES (?, ?)').run('c', 12.5);
    expect(() => one(db, 'SELECT id, amount, note FROM t WHERE id = :id', { id: 'c' }, Row)).toThrow(
      expect.objectContaining({ code: 'DB_ROW_DAMAGED', message: expect.stringContaining('SELECT id, amount, note FROM t') }),
    );
  });
});
