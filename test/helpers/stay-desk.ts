// The hospital window's tests (issue 19) on a cash desk (settlement-desk.ts): cashier and
// supervisor signed in, the supervisor with a shift of their own, and a way to send a stay's
// queued center steps until none is open.
import type { StayView } from '../../electron/api/contract/inpatient';
import type { Session } from '../../electron/api/session';
import type { App } from '../../electron/app/create-app';
import { callOk } from './app-call';
import { openDesk, type Desk, type DeskOptions } from './settlement-desk';

/** A desk for stays: supervisor 2001 signed in too, with a shift (the overview, undo steps). */
export async function openStayDesk(prefix: string, o: Omit<DeskOptions, 'supervisor'> = {}): Promise<Desk> {
  const desk = await openDesk(prefix, { ...o, supervisor: true });
  if (!desk.app.shift.currentShiftId('2001')) desk.app.shift.shifts.open('2001', [{ denomination: 10000, count: 1 }]);
  return desk;
}

/** Send the stay's steps until it has nothing open (waking retries at once), at most `rounds` passes. */
export async function sendStaySteps(app: App, stayId: string, rounds = 20): Promise<void> {
  for (let i = 0; i < rounds && app.inpatient.queue.openCount(stayId) > 0; i++) {
    app.inpatient.queue.wakeAll();
    await app.inpatient.drain();
    if (app.inpatient.queue.openCount(stayId) > 0) await new Promise((r) => setTimeout(r, 30));
  }
}

/** Send the stay's steps (sendStaySteps), then the stay as `session` sees it. */
export async function sentStay(app: App, session: Session, stayId: string, rounds = 20): Promise<StayView> {
  await sendStaySteps(app, stayId, rounds);
  return callOk(app, session, 'inpatient.get', { stayId });
}
