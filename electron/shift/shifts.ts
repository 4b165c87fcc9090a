// Shifts: open with a float, cash in/out, X report, blind close, sign-off, corrections.
// State lives in SQLite only; every change is one transaction.
import { createHash } from 'node:crypto';
import type {
  CashMovementView,
  DenominationCount,
  ShiftCorrectionView,
  ShiftFigures,
  ShiftReport,
  ShiftView,
} from '../api/contract/shift';
import { AppError } from '../api/result';
import { chinaDate } from '../app/clock';
import type { CoreApp } from '../app/core';
import { operatorName } from '../auth/operator-names';
import { countTotal, normalizeCounts } from './denominations';
import { ShiftFiguresQuery } from './figures';
import { fenToYuan } from '../api/money';
import { z } from 'zod';
import { fenColumn, insertInto, many, one, run, value } from '../db/sql';

/** The clinic stream's queries over this module's tables: ids for the backfill and one record per kind. */
export const SHIFT_STREAM_SQL = {
  shiftIds: 'SELECT id FROM shifts ORDER BY opened_at, id',
  cashMovementIds: 'SELECT id FROM cash_movements ORDER BY id',
  shiftCorrectionIds: 'SELECT id FROM shift_corrections ORDER BY id',
  // The frozen handover JSON stays at the window (its hash identifies it); the figures the
  // clinic needs come from the settlements themselves.
  shift: `SELECT id, operator_id, opened_at, opened_day, state, opening_float, closed_at, counted_cash, expected_cash, variance,
                 close_note, handover_hash, signed_by, signed_at, signoff_note FROM shifts WHERE id = :id`,
  cashMovement: 'SELECT * FROM cash_movements WHERE id = :id',
  shiftCorrection: 'SELECT * FROM shift_corrections WHERE id = :id',
} as const;

const maybeText = z.string().nullable();
const ShiftRow = z.object({
  id: z.string(),
  operator_id: z.string(),
  opened_at: z.string(),
  opened_day: z.string(),
  state: z.enum(['open', 'closed', 'signed']),
  opening_float: fenColumn,
  opening_counts: z.string(),
  closed_at: maybeText,
  counted_cash: fenColumn.nullable(),
  counted_counts: maybeText,
  expected_cash: fenColumn.nullable(),
  variance: fenColumn.nullable(),
  close_note: maybeText,
  handover: maybeText,
  handover_hash: maybeText,
  signed_by: maybeText,
  signed_at: maybeText,
  signoff_note: maybeText,
});
type ShiftRow = z.output<typeof ShiftRow>;
const CorrectionRow = z.object({ id: z.number().int(), at: z.string(), operatorId: z.string(), cashDelta: fenColumn, note: z.string() }) satisfies z.ZodType<ShiftCorrectionView>;

export interface Actor {
  id: string;
  role: 'cashier' | 'supervisor' | 'admin';
}

export class ShiftService {
  private readonly figures: ShiftFiguresQuery;

  constructor(private readonly core: CoreApp) {
    this.figures = new ShiftFiguresQuery(core.db);
  }

  /** The operator's open shift, or null. The settlement part refuses to settle without one. */
  currentShiftId(operatorId: string): string | null {
    return value(this.core.db, "SELECT id FROM shifts WHERE operator_id = :operatorId AND state = 'open'", { operatorId }, z.string()) ?? null;
  }

  current(operatorId: string): ShiftView | null {
    const id = this.currentShiftId(operatorId);
    return id ? this.view(this.row(id)) : null;
  }

  open(operatorId: string, counts: DenominationCount[]): ShiftView {
    const float = countTotal(counts);
    const now = this.core.clock.now();
    const day = chinaDate(now);
    const db = this.core.db;
    const id = db.transaction(() => {
      if (this.currentShiftId(operatorId)) {
        throw new AppError('SHIFT_ALREADY_OPEN', '您已有未结班次，请先结班再开新班。', { shiftId: this.currentShiftId(operatorId) });
      }
      const n = (value(db, 'SELECT count(*) FROM shifts WHERE operator_id = :operatorId AND opened_day = :day', { operatorId, day }, z.number().int()) ?? 0) + 1;
      const newId = `SH-${day.replaceAll('-', '')}-${operatorId}-${n}`;
      insertInto(db, 'shifts', {
        id: newId,
        operator_id: operatorId,
        opened_at: now.toISOString(),
        opened_day: day,
        state: 'open',
        opening_float: float,
        opening_counts: JSON.stringify(normalizeCounts(counts)),
      });
      return newId;
    })();
    return this.view(this.row(id));
  }

  cashMovement(operatorId: string, direction: 'in' | 'out', amount: number, reason: string): CashMovementView {
    if (!Number.isInteger(amount) || amount <= 0) throw new AppError('INVALID_AMOUNT', '金额必须是大于零的整数（分）。');
    if (!reason.trim()) throw new AppError('REASON_REQUIRED', '现金存取必须写明原因。');
    const db = this.core.db;
    return db.transaction(() => {
      const id = this.requireOpen(operatorId);
      if (direction === 'out') {
        const expected = this.computeFigures(this.row(id)).cash.expected ?? 0;
        if (amount > expected) {
          throw new AppError('CASH_OUT_EXCEEDS_DRAWER', `取出金额 ${fenToYuan(amount)} 元超过钱箱应有现金，请核对后再取。`);
        }
      }
      const at = this.core.clock.now().toISOString();
      const r = insertInto(db, 'cash_movements', { shift_id: id, at, direction, amount, reason: reason.trim(), operator_id: operatorId });
      return { id: Number(r.lastInsertRowid), at, direction, amount, reason: reason.trim(), operatorId };
    })();
  }

  /** The X report of an open shift (live) or the frozen handover of a closed one. */
  report(shiftId: string): ShiftReport {
    const row = this.row(shiftId);
    if (row.state === 'open') return { kind: 'x', shift: this.view(row), figures: this.computeFigures(row) };
    return { kind: 'handover', shift: this.view(row), figures: JSON.parse(row.handover ?? '{}') as ShiftFigures };
  }

  /**
   * Close with a blind count: the cashier never sees the expected amount first. A variance
   * needs a note; the figures of that moment are frozen as the handover record.
   */
  close(operatorId: string, counts: DenominationCount[], note: string | undefined): ShiftReport {
    const counted = countTotal(counts);
    const db = this.core.db;
    const id = db.transaction(() => {
      const shiftId = this.requireOpen(operatorId);
      const row = this.row(shiftId);
      const figures = this.computeFigures(row);
      const expected = figures.cash.expected ?? 0;
      const variance = counted - expected;
      if (variance !== 0 && !note?.trim()) {
        // Blind: say that it differs, not by how much, so the drawer is recounted honestly.
        throw new AppError('SHIFT_NOTE_REQUIRED', '点钞金额与应有现金不符：请重新点钞；如确认无误，请填写差异说明后再结班。');
      }
      const handover = JSON.stringify(figures);
      const hash = createHash('sha256').update(handover).digest('hex');
      run(
        db,
        `UPDATE shifts SET state = 'closed', closed_at = :closedAt, counted_cash = :counted, counted_counts = :counts, expected_cash = :expected,
           variance = :variance, close_note = :note, handover = :handover, handover_hash = :hash WHERE id = :shiftId`,
        {
          closedAt: figures.asOf,
          counted,
          counts: JSON.stringify(normalizeCounts(counts)),
          expected,
          variance,
          note: note?.trim() || null,
          handover,
          hash,
          shiftId,
        },
      );
      return shiftId;
    })();
    return this.report(id);
  }

  signoff(supervisorId: string, shiftId: string, note: string | undefined): ShiftView {
    const db = this.core.db;
    db.transaction(() => {
      const row = this.row(shiftId);
      if (row.state === 'open') throw new AppError('SHIFT_NOT_CLOSED', '该班次尚未结班，不能签核。');
      if (row.state === 'signed') throw new AppError('SHIFT_ALREADY_SIGNED', `该班次已由 ${row.signed_by} 签核，不能再改；如需更正请追加更正记录。`);
      if (row.operator_id === supervisorId) throw new AppError('SHIFT_SELF_SIGNOFF', '不能签核自己的班次，请由另一位主管签核。');
      // A drawer that is short or over is signed off only with the supervisor's words on why (issue 13);
      // the window asks too, but this is the rule, whatever the caller.
      if (row.variance !== null && row.variance !== 0 && !note?.trim()) {
        const amount = fenToYuan(Math.abs(row.variance));
        const kind = row.variance < 0 ? 'short' : 'over';
        throw new AppError('SIGNOFF_NOTE_REQUIRED', `现金${kind === 'short' ? '短款' : '长款'} ${amount} 元：签核必须写明说明。`, { kind, amount });
      }
      run(db, "UPDATE shifts SET state = 'signed', signed_by = :supervisorId, signed_at = :now, signoff_note = :note WHERE id = :shiftId", {
        supervisorId,
        now: this.core.clock.now().toISOString(),
        note: note?.trim() || null,
        shiftId,
      });
    })();
    return this.view(this.row(shiftId));
  }

  /** A new audited entry on a closed or signed shift; the frozen record itself never changes. */
  correct(supervisorId: string, shiftId: string, cashDelta: number, note: string): ShiftView {
    if (!note.trim()) throw new AppError('NOTE_REQUIRED', '更正必须写明说明。');
    const db = this.core.db;
    db.transaction(() => {
      const row = this.row(shiftId);
      if (row.state === 'open') throw new AppError('SHIFT_NOT_CLOSED', '该班次尚未结班：未结班次请直接存取现金或在结班时说明。');
      insertInto(db, 'shift_corrections', {
        shift_id: shiftId,
        at: this.core.clock.now().toISOString(),
        operator_id: supervisorId,
        cash_delta: cashDelta,
        note: note.trim(),
      });
      this.core.audit.append({ action: 'shift.correction', operatorId: supervisorId, subject: shiftId, detail: { cashDelta, note: note.trim() } });
    })();
    return this.view(this.row(shiftId));
  }

  list(filter: { from?: string | undefined; to?: string | undefined; state?: string | undefined }): ShiftView[] {
    const rows = many(
      this.core.db,
      `SELECT * FROM shifts WHERE opened_day >= :from AND opened_day <= :to AND (:state IS NULL OR state = :state)
       ORDER BY opened_at DESC LIMIT 500`,
      { from: filter.from ?? '0000-00-00', to: filter.to ?? '9999-99-99', state: filter.state ?? null },
      ShiftRow,
    );
    return rows.map((r) => this.view(r));
  }

  /** The open shift's id or SHIFT_NOT_OPEN. */
  requireOpen(operatorId: string): string {
    const id = this.currentShiftId(operatorId);
    if (!id) throw new AppError('SHIFT_NOT_OPEN', '您还没有开班：请先开班（登记备用金）。');
    return id;
  }

  computeFigures(row: ShiftRow): ShiftFigures {
    return this.figures.compute(row, this.core.clock.now());
  }

  row(shiftId: string): ShiftRow {
    const row = one(this.core.db, 'SELECT * FROM shifts WHERE id = :shiftId', { shiftId }, ShiftRow);
    if (!row) throw new AppError('SHIFT_NOT_FOUND', `没有班次 ${shiftId}。`, { shiftId });
    return row;
  }

  view(row: ShiftRow): ShiftView {
    const corrections = many(
      this.core.db,
      'SELECT id, at, operator_id AS operatorId, cash_delta AS cashDelta, note FROM shift_corrections WHERE shift_id = :shiftId ORDER BY id',
      { shiftId: row.id },
      CorrectionRow,
    );
    const delta = corrections.reduce((s, c) => s + c.cashDelta, 0);
    const name = operatorName(this.core.db, row.operator_id);
    return {
      id: row.id,
      operatorId: row.operator_id,
      operatorName: name ?? row.operator_id,
      state: row.state,
      openedAt: row.opened_at,
      openedDay: row.opened_day,
      openingFloat: row.opening_float,
      openingCounts: JSON.parse(row.opening_counts) as DenominationCount[],
      closedAt: row.closed_at,
      countedCash: row.counted_cash,
      countedCounts: row.counted_counts ? (JSON.parse(row.counted_counts) as DenominationCount[]) : null,
      expectedCash: row.expected_cash,
      variance: row.variance,
      closeNote: row.close_note,
      handoverHash: row.handover_hash,
      signedBy: row.signed_by,
      signedAt: row.signed_at,
      signoffNote: row.signoff_note,
      corrections,
      correctedCash: row.counted_cash === null ? null : row.counted_cash + delta,
      correctedVariance: row.variance === null ? null : row.variance + delta,
    };
  }
}

/** What a cashier may see of a report before the drawer is counted: no expected cash. */
export function blindForCashier(report: ShiftReport): ShiftReport {
  if (report.kind !== 'x') return report;
  return { ...report, figures: { ...report.figures, cash: { ...report.figures.cash, expected: null } } };
}
