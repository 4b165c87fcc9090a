// The stay on screen, left column: who and where, the state, the center's id and the steps still
// on their way there — and the deposit balance, always visible, with the deposits taken and paid
// back (Alt+D take one, Alt+T pay one back).
import type { StayView } from '../../../electron/api/contract/inpatient';
import { formatFen } from '../../../electron/api/money';
import { useT } from '../i18n/use-t';
import { chinaDate, chinaTime } from '../lib/time';
import { useApp } from '../state/store';
import { useHospital } from './hospital-state';
import { stayDays } from './netting';
import { uploadWord } from './StayList';

export function DepositBalance(props: { stay: StayView }) {
  const t = useT();
  return (
    <div className="split-row cash" data-testid="deposit-balance-row">
      <span>{t('hosp.depositBalance')}</span>
      <span className="amount" data-testid="deposit-balance">
        {formatFen(props.stay.depositBalance)}
      </span>
    </div>
  );
}

export function StayHeader(props: { stay: StayView }) {
  const t = useT();
  const nowMs = useApp((s) => s.nowMs);
  const patch = useHospital((h) => h.patch);
  const s = props.stay;
  const up = uploadWord(s, t);
  const open = s.state === 'admitted' || s.state === 'discharged';
  return (
    <>
      <section className="panel" data-testid="stay-header">
        <div className="patient-name" data-testid="stay-name">
          {s.patientName ?? s.certNoMasked}
        </div>
        <dl className="kv">
          <dt>{t('hosp.state')}</dt>
          <dd data-testid="stay-state" data-state={s.state}>
            {t(`hosp.state.${s.state}`)}
          </dd>
          <dt>{t('hosp.col.department')}</dt>
          <dd>
            {s.department.name} · {s.ward}
            {s.bed ? ` · ${t('hosp.bedNo', { bed: s.bed })}` : ''}
          </dd>
          <dt>{t('hosp.doctor')}</dt>
          <dd>{s.doctor.name}</dd>
          <dt>{t('hosp.diagnoses')}</dt>
          <dd data-testid="stay-diagnoses">{(s.dischargeDiagnoses ?? s.diagnoses).join('、')}</dd>
          <dt>{t('hosp.admittedOn')}</dt>
          <dd>
            {s.admittedOn}
            {s.dischargedOn ? ` → ${s.dischargedOn}` : ''} · {t('hosp.days', { n: stayDays(s.admittedOn, s.dischargedOn ?? chinaDate(nowMs)) })}
          </dd>
          <dt>{t('hosp.center')}</dt>
          <dd className={up.tone === 'ok' ? 'note-ok' : 'warn'} data-testid="stay-upload">
            {s.centerStayId ? `${s.centerStayId} · ` : ''}
            {up.text}
          </dd>
        </dl>
      </section>
      <section className="panel" data-testid="deposit-panel">
        <DepositBalance stay={s} />
        {open ? (
          <div className="row">
            <button type="button" className="secondary" data-testid="deposit-open" onClick={() => patch({ dialog: 'deposit' })}>
              {t('hosp.key.deposit')}
            </button>
            <button type="button" className="secondary" data-testid="refund-deposit-open" disabled={s.depositBalance <= 0} onClick={() => patch({ dialog: 'refund' })}>
              {t('hosp.key.refundDeposit')}
            </button>
          </div>
        ) : null}
        {s.deposits.length > 0 ? (
          <table className="grid deposit-list" data-testid="deposit-list">
            <tbody>
              {s.deposits.map((d) => (
                <tr key={d.id}>
                  <td>
                    {t(`hosp.method.${d.method}`)}
                    <div className="hint">
                      {chinaTime(d.at)}
                      {d.reference ? ` · ${d.reference}` : ''}
                      {d.reason ? ` · ${d.reason}` : ''}
                    </div>
                  </td>
                  <td className="num">{formatFen(d.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="hint">{t('hosp.deposit.none')}</p>
        )}
      </section>
    </>
  );
}
