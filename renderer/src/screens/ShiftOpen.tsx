// Shift open: count the opening float by denomination, then the cashier's main screen. If the
// operator already has an open shift it is taken over directly.
import { useEffect, useState, type FormEvent } from 'react';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { CashCount, countsOf, type Counts } from '../components/CashCount';
import { ErrorLine, ShortcutBar, useShortcuts } from '../components/common';
import { useT } from '../i18n/use-t';
import { useApp } from '../state/store';

export function ShiftOpen() {
  const t = useT();
  const { go, setShift, setOperator } = useApp();
  const [counts, setCounts] = useState<Counts>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [checking, setChecking] = useState(true);

  useEffect(() => {
    void api.call('shift.current', {}).then((r) => {
      setChecking(false);
      if (r.ok && r.value) {
        setShift({ id: r.value.id, openedAt: r.value.openedAt });
        go('cashier');
      } else if (!r.ok) setError(r.error);
    });
  }, [go, setShift]);

  const logout = async () => {
    await api.call('auth.logout', {});
    setOperator(null);
  };
  useShortcuts((s) => {
    if (s === 'logout' || s === 'back') void logout();
    // Supervisors review without a drawer of their own.
    else if (s === 'supervisor') go('supervisor');
    else return false;
  });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const list = countsOf(counts);
    if (!list) {
      setError({ code: 'INVALID_COUNT', message: '张数不正确：每种面额请输入整数张数（没有就留空）。' });
      return;
    }
    const r = await api.call('shift.open', { counts: list });
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setShift({ id: r.value.id, openedAt: r.value.openedAt });
    go('cashier');
  };

  return (
    <main className="screen screen-shift">
      <form className="panel login-panel" onSubmit={submit} data-testid="shift-form">
        <h1>{t('shift.title')}</h1>
        <p className="hint">{t('shift.openingFloat')}</p>
        {checking ? null : <CashCount counts={counts} onChange={setCounts} autoFocus testId="shift-count" />}
        <button type="submit" className="primary" data-testid="shift-open">
          {t('shift.open')}
        </button>
        <p className="hint">{t('shift.hint')}</p>
        <ErrorLine error={error} testId="shift-error" />
      </form>
      <ShortcutBar keys={['key.Enter', 'key.F7', 'key.F12']} />
    </main>
  );
}
