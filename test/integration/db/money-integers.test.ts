// Migration 0016: every money column refuses an amount that is not whole fen. For each column, a
// row that is valid otherwise is inserted with 12.5 there (refused), then with whole fen
// (stored), then updated to 12.5 (refused); the row keeps its amount. Real SQLite file, all
// migrations.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { migrate } from '../../../electron/db/migrate';
import { value } from '../../../electron/db/sql';
import { projectPath } from '../../../electron/app/paths';

/** Table → its money columns (integer fen): what the migration guards. */
const MONEY: Record<string, string[]> = {
  settlements: ['total', 'full_own_pay', 'over_limit_self_pay', 'pre_self_pay', 'eligible', 'deductible', 'fund_pay', 'co_pay', 'over_cap_self_pay',
    'critical_illness_pay', 'personal_total', 'account_pay', 'cash_pay', 'cash_received', 'change_given', 'account_balance_before'],
  settlement_lines: ['amount', 'full_own_pay', 'over_limit_self_pay', 'pre_self_pay', 'eligible'],
  adjustments: ['local_amount', 'center_amount', 'difference'],
  offline_day_totals: ['total'],
  shifts: ['opening_float', 'counted_cash', 'expected_cash', 'variance'],
  cash_movements: ['amount'],
  shift_corrections: ['cash_delta'],
  discrepancies: ['local_total', 'local_fund', 'local_account', 'center_total', 'center_fund', 'center_account'],
  center_notices: ['amount'],
  receivables: ['owed', 'paid', 'deducted', 'rejected', 'outstanding'],
  receivable_days: ['owed', 'paid', 'deducted', 'rejected', 'outstanding', 'open_amount'],
};
/** Migration 0021 (monthly clearing): the same rule for the clearing application's amounts. */
const CLEARING_MONEY: Record<string, string[]> = {
  clearing_applications: ['medfee_sumamt', 'fund_appy_sum', 'acct_pay', 'cash_payamt'],
};
/** Migrations 0026/0027 (the hospital window, issue 19): a stay's fee lines, deposits and settlement netting. */
const INPATIENT_MONEY: Record<string, string[]> = {
  stay_fee_lines: ['amount'],
  stay_deposits: ['amount'],
  stay_settlements: ['deposits', 'personal_cash', 'refund', 'collect', 'axis_start', 'axis_end'],
};
/** Columns whose CHECK the generic row cannot guess. */
const FIXED: Record<string, Record<string, string>> = { clearing_applications: { setlym: '202603' } };

let dir: string;
let db: Database.Database;
let seq = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'money-int-'));
  db = new Database(join(dir, 'm.db'));
  migrate(db);
  // The rows here stand alone: their parents (shift, settlement, run) are not the point.
  db.pragma('foreign_keys = OFF');
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Col {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

/** A row valid for `table`'s constraints: each column's first allowed literal, NULL where allowed, else a unique text or 1. */
function validRow(table: string): Record<string, string | number | null> {
  const sql = value(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :table", { table }, z.string())!;
  const row: Record<string, string | number | null> = {};
  for (const c of db.pragma(`table_info(${table})`) as Col[]) {
    const allowed = new RegExp(`CHECK\\s*\\(\\s*${c.name}\\s+IN\\s*\\(\\s*'([^']*)'`).exec(sql);
    seq += 1;
    if (allowed) row[c.name] = allowed[1]!;
    else if (!c.notnull && !c.pk) row[c.name] = null;
    else if (/INT/i.test(c.type)) row[c.name] = c.pk ? seq : 1;
    else row[c.name] = `k${seq}`;
  }
  return { ...row, ...FIXED[table] };
}

function insert(table: string, row: Record<string, string | number | null>): void {
  const cols = Object.keys(row);
  db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row);
}

describe('migration 0016: money columns hold whole fen only', () => {
  it('covers every money column the migration names (and the list matches the migration)', () => {
    const sqlText = readFileSync(projectPath('migrations', '0016_money_integers.sql'), 'utf8');
    for (const [table, cols] of Object.entries(MONEY)) {
      for (const c of cols) expect(sqlText, `${table}.${c}`).toContain(`typeof(NEW.${c})`);
      expect(sqlText).toContain(`BEFORE INSERT ON ${table}`);
    }
  });

  it('0021 guards the clearing amounts the same way', () => {
    const sqlText = readFileSync(projectPath('migrations', '0021_clearing.sql'), 'utf8');
    for (const [table, cols] of Object.entries(CLEARING_MONEY)) {
      for (const c of cols) expect(sqlText, `${table}.${c}`).toContain(`typeof(NEW.${c})`);
      expect(sqlText).toContain(`BEFORE INSERT ON ${table}`);
    }
  });

  it('0026 and 0027 guard the hospital window\'s amounts the same way', () => {
    const sqlText = ['0026_inpatient.sql', '0027_inpatient_guards.sql'].map((f) => readFileSync(projectPath('migrations', f), 'utf8')).join('\n');
    for (const [table, cols] of Object.entries(INPATIENT_MONEY)) {
      for (const c of cols) expect(sqlText, `${table}.${c}`).toContain(`typeof(NEW.${c})`);
      expect(sqlText).toContain(`BEFORE INSERT ON ${table}`);
      expect(sqlText).toMatch(new RegExp(`BEFORE UPDATE OF [^\\n]* ON ${table}`));
    }
  });

  for (const [table, cols] of Object.entries({ ...MONEY, ...CLEARING_MONEY, ...INPATIENT_MONEY })) {
    for (const col of cols) {
      it(`${table}.${col}: 12.5 is refused on insert and update; 1250 is kept`, () => {
        const bad = { ...validRow(table), [col]: 12.5 };
        expect(() => insert(table, bad)).toThrow(/MONEY_NOT_INTEGER/);
        const good = { ...validRow(table), [col]: 1250 };
        insert(table, good);
        const pkCols = (db.pragma(`table_info(${table})`) as Col[]).filter((c) => c.pk > 0).map((c) => c.name);
        const where = (pkCols.length ? pkCols : ['rowid']).map((c) => `${c} = @${c}`).join(' AND ');
        const key = Object.fromEntries((pkCols.length ? pkCols : []).map((c) => [c, good[c]!]));
        const keyOrRowid = pkCols.length ? key : { rowid: value(db, `SELECT max(rowid) FROM ${table}`, {}, z.number().int())! };
        expect(() => db.prepare(`UPDATE ${table} SET ${col} = 12.5 WHERE ${where}`).run(keyOrRowid)).toThrow(/MONEY_NOT_INTEGER/);
        const stored: unknown = db.prepare(`SELECT ${col} FROM ${table} WHERE ${where}`).pluck().get(keyOrRowid);
        expect(stored).toBe(1250);
      });
    }
  }
});
