// Upload deadlines as the cashier sees them: how many open uploads are near or past their
// deadline (the status bar's colour), and "3 h 20 min left" / "2 h over" for the queue list.
// Pure: tested in test/unit/renderer without a window.
import { isPastDeadline, type DeadlineStanding } from '../../../electron/api/contract/settlement';
import type { Translate } from '../i18n';

export interface DeadlineFacts {
  deadlineAt: string;
  /** The server's judgement at the time it answered (last quarter of the window). */
  near: boolean;
}

export interface DeadlineCounts {
  near: number;
  past: number;
}

/**
 * Where an item stands now. "Past" is judged against the window's own clock (the contract's
 * rule) so an answer fetched a minute ago still turns red on time; "near" is the main process's
 * judgement by the same rule when it answered.
 */
export function standingNow(i: DeadlineFacts, nowMs: number): DeadlineStanding {
  if (isPastDeadline(i.deadlineAt, nowMs)) return 'past';
  return i.near ? 'near' : 'ok';
}

/** Count items near (not yet past) and past their deadline now. */
export function countDeadlines(items: readonly DeadlineFacts[], nowMs: number): DeadlineCounts {
  let near = 0;
  let past = 0;
  for (const i of items) {
    const s = standingNow(i, nowMs);
    if (s === 'past') past++;
    else if (s === 'near') near++;
  }
  return { near, past };
}

export type QueueTone = 'ok' | 'plain' | 'warn' | 'bad';

/** Empty: green; waiting: neutral (normal while offline); near a deadline: amber; past: red. */
export function queueTone(depth: number, c: DeadlineCounts): QueueTone {
  if (c.past > 0) return 'bad';
  if (c.near > 0) return 'warn';
  return depth > 0 ? 'plain' : 'ok';
}

/** A duration in words, rounded down to the minute: "45 分钟", "3 小时 20 分", "2 天 1 小时". */
export function formatDuration(ms: number, t: Translate): string {
  const totalMin = Math.max(0, Math.floor(ms / 60_000));
  if (totalMin < 60) return t('dur.minutes', { m: totalMin });
  const h = Math.floor(totalMin / 60);
  if (h < 48) return t('dur.hours', { h, m: totalMin % 60 });
  return t('dur.days', { d: Math.floor(h / 24), h: h % 24 });
}

/** "剩 3 小时 20 分" before the deadline, "已超 2 小时 0 分" after it. */
export function deadlineLeft(deadlineAt: string, nowMs: number, t: Translate): string {
  const at = Date.parse(deadlineAt);
  if (Number.isNaN(at)) return deadlineAt;
  const left = at - nowMs;
  return left > 0 ? t('outbox.left', { time: formatDuration(left, t) }) : t('outbox.over', { time: formatDuration(-left, t) });
}
