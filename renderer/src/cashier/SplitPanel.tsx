// The live split (settlement.preview): fund, critical illness, account, cash, and the
// explanation in plain words so the cashier can answer "why do I pay this much".
import { ErrorLine } from '../components/common';
import { useT } from '../i18n/use-t';
import { formatFen } from '../../../electron/api/money';
import { wordExplanation } from '../i18n/words';
import { firstUnpayableLine } from '../lib/bill';
import { useApp } from '../state/store';
import { useCashier } from '../state/cashier';

function Row(props: { label: string; fen: number; cls?: string; testId?: string }) {
  return (
    <div className={`split-row ${props.cls ?? ''}`} data-testid={props.testId}>
      <span>{props.label}</span>
      <span className="amount">{formatFen(props.fen)}</span>
    </div>
  );
}

export function SplitPanel() {
  const t = useT();
  const lang = useApp((s) => s.lang);
  const { preview, previewError, previewing, useAccount, bill, settleError, settling } = useCashier();
  const unpayable = firstUnpayableLine(bill.lines);
  // No figures while a line has no price or quantity: 0.00 would read as a real amount.
  const s = unpayable ? undefined : preview?.split;
  return (
    <section className="panel" data-testid="split-panel">
      <h2>
        {t('split.title')}
        {previewing ? <span className="hint">{t('split.pending')}</span> : null}
      </h2>
      <p className="hint" data-testid="use-account">{useAccount ? t('split.useAccount') : t('split.notUseAccount')}</p>
      {!s && !previewError && bill.lines.length === 0 ? <p className="hint">{t('split.none')}</p> : null}
      <ErrorLine error={previewError} testId="preview-error" />
      {s ? (
        <>
          <Row label={t('split.total')} fen={s.total} testId="split-total" />
          <Row label={t('split.fund')} fen={s.fundPay} testId="split-fund" />
          <Row label={t('split.critical')} fen={s.criticalIllnessPay} testId="split-critical" />
          <Row label={t('split.account')} fen={s.accountPay} testId="split-account" />
          <Row label={t('split.cash')} fen={s.cashPay} cls="cash" testId="split-cash" />
          <details open>
            <summary>{t('split.explain')}</summary>
            <ul className="explain" data-testid="split-explanation">
              {s.explanation.map((e, i) => (
                <li key={i}>{wordExplanation(e, t, lang)}</li>
              ))}
            </ul>
          </details>
          {/* Provisional because an earlier upload of this person has no answer yet: said in its own words (not "offline"). */}
          {preview!.basis?.kind === 'local' ? (
            <p className="warn" data-testid="split-basis-local">{t('explain.basis.local', { count: String(preview!.basis.unresolved) })}</p>
          ) : preview!.provisional ? (
            <p className="warn">{t('settle.provisional')}</p>
          ) : null}
          {preview!.needsSupervisor ? <p className="warn" data-testid="needs-supervisor">{t('settle.needsSupervisor')}</p> : null}
        </>
      ) : null}
      {unpayable ? (
        <div className="error-line" role="alert" data-testid="settle-blocked">
          {t(unpayable.field === 'price' ? 'settle.blocked.price' : 'settle.blocked.quantity', { line: unpayable.index + 1 })}
        </div>
      ) : null}
      <ErrorLine error={settleError} testId="settle-error" />
      {settling ? <p className="big">{t('settle.running')}</p> : null}
    </section>
  );
}
