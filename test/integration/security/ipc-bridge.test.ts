// The main side of the IPC bridge against a real app: one session per window, calls from a
// foreign frame refused, and the dispatch doing the rest.
import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callNames } from '../../../electron/api/contract';
import { newSession } from '../../../electron/api/session';
import { silentLogger } from '../../../electron/app/log';
import { isAppUrl } from '../../../electron/security/navigation';
import { registerApiHandlers, type IpcCallEvent } from '../../../electron/security/bridge';
import { startTempApp, type TempApp } from '../../helpers/temp-app';

type Listener = (e: IpcCallEvent, input: unknown) => Promise<unknown>;

class FakeSender extends EventEmitter {
  constructor(readonly id: number) {
    super();
  }
}

describe('IPC handlers in the main process', () => {
  let t: TempApp;
  const handlers = new Map<string, Listener>();
  let sessions: Map<number, unknown>;
  const refused: string[] = [];
  beforeAll(async () => {
    t = await startTempApp({ log: silentLogger });
    ({ sessions } = registerApiHandlers({
      ipc: { handle: (ch, l) => void handlers.set(ch, l) },
      names: callNames,
      isTrustedUrl: isAppUrl,
      newSession: () => newSession('ipc'),
      call: (s, n, i) => t.app.call(s, n, i),
      log: (m) => refused.push(m),
    }));
  });
  afterAll(async () => {
    await t.close();
  });

  const windowA = new FakeSender(1);
  const windowB = new FakeSender(2);
  const from = (sender: FakeSender, url = 'app://cashier/index.html'): IpcCallEvent => ({ sender, senderFrame: { url } });
  const invoke = (name: string, e: IpcCallEvent, input: unknown) => handlers.get(`api:${name}`)!(e, input);

  it('registers exactly one channel per call', () => {
    expect([...handlers.keys()].sort()).toEqual(callNames.map((n) => `api:${n}`).sort());
  });

  it('keeps one session per window: a login in one window does not log in another', async () => {
    expect(await invoke('auth.login', from(windowA), { operatorId: '1001', pin: '1234' })).toMatchObject({ ok: true });
    expect(await invoke('auth.whoami', from(windowA), {})).toMatchObject({ ok: true, value: { id: '1001' } });
    expect(await invoke('auth.whoami', from(windowB), {})).toEqual({ ok: true, value: null });
    expect(await invoke('security.lock', from(windowB), {})).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
  });

  it('refuses a call from a frame that is not the app, running nothing', async () => {
    const before = t.app.db.prepare('SELECT count(*) n FROM audit_log').get();
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', '', 'app://other/']) {
      expect(await invoke('auth.login', from(windowB, url), { operatorId: '1001', pin: '1234' }), url).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN_ORIGIN' },
      });
    }
    expect(await invoke('auth.whoami', { sender: windowB, senderFrame: null }, {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
    expect(t.app.db.prepare('SELECT count(*) n FROM audit_log').get()).toEqual(before);
    expect(refused.length).toBe(5);
  });

  it('forgets a window\'s session when the window is destroyed', async () => {
    expect(sessions.has(1)).toBe(true);
    windowA.emit('destroyed');
    expect(sessions.has(1)).toBe(false);
    expect(await invoke('auth.whoami', from(windowA), {})).toEqual({ ok: true, value: null });
  });
});
