// What the child processes the crash and fleet tests kill have in common: the test cashier (1001)
// logs in before READY, then random bills are settled and now and then a standing settlement is
// refunded until the process is killed, each committed id printed (`S <id>`, `R <refund> <of>`)
// for the parent to look for in the database it finds after the kill.
import { z } from 'zod';
import type { App } from '../../electron/app/create-app';
import { newSession, type Session } from '../../electron/api/session';
import { value } from '../../electron/db/sql';
import { randomBill } from '../integration/settlement/fixtures';
import { callApp, callOk } from './app-call';

/** A session of the test cashier, logged in (a refused login throws). */
export async function cashierSession(app: App): Promise<Session> {
  const cashier = newSession('test');
  await callOk(app, cashier, 'auth.login', { operatorId: '1001', pin: '1234' });
  return cashier;
}

/**
 * Settles random bills (and, `refundShare` of the turns, refunds a random standing settlement)
 * forever, pausing `pauseMs()` between turns; the caller's `r` drives every choice.
 */
export async function settleAndRefundForever(app: App, cashier: Session, r: () => number, opts: { refundShare: number; pauseMs: () => number }): Promise<never> {
  for (;;) {
    if (r() < opts.refundShare) {
      const of = value(app.db, "SELECT id FROM settlements WHERE refund_of IS NULL AND state <> 'refunded' ORDER BY random() LIMIT 1", {}, z.string());
      if (of) {
        const res = await callApp(app, cashier, 'settlement.refund', { id: of, supervisorId: '2001', supervisorPin: '246810', reason: '测试退费' });
        process.stdout.write(res.ok ? `R ${res.value.id} ${of}\n` : `E ${res.error.code}\n`);
      }
    } else {
      const res = await callApp(app, cashier, 'settlement.settle', randomBill(r));
      process.stdout.write(res.ok ? `S ${res.value.id}\n` : `E ${res.error.code} ${res.error.message}\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, opts.pauseMs()));
  }
}
