// A supervisor authorises at the window: id + PIN (and a reason when asked). Used for refunds
// and for offline settlements above the offline limits.
import { useRef, useState, type FormEvent } from 'react';
import { useT } from '../i18n/use-t';
import { TEXT_LIMITS } from '../../../electron/api/contract/limits';
import { Dialog, DialogButtons } from './Dialog';

export interface SupervisorAnswer {
  supervisorId: string;
  supervisorPin: string;
  reason: string;
}

export function SupervisorPin(props: { title: string; submitLabel: string; askReason: boolean; onSubmit: (a: SupervisorAnswer) => void; onCancel: () => void; children?: React.ReactNode }) {
  const t = useT();
  const [supervisorId, setId] = useState('');
  const [supervisorPin, setPin] = useState('');
  const [reason, setReason] = useState('');
  const idRef = useRef<HTMLInputElement>(null);
  const pinRef = useRef<HTMLInputElement>(null);
  const reasonRef = useRef<HTMLInputElement>(null);
  /** The first field still missing, in screen order (null when everything is there). */
  const missing = (): HTMLInputElement | null =>
    !supervisorId.trim() ? idRef.current : supervisorPin.length < 4 ? pinRef.current : props.askReason && !reason.trim() ? reasonRef.current : null;
  // Enter never does nothing: it goes to the field still missing (id → PIN → reason), and
  // submits once all are there.
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const gap = missing();
    if (gap) {
      gap.focus();
      return;
    }
    props.onSubmit({ supervisorId: supervisorId.trim(), supervisorPin, reason: reason.trim() });
  };
  return (
    // Esc goes back, and the screen under it sees the key as well (as it always has).
    <Dialog testId="supervisor-pin" title={props.title} onSubmit={submit} onBack={props.onCancel} escape="passed">
      {props.children}
      <label>
        {t('refund.supervisorId')}
        <input ref={idRef} autoFocus data-testid="sup-id" maxLength={TEXT_LIMITS.operatorId} value={supervisorId} onChange={(e) => setId(e.target.value)} />
      </label>
      <label>
        {t('refund.supervisorPin')}
        <input ref={pinRef} type="password" data-testid="sup-pin" maxLength={TEXT_LIMITS.pin} value={supervisorPin} onChange={(e) => setPin(e.target.value)} />
      </label>
      {props.askReason ? (
        <label>
          {t('refund.reason')}
          <input ref={reasonRef} data-testid="sup-reason" maxLength={TEXT_LIMITS.reason} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
      ) : null}
      <p className="hint">{t('supPin.hint')}</p>
      <DialogButtons submitLabel={props.submitLabel} submitTestId="sup-submit" onBack={props.onCancel} />
    </Dialog>
  );
}
