// Export a shift's report from the screen (issue 13): PDF and CSV files saved by the window
// (`shift.exportReport` returns the bytes; the browser's download / Electron's save dialog keeps
// them), and printing on the receipt printer (`shift.printReport`, a durable print job).
import { useState } from 'react';
import type { ReportFile } from '../../../electron/api/contract/shift';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { ErrorLine } from '../components/common';
import { useT } from '../i18n/use-t';

/** Hand a file to the window to save (a download in browser mode, the save dialog in Electron). */
export function saveFile(file: ReportFile): void {
  const bin = atob(file.base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ReportActions(props: { shiftId: string }) {
  const t = useT();
  const [error, setError] = useState<ApiError | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const exportAs = async (format: 'pdf' | 'csv') => {
    setNote(null);
    const r = await api.call('shift.exportReport', { shiftId: props.shiftId, format });
    if (!r.ok) return setError(r.error);
    setError(null);
    saveFile(r.value);
    setNote(t('sup.export.saved', { file: r.value.fileName }));
  };
  const print = async () => {
    setNote(null);
    const r = await api.call('shift.printReport', { shiftId: props.shiftId });
    if (!r.ok) return setError(r.error);
    setError(null);
    setNote(t('sup.export.printed'));
  };
  return (
    <div className="stack" data-testid="report-actions">
      <div className="row">
        <button type="button" className="secondary" data-testid="export-pdf" onClick={() => void exportAs('pdf')}>
          {t('sup.export.pdf')}
        </button>
        <button type="button" className="secondary" data-testid="export-csv" onClick={() => void exportAs('csv')}>
          {t('sup.export.csv')}
        </button>
        <button type="button" className="secondary" data-testid="export-print" onClick={() => void print()}>
          {t('sup.export.print')}
        </button>
        {note ? <span className="hint" data-testid="export-note">{note}</span> : null}
      </div>
      <ErrorLine error={error} testId="export-error" />
    </div>
  );
}
