// Discharge (出院登记, 2402, Alt+C): the discharge diagnoses (the admission's by default), the
// day (today unless typed) and how the patient leaves. After it the stay takes no more fees and
// F9 pre-settles it.
import { useState, type FormEvent } from 'react';
import type { StayView } from '../../../electron/api/contract/inpatient';
import type { ApiError } from '../../../electron/api/result';
import { ErrorLine } from '../components/common';
import { Dialog, DialogButtons, ProblemLine } from '../components/Dialog';
import { useT } from '../i18n/use-t';
import { parseDateInput } from '../lib/time';
import { diagnosisList } from '../state/cashier';
import { showStay, useHospital } from './hospital-state';
import { ipCall } from './ip-api';

const WAYS = ['1', '2', '3', '4', '5', '9'] as const;
type Way = (typeof WAYS)[number];

export function DischargeDialog(props: { stay: StayView }) {
  const t = useT();
  const patch = useHospital((h) => h.patch);
  const [diagnoses, setDiagnoses] = useState(props.stay.diagnoses.join(', '));
  const [day, setDay] = useState('');
  const [way, setWay] = useState<Way>('1');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => patch({ dialog: null });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const diag = diagnosisList(diagnoses);
    if (diag.length === 0) return setProblem(t('hosp.admit.needDiagnosis'));
    const dischargedOn = day.trim() ? parseDateInput(day) : null;
    if (day.trim() && !dischargedOn) return setProblem(t('hosp.discharge.badDay', { text: day.trim() }));
    setProblem(null);
    setBusy(true);
    const r = await ipCall('inpatient.discharge', { stayId: props.stay.id, diagnoses: diag, dischargeWay: way, ...(dischargedOn ? { dischargedOn } : {}) });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    patch({ dialog: null, note: t('hosp.discharge.done') });
    showStay(r.value);
  };
  return (
    <Dialog testId="discharge-dialog" title={t('hosp.discharge.title')} onSubmit={submit} onBack={close}>
      <label>
        {t('hosp.discharge.diagnoses')}
        <input autoFocus data-testid="discharge-diagnoses" maxLength={200} value={diagnoses} onChange={(e) => setDiagnoses(e.target.value)} />
      </label>
      <label>
        {t('hosp.discharge.day')}
        <input data-testid="discharge-day" className="date-field" maxLength={10} placeholder={t('hosp.discharge.today')} value={day} onChange={(e) => setDay(e.target.value)} />
      </label>
      <label>
        {t('hosp.discharge.way')}
        <select data-testid="discharge-way" value={way} onChange={(e) => setWay(e.target.value as Way)}>
          {WAYS.map((w) => (
            <option key={w} value={w}>
              {t(`hosp.dischargeWay.${w}`)}
            </option>
          ))}
        </select>
      </label>
      <ProblemLine text={problem} testId="discharge-problem" />
      <ErrorLine error={error} testId="discharge-error" />
      <DialogButtons submitLabel={t('hosp.discharge.submit')} submitTestId="discharge-submit" disabled={busy} onBack={close} />
    </Dialog>
  );
}
