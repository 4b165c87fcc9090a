// Whether the center is reachable. Every exchange reports in; while the center is away a
// probe runs with exponential backoff (2 s doubling to 60 s, with jitter) instead of
// hammering it; while it is reachable a heartbeat probes only after a quiet minute.
import type { ContactReport } from './client';

export interface ConnectivityOptions {
  /** Returns whether the center answered (any well-formed answer counts). */
  probe(): Promise<void>;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  heartbeatMs?: number;
  /** 0..1 spread of each delay, so many clients don't probe in step. */
  jitter?: number;
}

export interface ConnectivityState {
  online: boolean;
  lastContactAt: string | null;
  lastError: string | null;
  /** Consecutive failed probes since the center was last reached. */
  failures: number;
  nextProbeAt: number | null;
}

export class Connectivity {
  private state: ConnectivityState = { online: false, lastContactAt: null, lastError: null, failures: 0, nextProbeAt: null };
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private probing: Promise<void> | null = null;
  /** Wall time of the last answer, for the heartbeat (the app clock may be moved by tests). */
  private lastReachedWall = 0;
  private readonly listeners = new Set<(s: ConnectivityState) => void>();
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly heartbeatMs: number;
  private readonly jitter: number;

  constructor(private readonly opts: ConnectivityOptions) {
    this.minBackoffMs = opts.minBackoffMs ?? 2_000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 60_000;
    this.heartbeatMs = opts.heartbeatMs ?? 60_000;
    this.jitter = opts.jitter ?? 0.2;
  }

  get(): ConnectivityState {
    return { ...this.state };
  }

  onChange(fn: (s: ConnectivityState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Fed by the client after every exchange (probes included). */
  report(r: ContactReport): void {
    const before = this.state;
    if (r.reached) {
      this.lastReachedWall = Date.now();
      this.state = { online: true, lastContactAt: r.at, lastError: r.error, failures: 0, nextProbeAt: before.nextProbeAt };
    } else {
      this.state = { ...before, online: false, lastError: r.error, failures: before.failures + 1 };
    }
    if (before.online !== this.state.online || before.lastError !== this.state.lastError || before.lastContactAt !== this.state.lastContactAt) {
      this.schedule();
      this.emit();
    }
  }

  /** Begin background probing: one probe now, then backoff or heartbeat. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.probeNow();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.state = { ...this.state, nextProbeAt: null };
  }

  /** Probe once (joins a probe already under way). */
  async probeNow(): Promise<boolean> {
    if (!this.probing) {
      this.probing = this.opts
        .probe()
        .catch(() => undefined)
        .finally(() => {
          this.probing = null;
          this.schedule();
        });
    }
    await this.probing;
    return this.state.online;
  }

  /** The delay before the next probe after `failures` consecutive failures. */
  backoffMs(failures: number): number {
    const base = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** Math.max(0, failures - 1));
    const spread = base * this.jitter;
    return Math.round(base - spread + Math.random() * 2 * spread);
  }

  private schedule(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    const delay = this.state.online ? this.heartbeatMs : this.backoffMs(Math.max(1, this.state.failures));
    this.state = { ...this.state, nextProbeAt: Date.now() + delay };
    this.timer = setTimeout(() => {
      this.timer = null;
      // While online, probe only if nothing else reached the center during the quiet period.
      if (this.state.online && Date.now() - this.lastReachedWall < this.heartbeatMs / 2) return this.schedule();
      void this.probeNow();
    }, delay);
    this.timer.unref?.();
  }

  private emit(): void {
    for (const fn of this.listeners) fn(this.get());
  }
}
