// The sandbox center's own SQLite state: the persons' years, stored message ids with their
// first answer, reversals, settlements, the published policy tables, notices, sign-ins.
// A separate file from the app's database: the center is another system.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { z } from 'zod';
import { one, run, value } from '../../db/sql';
import type { Accumulators, PolicyTable } from '../../policy/split/types';
import { DEMO_YEAR_START } from './demo-persons';
import demoPolicy from './demo-policy.json';

export type SandboxDb = Database.Database;

/**
 * A settlement row's reconciliation figures as SQL over its `amounts` JSON (integer fen). The
 * same text builds the settlements_stmt index and the 3201 / 3202 queries: SQLite matches an
 * indexed expression only when it is written identically, and then reads it off the index.
 */
export const STMT_SQL = {
  total: "json_extract(amounts, '$.total')",
  fund: "json_extract(amounts, '$.fundPay') + json_extract(amounts, '$.criticalIllnessPay')",
  acct: "json_extract(amounts, '$.accountPay')",
} as const;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS person_year (
  psn_no TEXT PRIMARY KEY, balance INTEGER NOT NULL, accumulators TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
  msgid TEXT PRIMARY KEY, infno TEXT NOT NULL, response TEXT NOT NULL, created_at TEXT NOT NULL);
-- Who each request said it came from (every attempt), so tests can check opter and sign_no.
CREATE TABLE IF NOT EXISTS envelopes (
  msgid TEXT NOT NULL, infno TEXT NOT NULL, opter TEXT, opter_name TEXT, sign_no TEXT, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reversals (
  omsgid TEXT PRIMARY KEY, oinfno TEXT NOT NULL, psn_no TEXT, undid_existing INTEGER NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS settlements (
  setl_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('settle', 'cancel')),
  msgid TEXT NOT NULL,
  medins_setl_id TEXT,
  psn_no TEXT NOT NULL,
  insutype TEXT NOT NULL,
  setl_date TEXT NOT NULL,
  amounts TEXT NOT NULL,
  accum_delta TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'reversed')),
  cancelled_by TEXT,
  cancels TEXT,
  stmt TEXT,
  created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS settlements_date ON settlements (setl_date);
CREATE INDEX IF NOT EXISTS settlements_msgid ON settlements (msgid);
-- 3201 sums a range from this index alone (a month of a busy clinic is tens of thousands of
-- rows; reading and parsing each in JavaScript took ~0.2–0.6 s per exchange).
CREATE INDEX IF NOT EXISTS settlements_stmt ON settlements
  (setl_date, insutype, ${STMT_SQL.total}, ${STMT_SQL.fund}, ${STMT_SQL.acct}) WHERE state = 'active';
CREATE TABLE IF NOT EXISTS policy_versions (
  seq INTEGER PRIMARY KEY, table_json TEXT NOT NULL, published_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS notices (
  notice_id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, setl_id TEXT NOT NULL, amount INTEGER NOT NULL,
  reason_code TEXT, reason TEXT, time TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sign_ins (sign_no TEXT PRIMARY KEY, opter_no TEXT, signed_out INTEGER NOT NULL DEFAULT 0, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
-- 2207's duplicate check looks a settlement up by the clinic's id: without this index every
-- upload read every settlement the center holds.
CREATE INDEX IF NOT EXISTS settlements_medins ON settlements (medins_setl_id);
-- The national chain's state (national/chain.ts): visits (2201), fee lines (2204) and each
-- settlement's visit, batch and clearing keys (3201 sums per insutype x clr_type x setl_optins).
-- A fee line is settled while the settlement named by setl_id is active and not cancelled, so
-- a 2208 or a 2601 frees its lines without touching them.
CREATE TABLE IF NOT EXISTS nat_visits (
  mdtrt_id TEXT PRIMARY KEY, msgid TEXT NOT NULL, psn_no TEXT NOT NULL, insutype TEXT NOT NULL, ipt_otp_no TEXT NOT NULL,
  begntime TEXT NOT NULL, med_type TEXT, diagnoses TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'cancelled')), created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS nat_visits_msgid ON nat_visits (msgid);
CREATE TABLE IF NOT EXISTS nat_fees (
  mdtrt_id TEXT NOT NULL, feedetl_sn TEXT NOT NULL, chrg_bchno TEXT NOT NULL, msgid TEXT NOT NULL, med_list_codg TEXT NOT NULL,
  pric TEXT NOT NULL, cnt TEXT NOT NULL, own_pay INTEGER NOT NULL, amount INTEGER NOT NULL, setl_id TEXT,
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'cancelled')), PRIMARY KEY (mdtrt_id, feedetl_sn));
CREATE INDEX IF NOT EXISTS nat_fees_msgid ON nat_fees (msgid);
CREATE TABLE IF NOT EXISTS nat_settlements (
  setl_id TEXT PRIMARY KEY, mdtrt_id TEXT NOT NULL, chrg_bchno TEXT NOT NULL, clr_type TEXT NOT NULL, setl_optins TEXT NOT NULL);
-- Drug traceability codes sold (issue 17): from a 2207's feedetail[].drugtracinfo (our protocol)
-- or a 3505 sales report (national). A code is held while the sale holding it stands: a 2207's
-- settlement active and not cancelled (a 2208 or a 2601 frees it without touching this row), a
-- 3505 not returned by a 3506 nor reversed by a 2601.
CREATE TABLE IF NOT EXISTS trace_sales (
  code TEXT NOT NULL, msgid TEXT NOT NULL, infno TEXT NOT NULL, setl_id TEXT, psn_no TEXT NOT NULL, psn_name TEXT NOT NULL,
  med_list_codg TEXT NOT NULL, sold_at TEXT NOT NULL, returned_by TEXT, state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'reversed')));
CREATE INDEX IF NOT EXISTS trace_sales_code ON trace_sales (code);
CREATE INDEX IF NOT EXISTS trace_sales_msgid ON trace_sales (msgid);
-- The clinic's stock reports (3501 inventory, 3502 change, 3503 purchase, 3504 purchase return;
-- sandbox/stock.ts): one row per report processed (tests count them: each exactly once), and the
-- center's idea of each batch's quantity (signed change, × 10^4).
CREATE TABLE IF NOT EXISTS stock_reports (
  msgid TEXT NOT NULL, infno TEXT NOT NULL, med_list_codg TEXT NOT NULL, hilist_id TEXT NOT NULL, bchno TEXT NOT NULL,
  change INTEGER NOT NULL, body TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS stock_reports_batch ON stock_reports (hilist_id, bchno);
-- The clinic's mapping of its own item codes to national ones (3301 uploads, 3302 revokes), and
-- every applied upload or revocation (tests count them: each must happen exactly once).
CREATE TABLE IF NOT EXISTS nat_mappings (
  medins_list_codg TEXT PRIMARY KEY, hilist_code TEXT NOT NULL, medins_list_name TEXT NOT NULL, list_type TEXT NOT NULL,
  msgid TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('active', 'revoked')), updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nat_mapping_log (msgid TEXT NOT NULL, infno TEXT NOT NULL, medins_list_codg TEXT NOT NULL, hilist_code TEXT NOT NULL, at TEXT NOT NULL);
-- Files of the 9101 upload / 9102 download flow (national/statement.ts): a clinic's 3202 detail
-- file, and the result file the center writes for it.
CREATE TABLE IF NOT EXISTS nat_files (
  file_qury_no TEXT PRIMARY KEY, filename TEXT NOT NULL, content BLOB NOT NULL, fixmedins_code TEXT NOT NULL, created_at TEXT NOT NULL);
-- Monthly clearing applications (clearing.ts): 3203 makes one, 3204 cancels it, the control
-- endpoint's POST /clearing/pay pays it (what the fund does at month's end), 3205 reads it.
-- protocol: 'simple' (our /tx, listing its setl_ids in clearing_app_items) or 'national'.
CREATE TABLE IF NOT EXISTS clearing_apps (
  appy_id TEXT PRIMARY KEY, msgid TEXT NOT NULL, protocol TEXT NOT NULL, setlym TEXT NOT NULL, clr_type TEXT NOT NULL,
  psntime INTEGER NOT NULL, medfee INTEGER NOT NULL, fund INTEGER NOT NULL, acct INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('applied', 'cancelled', 'paid')), created_at TEXT NOT NULL, cancelled_at TEXT, paid_at TEXT);
CREATE TABLE IF NOT EXISTS clearing_app_items (appy_id TEXT NOT NULL, setl_id TEXT NOT NULL, PRIMARY KEY (appy_id, setl_id));
-- Hospital stays (issue 19, inpatient.ts): 2401 admits (mdtrt_id), 2403 changes, 2404 cancels,
-- 2402 discharges, 2405 undoes it. Fee lines from 2301 (2302 revokes); a line is settled while
-- the settlement named by setl_id is active and not cancelled (as nat_fees). ipt_settlements
-- ties each 2304 to its stay and says whether it was a mid-stay one; the settlement itself is a
-- settlements row (clr_type 21 in nat_settlements), so 3201/3202 and clearing count it.
CREATE TABLE IF NOT EXISTS ipt_stays (
  mdtrt_id TEXT PRIMARY KEY, msgid TEXT NOT NULL, protocol TEXT NOT NULL, psn_no TEXT NOT NULL, insutype TEXT NOT NULL, med_type TEXT NOT NULL,
  ipt_no TEXT NOT NULL, begntime TEXT NOT NULL, endtime TEXT, hosp_lv INTEGER, diagnoses TEXT NOT NULL, dscg_diagnoses TEXT, dscg_way TEXT,
  dept_code TEXT NOT NULL, dept_name TEXT NOT NULL, bed TEXT, doctor_code TEXT NOT NULL, doctor_name TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('admitted', 'discharged', 'cancelled')), created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ipt_stays_psn ON ipt_stays (psn_no, state);
CREATE TABLE IF NOT EXISTS ipt_fees (
  mdtrt_id TEXT NOT NULL, feedetl_sn TEXT NOT NULL, msgid TEXT NOT NULL, med_list_codg TEXT NOT NULL, medins_list_codg TEXT NOT NULL,
  pric TEXT NOT NULL, cnt TEXT NOT NULL, own_pay INTEGER NOT NULL, amount INTEGER NOT NULL, fee_ocur_time TEXT NOT NULL, setl_id TEXT,
  state TEXT NOT NULL CHECK (state IN ('open', 'revoked')), seq INTEGER NOT NULL, PRIMARY KEY (mdtrt_id, feedetl_sn));
CREATE INDEX IF NOT EXISTS ipt_fees_msgid ON ipt_fees (msgid);
CREATE TABLE IF NOT EXISTS ipt_settlements (setl_id TEXT PRIMARY KEY, mdtrt_id TEXT NOT NULL, mid_setl INTEGER NOT NULL, created_seq INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS ipt_settlements_stay ON ipt_settlements (mdtrt_id);
-- Persons beyond the demo ones (persons.ts): a benchmark's week offline sees thousands.
CREATE TABLE IF NOT EXISTS registered_persons (
  psn_no TEXT PRIMARY KEY, certno TEXT NOT NULL UNIQUE, card_no TEXT NOT NULL UNIQUE, ec_token TEXT NOT NULL UNIQUE, person TEXT NOT NULL);
`;

/** A settlements row as stored (amounts and accum_delta are JSON text): the schema of the sandbox's whole-row reads. */
export const SandboxSettlementRow = z.object({
  setl_id: z.string(),
  kind: z.enum(['settle', 'cancel']),
  msgid: z.string(),
  medins_setl_id: z.string().nullable(),
  psn_no: z.string(),
  insutype: z.string(),
  setl_date: z.string(),
  amounts: z.string(),
  accum_delta: z.string(),
  state: z.enum(['active', 'reversed']),
  cancelled_by: z.string().nullable(),
  cancels: z.string().nullable(),
  stmt: z.string().nullable(),
  created_at: z.string(),
});
export type SandboxSettlementRow = z.output<typeof SandboxSettlementRow>;

// Statements prepared once per database: the upload path runs a dozen per 2207, and
// better-sqlite3 compiles the SQL on every prepare().
const statements = new WeakMap<SandboxDb, Map<string, Database.Statement>>();

/** The statement for `sql` on `db`, compiled on first use. */
export function prepared(db: SandboxDb, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let s = cache.get(sql);
  if (!s) cache.set(sql, (s = db.prepare(sql)));
  return s;
}

export function openSandboxDb(file: string, now: Date): SandboxDb {
  // The sandbox keeps what the app sent it (demo mode puts it inside the data folder): this OS
  // user's only, like every file the app writes (issue 14).
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  if (file !== ':memory:' && process.platform !== 'win32') {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  seed(db, now);
  return db;
}

function seed(db: SandboxDb, now: Date): void {
  db.transaction(() => {
    const at = now.toISOString();
    const put = db.prepare('INSERT OR IGNORE INTO person_year (psn_no, balance, accumulators, updated_at) VALUES (?,?,?,?)');
    for (const [psnNo, y] of Object.entries(DEMO_YEAR_START)) put.run(psnNo, y.balance, JSON.stringify(y.accumulators), at);
    const has = db.prepare('SELECT 1 FROM policy_versions LIMIT 1').get();
    if (!has) db.prepare('INSERT INTO policy_versions (seq, table_json, published_at) VALUES (?,?,?)').run((demoPolicy as PolicyTable).seq, JSON.stringify(demoPolicy), at);
  })();
}

/** Next value of a named counter (settlement ids, sign-in numbers, reference ids). */
export function nextCounter(db: SandboxDb, name: string): number {
  run(db, 'INSERT INTO counters (name, value) VALUES (:name, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1', { name });
  return value(db, 'SELECT value FROM counters WHERE name = :name', { name }, z.number().int()) ?? 1;
}

export interface PersonYear {
  balance: number;
  accumulators: Accumulators;
}

export function readYear(db: SandboxDb, psnNo: string): PersonYear | null {
  const r = one(db, 'SELECT balance, accumulators FROM person_year WHERE psn_no = :psnNo', { psnNo }, z.object({ balance: z.number().int(), accumulators: z.string() }));
  return r ? { balance: r.balance, accumulators: JSON.parse(r.accumulators) as Accumulators } : null;
}

export function writeYear(db: SandboxDb, psnNo: string, y: PersonYear, at: string): void {
  run(db, 'UPDATE person_year SET balance = :balance, accumulators = :accumulators, updated_at = :at WHERE psn_no = :psnNo', {
    balance: y.balance,
    accumulators: JSON.stringify(y.accumulators),
    at,
    psnNo,
  });
}

// Published tables never change (a change is a new seq), so the parsed latest one is kept per
// database: parsing the ~50 KB table twice per 2207 was a tenth of the upload path's time.
const latestParsed = new WeakMap<SandboxDb, { seq: number; table: PolicyTable }>();

/** The latest published table. Shared: callers must not modify it. */
export function latestPolicy(db: SandboxDb): PolicyTable {
  const seq = value(db, 'SELECT max(seq) FROM policy_versions', {}, z.number().int()) ?? 0;
  const cached = latestParsed.get(db);
  if (cached && cached.seq === seq) return cached.table;
  const table = policyAt(db, seq);
  if (!table) throw new Error('the sandbox center has no published policy table');
  latestParsed.set(db, { seq, table });
  return table;
}

export function policyAt(db: SandboxDb, seq: number): PolicyTable | null {
  const json = value(db, 'SELECT table_json FROM policy_versions WHERE seq = :seq', { seq }, z.string());
  return json === undefined ? null : (JSON.parse(json) as PolicyTable);
}

/** a + sign·d for every accumulator key (used to apply and to undo a settlement). */
export function addAccumulators(a: Accumulators, d: Accumulators, sign: 1 | -1): Accumulators {
  const out: Accumulators = JSON.parse(JSON.stringify(a)) as Accumulators;
  for (const [k, v] of Object.entries(d)) {
    if (v === undefined) continue;
    const cur = out[k];
    if (typeof v === 'number') {
      out[k] = (typeof cur === 'number' ? cur : 0) + sign * v;
    } else {
      const c = typeof cur === 'object' && cur ? cur : { eligible: 0, fundPaid: 0 };
      out[k] = { eligible: c.eligible + sign * v.eligible, fundPaid: c.fundPaid + sign * v.fundPaid };
    }
  }
  return out;
}

/** after − before, key by key. */
export function accumulatorDelta(before: Accumulators, after: Accumulators): Accumulators {
  const neg = addAccumulators({}, before, -1);
  return addAccumulators(neg, after, 1);
}
