// Who is at the window: name, gender, age, insurance, balance, and whether the facts are live
// from the center or from the offline cache (with their age).
import { hasKey, type MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { formatFen } from '../../../electron/api/money';
import { ageInYears, agoSince, chinaDate } from '../lib/time';
import { useCashier } from '../state/cashier';
import { useApp } from '../state/store';
import { ErrorLine } from '../components/common';

export function PatientPanel() {
  const t = useT();
  const nowMs = useApp((s) => s.nowMs);
  const { person, lookingUp, lookupError, manualReason, credential } = useCashier();
  const label = (prefix: string, code: string) => {
    const k = `${prefix}.${code}`;
    return hasKey(k) ? t(k as MessageKey) : code;
  };
  return (
    <section className="panel" data-testid="patient-panel">
      <h2>{t('patient.title')}</h2>
      {lookingUp ? <p className="big">{t('card.reading')}</p> : null}
      <ErrorLine error={lookupError} testId="lookup-error" />
      {!person && !lookingUp && !lookupError ? <p className="hint">{t('patient.none')}</p> : null}
      {person ? (
        <>
          <div className="patient-name" data-testid="patient-name">
            {person.name}
          </div>
          <dl className="kv">
            <dt>{t('patient.gender')}</dt>
            <dd>{label('patient.gender', person.gender)}</dd>
            <dt>{t('patient.age')}</dt>
            <dd>{(() => {
              const a = ageInYears(person.birthDate, chinaDate(nowMs));
              return a === null ? '—' : t('patient.ageValue', { n: a });
            })()}</dd>
            <dt>{t('patient.insurance')}</dt>
            <dd data-testid="patient-insurance">{label('insurance', person.insuranceType)}</dd>
            <dt>{t('patient.group')}</dt>
            <dd>{label('group', person.personGroup)}</dd>
            <dt>{t('patient.balance')}</dt>
            <dd className="big" data-testid="patient-balance">{formatFen(person.accountBalance)}</dd>
          </dl>
          <p data-testid="patient-source" className={person.source === 'live' ? 'source-live' : 'source-cache'}>
            {person.source === 'live' ? t('patient.source.live') : t('patient.source.cache', { age: agoSince(person.cachedAt, nowMs, t) ?? '—' })}
          </p>
          {manualReason ? <p className="warn">{t('patient.manual', { reason: t(`card.manual.reason.${manualReason}`) })}（{credential?.certNo}）</p> : null}
        </>
      ) : null}
    </section>
  );
}
