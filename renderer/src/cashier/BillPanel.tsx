// The bill: pending bills for this patient first, catalog search as you type (F4), and the
// lines, all by keyboard: ↑↓ select, digits + Enter set the quantity, P edits the price,
// Del deletes the line, Esc leaves the search.
import { forwardRef, useEffect, useImperativeHandle, useRef, useState, type KeyboardEvent } from 'react';
import type { CatalogHit } from '../../../electron/api/contract/policy';
import type { LineWarning } from '../../../electron/api/contract/settlement';
import { api } from '../api/client';
import { hasCall } from '../api/capabilities';
import { MissingCall } from '../components/common';
import { useT } from '../i18n/use-t';
import { wordError } from '../i18n/words';
import { useApp } from '../state/store';
import { addLine, moveSelection, overPriceCap, removeSelected, setQuantity, setUnitPrice, type BillLine } from '../lib/bill';
import { displayPrice, formatFen, isQuantity as isPositiveDecimal, lineAmountFen } from '../../../electron/api/money';
import { useCashier } from '../state/cashier';
import { importPendingBill } from './actions';
import { TEXT_LIMITS } from '../../../electron/api/contract/limits';

const SEARCH_CALL = 'policy.search' as const;

/** A catalog search hit as the window shows it. */
interface SearchHit {
  code: string;
  name: string;
  cls: 'A' | 'B' | 'C';
  spec?: string;
  unit?: string;
  priceCap?: string;
  pinyin: string;
  restricted: boolean;
}

const searchHit = (h: CatalogHit): SearchHit => ({
  code: h.code,
  name: h.name,
  cls: h.class,
  spec: h.spec,
  unit: h.unit,
  priceCap: h.priceCap,
  pinyin: h.pinyin,
  restricted: !!h.restriction,
});

export interface BillPanelHandle {
  focusSearch(): void;
  focusLines(): void;
}

export const BillPanel = forwardRef<BillPanelHandle>(function BillPanel(_props, ref) {
  const t = useT();
  const lang = useApp((st) => st.lang);
  const { bill, setBill, preview, pendingBills, pendingLoaded, person, settled, fixLine } = useCashier();
  const searchRef = useRef<HTMLInputElement>(null);
  const linesRef = useRef<HTMLDivElement>(null);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [active, setActive] = useState(0);
  const [searchError, setSearchError] = useState<string | null>(null);
  /** Digits typed on a selected line: the new quantity (or price, in price mode) until Enter. */
  const [typing, setTyping] = useState<{ field: 'quantity' | 'price'; text: string } | null>(null);
  const [restrictedCodes, setRestrictedCodes] = useState<Set<string>>(new Set());
  const canSearch = hasCall(SEARCH_CALL);
  const firstPending = useRef<HTMLButtonElement>(null);

  // Pending bills for this patient come first: the first one's import button takes the focus (Enter imports).
  useEffect(() => {
    if (pendingBills.length > 0 && bill.lines.length === 0) firstPending.current?.focus();
    // Only when the list arrives, not on every line change.
  }, [pendingBills]);

  // Settling was blocked by a line without a price or quantity: that line is selected, the
  // cursor goes to it and the missing value is asked for (digits + Enter).
  useEffect(() => {
    if (!fixLine) return;
    const cur = useCashier.getState().bill;
    if (fixLine.index < cur.lines.length) setBill({ ...cur, selected: fixLine.index });
    setTyping({ field: fixLine.field, text: '' });
    linesRef.current?.focus();
  }, [fixLine]);

  useImperativeHandle(ref, () => ({
    focusSearch: () => searchRef.current?.focus(),
    focusLines: () => linesRef.current?.focus(),
  }));

  // As-you-type search; an older answer never replaces a newer query's.
  const seq = useRef(0);
  useEffect(() => {
    const q = query.trim();
    if (!q || !canSearch) {
      setHits([]);
      return;
    }
    const my = ++seq.current;
    const timer = setTimeout(() => {
      void api.call(SEARCH_CALL, { query: q, limit: 20 }).then((r) => {
        if (my !== seq.current) return;
        if (r.ok) {
          setHits(r.value.map(searchHit));
          setSearchError(null);
        } else setSearchError(wordError(r.error, t, lang));
        setActive(0);
      });
    }, 120);
    return () => clearTimeout(timer);
  }, [query, canSearch]);

  const take = (h: SearchHit) => {
    const line: BillLine = { code: h.code, name: h.name, cls: h.cls, unitPrice: h.priceCap ?? '0', quantity: '1', ...(h.priceCap ? { priceCap: h.priceCap } : {}) };
    if (h.restricted) setRestrictedCodes((s) => new Set(s).add(h.code));
    setBill(addLine(bill, line));
    setQuery('');
    setHits([]);
    // Without a catalog price the cashier types one first.
    setTyping(h.priceCap ? null : { field: 'price', text: '' });
    linesRef.current?.focus();
  };

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      setActive((a) => Math.min(hits.length - 1, a + 1));
      e.preventDefault();
    } else if (e.key === 'ArrowUp') {
      setActive((a) => Math.max(0, a - 1));
      e.preventDefault();
    } else if (e.key === 'Enter') {
      const h = hits[active];
      if (h) take(h);
      e.preventDefault();
    } else if (e.key === 'Escape' && query) {
      // Esc with a query clears it (and only that); on an empty search Esc is the screen's.
      setQuery('');
      setHits([]);
      e.preventDefault();
      e.stopPropagation();
    }
  };

  const onLinesKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      setBill(moveSelection(bill, e.key === 'ArrowDown' ? 1 : -1));
      setTyping(null);
    } else if (e.key === 'Delete') {
      setBill(removeSelected(bill));
      setTyping(null);
    } else if (/^[0-9.]$/.test(e.key)) {
      setTyping((tp) => ({ field: tp?.field ?? 'quantity', text: (tp?.text ?? '') + e.key }));
    } else if (e.key === 'Backspace') {
      setTyping((tp) => (tp ? { ...tp, text: tp.text.slice(0, -1) } : tp));
    } else if (e.key === 'p' || e.key === 'P') {
      setTyping({ field: 'price', text: '' });
    } else if (e.key === 'Escape' && typing) {
      // Esc while typing a value cancels the value, not the patient.
      setTyping(null);
      e.stopPropagation();
    } else if (e.key === 'Enter') {
      if (typing && typing.text) {
        const r = typing.field === 'quantity' ? setQuantity(bill, typing.text) : setUnitPrice(bill, typing.text);
        if (r.ok) setBill(r.bill);
        setTyping(r.ok ? null : { ...typing, text: '' });
      }
    } else return;
    e.preventDefault();
  };

  const warningsFor = (line: BillLine, i: number): string[] => {
    const out: string[] = [];
    const fromPreview: LineWarning[] = preview?.warnings.filter((w) => w.lineNo === i + 1) ?? [];
    // Worded here from the hint's kind and the split's own figures for the line (the main process's text is Chinese only).
    const item = preview?.split.items[i];
    for (const w of fromPreview) {
      const fen = w.kind === 'overLimit' ? item?.overLimitSelfPay : w.kind === 'preSelfPay' ? item?.preSelfPay : undefined;
      out.push(t(`linewarn.${w.kind}`, fen === undefined ? {} : { amount: formatFen(fen) }));
    }
    if (fromPreview.length === 0) {
      if (overPriceCap(line)) out.push(t('bill.warn.priceCap', { cap: line.priceCap! }));
      if (line.ownPay) out.push(t('bill.warn.ownPay'));
      if (restrictedCodes.has(line.code)) out.push(t('bill.warn.restriction', { detail: '' }));
    }
    return out;
  };

  const classOf = (line: BillLine, i: number) => preview?.split.items[i]?.class ?? line.cls;

  return (
    <section className={`panel ${settled ? 'disabled' : ''}`} data-testid="bill-panel" data-pending-loaded={pendingLoaded ? 'true' : 'false'}>
      <h2>{t('bill.title')}</h2>
      {person && pendingBills.length > 0 ? (
        <div className="stack" data-testid="pending-bills">
          <strong>{t('bill.pending')}</strong>
          {pendingBills.map((b, i) => (
            <div key={b.id} className="row">
              <span>
                {b.billId ?? b.sourceRef} · {t('bill.pending.items', { n: b.items.length })} · {b.items.map((it) => it.name ?? it.code).join('、')}
              </span>
              <button
                ref={i === 0 ? firstPending : undefined}
                type="button"
                className="secondary"
                data-testid={`pending-take-${i}`}
                onClick={() => {
                  importPendingBill(b);
                  linesRef.current?.focus();
                }}
              >
                {t('bill.pending.take')}
              </button>
            </div>
          ))}
        </div>
      ) : null}
      {canSearch ? (
        <div className="search-box">
          <input
            ref={searchRef}
            data-testid="catalog-search" maxLength={TEXT_LIMITS.searchQuery}
            placeholder={t('bill.search')}
            value={query}
            disabled={!!settled}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={onSearchKey}
          />
          {query.trim() && (hits.length > 0 || searchError) ? (
            <div className="search-hits" data-testid="catalog-hits">
              {searchError ? <div className="warn">{searchError}</div> : null}
              {hits.map((h, i) => (
                <div key={h.code} className={i === active ? 'active' : ''} onMouseDown={() => take(h)}>
                  <span className={`class-${h.cls}`}>{t(`bill.class.${h.cls}`)}</span>
                  <span>{h.name}</span>
                  <span className="hint">
                    {h.code} {h.spec ?? ''} {h.pinyin ?? ''}
                  </span>
                  {h.priceCap ? <span className="hint">≤{h.priceCap}</span> : null}
                </div>
              ))}
            </div>
          ) : null}
          {query.trim() && hits.length === 0 && !searchError ? <div className="hint">{t('bill.search.none')}</div> : null}
        </div>
      ) : (
        <MissingCall call={SEARCH_CALL} />
      )}
      <div ref={linesRef} tabIndex={0} className="bill-lines" data-testid="bill-lines" onKeyDown={onLinesKey}>
        {bill.lines.length === 0 ? (
          <p className="hint">{t('bill.empty')}</p>
        ) : (
          <table className="grid">
            <thead>
              <tr>
                <th>{t('bill.col.name')}</th>
                <th>{t('bill.col.class')}</th>
                <th className="num">{t('bill.col.price')}</th>
                <th className="num">{t('bill.col.qty')}</th>
                <th className="num">{t('bill.col.amount')}</th>
                <th>{t('bill.col.warn')}</th>
              </tr>
            </thead>
            <tbody>
              {bill.lines.map((l, i) => {
                const cls = classOf(l, i);
                const editing = i === bill.selected ? typing : null;
                const amount = lineAmountFen(l.unitPrice, l.quantity);
                const priceOk = isPositiveDecimal(l.unitPrice);
                const qtyOk = isPositiveDecimal(l.quantity);
                return (
                  <tr key={`${l.code}-${i}`} className={i === bill.selected ? 'selected' : ''} data-testid={`bill-line-${i}`}>
                    <td>
                      {l.name}
                      <div className="hint">{l.code}</div>
                    </td>
                    <td className={cls ? `class-${cls}` : ''}>{cls ? t(`bill.class.${cls}`) : '—'}</td>
                    <td className={`num ${priceOk ? '' : 'invalid'}`} data-testid={`bill-price-${i}`}>
                      {editing?.field === 'price' ? <u>{editing.text || '_'}</u> : priceOk ? displayPrice(l.unitPrice) : t('bill.price.missing')}
                    </td>
                    <td className={`num big ${qtyOk ? '' : 'invalid'}`}>{editing?.field === 'quantity' ? <u>{editing.text || '_'}</u> : l.quantity}</td>
                    <td className="num big">{amount === null || !priceOk || !qtyOk ? '—' : formatFen(amount)}</td>
                    <td className="warn">{warningsFor(l, i).join('；')}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
      <p className="hint">
        {t('key.arrows')} · {t('bill.qty.hint')} · P {t('bill.col.price')} · {t('key.Del')}
      </p>
    </section>
  );
});
