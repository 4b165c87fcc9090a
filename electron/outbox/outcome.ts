// What an answer from the center does to the outbox row and its settlement: one transaction
// per answer, guarded so that a late answer for an item already resolved (or reversed by a
// refund meanwhile) changes nothing.
import type { CoreApp } from '../app/core';
import { diffAgainstCenter, MONEY_FIELDS, moneyFromRow, type MoneyColumn } from '../settlement/mapping';
import { stmt } from '../db/statements';
import type { CenterOutcome } from '../settlement/ports';
import { OPEN_STATES, type OutboxRow, type OutboxState, type OutboxStore } from './store';

export interface AppliedOutcome {
  outboxId: number;
  settlementId: string;
  state: OutboxState;
  /** Final (confirmed / adjusted / rejected) or to be retried. */
  final: boolean;
  /** Whether the row was still open and took the answer. */
  applied: boolean;
}

// Only the money columns: the row's JSON columns (explanation, snapshots) are large and unused here.
const MONEY_ROW_SQL = `SELECT ${MONEY_FIELDS.map(([c]) => c).join(', ')} FROM settlements WHERE id = ?`;

function objectOr(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

export function applyOutcome(core: CoreApp, outbox: OutboxStore, row: OutboxRow, outcome: CenterOutcome, retryAt: Date): AppliedOutcome {
  const db = core.db;
  const at = core.clock.now();
  const now = at.toISOString();
  const base = { outboxId: row.id, settlementId: row.settlement_id };
  return db.transaction((): AppliedOutcome => {
    const current = outbox.stateOf(row.id);
    if (!current || !OPEN_STATES.includes(current)) {
      return { ...base, state: current ?? 'reversed', final: true, applied: false };
    }
    if (outcome.kind === 'busy' || outcome.kind === 'unknown') {
      const state: OutboxState = outcome.kind === 'busy' ? 'queued' : 'unknown';
      const err = outcome.kind === 'busy' ? `中心繁忙(-9)：${outcome.message}` : `结果未知：${outcome.reason}`;
      outbox.retryLater(row.id, state, err, retryAt);
      return { ...base, state, final: false, applied: true };
    }
    if (outcome.kind === 'rejected') {
      outbox.reject(row.id, { code: outcome.code ?? null, reason: outcome.message, response: outcome.output }, at);
      stmt(db, "UPDATE settlements SET state = 'rejected', updated_at = ? WHERE id = ? AND state <> 'refunded'").run(now, row.settlement_id);
      core.audit.append({ action: 'outbox.rejected', subject: row.settlement_id, detail: { msgid: row.msgid, infno: row.infno, code: outcome.code ?? null, reason: outcome.message } });
      return { ...base, state: 'rejected', final: true, applied: true };
    }
    // success
    const output = objectOr(outcome.output);
    let state: 'confirmed' | 'adjusted' = 'confirmed';
    if (row.kind === 'upload') {
      const setlinfo = objectOr(output['setlinfo'] ?? output);
      const srow = stmt(db, MONEY_ROW_SQL).get(row.settlement_id) as Record<MoneyColumn, number>;
      const diffs = diffAgainstCenter(moneyFromRow(srow), setlinfo);
      const setlId = output['setl_id'] ?? setlinfo['setl_id'];
      const mdtrtId = output['mdtrt_id'] ?? setlinfo['mdtrt_id'];
      if (diffs.length || output['stmt'] === 'adjusted') state = 'adjusted';
      const ins = stmt(db, 
        'INSERT OR IGNORE INTO adjustments (settlement_id, outbox_id, field, local_amount, center_amount, difference, created_at) VALUES (?,?,?,?,?,?,?)',
      );
      for (const d of diffs) ins.run(row.settlement_id, row.id, d.field, d.local, d.center, d.center - d.local, now);
      stmt(db, 
        `UPDATE settlements SET state = CASE WHEN state = 'refunded' THEN state ELSE ? END, center_setl_id = ?, center_mdtrt_id = ?, updated_at = ? WHERE id = ?`,
      ).run(state, typeof setlId === 'string' ? setlId : null, typeof mdtrtId === 'string' ? mdtrtId : null, now, row.settlement_id);
      if (state === 'adjusted') {
        core.audit.append({ action: 'outbox.adjusted', subject: row.settlement_id, detail: { msgid: row.msgid, fields: diffs } });
      }
    } else {
      // 2208 cancel or 2601 reversal answered: the refund row is done.
      stmt(db, "UPDATE settlements SET state = 'confirmed', updated_at = ? WHERE id = ? AND state = 'provisional'").run(now, row.settlement_id);
    }
    outbox.resolve(row.id, state, { refmsgid: outcome.refmsgid, output: outcome.output ?? null }, at);
    return { ...base, state, final: true, applied: true };
  })();
}
