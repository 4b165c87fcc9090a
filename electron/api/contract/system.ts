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
}

export interface AppInfo {
  appVersion: string;
  schemaVersion: number;
  runtime: 'electron' | 'browser' | 'cli';
  demo: boolean;
  institutionCode: string;
  institutionName: string;
  dataDir: string;
}

export const systemCalls = {
  'system.status': call({ input: z.object({}).strict(), role: 'public', summary: '状态栏：中心、上传队列、目录版本、设备' }).returns<StatusSnapshot>(),
  'system.info': call({ input: z.object({}).strict(), role: 'public', summary: '程序信息' }).returns<AppInfo>(),
};
