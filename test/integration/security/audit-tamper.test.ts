// The audit log's hash chain catches a row altered or removed directly in SQLite (the
// append-only triggers dropped first), through the API (admin) and through
// `npm run cli -- audit verify`.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { silentLogger } from '../../../electron/app/log';
import { resolveDbKey } from '../../../electron/auth/db-key';
import { one, many, value } from '../../../electron/db/sql';
import { z } from 'zod';
import { runCli } from '../../helpers/run-cli';
import { startTempApp, tempDir, type TempApp } from '../../helpers/temp-app';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function appWithEntries(n: number): Promise<TempApp> {
  const dir = tempDir();
  const t = await startTempApp({ dataDir: dir, dbKey: resolveDbKey(dir, {}), log: silentLogger });
  cleanups.push(() => t.close());
  const cashier = await t.login('1001');
  await t.call(cashier, 'auth.logout', {});
  for (let i = 0; i < n; i++) t.app.audit.append({ action: 'test.refund', operatorId: '1001', subject: `R${i}`, detail: { amount: 1000 + i } });
  return t;
}

const idOf = (t: TempApp, subject: string) => value(t.app.db, 'SELECT id FROM audit_log WHERE subject = :subject', { subject }, z.number().int())!;
/** An audit row as stored: the columns its hash covers. */
const AuditRow = z.object({ id: z.number().int(), prev_hash: z.string(), at: z.string(), operator_id: z.string().nullable(), action: z.string(), subject: z.string().nullable(), detail: z.string() });
const AUDIT_COLUMNS = 'id, prev_hash, at, operator_id, action, subject, detail';

describe('audit log tamper detection', () => {
  it('is append-only: the triggers refuse UPDATE and DELETE', async () => {
    const t = await appWithEntries(2);
    expect(() => t.app.db.prepare("UPDATE audit_log SET subject = 'x'").run()).toThrow(/append-only/);
    expect(() => t.app.db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
  });

  it('names the altered entry when a row is edited', async () => {
    const t = await appWithEntries(6);
    const admin = await t.login('9001');
    const whole = await t.call(admin, 'security.auditVerify', {});
    expect(whole).toMatchObject({ ok: true, value: { ok: true } });
    expect(whole.ok && whole.value.entries).toBeGreaterThan(6);

    // Someone with the key hides a refund's amount.
    const target = idOf(t, 'R2');
    t.app.db.exec('DROP TRIGGER audit_log_no_update');
    t.app.db.prepare('UPDATE audit_log SET detail = ? WHERE id = ?').run(JSON.stringify({ amount: 1 }), target);
    expect(await t.call(admin, 'security.auditVerify', {})).toMatchObject({
      ok: true,
      value: { ok: false, firstBrokenId: target, reason: 'content does not match its hash' },
    });
    // Only an admin may run the check.
    const sup = await t.login('2001');
    expect(await t.call(sup, 'security.auditVerify', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('names the entry after a removed one', async () => {
    const t = await appWithEntries(6);
    const gone = idOf(t, 'R3');
    t.app.db.exec('DROP TRIGGER audit_log_no_delete');
    t.app.db.prepare('DELETE FROM audit_log WHERE id = ?').run(gone);
    expect(t.app.audit.verify()).toMatchObject({ ok: false, firstBrokenId: gone + 1, reason: `missing entry before ${gone + 1}` });
  });

  it('an edit whose own hash is recomputed still breaks the next link', async () => {
    const t = await appWithEntries(6);
    const target = idOf(t, 'R1');
    const row = one(t.app.db, `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE id = :target`, { target }, AuditRow)!;
    const forged = JSON.stringify({ amount: 1 });
    const hash = createHash('sha256').update(JSON.stringify([row.prev_hash, row.id, row.at, row.operator_id, row.action, row.subject, forged])).digest('hex');
    t.app.db.exec('DROP TRIGGER audit_log_no_update');
    t.app.db.prepare('UPDATE audit_log SET detail = ?, hash = ? WHERE id = ?').run(forged, hash, target);
    expect(t.app.audit.verify()).toMatchObject({ ok: false, firstBrokenId: target + 1, reason: 'link to previous entry broken' });
  });

  it('a rewrite of the whole tail passes the chain but not an anchor recorded before it', async () => {
    const t = await appWithEntries(6);
    const admin = await t.login('9001');
    const head = await t.call(admin, 'security.auditHead', {});
    if (!head.ok) throw new Error(head.error.message);
    const anchor = { id: head.value.lastId, hash: head.value.hash };
    for (let i = 0; i < 3; i++) t.app.audit.append({ action: 'test.after-anchor', subject: `A${i}` });
    expect(await t.call(admin, 'security.auditVerify', { anchor })).toMatchObject({ ok: true, value: { ok: true } });

    // Someone with the key edits R4 and re-computes every hash from there to the end.
    const from = idOf(t, 'R4');
    t.app.db.exec('DROP TRIGGER audit_log_no_update');
    let prev = value(t.app.db, 'SELECT hash FROM audit_log WHERE id = :id', { id: from - 1 }, z.string())!;
    const rows = many(t.app.db, `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE id >= :from ORDER BY id`, { from }, AuditRow);
    for (const r of rows) {
      const detail = r.id === from ? JSON.stringify({ amount: 1 }) : r.detail;
      const hash = createHash('sha256').update(JSON.stringify([prev, r.id, r.at, r.operator_id, r.action, r.subject, detail])).digest('hex');
      t.app.db.prepare('UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ? WHERE id = ?').run(detail, prev, hash, r.id);
      prev = hash;
    }
    expect(t.app.audit.verify().ok).toBe(true); // the chain alone cannot tell
    expect(await t.call(admin, 'security.auditVerify', { anchor })).toMatchObject({
      ok: true,
      value: { ok: false, firstBrokenId: anchor.id, reason: expect.stringContaining('rewritten') },
    });
  });

  it('the CLI exits 0 on a whole chain, and 1 naming the entry on a broken one', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    expect(runCli(['--data-dir', dir, 'audit', 'verify']).code).toBe(0);
    const t = await startTempApp({ dataDir: dir, dbKey: resolveDbKey(dir, {}), log: silentLogger });
    for (let i = 0; i < 4; i++) t.app.audit.append({ action: 'test.entry', subject: `S${i}` });
    const target = idOf(t, 'S1');
    t.app.db.exec('DROP TRIGGER audit_log_no_update');
    t.app.db.prepare("UPDATE audit_log SET operator_id = '2001' WHERE id = ?").run(target);
    await t.app.close();
    const r = runCli(['--data-dir', dir, 'audit', 'verify']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`第 ${target} 条`);
    const j = runCli(['--data-dir', dir, '--json', 'audit', 'verify']);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, firstBrokenId: target });
    expect(runCli(['--data-dir', dir, 'audit', 'verify', '--anchor', 'nonsense']).code).toBe(2);
  }, 120_000);
});
