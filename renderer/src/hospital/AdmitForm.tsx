// Admission (入院登记, 2401): the patient read from the card as on the main screen (the card and
// patient panels are the main screen's), then department, ward, bed, doctor and the admission
// diagnoses (the first is the main one). Enter in the last field registers the stay; offline it
// is registered here and uploaded later (the stay's upload state says so).
import { useRef, useState, type FormEvent } from 'react';
import type { ApiError } from '../../../electron/api/result';
import { ErrorLine } from '../components/common';
import { ProblemLine } from '../components/Dialog';
import { useT } from '../i18n/use-t';
import { diagnosisList, useCashier } from '../state/cashier';
import { useApp } from '../state/store';
import { DEPARTMENTS } from './departments';
import { showStay } from './hospital-state';
import { ipCall } from './ip-api';
import { STAY_MED_TYPES, type StayMedType } from '../../../electron/api/contract/inpatient';

export function AdmitForm() {
  const t = useT();
  const lang = useApp((s) => s.lang);
  const { credential, person } = useCashier();
  const [dept, setDept] = useState(DEPARTMENTS[0]!.code);
  const [medType, setMedType] = useState<StayMedType>('21');
  const [ward, setWard] = useState('');
  const [bed, setBed] = useState('');
  const [doctorCode, setDoctorCode] = useState('');
  const [doctorName, setDoctorName] = useState('');
  const [diagnoses, setDiagnoses] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const wardRef = useRef<HTMLInputElement>(null);
  const doctorRef = useRef<HTMLInputElement>(null);
  const diagRef = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!credential || !person) return setProblem(t('hosp.admit.noPatient'));
    // Said on screen and the field focused, before anything is sent.
    if (!ward.trim()) {
      wardRef.current?.focus();
      return setProblem(t('hosp.admit.needWard'));
    }
    if (!doctorCode.trim() || !doctorName.trim()) {
      doctorRef.current?.focus();
      return setProblem(t('hosp.admit.needDoctor'));
    }
    const diag = diagnosisList(diagnoses);
    if (diag.length === 0) {
      diagRef.current?.focus();
      return setProblem(t('hosp.admit.needDiagnosis'));
    }
    setProblem(null);
    const d = DEPARTMENTS.find((x) => x.code === dept) ?? DEPARTMENTS[0]!;
    setBusy(true);
    const r = await ipCall('inpatient.admit', {
      person: credential,
      admission: {
        medType,
        department: { code: d.code, name: d.name },
        ward: ward.trim(),
        ...(bed.trim() ? { bed: bed.trim() } : {}),
        doctor: { code: doctorCode.trim(), name: doctorName.trim() },
        diagnoses: diag,
      },
    });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setError(null);
    showStay(r.value);
  };

  return (
    <form className="panel stack" data-testid="admit-form" onSubmit={(e) => void submit(e)}>
      <h2>{t('hosp.admit.title')}</h2>
      {!person ? <p className="warn" data-testid="admit-need-card">{t('hosp.admit.readCard')}</p> : null}
      <div className="admit-fields">
        <label>
          {t('hosp.admit.medType')}
          <select data-testid="admit-med-type" value={medType} onChange={(e) => setMedType(e.target.value as StayMedType)}>
            {STAY_MED_TYPES.map((m) => (
              <option key={m} value={m}>
                {t(`hosp.medType.${m}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('hosp.admit.department')}
          <select data-testid="admit-department" value={dept} onChange={(e) => setDept(e.target.value)}>
            {DEPARTMENTS.map((d) => (
              <option key={d.code} value={d.code}>
                {d.code} {lang === 'en' ? d.en : d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('hosp.admit.ward')}
          <input ref={wardRef} data-testid="admit-ward" maxLength={30} value={ward} onChange={(e) => setWard(e.target.value)} />
        </label>
        <label>
          {t('hosp.admit.bed')}
          <input data-testid="admit-bed" maxLength={20} value={bed} onChange={(e) => setBed(e.target.value)} />
        </label>
        <label>
          {t('hosp.admit.doctorCode')}
          <input ref={doctorRef} data-testid="admit-doctor-code" maxLength={30} value={doctorCode} onChange={(e) => setDoctorCode(e.target.value)} />
        </label>
        <label>
          {t('hosp.admit.doctorName')}
          <input data-testid="admit-doctor-name" maxLength={50} value={doctorName} onChange={(e) => setDoctorName(e.target.value)} />
        </label>
        <label className="wide">
          {t('hosp.admit.diagnoses')}
          <input ref={diagRef} data-testid="admit-diagnoses" maxLength={200} placeholder="I63.9, E11.9" value={diagnoses} onChange={(e) => setDiagnoses(e.target.value)} />
        </label>
      </div>
      <ProblemLine text={problem} testId="admit-problem" />
      <ErrorLine error={error} testId="admit-error" />
      <div className="row">
        <button type="submit" className="primary" data-testid="admit-submit" disabled={busy}>
          {t('hosp.admit.submit')}
        </button>
        <span className="hint">{t('hosp.admit.hint')}</span>
      </div>
    </form>
  );
}
