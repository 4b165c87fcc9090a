// The supervisor's inpatient overview (issue 19, inpatient.overview; Alt+Z on the supervisor
// screen): the deposits held for stays not settled (the hospital's liability) and today's
// deposits in and back by method, what the fund owes for inpatient settlements, then the open
// stays with their deposits and running totals, the stays discharged but not settled, and those
// settled but not yet confirmed by the center.
import { useEffect, useState } from 'react';
import type { InpatientOverview as Overview } from '../../../electron/api/contract/inpatient';
import { formatFen } from '../../../electron/api/money';
import type { ApiError } from '../../../electron/api/result';
import { ErrorLine, MissingCall } from '../components/common';
import { hasInpatient, ipCall } from '../hospital/ip-api';
import { StayTable } from '../hospital/StayList';
import { useT } from '../i18n/use-t';
import { col, Grid, num } from '../components/grid';

export function InpatientOverview() {
  const t = useT();
  const [data, setData] = useState<Overview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const available = hasInpatient();
  useEffect(() => {
    if (!available) return;
    void ipCall('inpatient.overview', {}).then((r) => (r.ok ? setData(r.value) : setError(r.error)));
  }, [available]);
  if (!available) return <MissingCall call="inpatient.overview" />;
  return (
    <div className="stack" data-testid="inpatient-overview">
      <ErrorLine error={error} testId="inpatient-overview-error" />
      {data ? (
        <>
          <div className="sup-report-grid">
            <div>
              <div className="split-row" data-testid="ov-deposits-held">
                <span>{t('hosp.ov.depositsHeld')}</span>
                <span className="amount">{formatFen(data.depositsHeld)}</span>
              </div>
              <div className="split-row" data-testid="ov-receivables">
                <span>{t('hosp.ov.receivables', { n: data.receivables.settlements })}</span>
                <span className="amount">{formatFen(data.receivables.fund + data.receivables.account)}</span>
              </div>
              <p className="hint">
                {t('hosp.ov.receivablesSplit', { fund: formatFen(data.receivables.fund), account: formatFen(data.receivables.account) })}
              </p>
            </div>
            <Grid testId="ov-today-deposits" cols={[col(t('hosp.ov.today')), num(t('hosp.ov.paidIn')), num(t('hosp.ov.paidBack'))]}>
              {data.todayDeposits.length === 0 ? (
                <tr>
                  <td colSpan={3} className="hint">
                    {t('hosp.ov.noDeposits')}
                  </td>
                </tr>
              ) : (
                data.todayDeposits.map((d) => (
                  <tr key={d.method}>
                    <td>{t(`hosp.method.${d.method}`)}</td>
                    <td className="num">{formatFen(d.paidIn)}</td>
                    <td className="num">{formatFen(d.paidBack)}</td>
                  </tr>
                ))
              )}
            </Grid>
          </div>
          <Stays title={t('hosp.ov.open', { n: data.openStays.length })} stays={data.openStays} testId="ov-open" />
          <Stays title={t('hosp.ov.dischargedNotSettled', { n: data.dischargedNotSettled.length })} stays={data.dischargedNotSettled} testId="ov-discharged" />
          <Stays title={t('hosp.ov.settledNotUploaded', { n: data.settledNotUploaded.length })} stays={data.settledNotUploaded} testId="ov-not-uploaded" />
        </>
      ) : null}
    </div>
  );
}

function Stays(props: { title: string; stays: Overview['openStays']; testId: string }) {
  return (
    <div className="stack">
      <h3 className="sup-subtitle">{props.title}</h3>
      {props.stays.length > 0 ? <StayTable stays={props.stays} testId={props.testId} /> : null}
    </div>
  );
}
