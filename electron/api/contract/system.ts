// System calls: status bar, app info, settings.
import { z } from 'zod';
import { call } from './define';

export interface DeviceState {
  id: string;
  kind: 'reader' | 'printer';
  name: string;
  /** ready: usable; connecting: looking for it; offline/error/paper-out: not usable now. */
  state: 'ready' | 'connecting' | 'offline' | 'error' | 'paper-out' | 'paper-near-end';
  detail?: string;
}

/** The stream of this window's records to the clinic's PostgreSQL (electron/clinic). */
export interface ClinicStreamStatus {
  /** ok: caught up or sending; down: PostgreSQL cannot be reached or refuses (see error). */
  state: 'ok' | 'down';
  windowId: string;
  /** Changed records not yet in PostgreSQL, and when the oldest of them changed. */
  pending: number;
  oldestPendingAt: string | null;
  lastSyncAt: string | null;
  /** Error code and words when down. */
  errorCode: string | null;
  error: string | null;
}

export interface StatusSnapshot {
  center: {
    mode: 'online' | 'offline';
    /** True when talking to the sandbox center (demo / test), not a real one. */
    sandbox?: boolean;
    url: string;
    lastContactAt: string | null;
    lastError: string | null;
  };
  outbox: { depth: number; oldestQueuedAt: string | null; failing: number };
  policy: { seq: number; version: string | null; appliedAt: string | null };
  devices: DeviceState[];
  /** Settlements made now would be provisional (center unreachable). */
  offlineProvisional: boolean;
  /** Absent when this window is alone (no clinicDatabaseUrl). */
  clinic?: ClinicStreamStatus;
}

export interface AppInfo {
  appVersion: string;
  schemaVersion: number;
  runtime: 'electron' | 'browser' | 'cli';
  demo: boolean;
  institutionCode: string;
  institutionName: string;
  dataDir: string;
  /** A session locks after this long without a call; the window shows the lock screen then too. */
  idleLockMs: number;
}

export const systemCalls = {
  'system.status': call({ input: z.object({}).strict(), role: 'public', summary: '状态栏：中心、上传队列、目录版本、设备' }).returns<StatusSnapshot>(),
  'system.info': call({ input: z.object({}).strict(), role: 'public', summary: '程序信息' }).returns<AppInfo>(),
};
