// Writing a batch of a window's records into the clinic's PostgreSQL: one transaction, one
// statement per table, each row passed as JSON (jsonb_populate_recordset casts it to the
// table's own column types). Idempotent on (window, record): a row already there is replaced
// only by a newer version, so a batch resent after any crash changes nothing, and a later
// state never loses to an earlier one.
import type pg from 'pg';
import { SETTLEMENT_COLUMNS, type ClinicRecord, type ClinicSettlement } from './snapshots';

const S_COLS = SETTLEMENT_COLUMNS.join(', ');
const S_SET = SETTLEMENT_COLUMNS.filter((c) => c !== 'window_id' && c !== 'id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');

const UPSERT_SETTLEMENTS = `INSERT INTO settlements (${S_COLS}, streamed_at)
  SELECT ${S_COLS}, now() FROM jsonb_populate_recordset(NULL::settlements, $1::jsonb)
  ON CONFLICT (window_id, id) DO UPDATE SET ${S_SET}, streamed_at = now()
  WHERE settlements.version < excluded.version`;

const UPSERT_RECORDS = `INSERT INTO records (window_id, kind, record_id, version, body, streamed_at)
  SELECT window_id, kind, record_id, version, body, now() FROM jsonb_populate_recordset(NULL::records, $1::jsonb)
  ON CONFLICT (window_id, kind, record_id) DO UPDATE SET version = excluded.version, body = excluded.body, streamed_at = now()
  WHERE records.version < excluded.version`;

export interface BatchResult {
  /** Rows inserted or replaced by a newer version. */
  written: number;
}

export async function writeBatch(client: pg.ClientBase, settlements: readonly ClinicSettlement[], records: readonly ClinicRecord[]): Promise<BatchResult> {
  await client.query('BEGIN');
  try {
    let written = 0;
    if (settlements.length) written += (await client.query(UPSERT_SETTLEMENTS, [JSON.stringify(settlements)])).rowCount ?? 0;
    if (records.length) written += (await client.query(UPSERT_RECORDS, [JSON.stringify(records)])).rowCount ?? 0;
    await client.query('COMMIT');
    return { written };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}
