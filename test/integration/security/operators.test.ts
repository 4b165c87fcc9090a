// Operators for real: idle lock on the app's clock, PIN change, wrong-PIN delays and unlock, admin
// changes that take effect on open sessions, second-person authorization.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../electron/app/clock';
import { silentLogger } from '../../../electron/app/log';
import { newSession } from '../../../electron/api/session';
import { AuthService, IDLE_LOCK_MINUTES } from '../../../electron/auth/auth-service';
import { OPERATOR_FREE_FAILURES, OPERATOR_MAX_DELAY_MS } from '../../../electron/auth/login-throttle';
import { startTempApp, type TempApp } from '../../helpers/temp-app';
import { rowCount } from '../../helpers/db-rows';
import { values } from '../../../electron/db/sql';
import { z } from 'zod';

let t: TempApp;
let clock: ManualClock;
afterEach(async () => {
  await t?.close();
});
async function start(): Promise<void> {
  clock = new ManualClock();
  t = await startTempApp({ clock, log: silentLogger });
}
const MIN = 60_000;
const auditActions = () => values(t.app.db, 'SELECT action FROM audit_log ORDER BY id', {}, z.string());
const login = (id: string, pin: string) => t.call(newSession('test'), 'auth.login', { operatorId: id, pin });

describe('idle lock', () => {
  it('locks a session idle longer than the limit of real (monotonic) time; activity keeps it open', async () => {
    await start();
    // The app's own AuthService measures idle time with performance.now(); this one, on the same
    // real database, is given a hand-moved idle time source.
    let idleMs = 0;
    const auth = new AuthService(t.app.db, t.app.audit, clock, IDLE_LOCK_MINUTES * MIN, () => idleMs);
    const s = newSession('test');
    auth.login(s, '2001', '246810');
    for (let i = 0; i < 3; i++) {
      idleMs += (IDLE_LOCK_MINUTES - 1) * MIN;
      expect(auth.checkSession(s, 'supervisor')).toBeNull();
    }
    // Public calls (the status bar polling) are never locked and do not count as activity.
    idleMs += (IDLE_LOCK_MINUTES - 1) * MIN;
    expect(auth.checkSession(s, 'public')).toBeNull();
    idleMs += 2 * MIN;
    expect(auth.checkSession(s, 'cashier')).toMatchObject({ code: 'SESSION_LOCKED' });
    expect(s.operator).toBeNull();
    expect(auth.checkSession(s, 'cashier')).toMatchObject({ code: 'AUTH_REQUIRED' });
    expect(auditActions()).toContain('auth.idle-lock');
  });

  it('an idle session past the limit, a locked or a disabled one is sent no card events; events do not keep a session awake', async () => {
    await start();
    let idleMs = 0;
    const auth = new AuthService(t.app.db, t.app.audit, clock, IDLE_LOCK_MINUTES * MIN, () => idleMs);
    const s = newSession('test');
    expect(auth.mayReceive(s, 'cashier')).toBe(false);
    expect(auth.mayReceive(s, 'public')).toBe(true);
    auth.login(s, '1001', '1234');
    expect(auth.mayReceive(s, 'cashier')).toBe(true);
    expect(auth.mayReceive(s, 'supervisor')).toBe(false);
    idleMs += (IDLE_LOCK_MINUTES - 1) * MIN;
    expect(auth.mayReceive(s, 'cashier')).toBe(true);
    // Being sent events is not activity: two more minutes and the session is past the lock.
    idleMs += 2 * MIN;
    expect(auth.mayReceive(s, 'cashier')).toBe(false);
    const other = newSession('test');
    auth.login(other, '1002', '1234');
    t.app.db.prepare("UPDATE operators SET active = 0 WHERE id = '1002'").run();
    expect(auth.mayReceive(other, 'cashier')).toBe(false);
    const locked = newSession('test');
    auth.login(locked, '1001', '1234');
    auth.lock(locked);
    expect(auth.mayReceive(locked, 'cashier')).toBe(false);
  });

  it('moving the app clock does not lock a session (a simulated week stays logged in)', async () => {
    await start();
    const s = await t.login('2001');
    clock.advance(7 * 24 * 60 * MIN);
    expect((await t.call(s, 'security.backups', {})).ok).toBe(true);
  });

  it('security.lock ends the session at once', async () => {
    await start();
    const s = await t.login('1001');
    expect(await t.call(s, 'security.lock', {})).toEqual({ ok: true, value: null });
    expect(await t.call(s, 'auth.logout', {})).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
    expect(auditActions()).toContain('auth.lock');
  });
});

describe('PIN change', () => {
  it('needs the old PIN, refuses weak or unchanged PINs, and then only the new one works', async () => {
    await start();
    const s = await t.login('1001');
    expect(await t.call(s, 'security.changePin', { oldPin: '9876', newPin: '7391' })).toMatchObject({ ok: false, error: { code: 'LOGIN_FAILED' } });
    expect(await t.call(s, 'security.changePin', { oldPin: '1234', newPin: '1234' })).toMatchObject({ ok: false, error: { code: 'PIN_UNCHANGED' } });
    for (const weak of ['0000', '5678', '1001', '4321']) {
      expect(await t.call(s, 'security.changePin', { oldPin: '1234', newPin: weak }), weak).toMatchObject({ ok: false, error: { code: 'PIN_WEAK' } });
    }
    expect(await t.call(s, 'security.changePin', { oldPin: '1234', newPin: '7391' })).toEqual({ ok: true, value: null });
    expect((await login('1001', '1234')).ok).toBe(false);
    expect((await login('1001', '7391')).ok).toBe(true);
    // No PIN ever reaches the audit log.
    const all = JSON.stringify(t.app.db.prepare('SELECT * FROM audit_log').all());
    expect(all).not.toContain('7391');
    expect(all).toContain('auth.change-pin');
  });
});

describe('lockout and admin changes', () => {
  it(`after ${OPERATOR_FREE_FAILURES} wrong PINs a number waits a growing delay, never a lock; known and unknown numbers alike; a supervisor lifts it`, async () => {
    await start();
    // A stranger opens a new connection (session) for every try: only the number's delay applies.
    for (let i = 0; i < OPERATOR_FREE_FAILURES; i++) {
      expect(await login('1002', '9876')).toEqual({ ok: false, error: { code: 'LOGIN_FAILED', message: '工号或密码不正确。' } });
      expect(await login('1099', '9876')).toEqual({ ok: false, error: { code: 'LOGIN_FAILED', message: '工号或密码不正确。' } });
    }
    // The right PIN is not even looked at while the number waits: known and unknown answer alike.
    const known = await login('1002', '1234');
    const unknown = await login('1099', '1234');
    expect(known).toMatchObject({ ok: false, error: { code: 'LOGIN_THROTTLED', details: { retryAfterSeconds: 5 } } });
    expect(unknown).toEqual(known);
    const admin = await t.login('9001');
    const list = await t.call(admin, 'security.operators', {});
    expect(list.ok && list.value.find((o) => o.id === '1002')).toMatchObject({ locked: true, active: true });
    expect(JSON.stringify(list)).not.toMatch(/scrypt|pin_hash/);

    // The delay passes by itself (5 s) ...
    clock.advance(6_000);
    expect((await login('1002', '1234')).ok).toBe(true);
    // ... grows with each further wrong PIN, up to its cap ...
    for (let i = 0; i < OPERATOR_FREE_FAILURES + 10; i++) {
      await login('1002', '9876');
      clock.advance(OPERATOR_MAX_DELAY_MS);
    }
    await login('1002', '9876');
    expect(await login('1002', '1234')).toMatchObject({ ok: false, error: { code: 'LOGIN_THROTTLED', details: { retryAfterSeconds: OPERATOR_MAX_DELAY_MS / 1000 } } });
    // ... and a supervisor lifts it at once.
    const sup = await t.login('2001');
    expect(await t.call(sup, 'security.unlockOperator', { id: '1002' })).toMatchObject({ ok: true, value: { locked: false, failedAttempts: 0 } });
    expect((await login('1002', '1234')).ok).toBe(true);
  });

  it("a stranger's wrong PINs do not hold up the operator's own window; a source that keeps failing is slowed down", async () => {
    await start();
    const own = newSession('test');
    expect((await t.call(own, 'auth.login', { operatorId: '9001', pin: '990011' })).ok).toBe(true);
    expect((await t.call(own, 'security.lock', {})).ok).toBe(true);
    for (let i = 0; i < OPERATOR_FREE_FAILURES + 3; i++) await login('9001', '000000');
    expect(await login('9001', '990011')).toMatchObject({ ok: false, error: { code: 'LOGIN_THROTTLED' } });
    // The admin's own (locked) window logs in again at once.
    expect((await t.call(own, 'auth.login', { operatorId: '9001', pin: '990011' })).ok).toBe(true);
    // One connection that keeps failing (at any numbers) waits 1 s, 2 s, ... between tries.
    const s = newSession('test');
    for (const id of ['1001', '1002', '7777']) expect(await t.call(s, 'auth.login', { operatorId: id, pin: '9876' })).toMatchObject({ error: { code: 'LOGIN_FAILED' } });
    expect(await t.call(s, 'auth.login', { operatorId: '1001', pin: '1234' })).toMatchObject({ error: { code: 'LOGIN_THROTTLED', details: { retryAfterSeconds: 1 } } });
    clock.advance(1_000);
    expect((await t.call(s, 'auth.login', { operatorId: '1001', pin: '1234' })).ok).toBe(true);
  });

  it('an admin adds an operator who can then log in; duplicates and weak PINs change nothing', async () => {
    await start();
    const admin = await t.login('9001');
    const add = await t.call(admin, 'security.addOperator', { id: '1003', name: '孙强', role: 'cashier', pin: '5827' });
    expect(add).toMatchObject({ ok: true, value: { id: '1003', role: 'cashier', active: true } });
    expect((await login('1003', '5827')).ok).toBe(true);
    const count = () => rowCount(t.app.db, 'operators');
    const n = count();
    expect(await t.call(admin, 'security.addOperator', { id: '1003', name: '重复', role: 'admin', pin: '582716' })).toMatchObject({ ok: false, error: { code: 'OPERATOR_EXISTS' } });
    expect(await t.call(admin, 'security.addOperator', { id: '1004', name: '弱', role: 'cashier', pin: '1111' })).toMatchObject({ ok: false, error: { code: 'PIN_WEAK' } });
    // Supervisors and admins need at least 6 characters; a cashier's 4 are still enough.
    for (const role of ['supervisor', 'admin'] as const) {
      expect(await t.call(admin, 'security.addOperator', { id: '2009', name: '短', role, pin: '58271' })).toMatchObject({ ok: false, error: { code: 'PIN_WEAK', details: { minLength: 6 } } });
    }
    expect(count()).toBe(n);
    const entry = t.app.db.prepare("SELECT operator_id, subject FROM audit_log WHERE action = 'operator.add' AND subject = '1003'").get();
    expect(entry).toEqual({ operator_id: '9001', subject: '1003' });
  });

  it('disabling an operator ends their open session at the next call and refuses their login', async () => {
    await start();
    const cashier = await t.login('1002');
    const admin = await t.login('9001');
    expect(await t.call(admin, 'security.setOperatorActive', { id: '1002', active: false })).toMatchObject({ ok: true, value: { active: false } });
    expect(await t.call(cashier, 'auth.logout', {})).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
    expect(cashier.operator).toBeNull();
    expect(await login('1002', '1234')).toMatchObject({ ok: false, error: { code: 'LOGIN_FAILED' } });
    expect(await t.call(admin, 'security.setOperatorActive', { id: '9001', active: false })).toMatchObject({ ok: false, error: { code: 'SELF_DISABLE' } });
    expect(await t.call(admin, 'security.setOperatorActive', { id: '1002', active: true })).toMatchObject({ ok: true });
    expect((await login('1002', '1234')).ok).toBe(true);
  });

  it('the last active admin cannot be disabled', async () => {
    await start();
    expect(() => t.app.auth.setActive('9001', false, null)).toThrow(expect.objectContaining({ code: 'LAST_ADMIN' }));
  });

  it('an admin resets a forgotten PIN, which also lifts a delay', async () => {
    await start();
    for (let i = 0; i < OPERATOR_FREE_FAILURES; i++) await login('1001', '9876');
    const admin = await t.login('9001');
    expect(await t.call(admin, 'security.setOperatorPin', { id: '1001', pin: '6620' })).toMatchObject({ ok: true, value: { locked: false } });
    expect((await login('1001', '6620')).ok).toBe(true);
    expect(await t.call(admin, 'security.setOperatorPin', { id: '2001', pin: '6620' })).toMatchObject({ ok: false, error: { code: 'PIN_WEAK' } });
    expect(await t.call(admin, 'security.setOperatorPin', { id: 'nobody', pin: '6620' })).toMatchObject({ ok: false, error: { code: 'OPERATOR_NOT_FOUND' } });
  });

  it('second-person authorization needs the right role and counts wrong PINs', async () => {
    await start();
    expect(t.app.auth.authorize('2001', '246810', 'supervisor', 'settlement.refund')).toMatchObject({ id: '2001' });
    expect(() => t.app.auth.authorize('1001', '1234', 'supervisor', 'settlement.refund')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => t.app.auth.authorize('2001', '0000', 'supervisor', 'settlement.refund')).toThrow(expect.objectContaining({ code: 'LOGIN_FAILED' }));
    expect(auditActions()).toEqual(expect.arrayContaining(['settlement.refund.forbidden', 'settlement.refund.failed']));
  });
});
