// Supervisors' actions on a settlement, from the clinic back to the settlement's own window.
// The supervisor's window inserts a command row in PostgreSQL (issue-command.ts); the settlement's
// window picks it up, applies it to its own database through the shift part's own actions,
// and acknowledges it (`applied` or `refused` with the error code). The local record of the
// application (clinic_commands_applied, same transaction as the action) makes a command apply
// once even when the window crashes before its acknowledgement reached PostgreSQL.
import type pg from 'pg';
import { AppError } from '../api/result';
import type { CoreApp } from '../app/core';
import { OPEN_STATES, outboxStore } from '../outbox/store';
import { settlementState } from '../settlement/owner';
import type { ShiftPart } from '../shift/part';
import { requeueUpload } from '../shift/reconcile';
import type { CenterPart } from '../center/part';
import type { CommandAction } from './issue-command';
import { z } from 'zod';
import { insertInto, one, run } from '../db/sql';

const COMMAND_ACTIONS: readonly string[] = ['reupload', 'write_off'] satisfies CommandAction[];
/** Settlement states a re-upload may start from: the center answered (and, per reconciliation, lost it). */
const REUPLOADABLE: readonly string[] = ['confirmed', 'adjusted'];

export interface CommandRow {
  id: string;
  window_id: string;
  settlement_id: string;
  action: CommandAction;
  note: string;
  issued_by: string;
}

const AppliedRow = z.object({
  command_id: z.number().int(),
  outcome: z.enum(['applied', 'refused']),
  code: z.string().nullable(),
  message: z.string().nullable(),
});
type AppliedRow = z.output<typeof AppliedRow>;

export class ClinicCommands {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private busy: Promise<number> = Promise.resolve(0);

  constructor(
    private readonly core: CoreApp,
    private readonly deps: { shift: ShiftPart; center: CenterPart },
    private readonly pool: pg.Pool,
    private readonly windowId: string,
    private readonly pollMs = 2_000,
  ) {}

  start(): void {
    this.schedule(this.pollMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.busy.catch(() => 0);
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      void this.pollOnce()
        .catch(() => 0)
        .then(() => this.schedule(this.pollMs));
    }, ms);
    this.timer.unref?.();
  }

  /** Apply and acknowledge this window's new commands; resolves with how many were acknowledged. */
  pollOnce(): Promise<number> {
    const next = this.busy.catch(() => 0).then(() => this.round());
    this.busy = next;
    return next;
  }

  private async round(): Promise<number> {
    const db = this.core.db;
    const issued = await this.pool.query<CommandRow>(
      "SELECT id::text, window_id, settlement_id, action, note, issued_by FROM commands WHERE window_id = $1 AND state = 'issued' ORDER BY id LIMIT 100",
      [this.windowId],
    );
    let acked = 0;
    for (const cmd of issued.rows) {
      const done = this.applyOnce(cmd);
      const r = await this.pool.query(
        "UPDATE commands SET state = $2, result_code = $3, result_message = $4, acked_at = now() WHERE id = $1 AND state = 'issued'",
        [cmd.id, done.outcome, done.code, done.message],
      );
      run(db, 'UPDATE clinic_commands_applied SET acked_at = :now WHERE command_id = :id', { now: this.core.clock.now().toISOString(), id: Number(cmd.id) });
      acked += r.rowCount ?? 0;
    }
    return acked;
  }

  /** The command applied to this window's database, exactly once (a second call returns the first outcome). */
  applyOnce(cmd: CommandRow): AppliedRow {
    const db = this.core.db;
    const id = Number(cmd.id);
    return db.transaction((): AppliedRow => {
      const prior = one(db, 'SELECT command_id, outcome, code, message FROM clinic_commands_applied WHERE command_id = :id', { id }, AppliedRow);
      if (prior) return prior;
      let outcome: AppliedRow = { command_id: id, outcome: 'applied', code: null, message: null };
      try {
        // A savepoint: a refused action leaves nothing behind but its refusal.
        db.transaction(() => this.apply(cmd))();
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        outcome = { command_id: id, outcome: 'refused', code: e.code, message: e.message };
        // A refusal is kept in the audit log (a forged or misaddressed command is worth knowing of).
        this.core.audit.append({ action: 'clinic.command.refused', operatorId: cmd.issued_by, subject: cmd.settlement_id, detail: { command: cmd.id, action: cmd.action, addressedTo: cmd.window_id, code: e.code } });
      }
      insertInto(db, 'clinic_commands_applied', {
        command_id: id,
        action: cmd.action,
        settlement_id: cmd.settlement_id,
        outcome: outcome.outcome,
        code: outcome.code,
        message: outcome.message,
        applied_at: this.core.clock.now().toISOString(),
      });
      return outcome;
    }).immediate();
  }

  /**
   * What this window checks before it touches anything, whoever wrote the command row (a
   * supervisor's window checks too, but the row is only data in a database others can write):
   * it is addressed to this window, names an action it knows, and a settlement of its own in a
   * state where that action is allowed. A failed check throws; applyOnce records the refusal
   * and the poller acknowledges it as refused with the code.
   */
  private check(cmd: CommandRow): string {
    if (cmd.window_id !== this.windowId) {
      throw new AppError('CLINIC_COMMAND_MISADDRESSED', `指令 #${cmd.id} 发给窗口 ${cmd.window_id}，不是本窗口 ${this.windowId}：未执行。`, { windowId: this.windowId, addressedTo: cmd.window_id });
    }
    if (!COMMAND_ACTIONS.includes(cmd.action)) throw new AppError('CLINIC_COMMAND_INVALID', `指令 #${cmd.id} 的操作“${String(cmd.action)}”本窗口不认识：未执行。`);
    const state = settlementState(this.core.db, cmd.settlement_id);
    if (!state) throw new AppError('SETTLEMENT_NOT_FOUND', `本窗口没有结算 ${cmd.settlement_id}。`);
    if (cmd.action === 'reupload') {
      // Only what the center answered (reconciliation's only_local: confirmed or adjusted here,
      // missing there), and never while an upload of it is still open: that one is still being
      // sent, and a second would reach the center twice.
      const last = outboxStore(this.core.db).latestUpload(cmd.settlement_id);
      const open = last !== undefined && OPEN_STATES.includes(last.state);
      if (!REUPLOADABLE.includes(state) || open) {
        const shown = open ? `${state}，上传未完成` : state;
        throw new AppError('REUPLOAD_NOT_ALLOWED', `结算 ${cmd.settlement_id} 当前状态为 ${shown}，不能重新上传。`, { settlementId: cmd.settlement_id, state: shown });
      }
    }
    return state;
  }

  private apply(cmd: CommandRow): void {
    const state = this.check(cmd);
    const note = `${cmd.note}（诊所汇总指令 #${cmd.id}）`;
    if (cmd.action === 'reupload') {
      requeueUpload(this.core, this.deps.center.client, cmd.settlement_id);
      this.core.audit.append({ action: 'clinic.command.reupload', operatorId: cmd.issued_by, subject: cmd.settlement_id, detail: { command: cmd.id, note } });
      return;
    }
    // Write-off is the work list's action: the settlement must be on the rejection or adjustment
    // list (else WORKITEM_NOT_OPEN) — the work list decides, as it does at this window.
    const list = state === 'rejected' ? 'rejection' : 'adjustment';
    this.deps.shift.worklists.act(cmd.settlement_id, list, 'write_off', note, cmd.issued_by);
  }
}
