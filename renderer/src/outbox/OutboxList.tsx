// The upload queue (Ctrl+U), for the cashier and the supervisor: every settlement not yet at
// the insurance center, oldest first, with its upload deadline (amber near, red past), state,
// attempts and last error; a national chain (issue 16) with the step it stands at and that
// step's msgid. ↑↓ browse, Esc closes (GlobalKeys). Nothing here changes anything:
// uploads resume by themselves; the list is for answering "has it gone yet, and until when?".
import { useCallback, useEffect, useRef, useState } from 'react';
import { nearDeadlineHours, type OutboxItemsView } from '../../../electron/api/contract/settlement';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { hasCall } from '../api/capabilities';
import { ErrorLine, MissingCall } from '../components/common';
import { hasKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { formatFen } from '../../../electron/api/money';
import { chinaTime } from '../lib/time';
import { useApp } from '../state/store';
import { countDeadlines, deadlineLeft, standingNow } from './deadline';

const ITEMS_CALL = 'outbox.items' as const;
const LIMIT = 200;

/** "11-23 10:05" — deadlines are often tomorrow, so the day is shown too. */
function dayTime(iso: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * An upload's last error in words: the outbox keeps a Chinese sentence (with the transport's
 * own text such as ECONNREFUSED); the window says which kind it is. The full text stays in the
 * cell's tooltip for support.
 */
export function uploadErrorKey(lastError: string): 'uploaderr.busy' | 'uploaderr.unknown' | 'uploaderr.rejected' | 'uploaderr.network' {
  if (lastError.startsWith('中心繁忙')) return 'uploaderr.busy';
  if (lastError.startsWith('结果未知')) return 'uploaderr.unknown';
  if (lastError.startsWith('中心拒绝')) return 'uploaderr.rejected';
  return 'uploaderr.network';
}

export function OutboxList() {
  const t = useT();
  // The app's tick is 5 s coarse; the list keeps its own "now", taken with each answer.
  const appNow = useApp((s) => s.nowMs);
  const [loadedAt, setLoadedAt] = useState(() => Date.now());
  const nowMs = Math.max(appNow, loadedAt);
  const [view, setView] = useState<OutboxItemsView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [selected, setSelected] = useState(0);
  const tableRef = useRef<HTMLDivElement>(null);
  const available = hasCall(ITEMS_CALL);

  const load = useCallback(async () => {
    if (!available) return;
    const r = await api.call(ITEMS_CALL, { limit: LIMIT });
    if (r.ok) {
      setLoadedAt(Date.now());
      setView(r.value);
      setError(null);
    } else setError(r.error);
  }, [available]);

  // Uploads move on their own: reload on queue changes and every 10 s for the deadlines.
  useEffect(() => {
    void load();
    const off = api.onEvent((name) => (name === 'status' || name === 'settlement.changed') && void load());
    const timer = setInterval(() => void load(), 10_000);
    tableRef.current?.focus();
    return () => {
      off();
      clearInterval(timer);
    };
  }, [load]);

  const items = view?.items ?? [];
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown') setSelected((i) => Math.min(items.length - 1, i + 1));
    else if (e.key === 'ArrowUp') setSelected((i) => Math.max(0, i - 1));
    else return;
    e.preventDefault();
  };
  useEffect(() => {
    tableRef.current?.querySelector('tr.selected')?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const counts = countDeadlines(items, nowMs);
  const hours = view?.deadlineHours ?? 24;
  return (
    <div className="modal" data-testid="outbox-list">
      <section className="panel wide-dialog">
        <h2>{t('outbox.title')}</h2>
        {!available ? <MissingCall call={ITEMS_CALL} /> : null}
        <ErrorLine error={error} testId="outbox-error" />
        {view ? (
          <p className="hint" data-testid="outbox-summary">
            {t('outbox.summary', { n: view.total, h: hours, q: nearDeadlineHours(hours) })}
          </p>
        ) : null}
        {counts.past > 0 ? (
          <p className="deadline-alert tone-bad" role="alert" data-testid="outbox-past">
            {t('status.queue.past', { n: counts.past })}：{t('outbox.pastHint')}
          </p>
        ) : counts.near > 0 ? (
          <p className="deadline-alert tone-warn" data-testid="outbox-near">
            {t('status.queue.near', { n: counts.near })}：{t('outbox.nearHint')}
          </p>
        ) : null}
        {view && items.length === 0 ? <p className="big-note">{t('outbox.empty')}</p> : null}
        {items.length > 0 ? (
          <div className="outbox-scroll" tabIndex={-1} ref={tableRef} onKeyDown={onKey}>
            <table className="grid" data-testid="outbox-table">
              <thead>
                <tr>
                  <th>{t('outbox.col.time')}</th>
                  <th>{t('outbox.col.patient')}</th>
                  <th className="num">{t('outbox.col.total')}</th>
                  <th>{t('outbox.col.kind')}</th>
                  <th>{t('outbox.col.state')}</th>
                  <th className="num">{t('outbox.col.attempts')}</th>
                  <th>{t('outbox.col.deadline')}</th>
                  <th>{t('outbox.col.error')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((it, i) => {
                  const tone = standingNow(it, nowMs);
                  const stateKey = `outbox.state.${it.state}`;
                  return (
                    <tr key={it.outboxId} className={`${i === selected ? 'selected' : ''} deadline-${tone}`} data-testid="outbox-row">
                      <td>{chinaTime(it.createdAt)}</td>
                      <td>{it.psnName}</td>
                      <td className="num">{formatFen(it.total)}</td>
                      <td>
                        {it.chain ? t(it.infno === 'chain-undo' ? 'outbox.kind.chainUndo' : 'outbox.kind.chain') : t(`outbox.kind.${it.kind}`)}
                        {it.chain ? (
                          <div className="chain-step" data-testid="outbox-chain" title={it.chain.chainId}>
                            {it.chain.infno
                              ? t('outbox.chain', { step: it.chain.infno, state: t(`outbox.chainState.${it.chain.state}`), msgid: it.chain.msgid ?? '—' })
                              : t('outbox.chain.none')}
                          </div>
                        ) : null}
                        {it.trace ? (
                          <div className="chain-step" data-testid="outbox-trace">
                            {t('outbox.trace', { item: it.trace.item, n: it.trace.codes })}
                            {it.trace.held ? ` · ${t('outbox.traceHeld')}` : ''}
                          </div>
                        ) : null}
                      </td>
                      <td>{hasKey(stateKey) ? t(stateKey) : it.state}</td>
                      <td className="num">{it.attempts}</td>
                      <td className="deadline-cell" data-testid="outbox-deadline">
                        {dayTime(it.deadlineAt)}
                        <span className="deadline-left"> · {deadlineLeft(it.deadlineAt, nowMs, t)}</span>
                      </td>
                      <td className="error-cell" title={it.lastError ?? ''}>{it.lastError ? t(uploadErrorKey(it.lastError)) : '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
        {view && view.total > items.length ? <p className="hint">{t('outbox.more', { n: view.total - items.length, shown: items.length })}</p> : null}
        <p className="hint">{t('outbox.hint')}</p>
      </section>
    </div>
  );
}
