// The receipt as the printer got it (device.receiptPreview: the latest print job's lines).
// In demo mode this pane stands in for the printer.
import { Fragment, useEffect, useState, type ReactNode } from 'react';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { hasCall } from '../api/capabilities';
import { ErrorLine, MissingCall } from '../components/common';
import { useT } from '../i18n/use-t';

const PREVIEW_CALL = 'device.receiptPreview' as const;

/**
 * One receipt line as the printer lays it out: every character outside ASCII takes two columns
 * there (native/escpos/text-width.ts), so on screen it gets a box two columns (2ch) wide — in a
 * mono font a Chinese glyph is about 1.7 Latin columns, and the amounts after a Chinese label
 * would not line up. The text itself is unchanged (what the tests and a copy read).
 */
function ReceiptLine({ line }: { line: string }) {
  const parts: ReactNode[] = [];
  let ascii = '';
  for (const ch of line) {
    if (ch.charCodeAt(0) < 0x80) {
      ascii += ch;
      continue;
    }
    if (ascii) parts.push(ascii);
    ascii = '';
    parts.push(
      <span key={parts.length} className="w2">
        {ch}
      </span>,
    );
  }
  if (ascii) parts.push(ascii);
  return <>{parts}</>;
}

export function ReceiptPreview(props: { settlementId: string; refreshKey?: number }) {
  const t = useT();
  const [lines, setLines] = useState<string[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [printTick, setPrintTick] = useState(0);
  const available = hasCall(PREVIEW_CALL);

  // A print job changing state (queued → printed, or a reprint) may change the preview.
  useEffect(() => api.onEvent((name) => name === 'print.changed' && setPrintTick((n) => n + 1)), []);

  useEffect(() => {
    if (!available) return;
    let live = true;
    void api.call(PREVIEW_CALL, { settlementId: props.settlementId }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setLines(r.value);
        setError(null);
      } else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [props.settlementId, props.refreshKey, printTick, available]);

  return (
    <section className="panel receipt-panel" data-testid="receipt-panel">
      <h2>{t('settle.receipt')}</h2>
      {!available ? <MissingCall call={PREVIEW_CALL} /> : null}
      <ErrorLine error={error} testId="receipt-error" />
      {lines ? (
        <div className="receipt" data-testid="receipt-preview">
          {lines.map((line, i) => (
            <Fragment key={i}>
              {i > 0 ? '\n' : null}
              <ReceiptLine line={line} />
            </Fragment>
          ))}
        </div>
      ) : available && !error ? (
        <p className="hint">{t('settle.receipt.none')}</p>
      ) : null}
    </section>
  );
}
