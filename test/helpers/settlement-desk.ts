// One cash desk for a settlement integration test: its own sandbox center on 127.0.0.1 and a
// client app prepared against it (policy synced, persons looked up, a shift open for 1001),
// cashier 1001 signed in, optionally supervisor 2001 too. The setup the settlement tests
// (journal, center answers, refunds, the national window, …) each wrote out again.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../../electron/app/create-app';
import type { Clock } from '../../electron/app/clock';
import { newSession, type Session } from '../../electron/api/session';
import type { SandboxCenter } from '../../electron/center/sandbox/server';
import type { WorkerOptions } from '../../electron/outbox/worker';
import { openClient, prepareClient, startCenter } from '../integration/settlement/fixtures';
import { callApp } from './app-call';
import { tempDir } from './temp-app';

export interface Desk {
  dir: string;
  center: SandboxCenter;
  app: App;
  /** Cashier 1001, signed in, with the shift prepareClient opened. */
  cashier: Session;
  /** Supervisor 2001, signed in only when asked for (`supervisor: true`); otherwise a session never signed in. */
  supervisor: Session;
  /** Closes the app and the center and removes the folder. */
  close(): Promise<void>;
}

export interface DeskOptions {
  /** The client's settings flags (centerProtocol, offline limits, the answer wait, …). */
  flags?: Record<string, string>;
  clock?: Clock;
  /** Sign supervisor 2001 in as well. */
  supervisor?: boolean;
  /** The outbox worker's timing; by default fast retries (10–50 ms backoff, 20 ms poll), so a
   *  drain does not wait out production backoffs. */
  outbox?: Partial<WorkerOptions>;
  /** Take the center offline once the client is prepared (the client has probed it). */
  offline?: boolean;
}

export const FAST_OUTBOX: Partial<WorkerOptions> = { backoff: { baseMs: 10, capMs: 50 }, pollMs: 20 };

async function signIn(app: App, operatorId: string, pin: string): Promise<Session> {
  const s = newSession('test');
  const r = await callApp(app, s, 'auth.login', { operatorId, pin });
  if (!r.ok) throw new Error(`login ${operatorId} failed: ${r.error.code}`);
  return s;
}

export async function openDesk(prefix: string, o: DeskOptions = {}): Promise<Desk> {
  const dir = tempDir(prefix);
  let center: SandboxCenter | undefined;
  let app: App | undefined;
  const close = async () => {
    await app?.close();
    await center?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    center = await startCenter(join(dir, 'center'));
    app = await openClient({ dataDir: join(dir, 'client'), centerUrl: center.url, ...(o.clock ? { clock: o.clock } : {}), ...(o.flags ? { flags: o.flags } : {}) });
    await prepareClient(app);
    app.settlement.configureOutbox(o.outbox ?? FAST_OUTBOX);
    const cashier = await signIn(app, '1001', '1234');
    const supervisor = o.supervisor ? await signIn(app, '2001', '246810') : newSession('test');
    if (o.offline) {
      await center.setOffline(true);
      await app.center.probeNow();
    }
    return { dir, center, app, cashier, supervisor, close };
  } catch (e) {
    await close();
    throw e;
  }
}
