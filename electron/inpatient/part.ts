// The hospital window's part (issue 19, docs/INPATIENT.md): stays, deposits, fee batches, the
// settlement of a stay through the journal, and the stay's center steps (the stay queue and its
// sender). Built after the settlement part, whose journal and bills it uses.
import type { CoreApp } from '../app/core';
import { StayQueue } from '../outbox/stay-queue';
import { InpatientService, type InpatientDeps } from './service';
import { StaySender } from './sender';

export type InpatientPartDeps = Pick<InpatientDeps, 'policy' | 'center' | 'devices' | 'shift' | 'settlement'>;

export function createInpatientPart(core: CoreApp, deps: InpatientPartDeps) {
  const queue = new StayQueue(core.db, core.clock);
  const sender = new StaySender(core, { queue, center: deps.center });
  const service = new InpatientService(core, {
    ...deps,
    queue,
    afterCommit: () => {
      if (deps.center.isOnline()) sender.kick();
    },
    preSettleOnline: (stay, estimate, o) => sender.preSettle(stay, estimate, o),
  });
  sender.setStays(service.stays);
  return {
    service,
    queue,
    sender,
    /** Send every due step now (tests, the CLI): until nothing due is left or a round makes no progress. */
    drain: () => sender.drain(),
    start(): void {
      sender.start();
    },
    async close(): Promise<void> {
      await sender.close();
    },
  };
}

export type InpatientPart = ReturnType<typeof createInpatientPart>;
