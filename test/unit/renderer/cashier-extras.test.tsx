// @vitest-environment jsdom
// The pieces of the cashier extras that decide what the cashier sees: upload deadlines (counts,
// the queue cell's colour, "剩 … / 已超 …"), the operator's Ctrl keys, and print errors split into
// the Chinese message and its code. The status bar is rendered by React into jsdom.
import { act } from 'react';
import type { Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mount, unmountAll } from './mount';
import type { StatusSnapshot } from '../../../electron/api/contract/system';
import { operatorKeyOf } from '../../../renderer/src/account/GlobalKeys';
import { isUnprinted, printErrorParts, printReason } from '../../../renderer/src/cashier/PrintStatus';
import { StatusBar } from '../../../renderer/src/components/StatusBar';
import { translator } from '../../../renderer/src/i18n';
import { countDeadlines, deadlineLeft, formatDuration, queueTone } from '../../../renderer/src/outbox/deadline';
import { useOutboxDeadlines } from '../../../renderer/src/outbox/outbox-state';
import { useApp } from '../../../renderer/src/state/store';

const zh = translator('zh-CN');
const en = translator('en');
const NOW = Date.parse('2026-11-23T10:00:00Z');
const H = 3600_000;

describe('upload deadlines', () => {
  it('counts near and past against the window clock, not the answer that said "near"', () => {
    const items = [
      { deadlineAt: new Date(NOW - 1).toISOString(), near: true },
      { deadlineAt: new Date(NOW + H).toISOString(), near: true },
      { deadlineAt: new Date(NOW + 20 * H).toISOString(), near: false },
      // Said "near" a while ago; its deadline has passed since.
      { deadlineAt: new Date(NOW - 60_000).toISOString(), near: true },
    ];
    expect(countDeadlines(items, NOW)).toEqual({ near: 1, past: 2 });
    expect(countDeadlines([], NOW)).toEqual({ near: 0, past: 0 });
  });

  it('colours the queue: empty green, waiting neutral, near amber, past red', () => {
    expect(queueTone(0, { near: 0, past: 0 })).toBe('ok');
    expect(queueTone(3, { near: 0, past: 0 })).toBe('plain');
    expect(queueTone(3, { near: 1, past: 0 })).toBe('warn');
    expect(queueTone(3, { near: 1, past: 1 })).toBe('bad');
  });

  it('says how long is left or how long it is over, in Chinese and English', () => {
    expect(formatDuration(45 * 60_000 + 59_000, zh)).toBe('45 分钟');
    expect(formatDuration(3 * H + 20 * 60_000, zh)).toBe('3 小时 20 分');
    expect(formatDuration(49 * H, zh)).toBe('2 天 1 小时');
    expect(deadlineLeft(new Date(NOW + 3 * H + 20 * 60_000).toISOString(), NOW, zh)).toBe('剩 3 小时 20 分');
    expect(deadlineLeft(new Date(NOW - 2 * H).toISOString(), NOW, zh)).toBe('已超 2 小时 0 分');
    expect(deadlineLeft(new Date(NOW + 5 * 60_000).toISOString(), NOW, en)).toBe('5 min left');
  });
});

describe('operator keys and print errors', () => {
  it('maps Ctrl+U / Ctrl+P / Ctrl+L (any case, or by physical key) and nothing else', () => {
    expect(operatorKeyOf({ key: 'u', ctrlKey: true })).toBe('queue');
    expect(operatorKeyOf({ key: 'P', ctrlKey: true })).toBe('pin');
    expect(operatorKeyOf({ key: 'Process', code: 'KeyL', ctrlKey: true })).toBe('lock');
    expect(operatorKeyOf({ key: 'l' })).toBeNull();
    expect(operatorKeyOf({ key: 'l', ctrlKey: true, shiftKey: true })).toBeNull();
    expect(operatorKeyOf({ key: 'c', ctrlKey: true })).toBeNull();
  });

  it('splits the stored print error into code and Chinese message; only failed, unfinished jobs count', () => {
    expect(printErrorParts('PRINTER_OUT_OF_PAPER: 小票打印机缺纸；请装纸')).toEqual({ code: 'PRINTER_OUT_OF_PAPER', message: '小票打印机缺纸；请装纸' });
    expect(printErrorParts('连接断开')).toEqual({ code: 'PRINTER_FAILED', message: '连接断开' });
    expect(printErrorParts(null)).toBeNull();
    // Known printer codes get our own words (the device's text may suggest other keys); others keep theirs.
    expect(printReason(printErrorParts('PRINTER_OUT_OF_PAPER: 小票打印机缺纸；请装纸后点“重打”'), zh)).toBe('打印机缺纸');
    expect(printReason(printErrorParts('PRINTER_OUT_OF_PAPER: x'), en)).toBe('the printer is out of paper');
    expect(printReason(printErrorParts('INTERRUPTED: 打印中程序退出'), zh)).toBe('打印中程序退出');
    expect(printReason(null, zh)).toBe('打印机未响应');
    const job = { id: 1, settlementId: 's', copy: false, attempts: 1, nextAttemptAt: null, printer: 'p', profile: '80mm' as const, createdAt: '', printedAt: null };
    expect(isUnprinted({ ...job, state: 'failed-waiting', lastError: 'X: y' })).toBe(true);
    // An automatic retry in progress still counts as not printed.
    expect(isUnprinted({ ...job, state: 'printing', lastError: 'X: y' })).toBe(true);
    expect(isUnprinted({ ...job, state: 'queued', lastError: null })).toBe(false);
    expect(isUnprinted({ ...job, state: 'done', lastError: null })).toBe(false);
  });
});

describe('status bar queue cell with deadlines', () => {
  let root: Root;
  let host: HTMLDivElement;
  const snapshot: StatusSnapshot = {
    center: { mode: 'offline', sandbox: true, url: '', lastContactAt: null, lastError: null },
    outbox: { depth: 2, oldestQueuedAt: new Date(NOW - 19 * H).toISOString(), failing: 0 },
    policy: { seq: 3, version: 'v3', appliedAt: new Date(NOW).toISOString() },
    devices: [],
    offlineProvisional: true,
  };
  beforeEach(() => {
    ({ host, root } = mount());
    useApp.setState({ lang: 'zh-CN', nowMs: NOW, status: snapshot, policy: null, operator: null, shift: null, conn: 'open' });
  });
  afterEach(() => {
    unmountAll();
    useOutboxDeadlines.setState({ deadlines: null });
  });
  const queue = () => host.querySelector('[data-testid="status-queue"]')!;

  it('is neutral while uploads wait, amber when one is near its deadline, red when one is past', () => {
    act(() => root.render(<StatusBar />));
    expect(queue().className).toContain('tone-plain');
    expect(queue().textContent).toBe('上传队列2 笔，最早 19 小时前');
    act(() => useOutboxDeadlines.setState({ deadlines: [{ deadlineAt: new Date(NOW + 5 * H).toISOString(), near: true }] }));
    expect(queue().className).toContain('tone-warn');
    expect(queue().textContent).toBe('上传队列2 笔，最早 19 小时前 · 1 笔临近上传时限');
    // The window's clock passes the deadline: red, without a new answer from the service.
    act(() => useApp.setState({ nowMs: NOW + 5 * H + 1000 }));
    expect(queue().className).toContain('tone-bad');
    expect(queue().textContent).toMatch(/1 笔已超上传时限$/);
  });

  it('ignores stale deadlines once the queue is empty', () => {
    useOutboxDeadlines.setState({ deadlines: [{ deadlineAt: new Date(NOW - H).toISOString(), near: true }] });
    useApp.setState({ status: { ...snapshot, outbox: { depth: 0, oldestQueuedAt: null, failing: 0 } } });
    act(() => root.render(<StatusBar />));
    expect(queue().className).toContain('tone-ok');
    expect(queue().textContent).toBe('上传队列无待传');
  });
});
