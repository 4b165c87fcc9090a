// The idle lock on screen at its time. The main process locks a session after idleLockMs
// without a call (electron/auth/auth-service.ts), but it can only say so when the next call
// comes: a window left alone kept showing the patient and the bill until someone touched it.
// The window runs the same timer — restarted by every call the main process counts as
// activity (api.onActivity), with the length system.info gives — and shows the lock screen when
// it runs out. The margin puts the window's lock just after the main process's, so the call it
// makes then (security.lock) finds the session already idle-locked and audited as such.

/** How long after the main process's deadline the window locks (ms): answers arrive after the check. */
export const IDLE_MARGIN_MS = 250;

export interface IdleTimer {
  /** Activity: the time starts again. */
  touch(): void;
  stop(): void;
}

export interface TimerFns {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: TimerFns = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** A timer that calls onIdle once idleMs (+ margin) pass with no touch; started at once. */
export function startIdleTimer(idleMs: number, onIdle: () => void, timers: TimerFns = realTimers): IdleTimer {
  let handle: unknown = null;
  let stopped = false;
  const arm = () => {
    if (handle !== null) timers.clear(handle);
    handle = timers.set(() => {
      handle = null;
      if (!stopped) onIdle();
    }, idleMs + IDLE_MARGIN_MS);
  };
  arm();
  return {
    touch() {
      if (!stopped) arm();
    },
    stop() {
      stopped = true;
      if (handle !== null) timers.clear(handle);
      handle = null;
    },
  };
}
