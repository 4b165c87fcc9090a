// The supervisor's view of a day: every shift opened that day, with the day's totals and charts
// (the sum of its shifts' reports, each from the one shift computation), or one shift's report.
// The date and shift pickers are ordinary form controls: Tab and the arrow keys reach them.
import { useEffect, useState } from 'react';
import type { ShiftReport, ShiftView } from '../../../electron/api/contract/shift';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { ErrorLine } from '../components/common';
import { DateField } from '../components/DateField';
import { useT } from '../i18n/use-t';
import { formatFen } from '../../../electron/api/money';
import { useApp } from '../state/store';
import { chinaDate } from '../lib/time';
import { dayOf } from './chart-data';
import { ChannelSplitChart } from './ChannelSplitChart';
import { HourlyChart } from './HourlyChart';
import { ShiftReportView } from './ShiftReportView';

const WHOLE_DAY = '';

function DayView(props: { reports: ShiftReport[] }) {
  const t = useT();
  const d = dayOf(props.reports);
  return (
    <div className="stack" data-testid="day-report">
      <dl className="kv">
        <dt>{t('sup.reports.shifts')}</dt>
        <dd>{d.shifts}</dd>
        <dt>{t('sup.report.count')}</dt>
        <dd data-testid="day-count">{d.all.count}（{t('state.refunded')} {d.all.refundCount}）</dd>
        <dt>{t('split.total')}</dt>
        <dd className="big" data-testid="day-total">{formatFen(d.all.total)}</dd>
        <dt>{t('sup.report.cashIn')}</dt>
        <dd>{formatFen(d.cashIn)}</dd>
        <dt>{t('sup.report.cashOut')}</dt>
        <dd>{formatFen(d.cashOut)}</dd>
      </dl>
      <div className="sup-charts">
        <HourlyChart hourly={d.hourly} />
        <ChannelSplitChart all={d.all} />
      </div>
    </div>
  );
}

export function DayReports() {
  const t = useT();
  const nowMs = useApp((s) => s.nowMs);
  const [day, setDay] = useState(() => chinaDate(nowMs));
  const [shifts, setShifts] = useState<ShiftView[]>([]);
  const [reports, setReports] = useState<ShiftReport[] | null>(null);
  const [picked, setPicked] = useState(WHOLE_DAY);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let stale = false;
    void (async () => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
      const list = await api.call('shift.list', { from: day, to: day });
      if (stale) return;
      if (!list.ok) return setError(list.error);
      // A day has a handful of shifts; one report each is the same computation the PDF uses.
      const got = await Promise.all(list.value.map((s) => api.call('shift.report', { shiftId: s.id })));
      if (stale) return;
      const failed = got.find((r) => !r.ok);
      if (failed && !failed.ok) return setError(failed.error);
      setError(null);
      setShifts(list.value);
      setReports(got.flatMap((r) => (r.ok ? [r.value] : [])));
      setPicked(WHOLE_DAY);
    })();
    return () => {
      stale = true;
    };
  }, [day]);

  const one = reports?.find((r) => r.shift.id === picked) ?? null;
  return (
    <div className="stack" data-testid="day-reports">
      <div className="row">
        <label className="row">
          {t('sup.reports.day')}
          <DateField testId="reports-day" autoFocus value={day} onChange={setDay} />
        </label>
        <label className="row">
          {t('sup.reports.view')}
          <select data-testid="reports-shift" value={picked} onChange={(e) => setPicked(e.target.value)}>
            <option value={WHOLE_DAY}>{t('sup.reports.wholeDay')}</option>
            {shifts.map((s) => (
              <option key={s.id} value={s.id}>
                {s.operatorName}（{s.operatorId}）{s.id}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorLine error={error} />
      {reports && reports.length === 0 ? <p className="hint">{t('sup.reports.none')}</p> : null}
      {reports && reports.length > 0 && !one ? <DayView reports={reports} /> : null}
      {one ? <ShiftReportView report={one} /> : null}
    </div>
  );
}
