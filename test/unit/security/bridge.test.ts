// window.cashier as the preload builds it: exactly one method per call of the contract, each
// on its own channel; nothing that lets the page name a channel.
import { describe, expect, it } from 'vitest';
import { callNames } from '../../../electron/api/contract';
import { buildBridge, channelFor } from '../../../electron/security/bridge';

describe('the preload bridge', () => {
  const sent: Array<[string, unknown]> = [];
  const listeners: Array<(n: string, p: unknown) => void> = [];
  const bridge = buildBridge(
    callNames,
    async (channel, input) => {
      sent.push([channel, input]);
      return { ok: true, value: channel };
    },
    (cb) => {
      listeners.push(cb);
      return () => listeners.splice(listeners.indexOf(cb), 1);
    },
  );

  it('has one method per contract call plus onEvent, and nothing else', () => {
    expect(Object.keys(bridge).sort()).toEqual([...callNames, 'onEvent'].sort());
    for (const generic of ['invoke', 'send', 'call', 'ipcRenderer', 'on', 'require']) expect(generic in bridge, generic).toBe(false);
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('each method sends its input on api:<name> only', async () => {
    sent.length = 0;
    for (const name of callNames) {
      const r = await (bridge[name] as (i: unknown) => Promise<unknown>)({ probe: name });
      expect(r).toEqual({ ok: true, value: `api:${name}` });
    }
    expect(sent).toEqual(callNames.map((n) => [channelFor(n), { probe: n }]));
    expect(sent.every(([c]) => c.startsWith('api:'))).toBe(true);
  });

  it('an absent input is sent as {} (the dispatch validates it)', async () => {
    sent.length = 0;
    await (bridge['system.info'] as (i?: unknown) => Promise<unknown>)();
    expect(sent).toEqual([['api:system.info', {}]]);
  });

  it('onEvent subscribes and unsubscribes; it needs a function', () => {
    const got: string[] = [];
    const off = bridge.onEvent((name) => got.push(name));
    listeners.forEach((l) => l('status', {}));
    off();
    listeners.forEach((l) => l('status', {}));
    expect(got).toEqual(['status']);
    expect(() => (bridge.onEvent as (x: unknown) => unknown)('nope')).toThrow(TypeError);
  });

  it('refuses a name that would shadow onEvent or repeat', () => {
    expect(() => buildBridge(['a.b', 'a.b'], async () => null, () => () => undefined)).toThrow(/duplicate/);
    expect(() => buildBridge(['onEvent'], async () => null, () => () => undefined)).toThrow();
  });
});
