// Demo mode's switches: take the sandbox center offline and back, and run the preview printer
// out of paper and load it again — so a new user sees the offline and the unprinted-receipt
// stories without pulling a cable. Pairs of buttons rather than toggles: the status bar shows
// the real state, and a window reloaded mid-demo cannot get them backwards.
import { useEffect, useRef, useState } from 'react';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { hasCall } from '../api/capabilities';
import { ErrorLine, MissingCall } from '../components/common';
import { useT } from '../i18n/use-t';
import { altLetterOf } from '../lib/keys';

/** The demo switches' keys (shown on the buttons): Alt+O / Alt+N center off / on, Alt+P / Alt+I paper out / in. */
export const DEMO_KEYS = { o: 'centerOffline', n: 'centerOnline', p: 'paperOut', i: 'paperIn' } as const;
type DemoAction = (typeof DEMO_KEYS)[keyof typeof DEMO_KEYS];

export function DemoSwitches() {
  const t = useT();
  const [error, setError] = useState<ApiError | null>(null);
  const run = useRef<(a: DemoAction) => void>(() => undefined);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const letter = altLetterOf(e);
      const action = letter && letter in DEMO_KEYS ? DEMO_KEYS[letter as keyof typeof DEMO_KEYS] : null;
      if (!action) return;
      e.preventDefault();
      run.current(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  if (!hasCall('center.sandboxOffline')) return <MissingCall call="center.sandboxOffline" messageKey="demo.missing" />;
  if (!hasCall('device.demoPaper')) return <MissingCall call="device.demoPaper" messageKey="demo.missing" />;
  const show = (r: { ok: true } | { ok: false; error: ApiError }) => setError(r.ok ? null : r.error);
  const center = async (offline: boolean) => show(await api.call('center.sandboxOffline', { offline }));
  const paper = async (paperOut: boolean) => show(await api.call('device.demoPaper', { paperOut }));
  run.current = (a) => void (a === 'centerOffline' ? center(true) : a === 'centerOnline' ? center(false) : paper(a === 'paperOut'));
  return (
    <div className="stack">
      <div className="row">
        <button type="button" className="secondary" data-testid="sandbox-offline" onClick={() => void center(true)}>
          {t('demo.centerOffline')} <span className="key-hint">Alt+O</span>
        </button>
        <button type="button" className="secondary" data-testid="sandbox-online" onClick={() => void center(false)}>
          {t('demo.centerOnline')} <span className="key-hint">Alt+N</span>
        </button>
      </div>
      <div className="row">
        <button type="button" className="secondary" data-testid="demo-paper-out" onClick={() => void paper(true)}>
          {t('demo.paperOut')} <span className="key-hint">Alt+P</span>
        </button>
        <button type="button" className="secondary" data-testid="demo-paper-in" onClick={() => void paper(false)}>
          {t('demo.paperIn')} <span className="key-hint">Alt+I</span>
        </button>
      </div>
      <ErrorLine error={error} testId="sandbox-error" />
    </div>
  );
}
