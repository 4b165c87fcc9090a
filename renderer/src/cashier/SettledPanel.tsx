// After the confirm step: what was split, the cash taken and the change given (as recorded with
// the settlement), and whether the settlement is confirmed or provisional (offline). Self-pay
// shows only the total and the cash — never a fund share.
import { useEffect, useRef } from 'react';
import { useT } from '../i18n/use-t';
import { formatFen } from '../../../electron/api/money';
import { useCashier } from '../state/cashier';
import { fieldLabel } from '../lib/money-fields';
import { PrintState } from './PrintStatus';
import { CenterAnswer } from './CenterAnswer';
import { CenterDifferences } from './CenterDifferences';
import { centerFigures } from '../../../electron/api/contract/settlement';
import { settlementStateWord } from '../lib/state-word';

export function SettledPanel() {
  const t = useT();
  const settled = useCashier((s) => s.settled);
  // The panel takes the focus, so Enter / Esc on it start the next patient.
  const ref = useRef<HTMLElement>(null);
  useEffect(() => ref.current?.focus(), [settled?.id]);
  if (!settled) return null;
  const due = settled.money.cashPay;
  const selfPay = settled.selfPay;
  const rejected = settled.state === 'rejected';
  // Adjusted: the fund, critical-illness and account rows show what the center agreed.
  const shown = settled.state === 'adjusted' ? centerFigures(settled) : settled.money;
  const refusals = settled.uploads.filter((u) => u.state === 'rejected');
  return (
    <section
      ref={ref}
      tabIndex={-1}
      className={`panel settled ${!settled.online && !selfPay ? 'provisional' : ''} ${rejected ? 'alerting' : ''}`}
      data-testid="settled-panel"
      data-self-pay={selfPay ? '1' : '0'}
    >
      {/* A rejection never reads as success: no "done" title, the reason and the next steps first. */}
      {rejected ? (
        <div className="error-line" role="alert" data-testid="settled-rejected">
          <div className="big">{t('settle.rejected.title')}</div>
          {refusals.map((u) => (
            <p key={u.outboxId} data-testid="settled-reject-reason" lang="zh-CN">
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
      {/* Every difference from the center, line by line with why (national: 2204, 2206, 2207). */}
      <CenterDifferences rows={settled.centerDifferences} testId="settled-differences" />
      <CenterAnswer settled={settled} />
      <h2>
        {rejected ? null : selfPay ? t('settle.doneSelfPay') : t('settle.done')}
        <span className={`badge ${selfPay ? 'self_pay' : settled.state}`} data-testid="settled-state">
          {t(settlementStateWord({ state: settled.state, selfPay, online: settled.online }).key)}
        </span>
      </h2>
      <p className="hint">{t('settle.id', { id: settled.id })}</p>
      <PrintState settlementId={settled.id} voided={rejected} />
      {selfPay ? <p className="hint" data-testid="settled-selfpay-note">{t('settle.selfPayNote')}</p> : null}
      {!settled.online && !selfPay ? <p className="warn">{t('settle.provisional')}</p> : null}
      <div className="split-row">
        <span>{t('split.total')}</span>
        <span className="amount" data-testid="settled-total">{formatFen(settled.money.total)}</span>
      </div>
      {/* Refused: the fund and the account paid nothing, so their figures are not shown at all. */}
      {selfPay || rejected ? null : (
        <>
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
        </>
      )}
      {settled.accountBalanceBefore !== null && settled.accountBalanceAfter !== null && !selfPay && !rejected ? (
        <p className="hint" data-testid="settled-balance">
          {t('settle.balanceAfter', { before: formatFen(settled.accountBalanceBefore), after: formatFen(settled.accountBalanceAfter) })}
        </p>
      ) : null}
      <div className="split-row cash">
        <span>{t('settle.cashDue')}</span>
        <span className="huge amount" data-testid="cash-due">
          ¥ {formatFen(due)}
        </span>
      </div>
      {settled.cashReceived !== null ? (
        <div className="split-row">
          <span>{t('settle.received')}</span>
          <span className="big amount" data-testid="cash-received">
            ¥ {formatFen(settled.cashReceived)}
          </span>
        </div>
      ) : null}
      <div className="split-row">
        <span>{t('settle.change')}</span>
        <span className="huge amount" data-testid="cash-change">
          {settled.change === null ? '—' : `¥ ${formatFen(settled.change)}`}
        </span>
      </div>
      <p className="hint">{t('settle.next')}</p>
    </section>
  );
}
