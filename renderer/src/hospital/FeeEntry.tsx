// Fee lines typed at the hospital window (one batch, 2301): the catalogue search of the main
// screen's bill (code, name, pinyin initials; ↑↓ Enter), then the price — the catalogue's cap
// by default, typed when there is none — and the quantity; Enter in the quantity goes back to
// the search. Alt+B (or the button) records the lines as one batch, uploaded exactly once.
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import type { CatalogHit } from '../../../electron/api/contract/policy';
import { formatFen, isQuantity, lineAmountFen } from '../../../electron/api/money';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { ErrorLine } from '../components/common';
import { ProblemLine } from '../components/Dialog';
import { useT } from '../i18n/use-t';
import { wordError } from '../i18n/words';
import { useApp } from '../state/store';

export interface DraftLine {
  code: string;
  name: string;
  unitPrice: string;
  quantity: string;
}

export interface FeeEntryHandle {
  focusSearch(): void;
  /** Alt+B: record the draft as a batch. */
  submit(): void;
}

const PRICE = /^\d{1,9}(\.\d{1,4})?$/;

/** The first draft line that cannot be sent as it is (no positive price or quantity), or -1. */
export function firstBadDraftLine(lines: DraftLine[]): number {
  return lines.findIndex((l) => !PRICE.test(l.unitPrice) || Number(l.unitPrice) <= 0 || !isQuantity(l.quantity) || Number(l.quantity) <= 0);
}

export const FeeEntry = forwardRef<FeeEntryHandle, { onSubmit: (lines: DraftLine[]) => Promise<ApiError | null>; disabled: boolean }>(function FeeEntry(props, ref) {
  const t = useT();
  const lang = useApp((s) => s.lang);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<CatalogHit[]>([]);
  const [active, setActive] = useState(0);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [lines, setLines] = useState<DraftLine[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const fieldRefs = useRef(new Map<string, HTMLInputElement>());
  const [focusField, setFocusField] = useState<string | null>(null);

  useEffect(() => {
    if (!focusField) return;
    fieldRefs.current.get(focusField)?.focus();
    fieldRefs.current.get(focusField)?.select();
    setFocusField(null);
  }, [focusField, lines]);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setHits([]);
      return;
    }
    const timer = setTimeout(() => {
      void api.call('policy.search', { query: q, limit: 20 }).then((r) => {
        if (r.ok) {
          setHits(r.value);
          setSearchError(null);
        } else setSearchError(wordError(r.error, t, lang));
        setActive(0);
      });
    }, 120);
    return () => clearTimeout(timer);
  }, [query]);

  const take = (h: CatalogHit) => {
    const i = lines.length;
    setLines([...lines, { code: h.code, name: h.name, unitPrice: h.priceCap ?? '', quantity: '1' }]);
    setQuery('');
    setHits([]);
    setFocusField(h.priceCap ? `q${i}` : `p${i}`);
  };

  const submit = async () => {
    if (busy || props.disabled) return;
    if (lines.length === 0) {
      setProblem(t('hosp.fees.noLines'));
      searchRef.current?.focus();
      return;
    }
    const bad = firstBadDraftLine(lines);
    if (bad >= 0) {
      setProblem(t('hosp.fees.badLine', { line: bad + 1 }));
      setFocusField(`p${bad}`);
      return;
    }
    setProblem(null);
    setBusy(true);
    const err = await props.onSubmit(lines);
    setBusy(false);
    setError(err);
    if (!err) setLines([]);
  };

  useImperativeHandle(ref, () => ({ focusSearch: () => searchRef.current?.focus(), submit: () => void submit() }));

  const setField = (i: number, field: 'unitPrice' | 'quantity', value: string) => setLines(lines.map((l, j) => (j === i ? { ...l, [field]: value } : l)));
  const total = lines.reduce((sum, l) => sum + (lineAmountFen(l.unitPrice, l.quantity) ?? 0), 0);

  return (
    <div className="stack" data-testid="fee-entry">
      <div className="search-box">
        <input
          ref={searchRef}
          data-testid="fee-search"
          maxLength={64}
          placeholder={t('hosp.fees.search')}
          value={query}
          disabled={props.disabled}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((n) => Math.max(0, Math.min(hits.length - 1, n + (e.key === 'ArrowDown' ? 1 : -1))));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              const h = hits[active];
              if (h) take(h);
            } else if (e.key === 'Escape' && query) {
              e.preventDefault();
              e.stopPropagation();
              setQuery('');
            }
          }}
        />
        {query.trim() && (hits.length > 0 || searchError) ? (
          <div className="search-hits" data-testid="fee-hits">
            {searchError ? <div className="warn">{searchError}</div> : null}
            {hits.map((h, i) => (
              <div key={h.code} className={i === active ? 'active' : ''} onMouseDown={() => take(h)}>
                <span className={`class-${h.class}`}>{t(`bill.class.${h.class}`)}</span>
                <span>{h.name}</span>
                <span className="hint">{h.code}</span>
                {h.priceCap ? <span className="hint">≤{h.priceCap}</span> : null}
              </div>
            ))}
          </div>
        ) : null}
      </div>
      {lines.length > 0 ? (
        <table className="grid" data-testid="fee-draft">
          <thead>
            <tr>
              <th>{t('bill.col.name')}</th>
              <th className="num">{t('bill.col.price')}</th>
              <th className="num">{t('bill.col.qty')}</th>
              <th className="num">{t('bill.col.amount')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => {
              const amount = lineAmountFen(l.unitPrice, l.quantity);
              return (
                <tr key={`${l.code}-${i}`} data-testid={`fee-draft-${i}`}>
                  <td>{l.name}</td>
                  <td className="num">
                    <input
                      ref={(el) => void (el ? fieldRefs.current.set(`p${i}`, el) : fieldRefs.current.delete(`p${i}`))}
                      data-testid={`fee-price-${i}`}
                      className="cell-input"
                      inputMode="decimal"
                      maxLength={14}
                      value={l.unitPrice}
                      onChange={(e) => setField(i, 'unitPrice', e.target.value)}
                      onKeyDown={(e) => {
                        if (e.key !== 'Enter') return;
                        e.preventDefault();
                        setFocusField(`q${i}`);
                      }}
                    />
                  </td>
                  <td className="num">
                    <input
                      ref={(el) => void (el ? fieldRefs.current.set(`q${i}`, el) : fieldRefs.current.delete(`q${i}`))}
                      data-testid={`fee-qty-${i}`}
                      className="cell-input"
                      inputMode="decimal"
                      maxLength={14}
                      value={l.quantity}
                      onChange={(e) => setField(i, 'quantity', e.target.value)}
                      onKeyDown={(e) => {
                        if (e.key !== 'Enter') return;
                        e.preventDefault();
                        searchRef.current?.focus();
                      }}
                    />
                  </td>
                  <td className="num">{amount === null ? '—' : formatFen(amount)}</td>
                  <td>
                    <button type="button" className="secondary" aria-label={t('key.Del')} onClick={() => setLines(lines.filter((_, j) => j !== i))}>
                      ×
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <ProblemLine text={problem} testId="fee-problem" />
      <ErrorLine error={error} testId="fee-error" />
      <div className="row">
        <button type="button" className="secondary" data-testid="fee-submit" disabled={busy || props.disabled || lines.length === 0} onClick={() => void submit()}>
          {t('hosp.fees.submit')}
        </button>
        {lines.length > 0 ? <span className="hint">{t('hosp.fees.draftTotal', { n: lines.length, total: formatFen(total) })}</span> : null}
      </div>
    </div>
  );
});
