// Operator login: id + PIN, keyboard only (Enter submits, Tab moves). After Ctrl+L it is the
// lock screen: it says whose shift is still open, the id is filled in and the PIN focused.
import { useState, type FormEvent } from 'react';
import type { ApiError } from '../../../electron/api/result';
import { afterLogin, useAccount } from '../account/account-state';
import { api } from '../api/client';
import { ErrorLine, ShortcutBar } from '../components/common';
import { useT } from '../i18n/use-t';
import { useApp } from '../state/store';
import { TEXT_LIMITS } from '../../../electron/api/contract/limits';

export function Login() {
  const t = useT();
  const demo = useApp((s) => s.info?.demo ?? false);
  const setOperator = useApp((s) => s.setOperator);
  const go = useApp((s) => s.go);
  const locked = useAccount((a) => a.locked);
  const idleMinutes = Math.round(((useApp((s) => s.info?.idleLockMs) ?? 0) / 60_000) * 10) / 10;
  const [operatorId, setOperatorId] = useState(locked?.operator.id ?? '');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    const r = await api.call('auth.login', { operatorId, pin });
    setBusy(false);
    setPin('');
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setError(null);
    const next = afterLogin(r.value);
    setOperator(r.value);
    go(next);
  };

  return (
    <main className="screen screen-login">
      <form className="panel login-panel" onSubmit={submit} data-testid="login-form">
        <h1>{locked ? t('lock.title') : t('login.title')}</h1>
        {locked ? (
          <p className="lock-note" data-testid="lock-note">
            {locked.reason === 'idle' ? `${t('lock.idle', { min: idleMinutes })} ` : ''}
            {t(locked.shiftOpen ? 'lock.detail' : 'lock.detailNoShift', { name: locked.operator.name, id: locked.operator.id })}
          </p>
        ) : null}
        <label>
          {t('login.operatorId')}
          <input autoFocus={!locked} name="operatorId" data-testid="login-id" maxLength={TEXT_LIMITS.operatorId} value={operatorId} onChange={(e) => setOperatorId(e.target.value)} autoComplete="username" />
        </label>
        <label>
          {t('login.pin')}
          <input autoFocus={!!locked} name="pin" type="password" data-testid="login-pin" maxLength={TEXT_LIMITS.pin} value={pin} onChange={(e) => setPin(e.target.value)} autoComplete="current-password" />
        </label>
        <button type="submit" className="primary" disabled={busy} data-testid="login-submit">
          {t('login.submit')}
        </button>
        <ErrorLine error={error} testId="login-error" />
        <p className="hint">{t('login.hint')}</p>
        {demo ? <p className="hint demo-hint">{t('login.demoHint')}</p> : null}
      </form>
      <ShortcutBar keys={['key.Enter']} />
    </main>
  );
}
