// The pre-settlement and the settlement of a stay (F9 on a discharged stay; Alt+M mid-stay):
// the pre-settlement (2303) is asked when the dialog opens — the center's figures, or offline the
// local estimate marked 离线估算 with the reason — with the explanation line by line and the
// deposit netting. Then the confirm step: when the patient still has to pay (补缴) the cash
// received is typed (empty = exact) and the change shown; when the deposits cover it the refund
// is said. Enter commits (inpatient.settle), Esc goes back with nothing done; nothing irreversible
// happens on the key that opened it.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { StayView } from '../../../electron/api/contract/inpatient';
import { formatFen, parseYuanInput } from '../../../electron/api/money';
import type { ApiError } from '../../../electron/api/result';
import { ErrorLine } from '../components/common';
import { Dialog, DialogButtons, ProblemLine } from '../components/Dialog';
import { useT } from '../i18n/use-t';
import { EstimateExplanation, EstimateMoney } from './EstimateFigures';
import { showStay, useHospital } from './hospital-state';
import { ipCall } from './ip-api';

export function SettleDialog(props: { stay: StayView; midStay: boolean }) {
  const t = useT();
  const { patch, preSettle, useAccount } = useHospital();
  const [error, setError] = useState<ApiError | null>(null);
  const [received, setReceived] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(true);
  const requestId = useMemo(() => `stay-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`, []);
  const cashRef = useRef<HTMLInputElement>(null);
  const yesRef = useRef<HTMLButtonElement>(null);
  const close = () => patch({ dialog: null, preSettle: null });

  useEffect(() => {
    void ipCall('inpatient.preSettle', { stayId: props.stay.id, midStay: props.midStay, useAccount }).then((r) => {
      setAsking(false);
      if (r.ok) patch({ preSettle: { midStay: props.midStay, estimate: r.value } });
      else setError(r.error);
    });
  }, [props.stay.id, props.midStay, useAccount]);

  const e = preSettle?.estimate ?? null;
  const collect = e?.netting.collect ?? 0;
  useEffect(() => {
    if (!e) return;
    (collect > 0 ? cashRef.current : yesRef.current)?.focus();
  }, [e, collect]);

  const receivedFen = received.trim() ? parseYuanInput(received) : collect;
  const change = receivedFen !== null && receivedFen >= collect ? receivedFen - collect : null;

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    if (busy || !e) return;
    if (collect > 0) {
      if (receivedFen === null) return setProblem(t('confirm.invalid'));
      if (receivedFen < collect) return setProblem(t('confirm.short', { received: formatFen(receivedFen), due: formatFen(collect) }));
    }
    setProblem(null);
    setBusy(true);
    const r = await ipCall('inpatient.settle', {
      stayId: props.stay.id,
      midStay: props.midStay,
      useAccount,
      ...(collect > 0 && receivedFen !== null ? { cashReceived: receivedFen } : {}),
      requestId,
    });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    patch({ dialog: null, preSettle: null, settled: r.value, note: null, error: null });
    showStay(r.value.stay);
  };

  return (
    <Dialog
      testId="settle-dialog"
      title={`${t(props.midStay ? 'hosp.settle.midTitle' : 'hosp.settle.title')} · ${props.stay.patientName ?? props.stay.certNoMasked}`}
      panelClass="confirm-panel stay-settle"
      onSubmit={submit}
      onBack={close}
    >
      <div className="settle-cols">
        <div className="stack settle-money">
          {asking ? <p className="hint">{t('hosp.settle.asking')}</p> : null}
          {e ? <EstimateMoney estimate={e} prefix="presettle" preSettle /> : null}
          {e && collect > 0 ? (
            <>
              <div className="split-row cash">
                <span>{t('hosp.settle.collect')}</span>
                <span className="amount huge" data-testid="cash-due">
                  {formatFen(collect)}
                </span>
              </div>
              <label>
                {t('settle.received')}
                <input ref={cashRef} data-testid="settle-received" inputMode="decimal" maxLength={12} placeholder={formatFen(collect)} value={received} onChange={(ev) => {
                    setReceived(ev.target.value);
                    setProblem(null);
                  }} />
              </label>
              <div className="split-row">
                <span>{t('settle.change')}</span>
                <span className="amount" data-testid="cash-change">
                  {change === null ? '—' : formatFen(change)}
                </span>
              </div>
            </>
          ) : null}
          {e && collect === 0 ? (
            <div className="split-row cash">
              <span>{t('hosp.settle.refund')}</span>
              <span className="amount huge" data-testid="cash-due">
                {formatFen(e.netting.refund)}
              </span>
            </div>
          ) : null}
          <ProblemLine text={problem} testId="settle-problem" />
          <ErrorLine error={error} testId="stay-settle-error" />
          <DialogButtons submitLabel={t(props.midStay ? 'hosp.settle.midSubmit' : 'hosp.settle.submit')} submitTestId="settle-submit" submitRef={yesRef} disabled={busy || !e} onBack={close} />
        </div>
        <div className="settle-explain">
          <strong>{t('split.explain')}</strong>
          {e ? <EstimateExplanation estimate={e} testId="presettle-explanation" /> : null}
        </div>
      </div>
    </Dialog>
  );
}
