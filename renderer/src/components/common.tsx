// Small shared pieces: error line, shortcut bar, keyboard hook, "call missing" note.
import { useEffect, useRef } from 'react';
import type { ApiError } from '../../../electron/api/result';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { shortcutOf, type Shortcut } from '../lib/keys';

export function ErrorLine(props: { error: ApiError | null; testId?: string }) {
  const t = useT();
  if (!props.error) return null;
  return (
    <div className="error-line" role="alert" data-testid={props.testId ?? 'error'}>
      {t('error.prefix')}
      {props.error.message} <span className="error-code">[{props.error.code}]</span>
    </div>
  );
}

export function MissingCall(props: { call: string; messageKey?: MessageKey }) {
  const t = useT();
  return (
    <div className="missing-call" data-testid="missing-call">
      {t(props.messageKey ?? 'missing.call', { call: props.call })}
    </div>
  );
}

/** The function keys that work on this screen, always on screen. */
export function ShortcutBar(props: { keys: MessageKey[] }) {
  const t = useT();
  return (
    <footer className="shortcut-bar" data-testid="shortcut-bar">
      {props.keys.map((k) => (
        <span key={k} className="shortcut">
          {t(k)}
        </span>
      ))}
    </footer>
  );
}

/**
 * Function keys for the screen that is mounted. The handler returns true when it used the
 * key, and the browser's own meaning of that key (F3 find, F10 menu…) is suppressed.
 */
export function useShortcuts(handler: (s: Shortcut, e: KeyboardEvent) => boolean | void) {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = shortcutOf(e);
      if (!s) return;
      const used = ref.current(s, e);
      if (used !== false) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
