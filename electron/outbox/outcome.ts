// What an answer from the center does to the outbox row and its settlement: one transaction
// per answer, guarded so that a late answer for an item already resolved (or reversed by a
// refund meanwhile) changes nothing.
import type { CoreApp } from '../app/core';
import { diffAgainstCenter } from '../settlement/mapping';
import { compareWithCenter, localLines, recordCenterDifferences } from '../settlement/center-differences';
import { confirmRefundRow, markSettlementRejected, recordCenterAgreement, settlementMoney } from '../settlement/owner';
import type { CenterOutcome } from '../settlement/ports';
import { isTraceItem, OPEN_STATES, type OutboxRow, type OutboxState, type OutboxStore } from './store';

export interface AppliedOutcome {
  outboxId: number;
  settlementId: string;
  state: OutboxState;
  /** Final (confirmed / adjusted / rejected) or to be retried. */
  final: boolean;
  /** Whether the row was still open and took the answer. */
  applied: boolean;
}

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
    if (isTraceItem(row)) {
      // A traceability report: answered for itself. A refusal (a code the center says is sold
      // elsewhere, or not sold) is final and shown in the queue's history; the settlement it
      // reports stands as the center answered its own upload.
      if (outcome.kind === 'rejected') {
        outbox.reject(row.id, { code: outcome.code ?? null, reason: outcome.message, response: outcome.output }, at);
        core.audit.append({ action: 'trace.reportRejected', subject: row.settlement_id, detail: { msgid: row.msgid, infno: row.infno, code: outcome.code ?? null, reason: outcome.message } });
        return { ...base, state: 'rejected', final: true, applied: true };
      }
      outbox.resolve(row.id, 'confirmed', { refmsgid: outcome.refmsgid, output: outcome.output ?? null }, at);
      return { ...base, state: 'confirmed', final: true, applied: true };
    }
    if (outcome.kind === 'rejected') {
      outbox.reject(row.id, { code: outcome.code ?? null, reason: outcome.message, response: outcome.output }, at);
      markSettlementRejected(db, row.settlement_id, now);
      core.audit.append({ action: 'outbox.rejected', subject: row.settlement_id, detail: { msgid: row.msgid, infno: row.infno, code: outcome.code ?? null, reason: outcome.message } });
      return { ...base, state: 'rejected', final: true, applied: true };
    }
    // success
    const output = objectOr(outcome.output);
    let state: 'confirmed' | 'adjusted' = 'confirmed';
    if (row.kind === 'upload') {
      const setlinfo = objectOr(output['setlinfo'] ?? output);
      const money = settlementMoney(db, row.settlement_id);
      const diffs = diffAgainstCenter(money, setlinfo);
      // Where the center differs and why: line by line (national 2204), the pre-settlement, the totals.
      const differences = compareWithCenter({ money, lines: localLines(db, row.settlement_id) }, { settlement: output, ...(outcome.evidence ?? {}) });
      recordCenterDifferences(db, { settlementId: row.settlement_id, outboxId: row.id, differences, now });
      const setlId = output['setl_id'] ?? setlinfo['setl_id'];
      const mdtrtId = output['mdtrt_id'] ?? setlinfo['mdtrt_id'];
      if (diffs.length || output['stmt'] === 'adjusted') state = 'adjusted';
      recordCenterAgreement(db, {
        settlementId: row.settlement_id,
        outboxId: row.id,
        state,
        diffs,
        setlId: typeof setlId === 'string' ? setlId : null,
        mdtrtId: typeof mdtrtId === 'string' ? mdtrtId : null,
        now,
      });
      if (state === 'adjusted') {
        core.audit.append({ action: 'outbox.adjusted', subject: row.settlement_id, detail: { msgid: row.msgid, fields: diffs, lines: differences.filter((d) => d.lineNo > 0).length } });
      }
    } else {
      // 2208 cancel or 2601 reversal answered: the refund row is done, at the center's figures
      // (a 2208 answers the negated amounts the center holds; a 2601 has none).
      const setlinfo = row.kind === 'cancel' ? objectOr(output['setlinfo']) : {};
      const diffs = Object.keys(setlinfo).length ? diffAgainstCenter(settlementMoney(db, row.settlement_id), setlinfo) : [];
      confirmRefundRow(db, { id: row.settlement_id, outboxId: row.id, diffs, now });
      if (diffs.length) core.audit.append({ action: 'outbox.refundAdjusted', subject: row.settlement_id, detail: { msgid: row.msgid, fields: diffs } });
    }
    outbox.resolve(row.id, state, { refmsgid: outcome.refmsgid, output: outcome.output ?? null }, at);
    return { ...base, state, final: true, applied: true };
  })();
}
