// The supervisor's side of a clinic command: a row in the clinic's PostgreSQL `commands` table
// (the window that owns the settlement applies it: commands.ts). PostgreSQL only.
import type pg from 'pg';
import { AppError } from '../api/result';
import type { CenterPort } from '../shift/center-port';
import { ask3202 } from '../shift/reconcile-core';

export type CommandAction = 'reupload' | 'write_off';

/**
 * Whether the center already has this settlement, asked with 3202 for its day and this one row
 * (the center answers about every settlement of that day; only this one's rows count). A
 * re-upload of a settlement the center has would be sent and refused as a duplicate
 * (DUPLICATE_SETTLEMENT), so it is refused here, before anything is issued. A window's own
 * "confirmed" is not enough to refuse: a settlement the center lost (reconciliation's
 * only_local) is confirmed locally and must be re-uploadable.
 */
async function centerHas(port: CenterPort | null, row: { id: string; created_day: string; center_setl_id: string | null; refund_of: string | null; total: number; fund: number; account: number }): Promise<string | null> {
  if (!row.center_setl_id) return null;
  const rows = await ask3202(port, row.created_day, [row]);
  const hit = rows.find((r) => (r.setl_id === row.center_setl_id && r.stmt_rslt !== '2') || (r.medins_setl_id === row.id && r.stmt_rslt === '1' && r.refd_setl_flag !== '1'));
  return hit ? (hit.setl_id ?? row.center_setl_id) : null;
}

/** Issue a command (a supervisor's window, member of clinic_reader). */
export async function issueCommand(
  pool: pg.Pool,
  port: CenterPort | null,
  c: { windowId: string; settlementId: string; action: CommandAction; note: string; issuedBy: string },
): Promise<string> {
  const known = await pool.query<{ id: string; created_day: string; state: string; center_setl_id: string | null; refund_of: string | null; total: string; fund: string; account: string }>(
    `SELECT id, to_char(created_day, 'YYYY-MM-DD') AS created_day, state, center_setl_id, refund_of, agreed_total AS total, agreed_fund AS fund, agreed_account AS account
     FROM settlements WHERE window_id = $1 AND id = $2`,
    [c.windowId, c.settlementId],
  );
  const row = known.rows[0];
  if (!row) throw new AppError('SETTLEMENT_NOT_FOUND', `汇总库中没有窗口 ${c.windowId} 的结算 ${c.settlementId}。`);
  if (c.action === 'reupload') {
    const setlId = await centerHas(port, { ...row, total: Number(row.total), fund: Number(row.fund), account: Number(row.account) });
    if (setlId) {
      throw new AppError('REUPLOAD_CENTER_HAS_IT', `中心已有结算 ${c.settlementId}（中心结算号 ${setlId}），不能重新上传：重复上传会被中心以“重复结算”拒绝。`, {
        windowId: c.windowId,
        settlementId: c.settlementId,
        centerSetlId: setlId,
      });
    }
  }
  const r = await pool.query<{ id: string }>(
    'INSERT INTO commands (window_id, settlement_id, action, note, issued_by) VALUES ($1, $2, $3, $4, $5) RETURNING id::text',
    [c.windowId, c.settlementId, c.action, c.note, c.issuedBy],
  );
  return r.rows[0]!.id;
}
