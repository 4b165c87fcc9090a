// The end-of-run checks of the crash and flap tests: the client's journal against the sandbox
// center's own records. Returns a list of problems (empty = every promise kept).
import Database from 'better-sqlite3-multiple-ciphers';
import { AuditLog } from '../../../electron/auth/audit';
import { systemClock } from '../../../electron/app/clock';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { z } from 'zod';
import type { Db } from '../../../electron/db/open';
import { many } from '../../../electron/db/sql';
import { checkAgreement } from '../center/national-chain-fixtures';
import { rowCount } from '../../helpers/db-rows';

export interface JournalCheck {
  problems: string[];
  local: number;
  refunds: number;
  atCenter: number;
  byUploadState: Record<string, number>;
}

const OpenOutboxRow = z.object({ id: z.number().int(), state: z.string() });

/**
 * Opens the journal read-only, finds what every run must hold (the file's integrity, the audit
 * chain, no outbox item left open), adds what `check` finds, and closes it.
 */
function inJournal(dbFile: string, check: (db: Db, problems: string[]) => Omit<JournalCheck, 'problems'>): JournalCheck {
  const db = new Database(dbFile, { readonly: true });
  const problems: string[] = [];
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    const audit = new AuditLog(db, systemClock).verify();
    if (!audit.ok) problems.push(`audit chain broken at ${audit.firstBrokenId}: ${audit.reason}`);
    for (const o of many(db, "SELECT id, state FROM outbox WHERE state IN ('queued','sent','unknown')", {}, OpenOutboxRow)) problems.push(`outbox ${o.id} unresolved (${o.state})`);
    return { problems, ...check(db, problems) };
  } finally {
    db.close();
  }
}

export function checkJournal(dbFile: string, center: SandboxCenter): JournalCheck {
  return inJournal(dbFile, (db, problems) => {
    // The receipt's job commits with its settlement: none without, none twice, none orphaned.
    const receipts = many(
      db,
      `SELECT s.id, (SELECT count(*) FROM print_jobs p WHERE p.settlement_id = s.id AND p.kind = 'receipt' AND p.copy = 0) AS n
       FROM settlements s`,
      {},
      z.object({ id: z.string(), n: z.number().int() }),
    );
    for (const r of receipts) if (r.n !== 1) problems.push(`settlement ${r.id} has ${r.n} original receipt jobs`);
    const orphans = rowCount(db, 'print_jobs p', "p.kind = 'receipt' AND NOT EXISTS (SELECT 1 FROM settlements s WHERE s.id = p.settlement_id)");
    if (orphans > 0) problems.push(`${orphans} receipt jobs without a settlement`);


    const locals = many(db, 'SELECT id, state FROM settlements WHERE refund_of IS NULL', {}, z.object({ id: z.string(), state: z.string() }));
    const refunds = many(db, 'SELECT id, refund_of FROM settlements WHERE refund_of IS NOT NULL', {}, z.object({ id: z.string(), refund_of: z.string() }));
    const refundOf = new Map(refunds.map((r) => [r.refund_of, r.id]));
    const outbox = many(db, 'SELECT settlement_id, kind, state FROM outbox', {}, z.object({ settlement_id: z.string(), kind: z.string(), state: z.string() }));
    const msgBy = new Map(outbox.map((o) => [`${o.settlement_id}/${o.kind}`, o.state]));
    const byUploadState: Record<string, number> = {};

    const rows = center.settlements();
    const settleRows = new Map<string, typeof rows>();
    for (const r of rows.filter((x) => x.kind === 'settle')) {
      const k = r.medins_setl_id ?? '(none)';
      settleRows.set(k, [...(settleRows.get(k) ?? []), r]);
    }
    const localIds = new Set(locals.map((l) => l.id));
    for (const [k, list] of settleRows) {
      if (!localIds.has(k)) problems.push(`center has settlement ${k} that is not local`);
      if (list.length > 1) problems.push(`center has ${list.length} settlements for ${k}`);
    }

    for (const l of locals) {
      const upload = msgBy.get(`${l.id}/upload`);
      byUploadState[upload ?? 'none'] = (byUploadState[upload ?? 'none'] ?? 0) + 1;
      const at = (settleRows.get(l.id) ?? []).filter((r) => r.state === 'active');
      const refundId = refundOf.get(l.id);
      if (upload === 'confirmed' || upload === 'adjusted') {
        if (at.length !== 1) problems.push(`${l.id} (${upload}) is at the center ${at.length} times`);
        const cancel = refundId ? msgBy.get(`${refundId}/cancel`) : undefined;
        if (refundId && cancel !== 'confirmed') problems.push(`${l.id} refunded by ${refundId} but its 2208 is ${cancel}`);
        if (at[0] && refundId && !at[0].cancelled_by) problems.push(`${l.id} refunded locally, not cancelled at the center`);
        if (at[0] && !refundId && at[0].cancelled_by) problems.push(`${l.id} cancelled at the center, not refunded locally`);
      } else if (upload === 'reversed') {
        if (at.length !== 0) problems.push(`${l.id} reversed locally but active at the center`);
        const rev = refundId ? msgBy.get(`${refundId}/reversal`) : undefined;
        if (rev !== 'confirmed') problems.push(`${l.id}: reversal ${rev}`);
      } else {
        problems.push(`${l.id}: upload ${upload}`);
      }
    }
    return { local: locals.length, refunds: refunds.length, atCenter: settleRows.size, byUploadState };
  });
}

/**
 * The national protocol's end-of-run check (issue 16), independent of the runner: the chain
 * journal against the center's own tables (checkAgreement: one live center settlement per settled
 * chain, made by the 2207 the journal names; nothing at the center no settled chain holds), and
 * each window settlement one to one with its chain: standing (not refunded) and accepted ⇔ its
 * chain settled; refunded or rejected ⇔ its chain undone; no outbox item left open.
 */
export function checkNationalJournal(dbFile: string, center: SandboxCenter): JournalCheck {
  return inJournal(dbFile, (db, problems) => {
    problems.push(...checkAgreement(db, center).problems);
    const rows = many(
      db,
      `SELECT s.id, s.state, c.state AS chain, c.setl_id, s.center_setl_id FROM settlements s LEFT JOIN national_chains c ON c.settlement_id = s.id
       WHERE s.refund_of IS NULL AND s.self_pay = 0`,
      {},
      z.object({ id: z.string(), state: z.string(), chain: z.string().nullable(), setl_id: z.string().nullable(), center_setl_id: z.string().nullable() }),
    );
    const byUploadState: Record<string, number> = {};
    for (const r of rows) {
      byUploadState[r.state] = (byUploadState[r.state] ?? 0) + 1;
      if (!r.chain) problems.push(`settlement ${r.id} has no national chain`);
      else if (r.state === 'confirmed' || r.state === 'adjusted') {
        if (r.chain !== 'settled') problems.push(`settlement ${r.id} is ${r.state} but its chain is ${r.chain}`);
        if (r.center_setl_id !== r.setl_id) problems.push(`settlement ${r.id} records ${r.center_setl_id}, its chain ${r.setl_id}`);
      } else if (r.state === 'refunded' || r.state === 'rejected') {
        if (r.chain !== 'undone') problems.push(`settlement ${r.id} is ${r.state} but its chain is ${r.chain}`);
      } else problems.push(`settlement ${r.id} still ${r.state} (chain ${r.chain})`);
    }
    const live = center.settlements().filter((s) => s.kind === 'settle' && s.state === 'active' && !s.cancelled_by).length;
    const refunds = rowCount(db, 'settlements', 'refund_of IS NOT NULL');
    return { local: rows.length, refunds, atCenter: live, byUploadState };
  });
}
