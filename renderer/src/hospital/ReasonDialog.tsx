// A step that undoes something at the hospital window (revoke a fee batch, undo a discharge,
// cancel a stay's settlement): what it does, the reason (required), and an explicit Enter on the
// filled reason; Esc goes back with nothing done. Refusals are said inside the dialog, which
// keeps what was typed. With `supervisor`, a supervisor authorises it at the cashier's window
// (number + PIN under the reason), as a refund is: undoing a discharge, a settlement, an admission.
import { useState, type FormEvent, type ReactNode } from 'react';
import type { ApiError } from '../../../electron/api/result';
import { TEXT_LIMITS } from '../../../electron/api/contract/limits';
import { ErrorLine } from '../components/common';
import { Dialog, DialogButtons, ProblemLine } from '../components/Dialog';
import { useT } from '../i18n/use-t';

export interface SupervisorAuth {
  supervisorId: string;
  supervisorPin: string;
}

export function ReasonDialog(props: {
  testId: string;
  title: string;
  submitLabel: string;
  supervisor?: boolean;
  onSubmit: (reason: string, supervisor: SupervisorAuth) => Promise<ApiError | null>;
  onCancel: () => void;
  children?: ReactNode;
}) {
  const t = useT();
  const [reason, setReason] = useState('');
  const [supervisorId, setSupervisorId] = useState('');
  const [supervisorPin, setSupervisorPin] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [problem, setProblem] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (reason.trim().length < 2 || (props.supervisor && (!supervisorId.trim() || supervisorPin.length < 4))) return setProblem(true);
    setProblem(false);
    setBusy(true);
    const err = await props.onSubmit(reason.trim(), { supervisorId: supervisorId.trim(), supervisorPin });
    setBusy(false);
    setError(err);
  };
  return (
    <Dialog testId={props.testId} title={props.title} onSubmit={submit} onBack={props.onCancel}>
      {props.children}
      <label>
        {t('refund.reason')}
        <input autoFocus data-testid="reason-input" maxLength={TEXT_LIMITS.reason} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      {props.supervisor ? (
        <>
          <label>
            {t('refund.supervisorId')}
            <input data-testid="sup-id" maxLength={TEXT_LIMITS.operatorId} value={supervisorId} onChange={(e) => setSupervisorId(e.target.value)} />
          </label>
          <label>
            {t('refund.supervisorPin')}
            <input type="password" data-testid="sup-pin" maxLength={TEXT_LIMITS.pin} value={supervisorPin} onChange={(e) => setSupervisorPin(e.target.value)} />
          </label>
        </>
      ) : null}
      <ProblemLine text={problem ? t(props.supervisor ? 'hosp.supervisorNeeded' : 'hosp.deposit.needReason') : null} />
      <ErrorLine error={error} testId="reason-error" />
      <DialogButtons submitLabel={props.submitLabel} submitTestId="reason-submit" disabled={busy} onBack={props.onCancel} />
    </Dialog>
  );
}
