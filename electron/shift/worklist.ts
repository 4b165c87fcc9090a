// The supervisor's work lists: settlements the center adjusted (its split differed from ours)
// and uploads it rejected. Each action is a row in worklist_actions plus an audit entry; the
// item leaves the list when reviewed (adjustments.reviewed_by / outbox.reviewed_by).
import type { WorkItem } from '../api/contract/shift';
import { AppError } from '../api/result';
import type { CoreApp } from '../app/core';
import { outboxStore, type OutboxStore } from '../outbox/store';
import {
  adjustmentDifferences,
  hasUnreviewedAdjustments,
  markAdjustmentsReviewed,
  refundOf,
  unreviewedAdjusted,
  workHead,
} from '../settlement/owner';
import { centerDifferencesOf, hasUnreviewedDifferences, markDifferencesReviewed, unreviewedDifferenceSettlements } from '../settlement/center-differences';
import type { CenterPort } from './center-port';
import { requeueUpload } from './reconcile';
import { z } from 'zod';
import { insertInto, one } from '../db/sql';

const LastAction = z.object({ action: z.string(), note: z.string(), operatorId: z.string(), at: z.string() }) satisfies z.ZodType<NonNullable<WorkItem['lastAction']>>;

/** The clinic stream's queries over worklist_actions, and whether a settlement was written off (an SQL expression). */
export const WORKLIST_STREAM_SQL = {
  actionIds: 'SELECT id FROM worklist_actions ORDER BY id',
  action: 'SELECT * FROM worklist_actions WHERE id = :id',
  writtenOff: (settlementId: string): string => `EXISTS (SELECT 1 FROM worklist_actions w WHERE w.settlement_id = ${settlementId} AND w.action = 'write_off')`,
} as const;

type Action = 'accept' | 'correct_reupload' | 'refund' | 'write_off';
type List = 'adjustment' | 'rejection';

const ALLOWED: Record<List, Action[]> = {
  adjustment: ['accept', 'correct_reupload', 'refund', 'write_off'],
  rejection: ['correct_reupload', 'refund', 'write_off'],
};

export class WorkLists {
  private readonly outbox: OutboxStore;

  constructor(
    private readonly core: CoreApp,
    private readonly center: () => CenterPort | null,
  ) {
    this.outbox = outboxStore(core.db);
  }

  list(list: List): WorkItem[] {
    const db = this.core.db;
    const ids =
      list === 'adjustment'
        ? // A settlement whose lines differ though its totals agree has no adjustment, but is shown too.
          [...new Set([...unreviewedAdjusted(db, 2000), ...unreviewedDifferenceSettlements(db, 2000)])].sort().slice(0, 2000)
        : this.outbox.unreviewedRejections(2000);
    return ids.map((id) => this.item(id, list));
  }

  item(settlementId: string, list: List): WorkItem {
    const db = this.core.db;
    const head = workHead(db, settlementId);
    if (!head) throw new AppError('SETTLEMENT_NOT_FOUND', `没有结算 ${settlementId}。`);
    const differences =
      list === 'adjustment'
        ? adjustmentDifferences(db, settlementId)
        : [];
    const rej = list === 'rejection' ? this.outbox.latestRejection(settlementId) : undefined;
    const last = one(
      db,
      'SELECT action, note, operator_id AS operatorId, at FROM worklist_actions WHERE settlement_id = :settlementId AND list = :list ORDER BY id DESC LIMIT 1',
      { settlementId, list },
      LastAction,
    );
    return {
      settlementId,
      list,
      createdAt: head.created_at,
      psnName: head.psn_name,
      insuranceType: head.insurance_type,
      total: head.total,
      differences,
      centerDifferences: list === 'adjustment' ? centerDifferencesOf(db, settlementId) : [],
      rejectCode: rej?.code ?? null,
      rejectReason: rej?.reason ?? null,
      lastAction: last ?? null,
    };
  }

  act(settlementId: string, list: List, action: Action, note: string, operatorId: string): WorkItem {
    if (!note.trim()) throw new AppError('NOTE_REQUIRED', '处理中心调整/中心拒绝必须写明说明。');
    if (!ALLOWED[list].includes(action)) throw new AppError('ACTION_NOT_ALLOWED', `中心拒绝的结算不能“接受”：请更正后重传、退费或核销。`);
    const db = this.core.db;
    db.transaction(() => {
      const open =
        list === 'adjustment'
          ? hasUnreviewedAdjustments(db, settlementId) || hasUnreviewedDifferences(db, settlementId)
          : this.outbox.hasUnreviewedRejection(settlementId);
      if (!open) throw new AppError('WORKITEM_NOT_OPEN', `结算 ${settlementId} 不在待处理的${list === 'adjustment' ? '中心调整' : '中心拒绝'}清单中。`);
      if (action === 'refund') {
        // The refund itself is the settlement part's (it needs the supervisor's PIN and a 2208):
        // this action records the decision once the refund exists.
        const refunded = refundOf(db, settlementId);
        if (!refunded) throw new AppError('REFUND_FIRST', '请先在结算记录中为该笔办理退费（需主管密码），再在此标记为“已退费”。');
      }
      if (action === 'correct_reupload') requeueUpload(this.core, this.center(), settlementId);
      const at = this.core.clock.now();
      const now = at.toISOString();
      insertInto(db, 'worklist_actions', { settlement_id: settlementId, list, action, note: note.trim(), operator_id: operatorId, at: now });
      if (list === 'adjustment') {
        markAdjustmentsReviewed(db, settlementId, operatorId, now);
        markDifferencesReviewed(db, settlementId, operatorId, now);
      } else {
        this.outbox.markRejectionReviewed(settlementId, operatorId, at);
      }
      this.core.audit.append({ action: `worklist.${list}.${action}`, operatorId, subject: settlementId, detail: { note: note.trim() } });
    })();
    return this.item(settlementId, list);
  }
}
