// SQL takes named parameters (`:name`, electron/db/sql.ts), never a hand-counted list of `?`s
// (issue 15). The app holds none; the sandbox center — a test tool kept out of the production
// bundle (bundle-apart.test.ts) — still writes its own tables with positional parameters: each of
// its files may keep at most the count below (lower it when you convert; delete the line at 0).
// PostgreSQL's `$1` (node-postgres has no named parameters) is not counted.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { positionalParamsIn } from '../../helpers/positional-params';
import { sourceFiles } from '../../helpers/sql-tables';

const ROOT = process.cwd();

/** The sandbox center's files not converted yet: file → positional parameters it still has. */
const SANDBOX_NOT_YET: Record<string, number> = {
  'electron/center/sandbox/clearing.ts': 22,
  'electron/center/sandbox/inpatient.ts': 53,
  'electron/center/sandbox/national/catalog.ts': 20,
  'electron/center/sandbox/national/chain.ts': 31,
  'electron/center/sandbox/national/statement.ts': 10,
  'electron/center/sandbox/server.ts': 33,
  'electron/center/sandbox/stock.ts': 10,
  'electron/center/sandbox/store.ts': 7,
  'electron/center/sandbox/trace-sales.ts': 17,
  'electron/center/sandbox/transactions.ts': 36,
};

describe('SQL takes named parameters', () => {
  it('counts a `?` where a value goes, not in a JSON path, a comment word or a template substitution', () => {
    const src = [
      "db.prepare('SELECT a FROM t WHERE id = ? AND b IN (?, ?2)');",
      "db.prepare(`INSERT INTO ${table} (a) VALUES (?)`);",
      "db.prepare('SELECT a FROM t WHERE id = :id');",
      "const q = 'is it? yes';",
      "db.prepare(`SELECT json_extract(x, '$.a') FROM ${t} WHERE k = :k`);",
    ].join('\n');
    expect(positionalParamsIn('x.ts', src)).toBe(4);
  });

  it('the app has none, and the sandbox center no more than listed', () => {
    const over: string[] = [];
    const counts: Record<string, number> = {};
    for (const f of ['electron', 'native', 'scripts'].flatMap((d) => sourceFiles(ROOT, d))) {
      const n = positionalParamsIn(f, readFileSync(`${ROOT}/${f}`, 'utf8'));
      counts[f] = n;
      if (n > (SANDBOX_NOT_YET[f] ?? 0)) over.push(`${f}: ${n} positional parameters (allowed ${SANDBOX_NOT_YET[f] ?? 0}); name them (:name) through electron/db/sql.ts`);
    }
    expect(counts['electron/settlement/journal.ts']).toBe(0);
    expect(over).toEqual([]);
    const stale = Object.entries(SANDBOX_NOT_YET).filter(([f, allowed]) => (counts[f] ?? 0) < allowed).map(([f, allowed]) => `${f}: allowed ${allowed}, has ${counts[f] ?? 'no file'}`);
    expect(stale).toEqual([]);
  });
});
