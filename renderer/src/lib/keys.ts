// The cashier's function keys. One table so the shortcut bar shows exactly what works.
export type Shortcut =
  | 'readCard'
  | 'manualEntry'
  | 'search'
  | 'today'
  | 'supervisor'
  | 'toggleAccount'
  | 'settle'
  | 'reprint'
  | 'logout'
  | 'back';

export const SHORTCUT_KEYS: Record<string, Shortcut> = {
  F2: 'readCard',
  F3: 'manualEntry',
  F4: 'search',
  F6: 'today',
  F7: 'supervisor',
  F8: 'toggleAccount',
  F9: 'settle',
  F10: 'reprint',
  F12: 'logout',
  Escape: 'back',
};

/** The shortcut a key press means, or null (modifiers other than Shift make it not a shortcut). */
export function shortcutOf(e: { key: string; ctrlKey?: boolean; altKey?: boolean; metaKey?: boolean }): Shortcut | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null;
  return SHORTCUT_KEYS[e.key] ?? null;
}
