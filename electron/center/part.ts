// The center part: the link to the center (connection.ts: wire client, terminal number,
// reachability, sign-out), person lookup with the local cache, policy sync (policy-schedule.ts)
// and, in demo mode, the sandbox center run in-process (demo-sandbox.ts).
import { AppError } from '../api/result';
import type { CenterStatusView, PersonView, PolicySyncView } from '../api/contract/center';
import type { CoreApp } from '../app/core';
import type { PolicyPart } from '../policy/part';
import { CenterConnection, type ConnectivityListener } from './connection';
import { DemoSandboxHost, type DemoSandbox } from './demo-sandbox';
import { lookupPerson, readCachedByPsnNo, type PersonCredential } from './person-lookup';
import { lookupPersonNational } from './national/person';
import { NationalSession, type NationalOperator } from './national/session';
import type { ChronicFiling, ClinicBinding } from '../api/contract/center';
import { PolicySyncSchedule } from './policy-schedule';
import type { SyncProgress } from './policy-sync';

export type { CenterOutcome } from './client';
export { SIGN_OUT_TIMEOUT_MS } from './connection';
export type { DemoSandbox } from './demo-sandbox';

export interface CenterPartOptions {
  /** Policy sync period while running; default 30 min. */
  policySyncIntervalMs?: number;
  /** How long close() waits for the 9002 sign-out; default SIGN_OUT_TIMEOUT_MS. */
  signOutTimeoutMs?: number;
}

export function createCenterPart(core: CoreApp, deps: { policy: PolicyPart }, opts: CenterPartOptions = {}) {
  const host = core.demo ? new DemoSandboxHost(core) : null;
  const connection = new CenterConnection(core, host, {
    signOutTimeoutMs: opts.signOutTimeoutMs,
    onBackOnline: () => schedule.catchUp(),
  });
  const { connectivity, send } = connection;
  const session = new NationalSession({ client: connection.wireClient, terminalNo: () => connection.terminalNo(), log: core.log, signOutTimeoutMs: opts.signOutTimeoutMs });
  const national = core.settings.centerProtocol === 'national';
  const schedule = new PolicySyncSchedule({ core, policy: deps.policy, send, isOnline: () => connectivity.get().online, intervalMs: opts.policySyncIntervalMs });

  const sandbox: DemoSandbox | undefined = host
    ? {
        get url() {
          return host.url;
        },
        get faults() {
          return host.faults;
        },
        setOffline(offline: boolean) {
          void part.setSandboxOffline(offline);
        },
        center: () => host.start(),
      }
    : undefined;

  const part = {
    /** The wire: message ids and one transaction per call (see CENTER-PROTOCOL.md). */
    client: {
      newMsgId: (): string => connection.newMsgId(),
      send,
      /** The national interface (NATIONAL-PLATFORM.md): the chain runner's port. */
      sendNational: connection.sendNational,
      setSignNo: (signNo: string, operatorId?: string): void => connection.setSignNo(signNo, operatorId),
    },
    sandbox,

    isOnline: (): boolean => connectivity.get().online,

    /** Called with (online, status) whenever reachability changes. Returns an unsubscribe. */
    onConnectivity: (fn: ConnectivityListener): (() => void) => connection.onConnectivity(fn),

    status: (): CenterStatusView => connection.status(),

    /** Probe once now (joins a probe under way); resolves to whether the center answered. */
    probeNow: (): Promise<boolean> => connectivity.probeNow(),

    lookupPerson(cred: PersonCredential, operator?: { id: string; name: string }): Promise<PersonView> {
      // Never contacted yet (no probe ran): ask the center rather than assume it is away.
      const worthAsking = () => {
        const st = connectivity.get();
        return st.online || (st.lastContactAt === null && st.failures === 0);
      };
      if (national) {
        return lookupPersonNational(
          { db: core.db, clock: core.clock, isOnline: worthAsking, send: (i, input, o) => session.send(i, input, o), institutionCode: core.settings.institutionCode, cumTypes: connection.variant().cumTypes },
          cred,
          operator,
        );
      }
      return lookupPerson({ db: core.db, clock: core.clock, isOnline: worthAsking, send, institutionCode: core.settings.institutionCode }, cred, operator);
    },

    /**
     * The national platform (centerProtocol national): each operator's sign-in (9001 at shift
     * open, renewed when the center asks, 9002 at shift close), the signed-in exchange, and the
     * person's filings as last answered (5301/5302, for issue 17's chronic-disease and binding rules).
     */
    national: {
      enabled: national,
      session,
      send: (infno: string, input: object, o?: Parameters<NationalSession['send']>[2]) => session.send(infno, input, o),
      signIn: (operator: NationalOperator) => session.signIn(operator),
      signOut: (operator: NationalOperator) => session.signOut(operator),
      newMsgId: (): string => connection.newMsgId(),
      /** 5301 filings of a person from the last lookup (live or cached); null = not known. */
      filings: (psnNo: string): ChronicFiling[] | null => readCachedByPsnNo(core.db, psnNo)?.national?.filings ?? null,
      /** 5302 clinic bindings of a person from the last lookup; null = not known. */
      bindings: (psnNo: string): ClinicBinding[] | null => readCachedByPsnNo(core.db, psnNo)?.national?.bindings ?? null,
    },

    /** Policy sync progress (asking, downloading bytes, applying, done). */
    onSyncProgress: (fn: (p: SyncProgress) => void): (() => void) => schedule.onProgress(fn),

    /** One sync at a time: a second caller while one runs joins it (one progress stream for the windows). */
    syncPolicy: (): Promise<PolicySyncView> => schedule.syncNow(),

    /** Demo switch: the sandbox refuses connections (offline) or accepts them again. */
    async setSandboxOffline(offline: boolean): Promise<void> {
      if (!host) throw new AppError('NOT_DEMO', '只有演示模式（内置沙箱中心）才能切换中心离线。');
      await host.setOffline(offline);
      await connectivity.probeNow();
    },

    /** Begin background work: connectivity probing, policy sync now and on a timer. */
    start(): void {
      if (!schedule.start()) return;
      connectivity.start();
      void connectivity.probeNow().then((online) => (online ? schedule.inBackground() : undefined));
    },

    async close(): Promise<void> {
      schedule.close();
      await connection.close();
      await host?.close();
    },
  };
  return part;
}

export type CenterPart = ReturnType<typeof createCenterPart>;
