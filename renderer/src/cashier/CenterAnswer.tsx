// What the center's answer means at the window, beside the settled panel (issue 13): an online
// settlement the center did not answer in time printed as 暂存 and says so; an adjusted one
// offers the corrected receipt (Ctrl+G: the center's figures, marked 更正).
import { useEffect, useRef, useState } from 'react';
import type { SettlementView } from '../../../electron/api/contract/settlement';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { ErrorLine } from '../components/common';
import { useT } from '../i18n/use-t';

/** Ctrl+G (更正, gēng zhèng) — not bound by Electron's default menu; the page takes it from the browser. */
export function isCorrectedReceiptKey(e: { key: string; code?: string; ctrlKey?: boolean; altKey?: boolean; metaKey?: boolean; shiftKey?: boolean }): boolean {
  if (!e.ctrlKey || e.altKey || e.metaKey || e.shiftKey) return false;
  const k = e.key.length === 1 ? e.key.toLowerCase() : (e.code ?? '').replace(/^Key/, '').toLowerCase();
  return k === 'g';
}

/**
 * Ctrl+G while `enabled` calls `onPress` (the settled panel and today's list, issue 13). A window
 * listener, as the function keys', so the key works wherever the focus is on that screen.
 */
export function useCorrectedReceiptKey(enabled: boolean, onPress: () => void): void {
  const ref = useRef(onPress);
  ref.current = onPress;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (!isCorrectedReceiptKey(e)) return;
      e.preventDefault();
      e.stopPropagation();
      ref.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}

export function CenterAnswer({ settled }: { settled: SettlementView }) {
  const t = useT();
  const [printed, setPrinted] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const adjusted = settled.state === 'adjusted';
  const id = settled.id;

  useEffect(() => {
    setPrinted(false);
    setError(null);
  }, [id]);

  useCorrectedReceiptKey(adjusted, () => void printCorrected());

  const printCorrected = async () => {
    const r = await api.call('settlement.printCorrected', { id });
    if (r.ok) {
      setPrinted(true);
      setError(null);
    } else setError(r.error);
  };

  if (settled.state === 'provisional' && settled.online) {
    return (
      <p className="warn" data-testid="settled-awaiting">
        {t('settle.awaiting')}
      </p>
    );
  }
  if (!adjusted) return null;
  return (
    <div data-testid="corrected-receipt">
      <button type="button" className="secondary" data-testid="corrected-receipt-print" onClick={() => void printCorrected()}>
        {t('settle.corrected.key')}
      </button>
      {printed ? (
        <p className="note-ok" data-testid="corrected-receipt-printed">
          {t('settle.corrected.printed')}
        </p>
      ) : null}
      <ErrorLine error={error} testId="corrected-receipt-error" />
    </div>
  );
}
