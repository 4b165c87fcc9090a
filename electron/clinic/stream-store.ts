// The window's side of the clinic stream: markers of changed records (migration 0013, kept by
// triggers on the streamed tables). This module owns clinic_stream and clinic_stream_state.
import type { Db } from '../db/open';

export type RecordKind = 'settlement' | 'adjustment' | 'notice' | 'shift' | 'cash_movement' | 'shift_correction' | 'worklist_action' | 'audit';

export interface Marker {
  seq: number;
  kind: RecordKind;
  record_id: string;
  at: string;
}

/** Every record that exists now, by kind (each query names its key `id`): what enabling the stream marks. */
const BACKFILL: readonly [RecordKind, string][] = [
  ['settlement', 'SELECT id FROM settlements ORDER BY created_at, id'],
  ['adjustment', 'SELECT id FROM adjustments ORDER BY id'],
  ['notice', 'SELECT notice_id AS id FROM center_notices ORDER BY received_at, notice_id'],
  ['shift', 'SELECT id FROM shifts ORDER BY opened_at, id'],
  ['cash_movement', 'SELECT id FROM cash_movements ORDER BY id'],
  ['shift_correction', 'SELECT id FROM shift_corrections ORDER BY id'],
  ['worklist_action', 'SELECT id FROM worklist_actions ORDER BY id'],
  ['audit', 'SELECT id FROM audit_log ORDER BY id'],
];

export class ClinicStreamStore {
  constructor(private readonly db: Db) {}

  enabled(): boolean {
    return (this.db.prepare('SELECT enabled FROM clinic_stream_state').pluck().get() as number) === 1;
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
        n += this.db.prepare(`INSERT INTO clinic_stream (kind, record_id, at) SELECT '${kind}', CAST(t.id AS TEXT), ? FROM (${sql}) t`).run(at).changes;
      }
      this.db.prepare('UPDATE clinic_stream_state SET enabled = 1, changed_at = ?').run(at);
      return n;
    }).immediate();
  }

  /** Stop keeping markers and forget the unsent ones (enabling again marks everything anew). */
  disable(now: Date): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE clinic_stream_state SET enabled = 0, changed_at = ?').run(now.toISOString());
      this.db.prepare('DELETE FROM clinic_stream').run();
    }).immediate();
  }

  /** The oldest markers, in commit order. */
  pending(limit: number): Marker[] {
    return this.db.prepare('SELECT seq, kind, record_id, at FROM clinic_stream ORDER BY seq LIMIT ?').all(limit) as Marker[];
  }

  /** Markers up to `seq` were committed in PostgreSQL: forget them. */
  sent(upToSeq: number): void {
    this.db.prepare('DELETE FROM clinic_stream WHERE seq <= ?').run(upToSeq);
  }

  /** How many markers wait and since when (the oldest's commit time). */
  backlog(): { pending: number; oldestAt: string | null } {
    const r = this.db.prepare('SELECT count(*) AS n, min(at) AS oldest FROM clinic_stream').get() as { n: number; oldest: string | null };
    return { pending: r.n, oldestAt: r.oldest };
  }
}
