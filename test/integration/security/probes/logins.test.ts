// Probes of the sign-in door (issue 14): logins at the same moment from several WebSocket
// clients and from other processes on the same data folder (a CLI verb beside the app). After
// each: the process answers a fresh client, every answer was a clear code, and nothing but the
// audit log changed (whose chain still verifies, one entry per login).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../../../electron/auth/audit';
import { findDbKey } from '../../../../electron/auth/db-key';
import { systemClock } from '../../../../electron/app/clock';
import { openDatabase } from '../../../../electron/db/open';
import { changedTables, openApiSocket, probeTargetForFile } from './harness';
import { rowCount } from '../../../helpers/db-rows';

const target = probeTargetForFile();

/** Reads the audit log through its own read-only connection. */
function auditFacts(): { verified: boolean; entries: number; logins: number } {
  const { db } = openDatabase({ file: join(target().dataDir, 'cashier.db'), key: findDbKey(target().dataDir, {}), readonly: true });
  try {
    const v = new AuditLog(db, systemClock).verify();
    const logins = rowCount(db, 'audit_log', "action = 'auth.login'");
    return { verified: v.ok, entries: v.entries, logins };
  } finally {
    db.close();
  }
}

/** Runs second-process.ts; resolves with its JSON line. `onLine` sees each line as it comes. */
function secondProcess(mode: string, arg: string, onLine?: (line: string) => void): Promise<{ ok: boolean; done: number; errors: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'second-process.ts'), target().dataDir, mode, arg], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of d.toString().split('\n')) if (line) onLine?.(line);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as { ok: boolean; done: number; errors: string[] });
      } catch {
        reject(new Error(`second process (${mode}) exited ${code}:\n${out}\n${err}`));
      }
    });
  });
}

async function wsLogin(operatorId = '1001', pin = '1234'): Promise<{ ok: boolean; code?: string }> {
  const s = await openApiSocket(target().port, target().token);
  try {
    const r = await s.call('auth.login', { operatorId, pin });
    return r.ok ? { ok: true } : { ok: false, code: r.error?.code };
  } finally {
    s.close();
  }
}

describe('concurrent logins (auth.login appends to the audit log)', () => {
  it('a login while another process holds a write transaction that appends to the audit log', async () => {
    const before = auditFacts();
    const snap = target().snapshot();
    // The other process (a CLI verb) appends its entry and keeps its transaction open for 1.5 s;
    // the logins arrive meanwhile. Reading the last id outside the write lock, the app took the
    // same id as the other process: UNIQUE constraint failed: audit_log.id (a failed login of
    // an unknown number is appended on its own; a good login after its operator row's update).
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    const other = secondProcess('hold', '1500', (line) => line === 'HOLDING' && holding());
    await held;
    const answers = await Promise.all([wsLogin('7777', '123456'), wsLogin(), wsLogin('7778', '123456')]);
    expect(await other).toMatchObject({ ok: true, done: 1 });
    expect(answers).toEqual([{ ok: false, code: 'LOGIN_FAILED' }, { ok: true }, { ok: false, code: 'LOGIN_FAILED' }]);
    const after = auditFacts();
    expect(after.verified).toBe(true);
    expect(after.logins - before.logins).toBe(1);
    expect(after.entries - before.entries).toBe(4);
    expect(changedTables(snap, target().snapshot())).toEqual(['audit_log']);
    await target().expectAlive();
  }, 60_000);

  it('several WebSocket clients and two other processes log in at the same time', async () => {
    const before = auditFacts();
    const snap = target().snapshot();
    const processes = [secondProcess('logins', '15'), secondProcess('logins', '15')];
    const ws: Array<{ ok: boolean; code?: string }> = [];
    // WebSocket logins keep arriving while the other processes log in.
    for (let round = 0; round < 5; round++) ws.push(...(await Promise.all([wsLogin(), wsLogin(), wsLogin()])));
    const others = await Promise.all(processes);
    expect(others.flatMap((o) => o.errors)).toEqual([]);
    expect(ws.filter((a) => !a.ok)).toEqual([]);
    const after = auditFacts();
    expect(after.verified).toBe(true);
    expect(after.logins - before.logins).toBe(30 + ws.length);
    expect(changedTables(snap, target().snapshot())).toEqual(['audit_log']);
    await target().expectAlive();
  }, 120_000);
});
