// Data at rest: with the app's key, no patient name or ID number appears anywhere in the
// database file's bytes (nor its WAL), while the same data written without a key does appear
// (the control that proves the search would find it).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3-multiple-ciphers';
import { writeStoredSetting } from '../../../electron/app/stored-settings';
import type { Db } from '../../../electron/db/open';
import { resolveDbKey } from '../../../electron/auth/db-key';
import { startTempApp, tempDir, type TempApp } from '../../helpers/temp-app';
import { rowCount } from '../../helpers/db-rows';
import { many } from '../../../electron/db/sql';
import { z } from 'zod';

const PATIENT = { name: '欧阳淑珍', certNo: '110101195803074527', psnNo: '11000019580307452700', cardSn: 'K12345678' };

/** Values for a table's NOT NULL columns without default; patient fields where they fit. */
function fillRow(db: Db, table: string, overrides: Record<string, unknown>): Record<string, unknown> {
  const cols = many(db, 'SELECT name, type, "notnull" nn, dflt_value d FROM pragma_table_info(:table)', { table }, z.object({ name: z.string(), type: z.string(), nn: z.number().int(), d: z.unknown() }));
  const row: Record<string, unknown> = {};
  for (const c of cols) {
    if (c.name in overrides) row[c.name] = overrides[c.name];
    else if (c.nn && c.d === null) row[c.name] = /INT/i.test(c.type) ? 0 : '0';
  }
  return row;
}

function insert(db: Db, table: string, overrides: Record<string, unknown>): void {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
  if (!exists) return;
  const row = fillRow(db, table, overrides);
  const names = Object.keys(row);
  db.prepare(`INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(',')}) VALUES (${names.map(() => '?').join(',')})`).run(
    ...names.map((n) => row[n]),
  );
}

/** Realistic patient data through the real tables: audit log, settings, person cache, settlements, bills. */
function writePatientData(t: TempApp): void {
  const { db, audit, clock } = t.app;
  const view = JSON.stringify({ psnNo: PATIENT.psnNo, name: PATIENT.name, certNo: PATIENT.certNo, gender: '2', birthDate: '1958-03-07' });
  db.transaction(() => {
    audit.append({ action: 'center.lookupPerson', operatorId: '1001', subject: PATIENT.certNo, detail: { name: PATIENT.name, psnNo: PATIENT.psnNo } });
    writeStoredSetting(db, 'institutionName', `${PATIENT.name}诊所`, clock.now());
    insert(db, 'center_person_cache', { cert_type: '01', cert_no: PATIENT.certNo, card_sn: PATIENT.cardSn, psn_no: PATIENT.psnNo, view, cached_at: clock.now().toISOString() });
    insert(db, 'settlements', {
      id: 'S-ENC-1', psn_no: PATIENT.psnNo, psn_name: PATIENT.name, cert_type: '01', cert_no: PATIENT.certNo,
      online: 1, provisional: 0, state: 'confirmed', person_snapshot: view, refund_of: null,
    });
    insert(db, 'bills', { id: 'B-ENC-1', source: 'file', cert_type: '01', cert_no: PATIENT.certNo, psn_name: PATIENT.name, visit: '{}', items: '[]', state: 'pending', settlement_id: null });
  })();
}

function fileBytes(dir: string): Buffer {
  const parts = ['cashier.db', 'cashier.db-wal'].map((f) => join(dir, f)).filter((f) => existsSync(f) && statSync(f).size > 0);
  return Buffer.concat(parts.map((f) => readFileSync(f)));
}

function containsPatient(bytes: Buffer): string[] {
  const needles = [PATIENT.name, PATIENT.certNo, PATIENT.psnNo, PATIENT.certNo.slice(0, 12)];
  return needles.filter((n) => bytes.includes(Buffer.from(n, 'utf8')) || bytes.includes(Buffer.from(n, 'utf16le')));
}

describe('database encryption at rest', () => {
  let t: TempApp | null = null;
  afterEach(async () => {
    await t?.close();
    t = null;
  });

  it('control: without a key the same data is readable in the file', async () => {
    t = await startTempApp();
    writePatientData(t);
    t.app.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(containsPatient(fileBytes(t.dir))).toContain(PATIENT.certNo);
  });

  it('with the key, no patient name or ID number is in the database or WAL bytes', async () => {
    const dir = tempDir();
    const key = resolveDbKey(dir, {});
    t = await startTempApp({ dataDir: dir, dbKey: key });
    writePatientData(t);
    // Before and after a checkpoint: the WAL is encrypted too.
    expect(containsPatient(fileBytes(dir))).toEqual([]);
    t.app.db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = fileBytes(dir);
    expect(bytes.length).toBeGreaterThan(4096);
    expect(containsPatient(bytes)).toEqual([]);
    expect(bytes.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
    // And the data is really there for whoever holds the key.
    const rows = t.app.db.prepare('SELECT detail FROM audit_log WHERE subject = ?').all(PATIENT.certNo);
    expect(rows).toHaveLength(1);
    for (const table of ['center_person_cache', 'settlements', 'bills']) {
      const has = t.app.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
      if (has) expect(rowCount(t.app.db, `"${table}"`), table).toBe(1);
    }
  });

  it('the file cannot be opened without the key, nor with a wrong one', async () => {
    const dir = tempDir();
    const key = resolveDbKey(dir, {});
    t = await startTempApp({ dataDir: dir, dbKey: key });
    writePatientData(t);
    await t.app.close();
    const plain = new Database(join(dir, 'cashier.db'));
    expect(() => plain.prepare('SELECT count(*) FROM audit_log').get()).toThrow(/not a database|encrypted/i);
    plain.close();
    const wrong = new Database(join(dir, 'cashier.db'));
    wrong.pragma(`cipher = 'sqlcipher'`);
    wrong.pragma('legacy = 4');
    wrong.key(Buffer.from('0'.repeat(64)));
    expect(() => wrong.prepare('SELECT count(*) FROM audit_log').get()).toThrow(/not a database|encrypted/i);
    wrong.close();
  });
});
