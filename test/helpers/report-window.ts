// The report tests (traceability 3505 / 3506, settlement/trace-reports.test.ts; stock 3501–3506,
// stock/stock-reports.test.ts) stop their window and start it again on the same folder mid-test,
// so they keep the center and the window apart instead of on one desk (settlement-desk.ts). What
// they share: opening the window, taking the center away and back, counting what the center
// processed, and fresh traceability codes.
import { join } from 'node:path';
import { expect } from 'vitest';
import type { App } from '../../electron/app/create-app';
import { newSession, type Session } from '../../electron/api/session';
import type { SandboxCenter } from '../../electron/center/sandbox/server';
import { openClient, prepareClient } from '../integration/settlement/fixtures';
import { callOk } from './app-call';
import { rowCount } from './db-rows';
import { FAST_OUTBOX } from './settlement-desk';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let serial = 0;
/** A traceability code (20 digits) no other call in this run returns. */
export const newTraceCode = () => `8${String(Date.now() % 1e9).padStart(9, '0')}${String(++serial).padStart(10, '0')}`;

/** The window on `dir`/client, opened (again): prepared, fast outbox retries, cashier 1001 signed in. */
export async function openReportWindow(dir: string, center: SandboxCenter, flags: Record<string, string>): Promise<{ app: App; cashier: Session }> {
  const app = await openClient({ dataDir: join(dir, 'client'), centerUrl: center.url, flags });
  await prepareClient(app);
  app.settlement.configureOutbox(FAST_OUTBOX);
  const cashier = newSession('test');
  await callOk(app, cashier, 'auth.login', { operatorId: '1001', pin: '1234' });
  return { app, cashier };
}

/** Takes the center away (or brings it back) and waits until the window has seen it. */
export async function setCenterAway(app: App, center: SandboxCenter, away: boolean): Promise<void> {
  await center.setOffline(away);
  const until = Date.now() + 10_000;
  while ((await app.center.probeNow()) === away && Date.now() < until) await sleep(50);
  expect(app.center.isOnline()).toBe(!away);
}

/** How many of these msgids the center processed (a repeat is answered from its store, not processed). */
export const processedAtCenter = (center: SandboxCenter, msgids: string[]) =>
  rowCount(center.db, 'messages', 'msgid IN (SELECT value FROM json_each(:msgids))', { msgids: JSON.stringify(msgids) });
