// A real app on a real database file in a fresh temporary folder, for integration tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App, type AppOptions } from '../../electron/app/create-app';
import { newSession, type Session } from '../../electron/api/session';
import type { CallInput, CallName, CallOutput } from '../../electron/api/contract';
import type { ApiResult } from '../../electron/api/result';
import { callApp } from './app-call';

export function tempDir(prefix = 'cashier-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TempApp {
  app: App;
  dir: string;
  /** A session logged in as the given demo operator (cashier 1001 by default). */
  login(operatorId?: string, pin?: string): Promise<Session>;
  call<N extends CallName>(session: Session, name: N, input: CallInput<N>): Promise<ApiResult<CallOutput<N>>>;
  close(): Promise<void>;
}

const DEMO_PINS: Record<string, string> = { '1001': '1234', '1002': '1234', '2001': '246810', '9001': '990011' };

export async function startTempApp(opts: Partial<AppOptions> = {}): Promise<TempApp> {
  const dir = opts.dataDir ?? tempDir();
  const app = await createApp({ runtime: 'test', env: {}, ...opts, dataDir: dir });
  return {
    app,
    dir,
    async login(operatorId = '1001', pin = DEMO_PINS[operatorId] ?? '') {
      const s = newSession('test');
      const r = await callApp(app, s, 'auth.login', { operatorId, pin });
      if (!r.ok) throw new Error(`login failed: ${r.error.code}`);
      return s;
    },
    call: (s, name, input) => callApp(app, s, name, input),
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
