// The window's side of the clinic stream: markers of changed records (migration 0013, kept by
// triggers on the streamed tables). This module owns clinic_stream and clinic_stream_state.
import { AUDIT_STREAM_SQL } from '../auth/audit';
import type { Db } from '../db/open';
import { z } from 'zod';
import { many, one, run, value } from '../db/sql';
import { SETTLEMENT_STREAM_SQL } from '../settlement/owner';
import { RECEIVABLE_STREAM_SQL } from '../shift/receivables';
import { SHIFT_STREAM_SQL } from '../shift/shifts';
import { WORKLIST_STREAM_SQL } from '../shift/worklist';

export type RecordKind = 'settlement' | 'adjustment' | 'notice' | 'shift' | 'cash_movement' | 'shift_correction' | 'worklist_action' | 'audit';

const RECORD_KINDS = ['settlement', 'adjustment', 'notice', 'shift', 'cash_movement', 'shift_correction', 'worklist_action', 'audit'] as const satisfies readonly RecordKind[];
const Marker = z.object({ seq: z.number().int(), kind: z.enum(RECORD_KINDS), record_id: z.string(), at: z.string() });
export type Marker = z.output<typeof Marker>;

/**
 * Every record that exists now, by kind (each query names its key `id`): what enabling the
 * stream marks. The queries are the owners' (each table's SQL stays in its owning module).
 * The fleet test uses them too: every record id a window has is in PostgreSQL once.
 */
export const BACKFILL: readonly [RecordKind, string][] = [
  ['settlement', SETTLEMENT_STREAM_SQL.settlementIds],
  ['adjustment', SETTLEMENT_STREAM_SQL.adjustmentIds],
  ['notice', RECEIVABLE_STREAM_SQL.noticeIds],
  ['shift', SHIFT_STREAM_SQL.shiftIds],
  ['cash_movement', SHIFT_STREAM_SQL.cashMovementIds],
  ['shift_correction', SHIFT_STREAM_SQL.shiftCorrectionIds],
  ['worklist_action', WORKLIST_STREAM_SQL.actionIds],
  ['audit', AUDIT_STREAM_SQL.ids],
];

export class ClinicStreamStore {
  constructor(private readonly db: Db) {}

  enabled(): boolean {
    return value(this.db, 'SELECT enabled FROM clinic_stream_state', {}, z.number().int()) === 1;
  }

  /**
   * Start keeping markers. The first time (or again after the stream was switched off) every
   * existing record is marked, so a window that joins a clinic brings its history along.
   * Returns how many records were marked.
   */
  enable(now: Date): number {
    return this.db.transaction((): number => {
      if (this.enabled()) return 0;
      const at = now.toISOString();
      let n = 0;
      for (const [kind, sql] of BACKFILL) {
        n += run(this.db, `INSERT INTO clinic_stream (kind, record_id, at) SELECT :kind, CAST(t.id AS TEXT), :at FROM (${sql}) t`, { kind, at }).changes;
      }
      run(this.db, 'UPDATE clinic_stream_state SET enabled = 1, changed_at = :at', { at });
      return n;
    }).immediate();
  }

  /** Stop keeping markers and forget the unsent ones (enabling again marks everything anew). */
  disable(now: Date): void {
    this.db.transaction(() => {
      run(this.db, 'UPDATE clinic_stream_state SET enabled = 0, changed_at = :at', { at: now.toISOString() });
      run(this.db, 'DELETE FROM clinic_stream', {});
    }).immediate();
  }

  /** The oldest markers, in commit order. */
  pending(limit: number): Marker[] {
    return many(this.db, 'SELECT seq, kind, record_id, at FROM clinic_stream ORDER BY seq LIMIT :limit', { limit }, Marker);
  }

  /** Markers up to `seq` were committed in PostgreSQL: forget them. */
  sent(upToSeq: number): void {
    run(this.db, 'DELETE FROM clinic_stream WHERE seq <= :upToSeq', { upToSeq });
  }

  /** How many markers wait and since when (the oldest's commit time). */
  backlog(): { pending: number; oldestAt: string | null } {
    const r = one(this.db, 'SELECT count(*) AS n, min(at) AS oldest FROM clinic_stream', {}, z.object({ n: z.number().int(), oldest: z.string().nullable() }));
    return { pending: r?.n ?? 0, oldestAt: r?.oldest ?? null };
  }
}
