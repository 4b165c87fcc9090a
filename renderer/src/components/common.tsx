// Small shared pieces: error line, shortcut bar, keyboard hook, "call missing" note.
import { useEffect, useRef } from 'react';
import type { ShownError } from '../../../electron/api/result';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { wordError } from '../i18n/words';
import { useApp } from '../state/store';
import { shortcutOf, type Shortcut } from '../lib/keys';

/** An error in words (never a raw code on screen: the code is kept in data-code for support and tests). */
export function ErrorLine(props: { error: ShownError | null; testId?: string }) {
  const t = useT();
  const lang = useApp((s) => s.lang);
  if (!props.error) return null;
  return (
    <div className="error-line" role="alert" data-testid={props.testId ?? 'error'} data-code={props.error.code}>
      {t('error.prefix')}
      {wordError(props.error, t, lang)}
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
