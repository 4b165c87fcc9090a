// The window's idle lock (issue 13): the lock screen shows at the main process's idle time,
// restarted by each call the main process counts as activity — not at the next call.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IDLE_MARGIN_MS, startIdleTimer } from '../../../renderer/src/account/idle-lock';
import { createApi, type Transport } from '../../../renderer/src/api/client';
import type { ApiResult } from '../../../electron/api/result';

describe('idle timer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once, just after the idle time, unless touched', () => {
    const onIdle = vi.fn();
    startIdleTimer(60_000, onIdle);
    vi.advanceTimersByTime(60_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(IDLE_MARGIN_MS);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10 * 60_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('starts again at each touch, and never fires once stopped', () => {
    const onIdle = vi.fn();
    const t = startIdleTimer(60_000, onIdle);
    vi.advanceTimersByTime(50_000);
    t.touch();
    vi.advanceTimersByTime(50_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000 + IDLE_MARGIN_MS);
    expect(onIdle).toHaveBeenCalledTimes(1);
    const s = startIdleTimer(1000, onIdle);
    s.stop();
    s.touch();
    vi.advanceTimersByTime(5000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });
});

describe('what counts as activity (as the main process counts it)', () => {
  const answering = (result: ApiResult<unknown>): Transport =>
    ({ call: () => Promise.resolve(result), onEvent: () => () => undefined, onConnection: () => () => undefined }) as unknown as Transport;
  const count = async (name: string, result: ApiResult<unknown>) => {
    const api = createApi(answering(result));
    let n = 0;
    api.onActivity(() => n++);
    await api.call(name as 'settlement.list', {} as never);
    return n;
  };
  it('a gated call answered, also with an error the handler gave', async () => {
    expect(await count('settlement.list', { ok: true, value: [] })).toBe(1);
    expect(await count('settlement.refund', { ok: false, error: { code: 'LOGIN_FAILED', message: '' } })).toBe(1);
  });
  it('not a public call, a lost connection, a role refusal or a session already gone', async () => {
    expect(await count('system.status', { ok: true, value: {} })).toBe(0);
    expect(await count('auth.login', { ok: true, value: {} })).toBe(0);
    expect(await count('settlement.list', { ok: false, error: { code: 'DISCONNECTED', message: '' } })).toBe(0);
    expect(await count('shift.signoff', { ok: false, error: { code: 'FORBIDDEN', message: '' } })).toBe(0);
    expect(await count('settlement.list', { ok: false, error: { code: 'SESSION_LOCKED', message: '' } })).toBe(0);
  });
});
