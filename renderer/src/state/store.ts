// The window's global state: connection, status bar facts, who is logged in, which screen.
// Screen-local state (the bill being built, form fields) lives in the screens.
import { create } from 'zustand';
import type { OperatorView } from '../../../electron/api/contract/auth';
import type { PolicyStatus } from '../../../electron/api/contract/policy';
import type { AppInfo, StatusSnapshot } from '../../../electron/api/contract/system';
import type { ConnectionState } from '../api/client';
import type { Lang } from '../i18n';

export type Screen = 'login' | 'shift' | 'cashier' | 'today' | 'supervisor' | 'hospital';

const LANG_KEY = 'cashier.lang';

function initialLang(): Lang {
  try {
    return globalThis.localStorage?.getItem(LANG_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export interface ShiftInfo {
  id: string;
  openedAt: string;
}

export interface AppState {
  lang: Lang;
  conn: ConnectionState;
  info: AppInfo | null;
  status: StatusSnapshot | null;
  /** policy.status, for when the status snapshot's policy slice is not filled in. */
  policy: PolicyStatus | null;
  operator: OperatorView | null;
  shift: ShiftInfo | null;
  screen: Screen;
  /** Ticks every few seconds so ages in the status bar move. */
  nowMs: number;
  setLang(lang: Lang): void;
  setConn(conn: ConnectionState): void;
  setInfo(info: AppInfo): void;
  setStatus(status: StatusSnapshot): void;
  setPolicy(policy: PolicyStatus | null): void;
  setOperator(op: OperatorView | null): void;
  setShift(shift: ShiftInfo | null): void;
  go(screen: Screen): void;
  tick(nowMs: number): void;
}

export const useApp = create<AppState>((set) => ({
  lang: initialLang(),
  conn: 'connecting',
  info: null,
  status: null,
  policy: null,
  operator: null,
  shift: null,
  screen: 'login',
  nowMs: Date.now(),
  setLang(lang) {
    try {
      globalThis.localStorage?.setItem(LANG_KEY, lang);
    } catch {
      // private mode: the switch still works for this window
    }
    document.documentElement.lang = lang;
    set({ lang });
  },
  setConn: (conn) => set({ conn }),
  setInfo: (info) => set({ info }),
  setStatus: (status) => set({ status }),
  setPolicy: (policy) => set({ policy }),
  // Logging out (or losing the session) always returns to the login screen.
  setOperator: (operator) => set(operator ? { operator } : { operator: null, shift: null, screen: 'login' }),
  setShift: (shift) => set({ shift }),
  go: (screen) => set({ screen }),
  tick: (nowMs) => set({ nowMs }),
}));
