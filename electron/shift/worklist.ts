// The supervisor's work lists: settlements the center adjusted (its split differed from ours)
// and uploads it rejected. Each action is a row in worklist_actions plus an audit entry; the
// item leaves the list when reviewed (adjustments.reviewed_by / outbox.reviewed_by).
import type { WorkItem } from '../api/contract/shift';
import { AppError } from '../api/result';
import type { CoreApp } from '../app/core';
import { outboxStore, type OutboxStore } from '../outbox/store';
import type { CenterPort } from './center-port';
import { requeueUpload } from './reconcile';

type Action = 'accept' | 'correct_reupload' | 'refund' | 'write_off';
type List = 'adjustment' | 'rejection';

const ALLOWED: Record<List, Action[]> = {
  adjustment: ['accept', 'correct_reupload', 'refund', 'write_off'],
  rejection: ['correct_reupload', 'refund', 'write_off'],
};

interface HeadRow {
  id: string;
  created_at: string;
  psn_name: string;
  insurance_type: string;
  total: number;
}

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
        ? (db.prepare('SELECT DISTINCT settlement_id FROM adjustments WHERE reviewed_by IS NULL ORDER BY settlement_id LIMIT 2000').pluck().all() as string[])
        : this.outbox.unreviewedRejections(2000);
    return ids.map((id) => this.item(id, list));
  }

  item(settlementId: string, list: List): WorkItem {
    const db = this.core.db;
    const head = db.prepare('SELECT id, created_at, psn_name, insurance_type, total FROM settlements WHERE id = ?').get(settlementId) as HeadRow | undefined;
    if (!head) throw new AppError('SETTLEMENT_NOT_FOUND', `没有结算 ${settlementId}。`);
    const differences =
      list === 'adjustment'
        ? (db
            .prepare('SELECT field, local_amount AS local, center_amount AS center, difference FROM adjustments WHERE settlement_id = ? ORDER BY id')
            .all(settlementId) as WorkItem['differences'])
        : [];
    const rej = list === 'rejection' ? this.outbox.latestRejection(settlementId) : undefined;
    const last = db
      .prepare('SELECT action, note, operator_id AS operatorId, at FROM worklist_actions WHERE settlement_id = ? AND list = ? ORDER BY id DESC LIMIT 1')
      .get(settlementId, list) as WorkItem['lastAction'] | undefined;
    return {
      settlementId,
      list,
      createdAt: head.created_at,
      psnName: head.psn_name,
      insuranceType: head.insurance_type,
      total: head.total,
      differences,
      rejectCode: rej?.code ?? null,
      rejectReason: rej?.reason ?? null,
      lastAction: last ?? null,
    };
  }

  act(settlementId: string, list: List, action: Action, note: string, operatorId: string): WorkItem {
    if (!note.trim()) throw new AppError('NOTE_REQUIRED', '处理调整/拒付必须写明说明。');
    if (!ALLOWED[list].includes(action)) throw new AppError('ACTION_NOT_ALLOWED', `拒付单不能“接受”：请更正后重传、退费或核销。`);
    const db = this.core.db;
    db.transaction(() => {
      const open =
        list === 'adjustment'
          ? db.prepare('SELECT count(*) FROM adjustments WHERE settlement_id = ? AND reviewed_by IS NULL').pluck().get(settlementId)
          : this.outbox.hasUnreviewedRejection(settlementId);
      if (!open) throw new AppError('WORKITEM_NOT_OPEN', `结算 ${settlementId} 不在待处理的${list === 'adjustment' ? '调整' : '拒付'}清单中。`);
      if (action === 'refund') {
        // The refund itself is the settlement part's (it needs the supervisor's PIN and a 2208):
        // this action records the decision once the refund exists.
        const refunded = db.prepare('SELECT id FROM settlements WHERE refund_of = ?').pluck().get(settlementId);
        if (!refunded) throw new AppError('REFUND_FIRST', '请先在结算记录中为该笔办理退费（需主管密码），再在此标记为“已退费”。');
      }
      if (action === 'correct_reupload') requeueUpload(this.core, this.center(), settlementId);
      const at = this.core.clock.now();
      const now = at.toISOString();
      db.prepare('INSERT INTO worklist_actions (settlement_id, list, action, note, operator_id, at) VALUES (?,?,?,?,?,?)').run(settlementId, list, action, note.trim(), operatorId, now);
      if (list === 'adjustment') {
        db.prepare('UPDATE adjustments SET reviewed_by = ?, reviewed_at = ? WHERE settlement_id = ? AND reviewed_by IS NULL').run(operatorId, now, settlementId);
      } else {
        this.outbox.markRejectionReviewed(settlementId, operatorId, at);
      }
      this.core.audit.append({ action: `worklist.${list}.${action}`, operatorId, subject: settlementId, detail: { note: note.trim() } });
    })();
    return this.item(settlementId, list);
  }
}
