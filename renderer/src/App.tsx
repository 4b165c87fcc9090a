// The window: status bar and offline banner always; one screen below them.
import { useEffect } from 'react';
import { api } from './api/client';
import { OfflineBanner, StatusBar } from './components/StatusBar';
import { Cashier } from './screens/Cashier';
import { Login } from './screens/Login';
import { ShiftOpen } from './screens/ShiftOpen';
import { Supervisor } from './screens/Supervisor';
import { Today } from './screens/Today';
import { useApp } from './state/store';
import type { StatusSnapshot } from '../../electron/api/contract/system';

/** Load what the status bar needs and check the session whenever the connection (re)opens. */
function useConnection() {
  useEffect(() => {
    const st = useApp.getState;
    const offEvents = api.onEvent((name, payload) => {
      if (name === 'status') st().setStatus(payload as StatusSnapshot);
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
    const timer = setInterval(() => st().tick(Date.now()), 5000);
    return () => {
      offEvents();
      offConn();
      clearInterval(timer);
    };
  }, []);
}

export function App() {
  useConnection();
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
    </div>
  );
}
