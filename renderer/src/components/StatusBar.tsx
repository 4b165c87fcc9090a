// Always visible: center (online/offline/sandbox), upload queue (depth, oldest age, and amber /
// red when an upload is near / past its deadline), policy version and age, each device's state,
// the clinic database stream when this window is one of a clinic's (pending, oldest, down),
// who is logged in with the keys that are theirs everywhere (Ctrl+P PIN, Ctrl+L lock), and the
// language switch.
import { useEffect } from 'react';
import type { StatusSnapshot } from '../../../electron/api/contract/system';
import { lockScreen, useAccount } from '../account/account-state';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { altLetterOf } from '../lib/keys';
import { agoSince, chinaTime } from '../lib/time';
import { countDeadlines, queueTone } from '../outbox/deadline';
import { refreshDeadlines, useOutboxDeadlines } from '../outbox/outbox-state';
import { useApp } from '../state/store';
import { policySyncText, usePolicySyncProgress } from './policy-sync-progress';

/** The demo card tray's device id (electron/devices/demo-switches.ts). */
const DEMO_TRAY_ID = 'demo-card-tray';

/** How often the deadline facts are asked again while uploads wait (deadlines move with time). */
const DEADLINE_REFRESH_MS = 30_000;

function Cell(props: { label: string; value: string; tone: 'ok' | 'warn' | 'bad' | 'plain'; testId: string; onClick?: () => void }) {
  return (
    <div className={`status-cell tone-${props.tone}${props.onClick ? ' clickable' : ''}`} data-testid={props.testId} onClick={props.onClick}>
      <span className="status-label">{props.label}</span>
      <span className="status-value">{props.value}</span>
    </div>
  );
}

export function StatusBar() {
  const t = useT();
  const { status, nowMs, operator, info, lang, setLang, conn, policy, shift } = useApp();
  const s: StatusSnapshot | null = status;
  const policySync = usePolicySyncProgress();
  const deadlines = useOutboxDeadlines((d) => d.deadlines);
  const openQueue = useOutboxDeadlines((d) => d.setListOpen);
  const depth = s?.outbox.depth ?? 0;
  const loggedIn = operator !== null;
  const refreshSlot = Math.floor(nowMs / DEADLINE_REFRESH_MS);
  // outbox.status is a cashier call: asked after login, when the queue changes, and every 30 s.
  useEffect(() => {
    if (loggedIn && s) void refreshDeadlines(depth);
  }, [loggedIn, depth, s?.outbox.oldestQueuedAt, refreshSlot]);
  // Alt+L switches the language from any screen, the login screen too (the button shows the key).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (altLetterOf(e) !== 'l') return;
      e.preventDefault();
      const app = useApp.getState();
      app.setLang(app.lang === 'zh-CN' ? 'en' : 'zh-CN');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const dl = countDeadlines(depth > 0 ? (deadlines ?? []) : [], nowMs);

  const centerValue = s
    ? `${t(s.center.mode === 'online' ? 'status.center.online' : 'status.center.offline')}${s.center.sandbox ? ` · ${t('status.center.sandbox')}` : ''}`
    : '—';
  const queueValue = !s
    ? '—'
    : s.outbox.depth === 0
      ? t('status.queue.empty')
      : t('status.queue.items', { n: s.outbox.depth, age: agoSince(s.outbox.oldestQueuedAt, nowMs, t) ?? '—' }) +
        // Items that met an error are "retrying" only while the center is online: offline, every
        // queued item has one (the center cannot be reached), which is the normal offline state.
        (s.outbox.failing > 0 && s.center.mode === 'online' ? ` · ${t('status.queue.failing', { n: s.outbox.failing })}` : '') +
        (dl.past > 0 ? ` · ${t('status.queue.past', { n: dl.past })}` : '') +
        (dl.near > 0 ? ` · ${t('status.queue.near', { n: dl.near })}` : '');
  // The snapshot's policy slice when filled; else what policy.status said (after login).
  const pol = s && s.policy.seq > 0 ? s.policy : policy ? { seq: policy.seq, version: policy.version, appliedAt: policy.appliedAt } : null;
  const policyValue = !pol
    ? t('status.policy.none')
    : t('status.policy.value', { version: pol.version ?? '?', seq: pol.seq, age: agoSince(pol.appliedAt, nowMs, t) ?? '—' });

  // Only a window that is part of a clinic (clinicDatabaseUrl set) has the clinic slice.
  const clinic = s?.clinic;
  const clinicValue = !clinic
    ? ''
    : (clinic.state === 'down' ? `${t('status.clinic.down')} · ` : '') +
      (clinic.pending === 0 ? t('status.clinic.synced') : t('status.clinic.pending', { n: clinic.pending, age: agoSince(clinic.oldestPendingAt, nowMs, t) ?? '—' }));

  return (
    <header className="status-bar" data-testid="status-bar">
      <Cell
        testId="status-center"
        label={t('status.center')}
        value={centerValue}
        tone={!s ? 'plain' : s.center.mode === 'online' ? 'ok' : 'bad'}
      />
      <Cell
        testId="status-queue"
        label={loggedIn ? `${t('status.queue')} · Ctrl+U` : t('status.queue')}
        value={queueValue}
        tone={!s ? 'plain' : queueTone(depth, dl)}
        onClick={loggedIn ? () => openQueue(true) : undefined}
      />
      {clinic ? (
        <Cell testId="status-clinic" label={t('status.clinic')} value={clinicValue} tone={clinic.state === 'down' ? 'bad' : clinic.pending > 0 ? 'warn' : 'ok'} />
      ) : null}
      <Cell testId="status-policy" label={t('status.policy')} value={policySync ? policySyncText(policySync, lang) : policyValue} tone={policySync ? 'warn' : !pol ? 'bad' : 'ok'} />
      <div className="status-cell status-devices" data-testid="status-devices">
        <span className="status-label">{t('status.devices')}</span>
        {!s || s.devices.length === 0 ? (
          <span className="status-value">{t('status.devices.none')}</span>
        ) : (
          s.devices.map((d) => (
            <span key={d.id} className={`device tone-${d.state === 'ready' ? 'ok' : d.state === 'connecting' || d.state === 'paper-near-end' ? 'warn' : 'bad'}`} title={d.detail ?? ''}>
              {/* A configured device's name is a name, as a person's: not translated. The demo
                  card tray is ours, so it speaks the window's language. */}
              <span className="device-name">{d.id === DEMO_TRAY_ID ? t('status.device.demoTray') : d.name}</span>
              {t('status.colon')}
              {t(`status.device.${d.state}` as MessageKey)}
            </span>
          ))
        )}
      </div>
      <div className="status-spacer" />
      {info?.demo ? <span className="demo-badge">{t('status.demo')}</span> : null}
      {operator ? (
        <span className="status-operator" data-testid="status-operator">
          {t('status.operator')}
          {t('status.colon')}
          {t('status.operatorWho', { name: operator.name, id: operator.id })}
          {shift ? <span className="hint-light">{t('status.shift', { time: chinaTime(shift.openedAt) })}</span> : null}
          <OperatorKeys />
        </span>
      ) : null}
      <button type="button" className="lang-switch" data-testid="lang-switch" onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}>
        {t('lang.switch')} <span className="key-hint">Alt+L</span>
      </button>
      {conn !== 'open' ? <span className="conn-lost">{t(conn === 'connecting' ? 'conn.connecting' : 'conn.lost')}</span> : null}
    </header>
  );
}

/** The operator's own keys, on every screen: change PIN, lock the screen (also clickable). */
function OperatorKeys() {
  const t = useT();
  const openPin = useAccount((a) => a.setPinOpen);
  return (
    <>
      <button type="button" className="status-key" data-testid="status-key-pin" onClick={() => openPin(true)}>
        {t('key.ctrlP')}
      </button>
      <button type="button" className="status-key" data-testid="status-key-lock" onClick={() => void lockScreen()}>
        {t('key.ctrlL')}
      </button>
    </>
  );
}

export function OfflineBanner() {
  const t = useT();
  const provisional = useApp((s) => s.status?.offlineProvisional ?? false);
  if (!provisional) return null;
  return (
    <div className="offline-banner" role="alert" data-testid="offline-banner">
      {t('banner.offline')}
    </div>
  );
}
