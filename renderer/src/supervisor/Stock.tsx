// Dispensing stock per batch (库存, issue 17, docs/STOCK.md): each drug with its total and what
// can be sold, its batches earliest expiry first (近效期 amber, 已过期 red), a purchase entered
// (Alt+N: one batch, reported 3503), a batch counted (↑↓ pick, Enter: the counted quantity,
// reported 3501), and the reports the center has not yet received (Alt+U sends now). Alt+E
// shows only batches near or past expiry; Alt+F the filter.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { StockBatchView, StockListView, StockReportState, StockUnsentView } from '../../../electron/api/contract/stock';
import type { ApiError } from '../../../electron/api/result';
import { formatFen } from '../../../electron/api/money';
import { api } from '../api/client';
import { ErrorLine } from '../components/common';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { col, num } from '../components/grid';
import { ListFilter, ListTable, useAltKeys, useListNav } from './list';

const REPORT_STATE: Record<StockReportState, MessageKey> = {
  queued: 'stock.report.queued',
  sent: 'stock.report.sent',
  unknown: 'stock.report.unknown',
  confirmed: 'stock.report.confirmed',
  rejected: 'stock.report.rejected',
};
const EXPIRY: Record<StockBatchView['expiry'], MessageKey> = { ok: 'stock.expiry.ok', soon: 'stock.expiry.soon', expired: 'stock.expiry.expired' };

export function Stock() {
  const t = useT();
  const [list, setList] = useState<StockListView | null>(null);
  const [unsent, setUnsent] = useState<StockUnsentView | null>(null);
  const [expiringOnly, setExpiringOnly] = useState(false);
  const [buying, setBuying] = useState(false);
  const [counting, setCounting] = useState<StockBatchView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const nav = useListNav('stock');
  const { query, active, setActive } = nav;

  const load = async () => {
    const [l, u] = await Promise.all([api.call('stock.list', { query, expiringOnly }), api.call('stock.unsent', {})]);
    if (l.ok) setList(l.value);
    else setError(l.error);
    if (u.ok) setUnsent(u.value);
  };
  useEffect(() => {
    void load();
  }, [query, expiringOnly]);
  // Reports go out in the background: while any is open, look again every 2 s.
  useEffect(() => {
    if (!unsent?.open) return;
    const timer = setTimeout(() => {
      void api.call('stock.unsent', {}).then((u) => u.ok && setUnsent(u.value));
    }, 2_000);
    return () => clearTimeout(timer);
  }, [unsent]);

  const upload = async () => {
    const r = await api.call('stock.upload', {});
    if (r.ok) {
      setError(null);
      setNotice(t('stock.uploaded', { confirmed: r.value.confirmed, rejected: r.value.rejected, remaining: r.value.remaining }));
    } else setError(r.error);
    await load();
  };

  useAltKeys({
    KeyN: () => setBuying((v) => !v),
    KeyU: () => void upload(),
    KeyE: () => setExpiringOnly((v) => !v),
    KeyF: nav.focusFilter,
  });

  const batches = (list?.drugs ?? []).flatMap((d) => d.batches);
  // The table's own keys besides ↑↓; true when the key was used.
  const tableKey = (e: React.KeyboardEvent): boolean => {
    const batch = batches[active];
    if (e.key !== 'Enter' || !batch) return false;
    setCounting(batch);
    return true;
  };
  const done = async (msg: string) => {
    setBuying(false);
    setCounting(null);
    setError(null);
    setNotice(msg);
    // The focus back on the list now, not after the reload: a form opened meanwhile keeps it.
    nav.focusTable();
    await load();
  };

  let index = -1;
  return (
    <div className="stack mapping stock" data-testid="stock">
      <ListFilter
        nav={nav}
        label={t('stock.filter')}
        only={{ testId: 'stock-expiring', label: t('stock.expiringOnly'), checked: expiringOnly, onChange: setExpiringOnly }}
      >
        <button type="button" className="secondary" data-testid="stock-purchase-open" onClick={() => setBuying((v) => !v)}>{t('stock.purchase')}</button>
        <button type="button" className="secondary" data-testid="stock-upload" onClick={() => void upload()}>{t('stock.upload')}</button>
      </ListFilter>
      <div className="muted small" data-testid="stock-state">
        {list ? t(list.enabled ? 'stock.enabled' : 'stock.disabled', { days: list.expiryWarnDays }) : ''}
      </div>
      <ErrorLine error={error} testId="stock-error" />
      {notice ? <div className="notice" data-testid="stock-notice">{notice}</div> : null}
      {buying ? <PurchaseForm onDone={(b) => void done(t('stock.purchased', { name: b.drugName, batch: b.batchNo, quantity: b.quantity }))} onError={setError} onCancel={() => setBuying(false)} /> : null}
      {counting ? <CountForm batch={counting} onDone={(b) => void done(t('stock.counted', { name: b.drugName, batch: b.batchNo, quantity: b.quantity }))} onError={setError} onCancel={() => { setCounting(null); nav.focusTable(); }} /> : null}
      <ListTable
        nav={nav}
        count={batches.length}
        more={tableKey}
        label={t('stock.title')}
        frameClass="stock-table"
        cols={[col(t('stock.col.drug')), col(t('stock.col.batch')), col(t('stock.col.expiry')), num(t('stock.col.quantity')), num(t('stock.col.price')), col(t('stock.col.supplier'))]}
        empty={list && list.drugs.length === 0 ? <div className="muted" data-testid="stock-empty">{t('stock.empty')}</div> : null}
      >
        {(list?.drugs ?? []).map((d) => [
          <tr key={`d-${d.drugCode}`} className="stock-drug" data-testid={`stock-drug-${d.drugCode}`}>
            <td colSpan={3}>
              <strong>{d.drugName}</strong> <span className="code">{d.drugCode}</span>
            </td>
            <td className="num" data-testid={`stock-drug-total-${d.drugCode}`}>
              <strong>{d.quantity}</strong>
            </td>
            <td colSpan={2} className="muted small">{t('stock.sellable', { quantity: d.sellable })}</td>
          </tr>,
          ...d.batches.map((b) => {
            index++;
            const i = index;
            return (
              <tr key={b.id} className={`${i === active ? 'selected' : ''} stock-${b.expiry}`} aria-selected={i === active} data-testid={`stock-batch-${b.batchNo}`} data-expiry={b.expiry} onClick={() => setActive(i)} onDoubleClick={() => setCounting(b)}>
                <td />
                <td className="code">{b.batchNo}</td>
                <td>
                  {b.expiryDate} {b.expiry !== 'ok' ? <span className={`tag tag-${b.expiry === 'soon' ? 'uploading' : 'rejected'}`}>{t(EXPIRY[b.expiry])}</span> : null}
                </td>
                <td className="num" data-testid={`stock-qty-${b.batchNo}`}>{b.quantity}</td>
                <td className="num">{formatFen(b.purchasePrice)}</td>
                <td>{b.supplier}</td>
              </tr>
            );
          }),
        ])}
      </ListTable>
      <h3 className="small">{t('stock.unsent', { open: unsent?.open ?? 0, rejected: unsent?.rejected ?? 0 })}</h3>
      <div className="table-scroll mapping-table stock-unsent">
        <table className="grid" data-testid="stock-unsent">
          <tbody>
            {(unsent?.reports ?? []).map((r) => (
              <tr key={r.id} data-testid={`stock-report-${r.id}`} data-state={r.state}>
                <td className="code">{r.infno}</td>
                <td>{t(`stock.kind.${r.kind}` as MessageKey)}</td>
                <td>{r.drugName} <span className="code">{r.batchNo}</span></td>
                <td className="num">{r.quantity}</td>
                <td title={r.lastError ?? undefined}>
                  <span className={`tag tag-${r.state === 'rejected' ? 'rejected' : 'uploading'}`}>{t(REPORT_STATE[r.state])}</span>
                  {r.lastError && r.state === 'rejected' ? <span className="small danger" lang="zh-CN"> {r.lastError}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {unsent && unsent.reports.length === 0 ? <div className="muted small" data-testid="stock-unsent-empty">{t('stock.unsent.none')}</div> : null}
      </div>
      <div className="muted small">{t('stock.keys')}</div>
    </div>
  );
}

/** Esc in a form cancels it, and goes no further (the screen's Esc would leave the supervisor screen). */
function escapeCancels(e: React.KeyboardEvent, cancel: () => void): void {
  if (e.key !== 'Escape') return;
  e.preventDefault();
  e.stopPropagation();
  cancel();
}

/** One batch received: the drug's code, its batch number, dates, quantity, price and supplier. Enter saves, Esc cancels. */
function PurchaseForm(props: { onDone: (b: StockBatchView) => void; onError: (e: ApiError) => void; onCancel: () => void }) {
  const t = useT();
  const [f, setF] = useState({ drugCode: '', batchNo: '', productionDate: '', expiryDate: '', quantity: '', purchasePrice: '', supplier: '' });
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await api.call('stock.purchase', { ...f, productionDate: f.productionDate || undefined });
    if (r.ok) props.onDone(r.value);
    else props.onError(r.error);
  };
  const field = (k: keyof typeof f, label: MessageKey, size: number, ref?: React.RefObject<HTMLInputElement | null>) => (
    <label className="inline">
      {t(label)}{' '}
      <input ref={ref} size={size} maxLength={k === 'supplier' ? 100 : 50} data-testid={`stock-f-${k}`} value={f[k]} onChange={(e) => setF({ ...f, [k]: e.target.value })} />
    </label>
  );
  return (
    <form className="inset row" data-testid="stock-purchase-form" onSubmit={(e) => void submit(e)} onKeyDown={(e) => escapeCancels(e, props.onCancel)}>
      {field('drugCode', 'stock.f.drugCode', 22, first)}
      {field('batchNo', 'stock.f.batchNo', 10)}
      {field('productionDate', 'stock.f.productionDate', 10)}
      {field('expiryDate', 'stock.f.expiryDate', 10)}
      {field('quantity', 'stock.f.quantity', 6)}
      {field('purchasePrice', 'stock.f.price', 7)}
      {field('supplier', 'stock.f.supplier', 12)}
      <button type="submit" className="primary" data-testid="stock-purchase-save">{t('stock.save')}</button>
      <button type="button" className="secondary" onClick={props.onCancel}>{t('stock.cancel')}</button>
    </form>
  );
}

/** A stock-take of one batch: the counted quantity. Enter saves, Esc cancels. */
function CountForm(props: { batch: StockBatchView; onDone: (b: StockBatchView) => void; onError: (e: ApiError) => void; onCancel: () => void }) {
  const t = useT();
  const [counted, setCounted] = useState(props.batch.quantity.startsWith('-') ? '0' : props.batch.quantity);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await api.call('stock.inventory', { batchId: props.batch.id, counted });
    if (r.ok) props.onDone(r.value);
    else props.onError(r.error);
  };
  return (
    <form className="inset row" data-testid="stock-count-form" onSubmit={(e) => void submit(e)} onKeyDown={(e) => escapeCancels(e, props.onCancel)}>
      <span>{t('stock.countOf', { name: props.batch.drugName, batch: props.batch.batchNo, quantity: props.batch.quantity })}</span>
      <input ref={ref} size={8} maxLength={13} data-testid="stock-count-input" aria-label={t('stock.counted.label')} value={counted} onChange={(e) => setCounted(e.target.value)} />
      <button type="submit" className="primary" data-testid="stock-count-save">{t('stock.save')}</button>
      <button type="button" className="secondary" onClick={props.onCancel}>{t('stock.cancel')}</button>
    </form>
  );
}
