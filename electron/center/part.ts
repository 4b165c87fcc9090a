// The center part: the wire client, connectivity, person lookup with the local cache, policy
// sync (start, timer, on demand) and, in demo mode, the sandbox center started in-process.
import { join } from 'node:path';
import { AppError } from '../api/result';
import type { CenterStatusView, PersonView, PolicySyncView } from '../api/contract/center';
import type { CoreApp } from '../app/core';
import type { PolicyPart } from '../policy/part';
import { CenterClient, takeMsgId, type CenterOutcome, type ContactReport, type SendOptions } from './client';
import { Connectivity, type ConnectivityState } from './connectivity';
import { lookupPerson, type PersonCredential } from './person-lookup';
import { resolveTerminalNo, type TerminalNo } from './terminal';
import { asPolicySink, syncPolicy, type SyncProgress } from './policy-sync';
import { SyncProgressPublisher } from './sync-progress';
import { parseFaults, type FaultSettings } from './sandbox/faults';
import { startSandboxCenter, type SandboxCenter } from './sandbox/server';

export type { CenterOutcome } from './client';

export interface CenterPartOptions {
  /** Policy sync period while running; default 30 min. */
  policySyncIntervalMs?: number;
  /** How long close() waits for the 9002 sign-out; default SIGN_OUT_TIMEOUT_MS. */
  signOutTimeoutMs?: number;
}

/** Signing out is a courtesy to the center: shutdown never waits longer than this for it. */
export const SIGN_OUT_TIMEOUT_MS = 1_500;

/** The in-process sandbox of demo mode, for the demo switch and tests. */
export interface DemoSandbox {
  /** '' until started (it starts on first use or on start()). */
  readonly url: string;
  setOffline(offline: boolean): void;
  /** Live fault settings; change them with `center()` methods for anything beyond offline. */
  readonly faults: FaultSettings | null;
  /** Starts it if needed and returns the running center. */
  center(): Promise<SandboxCenter>;
}

export function createCenterPart(core: CoreApp, deps: { policy: PolicyPart }, opts: CenterPartOptions = {}) {
  const { db, clock, log, settings } = core;
  const demo = core.demo;
  let sandboxPromise: Promise<SandboxCenter> | null = null;
  let sandboxRunning: SandboxCenter | null = null;
  let clientPromise: Promise<CenterClient> | null = null;
  let closed = false;
  let syncTimer: NodeJS.Timeout | null = null;
  let syncedThisRun = false;
  let syncing: Promise<PolicySyncView> | null = null;
  let terminal: TerminalNo | null = null;
  /** This window's number in every message id; drawn and kept on first use when not configured. */
  function terminalNo(): string {
    if (!terminal) {
      terminal = resolveTerminalNo(db, settings.terminalNo, clock.now());
      log.info('center terminal number', { ...terminal });
    }
    return terminal.terminalNo;
  }
  const connectivityListeners = new Set<(online: boolean, state: CenterStatusView) => void>();
  const progressListeners = new Set<(p: SyncProgress) => void>();

  function startSandbox(): Promise<SandboxCenter> {
    if (!sandboxPromise) {
      sandboxPromise = startSandboxCenter({
        dataDir: join(core.dataDir, 'sandbox-center'),
        institutionCode: settings.institutionCode,
        secret: settings.institutionSecret,
        clock,
        log,
        faults: parseFaults(settings.sandboxFaults),
      }).then(
        (s) => {
          sandboxRunning = s;
          log.info('sandbox center started', { url: s.url });
          return s;
        },
        (e: unknown) => {
          // Not cached: the next use (a probe, a lookup) tries to start it again.
          sandboxPromise = null;
          log.error('sandbox center failed to start', { error: e instanceof Error ? e.message : String(e) });
          throw e;
        },
      );
    }
    return sandboxPromise;
  }

  function getClient(): Promise<CenterClient> {
    if (closed) return Promise.reject(new AppError('CENTER_CLOSED', '程序正在关闭，无法连接医保中心。'));
    if (!clientPromise) {
      clientPromise = (async () => {
        const url = demo ? (await startSandbox()).url : settings.centerUrl;
        const c = new CenterClient(db, clock, log, {
          url,
          institutionCode: settings.institutionCode,
          terminalNo: terminalNo(),
          institutionName: settings.institutionName,
          institutionSecret: settings.institutionSecret,
          areaCode: settings.areaCode,
          caFile: settings.centerCaFile,
        });
        c.onContact((r: ContactReport) => connectivity.report(r));
        return c;
      })();
      // A failed start is not cached: the next use tries again.
      clientPromise.catch(() => (clientPromise = null));
    }
    return clientPromise;
  }

  async function send(infno: string, input: object, sendOpts?: SendOptions): Promise<CenterOutcome> {
    let c: CenterClient;
    try {
      c = await getClient();
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      connectivity.report({ reached: false, at: clock.now().toISOString(), error: reason });
      return { kind: 'unknown', msgid: sendOpts?.msgid ?? '', reason };
    }
    return c.send(infno, input, sendOpts);
  }

  async function probe(): Promise<void> {
    const outcome = await send('9001', { signIn: { opter_no: 'system', mac: '', ip: '127.0.0.1' } }, { timeoutMs: 5_000 });
    if (outcome.kind === 'success') {
      const out = outcome.output as { signinoutb?: { sign_no?: unknown } } | null;
      const signNo = out?.signinoutb?.sign_no;
      if (typeof signNo === 'string' && clientPromise) (await clientPromise).setSignNo(signNo);
    } else if (outcome.kind === 'rejected') {
      // Reachable but refusing us (wrong secret or institution code): show why on the status bar.
      connectivity.report({ reached: true, at: clock.now().toISOString(), error: `中心拒绝签到：${outcome.message}（请检查机构编码与签名密钥）` });
    }
  }

  const connectivity = new Connectivity({ probe });

  function statusView(): CenterStatusView {
    const s: ConnectivityState = connectivity.get();
    const signedIn = (db.prepare("SELECT 1 FROM center_state WHERE key = 'sign_no'").get() as unknown) !== undefined;
    return {
      mode: s.online ? 'online' : 'offline',
      sandbox: demo,
      url: demo ? (sandboxRunning?.url ?? '') : settings.centerUrl,
      lastContactAt: s.lastContactAt,
      lastError: s.lastError,
      nextProbeInMs: s.nextProbeAt === null || s.online ? null : Math.max(0, s.nextProbeAt - Date.now()),
      signedIn,
    };
  }

  function publishStatus(): void {
    const v = statusView();
    core.status.set('center', { mode: v.mode, sandbox: v.sandbox, url: v.url, lastContactAt: v.lastContactAt, lastError: v.lastError });
  }

  let wasOnline = false;
  connectivity.onChange((s) => {
    publishStatus();
    if (s.online !== wasOnline) {
      wasOnline = s.online;
      log.info(s.online ? 'center reachable' : 'center unreachable', { error: s.lastError });
      const v = statusView();
      for (const fn of connectivityListeners) fn(s.online, v);
      // Back online after a failed or missing sync: catch up now.
      if (s.online && running && !syncedThisRun) void backgroundSync();
    }
  });
  publishStatus();

  /** The status bar's policy facts after a sync changed (or confirmed) the table in force. */
  function publishPolicyStatus(): void {
    const policy = deps.policy as { status?: () => { seq: number; version: string; appliedAt: string } | null };
    const st = typeof policy.status === 'function' ? policy.status() : null;
    if (st) core.status.set('policy', { seq: st.seq, version: st.version, appliedAt: st.appliedAt });
  }

  /**
   * 9002 on an orderly close, best effort: only when the center was reachable at the last
   * exchange (known offline = nothing to wait for) and never longer than a short deadline.
   * A final answer (signed out, or the center no longer knows the number) forgets the sign-in.
   */
  async function signOut(c: CenterClient): Promise<void> {
    const signNo = c.signNo();
    if (!signNo || !connectivity.get().online) return;
    const outcome = await c.send('9002', { signOut: { sign_no: signNo, opter_no: 'system' } }, { timeoutMs: opts.signOutTimeoutMs ?? SIGN_OUT_TIMEOUT_MS });
    if (outcome.kind === 'success' || outcome.kind === 'rejected') db.prepare("DELETE FROM center_state WHERE key = 'sign_no'").run();
    log.info('center sign-out', { kind: outcome.kind });
  }

  let running = false;
  /** Logged by syncPolicy itself, once per sync however many callers joined it. */
  async function backgroundSync(): Promise<void> {
    await part.syncPolicy().catch(() => undefined);
  }

  const sandbox: DemoSandbox | undefined = demo
    ? {
        get url() {
          return sandboxRunning?.url ?? '';
        },
        get faults() {
          return sandboxRunning?.faults ?? null;
        },
        setOffline(offline: boolean) {
          void part.setSandboxOffline(offline);
        },
        center: startSandbox,
      }
    : undefined;

  const part = {
    /** The wire: message ids and one transaction per call (see CENTER-PROTOCOL.md). */
    client: {
      newMsgId: (): string => takeMsgId(db, clock, settings.institutionCode, terminalNo()),
      send,
    },
    sandbox,

    isOnline: (): boolean => connectivity.get().online,

    /** Called with (online, status) whenever reachability changes. Returns an unsubscribe. */
    onConnectivity(fn: (online: boolean, status: CenterStatusView) => void): () => void {
      connectivityListeners.add(fn);
      return () => connectivityListeners.delete(fn);
    },

    status: statusView,

    /** Probe once now (joins a probe under way); resolves to whether the center answered. */
    probeNow: (): Promise<boolean> => connectivity.probeNow(),

    lookupPerson(cred: PersonCredential, operator?: { id: string; name: string }): Promise<PersonView> {
      // Never contacted yet (no probe ran): ask the center rather than assume it is away.
      const worthAsking = () => {
        const st = connectivity.get();
        return st.online || (st.lastContactAt === null && st.failures === 0);
      };
      return lookupPerson({ db, clock, isOnline: worthAsking, send }, cred, operator);
    },

    /** Policy sync progress (asking, downloading bytes, applying, done). */
    onSyncProgress(fn: (p: SyncProgress) => void): () => void {
      progressListeners.add(fn);
      return () => progressListeners.delete(fn);
    },

    /** One sync at a time: a second caller while one runs joins it (one progress stream for the windows). */
    syncPolicy(): Promise<PolicySyncView> {
      if (!syncing) {
        syncing = (async () => {
          const windows = new SyncProgressPublisher((p) => core.events.emit('policy.sync', p));
          const onProgress = (p: SyncProgress) => {
            windows.report(p);
            progressListeners.forEach((fn) => fn(p));
          };
          try {
            const r = await syncPolicy({ sink: asPolicySink(deps.policy), send, onProgress });
            syncedThisRun = true;
            publishPolicyStatus();
            log.info('policy sync', { ...r });
            return r;
          } catch (e) {
            windows.failed(e instanceof Error ? e.message : String(e));
            log.warn('policy sync failed', { code: e instanceof AppError ? e.code : 'INTERNAL', error: e instanceof Error ? e.message : String(e) });
            throw e;
          }
        })().finally(() => (syncing = null));
      }
      return syncing;
    },

    /** Demo switch: the sandbox refuses connections (offline) or accepts them again. */
    async setSandboxOffline(offline: boolean): Promise<void> {
      if (!demo) throw new AppError('NOT_DEMO', '只有演示模式（内置沙箱中心）才能切换中心离线。');
      const s = await startSandbox();
      await s.setOffline(offline);
      await connectivity.probeNow();
    },

    /** Begin background work: connectivity probing, policy sync now and on a timer. */
    start(): void {
      if (running || closed) return;
      running = true;
      publishPolicyStatus();
      connectivity.start();
      void connectivity.probeNow().then((online) => (online ? backgroundSync() : undefined));
      syncTimer = setInterval(() => void (connectivity.get().online ? backgroundSync() : undefined), opts.policySyncIntervalMs ?? 30 * 60_000);
      syncTimer.unref?.();
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      running = false;
      connectivity.stop();
      if (syncTimer) clearInterval(syncTimer);
      connectivityListeners.clear();
      progressListeners.clear();
      const c = await clientPromise?.catch(() => null);
      if (c) await signOut(c).catch((e: unknown) => log.warn('center sign-out failed', { error: e instanceof Error ? e.message : String(e) }));
      c?.close();
      const s = await sandboxPromise?.catch(() => null);
      await s?.close();
    },
  };
  return part;
}

export type CenterPart = ReturnType<typeof createCenterPart>;
