// What the fund owes the clinic: totals, the aging buckets with their column headers, and a
// drill-down (↑↓ Enter or a click on a bucket) to the settlements in it, oldest first, each with
// its stage (uploaded → reconciled → applied for clearing → paid). Alt+M switches to the
// month's clearing (Clearing.tsx) and back.
import { useEffect, useState } from 'react';
import { altLetterOf } from '../lib/keys';
import { Clearing } from './Clearing';
import type { ReceivableRow, ReceivablesSummary } from '../../../electron/api/contract/shift';
import type { ApiError } from '../../../electron/api/result';
import { formatFen } from '../../../electron/api/money';
import { api } from '../api/client';
import { ErrorLine } from '../components/common';
import { hasKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { col, Grid, num } from '../components/grid';
import { rowKeys } from './list';

type Bucket = ReceivablesSummary['aging'][number]['bucket'];

/** Whether a receivable's age falls in a bucket ("0-30", "31-60", "61-90", "90+"). */
export function inBucket(row: ReceivableRow, bucket: Bucket): boolean {
  const d = row.ageDays;
  if (bucket === '0-30') return d <= 30;
  if (bucket === '31-60') return d >= 31 && d <= 60;
  if (bucket === '61-90') return d >= 61 && d <= 90;
  return d > 90;
}

export function Receivables() {
  const t = useT();
  const [view, setView] = useState<'receivables' | 'clearing'>('receivables');
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (altLetterOf(e) !== 'm') return;
      e.preventDefault();
      setView((v) => (v === 'receivables' ? 'clearing' : 'receivables'));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div className="stack">
      <div className="row" role="tablist">
        {(['receivables', 'clearing'] as const).map((v) => (
          <button key={v} type="button" role="tab" aria-selected={view === v} className={view === v ? 'primary' : 'secondary'} data-testid={`receivables-view-${v}`} onClick={() => setView(v)}>
            {t(v === 'receivables' ? 'sup.recv.view.receivables' : 'sup.recv.view.clearing')}
          </button>
        ))}
      </div>
      {view === 'receivables' ? <ReceivablesList /> : <Clearing />}
    </div>
  );
}

function ReceivablesList() {
  const t = useT();
  const [sum, setSum] = useState<ReceivablesSummary | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState<Bucket | null>(null);
  useEffect(() => {
    void api.call('receivables.summary', { fetch: false, limit: 200 }).then((r) => (r.ok ? setSum(r.value) : setError(r.error)));
  }, []);
  if (!sum) return <ErrorLine error={error} />;
  const onKey = rowKeys({
    count: sum.aging.length,
    move: setActive,
    more: (e) => {
      if (e.key !== 'Enter') return false;
      setOpen(sum.aging[active]?.bucket ?? null);
      return true;
    },
  });
  const rows = open ? sum.rows.filter((r) => inBucket(r, open)) : [];
  const status = (s: string) => (hasKey(`sup.recv.status.${s}`) ? t(`sup.recv.status.${s}` as never) : s);
  return (
    <div className="stack" data-testid="receivables">
      <ErrorLine error={error} />
      <dl className="kv">
        <dt>{t('sup.recv.owed')}</dt>
        <dd className="big">{formatFen(sum.totals.owed)}</dd>
        <dt>{t('sup.recv.paid')}</dt>
        <dd>{formatFen(sum.totals.paid)}</dd>
        <dt>{t('sup.recv.outstanding')}</dt>
        <dd className="big">{formatFen(sum.totals.outstanding)}</dd>
      </dl>
      <Grid testId="receivables-aging" onKeyDown={onKey} cols={[col(t('sup.recv.col.bucket')), num(t('sup.recv.col.count')), num(t('sup.recv.col.outstanding'))]}>
        {sum.aging.map((a, i) => (
          <tr
            key={a.bucket}
            className={`clickable ${i === active ? 'selected' : ''}`}
            data-testid={`aging-${a.bucket}`}
            onClick={() => {
              setActive(i);
              setOpen(a.bucket);
            }}
          >
            <td>{a.bucket}</td>
            <td className="num">{a.count}</td>
            <td className="num">{formatFen(a.outstanding)}</td>
          </tr>
        ))}
      </Grid>
      <p className="hint">{t('sup.recv.drill')}</p>
      {open ? (
        rows.length === 0 ? (
          <p className="hint" data-testid="receivables-rows">{t('sup.recv.none')}</p>
        ) : (
          <Grid testId="receivables-rows"
            cols={[col(t('sup.recv.col.day')), col(t('sup.recv.col.patient')), col(t('sup.recv.col.status')), col(t('sup.recv.col.stage')), num(t('sup.recv.col.owed')), num(t('sup.recv.col.paid')), num(t('sup.recv.col.outstanding'))]}
          >
            {rows.map((r) => (
              <tr key={r.settlementId} data-testid={`receivable-${r.settlementId}`}>
                <td>{r.day}</td>
                <td>
                  {r.psnName}
                  <div className="hint">{r.settlementId}</div>
                </td>
                <td>{status(r.status)}</td>
                <td data-testid={`receivable-stage-${r.settlementId}`}>{t(`sup.stage.${r.stage}`)}</td>
                <td className="num">{formatFen(r.owed)}</td>
                <td className="num">{formatFen(r.paid)}</td>
                <td className="num">{formatFen(r.outstanding)}</td>
              </tr>
            ))}
          </Grid>
        )
      ) : null}
    </div>
  );
}
