// The confirm step between F9 and the commit, as in every good POS: what the patient pays in cash
// (and what the account and the fund pay), the cash handed over (Enter on an empty field = the
// exact amount) and the change, live. Enter commits; Esc goes back with nothing committed. For
// self-pay (Shift+F9) the whole bill is cash and no fund share is shown.
import { useState, type FormEvent } from 'react';
import { formatFen, parseYuanInput } from '../../../electron/api/money';
import { TEXT_LIMITS } from '../../../electron/api/contract/limits';
import { ErrorLine } from '../components/common';
import { Dialog, DialogButtons, ProblemLine } from '../components/Dialog';
import { useT } from '../i18n/use-t';
import { useCashier } from '../state/cashier';
import { billTotalFen, closeConfirm, confirmAndSettle } from './actions';

function Row(props: { label: string; fen: number; testId: string }) {
  return (
    <div className="split-row" data-testid={props.testId}>
      <span>{props.label}</span>
      <span className="amount">{formatFen(props.fen)}</span>
    </div>
  );
}

export function ConfirmPanel() {
  const t = useT();
  const { confirming, preview, bill, person, settling, settleError } = useCashier();
  const [received, setReceived] = useState('');
  const [patientName, setPatientName] = useState(person?.name ?? '');
  const [refusal, setRefusal] = useState<string | null>(null);
  if (!confirming) return null;
  const selfPay = confirming === 'selfPay';
  const split = selfPay ? null : (preview?.split ?? null);
  const total = selfPay ? billTotalFen(bill.lines) : (split?.total ?? null);
  const due = selfPay ? total : (split?.cashPay ?? null);
  if (due === null || total === null) return null;

  const typed = received.trim();
  const got = typed === '' ? due : parseYuanInput(typed);
  const change = got !== null && got >= due ? got - due : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (settling) return;
    if (got === null) {
      setRefusal(t('confirm.invalid'));
      return;
    }
    if (got < due) {
      // Refused in words, on screen: the field keeps what was typed so it can be corrected.
      setRefusal(t('confirm.short', { received: formatFen(got), due: formatFen(due) }));
      return;
    }
    setRefusal(null);
    void confirmAndSettle({ cashReceived: got, ...(selfPay ? { patientName } : {}) });
  };

  return (
    // Esc goes back; the cashier screen's keys see it too, marked as used.
    <Dialog
      testId="confirm-panel"
      kind={confirming}
      title={selfPay ? t('confirm.titleSelfPay') : t('confirm.title')}
      titleTestId="confirm-title"
      panelClass={selfPay ? 'confirm-panel self-pay' : 'confirm-panel'}
      onSubmit={submit}
      onBack={closeConfirm}
      escape="marked"
    >
      {person ? <div className="patient-name">{person.name}</div> : null}
      {selfPay ? <p className="hint" data-testid="confirm-selfpay-why">{t('confirm.selfPayWhy', { n: bill.lines.length })}</p> : null}
      <Row label={t('split.total')} fen={total} testId="confirm-total" />
      {split ? (
        <>
          <Row label={t('split.fund')} fen={split.fundPay} testId="confirm-fund" />
          {split.criticalIllnessPay ? <Row label={t('split.critical')} fen={split.criticalIllnessPay} testId="confirm-critical" /> : null}
          <Row label={t('split.account')} fen={split.accountPay} testId="confirm-account" />
        </>
      ) : null}
      <div className="split-row cash">
        <span>{t('settle.cashDue')}</span>
        <span className="huge amount" data-testid="confirm-due">
          ¥ {formatFen(due)}
        </span>
      </div>
      <label>
        {t('settle.received')}
        <input
          autoFocus
          data-testid="confirm-received"
          maxLength={TEXT_LIMITS.yuanText}
          inputMode="decimal"
          placeholder={formatFen(due)}
          value={received}
          onChange={(e) => {
            setReceived(e.target.value);
            setRefusal(null);
          }}
          style={{ fontSize: 24 }}
        />
      </label>
      <p className="hint">{t('confirm.exactHint', { amount: formatFen(due) })}</p>
      <div className="split-row">
        <span>{t('settle.change')}</span>
        <span className="huge amount" data-testid="confirm-change">
          {change === null ? '—' : `¥ ${formatFen(change)}`}
        </span>
      </div>
      {selfPay && !person ? (
        <label>
          {t('confirm.patientName')}
          <input data-testid="confirm-patient-name" maxLength={TEXT_LIMITS.personName} value={patientName} onChange={(e) => setPatientName(e.target.value)} />
        </label>
      ) : null}
      <ProblemLine text={refusal} testId="confirm-refusal" />
      <ErrorLine error={settleError} testId="confirm-error" />
      {settling ? <p className="big">{t('settle.running')}</p> : null}
      {/* A submit button: with two fields (self-pay's name) Enter submits only when the form has one. */}
      <DialogButtons submitLabel={t('confirm.submit')} submitTestId="confirm-submit" disabled={settling} onBack={closeConfirm} />
      <p className="hint" data-testid="confirm-keys">{t('confirm.keys')}</p>
    </Dialog>
  );
}
