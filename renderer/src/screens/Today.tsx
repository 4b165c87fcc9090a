// Today's settlements: ↑↓ select, F10 reprint (marked as a copy), R refund with a supervisor's
// PIN, Ctrl+G the corrected receipt (更正) of an adjusted one, F5 print again what the printer
// missed, Esc back to the window. The selected one's
// receipt (and whether it printed) is shown beside the list.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SettlementSummary, SettlementView } from '../../../electron/api/contract/settlement';
import type { ApiError, ApiResult } from '../../../electron/api/result';
import { api } from '../api/client';
import { useCorrectedReceiptKey } from '../cashier/CenterAnswer';
import { PrintState, PrintTrouble } from '../cashier/PrintStatus';
import { ReceiptPreview } from '../cashier/ReceiptPreview';
import { CenterDifferences } from '../cashier/CenterDifferences';
import { RefundLines } from '../cashier/RefundLines';
import { ErrorLine, ShortcutBar, useShortcuts } from '../components/common';
import { SupervisorPin } from '../components/SupervisorPin';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { formatFen } from '../../../electron/api/money';
import { fieldLabel } from '../lib/money-fields';
import { chinaDate, chinaTime } from '../lib/time';
import { saveFile } from '../supervisor/ReportActions';
import { useApp } from '../state/store';
import { settlementStateWord } from '../lib/state-word';

/** What the center answered differently: each adjusted field, local → center; or the rejection reason. */
function CenterAnswer(props: { settlementId: string; onCorrected: () => void }) {
  const t = useT();
  const [view, setView] = useState<SettlementView | null>(null);
  useEffect(() => {
    void api.call('settlement.get', { id: props.settlementId }).then((r) => r.ok && setView(r.value));
  }, [props.settlementId]);
  if (!view) return null;
  const rejected = view.uploads.filter((u) => u.state === 'rejected');
  return (
    <section className="panel" data-testid="settlement-adjustments">
      <h2>{t(rejected.length ? 'today.centerRejected' : 'today.centerAnswer')}</h2>
      {rejected.length ? <p className="hint">{t('today.centerRejected.next')}</p> : null}
      {view.adjustments.map((a) => (
        <div key={a.id} className="split-row">
          <span>{fieldLabel(a.field, t)}</span>
          <span>
            {formatFen(a.localAmount)} → <strong>{formatFen(a.centerAmount)}</strong>（{a.difference > 0 ? '+' : ''}
            {formatFen(a.difference)}）
          </span>
        </div>
      ))}
      <CenterDifferences rows={view.centerDifferences} testId="today-differences" />
      {view.state === 'adjusted' ? (
        <button type="button" className="secondary" data-testid="today-corrected-print" onClick={props.onCorrected}>
          {t('settle.corrected.key')}
        </button>
      ) : null}
      {rejected.map((u) => (
        <p key={u.outboxId} className="warn" data-code={u.rejectCode ?? ''}>
          {t('center.says')}
          <span lang="zh-CN">{u.rejectReason ?? u.rejectCode ?? ''}</span>
        </p>
      ))}
    </section>
  );
}

/** How long a note stays (ms); F5's notes use the same 8 s. */
const NOTE_MS = 8000;

export function Today() {
  const t = useT();
  const go = useApp((s) => s.go);
  const [rows, setRows] = useState<SettlementSummary[]>([]);
  const [selected, setSelected] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [refunding, setRefunding] = useState(false);
  const [refundError, setRefundError] = useState<ApiError | null>(null);
  /** The settlement being refunded, in full: what goes back to cash, the account and the fund. */
  const [refundView, setRefundView] = useState<SettlementView | null>(null);
  /** The line numbers ticked to return (all = a full refund, fewer = a partial one). */
  const [returned, setReturned] = useState<number[]>([]);
  const [receiptKey, setReceiptKey] = useState(0);
  const mainRef = useRef<HTMLElement>(null);
  // Keys work at once; focused only on arrival so a re-render never steals the focus from a form.
  useEffect(() => mainRef.current?.focus(), []);

  const load = useCallback(async (): Promise<SettlementSummary[]> => {
    const r = await api.call('settlement.list', {});
    if (!r.ok) {
      setError(r.error);
      return [];
    }
    // Newest first: the patient who just left is the likeliest to come back.
    const sorted = [...r.value].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    setRows(sorted);
    setError(null);
    return sorted;
  }, []);

  useEffect(() => {
    void load();
    return api.onEvent((name) => name === 'settlement.changed' && void load());
  }, [load]);

  const current = rows[selected] ?? null;

  // A note ("已补打", "退费完成…") is about the moment it was said: it goes after a while, and at
  // once when the cashier moves to another settlement (it would seem to be about that one).
  useEffect(() => {
    if (!note) return;
    const timer = setTimeout(() => setNote(null), NOTE_MS);
    return () => clearTimeout(timer);
  }, [note]);

  useEffect(() => {
    if (!refunding || !current) return;
    void api.call('settlement.get', { id: current.id }).then((r) => {
      if (!r.ok) return;
      setRefundView(r.value);
      setReturned(r.value.lines.map((l) => l.lineNo));
    });
  }, [refunding, current?.id]);

  /** A print for the selected settlement: its note and the receipt pane refreshed, or the error. */
  const printForCurrent = async (print: (id: string) => Promise<ApiResult<unknown>>, done: MessageKey) => {
    if (!current) return;
    const r = await print(current.id);
    if (r.ok) {
      setNote(t(done));
      setError(null);
      setReceiptKey((k) => k + 1);
    } else setError(r.error);
  };
  const reprint = () => printForCurrent((id) => api.call('device.reprint', { settlementId: id }), 'today.reprinted');
  // The corrected receipt (更正) of the selected adjusted settlement, as on the settled panel:
  // a patient who comes back after the center's answer gets it here. Another state is refused
  // by the main process in words (NOT_ADJUSTED).
  const printCorrected = () => printForCurrent((id) => api.call('settlement.printCorrected', { id }), 'settle.corrected.printed');
  useCorrectedReceiptKey(!refunding && !!current, () => void printCorrected());

  /** The selected settlement's slip, or its patient's day (a refund row has none: refused in words). */
  const slip = async (how: 'pdf' | 'print', day: boolean) => {
    if (!current) return;
    const sel = day ? { psnNo: current.psnNo, day: chinaDate(Date.parse(current.createdAt)) } : { id: current.id };
    if (how === 'pdf') {
      const r = await api.call('settlement.slipExport', sel);
      if (!r.ok) return setError(r.error);
      setError(null);
      saveFile(r.value);
      setNote(t('today.slipSaved', { file: r.value.fileName }));
    } else {
      const r = await api.call('settlement.slipPrint', sel);
      if (!r.ok) return setError(r.error);
      setError(null);
      setNote(t('today.slipPrinted'));
    }
  };

  useShortcuts((s) => {
    if (refunding) {
      if (s === 'back') setRefunding(false);
      return s === 'back';
    }
    if (s === 'back') go('cashier');
    else if (s === 'reprint') void reprint();
    else return false;
  });

  const onKey = (e: React.KeyboardEvent) => {
    if (refunding) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setNote(null);
      setSelected((i) => Math.max(0, Math.min(rows.length - 1, i + step)));
    } else if (e.key === 'r' || e.key === 'R') setRefunding(true);
    // The standard settlement slip (医保结算单): J as an A4 PDF, K on the receipt printer; with
    // Shift, the patient's whole day instead of the selected settlement.
    else if (e.key === 'j' || e.key === 'J') void slip('pdf', e.shiftKey);
    else if (e.key === 'k' || e.key === 'K') void slip('print', e.shiftKey);
    else return;
    e.preventDefault();
  };

  return (
    <main className="screen screen-fixed" onKeyDown={onKey} tabIndex={-1} ref={mainRef} data-testid="today-screen">
      <PrintTrouble />
      <div className="cashier-grid today-grid">
        <section className="panel">
          <h2>{t('today.title')}</h2>
          <ErrorLine error={error} testId="today-error" />
          {note ? <p className="warn" data-testid="today-note">{note}</p> : null}
          {rows.length === 0 ? (
            <p className="hint">{t('today.empty')}</p>
          ) : (
            <table className="grid" data-testid="today-list">
              <thead>
                <tr>
                  <th>{t('today.col.time')}</th>
                  <th>{t('today.col.patient')}</th>
                  <th className="num">{t('today.col.total')}</th>
                  <th className="num">{t('today.col.cash')}</th>
                  <th>{t('today.col.state')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr key={r.id} className={i === selected ? 'selected' : ''} data-testid={`today-row-${i}`} onClick={() => setSelected(i)}>
                    <td>{chinaTime(r.createdAt)}</td>
                    <td>
                      {r.psnName}
                      {r.refundOf ? <span className="hint">（{t('today.refundOf', { id: r.refundOf })}）</span> : null}
                    </td>
                    <td className="num big">{formatFen(r.total)}</td>
                    <td className="num big">{formatFen(r.cashPay)}</td>
                    <td>
                      <span className={`badge ${settlementStateWord(r).badge}`} data-testid={`today-state-${i}`}>
                        {t(settlementStateWord(r).key)}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <div className="stack">
          {current && (current.state === 'adjusted' || current.state === 'rejected') ? <CenterAnswer settlementId={current.id} onCorrected={() => void printCorrected()} /> : null}
          {current ? <PrintState settlementId={current.id} voided={current.state === 'rejected'} /> : null}
          {current ? <ReceiptPreview settlementId={current.id} refreshKey={receiptKey} /> : null}
        </div>
      </div>
      {refunding && current ? (
        <SupervisorPin
          title={t('refund.title')}
          submitLabel={t('refund.submit')}
          askReason
          onCancel={() => {
            setRefunding(false);
            setRefundError(null);
            mainRef.current?.focus();
          }}
          onSubmit={async (a) => {
            // The dialog stays open (with what was typed) until the refund is made: a wrong PIN
            // is said inside it, and only the PIN needs typing again.
            const id = current.id;
            const partial = !!refundView && refundView.id === id && returned.length < refundView.lines.length;
            if (partial) {
              // Some lines kept: cancel and settle them again, one action (main process).
              const p = await api.call('settlement.partialRefund', { id, lineNos: returned, supervisorId: a.supervisorId, supervisorPin: a.supervisorPin, reason: a.reason });
              if (!p.ok) {
                setRefundError(p.error);
                return;
              }
              setNote(t('refund.partialDone', { cash: formatFen(Math.abs(p.value.refund.money.cashPay) - p.value.resettled.money.cashPay), id: p.value.resettled.id }));
            } else {
              const r = await api.call('settlement.refund', { id, supervisorId: a.supervisorId, supervisorPin: a.supervisorPin, reason: a.reason });
              if (!r.ok) {
                setRefundError(r.error);
                return;
              }
              setNote(t('refund.done', { cash: formatFen(Math.abs(r.value.money.cashPay)) }));
            }
            setRefunding(false);
            setRefundError(null);
            mainRef.current?.focus();
            setError(null);
            // The selection stays on the refunded settlement (the refund itself comes in above it).
            const fresh = await load();
            const at = fresh.findIndex((x) => x.id === id);
            if (at >= 0) setSelected(at);
          }}
        >
          <p>
            {current.psnName} · {formatFen(current.total)}
          </p>
          {refundView && refundView.id === current.id && returned.length === refundView.lines.length ? (
            <div className="stack" data-testid="refund-returns">
              <div className="split-row cash">
                <span>{t('refund.returnsCash')}</span>
                <span className="amount">{formatFen(refundView.money.cashPay)}</span>
              </div>
              <div className="split-row">
                <span>{t('refund.returnsAccount')}</span>
                <span className="amount">{formatFen(refundView.money.accountPay)}</span>
              </div>
              <div className="split-row">
                <span>{t('refund.returnsFund')}</span>
                <span className="amount">{formatFen(refundView.money.fundPay + refundView.money.criticalIllnessPay)}</span>
              </div>
            </div>
          ) : null}
          {refundView && refundView.id === current.id ? <RefundLines view={refundView} returned={returned} onChange={setReturned} /> : null}
          <ErrorLine error={refundError} testId="refund-error" />
        </SupervisorPin>
      ) : null}
      <ShortcutBar
        keys={[
          'key.arrows',
          'key.F5',
          'key.F10',
          ...(current?.state === 'adjusted' ? (['key.ctrlG'] as const) : []),
          'today.refund',
          'today.slip',
          'key.Esc',
          'key.ctrlU',
          'key.ctrlP',
          'key.ctrlL',
        ]}
      />
    </main>
  );
}
