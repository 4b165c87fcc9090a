// The catalogue mapping and the national catalogue sync as a part of the app (issue 16): built
// after the center part, whose national exchange (signed in) and message ids they use. In the
// national protocol the mapping outbox is drained in the background (after every change, and
// every minute while anything is open); the catalogue sync runs when a supervisor asks.
import { AppError } from '../api/result';
import type { CoreApp } from '../app/core';
import type { CenterPart } from '../center/part';
import { syncNationalCatalog, type NationalCatalogSyncResult } from '../center/national/catalog-sync';
import { drainMappings, MappingQueue, type MappingDrainResult } from '../outbox/mapping-queue';
import { MappingStore } from './mapping-store';
import { NationalCatalogStore } from './national-catalog-store';
import type { PolicyPart } from './part';

const DRAIN_EVERY_MS = 60_000;

export function createMappingPart(core: CoreApp, deps: { policy: PolicyPart; center: CenterPart }) {
  const queue = new MappingQueue(core.db, core.clock);
  const store = new MappingStore(core.db, core.clock, { entry: (c) => deps.policy.entry(c), search: (q, n) => deps.policy.search(q, n) }, queue, () => deps.center.client.newMsgId());
  const catalog = new NationalCatalogStore(core.db, core.clock);
  let draining: Promise<MappingDrainResult> | null = null;
  let syncing: Promise<NationalCatalogSyncResult> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const requireNational = () => {
    if (!deps.center.national.enabled) {
      throw new AppError('SETTING_INVALID', '目录对照上传和国家医保目录同步只用于国家医保信息平台接口（设置 centerProtocol = national）。', { key: 'centerProtocol' });
    }
  };

  /** One drain at a time; a second caller joins it. */
  const upload = (): Promise<MappingDrainResult> => {
    requireNational();
    draining ??= drainMappings({
      db: core.db,
      queue,
      clock: core.clock,
      send: (infno, input, opts) => deps.center.national.send(infno, input, opts),
      onAnswer: (row, r) => store.recordAnswer(row, r),
    }).finally(() => (draining = null));
    return draining;
  };

  const kick = () => {
    if (closed || !deps.center.national.enabled || !deps.center.isOnline()) return;
    void upload().catch((e: unknown) => core.log.warn('mapping upload failed', { error: String(e) }));
  };

  return {
    store,
    queue,
    /** HIS CSV import; the uploads it queues go out at once when online. */
    importCsv(csv: string, by: string) {
      const r = store.importCsv(csv, by);
      if (r.queued) kick();
      return r;
    },
    setMapping(clinicCode: string, nationalCode: string | null, by: string, origin: 'edited' | 'suggested' = 'edited') {
      const v = store.setMapping(clinicCode, nationalCode, by, origin);
      kick();
      return v;
    },
    upload,
    /**
     * A bill code's catalogue entry: its own, or — a clinic code (对照) — that of the national code
     * the clinic mapped it to (confirmed or not: what the item IS does not wait for the center).
     * Tells the journal that a clinic's drug is a drug (traceability codes, stock, the slip).
     */
    entryOf: (code: string) => deps.policy.entry(code) ?? (() => {
      const national = store.view(code)?.nationalCode;
      return national ? deps.policy.entry(national) : null;
    })(),
    /** The national code 2204 sends for a clinic code (a pair the center confirmed), or null. */
    nationalCodeFor: (clinicCode: string): string | null => store.nationalCodeFor(clinicCode),
    unmapped: (codes: readonly string[]) => store.unmapped(codes),
    /** 1312 / 1318 / 1319 into the policy tables; one at a time (a second caller joins). */
    syncNational(operator: { id: string; name: string }): Promise<NationalCatalogSyncResult> {
      requireNational();
      syncing ??= syncNationalCatalog({ store: catalog, policy: deps.policy, port: { send: (i, input, o) => deps.center.national.send(i, input, { ...o, operator }) }, clock: core.clock, operator }).finally(
        () => (syncing = null),
      );
      return syncing;
    },
    start(): void {
      if (!deps.center.national.enabled) return;
      timer = setInterval(() => {
        if (queue.openCount() > 0) kick();
      }, DRAIN_EVERY_MS);
      timer.unref?.();
      kick();
    },
    async close(): Promise<void> {
      closed = true;
      if (timer) clearInterval(timer);
      await draining?.catch(() => undefined);
      await syncing?.catch(() => undefined);
    },
  };
}

export type MappingPart = ReturnType<typeof createMappingPart>;
