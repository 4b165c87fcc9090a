// The shared core every part is built on: database, settings, clock, log, events, status,
// audit and operators.
import type { AuditLog } from '../auth/audit';
import type { AuthService } from '../auth/auth-service';
import type { Db } from '../db/open';
import type { Clock } from './clock';
import type { Settings } from './config';
import type { EventBus } from './events';
import type { Logger } from './log';
import type { StatusHub } from './status';

export interface CoreApp {
  readonly dataDir: string;
  readonly runtime: 'electron' | 'browser' | 'cli' | 'test';
  readonly db: Db;
  readonly schemaVersion: number;
  readonly settings: Settings;
  /** True when running on the embedded defaults (sandbox center, demo data, emulated devices). */
  readonly demo: boolean;
  readonly clock: Clock;
  readonly log: Logger;
  readonly events: EventBus;
  readonly status: StatusHub;
  readonly audit: AuditLog;
  readonly auth: AuthService;
}
