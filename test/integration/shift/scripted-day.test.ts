// A scripted clinic day at one window: dozens of settlements across insurance and visit types,
// refunds, an offline stretch, a rejection, an adjustment, cash in/out, and a drawer that is
// miscounted at close. Every figure of the X report and the handover is checked against sums
// computed here, independently, from the rows the test wrote.
// The journal rows are written straight into the settlements table by ./journal.ts, not through
// settle(): the day is scripted to the fen and the minute (amounts, times, refunds, two cashiers).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../electron/app/clock';
import type { Figure, ShiftReport } from '../../../electron/api/contract/shift';
import type { Session } from '../../../electron/api/session';
import { startTempApp, type TempApp } from '../../helpers/temp-app';
import { values } from '../../../electron/db/sql';
import { z } from 'zod';
import { insertSettlement, prng, refundOf, type JournalRow } from './journal';

let t: TempApp;
let clock: ManualClock;
// Fresh sessions per call: the idle lock runs on the app clock, which this day moves by hours.
const cashier = (): Promise<Session> => t.login('1001');
const supervisor = (): Promise<Session> => t.login('2001');

beforeEach(async () => {
  clock = new ManualClock(new Date('2026-03-16T08:00:00+08:00'));
  t = await startTempApp({ clock });
});
afterEach(async () => {
  await t.close();
});

async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** The independent sums: plain reduce over the rows, no shared code with the part. */
function sums(rows: JournalRow[]): Figure {
  const sales = rows.filter((r) => !r.refundOf);
  const refunds = rows.filter((r) => r.refundOf);
  const add = (k: 'total' | 'fund' | 'critical' | 'account' | 'cash') => rows.reduce((s, r) => s + r[k], 0);
  return {
    count: sales.length,
    refundCount: refunds.length,
    gross: sales.reduce((s, r) => s + r.total, 0),
    refunded: refunds.reduce((s, r) => s + r.total, 0),
    total: add('total'),
    fund: add('fund'),
    critical: add('critical'),
    account: add('account'),
    cash: add('cash'),
  };
}

function groupSums(rows: JournalRow[], key: (r: JournalRow) => string): Record<string, Figure> {
  const keys = [...new Set(rows.map(key))];
  return Object.fromEntries(keys.map((k) => [k, sums(rows.filter((r) => key(r) === k))]));
}

describe('a scripted day', () => {
  it('every X-report and handover figure equals the independently computed sums; close is blind and freezes', async () => {
    // Opening float: 2×100 + 4×50 + 5×20 + 10×10 + 10×5 + 20×1 yuan + 10×5 jiao + 10×1 jiao = 676.00
    const float = [
      { denomination: 10000, count: 2 },
      { denomination: 5000, count: 4 },
      { denomination: 2000, count: 5 },
      { denomination: 1000, count: 10 },
      { denomination: 500, count: 10 },
      { denomination: 100, count: 20 },
      { denomination: 50, count: 10 },
      { denomination: 10, count: 10 },
    ];
    const notOpen = await t.call(await cashier(), 'shift.cashio', { direction: 'in', amount: 100, reason: '找零' });
    expect(notOpen.ok ? null : notOpen.error.code).toBe('SHIFT_NOT_OPEN');
    expect(t.app.shift.currentShiftId('1001')).toBeNull();

    const shift = await ok(t.call(await cashier(), 'shift.open', { counts: float }));
    expect(shift.openingFloat).toBe(67600);
    expect(t.app.shift.currentShiftId('1001')).toBe(shift.id);
    const again = await t.call(await cashier(), 'shift.open', { counts: float });
    expect(again.ok ? null : again.error.code).toBe('SHIFT_ALREADY_OPEN');

    // The day's journal.
    const rnd = prng(20260316);
    const rows: JournalRow[] = [];
    const types = [
      ['310', 'employee'],
      ['390', 'resident'],
    ] as const;
    const visits = ['outpatient', 'chronic', 'inpatient'] as const;
    for (let i = 1; i <= 48; i++) {
      clock.advance(Math.floor(rnd() * 15 + 5) * 60_000);
      const [insutype, insuranceType] = types[Math.floor(rnd() * 2)]!;
      const visitType = visits[Math.floor(rnd() * 3)]!;
      const total = Math.floor(rnd() * 60_000) + 500;
      const fund = Math.floor(total * 0.6);
      const critical = insuranceType === 'resident' && visitType === 'inpatient' ? Math.floor(total * 0.1) : 0;
      const account = insuranceType === 'employee' ? Math.floor((total - fund - critical) / 2) : 0;
      const cash = total - fund - critical - account;
      const offline = i >= 20 && i < 28; // the center was unreachable for a stretch
      const state = offline ? 'provisional' : i === 11 ? 'rejected' : i === 14 ? 'adjusted' : 'confirmed';
      const row: JournalRow = {
        id: `S${String(i).padStart(4, '0')}`,
        createdAt: clock.now(),
        operatorId: '1001',
        shiftId: shift.id,
        insutype,
        insuranceType,
        visitType,
        online: !offline,
        state,
        refundOf: null,
        total,
        fund,
        critical,
        account,
        cash,
      };
      insertSettlement(t.app.db, row);
      rows.push(row);
      if (i === 30) {
        await ok(t.call(await cashier(), 'shift.cashio', { direction: 'in', amount: 20000, reason: '银行换零钱' }));
      }
      if (i === 40) {
        await ok(t.call(await cashier(), 'shift.cashio', { direction: 'out', amount: 150000, reason: '中途解款' }));
      }
    }
    // Three refunds, each its own row with negated amounts.
    for (const [n, of] of [[1, 'S0003'], [2, 'S0017'], [3, 'S0035']] as const) {
      clock.advance(7 * 60_000);
      const orig = rows.find((r) => r.id === of)!;
      t.app.db.prepare("UPDATE settlements SET state = 'refunded' WHERE id = ?").run(of);
      orig.state = 'refunded';
      const refund = refundOf(orig, `R${n}`, clock.now(), shift.id, '1001');
      insertSettlement(t.app.db, refund);
      rows.push(refund);
    }
    // Another operator's settlement must not leak into this shift.
    insertSettlement(t.app.db, { ...rows[0]!, id: 'OTHER1', operatorId: '1002', shiftId: 'SH-other' });

    const tooMuch = await t.call(await cashier(), 'shift.cashio', { direction: 'out', amount: 100_000_000, reason: '测试' });
    expect(tooMuch.ok ? null : tooMuch.error.code).toBe('CASH_OUT_EXCEEDS_DRAWER');

    // Expected figures, computed independently.
    const all = sums(rows);
    const expectedCash = 67600 + 20000 - 150000 + all.cash;
    expect(all.count).toBe(48);
    expect(all.refundCount).toBe(3);

    // X report as the cashier: everything but the expected cash (the close is blind).
    const xCashier = await ok(t.call(await cashier(), 'shift.xreport', {}));
    expect(xCashier.kind).toBe('x');
    expect(xCashier.figures.cash.expected).toBeNull();
    expect(xCashier.figures.all).toEqual(all);

    // X report as the supervisor: every figure.
    const x = await ok(t.call(await supervisor(), 'shift.xreport', { shiftId: shift.id }));
    checkFigures(x, rows, expectedCash);

    // Close with a miscounted drawer (one 10-yuan note missing): blind refusal without a note,
    // and nothing changes.
    const counted = countsFor(expectedCash - 1000);
    const refused = await t.call(await cashier(), 'shift.close', { counts: counted });
    expect(refused.ok ? null : refused.error.code).toBe('SHIFT_NOTE_REQUIRED');
    expect(refused.ok ? '' : refused.error.message).not.toContain(String(expectedCash));
    expect(t.app.shift.currentShiftId('1001')).toBe(shift.id);

    const closed = await ok(t.call(await cashier(), 'shift.close', { counts: counted, note: '少一张10元，原因待查' }));
    expect(closed.kind).toBe('handover');
    // One computation: the handover equals the X report taken at the same moment.
    expect(closed.figures).toEqual(x.figures);
    expect(closed.shift.state).toBe('closed');
    expect(closed.shift.countedCash).toBe(expectedCash - 1000);
    expect(closed.shift.expectedCash).toBe(expectedCash);
    expect(closed.shift.variance).toBe(-1000);
    expect(closed.shift.handoverHash).toMatch(/^[0-9a-f]{64}$/);
    expect(t.app.shift.currentShiftId('1001')).toBeNull();

    // A late settlement row would not change the frozen handover.
    insertSettlement(t.app.db, { ...rows[1]!, id: 'LATE1', createdAt: clock.now() });
    const frozen = await ok(t.call(await supervisor(), 'shift.report', { shiftId: shift.id }));
    expect(frozen.figures).toEqual(closed.figures);

    // Sign-off: not by the cashier, not twice; afterwards the row cannot change, only be corrected.
    const byCashier = await t.call(await cashier(), 'shift.signoff', { shiftId: shift.id });
    expect(byCashier.ok ? null : byCashier.error.code).toBe('FORBIDDEN');
    // The count differs: no sign-off without the supervisor's note (main-process rule, not only the window's).
    const bare = await t.call(await supervisor(), 'shift.signoff', { shiftId: shift.id });
    expect(bare.ok ? null : bare.error).toMatchObject({ code: 'SIGNOFF_NOTE_REQUIRED', details: { kind: expect.stringMatching(/short|over/) } });
    const signed = await ok(t.call(await supervisor(), 'shift.signoff', { shiftId: shift.id, note: '差额已登记' }));
    expect(signed.state).toBe('signed');
    expect(signed.signedBy).toBe('2001');
    const twice = await t.call(await supervisor(), 'shift.signoff', { shiftId: shift.id });
    expect(twice.ok ? null : twice.error.code).toBe('SHIFT_ALREADY_SIGNED');
    expect(() => t.app.db.prepare('UPDATE shifts SET counted_cash = 0 WHERE id = ?').run(shift.id)).toThrow(/frozen/);

    const corrected = await ok(t.call(await supervisor(), 'shift.correct', { shiftId: shift.id, cashDelta: 1000, note: '10元在抽屉夹层找到' }));
    expect(corrected.corrections).toHaveLength(1);
    expect(corrected.countedCash).toBe(expectedCash - 1000);
    expect(corrected.correctedCash).toBe(expectedCash);
    expect(corrected.correctedVariance).toBe(0);

    // Every change is in the audit log, and the chain still verifies.
    const actions = values(t.app.db, 'SELECT action FROM audit_log', {}, z.string()).join(',');
    for (const a of ['shift.open', 'shift.cashio', 'shift.close', 'shift.signoff', 'shift.correct', 'shift.correction']) expect(actions).toContain(a);
    expect(t.app.audit.verify().ok).toBe(true);
  });

  it('refuses bad counts and changes nothing', async () => {
    const bad = await t.call(await cashier(), 'shift.open', { counts: [{ denomination: 300, count: 1 }] });
    expect(bad.ok ? null : bad.error.code).toBe('INVALID_INPUT');
    const dup = await t.call(await cashier(), 'shift.open', {
      counts: [
        { denomination: 100, count: 1 },
        { denomination: 100, count: 2 },
      ],
    });
    expect(dup.ok ? null : dup.error.code).toBe('INVALID_DENOMINATION');
    expect(t.app.db.prepare('SELECT count(*) FROM shifts').pluck().get()).toBe(0);
  });
});

/** A drawer count that adds up to `fen` (largest notes first). */
function countsFor(fen: number): { denomination: number; count: number }[] {
  const out: { denomination: number; count: number }[] = [];
  let left = fen;
  for (const d of [10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 2, 1]) {
    const n = Math.floor(left / d);
    if (n > 0) out.push({ denomination: d, count: n });
    left -= n * d;
  }
  return out;
}

function checkFigures(report: ShiftReport, rows: JournalRow[], expectedCash: number): void {
  const f = report.figures;
  expect(f.all).toEqual(sums(rows));
  expect(f.byInsuranceType).toEqual(groupSums(rows, (r) => r.insuranceType));
  expect(f.byVisitType).toEqual(groupSums(rows, (r) => r.visitType));
  expect(f.byState).toEqual(groupSums(rows, (r) => r.state));
  expect(f.online).toEqual(sums(rows.filter((r) => r.online)));
  expect(f.offline).toEqual(sums(rows.filter((r) => !r.online)));
  expect(f.offline.count).toBe(8);
  expect(f.byState.rejected?.count).toBe(1);
  expect(f.byState.adjusted?.count).toBe(1);
  const hourly = new Map<string, { count: number; total: number }>();
  for (const r of rows) {
    const h = String((r.createdAt.getUTCHours() + 8) % 24).padStart(2, '0');
    const v = hourly.get(h) ?? { count: 0, total: 0 };
    if (!r.refundOf) v.count++;
    v.total += r.total;
    hourly.set(h, v);
  }
  expect(f.hourly).toEqual([...hourly.entries()].sort().map(([hour, v]) => ({ hour, ...v })));
  expect(f.cash).toEqual({
    openingFloat: 67600,
    cashIn: 20000,
    cashOut: 150000,
    settlementCash: rows.reduce((s, r) => s + r.cash, 0),
    deposits: { paidIn: 0, paidBack: 0, netted: 0 },
    expected: expectedCash,
  });
  expect(f.movements.map((m) => [m.direction, m.amount])).toEqual([
    ['in', 20000],
    ['out', 150000],
  ]);
}
