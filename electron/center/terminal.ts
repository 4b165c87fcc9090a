// The terminal (cashier window) number that goes into every message id (wire/msgid.ts).
// Windows of one clinic share the institution code, so each needs its own number or two of
// them could make the same message id in the same second — and the center would answer the
// second settlement with the first one's stored answer (CENTER-PROTOCOL.md, "Exactly once").
import { randomInt } from 'node:crypto';
import type { Db } from '../db/open';
import { z } from 'zod';
import { insertInto, value } from '../db/sql';
import { TERMINAL_NO_PATTERN } from './wire/msgid';

/**
 * Automatic numbers are drawn from 50–99 so that they never meet numbers assigned by hand
 * from 01 upwards (how clinics number their windows); see docs/CENTER.md.
 */
export const AUTO_TERMINAL_MIN = 50;
export const AUTO_TERMINAL_MAX = 99;

export interface TerminalNo {
  terminalNo: string;
  /** True when the number was not configured but drawn for this installation. */
  auto: boolean;
}

/**
 * The configured `terminalNo` setting, or — when it is empty — the number drawn once for this
 * installation and kept in its database (stable across restarts and for every process on the
 * same database, which already share one message-id sequence).
 */
export function resolveTerminalNo(db: Db, configured: string, now: Date): TerminalNo {
  if (configured !== '') return { terminalNo: configured, auto: false };
  const take = db.transaction((): string => {
    const stored = value(db, "SELECT value FROM center_state WHERE key = 'terminal_no_auto'", {}, z.string());
    if (stored !== undefined && TERMINAL_NO_PATTERN.test(stored)) return stored;
    const drawn = String(randomInt(AUTO_TERMINAL_MIN, AUTO_TERMINAL_MAX + 1));
    insertInto(
      db,
      'center_state',
      { key: 'terminal_no_auto', value: drawn, updated_at: now.toISOString() },
      'ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
    return drawn;
  });
  return { terminalNo: take.immediate(), auto: true };
}
