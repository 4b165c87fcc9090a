// @vitest-environment jsdom
// The status bar's 目录 cell while a policy sync runs: fed by 'policy.sync' events from the
// main process (here through an Electron-style bridge), back to the version when it ends.
import { act } from 'react';
import type { Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mount, unmountAll } from './mount';
import type { PolicySyncProgress } from '../../../electron/api/contract/events';
import type { StatusSnapshot } from '../../../electron/api/contract/system';
import type { EventHandler } from '../../../renderer/src/api/client';
import { StatusBar } from '../../../renderer/src/components/StatusBar';
import { policySyncText } from '../../../renderer/src/components/policy-sync-progress';
import { useApp } from '../../../renderer/src/state/store';

const listeners = new Set<EventHandler>();
window.cashier = {
  onEvent(cb: EventHandler) {
    listeners.add(cb);
    return () => listeners.delete(cb);
  },
};
const emit = (p: PolicySyncProgress) => act(() => listeners.forEach((cb) => cb('policy.sync', p)));

const MB = 1024 * 1024;
const snapshot: StatusSnapshot = {
  center: { mode: 'online', sandbox: true, url: 'http://127.0.0.1:1/', lastContactAt: null, lastError: null },
  outbox: { depth: 0, oldestQueuedAt: null, failing: 0 },
  policy: { seq: 3, version: '2026.01-demo', appliedAt: '2026-11-23T07:00:00Z' },
  devices: [],
  offlineProvisional: false,
};

let root: Root;
let host: HTMLDivElement;
beforeEach(() => {
  ({ host, root } = mount());
  useApp.setState({ lang: 'zh-CN', nowMs: Date.parse('2026-11-23T10:00:00Z'), status: snapshot, policy: null, operator: null, shift: null, conn: 'open' });
  act(() => root.render(<StatusBar />));
});
afterEach(unmountAll);
const policyCell = () => host.querySelector('[data-testid="status-policy"]')?.textContent ?? '';

describe('policy sync in the status bar', () => {
  it('shows 同步中 x/y while downloading and the version again once done', () => {
    expect(policyCell()).toBe('目录2026.01-demo（第 3 版，3 小时前）');
    emit({ phase: 'asking', receivedBytes: 0, totalBytes: null });
    expect(policyCell()).toBe('目录同步中…');
    emit({ phase: 'downloading', receivedBytes: 1.5 * MB, totalBytes: 3 * MB });
    expect(policyCell()).toBe('目录同步中 1.5/3.0 MB');
    expect(host.querySelector('[data-testid="status-policy"]')!.className).toContain('tone-warn');
    emit({ phase: 'done', receivedBytes: 3 * MB, totalBytes: 3 * MB });
    expect(policyCell()).toBe('目录2026.01-demo（第 3 版，3 小时前）');
  });

  it('a failed sync clears it too', () => {
    emit({ phase: 'downloading', receivedBytes: 10, totalBytes: 100 });
    expect(policyCell()).toContain('同步中');
    emit({ phase: 'failed', receivedBytes: 10, totalBytes: 100, error: '目录同步失败' });
    expect(policyCell()).not.toContain('同步中');
  });

  it('text: KB below a megabyte, no total when none was declared, English', () => {
    expect(policySyncText({ phase: 'downloading', receivedBytes: 20 * 1024, totalBytes: 50 * 1024 }, 'zh-CN')).toBe('同步中 20/50 KB');
    expect(policySyncText({ phase: 'downloading', receivedBytes: 2 * MB, totalBytes: null }, 'zh-CN')).toBe('同步中 2.0 MB');
    expect(policySyncText({ phase: 'applying', receivedBytes: MB, totalBytes: MB }, 'en')).toBe('syncing…');
  });
});
