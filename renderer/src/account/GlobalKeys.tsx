// Keys that belong to the operator on every logged-in screen — Ctrl+U upload queue, Ctrl+P
// change PIN, Ctrl+L lock — and the dialogs they open. While a dialog is open it owns Esc and
// the function keys (and Ctrl+G, the corrected receipt), so F9 or Esc never act on the screen
// hidden behind it.
import { useEffect, useRef } from 'react';
import { isCorrectedReceiptKey } from '../cashier/CenterAnswer';
import { OutboxList } from '../outbox/OutboxList';
import { useOutboxDeadlines } from '../outbox/outbox-state';
import { useApp } from '../state/store';
import { ChangePin } from './ChangePin';
import { lockScreen, useAccount } from './account-state';

/** The operator key a press means (Ctrl+letter, by key or by physical key for other layouts). */
export function operatorKeyOf(e: { key: string; code?: string; ctrlKey?: boolean; altKey?: boolean; metaKey?: boolean; shiftKey?: boolean }): 'queue' | 'pin' | 'lock' | null {
  if (!e.ctrlKey || e.altKey || e.metaKey || e.shiftKey) return null;
  const k = e.key.length === 1 ? e.key.toLowerCase() : (e.code ?? '').replace(/^Key/, '').toLowerCase();
  return k === 'u' ? 'queue' : k === 'p' ? 'pin' : k === 'l' ? 'lock' : null;
}

export function GlobalKeys() {
  const loggedIn = useApp((s) => s.operator !== null);
  const pinOpen = useAccount((a) => a.pinOpen);
  const listOpen = useOutboxDeadlines((o) => o.listOpen);

  useEffect(() => {
    // Capture phase: runs before the screens' own key handlers (window, bubble phase).
    const onKey = (e: KeyboardEvent) => {
      if (!useApp.getState().operator) return;
      const acc = useAccount.getState();
      const queue = useOutboxDeadlines.getState();
      const k = operatorKeyOf(e);
      if (k) {
        e.preventDefault();
        e.stopPropagation();
        if (k === 'lock') {
          queue.setListOpen(false);
          void lockScreen();
        } else if (k === 'pin') {
          queue.setListOpen(false);
          acc.setPinOpen(true);
        } else {
          acc.setPinOpen(false);
          queue.setListOpen(!queue.listOpen);
        }
        return;
      }
      if (!acc.pinOpen && !queue.listOpen) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        acc.setPinOpen(false);
        queue.setListOpen(false);
      } else if (/^F\d{1,2}$/.test(e.key) || isCorrectedReceiptKey(e)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  // Give the focus back to where it was (today's list, the bill) when the dialog closes.
  const open = pinOpen || listOpen;
  const focusBefore = useRef<Element | null>(null);
  useEffect(() => {
    if (open) {
      focusBefore.current = document.activeElement;
      return;
    }
    const el = focusBefore.current;
    focusBefore.current = null;
    if (el instanceof HTMLElement && el.isConnected) el.focus();
  }, [open]);

  // Logging out or locking closes whatever was open.
  useEffect(() => {
    if (!loggedIn) {
      useAccount.getState().setPinOpen(false);
      useOutboxDeadlines.getState().setListOpen(false);
    }
  }, [loggedIn]);

  if (!loggedIn) return null;
  return (
    <>
      {pinOpen ? <ChangePin /> : null}
      {listOpen ? <OutboxList /> : null}
    </>
  );
}
