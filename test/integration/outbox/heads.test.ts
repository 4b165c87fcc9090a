// The outbox's per-person heads (migration 0009) on a real SQLite file: due() returns exactly
// each person's earliest open item whose time has come, in commit order, whatever writes the
// rows; and the day's offline total follows the settlements. Each result is compared with the
// plain query over every row that the triggers replace.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase, type Db } from '../../../electron/db/open';
import { value, values } from '../../../electron/db/sql';
import { projectPath } from '../../../electron/app/paths';
import { OutboxStore, type OutboxRow } from '../../../electron/outbox/store';
import { rng } from '../settlement/fixtures';
import { tempDir } from '../../helpers/temp-app';

const OPEN = "('queued','sent','unknown')";
const OutboxId = z.number().int();
const T0 = Date.parse('2026-11-20T02:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);

let dirs: string[] = [];
let dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs) db.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dbs = [];
  dirs = [];
});

function open(migrationsDir?: string): { db: Db; dir: string } {
  const dir = tempDir('outbox-heads-');
  dirs.push(dir);
  const { db } = openDatabase({ file: join(dir, 'cashier.db'), ...(migrationsDir ? { migrationsDir } : {}) });
  dbs.push(db);
  return { db, dir };
}

let nextSettlement = 0;
/** A minimal settlements row (the outbox row references it). */
function settlement(db: Db, o: { psnNo: string; online?: boolean; total?: number; day?: string; refundOf?: string | null }): string {
  const id = `S${String(++nextSettlement).padStart(8, '0')}`;
  const day = o.day ?? '2026-11-20';
  db.prepare(
    `INSERT INTO settlements (id, created_at, created_day, visit_date, operator_id, shift_id, psn_no, psn_name, cert_type, cert_no,
       insutype, insurance_type, person_group, visit_type, hospital_level, policy_seq, online, provisional, state, refund_of,
       total, full_own_pay, over_limit_self_pay, pre_self_pay, eligible, deductible, fund_pay, co_pay, over_cap_self_pay,
       critical_illness_pay, personal_total, account_pay, cash_pay, updated_at)
     VALUES (?, ?, ?, ?, '1001', 'SH1', ?, '患者', '02', '1', '310', 'employee', 'active', 'outpatient', 1, 1, ?, ?, 'provisional', ?,
       ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, ?, 0, ?, ?)`,
  ).run(id, `${day}T02:00:00.000Z`, day, day, o.psnNo, o.online ? 1 : 0, o.online ? 0 : 1, o.refundOf ?? null, o.total ?? 1000, o.total ?? 1000, o.total ?? 1000, `${day}T02:00:00.000Z`);
  return id;
}

let nextMsg = 0;
function enqueue(store: OutboxStore, db: Db, psnNo: string, now = at(0)): number {
  return store.enqueue({
    settlementId: settlement(db, { psnNo }),
    kind: 'upload',
    infno: '2207',
    msgid: `MSG${String(++nextMsg).padStart(27, '0')}`,
    psnNo,
    input: {},
    now,
    deadlineHours: 24,
  });
}

/** What due() answered before the heads: every open item with no earlier open item of its person. */
function dueByScan(db: Db, now: Date, afterId = 0): number[] {
  return values(
    db,
    `SELECT o.id FROM outbox o WHERE o.state IN ${OPEN} AND o.id > :afterId AND o.next_attempt_at <= :now
       AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.psn_no = o.psn_no AND p.id < o.id AND p.state IN ${OPEN})
     ORDER BY o.id`,
    { afterId, now: now.toISOString() },
    OutboxId,
  );
}

const ids = (rows: OutboxRow[]) => rows.map((r) => r.id);
const resolve = (db: Db, id: number, state: 'confirmed' | 'adjusted' | 'rejected' | 'reversed') =>
  db.prepare(`UPDATE outbox SET state = ?, resolved_at = ? WHERE id = ?`).run(state, at(0).toISOString(), id);

describe('outbox heads', () => {
  it("returns each person's earliest open item, in commit order, and the next one once it is resolved", () => {
    const { db } = open();
    const store = new OutboxStore(db);
    const a1 = enqueue(store, db, 'A');
    const b1 = enqueue(store, db, 'B');
    const a2 = enqueue(store, db, 'A');
    const c1 = enqueue(store, db, 'C');
    const b2 = enqueue(store, db, 'B');
    const a3 = enqueue(store, db, 'A');
    expect(ids(store.due(at(0), 100))).toEqual([a1, b1, c1]);
    expect(ids(store.due(at(0), 2))).toEqual([a1, b1]);
    expect(ids(store.due(at(0), 100, b1))).toEqual([c1]);

    resolve(db, a1, 'confirmed');
    expect(ids(store.due(at(0), 100))).toEqual([b1, a2, c1]);
    // A later item resolved out of turn (a refund reversing a queued upload) does not disturb
    // the head; the one after it is reached in order.
    resolve(db, b2, 'reversed');
    resolve(db, b1, 'adjusted');
    expect(ids(store.due(at(0), 100))).toEqual([a2, c1]);
    resolve(db, a2, 'rejected');
    expect(ids(store.due(at(0), 100))).toEqual([c1, a3]);
    resolve(db, c1, 'confirmed');
    resolve(db, a3, 'confirmed');
    expect(store.due(at(0), 100)).toEqual([]);
    expect(store.hasOpen()).toBe(false);
    expect(store.nextAttemptAt()).toBeNull();
  });

  it("a stuck item holds back its own person's later items only", () => {
    const { db } = open();
    const store = new OutboxStore(db);
    const a1 = enqueue(store, db, 'A');
    const a2 = enqueue(store, db, 'A');
    const b1 = enqueue(store, db, 'B');
    const b2 = enqueue(store, db, 'B');
    // A's head is in the air (claimed) and then answered busy: not due again for a minute.
    expect(store.claimMany([{ id: a1, retryAt: at(30_000) }], at(0))).toEqual(new Set([a1]));
    db.prepare("UPDATE outbox SET state = 'queued', next_attempt_at = ? WHERE id = ?").run(at(60_000).toISOString(), a1);
    expect(ids(store.due(at(1000), 100))).toEqual([b1]);
    resolve(db, b1, 'confirmed');
    expect(ids(store.due(at(1000), 100))).toEqual([b2]);
    expect(store.nextAttemptAt()).toBe(at(0).toISOString()); // b2's
    resolve(db, b2, 'confirmed');
    expect(store.nextAttemptAt()).toBe(at(60_000).toISOString()); // a1's retry, not a2's
    expect(store.due(at(59_999), 100)).toEqual([]);
    expect(ids(store.due(at(60_000), 100))).toEqual([a1]);
    resolve(db, a1, 'confirmed');
    expect(ids(store.due(at(60_000), 100))).toEqual([a2]);
  });

  it('claimMany claims only items still open, in one transaction', () => {
    const { db } = open();
    const store = new OutboxStore(db);
    const a1 = enqueue(store, db, 'A');
    const b1 = enqueue(store, db, 'B');
    resolve(db, b1, 'reversed');
    expect(store.claimMany([{ id: a1, retryAt: at(5000) }, { id: b1, retryAt: at(5000) }, { id: 999, retryAt: at(5000) }], at(0))).toEqual(new Set([a1]));
    expect(store.get(a1)).toMatchObject({ state: 'sent', attempts: 1, next_attempt_at: at(5000).toISOString() });
    expect(store.get(b1)).toMatchObject({ state: 'reversed', attempts: 0 });
    // In the air: not due until its resend time.
    expect(store.due(at(4999), 10)).toEqual([]);
    expect(ids(store.due(at(5000), 10))).toEqual([a1]);
  });

  it('agrees with the scan over every row through random enqueues, claims, retries and resolutions', () => {
    const { db } = open();
    // Query logic under test, not durability: no flush per step keeps the run short.
    db.pragma('synchronous = OFF');
    const store = new OutboxStore(db);
    const r = rng(5);
    const persons = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7'];
    let clock = 0;
    for (let step = 0; step < 800; step++) {
      clock += Math.floor(r() * 2000);
      const now = at(clock);
      const open = values(db, `SELECT id FROM outbox WHERE state IN ${OPEN}`, {}, OutboxId);
      const pick = () => open[Math.floor(r() * open.length)]!;
      const op = r();
      if (op < 0.35 || open.length === 0) enqueue(store, db, persons[Math.floor(r() * persons.length)]!, now);
      else if (op < 0.55) store.claimMany([{ id: pick(), retryAt: at(clock + Math.floor(r() * 20_000)) }], now);
      else if (op < 0.7) db.prepare("UPDATE outbox SET state = ?, next_attempt_at = ? WHERE id = ?").run(r() < 0.5 ? 'queued' : 'unknown', at(clock + Math.floor(r() * 20_000)).toISOString(), pick());
      else resolve(db, pick(), (['confirmed', 'adjusted', 'rejected', 'reversed'] as const)[Math.floor(r() * 4)]!);

      const probe = at(clock + Math.floor(r() * 10_000));
      expect(ids(store.due(probe, 1000))).toEqual(dueByScan(db, probe));
      const heads = dueByScan(db, at(Date.parse('2100-01-01T00:00:00Z') - T0));
      const earliest = value(db, `SELECT min(next_attempt_at) FROM outbox WHERE id IN (${heads.join(',') || 'NULL'})`, {}, z.string().nullable());
      expect(store.nextAttemptAt()).toBe(earliest);
      expect(store.hasOpen()).toBe(store.openCount() > 0);
    }
    expect(nextMsg).toBeGreaterThan(200); // the run did enqueue a fair number
  });

  it('is filled from the open items already there when the migration runs', () => {
    // A database at version 8 with open and resolved items, then migrated to 9.
    const old = tempDir('migrations-8-');
    dirs.push(old);
    const all = readdirSync(projectPath('migrations')).filter((f) => f.endsWith('.sql')).sort();
    mkdirSync(old, { recursive: true });
    for (const f of all.slice(0, 8)) copyFileSync(join(projectPath('migrations'), f), join(old, f));
    const { db, dir } = open(old);
    expect(db.pragma('user_version', { simple: true })).toBe(8);
    const raw = (psnNo: string, state: string, next: number) =>
      Number(
        db
          .prepare(
            `INSERT INTO outbox (settlement_id, kind, infno, msgid, psn_no, payload, state, attempts, next_attempt_at, created_at, deadline_at)
             VALUES (?, 'upload', '2207', ?, ?, '{}', ?, 0, ?, ?, ?)`,
          )
          .run(settlement(db, { psnNo }), `MSG${String(++nextMsg).padStart(27, '0')}`, psnNo, state, at(next).toISOString(), at(0).toISOString(), at(0).toISOString()).lastInsertRowid,
      );
    raw('A', 'confirmed', 0);
    const a2 = raw('A', 'unknown', 9000);
    raw('A', 'queued', 0);
    raw('B', 'rejected', 0);
    const b2 = raw('B', 'queued', 0);
    raw('C', 'adjusted', 0);
    settlement(db, { psnNo: 'D', online: false, total: 700, day: '2026-11-19' });
    settlement(db, { psnNo: 'D', online: true, total: 5000, day: '2026-11-19' });
    const expectedTotals = db
      .prepare('SELECT created_day AS day, sum(total) AS total FROM settlements WHERE online = 0 AND refund_of IS NULL GROUP BY created_day ORDER BY created_day')
      .all();
    db.close();
    dbs = dbs.filter((d) => d !== db);

    const { db: db9 } = openDatabase({ file: join(dir, 'cashier.db') });
    dbs.push(db9);
    expect(db9.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(9);
    expect(db9.prepare('SELECT psn_no, outbox_id, next_attempt_at FROM outbox_heads ORDER BY outbox_id').all()).toEqual([
      { psn_no: 'A', outbox_id: a2, next_attempt_at: at(9000).toISOString() },
      { psn_no: 'B', outbox_id: b2, next_attempt_at: at(0).toISOString() },
    ]);
    expect(db9.prepare('SELECT day, total FROM offline_day_totals ORDER BY day').all()).toEqual(expectedTotals);
  });
});

describe('offline day totals', () => {
  it("equal the sum of the day's offline settlements that are not refunds", () => {
    const { db } = open();
    const r = rng(11);
    const days = ['2026-11-20', '2026-11-21', '2026-11-22'];
    const made: string[] = [];
    for (let i = 0; i < 300; i++) {
      const refundOf = r() < 0.1 && made.length ? made[Math.floor(r() * made.length)]! : null;
      // A refund row of an already refunded settlement would break the one-refund index: skip those.
      if (refundOf && db.prepare('SELECT 1 FROM settlements WHERE refund_of = ?').get(refundOf)) continue;
      const id = settlement(db, { psnNo: `P${i % 9}`, online: r() < 0.3, total: refundOf ? -500 : 1 + Math.floor(r() * 50_000), day: days[Math.floor(r() * days.length)]!, refundOf });
      made.push(id);
    }
    const bySum = db.prepare('SELECT created_day AS day, sum(total) AS total FROM settlements WHERE online = 0 AND refund_of IS NULL GROUP BY created_day ORDER BY created_day').all();
    expect(db.prepare('SELECT day, total FROM offline_day_totals ORDER BY day').all()).toEqual(bySum);
    expect(bySum.length).toBe(3);
  });
});
