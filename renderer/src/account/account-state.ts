// The operator's own things: the change-PIN dialog, and the screen lock (Ctrl+L). Locking ends
// the session's login (security.lock) but not the shift: the same operator unlocks with the
// PIN and carries on with the bill on screen; another operator logging in starts clean.
import { create } from 'zustand';
import type { OperatorView } from '../../../electron/api/contract/auth';
import { api } from '../api/client';
import { newPatient } from '../cashier/actions';
import { useCashier } from '../state/cashier';
import { useApp, type Screen } from '../state/store';

/** Ctrl+L (or the status bar's button), or the idle lock. */
export type LockReason = 'key' | 'idle';

interface AccountState {
  pinOpen: boolean;
  /** Who locked the window, and from which screen (the login screen shows it; unlock goes back). */
  locked: { operator: OperatorView; screen: Screen; shiftOpen: boolean; reason: LockReason } | null;
  setPinOpen(open: boolean): void;
  setLocked(l: AccountState['locked']): void;
}

export const useAccount = create<AccountState>((set) => ({
  pinOpen: false,
  locked: null,
  setPinOpen: (pinOpen) => set({ pinOpen }),
  setLocked: (locked) => set({ locked }),
}));

/** Note who is being locked out and from where, before the operator is cleared. */
export function rememberLock(reason: LockReason = 'key'): void {
  const app = useApp.getState();
  if (app.operator) useAccount.setState({ pinOpen: false, locked: { operator: app.operator, screen: app.screen, shiftOpen: app.shift !== null, reason } });
}

/**
 * Lock now. The window goes to the login screen even if the call fails (a lock key must
 * always lock); a dropped connection is a new, logged-out session anyway.
 */
export async function lockScreen(reason: LockReason = 'key'): Promise<void> {
  const app = useApp.getState();
  if (!app.operator) return;
  rememberLock(reason);
  app.setOperator(null);
  await api.call('security.lock', {});
}

/** After a login: where to go, and whether the last operator's patient must be cleared. */
export function afterLogin(operator: OperatorView): Screen {
  const locked = useAccount.getState().locked;
  useAccount.setState({ locked: null });
  clearSessionErrors();
  if (!locked || locked.operator.id !== operator.id) {
    // Someone else at the window: nothing of the previous operator's patient stays on screen.
    if (locked) newPatient();
    return 'shift';
  }
  // The same operator: back to the supervisor screen, or through the shift check to the window.
  return locked.screen === 'supervisor' ? 'supervisor' : 'shift';
}

const SESSION_CODES = new Set(['SESSION_LOCKED', 'AUTH_REQUIRED']);

/** Errors that said "logged out" (kept with the bill across the lock) are stale once logged in again. */
function clearSessionErrors(): void {
  const c = useCashier.getState();
  const stale = (e: { code: string } | null) => e !== null && SESSION_CODES.has(e.code);
  if (stale(c.lookupError) || stale(c.previewError) || stale(c.settleError)) {
    c.patch({
      ...(stale(c.lookupError) ? { lookupError: null } : {}),
      ...(stale(c.previewError) ? { previewError: null } : {}),
      ...(stale(c.settleError) ? { settleError: null } : {}),
    });
  }
}
