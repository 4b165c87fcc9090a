// Take a deposit (预交金, Alt+D) or pay one back (Alt+T): the amount in yuan, how it was paid —
// cash, or card / mobile with the payment's reference (asked here, on screen) — and for a refund
// the reason. Enter goes to the field still missing and records it once all are there; Esc goes
// back with nothing recorded. A deposit carries a request id made when the dialog opened, so a
// second Enter after a lost answer is not a second deposit.
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { DEPOSIT_METHODS, type DepositMethod, type StayView } from '../../../electron/api/contract/inpatient';
import { formatFen, parseYuanInput } from '../../../electron/api/money';
import type { ApiError } from '../../../electron/api/result';
import { ErrorLine } from '../components/common';
import { Dialog, DialogButtons, ProblemLine } from '../components/Dialog';
import { useT } from '../i18n/use-t';
import { openStay, useHospital } from './hospital-state';
import { ipCall } from './ip-api';

export function DepositDialog(props: { stay: StayView; refund: boolean }) {
  const t = useT();
  const patch = useHospital((h) => h.patch);
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<DepositMethod>('cash');
  const [reference, setReference] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const amountRef = useRef<HTMLInputElement>(null);
  const refRef = useRef<HTMLInputElement>(null);
  const reasonRef = useRef<HTMLInputElement>(null);
  const requestId = useMemo(() => `dep-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`, []);

  const close = () => patch({ dialog: null });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const fen = parseYuanInput(amount);
    if (fen === null || fen <= 0) {
      amountRef.current?.focus();
      return setProblem(amount.trim() ? t('hosp.deposit.badAmount', { text: amount.trim() }) : t('hosp.deposit.needAmount'));
    }
    if (props.refund && fen > props.stay.depositBalance) {
      amountRef.current?.focus();
      return setProblem(t('hosp.deposit.overBalance', { balance: formatFen(props.stay.depositBalance) }));
    }
    if (method !== 'cash' && !reference.trim()) {
      refRef.current?.focus();
      return setProblem(t('hosp.deposit.needReference'));
    }
    if (props.refund && reason.trim().length < 2) {
      reasonRef.current?.focus();
      return setProblem(t('hosp.deposit.needReason'));
    }
    setProblem(null);
    setBusy(true);
    const ref = reference.trim() ? { reference: reference.trim() } : {};
    const r = props.refund
      ? await ipCall('inpatient.refundDeposit', { stayId: props.stay.id, amount: fen, method, ...ref, reason: reason.trim() })
      : await ipCall('inpatient.deposit', { stayId: props.stay.id, amount: fen, method, ...ref, requestId });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    patch({
      dialog: null,
      error: null,
      note: t(props.refund ? 'hosp.deposit.refunded' : 'hosp.deposit.taken', { amount: formatFen(fen), method: t(`hosp.method.${method}`) }),
    });
    await openStay(props.stay.id);
  };

  return (
    <Dialog testId={props.refund ? 'refund-deposit-dialog' : 'deposit-dialog'} title={t(props.refund ? 'hosp.deposit.refundTitle' : 'hosp.deposit.title')} onSubmit={submit} onBack={close}>
      <p className="hint">
        {t('hosp.depositBalance')} {formatFen(props.stay.depositBalance)} {t('common.yuan')}
      </p>
      <label>
        {t('hosp.deposit.amount')}
        <input ref={amountRef} autoFocus data-testid="deposit-amount" inputMode="decimal" maxLength={12} value={amount} onChange={(e) => setAmount(e.target.value)} />
      </label>
      <label>
        {t('hosp.deposit.method')}
        <select data-testid="deposit-method" value={method} onChange={(e) => setMethod(e.target.value as DepositMethod)}>
          {DEPOSIT_METHODS.map((m) => (
            <option key={m} value={m}>
              {t(`hosp.method.${m}`)}
            </option>
          ))}
        </select>
      </label>
      {method !== 'cash' ? (
        <label>
          {t('hosp.deposit.reference')}
          <input ref={refRef} data-testid="deposit-reference" maxLength={64} value={reference} onChange={(e) => setReference(e.target.value)} />
        </label>
      ) : null}
      {props.refund ? (
        <label>
          {t('refund.reason')}
          <input ref={reasonRef} data-testid="deposit-reason" maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
      ) : null}
      <ProblemLine text={problem} testId="deposit-problem" />
      <ErrorLine error={error} testId="deposit-error" />
      <DialogButtons submitLabel={t(props.refund ? 'hosp.deposit.refundSubmit' : 'hosp.deposit.submit')} submitTestId="deposit-submit" disabled={busy} onBack={close} />
    </Dialog>
  );
}
