// The settlement part: bills in, the journal (settle / refund), the upload outbox worker, the
// watched bill folder and the HIS endpoint, on the shared core.
import type { OperatorView } from '../api/contract/auth';
import type { CoreApp } from '../app/core';
import { chinaDate } from '../app/clock';
import { outboxStore as outboxStoreOf } from '../outbox/store';
import { OutboxWorker, type WorkerOptions } from '../outbox/worker';
import { BillStore } from './bills';
import { HisEndpoint } from './his-endpoint';
import { BillInbox } from './inbox';
import { SettlementJournal, type PreviewRequest, type SettleRequest } from './journal';
import type { CenterPort, DevicesPort, PolicyPort, ShiftPort } from './ports';
import { SettlementReader } from './reader';
import { TraceCodeStore } from './trace-codes';
import { TraceReports } from './trace-reports';
import type { StockStore } from '../stock/stock-store';
import { SlipBuilder } from './slip';
import { ChainStore } from '../center/national/chain-store';
import { NationalChainRunner } from '../center/national/chain-runner';
import { NationalChainDriver, sameCode, type NationalCodeFor } from './national-chain';

/** How long a preview/settle waits for the center to answer about a person's open messages. */
const RESOLVE_BEFORE_SPLIT_MS = 5_000;

export interface SettlementDeps {
  policy: PolicyPort;
  center: CenterPort;
  devices: DevicesPort;
  shift: ShiftPort;
  /** Dispensing stock (electron/stock): taken and given back inside the journal's transactions. */
  stock: Pick<StockStore, 'check' | 'take' | 'restore'>;
}

export function createSettlementPart(core: CoreApp, deps: SettlementDeps) {
  const outboxStore = outboxStoreOf(core.db);
  const bills = new BillStore(core);
  const trace = new TraceCodeStore(core);
  const reader = new SettlementReader(core, outboxStore, trace);
  const inbox = new BillInbox(core, bills);
  // The standard settlement slip (医保结算单): fee categories from the catalogue entry's kind.
  // A bill code's catalogue kind: its own entry's, or (set by the catalogue mapping) its mapped national code's.
  let kindOf = (code: string): string | undefined => deps.policy.entry(code)?.kind;
  const slips = new SlipBuilder(core, reader, (code) => kindOf(code));
  let his: HisEndpoint | null = null;
  let closed = false;

  // The status bar's queue facts; recomputed at most every 250 ms while answers stream in.
  let statusTimer: NodeJS.Timeout | null = null;
  const publishNow = () => {
    if (closed) return;
    const q = outboxStore.queueFacts();
    core.status.set('outbox', q);
    core.status.set('offlineProvisional', !deps.center.isOnline());
  };
  /** From timers and listeners: a failure is logged, never thrown into the event loop. */
  const publishSafely = () => {
    try {
      publishNow();
    } catch (e) {
      if (!closed) core.log.warn('settlement: queue status not published', { error: e instanceof Error ? e.message : String(e) });
    }
  };
  const publish = () => {
    if (statusTimer || closed) return;
    statusTimer = setTimeout(() => {
      statusTimer = null;
      publishSafely();
    }, 250);
    statusTimer.unref?.();
  };

  // The cashier who committed a settlement is the upload's opter, also when it goes out later
  // (a drain, a retry); names are asked once per operator.
  const operatorNames = new Map<string, string>();
  const operatorOf = (settlementId: string) => {
    const id = reader.operatorIdOf(settlementId);
    if (!id) return undefined;
    let name = operatorNames.get(id);
    if (name === undefined) {
      name = core.auth.listOperators().find((o) => o.id === id)?.name ?? id;
      operatorNames.set(id, name);
    }
    return { id, name };
  };

  // The catalog mapping (对照) fills this in; until then a clinic code is sent as the national one.
  let nationalCodeFor: NationalCodeFor = sameCode;
  // ...and this: which bill codes have no confirmed national code (none, until it is set).
  let unmappedLines: (codes: readonly string[]) => readonly { clinicCode: string; state: string }[] = () => [];

  // The national protocol's chains (issue 16): journaled with the settlement, driven by the
  // worker as one outbox item each. Made in either protocol, so that chains queued under the
  // national one still go out should the setting be changed back.
  const chainStore = new ChainStore(core.db);
  const chainRunner = new NationalChainRunner(chainStore, deps.center.client, core.clock);
  const chains = new NationalChainDriver(chainRunner, chainStore);
  reader.setChainProgress((chainId) => chains.progress(chainId));

  // Traceability sales reports (3505 / 3506), queued with the sales and refunds (issue 17).
  const traceReports = new TraceReports(core, { outbox: outboxStore, reader, center: deps.center, nationalCodeFor: (code: string) => nationalCodeFor(code) });

  const worker = new OutboxWorker(core, deps.center, outboxStore, (a) => {
    const state = reader.stateOf(a.settlementId) ?? a.state;
    core.events.emit('settlement.changed', { settlementId: a.settlementId, state });
    publish();
  }, {}, operatorOf, chains, traceReports);

  const journal = new SettlementJournal(core, {
    ...deps,
    outbox: outboxStore,
    bills,
    reader,
    trace,
    traceReports,
    // Before a split is based on a person's year, what became of their unanswered messages.
    resolvePending: (psnNo: string) => worker.resolvePerson(psnNo, { timeoutMs: RESOLVE_BEFORE_SPLIT_MS }),
    chains: chainRunner,
    nationalCodeFor: (code: string) => nationalCodeFor(code),
    unmappedLines: (codes) => unmappedLines(codes),
    kindOf: (code: string) => kindOf(code),
    afterCommit: () => {
      // Coalesced: the queue facts count every open item, which at a long offline day's depth
      // cost more than the settlement's own commit when recomputed after each one.
      publish();
      // Online: attempt the upload at once. Offline it waits for the worker's next look.
      if (deps.center.isOnline()) worker.kick();
    },
  });

  // Connectivity changes flip the offline banner and, when back online, wake the uploads.
  const unsubscribe = deps.center.onConnectivity?.((online) => {
    publishSafely();
    if (online) worker.kick();
  });

  return {
    journal,
    chains,
    /** The catalog mapping's seam: how a clinic code is sent in 2204 (default: unchanged). */
    setNationalCodeFor(fn: NationalCodeFor): void {
      nationalCodeFor = fn;
    },
    /** The catalog mapping's third seam: a clinic code's kind through its mapping (a clinic's drug is a drug). */
    setKindOf(fn: (code: string) => string | undefined): void {
      kindOf = fn;
    },
    /** The catalog mapping's other seam: the bill codes the national protocol refuses before settling. */
    setUnmappedLines(fn: (codes: readonly string[]) => readonly { clinicCode: string; state: string }[]): void {
      unmappedLines = fn;
    },
    reader,
    trace,
    traceReports,
    slips,
    bills,
    inbox,
    worker,
    get his(): HisEndpoint | null {
      return his;
    },
    preview: (req: PreviewRequest) => journal.preview(req),
    settle: (req: SettleRequest, operator: OperatorView) => journal.settle(req, operator),
    refund: (id: string, supervisor: { id: string; pin: string }, reason: string, operator: OperatorView) => journal.refund(id, supervisor, reason, operator),
    printCorrected: (id: string, operator: OperatorView) => journal.printCorrected(id, operator),
    get: (id: string) => reader.view(id),
    list: (date?: string) => reader.list(date ?? chinaDate(core.clock.now())),
    outboxStatus: () => reader.outboxStatus(),
    centerOnline: () => deps.center.isOnline(),
    drain: (opts: { untilEmpty?: boolean; timeoutMs?: number } = {}) => worker.drain(opts),
    /** Tests and the CLI tune the worker (concurrency, backoff). */
    configureOutbox: (opts: Partial<WorkerOptions>) => worker.configure(opts),
    /** Begin background work: outbox worker, bill inbox, HIS endpoint. */
    start(): void {
      worker.start();
      inbox.start();
      his = new HisEndpoint(core, bills);
      his.start().catch((e: unknown) => core.log.warn('HIS endpoint did not start', { error: String(e) }));
      publishNow();
    },
    async close(): Promise<void> {
      closed = true;
      if (statusTimer) clearTimeout(statusTimer);
      if (typeof unsubscribe === 'function') unsubscribe();
      inbox.close();
      await his?.close();
      await worker.close();
    },
  };
}

export type SettlementPart = ReturnType<typeof createSettlementPart>;
