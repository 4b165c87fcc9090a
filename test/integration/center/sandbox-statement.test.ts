// The sandbox center's 3201 / 3202 answers are computed in SQL (STMT_SQL over the amounts JSON,
// read off the settlements_stmt index). Here they are checked against sums computed
// independently in JavaScript from the stored rows, over settlements, refunds (negative cancel
// rows) and reversed rows, on a real SQLite file — including a file made before the index
// existed.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noFaults } from '../../../electron/center/sandbox/faults';
import { openSandboxDb, type SandboxDb } from '../../../electron/center/sandbox/store';
import { TRANSACTIONS, type TxAnswer } from '../../../electron/center/sandbox/transactions';
import { fenToYuan } from '../../../electron/api/money';
import { tempDir } from '../../helpers/temp-app';
import { rng } from '../settlement/fixtures';

interface Stored {
  setl_id: string;
  kind: 'settle' | 'cancel';
  medins_setl_id: string;
  insutype: string;
  setl_date: string;
  state: 'active' | 'reversed';
  created_at: string;
  a: { total: number; fundPay: number; criticalIllnessPay: number; accountPay: number };
}

const NOW = new Date('2026-03-20T12:00:00+08:00');
let dir: string;
let db: SandboxDb;
const stored: Stored[] = [];

/** Rows the way the sandbox stores them: every amount field, refunds negated, a few reversed. */
function makeRows(n: number): Stored[] {
  const r = rng(42);
  const out: Stored[] = [];
  for (let i = 0; i < n; i++) {
    const day = `2026-03-${String(10 + Math.floor(r() * 6)).padStart(2, '0')}`;
    const total = 100 + Math.floor(r() * 90_000);
    const fundPay = Math.floor(total * r() * 0.8);
    const criticalIllnessPay = r() < 0.2 ? Math.floor((total - fundPay) * 0.3) : 0;
    const accountPay = r() < 0.5 ? Math.floor((total - fundPay - criticalIllnessPay) / 2) : 0;
    const cancel = r() < 0.1;
    const sign = cancel ? -1 : 1;
    out.push({
      setl_id: `ST${String(i).padStart(8, '0')}`,
      kind: cancel ? 'cancel' : 'settle',
      medins_setl_id: `S${i}`,
      insutype: r() < 0.5 ? '310' : r() < 0.8 ? '390' : '320',
      setl_date: day,
      state: r() < 0.05 ? 'reversed' : 'active',
      // Several rows share a second (a frozen clock does that): ties keep their stored order.
      created_at: `${day}T0${Math.floor(r() * 4)}:00:00.000Z`,
      a: { total: sign * total, fundPay: sign * fundPay, criticalIllnessPay: sign * criticalIllnessPay, accountPay: sign * accountPay },
    });
  }
  return out;
}

function insertRows(target: Database.Database, rows: Stored[]): void {
  const ins = target.prepare(
    `INSERT INTO settlements (setl_id, kind, msgid, medins_setl_id, psn_no, insutype, setl_date, amounts, accum_delta, state, created_at)
     VALUES (?,?,?,?,'P1',?,?,?,'{}',?,?)`,
  );
  target.transaction(() => {
    for (const s of rows) {
      const amounts = { ...s.a, fullOwnPay: 0, overLimitSelfPay: 0, preSelfPay: 0, eligible: 0, deductible: 0, coPay: 0, personalTotal: s.a.total - s.a.fundPay - s.a.criticalIllnessPay, cashPay: 0 };
      ins.run(s.setl_id, s.kind, `M${s.setl_id}`, s.medins_setl_id, s.insutype, s.setl_date, JSON.stringify(amounts), s.state, s.created_at);
    }
  })();
}

function run(infno: string, input: unknown): TxAnswer {
  return TRANSACTIONS[infno]!({ db, now: NOW, faults: noFaults(), msgid: 'x'.repeat(30), infno }, input);
}

/** Independent: the center's figures by summing the rows in JavaScript. */
function expected(begin: string, end: string, insutype?: string) {
  const rows = stored.filter((s) => s.state === 'active' && s.setl_date >= begin && s.setl_date <= end && (!insutype || s.insutype === insutype));
  return {
    count: rows.length,
    total: rows.reduce((x, s) => x + s.a.total, 0),
    fund: rows.reduce((x, s) => x + s.a.fundPay + s.a.criticalIllnessPay, 0),
    account: rows.reduce((x, s) => x + s.a.accountPay, 0),
  };
}

function ask(begin: string, end: string, insutype: string | undefined, local: ReturnType<typeof expected>) {
  const answer = run('3201', {
    data: {
      stmt_begndate: begin,
      stmt_enddate: end,
      ...(insutype ? { insutype } : {}),
      medfee_sumamt: fenToYuan(local.total),
      fund_pay_sumamt: fenToYuan(local.fund),
      acct_pay: fenToYuan(local.account),
      fixmedins_setl_cnt: local.count,
    },
  });
  expect(answer.infcode).toBe(0);
  return (answer.output as { stmtinfo: Record<string, string | number> }).stmtinfo;
}

beforeAll(() => {
  dir = tempDir('sandbox-statement-');
  // A center file from before the settlements_stmt index: the old table, rows already in it.
  const file = join(dir, 'sandbox-center.db');
  const old = new Database(file);
  old.exec(`CREATE TABLE settlements (
    setl_id TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('settle', 'cancel')), msgid TEXT NOT NULL, medins_setl_id TEXT,
    psn_no TEXT NOT NULL, insutype TEXT NOT NULL, setl_date TEXT NOT NULL, amounts TEXT NOT NULL, accum_delta TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'reversed')), cancelled_by TEXT, cancels TEXT, stmt TEXT, created_at TEXT NOT NULL);
    CREATE INDEX settlements_date ON settlements (setl_date);`);
  stored.push(...makeRows(1500));
  insertRows(old, stored.slice(0, 1000));
  old.close();
  db = openSandboxDb(file, NOW);
  // Rows written after the upgrade go through the new index as they are stored.
  insertRows(db, stored.slice(1000));
});

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sandbox 3201 / 3202 in SQL', () => {
  it('opening a file from before the index adds it', () => {
    expect(db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'settlements_stmt'").get()).toBeTruthy();
  });

  it('3201 totals equal sums computed from the stored rows, per insurance type and over all', () => {
    const ranges: Array<[string, string]> = [['2026-03-10', '2026-03-15'], ['2026-03-12', '2026-03-12'], ['2026-03-11', '2026-03-13'], ['2026-03-01', '2026-03-09']];
    for (const [begin, end] of ranges) {
      for (const insutype of ['310', '390', '320', '999', undefined]) {
        const e = expected(begin, end, insutype);
        const info = ask(begin, end, insutype, e);
        expect(info).toMatchObject({
          stmt_rslt: '0',
          center_setl_cnt: e.count,
          center_medfee_sumamt: fenToYuan(e.total),
          center_fund_pay_sumamt: fenToYuan(e.fund),
          center_acct_pay: fenToYuan(e.account),
        });
        // One settlement fewer, or one fen off in any figure, is a mismatch with the same center figures.
        for (const off of [{ count: e.count + 1 }, { total: e.total + 1 }, { fund: e.fund - 1 }, { account: e.account + 1 }]) {
          expect(ask(begin, end, insutype, { ...e, ...off })).toMatchObject({ stmt_rslt: '1', center_setl_cnt: e.count, center_medfee_sumamt: fenToYuan(e.total) });
        }
      }
    }
    // The range really holds refunds and reversed rows, so both paths above were exercised.
    expect(stored.some((s) => s.kind === 'cancel' && s.state === 'active')).toBe(true);
    expect(stored.some((s) => s.state === 'reversed')).toBe(true);
  });

  it('3202 answers every row with the center figures; center-only rows oldest first, ties in stored order', () => {
    const day = '2026-03-13';
    const rows = stored.filter((s) => s.state === 'active' && s.setl_date === day);
    const [same, differs, ...rest] = rows;
    const wire = (s: Stored, extra = 0) => ({
      setl_id: s.setl_id,
      medins_setl_id: s.medins_setl_id,
      medfee_sumamt: fenToYuan(s.a.total + extra),
      fund_pay_sumamt: fenToYuan(s.a.fundPay + s.a.criticalIllnessPay),
      acct_pay: fenToYuan(s.a.accountPay),
    });
    const answer = run('3202', { data: { stmt_begndate: day, stmt_enddate: day, details: [wire(same!), wire(differs!, 1), { ...wire(same!), setl_id: 'NOT-AT-CENTER', medins_setl_id: 'L1' }] } });
    expect(answer.infcode).toBe(0);
    const out = (answer.output as { rows: Array<Record<string, string | null>> }).rows;
    const figures = (s: Stored) => ({ center_medfee_sumamt: fenToYuan(s.a.total), center_fund_pay_sumamt: fenToYuan(s.a.fundPay + s.a.criticalIllnessPay), center_acct_pay: fenToYuan(s.a.accountPay) });
    expect(out.slice(0, 3)).toEqual([
      { setl_id: same!.setl_id, medins_setl_id: same!.medins_setl_id, stmt_rslt: '0', ...figures(same!) },
      { setl_id: differs!.setl_id, medins_setl_id: differs!.medins_setl_id, stmt_rslt: '3', ...figures(differs!) },
      { setl_id: 'NOT-AT-CENTER', medins_setl_id: 'L1', stmt_rslt: '2' },
    ]);
    // Stable sort of the stored order by created_at (Array.prototype.sort is stable).
    const centerOnly = [...rest].sort((x, y) => (x.created_at < y.created_at ? -1 : x.created_at > y.created_at ? 1 : 0));
    expect(new Set(rest.map((s) => s.created_at)).size).toBeLessThan(rest.length); // ties present
    expect(out.slice(3)).toEqual(
      centerOnly.map((s) => ({ setl_id: s.setl_id, medins_setl_id: s.medins_setl_id, stmt_rslt: '1', refd_setl_flag: s.kind === 'cancel' ? '1' : '0', ...figures(s) })),
    );
  });
});
