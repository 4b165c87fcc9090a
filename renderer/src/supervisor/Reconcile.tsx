// Reconciliation with the center for a day or a range (today by default, China time like the
// journal), the totals per insurance type, then the discrepancy list with its actions.
import { useState, type FormEvent } from 'react';
import type { ReconcileResult } from '../../../electron/api/contract/shift';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { ErrorLine } from '../components/common';
import { DateField } from '../components/DateField';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { formatFen } from '../../../electron/api/money';
import { useApp } from '../state/store';
import { chinaDate } from '../lib/time';
import { DiscrepancyList } from './Discrepancies';

/** The two insurance types every run asks about; any other code is shown as it is. */
const INSUTYPE: Record<string, MessageKey> = { '310': 'insurance.employee', '390': 'insurance.resident' };

export function Reconcile() {
  const t = useT();
  const nowMs = useApp((s) => s.nowMs);
  const [from, setFrom] = useState(() => chinaDate(nowMs));
  const [to, setTo] = useState(() => chinaDate(nowMs));
  const [result, setResult] = useState<ReconcileResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [runs, setRuns] = useState(0);
  const run = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const r = await api.call('reconcile.run', { from, to });
    setBusy(false);
    setRuns((n) => n + 1);
    if (r.ok) {
      setResult(r.value);
      setError(null);
    } else setError(r.error);
  };
  return (
    <div className="stack">
      <form className="row" onSubmit={run}>
        <label className="row">
          {t('sup.reconcile.from')}
          <DateField testId="reconcile-from" value={from} onChange={setFrom} />
        </label>
        <label className="row">
          {t('sup.reconcile.to')}
          <DateField testId="reconcile-to" value={to} onChange={setTo} />
        </label>
        <button type="submit" className="primary" autoFocus disabled={busy} data-testid="reconcile-run">
          {t('sup.reconcile.run')}
        </button>
      </form>
      <ErrorLine error={error} />
      {result ? (
        <div data-testid="reconcile-result">
          <p className={result.result === 'match' ? 'source-live' : 'source-cache'}>
            {result.from === result.to ? result.from : `${result.from} – ${result.to}`} ·{' '}
            {result.result === 'match' ? t('sup.reconcile.match') : t('sup.reconcile.mismatch')}
          </p>
          <table className="grid">
            <thead>
              <tr>
                <th>{t('sup.reconcile.insutype')}</th>
                <th className="num">{t('sup.reconcile.localCount')}</th>
                <th className="num">{t('sup.reconcile.localTotal')}</th>
                <th className="num">{t('sup.reconcile.centerCount')}</th>
                <th className="num">{t('sup.reconcile.centerTotal')}</th>
                <th />
                <th>{t('sup.reconcile.answer')}</th>
              </tr>
            </thead>
            <tbody>
              {result.groups.map((g) => (
                <tr key={`${g.insutype}/${g.clrType ?? ''}/${g.setlOptins ?? ''}`}>
                  <td>
                    {INSUTYPE[g.insutype] ? t(INSUTYPE[g.insutype]!) : g.insutype} <span className="hint">{g.insutype}</span>
                    {/* National protocol: one row per clearing type and clearing office (3201's groups). */}
                    {g.clrType ? <span className="hint"> · {g.clrType} · {g.setlOptins}</span> : null}
                  </td>
                  <td className="num">{g.local.count}</td>
                  <td className="num">{formatFen(g.local.total)}</td>
                  <td className="num">{g.center ? g.center.count : '—'}</td>
                  <td className="num">{g.center ? formatFen(g.center.total) : '—'}</td>
                  <td className={g.match ? 'source-live' : 'source-cache'}>{g.match ? '✓' : '✗'}</td>
                  <td className="hint" lang="zh-CN">
                    {g.description}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <DiscrepancyList reloadKey={runs} />
    </div>
  );
}
