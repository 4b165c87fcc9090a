// Shift open: the opening float, then the cashier's main screen.
import { useState, type FormEvent } from 'react';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { hasCall } from '../api/capabilities';
import { ErrorLine, MissingCall, ShortcutBar, useShortcuts } from '../components/common';
import { useT } from '../i18n/use-t';
import { fenToYuanString, parseYuanInput } from '../lib/money';
import { useApp } from '../state/store';

const OPEN_CALL = 'shift.open';

export function ShiftOpen() {
  const t = useT();
  const { go, setShift, setOperator } = useApp();
  const [float, setFloat] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const available = hasCall(OPEN_CALL);

  const logout = async () => {
    await api.call('auth.logout', {});
    setOperator(null);
  };
  useShortcuts((s) => {
    if (s === 'logout' || s === 'back') void logout();
    else return false;
  });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const fen = parseYuanInput(float);
    if (fen === null) {
      setError({ code: 'INVALID_AMOUNT', message: '备用金金额不正确：请输入元，最多两位小数，例如 500 或 500.00。' });
      return;
    }
    const r = await api.transport.call(OPEN_CALL, { openingFloat: fenToYuanString(fen) });
    if (!r.ok) {
      setError(r.error);
      return;
    }
    const v = r.value as { id?: unknown; openedAt?: unknown };
    setShift({ id: String(v.id ?? ''), openedAt: String(v.openedAt ?? '') });
    go('cashier');
  };

  return (
    <main className="screen screen-shift">
      <form className="panel login-panel" onSubmit={submit} data-testid="shift-form">
        <h1>{t('shift.title')}</h1>
        {available ? (
          <>
            <label>
              {t('shift.openingFloat')}
              <input autoFocus data-testid="shift-float" inputMode="decimal" value={float} onChange={(e) => setFloat(e.target.value)} />
            </label>
            <button type="submit" className="primary" data-testid="shift-open">
              {t('shift.open')}
            </button>
            <p className="hint">{t('shift.hint')}</p>
          </>
        ) : (
          <>
            <MissingCall call={OPEN_CALL} messageKey="shift.missing" />
            <button type="button" autoFocus className="primary" data-testid="shift-skip" onClick={() => go('cashier')}>
              {t('key.Enter')}
            </button>
          </>
        )}
        <ErrorLine error={error} testId="shift-error" />
      </form>
      <ShortcutBar keys={['key.Enter', 'key.F12']} />
    </main>
  );
}
