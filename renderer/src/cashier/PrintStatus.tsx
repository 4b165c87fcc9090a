// When the receipt printer is out of paper or offline the settlement is already committed and
// its print job waits (durably) for the printer: the cashier must see that the receipt did not
// print, and F5 prints the waiting jobs again once the printer is back (device.retryPrints).
import { useCallback, useEffect, useState } from 'react';
import type { PrintJobView } from '../../../electron/api/contract/device';
import type { ShownError } from '../../../electron/api/result';
import { api } from '../api/client';
import { ErrorLine } from '../components/common';
import { hasKey, type Lang, type MessageKey, type Translate } from '../i18n';
import { useT } from '../i18n/use-t';
import { wordError } from '../i18n/words';
import { useApp } from '../state/store';

/** How long a "printed again" / "nothing waiting" note stays before it would mislead. */
const NOTE_MS = 8_000;

/** A job that has failed at least once and is not printed yet (auto retries keep last_error). */
export function isUnprinted(j: PrintJobView): boolean {
  return j.state !== 'done' && j.lastError !== null;
}

/** "PRINTER_OUT_OF_PAPER: 小票打印机缺纸；…" → the Chinese part and the code. */
export function printErrorParts(lastError: string | null): { code: string; message: string } | null {
  if (!lastError) return null;
  const m = /^([A-Z0-9_]+):\s*(.*)$/s.exec(lastError);
  return m ? { code: m[1]!, message: m[2]! } : { code: 'PRINTER_FAILED', message: lastError };
}

/**
 * Why, in the cashier's language: our own short words for the printer codes we know (the
 * device's message can suggest other keys), else the message as the device part wrote it.
 */
export function printReason(err: { code: string; message: string } | null, t: Translate, lang: Lang = 'zh-CN'): string {
  if (!err) return t('print.unknownReason');
  const key = `print.reason.${err.code}`;
  if (hasKey(key)) return t(key);
  // A code we have no short words for: its general words, the device's Chinese message only in a Chinese window.
  if (hasKey(`err.${err.code}`) || lang !== 'zh-CN') return wordError(err, t, lang);
  return err.message;
}

/** Print jobs (of one settlement, or every unfinished one), kept current by print.changed events. */
function usePrintJobs(settlementId: string | null): { jobs: PrintJobView[]; reload: () => Promise<void> } {
  const [jobs, setJobs] = useState<PrintJobView[]>([]);
  const reload = useCallback(async () => {
    const r = await api.call('device.printJobs', settlementId ? { settlementId } : {});
    if (r.ok) setJobs(r.value);
  }, [settlementId]);
  useEffect(() => {
    void reload();
    return api.onEvent((name) => name === 'print.changed' && void reload());
  }, [reload]);
  return { jobs, reload };
}

/**
 * One settlement's receipt: printed, printing, or not printed (with why and what to do). For a
 * settlement the center refused (`voided`), what printed is a void slip: said so, never a green ✓.
 */
export function PrintState(props: { settlementId: string; voided?: boolean }) {
  const t = useT();
  const lang = useApp((st) => st.lang);
  const { jobs } = usePrintJobs(props.settlementId);
  const latest = jobs.reduce<PrintJobView | null>((a, j) => (!a || j.id > a.id ? j : a), null);
  if (!latest) return null;
  if (latest.state === 'done' && props.voided) {
    return (
      <p className="print-state warn" data-testid="print-state" data-state="done-void">
        {t('print.voidDone')}
      </p>
    );
  }
  if (latest.state === 'done') {
    return (
      <p className="print-state print-ok" data-testid="print-state" data-state="done">
        ✓ {t('print.done')}
      </p>
    );
  }
  const err = printErrorParts(latest.lastError);
  if (!err) {
    return (
      <p className="print-state" data-testid="print-state" data-state="pending">
        {t('print.pending')}
      </p>
    );
  }
  return (
    <div className="print-state print-failed" role="alert" data-testid="print-state" data-state="failed">
      <strong>✗ {t('print.failed')}</strong>
      <span>
        <span data-code={err.code}>{printReason(err, t, lang)}</span>
      </span>
      <span>
        {t('print.saved')}
        {t('print.nextStep')}
      </span>
    </div>
  );
}

/**
 * Every receipt still waiting for the printer, above the cashier's work (also for receipts of
 * patients already gone), and the F5 key that prints them again.
 */
export function PrintTrouble() {
  const t = useT();
  const lang = useApp((st) => st.lang);
  const { jobs, reload } = usePrintJobs(null);
  // A key, not a string: the note follows a language switch.
  const [note, setNote] = useState<MessageKey | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  const waiting = jobs.filter(isUnprinted);

  const retry = useCallback(async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    setNote('print.retrying');
    const before = await api.call('device.printJobs', {});
    const r = await api.call('device.retryPrints', {});
    setBusy(false);
    if (!r.ok) {
      setNote(null);
      setError(r.error);
      return;
    }
    const after = await api.call('device.printJobs', {});
    await reload();
    const still = after.ok ? after.value.filter(isUnprinted) : [];
    const hadWaiting = before.ok && before.value.length > 0;
    if (still.length > 0) {
      const err = printErrorParts(still[0]!.lastError);
      setNote(null);
      setError({ code: err?.code ?? 'PRINTER_FAILED', message: t('print.stillFailing', { reason: printReason(err, t, lang) }) });
    } else setNote(hadWaiting || r.value.attempted > 0 ? 'print.retried' : 'print.nothingWaiting');
  }, [busy, reload, t]);

  // A note is about the moment of the key press: it goes away before it can mislead.
  useEffect(() => {
    if (!note || busy) return;
    const timer = setTimeout(() => setNote(null), NOTE_MS);
    return () => clearTimeout(timer);
  }, [note, busy]);

  // F5 (no modifier) wherever this is mounted; the browser's own F5 (reload) must not happen.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'F5' || e.ctrlKey || e.altKey || e.metaKey) return;
      e.preventDefault();
      e.stopPropagation();
      void retry();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [retry]);

  if (waiting.length === 0) {
    if (!note && !error) return null;
    return (
      <div className="print-trouble print-trouble-ok" data-testid="print-trouble">
        {note ? <span data-testid="print-note">{t(note)}</span> : null}
        <ErrorLine error={error} testId="print-error" />
      </div>
    );
  }
  const err = printErrorParts(waiting[0]!.lastError);
  const attempts = Math.max(...waiting.map((j) => j.attempts));
  return (
    <div className="print-trouble" role="alert" data-testid="print-trouble">
      <strong className="print-trouble-title">
        ✗ {t('print.trouble', { n: waiting.length, reason: printReason(err, t, lang) })}
        {err ? <span className="error-code"> [{err.code}]</span> : null}
      </strong>
      <span>
        {t('print.saved')}
        <strong>{t('print.nextStep')}</strong>
      </span>
      <span className="hint" data-testid="print-attempts">
        {t('print.attempts', { n: attempts })}
      </span>
      {note ? <span data-testid="print-note">{t(note)}</span> : null}
      <ErrorLine error={error} testId="print-error" />
    </div>
  );
}
