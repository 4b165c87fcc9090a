// Wrong-PIN throttling without a lockout anyone can hand out (issue 14). Two counters, both
// growing delays, neither a lock:
//   - per source (one window, one WebSocket connection, one CLI run = one Session): after
//     SOURCE_FREE_FAILURES wrong tries, each next try on that source waits 1 s, 2 s, 4 s, … ≤ 60 s;
//   - per operator number (known or not, the same arithmetic, so throttling tells nothing about
//     which numbers exist): after OPERATOR_FREE_FAILURES wrong tries from anywhere, each next
//     try waits 5 s, 10 s, 20 s, … ≤ OPERATOR_MAX_DELAY_MS (3 min: at most 480 guesses a day at
//     one number — what the old 5-per-15-minutes lock allowed — while a stranger can hold an
//     operator up for minutes, never lock them out). A supervisor or admin lifts an operator's
//     delay (security.unlockOperator); a correct PIN clears it.
// A session where an operator has logged in before (the cashier's own window, after Ctrl+L or
// the idle lock) is not held up by the per-number delay others caused: only their own.
// A throttled try is refused with LOGIN_THROTTLED before the PIN is looked at, so it is no guess.
// PURE (no clock or database of its own): AuthService keeps known operators' counts in their
// row (operators.failed_attempts / locked_until) and everything else here, in memory.
import type { Session } from '../api/session';

export const SOURCE_FREE_FAILURES = 3;
export const SOURCE_BASE_DELAY_MS = 1_000;
export const SOURCE_MAX_DELAY_MS = 60_000;
export const OPERATOR_FREE_FAILURES = 5;
export const OPERATOR_BASE_DELAY_MS = 5_000;
export const OPERATOR_MAX_DELAY_MS = 180_000;
/** Unknown numbers remembered at most (oldest forgotten first), so a flood of numbers is bounded. */
const MAX_UNKNOWN_NUMBERS = 10_000;

/** The wait after `failures` consecutive wrong tries: none for the first `free`, then doubling. */
export function delayAfter(failures: number, free: number, baseMs: number, maxMs: number): number {
  if (failures < free) return 0;
  return Math.min(maxMs, baseMs * 2 ** Math.min(30, failures - free));
}

export const operatorDelayAfter = (failures: number) => delayAfter(failures, OPERATOR_FREE_FAILURES, OPERATOR_BASE_DELAY_MS, OPERATOR_MAX_DELAY_MS);

interface Count {
  failures: number;
  /** Epoch ms before which the next try is refused. */
  until: number;
}

export class LoginThrottle {
  private readonly sources = new WeakMap<Session, Count>();
  private readonly unknown = new Map<string, Count>();
  /** Operators who have logged in on a session (their own window). */
  private readonly trusted = new WeakMap<Session, Set<string>>();

  /** Milliseconds this source must still wait (0: may try now). */
  sourceWait(source: Session | undefined, nowMs: number): number {
    const c = source && this.sources.get(source);
    return c ? Math.max(0, c.until - nowMs) : 0;
  }

  /** Milliseconds an operator number that is not a (usable) operator must still wait. */
  unknownWait(operatorId: string, nowMs: number): number {
    const c = this.unknown.get(operatorId);
    return c ? Math.max(0, c.until - nowMs) : 0;
  }

  /** Whether the per-number delay applies to this source (not to the operator's own window). */
  numberDelayApplies(source: Session | undefined, operatorId: string): boolean {
    return !(source && this.trusted.get(source)?.has(operatorId));
  }

  failed(source: Session | undefined, operatorId: string | null, nowMs: number): void {
    if (source) {
      const c = this.sources.get(source) ?? { failures: 0, until: 0 };
      c.failures += 1;
      c.until = nowMs + delayAfter(c.failures, SOURCE_FREE_FAILURES, SOURCE_BASE_DELAY_MS, SOURCE_MAX_DELAY_MS);
      this.sources.set(source, c);
    }
    if (operatorId !== null) {
      const c = this.unknown.get(operatorId) ?? { failures: 0, until: 0 };
      this.unknown.delete(operatorId);
      c.failures += 1;
      c.until = nowMs + operatorDelayAfter(c.failures);
      this.unknown.set(operatorId, c);
      if (this.unknown.size > MAX_UNKNOWN_NUMBERS) this.unknown.delete(this.unknown.keys().next().value!);
    }
  }

  succeeded(source: Session | undefined, operatorId: string): void {
    if (!source) return;
    this.sources.delete(source);
    const set = this.trusted.get(source) ?? new Set<string>();
    set.add(operatorId);
    this.trusted.set(source, set);
  }
}
