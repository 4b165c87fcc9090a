// The window: status bar and offline banner always; one screen below them.
import { useEffect } from 'react';
import { api } from './api/client';
import { cardFailed, cardFailureOf, credentialOf, identify } from './cashier/actions';
import { lockScreen, rememberLock } from './account/account-state';
import { startIdleTimer } from './account/idle-lock';
import { GlobalKeys } from './account/GlobalKeys';
import { OfflineBanner, StatusBar } from './components/StatusBar';
import { Cashier } from './screens/Cashier';
import { Hospital } from './screens/Hospital';
import { useHospital } from './hospital/hospital-state';
import { Login } from './screens/Login';
import { ShiftOpen } from './screens/ShiftOpen';
import { Supervisor } from './screens/Supervisor';
import { Today } from './screens/Today';
import { useApp } from './state/store';
import type { StatusSnapshot } from '../../electron/api/contract/system';

let lastPolicyAsk = 0;

/** Ask policy.status when the status snapshot has no policy (a cashier call: only once logged in). */
async function refreshPolicy(force = false) {
  const st = useApp.getState();
  if (!st.operator || (st.status && st.status.policy.seq > 0)) return;
  const now = Date.now();
  if (!force && now - lastPolicyAsk < 10_000) return;
  lastPolicyAsk = now;
  const r = await api.call('policy.status', {});
  if (r.ok) useApp.getState().setPolicy(r.value);
}

/** Load what the status bar needs and check the session whenever the connection (re)opens. */
function useConnection() {
  useEffect(() => {
    const st = useApp.getState;
    const offEvents = api.onEvent((name, payload) => {
      if (name === 'status') {
        st().setStatus(payload as StatusSnapshot);
        void refreshPolicy();
      } else if (name === 'card.read') {
        // A card read while working (main screen or today's list) brings its patient to the main
        // screen; on the login / shift / supervisor screens it is not for a settlement.
        const screen = st().screen;
        const cred = credentialOf(payload);
        // At the hospital window a card is read for an admission: its patient stays there.
        if (cred && st().operator && screen === 'hospital') {
          useHospital.getState().patch({ mode: 'admit', stay: null, dialog: null });
          void identify(cred, null);
        } else if (cred && st().operator && (screen === 'cashier' || screen === 'today')) {
          st().go('cashier');
          void identify(cred, null);
        }
      } else if (name === 'card.failed') {
        // A read that failed is still a new patient at the window: the one on screen is dropped.
        const screen = st().screen;
        const failure = cardFailureOf(payload);
        if (failure && st().operator && screen === 'hospital') {
          useHospital.getState().patch({ mode: 'admit', stay: null, dialog: null });
          cardFailed(failure);
        } else if (failure && st().operator && (screen === 'cashier' || screen === 'today')) {
          st().go('cashier');
          cardFailed(failure);
        }
      }
    });
    const offConn = api.onConnection((conn) => {
      st().setConn(conn);
      if (conn !== 'open') return;
      void (async () => {
        const [info, status, who] = await Promise.all([
          api.call('system.info', {}),
          api.call('system.status', {}),
          api.call('auth.whoami', {}),
        ]);
        if (info.ok) st().setInfo(info.value);
        if (status.ok) st().setStatus(status.value);
        // A new connection is a new session: if it has no operator, back to the login screen.
        if (who.ok && !who.value) st().setOperator(null);
      })();
    });
    // Idle lock or a disabled operator: whatever screen asked, the window goes back to login.
    const offLost = api.onSessionLost((code) => {
      if (!st().operator) return;
      // The idle lock shows the same lock screen as Ctrl+L: the shift is still open.
      if (code === 'SESSION_LOCKED') rememberLock('idle');
      st().setOperator(null);
    });
    const timer = setInterval(() => {
      st().tick(Date.now());
      void refreshPolicy();
    }, 5000);
    // Right after login the policy is asked at once.
    const offLogin = useApp.subscribe((s, prev) => {
      if (s.operator && !prev.operator) void refreshPolicy(true);
    });
    return () => {
      offEvents();
      offConn();
      offLogin();
      offLost();
      clearInterval(timer);
    };
  }, []);
}

/**
 * The idle lock on screen at its time: while someone is logged in, a timer of the main
 * process's length (system.info idleLockMs) restarted by every call it counts as activity.
 */
function useIdleLock() {
  const loggedIn = useApp((s) => s.operator !== null);
  const idleMs = useApp((s) => s.info?.idleLockMs ?? 0);
  useEffect(() => {
    if (!loggedIn || !(idleMs > 0)) return;
    const timer = startIdleTimer(idleMs, () => void lockScreen('idle'));
    const off = api.onActivity(() => timer.touch());
    return () => {
      off();
      timer.stop();
    };
  }, [loggedIn, idleMs]);
}

export function App() {
  useConnection();
  useIdleLock();
  const screen = useApp((s) => s.screen);
  return (
    <div className="app">
      <StatusBar />
      <OfflineBanner />
      {screen === 'login' ? <Login /> : null}
      {screen === 'shift' ? <ShiftOpen /> : null}
      {screen === 'cashier' ? <Cashier /> : null}
      {screen === 'today' ? <Today /> : null}
      {screen === 'supervisor' ? <Supervisor /> : null}
      {screen === 'hospital' ? <Hospital /> : null}
      <GlobalKeys />
    </div>
  );
}
