// Change my own PIN (security.changePin): old PIN, new PIN twice. Enter changes, Esc cancels
// (Esc is taken by GlobalKeys so the screen behind does not act on it).
import { useState, type FormEvent } from 'react';
import type { ShownError } from '../../../electron/api/result';
import { api } from '../api/client';
import { ErrorLine } from '../components/common';
import { useT } from '../i18n/use-t';
import { useAccount } from './account-state';
import { TEXT_LIMITS } from '../../../electron/api/contract/limits';

export function ChangePin() {
  const t = useT();
  const close = () => useAccount.getState().setPinOpen(false);
  const [oldPin, setOldPin] = useState('');
  const [newPin, setNewPin] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (done) {
      close();
      return;
    }
    if (busy) return;
    if (newPin !== repeat) {
      setError({ code: 'PIN_MISMATCH', message: t('pin.mismatch') });
      setNewPin('');
      setRepeat('');
      return;
    }
    setBusy(true);
    const r = await api.call('security.changePin', { oldPin, newPin });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setError(null);
    setOldPin('');
    setNewPin('');
    setRepeat('');
    setDone(true);
  };

  return (
    <div className="modal" data-testid="pin-dialog">
      <form className="panel" onSubmit={submit}>
        <h2>{t('pin.title')}</h2>
        {done ? (
          <>
            <p className="print-ok big-note" data-testid="pin-done">
              ✓ {t('pin.done')}
            </p>
            <button type="submit" className="primary" autoFocus data-testid="pin-close">
              {t('key.Enter')}
            </button>
          </>
        ) : (
          <>
            <label>
              {t('pin.old')}
              <input autoFocus type="password" data-testid="pin-old" maxLength={TEXT_LIMITS.pin} value={oldPin} onChange={(e) => setOldPin(e.target.value)} autoComplete="current-password" />
            </label>
            <label>
              {t('pin.new')}
              <input type="password" data-testid="pin-new" maxLength={TEXT_LIMITS.pin} value={newPin} onChange={(e) => setNewPin(e.target.value)} autoComplete="new-password" />
            </label>
            <label>
              {t('pin.repeat')}
              <input type="password" data-testid="pin-repeat" maxLength={TEXT_LIMITS.pin} value={repeat} onChange={(e) => setRepeat(e.target.value)} autoComplete="new-password" />
            </label>
            <p className="hint">{t('pin.rules')}</p>
            <button type="submit" className="primary" disabled={busy || !oldPin || !newPin || !repeat} data-testid="pin-submit">
              {t('pin.submit')}
            </button>
          </>
        )}
        <ErrorLine error={error} testId="pin-error" />
        {done ? null : <p className="hint">{t('pin.hint')}</p>}
      </form>
    </div>
  );
}
