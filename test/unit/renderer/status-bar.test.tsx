// @vitest-environment jsdom
// The status bar and offline banner as the cashier sees them, rendered by React into jsdom
// from a status snapshot (the same shape system.status and 'status' events carry).
import { act } from 'react';
import type { Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mount, unmountAll } from './mount';
import type { StatusSnapshot } from '../../../electron/api/contract/system';
import { OfflineBanner, StatusBar } from '../../../renderer/src/components/StatusBar';
import { useApp } from '../../../renderer/src/state/store';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const snapshot = (over: Partial<StatusSnapshot> = {}): StatusSnapshot => ({
  center: { mode: 'online', sandbox: true, url: 'http://127.0.0.1:1/', lastContactAt: null, lastError: null },
  outbox: { depth: 2, oldestQueuedAt: '2026-11-23T09:55:00Z', failing: 1 },
  policy: { seq: 3, version: '2026.01-demo', appliedAt: '2026-11-23T07:00:00Z' },
  devices: [
    { id: 'r1', kind: 'reader', name: '读卡器', state: 'ready' },
    { id: 'p1', kind: 'printer', name: '打印机', state: 'paper-out' },
  ],
  offlineProvisional: false,
  ...over,
});

let root: Root;
let host: HTMLDivElement;

beforeEach(() => {
  ({ host, root } = mount());
  useApp.setState({ lang: 'zh-CN', nowMs: NOW, status: null, policy: null, operator: null, shift: null, conn: 'open' });
});

afterEach(unmountAll);

const render = () =>
  act(() =>
    root.render(
      <>
        <StatusBar />
        <OfflineBanner />
      </>,
    ),
  );
const cell = (id: string) => host.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';

describe('status bar', () => {
  it('shows center, queue with the oldest age, policy with its age, and each device', () => {
    useApp.setState({ status: snapshot() });
    render();
    expect(cell('status-center')).toBe('医保中心在线 · 沙箱');
    expect(cell('status-queue')).toBe('上传队列2 笔，最早 5 分钟前 · 1 笔重试中');
    expect(cell('status-policy')).toBe('目录2026.01-demo（第 3 版，3 小时前）');
    expect(cell('status-devices')).toContain('读卡器：就绪');
    expect(cell('status-devices')).toContain('打印机：缺纸');
    expect(host.querySelector('[data-testid="status-center"]')!.className).toContain('tone-ok');
    expect(host.querySelector('[data-testid="offline-banner"]')).toBeNull();
  });

  it('a queued item that met an error is normal while the center is offline: no "retrying" then (issue 13)', () => {
    useApp.setState({ status: snapshot({ center: { mode: 'offline', sandbox: true, url: 'http://127.0.0.1:1/', lastContactAt: null, lastError: 'ECONNREFUSED' } }) });
    render();
    expect(cell('status-queue')).toBe('上传队列2 笔，最早 5 分钟前');
    expect(cell('status-queue')).not.toMatch(/失败|重试|ECONN/);
  });

  it('shows the clinic stream only for a window of a clinic: up to date, its lag, and down in red', () => {
    useApp.setState({ status: snapshot() });
    render();
    expect(host.querySelector('[data-testid="status-clinic"]')).toBeNull();
    const clinic = { state: 'ok' as const, windowId: '07', pending: 0, oldestPendingAt: null, lastSyncAt: '2026-11-23T09:59:59Z', errorCode: null, error: null };
    useApp.setState({ status: snapshot({ clinic }) });
    render();
    expect(cell('status-clinic')).toBe('诊所汇总已同步');
    expect(host.querySelector('[data-testid="status-clinic"]')!.className).toContain('tone-ok');
    useApp.setState({ status: snapshot({ clinic: { ...clinic, state: 'down', pending: 12, oldestPendingAt: '2026-11-23T09:50:00Z', errorCode: 'CLINIC_DB_UNREACHABLE', error: 'x' } }) });
    render();
    expect(cell('status-clinic')).toBe('诊所汇总连不上 · 待传 12 条，最早 10 分钟前');
    expect(host.querySelector('[data-testid="status-clinic"]')!.className).toContain('tone-bad');
    useApp.setState({ lang: 'en' });
    render();
    expect(cell('status-clinic')).toBe('Clinic databaseunreachable · 12 to send, oldest 10 min ago');
  });

  it('shows offline in red and the banner while settlements would be provisional', () => {
    useApp.setState({ status: snapshot({ center: { mode: 'offline', url: '', lastContactAt: null, lastError: 'ECONNREFUSED' }, offlineProvisional: true }) });
    render();
    expect(cell('status-center')).toBe('医保中心离线');
    expect(host.querySelector('[data-testid="status-center"]')!.className).toContain('tone-bad');
    expect(cell('offline-banner')).toMatch(/暂存/);
  });

  it('falls back to policy.status when the snapshot has no policy, and says so when there is none', () => {
    useApp.setState({ status: snapshot({ policy: { seq: 0, version: null, appliedAt: null } }) });
    render();
    expect(cell('status-policy')).toBe('目录未下载');
    act(() => useApp.setState({ policy: { seq: 5, version: 'v5', effectiveFrom: '2026-01-01', effectiveTo: null, appliedAt: '2026-11-23T09:59:58Z', entries: 10 } }));
    expect(cell('status-policy')).toBe('目录v5（第 5 版，刚刚）');
  });

  it('switches to English', () => {
    useApp.setState({ status: snapshot() });
    render();
    act(() => (host.querySelector('[data-testid="lang-switch"]') as HTMLButtonElement).click());
    expect(cell('status-center')).toBe('Centeronline · sandbox');
    expect(cell('status-queue')).toBe('Upload queue2, oldest 5 min ago · 1 retrying');
    expect(document.documentElement.lang).toBe('en');
  });
});
