// Reconciliation findings and what a supervisor does about each: re-upload it (a new 2207 the
// outbox sends) or mark it resolved — both with a note, which the audit log keeps. A finding
// only the center has cannot be re-uploaded from here, so that button is not offered.
import { useEffect, useState, type FormEvent } from 'react';
import type { DiscrepancyView } from '../../../electron/api/contract/shift';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { ErrorLine } from '../components/common';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { formatFen } from '../../../electron/api/money';
import { TEXT_LIMITS } from '../../../electron/api/contract/limits';

type StateFilter = 'open' | 'reupload_requested' | 'resolved' | 'all';
const KIND: Record<DiscrepancyView['kind'], MessageKey> = {
  only_center: 'sup.disc.onlyCenter',
  only_local: 'sup.disc.onlyLocal',
  amount_differs: 'sup.disc.amountDiffers',
};
const STATE: Record<DiscrepancyView['state'], MessageKey> = {
  open: 'sup.disc.open',
  reupload_requested: 'sup.disc.reuploadRequested',
  resolved: 'sup.disc.resolved',
};

function Amounts(props: { label: string; a: DiscrepancyView['local'] }) {
  const t = useT();
  return (
    <div>
      <span className="hint">{props.label}</span>{' '}
      {props.a ? `${formatFen(props.a.total)}（${t('sup.disc.fund')} ${formatFen(props.a.fund)} · ${t('sup.disc.account')} ${formatFen(props.a.account)}）` : '—'}
    </div>
  );
}

function DiscrepancyItem(props: { d: DiscrepancyView; onDone: () => void }) {
  const t = useT();
  const { d } = props;
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const act = async (action: 'resolve' | 'reupload') => {
    if (!note.trim()) return setError({ code: 'NOTE_REQUIRED', message: '请先填写处理说明。' });
    const r = await api.call('reconcile.resolve', { id: d.id, action, note: note.trim() });
    if (!r.ok) return setError(r.error);
    setError(null);
    props.onDone();
  };
  // Enter in the note marks it resolved: the one action every finding allows.
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act('resolve');
  };
  const closed = d.state === 'resolved';
  return (
    <li className="sup-item" data-testid={`disc-${d.id}`}>
      <div className="row">
        <strong>{t(KIND[d.kind])}</strong>
        <span className="badge">{t(STATE[d.state])}</span>
        <span className="hint">
          {d.day} · {d.settlementId ?? '—'} · {t('sup.disc.centerId')} {d.centerSetlId ?? '—'}
        </span>
      </div>
      <Amounts label={t('sup.disc.local')} a={d.local} />
      <Amounts label={t('sup.disc.center')} a={d.center} />
      <p className="warn" data-testid={`disc-${d.id}-advice`}>{t(`sup.disc.advice.${d.adviceCode}`)}</p>
      {d.actionNote ? (
        <p className="hint" data-testid={`disc-${d.id}-note`}>
          {t('sup.disc.acted', { by: d.actedBy ?? '', note: d.actionNote })}
        </p>
      ) : null}
      {closed ? null : (
        <form className="row" onSubmit={submit}>
          <input className="sup-note" aria-label={t('sup.work.note')} placeholder={t('sup.work.note')} data-testid={`disc-${d.id}-note-input`} maxLength={TEXT_LIMITS.note} value={note} onChange={(e) => setNote(e.target.value)} />
          {d.kind !== 'only_center' ? (
            <button type="button" className="secondary" data-testid={`disc-${d.id}-reupload`} onClick={() => void act('reupload')}>
              {t('sup.disc.reupload')}
            </button>
          ) : null}
          <button type="submit" className="secondary" data-testid={`disc-${d.id}-resolve`}>
            {t('sup.disc.resolve')}
          </button>
        </form>
      )}
      <ErrorLine error={error} testId={`disc-${d.id}-error`} />
    </li>
  );
}

/** The stored findings (open by default); `reloadKey` changes after a reconciliation run. */
export function DiscrepancyList(props: { reloadKey: number }) {
  const t = useT();
  const [filter, setFilter] = useState<StateFilter>('open');
  const [items, setItems] = useState<DiscrepancyView[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const load = async (state: StateFilter) => {
    const r = await api.call('reconcile.discrepancies', { state });
    if (r.ok) {
      setItems(r.value);
      setError(null);
    } else setError(r.error);
  };
  useEffect(() => {
    void load(filter);
  }, [filter, props.reloadKey]);
  return (
    <section className="stack" data-testid="discrepancies">
      <div className="row">
        <h3 className="sup-subtitle">{t('sup.disc.title')}</h3>
        <label className="row">
          {t('sup.disc.show')}
          <select data-testid="disc-filter" value={filter} onChange={(e) => setFilter(e.target.value as StateFilter)}>
            <option value="open">{t('sup.disc.open')}</option>
            <option value="reupload_requested">{t('sup.disc.reuploadRequested')}</option>
            <option value="resolved">{t('sup.disc.resolved')}</option>
            <option value="all">{t('sup.disc.all')}</option>
          </select>
        </label>
      </div>
      <ErrorLine error={error} />
      {items && items.length === 0 ? <p className="hint">{t('sup.disc.none')}</p> : null}
      {items && items.length > 0 ? (
        <ul className="sup-list">
          {items.map((d) => (
            <DiscrepancyItem key={`${d.id}-${d.state}`} d={d} onDone={() => void load(filter)} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
