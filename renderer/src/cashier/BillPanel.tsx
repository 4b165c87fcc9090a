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
import { addCode, addLine, billCodes, lineForScan, moveSelection, needsCodes, overPriceCap, packagesOf, removeLastCode, removeSelected, setNoCode, setQuantity, setUnitPrice, type BillLine } from '../lib/bill';
import { ScanBurst } from '../lib/scan-burst';
import { COMMON_TRACE_CODE } from '../../../electron/api/contract/settlement';
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
  drug: boolean;
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
  drug: h.kind === 'drug',
  spec: h.spec,
  unit: h.unit,
  priceCap: h.priceCap,
  pinyin: h.pinyin,
  restricted: !!h.restriction,
});

/** The line numbers (1..) a MAPPING_UNMAPPED_LINE refusal names; empty for any other error. */
function unmappedLineNos(error: { code: string; details?: unknown } | null): Set<number> {
  if (error?.code !== 'MAPPING_UNMAPPED_LINE') return new Set();
  const lines = (error.details as { lines?: { lineNo?: unknown }[] } | undefined)?.lines ?? [];
  return new Set(lines.map((l) => l.lineNo).filter((n): n is number => typeof n === 'number'));
}

export interface BillPanelHandle {
  focusSearch(): void;
  focusLines(): void;
}

export const BillPanel = forwardRef<BillPanelHandle>(function BillPanel(_props, ref) {
  const t = useT();
  const lang = useApp((st) => st.lang);
  const { bill, setBill, preview, pendingBills, pendingLoaded, person, settled, fixLine, previewError, settleError } = useCashier();
  // National protocol: the lines the main process refused for want of a confirmed 对照, marked
  // like a line without a price (the refusal's words are in the split panel).
  const unmappedLines = unmappedLineNos(previewError ?? settleError);
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
  /** What the last scan did (kept code, or why it was refused), shown under the lines. */
  const [scanNote, setScanNote] = useState<{ ok: boolean; text: string } | null>(null);
  /** The line settling was blocked on for want of codes (its count is marked). */
  const [traceFix, setTraceFix] = useState<number | null>(null);
  /** N on a drug line: the no-code reason being typed. */
  const [noCode, setNoCode_] = useState<string | null>(null);
  const noCodeRef = useRef<HTMLInputElement>(null);

  // The traceability-code rules, once per window (docs/TRACEABILITY.md).
  useEffect(() => {
    if (useCashier.getState().traceRules || !hasCall('trace.rules')) return;
    void api.call('trace.rules', {}).then((r) => r.ok && useCashier.getState().patch({ traceRules: r.value }));
  }, []);

  /**
   * A scanned code (keyboard-wedge burst or the serial scanner's event): checked by the main
   * process (format, repeat in this bill, sold before), then kept on the line that needs it.
   */
  const takeScan = async (text: string) => {
    setTyping(null);
    setQuery((q) => (q.endsWith(text) ? q.slice(0, -text.length) : q));
    const before = useCashier.getState().bill;
    if (lineForScan(before) < 0) {
      setScanNote({ ok: false, text: t('trace.noLine') });
      return;
    }
    const r = await api.call('trace.check', { code: text, inBill: billCodes(before) });
    if (!r.ok) {
      setScanNote({ ok: false, text: wordError(r.error, t, lang) });
      return;
    }
    // The bill may have moved on while the check ran: the line is chosen again.
    const now = useCashier.getState().bill;
    const index = lineForScan(now);
    if (index < 0 || billCodes(now).includes(r.value.code)) {
      setScanNote({ ok: false, text: t(index < 0 ? 'trace.noLine' : 'err.TRACE_CODE_REPEATED', { code: r.value.code }) });
      return;
    }
    setBill(addCode(now, index, r.value.code));
    setTraceFix(null);
    setScanNote({ ok: true, text: t('trace.kept', { code: r.value.code, line: index + 1 }) });
  };
  const takeScanRef = useRef(takeScan);
  takeScanRef.current = takeScan;

  // Keyboard-wedge scanners type the code and Enter faster than a person: such a burst is a scan
  // wherever the bill has the focus (the lines or the search box), not a quantity or a query.
  useEffect(() => {
    const burst = new ScanBurst();
    const onKey = (e: globalThis.KeyboardEvent) => {
      const st = useCashier.getState();
      const inBill = !!document.activeElement?.closest('[data-testid="bill-panel"]') || document.activeElement === document.body;
      if (st.settled || st.confirming || !inBill) return;
      const scanned = burst.key(e.key, e.timeStamp);
      if (scanned === null) return;
      // A burst outside the common code scheme while no drug line waits for a code, or while the
      // search shows a hit for it, is a scanned catalogue barcode or a code typed fast: a search,
      // whose Enter picks the hit as a typed one would.
      const searchHit = !!document.querySelector('[data-testid="catalog-hits"] .active');
      if (!COMMON_TRACE_CODE.test(scanned) && (searchHit || lineForScan(st.bill) < 0)) return;
      e.preventDefault();
      e.stopPropagation();
      void takeScanRef.current(scanned);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  // A serial scanner's code arrives as an event from the main process.
  useEffect(
    () =>
      api.onEvent((name, payload) => {
        const code = (payload as { code?: unknown } | null)?.code;
        if (name === 'trace.scanned' && typeof code === 'string' && !useCashier.getState().settled) void takeScanRef.current(code);
      }),
    [],
  );

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
    if (fixLine.field === 'trace') {
      // Short of codes: the line is marked and the cashier told what is missing (scan, or N).
      const l = cur.lines[fixLine.index];
      setTraceFix(fixLine.index);
      setTyping(null);
      if (l) setScanNote({ ok: false, text: t('trace.missing', { line: fixLine.index + 1, left: packagesOf(l.quantity) - (l.traceCodes?.length ?? 0) }) });
    } else setTyping({ field: fixLine.field, text: '' });
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
    const line: BillLine = { code: h.code, name: h.name, cls: h.cls, unitPrice: h.priceCap ?? '0', quantity: '1', ...(h.priceCap ? { priceCap: h.priceCap } : {}), ...(h.drug ? { drug: true } : {}) };
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
      // Typing: the last digit; otherwise the selected line's last scanned code (a wrong scan).
      if (typing) setTyping((tp) => (tp ? { ...tp, text: tp.text.slice(0, -1) } : tp));
      else setBill(removeLastCode(bill));
    } else if ((e.key === 'n' || e.key === 'N') && bill.lines[bill.selected]?.drug) {
      // Old stock without codes (无码): a reason, then Enter.
      setTyping(null);
      setNoCode_('');
      setTimeout(() => noCodeRef.current?.focus(), 0);
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
                      {unmappedLines.has(i + 1) ? (
                        <div className="invalid" data-testid={`bill-unmapped-${i}`}>
                          {t('bill.unmapped')}
                        </div>
                      ) : null}
                      {l.drug ? (
                        <div
                          data-testid={`trace-count-${i}`}
                          title={(l.traceCodes ?? []).join('\n')}
                          className={l.noCodeReason ? 'warn' : needsCodes(l) ? (traceFix === i ? 'invalid trace-count' : 'hint trace-count') : 'trace-count done'}
                        >
                          {l.noCodeReason
                            ? t('trace.noCode', { reason: l.noCodeReason })
                            : t('trace.count', { n: l.traceCodes?.length ?? 0, m: packagesOf(l.quantity) })}
                        </div>
                      ) : null}
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
      {noCode !== null ? (
        <div className="row" data-testid="no-code">
          <label>{t('trace.noCode.prompt')}</label>
          <input
            ref={noCodeRef}
            data-testid="no-code-reason"
            maxLength={200}
            value={noCode}
            onChange={(e) => setNoCode_(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && noCode.trim().length >= 2) {
                setBill(setNoCode(useCashier.getState().bill, noCode.trim()));
                setNoCode_(null);
                setTraceFix(null);
                setScanNote(null);
                linesRef.current?.focus();
                e.preventDefault();
              } else if (e.key === 'Escape') {
                setNoCode_(null);
                linesRef.current?.focus();
                e.preventDefault();
                e.stopPropagation();
              }
            }}
          />
        </div>
      ) : null}
      {scanNote ? (
        <div data-testid="scan-note" className={scanNote.ok ? 'hint' : 'warn'}>
          {scanNote.text}
        </div>
      ) : null}
      <p className="hint">
        {t('key.arrows')} · {t('bill.qty.hint')} · P {t('bill.col.price')} · {t('key.Del')} · {t('trace.keys')}
      </p>
    </section>
  );
});
