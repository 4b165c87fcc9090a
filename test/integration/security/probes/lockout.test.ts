// Probes of wrong-PIN throttling over real WebSockets (issue 14). Anyone holding the WebSocket
// token could lock any operator — the admin too — by five wrong PINs without logging in, and
// known and unknown operator numbers answered differently ("还可尝试 N 次" vs not). Now: the same
// answers (and similar time) for known and unknown numbers, growing delays instead of a lock
// (the admin logs in once the delay has passed, and at once from their own window), the process
// alive, and no row changed but the audit log once the operator has logged in again.
import { describe, expect, it } from 'vitest';
import { OPERATOR_FREE_FAILURES } from '../../../../electron/auth/login-throttle';
import { changedTables, openApiSocket, sleep, probeTargetForFile } from './harness';

const target = probeTargetForFile();

/** One login try on a fresh connection (a stranger opens a new one each time): answer and time. */
async function strangerTry(operatorId: string, pin: string): Promise<{ code: string; message: string; details?: unknown; ms: number }> {
  const s = await openApiSocket(target().port, target().token);
  try {
    const t0 = performance.now();
    const r = await s.call('auth.login', { operatorId, pin });
    const ms = performance.now() - t0;
    return r.ok ? { code: 'OK', message: '', ms } : { code: r.error!.code, message: r.error!.message, ...((r.error as { details?: unknown }).details ? { details: (r.error as { details?: unknown }).details } : {}), ms };
  } finally {
    s.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('wrong PINs from strangers', () => {
  it('cannot lock the admin: a growing delay, then the admin logs in; their own window at once', async () => {
    const before = target().snapshot();
    // The admin's own window: logged in, then locked (Ctrl+L) while they step away.
    const own = await target().api('9001', '990011');
    expect((await own.call('security.lock', {})).ok).toBe(true);

    const answers = [];
    for (let i = 0; i < OPERATOR_FREE_FAILURES + 3; i++) answers.push(await strangerTry('9001', '000000'));
    expect(answers.slice(0, OPERATOR_FREE_FAILURES).map((a) => a.code)).toEqual(Array(OPERATOR_FREE_FAILURES).fill('LOGIN_FAILED'));
    expect(answers.slice(OPERATOR_FREE_FAILURES).map((a) => a.code)).toEqual(['LOGIN_THROTTLED', 'LOGIN_THROTTLED', 'LOGIN_THROTTLED']);
    for (const a of answers) expect(a.message).toMatch(/[\u4e00-\u9fff]/);
    expect(answers.some((a) => a.code === 'OPERATOR_LOCKED')).toBe(false);

    // The admin's own window is not held up by the stranger.
    expect((await own.call('auth.login', { operatorId: '9001', pin: '990011' })).ok).toBe(true);
    own.close();
    // Nor anyone once the delay (5 s after the fifth wrong PIN) has passed: not a 15-minute lock.
    const wait = (answers.at(-1)!.details as { retryAfterSeconds: number }).retryAfterSeconds;
    expect(wait).toBeLessThanOrEqual(5);
    await sleep(wait * 1000 + 200);
    expect((await strangerTry('9001', '990011')).code).toBe('OK');
    await target().expectAlive();
    // The stranger's tries are in the audit log; the admin's row is as it was.
    expect(changedTables(before, target().snapshot())).toEqual(['audit_log']);
  }, 60_000);

  it('known and unknown operator numbers get the same answers in similar time', async () => {
    const known: Awaited<ReturnType<typeof strangerTry>>[] = [];
    const unknown: Awaited<ReturnType<typeof strangerTry>>[] = [];
    // Interleaved, so load on the machine falls on both alike.
    for (let i = 0; i < OPERATOR_FREE_FAILURES + 1; i++) {
      known.push(await strangerTry('1002', '9876'));
      unknown.push(await strangerTry('1098', '9876'));
    }
    const strip = (a: (typeof known)[number]) => ({ code: a.code, message: a.message, details: a.details });
    expect(unknown.map(strip)).toEqual(known.map(strip));
    expect(known.map((a) => a.code)).toEqual([...Array(OPERATOR_FREE_FAILURES).fill('LOGIN_FAILED'), 'LOGIN_THROTTLED']);
    // Each failed try costs one scrypt either way.
    const k = median(known.slice(0, OPERATOR_FREE_FAILURES).map((a) => a.ms));
    const u = median(unknown.slice(0, OPERATOR_FREE_FAILURES).map((a) => a.ms));
    expect(Math.max(k, u) / Math.min(k, u), `known ${k} ms, unknown ${u} ms`).toBeLessThan(3);
    await target().expectAlive();
  }, 60_000);

  it('one connection that keeps guessing is slowed down, and a supervisor can lift a number\'s delay', async () => {
    const s = await openApiSocket(target().port, target().token);
    const codes = [];
    for (const id of ['1001', '2001', '5555', '1001']) codes.push((await s.call('auth.login', { operatorId: id, pin: '975310' })).error?.code);
    expect(codes).toEqual(['LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_THROTTLED']);
    s.close();
    const sup = await target().api('2001', '246810');
    expect((await sup.call('security.unlockOperator', { id: '1002' })).ok).toBe(true);
    sup.close();
    expect((await strangerTry('1002', '1234')).code).toBe('OK');
    await target().expectAlive();
  }, 60_000);
});
