// After F9: what to collect, the change for what the patient hands over, and whether the
// settlement is confirmed or provisional (offline).
import { useState } from 'react';
import { useT } from '../i18n/use-t';
import { formatFen, parseYuanInput } from '../../../electron/api/money';
import { useCashier } from '../state/cashier';
import { fieldLabel } from '../lib/money-fields';
import { PrintState } from './PrintStatus';
import { CenterAnswer } from './CenterAnswer';
import { centerFigures } from '../../../electron/api/contract/settlement';
import { TEXT_LIMITS } from '../../../electron/api/contract/limits';

export function SettledPanel() {
  const t = useT();
  const settled = useCashier((s) => s.settled);
  const [received, setReceived] = useState('');
  if (!settled) return null;
  const due = settled.money.cashPay;
  const got = parseYuanInput(received);
  const change = got !== null && got >= due ? got - due : null;
  const rejected = settled.state === 'rejected';
  // Adjusted: the fund, critical-illness and account rows show what the center agreed.
  const shown = settled.state === 'adjusted' ? centerFigures(settled) : settled.money;
  const refusals = settled.uploads.filter((u) => u.state === 'rejected');
  return (
    <section className={`panel settled ${!settled.online ? 'provisional' : ''} ${rejected ? 'alerting' : ''}`} data-testid="settled-panel">
      {/* A rejection never reads as success: no "done" title, the reason and the next steps first. */}
      {rejected ? (
        <div className="error-line" role="alert" data-testid="settled-rejected">
          <div className="big">{t('settle.rejected.title')}</div>
          {refusals.map((u) => (
            <p key={u.outboxId} data-testid="settled-reject-reason">
              {u.rejectReason ?? ''}
            </p>
          ))}
          <p>{t('settle.rejected.next')}</p>
        </div>
      ) : null}
      {settled.state === 'adjusted' && settled.adjustments.length ? (
        <div className="warn" data-testid="settled-adjusted">
          <strong>{t('settle.adjusted.title')}</strong>
          {settled.adjustments.map((a) => (
            <div key={a.id} className="split-row">
              <span>{fieldLabel(a.field, t)}</span>
              <span>
                {formatFen(a.localAmount)} → <strong>{formatFen(a.centerAmount)}</strong>
              </span>
            </div>
          ))}
        </div>
      ) : null}
      <CenterAnswer settled={settled} />
      <h2>
        {rejected ? null : t('settle.done')}
        <span className={`badge ${settled.state}`} data-testid="settled-state">
          {settled.state === 'provisional' && settled.online ? t('state.uploading') : t(`state.${settled.state}`)}
        </span>
      </h2>
      <p className="hint">{t('settle.id', { id: settled.id })}</p>
      <PrintState settlementId={settled.id} />
      {!settled.online ? <p className="warn">{t('settle.provisional')}</p> : null}
      <div className="split-row">
        <span>{t('split.total')}</span>
        <span className="amount" data-testid="settled-total">{formatFen(settled.money.total)}</span>
      </div>
      <div className="split-row">
        <span>{t('split.fund')}</span>
        <span className="amount">{formatFen(shown.fundPay)}</span>
      </div>
      <div className="split-row">
        <span>{t('split.critical')}</span>
        <span className="amount">{formatFen(shown.criticalIllnessPay)}</span>
      </div>
      <div className="split-row">
        <span>{t('split.account')}</span>
        <span className="amount">{formatFen(shown.accountPay)}</span>
      </div>
      <div>{t('settle.cashDue')}</div>
      <div className="huge" data-testid="cash-due">
        ¥ {formatFen(due)}
      </div>
      <label className="stack">
        {t('settle.received')}
        <input
          autoFocus
          data-testid="cash-received" maxLength={TEXT_LIMITS.yuanText}
          inputMode="decimal"
          value={received}
          onChange={(e) => setReceived(e.target.value)}
          style={{ fontSize: 24 }}
        />
      </label>
      <div>{t('settle.change')}</div>
      <div className="huge" data-testid="cash-change">
        {change === null ? '—' : `¥ ${formatFen(change)}`}
      </div>
      <p className="hint">{t('settle.next')}</p>
    </section>
  );
}
