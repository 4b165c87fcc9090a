// A simulated week with a flapping network: N settlements spread over seven days (a manual
// clock), the sandbox center going away and coming back at random, uploads attempted whenever
// it is there; then the network returns for good and the outbox drains. Shared by the normal
// suite (small N) and test/long (thousands).
import { join } from 'node:path';
import { ManualClock } from '../../../electron/app/clock';
import type { SettlementView } from '../../../electron/api/contract/settlement';
import { settleInputSchema, type OutboxStatus } from '../../../electron/api/contract/settlement';
import { openClient, prepareClient, randomBill, rng, startCenter } from './fixtures';
import { checkJournal, type JournalCheck } from './verify';
import { many } from '../../../electron/db/sql';
import { z } from 'zod';

export interface WeekResult extends JournalCheck {
  settled: number;
  flaps: number;
  statusBeforeDrain: OutboxStatus;
  /** Persons whose uploads reached the center out of local commit order. */
  outOfOrder: string[];
  drain: { remaining: number; timedOut: boolean };
}

export async function weekRun(dir: string, n: number, seed: number): Promise<WeekResult> {
  const center = await startCenter(join(dir, 'center'));
  const clock = new ManualClock(new Date('2026-03-02T08:00:00+08:00'));
  const app = await openClient({
    dataDir: join(dir, 'client'),
    centerUrl: center.url,
    clock,
    flags: { offlineLimitPerSettlement: '100000000', offlineLimitPerDay: '1000000000' },
  });
  try {
    await prepareClient(app);
    app.settlement.configureOutbox({ concurrency: 4, backoff: { baseMs: 1000, capMs: 60_000 }, requestTimeoutMs: 2000, pollMs: 20 });
    // Straight to the part: a week of manual clock would trip the session's idle lock.
    const operator = app.auth.verify('1001', '1234', 'test');

    const r = rng(seed);
    const step = (7 * 24 * 3600_000) / n;
    let offline = false;
    let flaps = 0;
    // Mostly away: the week is "offline", with short spells of network now and then.
    await center.setOffline(true);
    await app.center.probeNow();
    offline = true;
    for (let i = 0; i < n; i++) {
      if (r() < 0.03) {
        offline = !offline;
        flaps++;
        await center.setOffline(offline);
        await app.center.probeNow();
      }
      await app.settlement.settle(settleInputSchema.parse(randomBill(r)), operator);
      if (!offline && r() < 0.5) await app.settlement.drain({ timeoutMs: 5000 });
      clock.advance(step);
    }
    const statusBeforeDrain = app.settlement.outboxStatus();
    await center.setOffline(false);
    await app.center.probeNow();
    // Past every backoff, then everything goes.
    clock.advance(3600_000);
    const d = await app.settlement.drain({ untilEmpty: true, timeoutMs: 600_000 });

    // Order per person: the center's rows (in its arrival order) follow our commit order.
    const localOrder = many(app.db, 'SELECT id, psn_no FROM settlements WHERE refund_of IS NULL ORDER BY rowid', {}, z.object({ id: z.string(), psn_no: z.string() }));
    const centerOrder = center.settlements().filter((x) => x.kind === 'settle');
    const outOfOrder: string[] = [];
    const byPerson = (rows: { id: string; psn: string }[]) => {
      const m = new Map<string, string[]>();
      for (const x of rows) m.set(x.psn, [...(m.get(x.psn) ?? []), x.id]);
      return m;
    };
    const local = byPerson(localOrder.map((x) => ({ id: x.id, psn: x.psn_no })));
    const remote = byPerson(centerOrder.map((x) => ({ id: x.medins_setl_id ?? '', psn: x.psn_no })));
    for (const [psn, ids] of local) if (JSON.stringify(remote.get(psn) ?? []) !== JSON.stringify(ids)) outOfOrder.push(psn);

    await app.close();
    const check = checkJournal(join(dir, 'client', 'cashier.db'), center);
    return { ...check, settled: n, flaps, statusBeforeDrain, outOfOrder, drain: { remaining: d.remaining, timedOut: d.timedOut } };
  } finally {
    await app.close();
    await center.close();
  }
}

export type { SettlementView };
