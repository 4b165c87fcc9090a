// Migration 0022 rebuilds the outbox table to widen its `kind` CHECK (traceability reports,
// issue 17) inside the migration's transaction, with foreign keys ON (deferred, not off). A real
// SQLite file is taken to version 20, given settlements, outbox rows in every state, an
// adjustment naming one of them and the per-person heads; then migrated. Every row must come
// through unchanged, the children must still find their parents, and the queue's triggers must
// work on the new table.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { migrate } from '../../../electron/db/migrate';
import { value } from '../../../electron/db/sql';
import { projectPath } from '../../../electron/app/paths';

const REBUILD = 22;
let dir: string;
let db: Database.Database;

interface Col {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

/** A settlements row valid for its constraints (first allowed literal of a CHECK, else a text or 0). */
function settlementRow(id: string, psnNo: string): Record<string, string | number | null> {
  const sql = value(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'settlements'", {}, z.string())!;
  const row: Record<string, string | number | null> = {};
  for (const c of db.pragma('table_info(settlements)') as Col[]) {
    const allowed = new RegExp(`CHECK\\s*\\(\\s*${c.name}\\s+IN\\s*\\(\\s*'?([^',)]*)'?`).exec(sql);
    if (c.name === 'id') row[c.name] = id;
    else if (c.name === 'psn_no') row[c.name] = psnNo;
    else if (allowed) row[c.name] = /INT/i.test(c.type) ? Number(allowed[1]) : allowed[1]!;
    else if (!c.notnull) row[c.name] = null;
    else if (/INT/i.test(c.type)) row[c.name] = 0;
    else row[c.name] = c.name.includes('accumulators') || c.name === 'person_snapshot' ? '{}' : 'x';
  }
  return row;
}

function insert(table: string, row: Record<string, string | number | null>): void {
  const cols = Object.keys(row);
  db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row);
}

function outboxRow(id: number, settlementId: string, psnNo: string, state: string, extra: Record<string, string | number | null> = {}) {
  return {
    id,
    settlement_id: settlementId,
    kind: 'upload',
    infno: '2207',
    msgid: `M${String(id).padStart(29, '0')}`,
    psn_no: psnNo,
    payload: JSON.stringify({ n: id }),
    state,
    attempts: id % 3,
    next_attempt_at: `2026-01-0${id}T00:00:00.000Z`,
    created_at: '2026-01-01T00:00:00.000Z',
    deadline_at: '2026-01-04T00:00:00.000Z',
    ...extra,
  };
}

const dump = (table: string, order = 'rowid') => db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'outbox-rebuild-'));
  const before = join(dir, 'before');
  mkdirSync(before);
  for (const f of readdirSync(projectPath('migrations'))) if (Number(f.slice(0, 4)) < REBUILD) cpSync(projectPath('migrations', f), join(before, f));
  db = new Database(join(dir, 'o.db'));
  db.pragma('foreign_keys = ON');
  expect(migrate(db, before).to).toBe(REBUILD - 1);
  insert('settlements', settlementRow('S1', 'P1'));
  insert('settlements', settlementRow('S2', 'P2'));
  insert('outbox', outboxRow(1, 'S1', 'P1', 'confirmed', { resolved_at: '2026-01-01T01:00:00.000Z', response: '{"output":{"setl_id":"C1"}}' }));
  insert('outbox', outboxRow(2, 'S1', 'P1', 'adjusted', { resolved_at: '2026-01-01T02:00:00.000Z' }));
  insert('outbox', outboxRow(3, 'S2', 'P2', 'rejected', { reject_code: 'X', reject_reason: '拒绝', reviewed_by: '2001' }));
  insert('outbox', outboxRow(4, 'S2', 'P2', 'unknown', { last_error: '结果未知：timeout', sent_at: '2026-01-01T03:00:00.000Z' }));
  insert('outbox', outboxRow(5, 'S2', 'P2', 'queued'));
  insert('outbox', outboxRow(6, 'S1', 'P1', 'sent', { infno: 'chain', kind: 'cancel' }));
  insert('adjustments', { settlement_id: 'S1', outbox_id: 2, field: 'fund_pay', local_amount: 100, center_amount: 90, difference: -10, created_at: '2026-01-01T02:00:00.000Z' });
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('migration 0022: the outbox rebuilt for the traceability reports', () => {
  it('keeps every row of the outbox, its children and the heads, and the parents they name', () => {
    const outbox = dump('outbox', 'id');
    const adjustments = dump('adjustments');
    const heads = dump('outbox_heads', 'psn_no');
    expect(heads).toHaveLength(2);
    const report = migrate(db);
    expect(report.applied).toContain('0022_outbox_trace_reports');
    expect(dump('outbox', 'id')).toEqual(outbox);
    expect(dump('adjustments')).toEqual(adjustments);
    expect(dump('outbox_heads', 'psn_no')).toEqual(heads);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' AND sql IS NOT NULL ORDER BY name").pluck().all();
    expect(indexes).toEqual(['outbox_open', 'outbox_open_person', 'outbox_settlement', 'outbox_state']);
    const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'outbox' ORDER BY name").pluck().all();
    expect(triggers).toEqual(['outbox_heads_insert', 'outbox_heads_next_attempt', 'outbox_heads_resolve', 'outbox_trace_release']);
  });

  it('takes the new kinds, still refuses others, and the heads follow the new table', () => {
    insert('outbox', outboxRow(7, 'S1', '#trace', 'queued', { kind: 'trace_sale', infno: '3505', next_attempt_at: '9999-12-31T23:59:59.999Z' }));
    insert('outbox', outboxRow(8, 'S1', '#trace', 'queued', { kind: 'trace_return', infno: '3506' }));
    expect(() => insert('outbox', outboxRow(9, 'S1', 'P1', 'queued', { kind: 'stock' }))).toThrow(/CHECK constraint/);
    expect(db.prepare("SELECT outbox_id FROM outbox_heads WHERE psn_no = '#trace'").pluck().get()).toBe(7);
    // P2's unknown head is answered: its queued item becomes the head (0009's trigger on the new table).
    db.prepare("UPDATE outbox SET state = 'confirmed', resolved_at = 'now' WHERE id = 4").run();
    expect(db.prepare("SELECT outbox_id FROM outbox_heads WHERE psn_no = 'P2'").pluck().get()).toBe(5);
    // An adjustment cannot name an outbox row that is not there (foreign keys still enforced).
    expect(() => insert('adjustments', { settlement_id: 'S1', outbox_id: 99, field: 'x', local_amount: 1, center_amount: 1, difference: 0, created_at: 'x' })).toThrow(/FOREIGN KEY/);
  });

  it('releases a held sales report when its settlement upload is answered, in the same statement', () => {
    // S1's open upload (id 6 is a chain 'cancel'; make a plain open upload for S1).
    insert('outbox', outboxRow(9, 'S1', 'P1', 'queued'));
    expect(db.prepare('SELECT next_attempt_at FROM outbox WHERE id = 7').pluck().get()).toBe('9999-12-31T23:59:59.999Z');
    db.prepare("UPDATE outbox SET state = 'confirmed', resolved_at = '2026-02-01T00:00:00.000Z' WHERE id = 9").run();
    expect(db.prepare('SELECT next_attempt_at FROM outbox WHERE id = 7').pluck().get()).toBe('2026-02-01T00:00:00.000Z');
    expect(db.prepare("SELECT next_attempt_at FROM outbox_heads WHERE psn_no = '#trace'").pluck().get()).toBe('2026-02-01T00:00:00.000Z');
  });
});
