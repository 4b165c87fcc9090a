// Cash put into or taken out of the drawer during the shift, with a reason (shift.cashio). The
// amount is typed in yuan and sent as integer fen; the X report's expected cash counts it.
// Works on the logged-in operator's own open shift, as the call does.
import { useEffect, useState, type FormEvent } from 'react';
import type { CashMovementView, ShiftView } from '../../../electron/api/contract/shift';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { ErrorLine } from '../components/common';
import { useT } from '../i18n/use-t';
import { formatFen, parseYuanInput } from '../../../electron/api/money';
import { CashMovements } from './ShiftReportView';
import { TEXT_LIMITS } from '../../../electron/api/contract/limits';

export function CashInOut() {
  const t = useT();
  const [shift, setShift] = useState<ShiftView | null | undefined>(undefined);
  const [movements, setMovements] = useState<CashMovementView[]>([]);
  const [direction, setDirection] = useState<'in' | 'out'>('in');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<CashMovementView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    const cur = await api.call('shift.current', {});
    if (!cur.ok) return setError(cur.error);
    setShift(cur.value);
    if (!cur.value) return;
    const x = await api.call('shift.xreport', {});
    if (x.ok) setMovements(x.value.figures.movements);
    else setError(x.error);
  };
  useEffect(() => {
    void load();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const fen = parseYuanInput(amount);
    if (fen === null || fen <= 0) return setError({ code: 'INVALID_AMOUNT', message: '金额不正确：请输入大于 0 的元金额，最多两位小数（如 50 或 12.50）。' });
    if (!reason.trim()) return setError({ code: 'NOTE_REQUIRED', message: '请填写现金存取的原因。' });
    setBusy(true);
    const r = await api.call('shift.cashio', { direction, amount: fen, reason: reason.trim() });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setError(null);
    setDone(r.value);
    setAmount('');
    setReason('');
    await load();
  };

  if (shift === undefined) return <ErrorLine error={error} />;
  if (shift === null)
    return (
      <div className="stack" data-testid="cashio">
        <p className="hint">{t('sup.cash.noShift')}</p>
        <ErrorLine error={error} />
      </div>
    );
  return (
    <div className="stack" data-testid="cashio">
      <form className="sup-cash-form" onSubmit={submit} data-testid="cashio-form">
        <label className="stack">
          {t('sup.cash.direction')}
          <select autoFocus data-testid="cashio-direction" value={direction} onChange={(e) => setDirection(e.target.value === 'out' ? 'out' : 'in')}>
            <option value="in">{t('sup.cash.in')}</option>
            <option value="out">{t('sup.cash.out')}</option>
          </select>
        </label>
        <label className="stack">
          {t('sup.cash.amountYuan')}
          <input data-testid="cashio-amount" maxLength={TEXT_LIMITS.yuanText} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
        </label>
        <label className="stack sup-cash-reason">
          {t('sup.cash.reason')}
          <input data-testid="cashio-reason" maxLength={TEXT_LIMITS.note} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={busy} data-testid="cashio-submit">
          {t('sup.cash.submit')}
        </button>
      </form>
      <ErrorLine error={error} testId="cashio-error" />
      {done ? (
        <p className="source-live" data-testid="cashio-done">
          {t('sup.cash.done', { direction: done.direction === 'in' ? t('sup.cash.in') : t('sup.cash.out'), amount: formatFen(done.amount) })}
        </p>
      ) : null}
      <h3 className="sup-subtitle">{t('sup.cash.movements')}</h3>
      <CashMovements movements={movements} testId="cashio-movements" />
    </div>
  );
}
