// Each table has one owning module; others call it. The SQL of every production source file is
// read (its string and template literals) and a table named outside its owner's folder fails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ownershipViolations, sourceFiles, tablesNamedIn } from '../../helpers/sql-tables';

const ROOT = process.cwd();

/** Table → the folder (or file) whose code alone may name it in SQL. */
const OWNERS: Record<string, string> = {
  outbox: 'electron/outbox/',
  outbox_heads: 'electron/outbox/',
};

const PRODUCTION = ['electron', 'native', 'renderer/src', 'scripts'].flatMap((d) => sourceFiles(ROOT, d));

describe('table ownership', () => {
  it('finds the tables a query names, and nothing in comments or call names', () => {
    const src = [
      "// SELECT * FROM outbox in a comment is not SQL",
      "const a = db.prepare('SELECT o.id FROM outbox o JOIN settlements s ON s.id = o.settlement_id');",
      'const b = `UPDATE outbox_heads SET next_attempt_at = ${x} WHERE outbox_id = ?`;',
      "const c = call('outbox.status');",
      "const d = 'INSERT INTO worklist_actions (a) VALUES (?)';",
    ].join('\n');
    expect([...tablesNamedIn('x.ts', src)].sort()).toEqual(['outbox', 'outbox_heads', 'settlements', 'worklist_actions']);
  });

  it('reads the production sources (a check over no files would pass for nothing)', () => {
    expect(PRODUCTION.length).toBeGreaterThan(100);
    expect(PRODUCTION).toContain('electron/outbox/store.ts');
    expect(tablesNamedIn('store.ts', readFileSync(`${ROOT}/electron/outbox/store.ts`, 'utf8'))).toContain('outbox');
  });

  it('the outbox tables are named only in electron/outbox/', () => {
    expect(ownershipViolations(ROOT, PRODUCTION, OWNERS)).toEqual([]);
  });

  it('would name the offender', () => {
    // A copy of the old re-queue INSERT, as if it still lived in the shift part.
    expect(ownershipViolations(ROOT, ['electron/outbox/store.ts'], { outbox: 'electron/shift/' })).toEqual(['electron/outbox/store.ts: outbox (owner electron/shift/)']);
  });
});
