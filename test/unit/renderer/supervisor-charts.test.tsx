// @vitest-environment jsdom
// The supervisor's charts: the numbers they are drawn from (hours filled, channel shares that
// add to 100 %, a day summed from its shifts) and the SVG React renders from them — each bar's
// count and amount readable as text, a title and description for screen readers.
import { act } from 'react';
import type { Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mount, unmountAll } from './mount';
import type { Figure, ShiftFigures } from '../../../electron/api/contract/shift';
import { channelSplit, continuousHours, formatPermille, sumShiftFigures } from '../../../renderer/src/supervisor/chart-data';
import { chinaDate } from '../../../renderer/src/lib/time';
import { ChannelSplitChart } from '../../../renderer/src/supervisor/ChannelSplitChart';
import { HourlyChart } from '../../../renderer/src/supervisor/HourlyChart';

const fig = (over: Partial<Figure>): Figure => ({ count: 0, refundCount: 0, gross: 0, refunded: 0, total: 0, fund: 0, critical: 0, account: 0, cash: 0, ...over });

describe('chart data', () => {
  it('fills the quiet hours between the first and the last with zero', () => {
    expect(continuousHours([{ hour: '09', count: 2, total: 500 }, { hour: '12', count: 1, total: -100 }])).toEqual([
      { hour: '09', count: 2, total: 500 },
      { hour: '10', count: 0, total: 0 },
      { hour: '11', count: 0, total: 0 },
      { hour: '12', count: 1, total: -100 },
    ]);
    expect(continuousHours([])).toEqual([]);
  });

  it('channel shares are whole permille that add to 1000, negatives drawn as zero', () => {
    const parts = channelSplit({ fund: 1, critical: 1, account: 1, cash: 0 });
    expect(parts.map((p) => p.permille)).toEqual([334, 333, 333, 0]);
    const neg = channelSplit({ fund: 3000, critical: 0, account: -500, cash: 1000 });
    expect(neg.map((p) => p.permille)).toEqual([750, 0, 0, 250]);
    expect(neg.find((p) => p.channel === 'account')!.fen).toBe(-500); // the figure itself is kept
    expect(channelSplit({ fund: 0, critical: 0, account: 0, cash: 0 }).map((p) => p.permille)).toEqual([0, 0, 0, 0]);
    expect(formatPermille(334)).toBe('33.4%');
    expect(formatPermille(1000)).toBe('100.0%');
  });

  it('a day is the sum of its shifts, hour by hour and channel by channel', () => {
    const shift = (all: Figure, hourly: ShiftFigures['hourly'], cashIn: number, cashOut: number) => ({
      all,
      hourly,
      cash: { openingFloat: 20000, cashIn, cashOut, settlementCash: all.cash, deposits: { paidIn: 0, paidBack: 0, netted: 0 }, expected: null },
    });
    const day = sumShiftFigures([
      shift(fig({ count: 3, total: 9000, fund: 6000, cash: 3000 }), [{ hour: '09', count: 3, total: 9000 }], 5000, 0),
      shift(fig({ count: 1, refundCount: 1, total: 1000, fund: 500, account: 500 }), [{ hour: '09', count: 1, total: 1500 }, { hour: '14', count: 0, total: -500 }], 0, 1234),
    ]);
    expect(day.all).toEqual(fig({ count: 4, refundCount: 1, total: 10000, fund: 6500, account: 500, cash: 3000 }));
    expect(day.hourly).toEqual([{ hour: '09', count: 4, total: 10500 }, { hour: '14', count: 0, total: -500 }]);
    expect([day.cashIn, day.cashOut, day.shifts]).toEqual([5000, 1234, 2]);
  });

  it('the clinic day is China time, whatever the machine’s zone', () => {
    expect(chinaDate(Date.parse('2026-11-23T16:30:00Z'))).toBe('2026-11-24');
    expect(chinaDate(Date.parse('2026-11-23T15:59:59Z'))).toBe('2026-11-23');
  });
});

let root: Root;
let host: HTMLDivElement;
beforeEach(() => {
  ({ host, root } = mount());
});
afterEach(unmountAll);

describe('chart components', () => {
  it('the hourly chart draws one bar per hour with its count and yuan amount as text', () => {
    act(() => root.render(<HourlyChart hourly={[{ hour: '09', count: 2, total: 12345 }, { hour: '11', count: 4, total: 100 }]} />));
    const svg = host.querySelector('svg')!;
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.querySelector('title')!.textContent).toBe('每小时结算笔数');
    expect(svg.querySelector('desc')!.textContent).toContain('共 6 笔，净额 124.45 元');
    const bar = (h: string) => host.querySelector(`[data-testid="hour-bar-${h}"]`)!;
    expect(bar('09').textContent).toBe('2 笔09时123.45');
    expect(bar('10').textContent).toBe('0 笔10时0.00');
    expect(bar('11').textContent).toBe('4 笔11时1.00');
    const height = (h: string) => Number(bar(h).querySelector('rect')!.getAttribute('height'));
    expect(height('11')).toBe(2 * height('09')); // bars in proportion to the count
    expect(height('10')).toBe(0);
  });

  it('the channel chart labels every channel with yuan and share, bars in proportion', () => {
    act(() => root.render(<ChannelSplitChart all={{ total: 40000, fund: 30000, critical: 0, account: 0, cash: 10000 }} />));
    const row = (c: string) => host.querySelector(`[data-testid="channel-${c}"]`)!;
    expect(row('fund').textContent).toBe('统筹基金支付300.0075.0%');
    expect(row('cash').textContent).toBe('现金支付100.0025.0%');
    expect(row('critical').textContent).toBe('大病保险支付0.000.0%');
    const width = (c: string) => Number(row(c).querySelectorAll('rect')[1]!.getAttribute('width'));
    expect(Math.abs(width('fund') - 3 * width('cash'))).toBeLessThanOrEqual(3); // each rounded to a pixel
    expect(width('fund')).toBeGreaterThan(200);
    expect(host.querySelector('figcaption')!.textContent).toContain('400.00');
  });
});
