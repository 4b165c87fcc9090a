// The cashier's function keys. One table so the shortcut bar shows exactly what works.
export type Shortcut =
  | 'readCard'
  | 'manualEntry'
  | 'search'
  | 'today'
  | 'supervisor'
  | 'toggleAccount'
  | 'settle'
  | 'selfPay'
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
export function shortcutOf(e: { key: string; ctrlKey?: boolean; altKey?: boolean; metaKey?: boolean; shiftKey?: boolean }): Shortcut | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null;
  // Shift+F9: settle as self-pay (自费) — beside F9 (settle) because it is the other way to settle;
  // F8 is the account switch, F1 the browser's help and F11 Electron's full screen.
  if (e.key === 'F9' && e.shiftKey) return 'selfPay';
  return SHORTCUT_KEYS[e.key] ?? null;
}

/**
 * The letter of an Alt+letter press (lower case), or null. By the physical key (e.code) first:
 * Alt with a letter gives another character on some layouts (macOS: Alt+L is "¬").
 * Alt keys of the window: Alt+L language; in demo mode Alt+O / Alt+N sandbox center off / on,
 * Alt+P / Alt+I printer paper out / in. (Electron's default menu takes Alt+F/E/V/W/H.)
 */
export function altLetterOf(e: { key: string; code?: string; ctrlKey?: boolean; altKey?: boolean; metaKey?: boolean; shiftKey?: boolean }): string | null {
  if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return null;
  const byCode = /^Key([A-Z])$/.exec(e.code ?? '')?.[1];
  if (byCode) return byCode.toLowerCase();
  return /^[a-zA-Z]$/.test(e.key) ? e.key.toLowerCase() : null;
}

/** Alt+Z (住 zhù): the hospital window (住院) from the main screen and back; on the supervisor screen its inpatient tab. */
export const HOSPITAL_LETTER = 'z';

export type HospitalAction = 'admit' | 'batch' | 'deposit' | 'refundDeposit' | 'discharge' | 'midStay' | 'cancel' | 'undoDischarge';

/**
 * The hospital window's Alt keys (none of Electron's menu letters F/E/V/W/H): A admission,
 * B record the typed fee lines as a batch, D take a deposit, T pay one back (退), C discharge
 * (出), M mid-stay settlement, X cancel the settlement, U undo the discharge.
 */
export const HOSPITAL_ALT: Readonly<Record<string, HospitalAction>> = {
  a: 'admit',
  b: 'batch',
  d: 'deposit',
  t: 'refundDeposit',
  c: 'discharge',
  m: 'midStay',
  x: 'cancel',
  u: 'undoDischarge',
};
