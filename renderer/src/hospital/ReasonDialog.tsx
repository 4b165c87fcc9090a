// A step that undoes something at the hospital window (revoke a fee batch, undo a discharge,
// cancel a stay's settlement): what it does, the reason (required), and an explicit Enter on the
// filled reason; Esc goes back with nothing done. Refusals are said inside the dialog, which
// keeps what was typed.
import { useState, type FormEvent, type ReactNode } from 'react';
import type { ApiError } from '../../../electron/api/result';
import { ErrorLine } from '../components/common';
import { useT } from '../i18n/use-t';

export function ReasonDialog(props: { testId: string; title: string; submitLabel: string; onSubmit: (reason: string) => Promise<ApiError | null>; onCancel: () => void; children?: ReactNode }) {
  const t = useT();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [problem, setProblem] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (reason.trim().length < 2) return setProblem(true);
    setProblem(false);
    setBusy(true);
    const err = await props.onSubmit(reason.trim());
    setBusy(false);
    setError(err);
  };
  return (
    <div
      className="modal"
      data-testid={props.testId}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          props.onCancel();
        }
      }}
    >
      <form className="panel" onSubmit={(e) => void submit(e)}>
        <h2>{props.title}</h2>
        {props.children}
        <label>
          {t('refund.reason')}
          <input autoFocus data-testid="reason-input" maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        {problem ? (
          <div className="error-line" role="alert">
            {t('hosp.deposit.needReason')}
          </div>
        ) : null}
        <ErrorLine error={error} testId="reason-error" />
        <div className="row">
          <button type="submit" className="primary" data-testid="reason-submit" disabled={busy}>
            {props.submitLabel}
          </button>
          <button type="button" className="secondary" onClick={props.onCancel}>
            {t('common.back')}
          </button>
        </div>
      </form>
    </div>
  );
}
