// Each table has one owning module; others call it. The SQL of every production source file is
// read (its string and template literals) and a table named outside its owner fails. The map
// covers every table the migrations create (a new table without an owner fails too).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ownershipViolations, sourceFiles, tablesNamedIn } from '../../helpers/sql-tables';

const ROOT = process.cwd();

/**
 * Table → the folder (or file) whose code alone may name it in SQL. docs/ARCHITECTURE.md
 * ("Table owners") says the same in words; other parts call the owner's functions or compose
 * its SQL fragments (settlement/owner.ts, outbox/predicates.ts, the *_STREAM_SQL lists).
 */
const OWNERS: Record<string, string> = {
  settings: 'electron/app/stored-settings.ts',
  operators: 'electron/auth/',
  audit_log: 'electron/auth/audit.ts',
  backups: 'electron/db/backup.ts',
  policy_tables: 'electron/policy/store.ts',
  policy_current: 'electron/policy/store.ts',
  catalog_entries: 'electron/policy/',
  catalog_closed: 'electron/policy/store.ts',
  catalog_fts: 'electron/policy/',
  catalog_initials: 'electron/policy/',
  center_msgid: 'electron/center/',
  center_state: 'electron/center/',
  center_person_cache: 'electron/center/person-lookup.ts',
  print_jobs: 'electron/devices/print-jobs.ts',
  settlements: 'electron/settlement/',
  settlement_lines: 'electron/settlement/',
  adjustments: 'electron/settlement/',
  center_differences: 'electron/settlement/center-differences.ts',
  bills: 'electron/settlement/',
  person_accumulators: 'electron/settlement/journal.ts',
  offline_day_totals: 'electron/settlement/journal.ts',
  outbox: 'electron/outbox/',
  outbox_heads: 'electron/outbox/',
  shifts: 'electron/shift/shifts.ts',
  cash_movements: 'electron/shift/',
  shift_corrections: 'electron/shift/shifts.ts',
  reconciliation_runs: 'electron/shift/reconcile.ts',
  discrepancies: 'electron/shift/reconcile.ts',
  reconciled_settlements: 'electron/shift/reconcile.ts',
  clearing_applications: 'electron/shift/clearing-store.ts',
  clearing_items: 'electron/shift/clearing-store.ts',
  worklist_actions: 'electron/shift/worklist.ts',
  center_notices: 'electron/shift/receivables.ts',
  center_notice_cursor: 'electron/shift/receivables.ts',
  receivables: 'electron/shift/receivables.ts',
  receivable_days: 'electron/shift/receivables.ts',
  clinic_stream: 'electron/clinic/stream-store.ts',
  clinic_stream_state: 'electron/clinic/stream-store.ts',
  clinic_commands_applied: 'electron/clinic/commands.ts',
  refused_bill_files: 'electron/settlement/refused-files.ts',
  national_chains: 'electron/center/national/chain-store.ts',
  national_steps: 'electron/center/national/chain-store.ts',
  trace_codes: 'electron/settlement/trace-codes.ts',
  trace_no_code: 'electron/settlement/trace-codes.ts',
  national_catalog_rows: 'electron/policy/national-catalog-store.ts',
  national_catalog_staged: 'electron/policy/national-catalog-store.ts',
  national_catalog_cursor: 'electron/policy/national-catalog-store.ts',
  catalog_mappings: 'electron/policy/mapping-store.ts',
  mapping_outbox: 'electron/outbox/mapping-queue.ts',
  stock_batches: 'electron/stock/stock-store.ts',
  stock_movements: 'electron/stock/stock-store.ts',
  stock_outbox: 'electron/outbox/stock-queue.ts',
  stays: 'electron/inpatient/stays.ts',
  stay_settlements: 'electron/inpatient/stays.ts',
  stay_fee_batches: 'electron/inpatient/fees.ts',
  stay_fee_lines: 'electron/inpatient/fees.ts',
  stay_deposits: 'electron/inpatient/deposits.ts',
  stay_outbox: 'electron/outbox/stay-queue.ts',
};

/**
 * Files whose SQL goes to another database, with tables of their own that may share a name
 * (the clinic's PostgreSQL has a settlements table; the sandbox center keeps its own SQLite).
 */
const OTHER_DATABASES = ['electron/center/sandbox/', 'electron/clinic/pg.ts', 'electron/clinic/pg-sink.ts', 'electron/clinic/reports.ts', 'electron/clinic/issue-command.ts'];

const PRODUCTION = ['electron', 'native', 'renderer/src', 'scripts']
  .flatMap((d) => sourceFiles(ROOT, d))
  .filter((f) => !OTHER_DATABASES.some((o) => f.startsWith(o)));

/** Every table the SQLite migrations create. */
function migrationTables(): string[] {
  const dir = `${ROOT}/migrations`;
  const out: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.sql'))) {
    for (const m of readFileSync(`${dir}/${f}`, 'utf8').matchAll(/CREATE\s+(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"?([A-Za-z_][A-Za-z0-9_]*)/gi)) {
      out.push(m[1]!.toLowerCase());
    }
  }
  return [...new Set(out)].sort();
}

describe('table ownership', () => {
  it('finds the tables a query names, and nothing in comments or call names', () => {
    const src = [
      "// SELECT * FROM outbox in a comment is not SQL",
      "const a = db.prepare('SELECT o.id FROM outbox o JOIN settlements s ON s.id = o.settlement_id');",
      'const b = `UPDATE outbox_heads SET next_attempt_at = ${x} WHERE outbox_id = ?`;',
      "const c = call('outbox.status');",
      "const d = 'INSERT INTO worklist_actions (a) VALUES (?)';",
      "insertInto(db, 'receivables', { a: 1 });",
    ].join('\n');
    expect([...tablesNamedIn('x.ts', src)].sort()).toEqual(['outbox', 'outbox_heads', 'receivables', 'settlements', 'worklist_actions']);
  });

  it('reads the production sources (a check over no files would pass for nothing)', () => {
    expect(PRODUCTION.length).toBeGreaterThan(100);
    expect(PRODUCTION).toContain('electron/outbox/store.ts');
    expect(tablesNamedIn('store.ts', readFileSync(`${ROOT}/electron/outbox/store.ts`, 'utf8'))).toContain('outbox');
  });

  it('every table the migrations create has an owner, and every owner is a table', () => {
    const tables = migrationTables();
    expect(tables.length).toBeGreaterThan(30);
    expect(tables.filter((t) => !(t in OWNERS))).toEqual([]);
    expect(Object.keys(OWNERS).filter((t) => !tables.includes(t))).toEqual([]);
  });

  it('every owner exists', () => {
    const all = ['electron'].flatMap((d) => sourceFiles(ROOT, d));
    for (const owner of new Set(Object.values(OWNERS))) expect(all.some((f) => f.startsWith(owner)), owner).toBe(true);
  });

  it('each table is named only by its owner', () => {
    expect(ownershipViolations(ROOT, PRODUCTION, OWNERS)).toEqual([]);
  });

  it('would name the offender', () => {
    // A copy of the old re-queue INSERT, as if it still lived in the shift part.
    expect(ownershipViolations(ROOT, ['electron/outbox/store.ts'], { outbox: 'electron/shift/' })).toEqual(['electron/outbox/store.ts: outbox (owner electron/shift/)']);
  });
});
