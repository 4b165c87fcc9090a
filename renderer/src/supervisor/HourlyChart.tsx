// Settlements per hour as an SVG bar chart: bar height = count; each bar carries its count and
// its net amount in yuan as text, so the figures read without hovering and a screen reader
// gets them from the title and description.
import { useId } from 'react';
import { useT } from '../i18n/use-t';
import { formatFen } from '../../../electron/api/money';
import { continuousHours, type HourBar } from './chart-data';

const SLOT = 68; // px per hour: wide enough for "12,345.67" at 11 px
const PLOT_H = 130;
const TOP = 26; // room for the count above the tallest bar
const BOTTOM = 40; // hour + amount under the axis
const LEFT = 8;

export function HourlyChart(props: { hourly: readonly HourBar[]; testId?: string }) {
  const t = useT();
  const id = useId();
  const bars = continuousHours(props.hourly);
  const count = bars.reduce((a, b) => a + b.count, 0);
  const total = bars.reduce((a, b) => a + b.total, 0);
  const max = Math.max(1, ...bars.map((b) => b.count));
  const width = Math.max(320, LEFT * 2 + bars.length * SLOT);
  const height = TOP + PLOT_H + BOTTOM;
  const axisY = TOP + PLOT_H;
  const title = t('sup.chart.hourly');
  return (
    <figure className="sup-chart" data-testid={props.testId ?? 'chart-hourly'}>
      <figcaption className="sup-chart-title">{title}</figcaption>
      {bars.length === 0 ? (
        <p className="hint">{t('sup.chart.empty')}</p>
      ) : (
        <svg role="img" aria-labelledby={`${id}-t ${id}-d`} width={width} height={height} viewBox={`0 0 ${width} ${height}`} className="sup-chart-svg">
          <title id={`${id}-t`}>{title}</title>
          <desc id={`${id}-d`}>
            {t('sup.chart.hourlyDesc', { count, total: formatFen(total) })}
            {bars.map((b) => `${t('sup.chart.hour', { h: b.hour })} ${t('sup.chart.countUnit', { n: b.count })} ${formatFen(b.total)}`).join('；')}
          </desc>
          <line x1={LEFT} x2={width - LEFT} y1={axisY} y2={axisY} stroke="#5b6b7c" strokeWidth={1} />
          {bars.map((b, i) => {
            const h = Math.round((b.count / max) * (PLOT_H - 6));
            const x = LEFT + i * SLOT;
            const mid = x + SLOT / 2;
            return (
              <g key={b.hour} data-testid={`hour-bar-${b.hour}`} data-count={b.count} data-total={b.total}>
                <rect x={x + 12} y={axisY - h} width={SLOT - 24} height={h} fill="#2f6fb3" />
                <text x={mid} y={axisY - h - 6} textAnchor="middle" fontSize={13} fontWeight="bold" fill="#1f2933">
                  {t('sup.chart.countUnit', { n: b.count })}
                </text>
                <text x={mid} y={axisY + 16} textAnchor="middle" fontSize={12} fill="#1f2933">
                  {t('sup.chart.hour', { h: b.hour })}
                </text>
                <text x={mid} y={axisY + 32} textAnchor="middle" fontSize={11} fill="#5b6b7c" data-testid={`hour-amount-${b.hour}`}>
                  {formatFen(b.total)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}
