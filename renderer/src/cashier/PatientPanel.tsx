// Who is at the window: name, gender, age, insurance, balance, and whether the facts are live
// from the center or from the offline cache (with their age). When there is nobody to settle —
// a card that failed to read, a person the center does not know, benefits suspended — this is
// where the cashier is looking, so it is said here, in red, with what to do next.
import { useEffect, useRef } from 'react';
import type { CardFailed } from '../../../electron/api/contract/events';
import type { ApiError } from '../../../electron/api/result';
import type { NationalPersonFacts } from '../../../electron/api/contract/center';
import { hasKey, type MessageKey, type Translate } from '../i18n';
import { useT } from '../i18n/use-t';
import { formatFen } from '../../../electron/api/money';
import { ageInYears, agoSince, chinaDate } from '../lib/time';
import { useCashier } from '../state/cashier';
import { useApp } from '../state/store';
import { ErrorLine } from '../components/common';

/** What to do after a failed read, by the reader's code. */
export function cardFailureAdvice(f: CardFailed, t: Translate): string {
  if (f.code === 'SSC_EXPIRED') {
    const expiry = typeof f.details?.expiry === 'string' ? f.details.expiry : '';
    return t('card.failed.expired', { expiry });
  }
  return t('card.failed.reread', { code: f.code });
}

/** The lookup errors the cashier can act on, worded here; others keep the main process's words. */
const LOOKUP_ADVICE: Record<string, MessageKey> = {
  PERSON_NOT_FOUND: 'patient.notFound',
  PERSON_REJECTED: 'patient.notFound',
  CENTER_OFFLINE_NOT_CACHED: 'patient.offlineNotCached',
};

function LookupFailure(props: { error: ApiError; t: Translate }) {
  const key = LOOKUP_ADVICE[props.error.code];
  if (!key) return <ErrorLine error={props.error} testId="lookup-error" />;
  return (
    <div className="error-line" role="alert" data-testid="lookup-error" data-code={props.error.code}>
      {props.t(key)}
    </div>
  );
}

/**
 * National protocol only: the treatment check's refusal, the chronic-disease filings (5301) and
 * the clinic binding (5302), each with its age when it is older than the rest of the view.
 */
function NationalFacts(props: { facts: NationalPersonFacts; cachedAt: string; nowMs: number; t: Translate }) {
  const { facts, t, nowMs } = props;
  const age = (at: string | null) => (at && at !== props.cachedAt ? t('patient.partAge', { age: agoSince(at, nowMs, t) ?? '—' }) : '');
  return (
    <>
      {facts.treatment.entitled ? null : (
        <div className="error-line" role="alert" data-testid="patient-treatment">
          {t('patient.treatment.refused', { reason: facts.treatment.reason ?? '' })}
        </div>
      )}
      <dl className="kv" data-testid="patient-national">
        <dt>{t('patient.filings')}</dt>
        <dd data-testid="patient-filings">
          {facts.filings === null
            ? t('patient.filings.unknown')
            : facts.filings.length === 0
              ? t('patient.filings.none')
              : facts.filings.map((f) => (
                  <div key={`${f.code}/${f.begin}`} className={f.valid ? '' : 'hint'} data-valid={f.valid}>
                    {f.code} {f.name}
                    {f.valid ? '' : ` · ${t('patient.filing.ended')}`}
                  </div>
                ))}
          {age(facts.partsAt.filings)}
        </dd>
        <dt>{t('patient.binding')}</dt>
        <dd data-testid="patient-binding">
          {facts.bindings === null
            ? t('patient.filings.unknown')
            : facts.bindings.filter((b) => b.valid).length === 0
              ? t('patient.binding.none')
              : facts.bindings
                  .filter((b) => b.valid)
                  .map((b) => (
                    <div key={`${b.bizType}/${b.institutionCode}`} className={b.here ? '' : 'warn'} data-here={b.here}>
                      {b.bizType === '02' ? t('patient.binding.chronic') : ''}
                      {b.here ? t('patient.binding.here') : t('patient.binding.elsewhere', { name: b.institutionName })}
                    </div>
                  ))}
          {age(facts.partsAt.bindings)}
        </dd>
      </dl>
    </>
  );
}

export function PatientPanel() {
  const t = useT();
  const nowMs = useApp((s) => s.nowMs);
  // A person looked up live is no longer "live" once the center has gone offline: never green then.
  const centerOffline = useApp((s) => s.status?.center.mode === 'offline');
  const { person, lookingUp, lookupError, cardFailure, alerts, manualReason, credential } = useCashier();
  const label = (prefix: string, code: string) => {
    const k = `${prefix}.${code}`;
    return hasKey(k) ? t(k as MessageKey) : code;
  };
  const suspended = person ? person.status !== 'active' : false;
  // Every alert (a failed read, an unknown person) is said here: bring the panel into view — its
  // column may have scrolled down to the demo tray or the card picked there, and the failure
  // would then be below the fold again, as the issue found it.
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (alerts > 0) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [alerts]);
  return (
    <section ref={ref} className={`panel ${cardFailure || lookupError || suspended ? 'alerting' : ''}`} data-testid="patient-panel" data-alerts={alerts}>
      <h2>{t('patient.title')}</h2>
      {lookingUp ? <p className="big">{t('card.reading')}</p> : null}
      {cardFailure ? (
        <div className="error-line" role="alert" data-testid="card-failure" data-code={cardFailure.code}>
          <div className="big">{t('card.failed.title')}</div>
          {cardFailureAdvice(cardFailure, t)}
        </div>
      ) : null}
      {lookupError ? <LookupFailure error={lookupError} t={t} /> : null}
      {!person && !lookingUp && !lookupError && !cardFailure ? <p className="hint">{t('patient.none')}</p> : null}
      {person ? (
        <>
          <div className="patient-name" data-testid="patient-name">
            {person.name}
          </div>
          {suspended ? (
            <div className="error-line" role="alert" data-testid="patient-suspended">
              {t('patient.suspended')}
            </div>
          ) : null}
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
          {person.national ? <NationalFacts facts={person.national} cachedAt={person.cachedAt} nowMs={nowMs} t={t} /> : null}
          <p data-testid="patient-source" className={suspended ? 'source-bad' : person.source === 'live' && !centerOffline ? 'source-live' : 'source-cache'}>
            {person.source === 'live'
              ? t(centerOffline ? 'patient.source.liveNowOffline' : 'patient.source.live')
              : t('patient.source.cache', { age: agoSince(person.cachedAt, nowMs, t) ?? '—' })}
          </p>
          {manualReason ? <p className="warn">{t('patient.manual', { reason: t(`card.manual.reason.${manualReason}`) })}（{credential?.certNo}）</p> : null}
        </>
      ) : null}
    </section>
  );
}
