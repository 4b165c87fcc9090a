// When the center part syncs the policy table: now on start, on a timer while the center is
// reachable, on demand, and as a catch-up when the center comes back after a missed sync.
// One sync at a time: a caller while one runs joins it (one progress stream for the windows).
import { AppError } from '../api/result';
import type { PolicySyncView } from '../api/contract/center';
import type { CoreApp } from '../app/core';
import type { CenterOutcome, SendOptions } from './client';
import { syncPolicy, type PolicySink, type SyncProgress } from './policy-sync';
import { SyncProgressPublisher } from './sync-progress';

export interface PolicyScheduleDeps {
  core: CoreApp;
  policy: PolicySink;
  send(infno: string, input: object, opts?: SendOptions): Promise<CenterOutcome>;
  isOnline(): boolean;
  /** Period of the timer; default 30 min. */
  intervalMs?: number;
}

export class PolicySyncSchedule {
  private running = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private syncedThisRun = false;
  private syncing: Promise<PolicySyncView> | null = null;
  private readonly progressListeners = new Set<(p: SyncProgress) => void>();

  constructor(private readonly deps: PolicyScheduleDeps) {}

  /** Policy sync progress (asking, downloading bytes, applying, done). Returns an unsubscribe. */
  onProgress(fn: (p: SyncProgress) => void): () => void {
    this.progressListeners.add(fn);
    return () => this.progressListeners.delete(fn);
  }

  syncNow(): Promise<PolicySyncView> {
    this.syncing ??= this.run().finally(() => (this.syncing = null));
    return this.syncing;
  }

  /** Starts the timer; false when already running or closed. */
  start(): boolean {
    if (this.running || this.closed) return false;
    this.running = true;
    this.timer = setInterval(() => void (this.deps.isOnline() ? this.inBackground() : undefined), this.deps.intervalMs ?? 30 * 60_000);
    this.timer.unref?.();
    return true;
  }

  /** Logged by the sync itself, once per sync however many callers joined it. */
  async inBackground(): Promise<void> {
    await this.syncNow().catch(() => undefined);
  }

  /** Back online after a failed or missing sync: catch up now. */
  catchUp(): void {
    if (this.running && !this.syncedThisRun) void this.inBackground();
  }

  close(): void {
    this.closed = true;
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.progressListeners.clear();
  }

  private async run(): Promise<PolicySyncView> {
    const { core, policy, send } = this.deps;
    const windows = new SyncProgressPublisher((p) => core.events.emit('policy.sync', p));
    const onProgress = (p: SyncProgress) => {
      windows.report(p);
      this.progressListeners.forEach((fn) => fn(p));
    };
    try {
      const r = await syncPolicy({ sink: policy, send, onProgress });
      this.syncedThisRun = true;
      core.log.info('policy sync', { ...r });
      return r;
    } catch (e) {
      windows.failed(e instanceof Error ? e.message : String(e));
      core.log.warn('policy sync failed', { code: e instanceof AppError ? e.code : 'INTERNAL', error: e instanceof Error ? e.message : String(e) });
      throw e;
    }
  }
}
