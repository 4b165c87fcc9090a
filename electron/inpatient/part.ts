// The hospital window's part (issue 19, docs/INPATIENT.md): stays, deposits, fee batches, the
// settlement of a stay through the journal, and the stay's center steps (the stay queue and its
// sender). Built after the settlement part, whose journal and bills it uses.
import type { CoreApp } from '../app/core';
import type { CenterPart } from '../center/part';
import { StayQueue } from '../outbox/stay-queue';
import { InpatientService } from './service';
import type { InpatientDeps } from './desk';
import { StaySender } from './sender';
import { inpatientCenter, portOfCenterPart } from '../center/inpatient/client';
import { stayCenterAdapter } from './center-bridge';

export type InpatientPartDeps = Pick<InpatientDeps, 'policy' | 'devices' | 'shift' | 'settlement'> & { center: InpatientDeps['center'] & Pick<CenterPart, 'national'> };

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
  // The center's inpatient adapter (electron/center/inpatient/client.ts), in the protocol set.
  let nationalCodeFor = (code: string): string => code;
  sender.setAdapter(
    stayCenterAdapter({
      center: inpatientCenter(portOfCenterPart(deps.center)),
      stay: (id) => service.stays.get(id),
      centerSetlIdOf: (id) => deps.settlement.reader.row(id)?.center_setl_id ?? null,
      nationalCodeFor: (code) => nationalCodeFor(code),
    }),
  );
  return {
    service,
    /** The catalogue mapping's seam (as the settlement part's): a clinic code's national code in 2301. */
    setNationalCodeFor(fn: (code: string) => string): void {
      nationalCodeFor = fn;
    },
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
