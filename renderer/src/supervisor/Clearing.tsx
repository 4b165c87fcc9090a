// Monthly clearing (docs/CLEARING.md), inside the receivables tab (Alt+M): the month's
// settlements by stage per clearing type, what an application would hold, and the month's
// applications. Keyboard first: the month field (Enter shows it), ↑↓ in either table, Alt+G
// prepares the chosen clearing type (the preview shows before anything is sent), Alt+S sends,
// Alt+X cancels (Enter confirms, Esc keeps it), Alt+R asks the center whether the fund paid.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ClearingApplicationView, ClearingMonth, ClearingTotals } from '../../../electron/api/contract/clearing';
import { SETTLEMENT_STAGES } from '../../../electron/api/contract/clearing';
import type { ApiError } from '../../../electron/api/result';
import { formatFen } from '../../../electron/api/money';
import { api } from '../api/client';
import { ErrorLine } from '../components/common';
import { hasKey, type MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { wordError } from '../i18n/words';
import { altLetterOf } from '../lib/keys';
import { chinaDate } from '../lib/time';
import { useApp } from '../state/store';
import { col, Grid, num } from '../components/grid';
import { FigureCells } from './grid';
import { rowKeys } from './list';

/** The month before `day` (yyyy-MM-dd) as yyyyMM: what a clinic clears. */
export function previousMonth(day: string): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  return m === 1 ? `${y - 1}12` : `${y}${String(m - 1).padStart(2, '0')}`;
}

function TotalsCells({ t }: { t: ClearingTotals }) {
  return <FigureCells counts={[t.rows, t.psntime]} fen={[t.medfee, t.fund, t.account, t.cash]} />;
}

export function Clearing() {
  const t = useT();
  const nowMs = useApp((s) => s.nowMs);
  const lang = useApp((s) => s.lang);
  const [setlym, setSetlym] = useState(() => previousMonth(chinaDate(nowMs)));
  const [month, setMonth] = useState<ClearingMonth | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const [typeAt, setTypeAt] = useState(0);
  const [appAt, setAppAt] = useState(0);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async (ym: string) => {
    const r = await api.call('clearing.month', { setlym: ym });
    if (r.ok) {
      setMonth(r.value);
      // The application still alive is the one an action is about.
      setAppAt(Math.max(0, r.value.applications.findIndex((a) => a.state !== 'cancelled')));
      setError(null);
    } else setError(r.error);
  }, []);
  // The month shown first; later months are shown by Enter in the field.
  const [first] = useState(setlym);
  useEffect(() => void load(first), [load, first]);

  const apps = month?.applications ?? [];
  const chosenApp: ClearingApplicationView | undefined = apps[Math.min(appAt, apps.length - 1)];
  const typeWord = (clr: string) => (hasKey(`sup.clr.type.${clr}`) ? t(`sup.clr.type.${clr}` as MessageKey) : clr);
  const stateWord = (s: string) => t(`sup.clr.state.${s}` as MessageKey);

  /** One action on the center or the store; the month is shown again afterwards either way. */
  const act = useCallback(
    async (run: () => Promise<{ ok: true; value: ClearingApplicationView } | { ok: false; error: ApiError }>, done: (v: ClearingApplicationView) => string) => {
      if (busy || !month) return;
      setBusy(true);
      setNotice('');
      const r = await run();
      // The month as it stands now first, then the words about what was done.
      await load(month.setlym);
      setBusy(false);
      if (r.ok) {
        setError(null);
        setNotice(done(r.value));
      } else setError(r.error);
    },
    [busy, month, load],
  );
  const prepare = useCallback(() => {
    const type = month?.types[typeAt];
    if (!type) return;
    void act(
      () => api.call('clearing.prepare', { setlym: month.setlym, clrType: type.clrType as '11' | '21' }),
      (v) => t('sup.clr.done.prepared', { id: v.id }),
    );
  }, [month, typeAt, act, t]);
  const send = useCallback(() => {
    if (chosenApp) void act(() => api.call('clearing.send', { id: chosenApp.id }), (v) => t('sup.clr.done.sent', { id: v.id, center: v.centerAppyId ?? '' }));
  }, [chosenApp, act, t]);
  const cancel = useCallback(() => {
    if (!confirming) return;
    const id = confirming;
    setConfirming(null);
    void act(() => api.call('clearing.cancel', { id }), (v) => t('sup.clr.done.cancelled', { id: v.id }));
  }, [confirming, act, t]);
  const refresh = useCallback(async () => {
    if (busy || !month) return;
    setBusy(true);
    const r = await api.call('clearing.refresh', {});
    await load(month.setlym);
    setBusy(false);
    if (r.ok) {
      setError(null);
      setNotice(t('sup.clr.done.refreshed', { n: r.value.length }));
    } else setError(r.error);
  }, [busy, month, load, t]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (confirming && e.key === 'Enter') return (e.preventDefault(), cancel());
      if (confirming && e.key === 'Escape') return (e.preventDefault(), e.stopPropagation(), setConfirming(null));
      const letter = altLetterOf(e);
      if (letter === 'g') prepare();
      else if (letter === 's') send();
      else if (letter === 'x') setConfirming(chosenApp && ['sent', 'sending', 'cancelling', 'prepared'].includes(chosenApp.state) ? chosenApp.id : null);
      else if (letter === 'r') void refresh();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [confirming, cancel, prepare, send, refresh, chosenApp]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setNotice('');
    void load(setlym);
  };
  const totalsCols = [num(t('sup.clr.col.rows')), num(t('sup.clr.col.psntime')), num(t('sup.clr.col.medfee')), num(t('sup.clr.col.fund')), num(t('sup.clr.col.account')), num(t('sup.clr.col.cash'))];
  const prepared = apps.find((a) => a.state === 'prepared');

  return (
    <div className="stack" data-testid="clearing">
      <form className="row" onSubmit={onSubmit}>
        <label className="row">
          {t('sup.clr.month')}
          <input data-testid="clearing-month" value={setlym} maxLength={6} inputMode="numeric" onChange={(e) => setSetlym(e.target.value.replace(/\D/g, ''))} autoFocus />
        </label>
        <button type="submit" className="secondary">{t('sup.clr.load')}</button>
        <button type="button" className="secondary" disabled={busy} onClick={() => void refresh()} data-testid="clearing-refresh">{t('sup.clr.refresh')}</button>
      </form>
      <ErrorLine error={error} testId="clearing-error" />
      {notice ? <p className="hint" data-testid="clearing-notice">{notice}</p> : null}
      {month?.monthOpen ? <p className="hint" data-testid="clearing-month-open">{t('sup.clr.monthOpen')}</p> : null}
      {month ? (
        <>
          <p className="hint">{t('sup.clr.types')}</p>
          <Grid testId="clearing-types" onKeyDown={rowKeys({ count: month.types.length, move: setTypeAt })} cols={[col(t('sup.clr.col.type')), ...SETTLEMENT_STAGES.map((s) => num(t(`sup.stage.${s}` as MessageKey))), ...totalsCols]}>
            {month.types.map((ty, i) => (
              <tr key={ty.clrType} className={`clickable ${i === typeAt ? 'selected' : ''}`} data-testid={`clearing-type-${ty.clrType}`} onClick={() => setTypeAt(i)}>
                <td>{typeWord(ty.clrType)}</td>
                {SETTLEMENT_STAGES.map((s) => (
                  <td key={s} className="num" data-testid={`clearing-stage-${ty.clrType}-${s}`}>{ty.stages[s]}</td>
                ))}
                <TotalsCells t={ty.candidates} />
              </tr>
            ))}
          </Grid>
          <div className="row">
            <button type="button" className="primary" disabled={busy} onClick={prepare} data-testid="clearing-prepare">{t('sup.clr.prepare')}</button>
            <button type="button" className="secondary" disabled={busy || !chosenApp} onClick={send} data-testid="clearing-send">{t('sup.clr.send')}</button>
            <button type="button" className="secondary" disabled={busy || !chosenApp} onClick={() => setConfirming(chosenApp?.id ?? null)} data-testid="clearing-cancel">{t('sup.clr.cancel')}</button>
          </div>
          {prepared ? (
            <p className="notice" data-testid="clearing-preview">
              {t('sup.clr.preview', {
                id: prepared.id, rows: prepared.totals.rows, psntime: prepared.totals.psntime, medfee: formatFen(prepared.totals.medfee), fund: formatFen(prepared.totals.fund),
                account: formatFen(prepared.totals.account), cash: formatFen(prepared.totals.cash),
              })}
            </p>
          ) : null}
          {confirming ? <p className="notice" data-testid="clearing-confirm">{t('sup.clr.confirmCancel', { id: confirming })}</p> : null}
          <p className="hint">{t('sup.clr.apps')}</p>
          {apps.length === 0 ? (
            <p className="hint" data-testid="clearing-apps">{t('sup.clr.none')}</p>
          ) : (
            <Grid testId="clearing-apps" onKeyDown={rowKeys({ count: apps.length, move: setAppAt })} cols={[col(t('sup.clr.col.id')), col(t('sup.clr.col.state')), ...totalsCols, col(t('sup.clr.col.center'))]}>
              {apps.map((a, i) => (
                <tr key={a.id} className={`clickable ${a.id === chosenApp?.id ? 'selected' : ''}`} data-testid={`clearing-app-${a.id}`} data-state={a.state} onClick={() => setAppAt(i)}>
                  <td>
                    {a.id}
                    <div className="hint">{typeWord(a.clrType)}</div>
                  </td>
                  <td>
                    {stateWord(a.state)}
                    {a.lastError ? <div className="hint" data-testid="clearing-app-error" data-code={a.lastError.code}>{wordError(a.lastError, t, lang)}</div> : null}
                  </td>
                  <TotalsCells t={a.totals} />
                  <td>{a.centerAppyId ?? '—'}</td>
                </tr>
              ))}
            </Grid>
          )}
        </>
      ) : null}
    </div>
  );
}
