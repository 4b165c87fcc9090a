// The channel split (fund / critical illness / personal account / cash) as horizontal SVG bars,
// one per channel, each labelled with its amount in yuan and its share: four numbers a
// supervisor compares at a glance, without a legend to decode.
import { useId } from 'react';
import type { Figure } from '../../../electron/api/contract/shift';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { formatFen } from '../../../electron/api/money';
import { channelSplit, formatPermille, type Channel } from './chart-data';

/** The PDF report's colours, so screen and paper match. */
const COLOURS: Record<Channel, string> = { fund: '#2f6fb3', critical: '#c0504d', account: '#6f9a2e', cash: '#e07b1f' };
const LABELS: Record<Channel, MessageKey> = { fund: 'split.fund', critical: 'split.critical', account: 'split.account', cash: 'split.cash' };

const ROW = 34;
const LABEL_W = 130;
const BAR_W = 340;
const VALUE_W = 170;
const WIDTH = LABEL_W + BAR_W + VALUE_W;

export function ChannelSplitChart(props: { all: Pick<Figure, 'fund' | 'critical' | 'account' | 'cash' | 'total'>; testId?: string }) {
  const t = useT();
  const id = useId();
  const parts = channelSplit(props.all);
  const height = parts.length * ROW + 6;
  const title = t('sup.chart.channels');
  const line = (c: Channel, fen: number, share: string) => `${t(LABELS[c])} ${formatFen(fen)}（${share}）`;
  return (
    <figure className="sup-chart" data-testid={props.testId ?? 'chart-channels'}>
      <figcaption className="sup-chart-title">
        {title} · {t('split.total')} {formatFen(props.all.total)}
      </figcaption>
      <svg role="img" aria-labelledby={`${id}-t ${id}-d`} width={WIDTH} height={height} viewBox={`0 0 ${WIDTH} ${height}`} className="sup-chart-svg">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{parts.map((p) => line(p.channel, p.fen, formatPermille(p.permille))).join('；')}</desc>
        {parts.map((p, i) => {
          const y = 4 + i * ROW;
          // Bar length by share: permille is already the share of the positive sum.
          const w = Math.round((p.permille / 1000) * (BAR_W - 10));
          return (
            <g key={p.channel} data-testid={`channel-${p.channel}`} data-fen={p.fen}>
              <text x={0} y={y + 19} fontSize={13} fill="#1f2933">
                {t(LABELS[p.channel])}
              </text>
              <rect x={LABEL_W} y={y + 4} width={BAR_W - 10} height={20} fill="#eef2f6" />
              <rect x={LABEL_W} y={y + 4} width={w} height={20} fill={COLOURS[p.channel]} />
              <text x={LABEL_W + BAR_W} y={y + 19} fontSize={13} fontWeight="bold" fill="#1f2933" data-testid={`channel-${p.channel}-amount`}>
                {formatFen(p.fen)}
              </text>
              <text x={LABEL_W + BAR_W + 150} y={y + 19} fontSize={12} textAnchor="end" fill="#5b6b7c">
                {formatPermille(p.permille)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
