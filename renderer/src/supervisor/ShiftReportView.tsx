// One shift's report on screen (X report or the frozen handover): totals by channel, the cash
// position, the charts and the cash movements. A cashier's X report comes without the
// expected cash (the close is blind), shown as "—".
import type { CashMovementView, ShiftReport } from '../../../electron/api/contract/shift';
import { useT } from '../i18n/use-t';
import { formatFen } from '../../../electron/api/money';
import { chinaTime } from '../lib/time';
import { ChannelSplitChart } from './ChannelSplitChart';
import { HourlyChart } from './HourlyChart';
import { ReportActions } from './ReportActions';
import { Variance } from './Variance';

export function CashMovements(props: { movements: readonly CashMovementView[]; testId?: string }) {
  const t = useT();
  if (props.movements.length === 0) return <p className="hint" data-testid={props.testId}>{t('sup.cash.none')}</p>;
  return (
    <table className="grid" data-testid={props.testId}>
      <thead>
        <tr>
          <th>{t('sup.cash.at')}</th>
          <th>{t('sup.cash.direction')}</th>
          <th className="num">{t('sup.cash.amount')}</th>
          <th>{t('sup.cash.reason')}</th>
        </tr>
      </thead>
      <tbody>
        {props.movements.map((m) => (
          <tr key={m.id} data-testid={`movement-${m.id}`}>
            <td>{chinaTime(m.at)}</td>
            <td>{m.direction === 'in' ? t('sup.cash.in') : t('sup.cash.out')}</td>
            <td className="num">{m.direction === 'out' ? '-' : ''}{formatFen(m.amount)}</td>
            <td>{m.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ShiftReportView(props: { report: ShiftReport }) {
  const t = useT();
  const { shift, figures: f } = props.report;
  return (
    <div className="stack" data-testid="shift-report">
      <p className="hint">
        {shift.operatorName}（{shift.operatorId}）· {shift.id} · {props.report.kind === 'x' ? t('sup.report.live') : t('sup.report.frozen')}
      </p>
      <div className="sup-report-grid">
        <dl className="kv">
          <dt>{t('sup.report.count')}</dt>
          <dd data-testid="report-count">{f.all.count}（{t('state.refunded')} {f.all.refundCount}）</dd>
          <dt>{t('split.total')}</dt>
          <dd className="big" data-testid="report-total">{formatFen(f.all.total)}</dd>
          <dt>{t('split.fund')}</dt>
          <dd>{formatFen(f.all.fund)}</dd>
          <dt>{t('split.critical')}</dt>
          <dd>{formatFen(f.all.critical)}</dd>
          <dt>{t('split.account')}</dt>
          <dd>{formatFen(f.all.account)}</dd>
          <dt>{t('split.cash')}</dt>
          <dd className="big">{formatFen(f.all.cash)}</dd>
          {/* Self-pay is in every figure above; said apart because the center never sees it. */}
          {f.byInsuranceType.self_pay ? (
            <>
              <dt>{t('sup.report.selfPay')}</dt>
              <dd data-testid="report-selfpay">
                {t('sup.report.selfPayValue', { n: f.byInsuranceType.self_pay.count - f.byInsuranceType.self_pay.refundCount, amount: formatFen(f.byInsuranceType.self_pay.cash) })}
              </dd>
            </>
          ) : null}
        </dl>
        <dl className="kv" data-testid="report-cash">
          <dt>{t('sup.report.float')}</dt>
          <dd>{formatFen(f.cash.openingFloat)}</dd>
          <dt>{t('sup.report.cashIn')}</dt>
          <dd data-testid="report-cash-in">{formatFen(f.cash.cashIn)}</dd>
          <dt>{t('sup.report.cashOut')}</dt>
          <dd data-testid="report-cash-out">{formatFen(f.cash.cashOut)}</dd>
          <dt>{t('sup.report.settlementCash')}</dt>
          <dd>{formatFen(f.cash.settlementCash)}</dd>
          <dt>{t('sup.report.expected')}</dt>
          <dd className="big" data-testid="report-expected">{f.cash.expected === null ? '—' : formatFen(f.cash.expected)}</dd>
          {shift.variance !== null ? (
            <>
              <dt>{t('sup.report.variance')}</dt>
              <dd className="big">
                <Variance fen={shift.variance} testId="shift-variance" />
              </dd>
            </>
          ) : null}
        </dl>
      </div>
      {f.centerAdjusted ? <p className="hint" data-testid="report-center-adjusted">{t('sup.report.centerAdjusted', { n: f.centerAdjusted })}</p> : null}
      <ReportActions shiftId={shift.id} />
      <div className="sup-charts">
        <HourlyChart hourly={f.hourly} />
        <ChannelSplitChart all={f.all} />
      </div>
      <h3 className="sup-subtitle">{t('sup.cash.movements')}</h3>
      <CashMovements movements={f.movements} testId="report-movements" />
    </div>
  );
}
