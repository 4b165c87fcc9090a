// Dispensing stock per batch as a part of the app (issue 17, docs/STOCK.md): the stock store,
// its reports' queue and their drain. Built after the mapping part (a clinic code's national
// code and drug kind go through the mapping) and before the settlement part, whose journal takes
// and gives back stock inside its own transactions. The reports go out in the background in
// either protocol: after every change, and every 30 s while any is open.
import type { StockUnsentView } from '../api/contract/stock';
import type { CoreApp } from '../app/core';
import { operatorName } from '../auth/operator-names';
import type { CenterPart } from '../center/part';
import type { MappingPart } from '../policy/mapping-part';
import type { BackoffOptions } from '../outbox/backoff';
import { drainStock, StockQueue, type StockDrainResult, type StockOutboxRow } from '../outbox/stock-queue';
import { StockStore } from './stock-store';

const DRAIN_EVERY_MS = 30_000;
const SEND_TIMEOUT_MS = 10_000;

export function createStockPart(core: CoreApp, deps: { center: CenterPart; mapping: Pick<MappingPart, 'nationalCodeFor' | 'entryOf'> }) {
  const queue = new StockQueue(core.db, core.clock);
  const store = new StockStore(core, {
    drug: (code) => {
      // A clinic code's entry through its mapping (对照): a clinic's drug is kept as a drug.
      const e = deps.mapping.entryOf(code);
      return e && e.kind === 'drug' ? { name: e.name } : null;
    },
    nationalCodeFor: (code) => deps.mapping.nationalCodeFor(code) ?? code,
    queue,
    newMsgId: () => deps.center.client.newMsgId(),
    operatorName: (id) => operatorName(core.db, id) ?? id,
  });
  let backoff: BackoffOptions | undefined;
  let draining: Promise<StockDrainResult> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let unsubscribe: (() => void) | undefined;

  const send = (row: StockOutboxRow, input: object) => {
    const o = { msgid: row.msgid, timeoutMs: SEND_TIMEOUT_MS };
    return row.protocol === 'national' ? deps.center.national.send(row.infno, input, o) : deps.center.client.send(row.infno, input, o);
  };

  /** One drain at a time; a second caller joins it. */
  const upload = (): Promise<StockDrainResult> => {
    draining ??= drainStock({ db: core.db, queue, clock: core.clock, send, ...(backoff ? { backoff } : {}) }).finally(() => (draining = null));
    return draining;
  };

  const kick = () => {
    if (closed || !deps.center.isOnline()) return;
    void upload().catch((e: unknown) => core.log.warn('stock reports: upload failed', { error: String(e) }));
  };

  /** A change that queued a report: sent at once when online. */
  const changed = <T>(v: T): T => {
    kick();
    return v;
  };

  return {
    store,
    queue,
    purchase: (p: Parameters<StockStore['purchase']>[0], by: string) => changed(store.purchase(p, by)),
    purchaseReturn: (p: Parameters<StockStore['purchaseReturn']>[0], by: string) => changed(store.purchaseReturn(p, by)),
    adjust: (p: Parameters<StockStore['adjust']>[0], by: string) => changed(store.adjust(p, by)),
    inventory: (p: Parameters<StockStore['inventory']>[0], by: string) => changed(store.inventory(p, by)),
    upload,
    /** Tests: quicker retries. */
    configure(o: { backoff?: BackoffOptions }): void {
      if (o.backoff) backoff = o.backoff;
    },
    /** Send until nothing due is left (tests and the CLI): waits out retries up to `timeoutMs`. */
    async drain(o: { timeoutMs: number }): Promise<StockDrainResult> {
      const until = Date.now() + o.timeoutMs;
      let r = await upload();
      while (r.remaining > 0 && Date.now() < until) {
        await new Promise((res) => setTimeout(res, 25));
        r = await upload();
      }
      return r;
    },
    unsent(): StockUnsentView {
      const reports = queue.unsent(500).map((r) => {
        const m = store.movementOf(r.movement_id);
        return {
          id: r.id,
          infno: r.infno,
          movementId: r.movement_id,
          drugCode: m?.batch?.drugCode ?? '',
          drugName: m?.batch?.drugName ?? '',
          batchNo: m?.batch?.batchNo ?? '',
          kind: m?.kind ?? 'inventory',
          quantity: m?.quantity ?? '0',
          state: r.state,
          attempts: r.attempts,
          lastError: r.last_error,
          createdAt: r.created_at,
        };
      });
      return { reports, open: queue.count('open'), rejected: queue.count('rejected') };
    },
    start(): void {
      timer = setInterval(() => {
        if (queue.count('open') > 0) kick();
      }, DRAIN_EVERY_MS);
      timer.unref?.();
      unsubscribe = deps.center.onConnectivity((online) => {
        if (online) kick();
      });
      kick();
    },
    async close(): Promise<void> {
      closed = true;
      if (timer) clearInterval(timer);
      unsubscribe?.();
      await draining?.catch(() => undefined);
    },
  };
}

export type StockPart = ReturnType<typeof createStockPart>;
