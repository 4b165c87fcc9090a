// What the supervisor's charts draw, computed from a shift's figures (or a day's sum of them).
// Pure: no React, so the unit tests check the numbers the bars and labels are made from.
import type { Figure, ShiftFigures, ShiftReport } from '../../../electron/api/contract/shift';

export interface HourBar {
  /** "09".."23", China time (as the figures give it). */
  hour: string;
  /** Settlements (not refunds) made in that hour. */
  count: number;
  /** Net amount in fen (refunds made in that hour subtracted). */
  total: number;
}

/**
 * The figures list only hours that had settlements; a chart with gaps closed would hide a quiet
 * hour, so every hour between the first and the last is given, empty ones as zero.
 */
export function continuousHours(hourly: readonly HourBar[]): HourBar[] {
  if (hourly.length === 0) return [];
  const byHour = new Map(hourly.map((h) => [Number(h.hour), h]));
  const hours = [...byHour.keys()];
  const first = Math.min(...hours);
  const last = Math.max(...hours);
  const out: HourBar[] = [];
  for (let h = first; h <= last; h++) {
    const hour = String(h).padStart(2, '0');
    const got = byHour.get(h);
    out.push({ hour, count: got?.count ?? 0, total: got?.total ?? 0 });
  }
  return out;
}

export type Channel = 'fund' | 'critical' | 'account' | 'cash';
/** The four ways a bill is paid, in the order of the receipt and the PDF. */
export const CHANNELS: readonly Channel[] = ['fund', 'critical', 'account', 'cash'];

export interface ChannelPart {
  channel: Channel;
  /** Net fen; a channel whose refunds outweigh its takings is drawn as zero but its figure is kept. */
  fen: number;
  /** Share of the positive sum in tenths of a percent (integer), for the label: 1234 → "123.4%". */
  permille: number;
}

/** The channel split of a figure; shares in whole permille, largest remainder so they add to 1000. */
export function channelSplit(all: Pick<Figure, Channel>): ChannelPart[] {
  const drawn = CHANNELS.map((c) => Math.max(0, all[c]));
  const sum = drawn.reduce((a, b) => a + b, 0);
  if (sum === 0) return CHANNELS.map((c) => ({ channel: c, fen: all[c], permille: 0 }));
  // Integer arithmetic: floor each share, then hand the missing permille to the largest remainders.
  const floors = drawn.map((d) => Math.floor((d * 1000) / sum));
  const rest = drawn.map((d, i) => ({ i, r: (d * 1000) % sum }));
  let missing = 1000 - floors.reduce((a, b) => a + b, 0);
  for (const { i } of rest.sort((a, b) => b.r - a.r || a.i - b.i)) {
    if (missing <= 0) break;
    if (drawn[i]! > 0) {
      floors[i]! += 1;
      missing -= 1;
    }
  }
  return CHANNELS.map((c, i) => ({ channel: c, fen: all[c], permille: floors[i]! }));
}

/** "12.3%" from permille. */
export function formatPermille(p: number): string {
  return `${Math.floor(p / 10)}.${p % 10}%`;
}

function addFigure(a: Figure, b: Figure): Figure {
  return {
    count: a.count + b.count,
    refundCount: a.refundCount + b.refundCount,
    gross: a.gross + b.gross,
    refunded: a.refunded + b.refunded,
    total: a.total + b.total,
    fund: a.fund + b.fund,
    critical: a.critical + b.critical,
    account: a.account + b.account,
    cash: a.cash + b.cash,
  };
}

const ZERO: Figure = { count: 0, refundCount: 0, gross: 0, refunded: 0, total: 0, fund: 0, critical: 0, account: 0, cash: 0 };

/** What the day view charts: the sum of its shifts' figures (each computed by the one shift computation). */
export interface DayFigures {
  all: Figure;
  hourly: HourBar[];
  cashIn: number;
  cashOut: number;
  shifts: number;
}

/** A day = every shift opened that day; its figures are the sums of theirs, to the fen. */
export function sumShiftFigures(figures: readonly Pick<ShiftFigures, 'all' | 'hourly' | 'cash'>[]): DayFigures {
  const hours = new Map<string, HourBar>();
  let all = ZERO;
  let cashIn = 0;
  let cashOut = 0;
  for (const f of figures) {
    all = addFigure(all, f.all);
    cashIn += f.cash.cashIn;
    cashOut += f.cash.cashOut;
    for (const h of f.hourly) {
      const got = hours.get(h.hour) ?? { hour: h.hour, count: 0, total: 0 };
      hours.set(h.hour, { hour: h.hour, count: got.count + h.count, total: got.total + h.total });
    }
  }
  const hourly = [...hours.values()].sort((a, b) => a.hour.localeCompare(b.hour));
  return { all, hourly, cashIn, cashOut, shifts: figures.length };
}

export const dayOf = (reports: readonly ShiftReport[]): DayFigures => sumShiftFigures(reports.map((r) => r.figures));
