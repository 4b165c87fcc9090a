// Rows from SQLite are checked where they enter the program (electron/db/sql.ts: a zod schema
// per query), not cast with `as`. This test finds `<statement>.get(...) as T` / `.all(...) as
// T[]` in every production source file, and in test/ (tests read their databases the same way:
// test/helpers/db-rows.ts `rowCount`, or sql.ts `one`/`many`/`value` with a zod schema). The files
// listed below are not converted yet: each may keep at most the casts it has (lower the number
// when you convert one; delete the line at 0); any other file with a row cast fails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rowCastsIn } from '../../helpers/row-casts';
import { sourceFiles } from '../../helpers/sql-tables';

const ROOT = process.cwd();
const HELPER = 'electron/db/sql.ts';

/** Not yet converted: file → casts it still has. */
const NOT_YET: Record<string, number> = {};

/** Tests not yet converted: file → casts it still has (a ratchet: the numbers only go down). */
const TESTS_NOT_YET: Record<string, number> = {};

const PRODUCTION = ['electron', 'native', 'renderer/src', 'scripts'].flatMap((d) => sourceFiles(ROOT, d)).filter((f) => f !== HELPER);

describe('no `as` on rows outside the typed SQL helper', () => {
  it('finds a cast on a statement result, and not on a Map lookup or through unknown', () => {
    const src = [
      "const a = db.prepare('SELECT 1').get(id) as Row | undefined;",
      "const b = stmt(db, 'SELECT 1').pluck().all() as string[];",
      'const c = this.byIdStmt.get(id) as Row;',
      'const d = cache.get(key) as Row;',
      "const e = db.prepare('SELECT 1').get() as unknown;",
    ].join('\n');
    expect(rowCastsIn('x.ts', src)).toEqual([1, 2, 3]);
  });

  it('converted files (journal, the settlement owner) have none, and the others no more than before', () => {
    const over: string[] = [];
    for (const f of PRODUCTION) {
      const n = rowCastsIn(f, readFileSync(`${ROOT}/${f}`, 'utf8')).length;
      if (n > (NOT_YET[f] ?? 0)) over.push(`${f}: ${n} row casts (allowed ${NOT_YET[f] ?? 0})`);
    }
    expect(PRODUCTION).toContain('electron/settlement/journal.ts');
    expect(over).toEqual([]);
  });

  it('tests have no more row casts than listed, and a new test file none', () => {
    const over: string[] = [];
    const counts: Record<string, number> = {};
    for (const f of sourceFiles(ROOT, 'test')) {
      const n = rowCastsIn(f, readFileSync(`${ROOT}/${f}`, 'utf8')).length;
      counts[f] = n;
      if (n > (TESTS_NOT_YET[f] ?? 0)) over.push(`${f}: ${n} row casts (allowed ${TESTS_NOT_YET[f] ?? 0}); read it with test/helpers/db-rows.ts or electron/db/sql.ts`);
    }
    expect(over).toEqual([]);
    // A listed file that is gone or converted keeps no allowance: lower or delete its line.
    const stale = Object.entries(TESTS_NOT_YET).filter(([f, allowed]) => (counts[f] ?? 0) < allowed).map(([f, allowed]) => `${f}: allowed ${allowed}, has ${counts[f] ?? 'no file'}`);
    expect(stale).toEqual([]);
  });
});
