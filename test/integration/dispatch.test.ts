import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newSession } from '../../electron/api/session';
import { startTempApp, type TempApp } from '../helpers/temp-app';

describe('the one dispatch', () => {
  let t: TempApp;
  beforeEach(async () => {
    t = await startTempApp();
  });
  afterEach(() => t.close());

  it('answers a public call without login', async () => {
    const r = await t.call(newSession('test'), 'system.info', {});
    expect(r.ok && r.value.demo).toBe(true);
  });

  // The two calls below are off the contract on purpose (the untyped App.call is what a
  // transport hands the dispatcher); every other call here is typed.
  it('refuses an unknown call by name', async () => {
    const r = await t.app.call(newSession('test'), 'nope.nothing', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
  });

  it('refuses malformed input with INVALID_INPUT naming the field, and changes nothing', async () => {
    const before = t.app.db.prepare('SELECT count(*) n FROM audit_log').get();
    const r = await t.app.call(newSession('test'), 'auth.login', { operatorId: 1001 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_INPUT');
      expect(r.error.message).toContain('operatorId');
    }
    expect(t.app.db.prepare('SELECT count(*) n FROM audit_log').get()).toEqual(before);
  });

  it('asks for a login before a cashier call', async () => {
    const r = await t.call(newSession('test'), 'auth.logout', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
  });

  it('logs in a demo cashier with the right PIN and audits it', async () => {
    const s = await t.login('1001');
    expect(s.operator).toEqual({ id: '1001', name: '李明', role: 'cashier' });
    const rows = t.app.db.prepare("SELECT action FROM audit_log WHERE action = 'auth.login'").all();
    expect(rows).toHaveLength(1);
  });

  it('refuses a wrong PIN (same answer as an unknown number); a connection that keeps failing is slowed down, the operator not locked', async () => {
    const s = newSession('test');
    for (const [id, pin] of [['1001', '0000'], ['nobody', '1234'], ['1001', '0000']] as const) {
      expect(await t.call(s, 'auth.login', { operatorId: id, pin })).toEqual({ ok: false, error: { code: 'LOGIN_FAILED', message: '工号或密码不正确。' } });
    }
    expect(await t.call(s, 'auth.login', { operatorId: '1001', pin: '1234' })).toMatchObject({ ok: false, error: { code: 'LOGIN_THROTTLED', details: { retryAfterSeconds: 1 } } });
    expect(s.operator).toBeNull();
    // Another window logs in as 1001 at once.
    expect((await t.call(newSession('test'), 'auth.login', { operatorId: '1001', pin: '1234' })).ok).toBe(true);
  });
});
