// Reconciliation with the center for a day or a range (today by default, China time like the
// journal), the totals per insurance type, then the discrepancy list with its actions.
import { useState, type FormEvent } from 'react';
import type { ReconcileResult } from '../../../electron/api/contract/shift';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { ErrorLine } from '../components/common';
import { DateField } from '../components/DateField';
import { useT } from '../i18n/use-t';
import { useApp } from '../state/store';
import { chinaDate } from '../lib/time';
import { DiscrepancyList } from './Discrepancies';
import { ReconcileGroupsTable, ReconcileHeadline } from './grid';

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
          <ReconcileHeadline from={result.from} to={result.to} match={result.result === 'match'} />
          <ReconcileGroupsTable groups={result.groups} ours={{ count: 'sup.reconcile.localCount', total: 'sup.reconcile.localTotal' }} answer />
        </div>
      ) : null}
      <DiscrepancyList reloadKey={runs} />
    </div>
  );
}
