// "This window" or "the clinic" (issue 18): the supervisor's day/month figures, reconciliation
// and receivables either from this window's own database or, when the window is part of a
// clinic (clinicDatabaseUrl set), from the clinic's consolidated PostgreSQL — across windows,
// per window and per operator; reconciliation of the whole institution with each finding traced
// to its window and settlement; receivables and aging per window. Without a clinic database
// the switch stays visible but disabled, and says why.
import { useEffect, useState, type FormEvent } from 'react';
import type { ClinicFigures, ClinicReceivables, ClinicReconcileResult, ClinicSummary } from '../../../electron/api/contract/clinic';
import type { ApiError } from '../../../electron/api/result';
import { formatFen } from '../../../electron/api/money';
import { api } from '../api/client';
import { ErrorLine } from '../components/common';
import { DateField } from '../components/DateField';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { chinaDate } from '../lib/time';
import { useApp } from '../state/store';
import { col, Grid, num, RowAction } from '../components/grid';
import { FigureCells, rangeText, ReconcileGroupsTable, ReconcileHeadline } from './grid';

export type Scope = 'window' | 'clinic';

/** Whether this window is part of a clinic: `clinic.status` answers null for a window alone. */
export function useClinicAvailable(): boolean | null {
  const [available, setAvailable] = useState<boolean | null>(null);
  useEffect(() => {
    void api.call('clinic.status', {}).then((r) => setAvailable(r.ok && r.value !== null));
  }, []);
  return available;
}

export function ScopeSwitch(props: { scope: Scope; onChange: (s: Scope) => void; available: boolean | null }) {
  const t = useT();
  const off = props.available !== true;
  return (
    <div className="row" role="radiogroup" aria-label={t('clinic.scope')} data-testid="scope-switch">
      <span>{t('clinic.scope')}</span>
      {(['window', 'clinic'] as const).map((s) => (
        <button
          key={s}
          type="button"
          role="radio"
          aria-checked={props.scope === s}
          className={props.scope === s ? 'primary' : 'secondary'}
          disabled={s === 'clinic' && off}
          title={s === 'clinic' && off ? t('clinic.unavailable') : undefined}
          data-testid={`scope-${s}`}
          onClick={() => props.onChange(s)}
        >
          {t(s === 'window' ? 'clinic.scope.window' : 'clinic.scope.clinic')}
        </button>
      ))}
      {props.available === false ? (
        <span className="hint" data-testid="scope-unavailable">
          {t('clinic.unavailable')}
        </span>
      ) : null}
    </div>
  );
}

/** A from–to range with "today" and "this month" shortcuts; `run` gets a valid range. */
function RangeForm(props: { testId: string; busy: boolean; label: MessageKey; run: (from: string, to: string) => void }) {
  const t = useT();
  const nowMs = useApp((s) => s.nowMs);
  const today = chinaDate(nowMs);
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (from && to) props.run(from, to);
  };
  return (
    <form className="row" onSubmit={submit}>
      <label className="row">
        {t('sup.reconcile.from')}
        <DateField testId={`${props.testId}-from`} value={from} onChange={setFrom} />
      </label>
      <label className="row">
        {t('sup.reconcile.to')}
        <DateField testId={`${props.testId}-to`} value={to} onChange={setTo} />
      </label>
      <button
        type="button"
        className="secondary"
        data-testid={`${props.testId}-today`}
        onClick={() => {
          setFrom(today);
          setTo(today);
        }}
      >
        {t('clinic.today')}
      </button>
      <button
        type="button"
        className="secondary"
        data-testid={`${props.testId}-month`}
        onClick={() => {
          setFrom(`${today.slice(0, 8)}01`);
          setTo(today);
        }}
      >
        {t('clinic.thisMonth')}
      </button>
      <button type="submit" className="primary" autoFocus disabled={props.busy || !from || !to} data-testid={`${props.testId}-run`}>
        {t(props.label)}
      </button>
    </form>
  );
}

function ClinicFigureCells({ f }: { f: ClinicFigures }) {
  return <FigureCells counts={[f.count, f.refunds]} fen={[f.total, f.fund, f.account, f.cash]} />;
}

/** The day or month across the clinic's windows: all, per window, per window and operator. */
export function ClinicDay() {
  const t = useT();
  const [sum, setSum] = useState<ClinicSummary | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (from: string, to: string) => {
    setBusy(true);
    const r = await api.call('clinic.summary', { from, to });
    setBusy(false);
    if (r.ok) {
      setSum(r.value);
      setError(null);
    } else setError(r.error);
  };
  useEffect(() => {
    const today = chinaDate(useApp.getState().nowMs);
    void run(today, today);
  }, []);
  return (
    <div className="stack" data-testid="clinic-day">
      <RangeForm testId="clinic-day" busy={busy} label="sup.reports.view" run={(f, to) => void run(f, to)} />
      <ErrorLine error={error} testId="clinic-day-error" />
      {sum ? (
        <Grid testId="clinic-day-table"
          cols={[
            col(t('clinic.col.window')),
            col(t('status.operator')),
            num(t('clinic.col.count')),
            num(t('clinic.col.refunds')),
            num(t('clinic.col.total')),
            num(t('clinic.col.fund')),
            num(t('clinic.col.account')),
            num(t('clinic.col.cash')),
          ]}
        >
          <tr className="total-row" data-testid="clinic-day-all">
            <td colSpan={2}>
              <strong>{t('clinic.all')}</strong> <span className="hint">{rangeText(sum.from, sum.to)}</span>
            </td>
            <ClinicFigureCells f={sum.all} />
          </tr>
          {sum.windows.flatMap((w) => [
            <tr key={w.windowId} data-testid={`clinic-day-window-${w.windowId}`}>
              <td>
                <strong>{t('clinic.window', { no: w.windowId })}</strong>
              </td>
              <td />
              <ClinicFigureCells f={w.figures} />
            </tr>,
            ...w.operators.map((o) => (
              <tr key={`${w.windowId}/${o.operatorId}`} data-testid={`clinic-day-op-${w.windowId}-${o.operatorId}`}>
                <td />
                <td>{o.operatorId}</td>
                <ClinicFigureCells f={o.figures} />
              </tr>
            )),
          ])}
        </Grid>
      ) : null}
      {sum?.all.centerAdjusted ? (
        <p className="hint" data-testid="clinic-day-center-adjusted">
          {t('sup.report.centerAdjusted', { n: sum.all.centerAdjusted })}
        </p>
      ) : null}
      {sum && sum.windows.length === 0 ? <p className="hint">{t('clinic.none')}</p> : null}
    </div>
  );
}

const KIND: Record<string, MessageKey> = { only_center: 'sup.disc.onlyCenter', only_local: 'sup.disc.onlyLocal', amount_differs: 'sup.disc.amountDiffers' };

/** The institution's reconciliation with the center; each finding names its window and settlement. */
export function ClinicReconcile() {
  const t = useT();
  const [result, setResult] = useState<ClinicReconcileResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  const [sent, setSent] = useState<Record<string, string>>({});
  const run = async (from: string, to: string) => {
    setBusy(true);
    const r = await api.call('clinic.reconcile', { from, to });
    setBusy(false);
    if (r.ok) {
      setResult(r.value);
      setError(null);
    } else setError(r.error);
  };
  const reupload = async (windowId: string, settlementId: string) => {
    const r = await api.call('clinic.command', { windowId, settlementId, action: 'reupload', note: note.trim() || t('clinic.reupload.note') });
    if (r.ok) {
      setSent((s) => ({ ...s, [`${windowId}/${settlementId}`]: r.value.commandId }));
      setError(null);
    } else setError(r.error);
  };
  return (
    <div className="stack" data-testid="clinic-reconcile">
      <RangeForm testId="clinic-reconcile" busy={busy} label="sup.reconcile.run" run={(f, to) => void run(f, to)} />
      <ErrorLine error={error} testId="clinic-reconcile-error" />
      {result ? (
        <div className="stack" data-testid="clinic-reconcile-result">
          <ReconcileHeadline prefix={t('clinic.institution')} from={result.from} to={result.to} match={result.result === 'match'} />
          <ReconcileGroupsTable groups={result.groups} ours={{ count: 'clinic.col.clinicCount', total: 'clinic.col.clinicTotal' }} rowTestId="clinic-group" />
          {result.findings.length ? (
            <>
              <label className="row">
                {t('clinic.reupload.noteLabel')}
                <input data-testid="clinic-reupload-note" maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
              </label>
              <Grid testId="clinic-findings"
                cols={[
                  col(t('sup.reports.day')),
                  col(t('clinic.col.window')),
                  col(t('clinic.col.settlement')),
                  col(t('clinic.col.kind')),
                  num(t('clinic.col.clinicTotal')),
                  num(t('sup.reconcile.centerTotal')),
                  col(),
                ]}
              >
                {result.findings.map((f) => {
                  const key = `${f.windowId ?? '-'}/${f.settlementId ?? f.centerSetlId ?? ''}`;
                  const done = f.windowId && f.settlementId ? sent[`${f.windowId}/${f.settlementId}`] : undefined;
                  return (
                    <tr key={key} data-testid={`clinic-finding-${f.settlementId ?? f.centerSetlId ?? ''}`}>
                      <td>{f.day}</td>
                      <td>{f.windowId ? t('clinic.window', { no: f.windowId }) : <span className="hint">{t('clinic.noWindow')}</span>}</td>
                      <td>
                        {f.settlementId ?? '—'}
                        {f.centerSetlId ? <div className="hint">{f.centerSetlId}</div> : null}
                      </td>
                      <td className="source-cache">{KIND[f.kind] ? t(KIND[f.kind]!) : f.kind}</td>
                      <td className="num">{f.localTotal === null ? '—' : formatFen(f.localTotal)}</td>
                      <td className="num">{f.centerTotal === null ? '—' : formatFen(f.centerTotal)}</td>
                      <td>
                        {done ? (
                          <span className="hint">{t('clinic.reupload.sent', { id: done })}</span>
                        ) : f.kind !== 'only_center' && f.windowId && f.settlementId ? (
                          <RowAction testId={`clinic-reupload-${f.settlementId}`} onClick={() => void reupload(f.windowId!, f.settlementId!)}>
                            {t('clinic.reupload')}
                          </RowAction>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </Grid>
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

/** What the fund owes the clinic, and its aging, for the clinic and each window. */
export function ClinicReceivablesView() {
  const t = useT();
  const [recv, setRecv] = useState<ClinicReceivables | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void api.call('clinic.receivables', {}).then((r) => (r.ok ? setRecv(r.value) : setError(r.error)));
  }, []);
  if (!recv) return <ErrorLine error={error} testId="clinic-receivables-error" />;
  const rows = [{ key: 'all', label: t('clinic.all'), f: recv.all }, ...recv.windows.map((w) => ({ key: w.windowId, label: t('clinic.window', { no: w.windowId }), f: w }))];
  return (
    <div className="stack" data-testid="clinic-receivables">
      <dl className="kv">
        <dt>{t('sup.recv.owed')}</dt>
        <dd className="big">{formatFen(recv.all.owed)}</dd>
        <dt>{t('sup.recv.outstanding')}</dt>
        <dd className="big" data-testid="clinic-recv-outstanding">
          {formatFen(recv.all.outstanding)}
        </dd>
      </dl>
      <Grid testId="clinic-receivables-table"
        cols={[
          col(t('clinic.col.window')),
          num(t('sup.recv.col.count')),
          num(t('sup.recv.owed')),
          num(t('sup.recv.paid')),
          num(t('clinic.col.deducted')),
          num(t('clinic.col.rejected')),
          num(t('sup.recv.outstanding')),
          num('0–30'),
          num('31–60'),
          num('61–90'),
          num('90+'),
        ]}
      >
        {rows.map((r) => (
          <tr key={r.key} className={r.key === 'all' ? 'total-row' : undefined} data-testid={`clinic-recv-${r.key}`}>
            <td>{r.key === 'all' ? <strong>{r.label}</strong> : r.label}</td>
            <td className="num">{r.f.openCount}</td>
            <td className="num">{formatFen(r.f.owed)}</td>
            <td className="num">{formatFen(r.f.paid)}</td>
            <td className="num">{formatFen(r.f.deducted)}</td>
            <td className="num">{formatFen(r.f.rejected)}</td>
            <td className="num">{formatFen(r.f.outstanding)}</td>
            <td className="num">{formatFen(r.f.aging.d0_30)}</td>
            <td className="num">{formatFen(r.f.aging.d31_60)}</td>
            <td className="num">{formatFen(r.f.aging.d61_90)}</td>
            <td className="num">{formatFen(r.f.aging.over90)}</td>
          </tr>
        ))}
      </Grid>
      <p className="hint">{t('clinic.recv.hint', { today: recv.today })}</p>
    </div>
  );
}
