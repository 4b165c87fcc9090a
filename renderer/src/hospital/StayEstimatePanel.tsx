// A stay's running total and the local estimate of the patient's share over the stay so far
// (inpatient.estimate, refreshed after each change), with the deposit netting it would give
// today; and the stay's next steps as buttons beside their keys: discharge (Alt+C), the
// discharge settlement (F9, once discharged), a mid-stay settlement (Alt+M), undo the
// discharge (Alt+U, supervisor).
import type { StayView } from '../../../electron/api/contract/inpatient';
import { formatFen } from '../../../electron/api/money';
import { ErrorLine } from '../components/common';
import { useT } from '../i18n/use-t';
import { EstimateFigures } from './EstimateFigures';
import { useHospital } from './hospital-state';

export function StayEstimatePanel(props: { stay: StayView }) {
  const t = useT();
  const { estimate, estimateError, useAccount, patch } = useHospital();
  const s = props.stay;
  return (
    <section className="panel stack" data-testid="stay-estimate">
      <div className="split-row" data-testid="running-total-row">
        <span>{t('hosp.runningTotal')}</span>
        <span className="amount" data-testid="running-total">
          {formatFen(s.runningTotal)}
        </span>
      </div>
      {s.state === 'admitted' || s.state === 'discharged' ? (
        <p className="hint" data-testid="stay-use-account">
          {useAccount ? t('split.useAccount') : t('split.notUseAccount')}
        </p>
      ) : null}
      {estimate && estimate.stayId === s.id ? <EstimateFigures estimate={estimate} prefix="estimate" /> : null}
      <ErrorLine error={estimateError} testId="estimate-error" />
      <div className="row">
        {s.state === 'admitted' ? (
          <>
            <button type="button" className="secondary" data-testid="discharge-open" onClick={() => patch({ dialog: 'discharge' })}>
              {t('hosp.key.discharge')}
            </button>
            <button type="button" className="secondary" data-testid="mid-settle-open" disabled={s.runningTotal === 0} onClick={() => patch({ dialog: 'settleMid' })}>
              {t('hosp.key.midStay')}
            </button>
          </>
        ) : null}
        {s.state === 'discharged' ? (
          <>
            <button type="button" className="primary" data-testid="settle-open" onClick={() => patch({ dialog: 'settle' })}>
              {t('hosp.key.settle')}
            </button>
            <button type="button" className="secondary" data-testid="undo-discharge-open" onClick={() => patch({ dialog: 'undoDischarge' })}>
              {t('hosp.key.undoDischarge')}
            </button>
          </>
        ) : null}
      </div>
    </section>
  );
}
