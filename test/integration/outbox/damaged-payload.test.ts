// A stored upload whose payload no longer parses (a damaged row) is never sent as something
// else under its msgid: the worker leaves it open as 'unknown' with the reason and logs it,
// and the center never hears of that msgid.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../electron/app/clock';
import type { App } from '../../../electron/app/create-app';
import type { SettleInput } from '../../../electron/api/contract/settlement';
import type { Session } from '../../../electron/api/session';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { parsePayload } from '../../../electron/outbox/worker';
import { SETTLEABLE } from '../settlement/fixtures';
import { openDesk, type Desk } from '../../helpers/settlement-desk';
import { callApp } from '../../helpers/app-call';
import { rowCount } from '../../helpers/db-rows';
import { z } from 'zod';
import { one, values } from '../../../electron/db/sql';

const clock = new ManualClock(new Date('2026-03-02T08:00:00+08:00'));
let desk: Desk;
let app: App;
let center: SandboxCenter;
let cashier: Session;

const bill: SettleInput = {
  person: { certType: '02', certNo: SETTLEABLE[0]!.certno },
  visit: { visitType: 'outpatient' },
  items: [{ code: 'XJ01CAA040A001010101445', unitPrice: '12.50', quantity: '2' }],
  useAccount: false,
};

beforeAll(async () => {
  desk = await openDesk('outbox-damaged-', { clock, offline: true });
  ({ app, center, cashier } = desk);
}, 60_000);

afterAll(() => desk?.close());

describe('a damaged outbox payload', () => {
  it('reads only JSON objects as payloads', () => {
    expect(parsePayload('{"data":{}}')).toEqual({ data: {} });
    for (const bad of ['', '{', 'null', '[1]', '"x"', '12']) expect(parsePayload(bad), bad).toBeNull();
  });

  it('is not sent; it stays open as unknown with the reason', async () => {
    const r = await callApp(app, cashier, 'settlement.settle', bill);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    // Damage the stored body behind the store's back, as a bad disk block would.
    const [id] = values(app.db, "SELECT id FROM outbox WHERE state = 'queued'", {}, z.number().int());
    expect(id).toBeDefined();
    app.db.prepare('UPDATE outbox SET payload = ? WHERE id = ?').run('{"data":', id!);

    await center.setOffline(false);
    await app.center.probeNow();
    await app.settlement.drain({ timeoutMs: 5_000 });

    const after = one(app.db, 'SELECT state, last_error, msgid FROM outbox WHERE id = :id', { id: id! }, z.object({ state: z.string(), last_error: z.string().nullable(), msgid: z.string() }))!;
    expect(after.state).toBe('unknown');
    expect(after.last_error).toMatch(/损坏/);
    expect(rowCount(center.db, 'messages', 'msgid = :msgid', { msgid: after.msgid })).toBe(0);
  });
});
