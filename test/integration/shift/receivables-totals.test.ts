// The receivables kept by migration 0011's triggers (per settlement, and summed per day and
// status) against a from-scratch computation in JavaScript over the raw rows — settlements,
// adjustments, 3301 notices — after every step of a random sequence of the writes the app makes:
// settle (online, offline, all cash), upload confirmed / adjusted / rejected, refund, notices
// paid / partly paid / deducted / rejected, a notice that names a settlement not known yet and is
// matched later, a duplicate notice. And the summary read from them equals the same computation.
// Also: a database holding rows before 0011 is backfilled to the same figures.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, chinaDate } from '../../../electron/app/clock';
import { projectPath } from '../../../electron/app/paths';
import { openDatabase, type Db } from '../../../electron/db/open';
import { migrate } from '../../../electron/db/migrate';
import { fenColumn, many, one, value, values } from '../../../electron/db/sql';
import { z } from 'zod';
import { startTempApp, tempDir, type TempApp } from '../../helpers/temp-app';
import { insertSettlement, prng, type JournalRow } from './journal';

const OWED_FIELDS = ['fund_pay', 'critical_illness_pay', 'account_pay'];
const NO_NOTICES = { fetched: 0, cursor: null, error: null };

interface Expected {
  settlement_id: string;
  day: string;
  status: string;
  owed: number;
  paid: number;
  deducted: number;
  rejected: number;
  outstanding: number;
}

/** Every receivable, computed in JavaScript from the raw rows by the rules in SHIFT.md. */
function fromScratch(db: Db): Expected[] {
  const settlements = many(
    db,
    'SELECT id, created_day, state, refund_of, fund_pay + critical_illness_pay + account_pay AS own FROM settlements ORDER BY id',
    {},
    z.object({ id: z.string(), created_day: z.string(), state: z.string(), refund_of: z.string().nullable(), own: fenColumn }),
  );
  const adjustments = many(db, 'SELECT settlement_id, field, difference FROM adjustments', {}, z.object({ settlement_id: z.string(), field: z.string(), difference: fenColumn }));
  const notices = many(db, 'SELECT settlement_id, type, amount FROM center_notices WHERE settlement_id IS NOT NULL', {}, z.object({ settlement_id: z.string(), type: z.string(), amount: fenColumn }));
  const out: Expected[] = [];
  for (const s of settlements) {
    if (s.refund_of !== null || !['provisional', 'confirmed', 'adjusted'].includes(s.state)) continue;
    const owed = s.own + adjustments.filter((a) => a.settlement_id === s.id && OWED_FIELDS.includes(a.field)).reduce((x, a) => x + a.difference, 0);
    if (owed === 0) continue;
    const mine = notices.filter((n) => n.settlement_id === s.id);
    const sum = (type: string) => mine.filter((n) => n.type === type).reduce((x, n) => x + n.amount, 0);
    const [paid, deducted, rejected] = [sum('paid'), sum('deducted'), sum('rejected')];
    const status = mine.some((n) => n.type === 'rejected')
      ? 'rejected'
      : deducted > 0 && paid + deducted >= owed
        ? 'deducted'
        : owed > 0 && paid >= owed
          ? 'paid'
          : paid > 0
            ? 'partly_paid'
            : s.state === 'provisional'
              ? 'uploaded'
              : 'confirmed';
    out.push({ settlement_id: s.id, day: s.created_day, status, owed, paid, deducted, rejected, outstanding: owed - paid - deducted - rejected });
  }
  return out;
}

function daySums(rows: Expected[]) {
  const m = new Map<string, { day: string; status: string; count: number; owed: number; paid: number; deducted: number; rejected: number; outstanding: number; open_count: number; open_amount: number }>();
  for (const r of rows) {
    const k = `${r.day}/${r.status}`;
    const g = m.get(k) ?? { day: r.day, status: r.status, count: 0, owed: 0, paid: 0, deducted: 0, rejected: 0, outstanding: 0, open_count: 0, open_amount: 0 };
    g.count++;
    g.owed += r.owed;
    g.paid += r.paid;
    g.deducted += r.deducted;
    g.rejected += r.rejected;
    g.outstanding += r.outstanding;
    if (r.outstanding > 0) {
      g.open_count++;
      g.open_amount += r.outstanding;
    }
    m.set(k, g);
  }
  return [...m.values()].sort((a, b) => (a.day === b.day ? (a.status < b.status ? -1 : 1) : a.day < b.day ? -1 : 1));
}

function expectKeptEqualsScratch(db: Db): Expected[] {
  const scratch = fromScratch(db);
  expect(db.prepare('SELECT settlement_id, day, status, owed, paid, deducted, rejected, outstanding FROM receivables ORDER BY settlement_id').all()).toEqual(scratch);
  expect(db.prepare('SELECT * FROM receivable_days ORDER BY day, status').all()).toEqual(daySums(scratch));
  return scratch;
}

/** The summary the supervisor sees, from the same from-scratch rows. */
function expectedSummary(db: Db, scratch: Expected[], today: string, limit: number) {
  const age = (day: string) => Math.floor((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / 86_400_000);
  const bucket = (a: number) => (a <= 30 ? '0-30' : a <= 60 ? '31-60' : a <= 90 ? '61-90' : '90+');
  const sum = (k: keyof Expected) => scratch.reduce((x, r) => x + (r[k] as number), 0);
  const byStatus: Record<string, { count: number; outstanding: number }> = {};
  for (const r of scratch) {
    const s = (byStatus[r.status] ??= { count: 0, outstanding: 0 });
    s.count++;
    s.outstanding += r.outstanding;
  }
  const aging = (['0-30', '31-60', '61-90', '90+'] as const).map((b) => {
    const open = scratch.filter((r) => r.outstanding > 0 && bucket(age(r.day)) === b);
    return { bucket: b, count: open.length, outstanding: open.reduce((x, r) => x + r.outstanding, 0) };
  });
  const psn = (id: string) => one(db, 'SELECT psn_name AS psnName, insutype FROM settlements WHERE id = :id', { id }, z.object({ psnName: z.string(), insutype: z.string() }))!;
  // No reconciliation run and no clearing here (docs/CLEARING.md): paid by notices, else queued or uploaded.
  const stateOf = db.prepare('SELECT state FROM settlements WHERE id = ?').pluck();
  const stage = (r: Expected) => (r.status === 'paid' || r.status === 'deducted' ? 'paid' : stateOf.get(r.settlement_id) === 'provisional' ? 'queued' : 'uploaded');
  const rows = scratch
    .filter((r) => r.outstanding !== 0 || r.status === 'rejected')
    .sort((a, b) => (a.day === b.day ? (a.settlement_id < b.settlement_id ? -1 : 1) : a.day < b.day ? -1 : 1))
    .slice(0, limit)
    .map((r) => ({
      settlementId: r.settlement_id,
      day: r.day,
      ...psn(r.settlement_id),
      status: r.status,
      owed: r.owed,
      paid: r.paid,
      deducted: r.deducted,
      rejected: r.rejected,
      outstanding: r.outstanding,
      ageDays: age(r.day),
      stage: stage(r),
    }));
  return {
    totals: { owed: sum('owed'), paid: sum('paid'), deducted: sum('deducted'), rejected: sum('rejected'), outstanding: sum('outstanding'), count: scratch.length },
    byStatus,
    aging,
    rows,
  };
}

/** The app's own writes, as the journal, the outbox outcome and the notice fetch make them. */
class Writer {
  private n = 0;
  private notice = 0;
  readonly ids: string[] = [];
  constructor(
    private readonly db: Db,
    private readonly clock: ManualClock,
    private readonly r: () => number,
  ) {}

  settle(): string {
    const id = `S${String(++this.n).padStart(5, '0')}`;
    const total = 500 + Math.floor(this.r() * 30_000);
    const cashOnly = this.r() < 0.1;
    const fund = cashOnly ? 0 : Math.floor(total * 0.6);
    const critical = !cashOnly && this.r() < 0.2 ? Math.floor(total * 0.1) : 0;
    const account = !cashOnly && this.r() < 0.5 ? Math.floor((total - fund - critical) / 2) : 0;
    const online = this.r() < 0.8;
    const row: JournalRow = {
      id, createdAt: this.clock.now(), operatorId: '1001', shiftId: 'SH-1', insutype: this.r() < 0.5 ? '310' : '390', insuranceType: 'employee',
      visitType: 'outpatient', online, state: 'provisional', refundOf: null, total, fund, critical, account, cash: total - fund - critical - account,
    };
    insertSettlement(this.db, row);
    this.ids.push(id);
    return id;
  }

  private outbox(id: string): number {
    const now = this.clock.now().toISOString();
    return Number(
      this.db
        .prepare(
          `INSERT INTO outbox (settlement_id, kind, infno, msgid, psn_no, payload, state, next_attempt_at, created_at, deadline_at)
           VALUES (?, 'upload', '2207', ?, 'P1', '{}', 'confirmed', ?, ?, ?)`,
        )
        .run(id, `M${id}-${++this.notice}`, now, now, now).lastInsertRowid,
    );
  }

  /** Upload answered: confirmed (center id set), or adjusted with the center's differences. */
  uploaded(id: string, adjust: boolean): void {
    const now = this.clock.now().toISOString();
    let state = 'confirmed';
    if (adjust) {
      const ob = this.outbox(id);
      const field = ['fund_pay', 'account_pay', 'total', 'critical_illness_pay'][Math.floor(this.r() * 4)]!; // 'total' alone changes nothing owed
      const diff = Math.floor(this.r() * 400) - 200 || 7;
      this.db.prepare('INSERT OR IGNORE INTO adjustments (settlement_id, outbox_id, field, local_amount, center_amount, difference, created_at) VALUES (?,?,?,?,?,?,?)').run(id, ob, field, 1000, 1000 + diff, diff, now);
      state = 'adjusted';
    }
    this.db
      .prepare(`UPDATE settlements SET state = CASE WHEN state = 'refunded' THEN state ELSE ? END, center_setl_id = ?, center_mdtrt_id = ?, updated_at = ? WHERE id = ?`)
      .run(state, `C${id}`, `D${id}`, now, id);
  }

  rejectedUpload(id: string): void {
    this.db.prepare("UPDATE settlements SET state = 'rejected', updated_at = ? WHERE id = ? AND state <> 'refunded'").run(this.clock.now().toISOString(), id);
  }

  refund(id: string): void {
    const orig = one(
      this.db,
      'SELECT refund_of, state, insutype, total, fund_pay, critical_illness_pay, account_pay, cash_pay FROM settlements WHERE id = :id',
      { id },
      z.object({ refund_of: z.string().nullable(), state: z.string(), insutype: z.enum(['310', '390']), total: fenColumn, fund_pay: fenColumn, critical_illness_pay: fenColumn, account_pay: fenColumn, cash_pay: fenColumn }),
    )!;
    if (orig.refund_of || orig.state === 'refunded' || this.db.prepare('SELECT 1 FROM settlements WHERE refund_of = ?').get(id)) return;
    const rid = `R${id}`;
    insertSettlement(this.db, {
      id: rid, createdAt: this.clock.now(), operatorId: '1001', shiftId: 'SH-1', insutype: orig.insutype, insuranceType: 'employee', visitType: 'outpatient',
      online: true, state: 'provisional', refundOf: id, total: -orig.total, fund: -orig.fund_pay,
      critical: -orig.critical_illness_pay, account: -orig.account_pay, cash: -orig.cash_pay,
    });
    this.db.prepare("UPDATE settlements SET state = 'refunded', updated_at = ? WHERE id = ?").run(this.clock.now().toISOString(), id);
  }

  /** A 3301 notice as fetchNotices stores it; `known` false: its settlement was not matched yet. */
  noticeFor(id: string, type: 'paid' | 'deducted' | 'rejected', amount: number, known = true, noticeId = `N${++this.notice}`): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO center_notices (notice_id, type, center_setl_id, settlement_id, amount, reason_code, reason, time, received_at)
         VALUES (?,?,?,?,?,?,?,?,?)`,
      )
      .run(noticeId, type, `C${id}`, known ? id : null, amount, null, null, this.clock.now().toISOString(), this.clock.now().toISOString());
  }

  owed(id: string): number {
    return value(this.db, 'SELECT owed FROM receivables WHERE settlement_id = :id', { id }, fenColumn) ?? 0;
  }
}

let t: TempApp;
let clock: ManualClock;

beforeAll(async () => {
  clock = new ManualClock(new Date('2026-01-05T10:00:00+08:00'));
  t = await startTempApp({ clock });
});

afterAll(async () => {
  await t?.close();
});

describe('receivables kept by triggers', () => {
  it('equal a from-scratch computation after every write: settlements, uploads, refunds, adjustments, notices', () => {
    const db = t.app.db;
    const r = prng(11);
    const w = new Writer(db, clock, r);
    const pick = () => w.ids[Math.floor(r() * w.ids.length)]!;
    const seen = new Set<string>();
    for (let step = 0; step < 400; step++) {
      if (step % 40 === 0) clock.set(new Date(clock.now().getTime() + (5 + Math.floor(r() * 20)) * 86_400_000));
      const x = r();
      let op: string;
      if (x < 0.3 || w.ids.length < 5) {
        w.settle();
        op = 'settle';
      } else if (x < 0.45) {
        w.uploaded(pick(), r() < 0.3);
        op = 'uploaded';
      } else if (x < 0.47) {
        // A second adjusted answer (a corrected re-upload): the state stays 'adjusted', only the
        // adjustments change.
        const all = values(db, "SELECT id FROM settlements WHERE state = 'adjusted' ORDER BY id", {}, z.string());
        const adjusted = all[Math.floor(r() * all.length)];
        w.uploaded(adjusted ?? pick(), true);
        op = adjusted ? 'readjusted' : 'uploaded';
      } else if (x < 0.5) {
        w.rejectedUpload(pick());
        op = 'rejectedUpload';
      } else if (x < 0.56) {
        w.refund(pick());
        op = 'refund';
      } else if (x < 0.75) {
        const id = pick();
        const owed = w.owed(id);
        w.noticeFor(id, 'paid', r() < 0.6 ? owed : Math.max(1, Math.floor(owed / 3)));
        op = 'paid';
      } else if (x < 0.83) {
        w.noticeFor(pick(), 'deducted', 1 + Math.floor(r() * 500));
        op = 'deducted';
      } else if (x < 0.89) {
        const id = pick();
        w.noticeFor(id, 'rejected', w.owed(id));
        op = 'rejected';
      } else if (x < 0.94) {
        // A notice whose settlement is not matched yet: the summary matches it (and the sums follow).
        w.noticeFor(pick(), 'paid', 100, false);
        op = 'unmatched';
      } else {
        // The same notice delivered twice is kept once (INSERT OR IGNORE fires nothing).
        w.noticeFor(pick(), 'paid', 999_999, true, 'N1');
        op = 'duplicate';
      }
      seen.add(op);
      expectKeptEqualsScratch(db);
      if (step % 50 === 49 || op === 'unmatched') {
        const sum = t.app.shift.receivables.summary(1000, NO_NOTICES);
        const scratch = expectKeptEqualsScratch(db);
        // Matched, unless the settlement's center id is still unknown (not uploaded yet).
        expect(db.prepare('SELECT count(*) FROM center_notices n JOIN settlements s ON s.center_setl_id = n.center_setl_id WHERE n.settlement_id IS NULL').pluck().get()).toBe(0);
        const { asOf: _a, notices: _n, ...got } = sum;
        expect(got).toEqual(expectedSummary(db, scratch, chinaDate(clock.now()), 1000));
        // The list stops at the limit, oldest first.
        expect(t.app.shift.receivables.summary(5, NO_NOTICES).rows).toEqual(expectedSummary(db, scratch, chinaDate(clock.now()), 5).rows);
      }
    }
    expect([...seen].sort()).toEqual(['deducted', 'duplicate', 'paid', 'readjusted', 'refund', 'rejected', 'rejectedUpload', 'settle', 'unmatched', 'uploaded']);
    // The figures are not all trivially zero: every status turned up.
    const statuses = new Set(fromScratch(db).map((x) => x.status));
    for (const s of ['uploaded', 'confirmed', 'paid', 'partly_paid', 'deducted', 'rejected']) expect(statuses).toContain(s);
  });
});

describe('migration 0011 on a database that already holds settlements and notices', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('receivables-backfill-');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('backfills the same receivables and day sums as the triggers keep', () => {
    // The migrations up to 0010, a busy journal written under them, then the rest.
    const before = join(dir, 'migrations-0010');
    mkdirSync(before);
    for (const f of readdirSync(projectPath('migrations'))) if (f.endsWith('.sql') && Number(f.slice(0, 4)) <= 10) copyFileSync(join(projectPath('migrations'), f), join(before, f));
    const { db } = openDatabase({ file: join(dir, 'old.db'), migrationsDir: before });
    expect(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'receivables'").get()).toBeUndefined();
    const c = new ManualClock(new Date('2026-02-01T10:00:00+08:00'));
    const r = prng(3);
    const w = new Writer(db, c, r);
    for (let i = 0; i < 120; i++) {
      if (i % 30 === 0) c.set(new Date(c.now().getTime() + 9 * 86_400_000));
      const id = w.settle();
      if (r() < 0.7) w.uploaded(id, r() < 0.2);
      if (r() < 0.3) w.noticeFor(id, 'paid', 50 + Math.floor(r() * 3000));
      if (r() < 0.05) w.noticeFor(id, 'rejected', 10);
      if (r() < 0.05) w.noticeFor(id, 'deducted', 10);
      if (r() < 0.05) w.refund(id);
    }
    migrate(db);
    const scratch = expectKeptEqualsScratch(db);
    expect(scratch.length).toBeGreaterThan(50);
    db.close();
  });
});
