// Events pushed from the services to the windows. Pure: the renderer imports these types.
import type { RequiredRole } from '../roles';
import type { CardRead } from './device';
import type { StatusSnapshot } from './system';

export interface PolicySyncProgress {
  phase: 'asking' | 'downloading' | 'applying' | 'done' | 'failed';
  receivedBytes: number;
  totalBytes: number | null;
  /** Why it failed (phase 'failed'). */
  error?: string;
}

/** A failed read: the reader's code (e.g. SSC_EXPIRED, IDCARD_CHECKSUM) and its Chinese message. */
export interface CardFailed {
  deviceId: string;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface AppEventMap {
  /** The status bar's facts changed (center, queue, policy, devices). */
  status: StatusSnapshot;
  /** A card or voucher was read by a configured reader (what it holds: the person's credential). */
  'card.read': CardRead;
  /**
   * A reader saw a card but could not use it (expired card, bad frame, timeout): the window drops
   * the patient on screen at once, so nothing is charged to the previous one, and says why.
   */
  'card.failed': CardFailed;
  /** A serial scanner (readers protocol trace-line) read a drug traceability code: the window puts it on the bill. */
  'trace.scanned': { deviceId: string; code: string };
  /** A settlement changed state (uploaded, confirmed, adjusted, rejected, refunded). */
  'settlement.changed': { settlementId: string; state: string };
  /** A print job changed state. */
  'print.changed': { jobId: number; state: string };
  /** Policy sync (1399) under way: bytes downloaded so far of the expected total (null = unknown); 'done' or 'failed' ends it. */
  'policy.sync': PolicySyncProgress;
}

/**
 * Who may be sent each event: 'public' goes to every connected window (the login screen's status
 * bar, the policy download's progress); any other role only to a session that is logged in, not
 * idle past the lock, still active in a role that allows it (AuthService.mayReceive). Card reads
 * carry a patient's name, ID number and birth date: a window that is not logged in or is locked
 * must never receive them (issue 14). A new event must be added here (the type requires it).
 */
export const EVENT_AUDIENCE: { readonly [K in keyof AppEventMap]: RequiredRole } = {
  status: 'public',
  'policy.sync': 'public',
  'card.read': 'cashier',
  'card.failed': 'cashier',
  'trace.scanned': 'cashier',
  'settlement.changed': 'cashier',
  'print.changed': 'cashier',
};
