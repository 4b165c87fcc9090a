// The second outbox stream: this window's changed records to the clinic's PostgreSQL.
// Each round takes the oldest markers (stream-store.ts), reads each record's current state
// (snapshots.ts), writes them in one PostgreSQL transaction (pg-sink.ts) and only then forgets
// the markers. A crash of either side at any point only means the round is done again: the
// upserts are idempotent and version-guarded. PostgreSQL down: the window works on, markers
// pile up, the status bar shows the lag, and the stream catches up when it is back.
import type pg from 'pg';
import type { ClinicStreamStatus } from '../api/contract/system';
import { redactPasswordOf } from '../api/redact';
import { AppError } from '../api/result';
import type { CoreApp } from '../app/core';
import { backoffDelay } from '../outbox/backoff';
import { clinicSchemaVersion, expectedClinicSchemaVersion, withClient } from './pg';
import { writeBatch } from './pg-sink';
import type { ClinicRecord, ClinicSettlement, SnapshotReader } from './snapshots';
import type { ClinicStreamStore, Marker } from './stream-store';

export interface ClinicStreamOptions {
  /** Markers per round (default 500). */
  batchSize?: number;
  /** How often an idle stream looks for new markers (default 250 ms). */
  pollMs?: number;
}

const RETRY = { baseMs: 1_000, capMs: 30_000 };

/** The status bar's and the log's words for a failure; never the connection's password (`url`). */
function errorOf(e: unknown, url: string): { code: string; message: string } {
  if (e instanceof AppError) return { code: e.code, message: redactPasswordOf(url, e.message) };
  const err = e as { code?: string; message?: string };
  // pg errors carry the SQLSTATE (42501 = RLS / privilege), network errors ECONNREFUSED etc.
  const message = redactPasswordOf(url, `汇总数据库：${err.code ?? ''} ${err.message ?? String(e)}`.trim());
  return { code: err.code === '42501' ? 'CLINIC_DB_REFUSED' : 'CLINIC_DB_UNREACHABLE', message: message.slice(0, 300) };
}

export class ClinicStream {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private failures = 0;
  private checked = false;
  private busy: Promise<number> = Promise.resolve(0);
  private lastSyncAt: string | null = null;
  private lastError: { code: string; message: string } | null = null;
  private readonly batchSize: number;
  private readonly pollMs: number;

  constructor(
    private readonly core: CoreApp,
    private readonly store: ClinicStreamStore,
    private readonly reader: SnapshotReader,
    private readonly pool: pg.Pool,
    readonly windowId: string,
    opts: ClinicStreamOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 500;
    this.pollMs = opts.pollMs ?? 250;
  }

  start(): void {
    this.publish();
    this.schedule(0);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.busy.catch(() => 0);
  }

  /** One round (never two at once); resolves with the number of markers sent. */
  pumpOnce(): Promise<number> {
    const next = this.busy.catch(() => 0).then(() => this.round());
    this.busy = next;
    return next;
  }

  /** Send until nothing is pending (CLI, tests); throws the last error when PostgreSQL refuses. */
  async drain(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.store.backlog().pending > 0) {
      if (Date.now() > until) throw new AppError('CLINIC_DRAIN_TIMEOUT', `汇总未能在 ${Math.round(timeoutMs / 1000)} 秒内传完。`);
      await this.pumpOnce();
    }
  }

  status(): ClinicStreamStatus {
    const b = this.store.backlog();
    return {
      state: this.lastError ? 'down' : 'ok',
      windowId: this.windowId,
      pending: b.pending,
      oldestPendingAt: b.oldestAt,
      lastSyncAt: this.lastSyncAt,
      errorCode: this.lastError?.code ?? null,
      error: this.lastError?.message ?? null,
    };
  }

  private publish(): void {
    this.core.status.set('clinic', this.status());
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    let delay = this.pollMs;
    try {
      const n = await this.pumpOnce();
      if (n >= this.batchSize) delay = 0;
    } catch {
      delay = backoffDelay(this.failures, RETRY);
    }
    if (!this.closed) this.publish();
    this.schedule(delay);
  }

  private async round(): Promise<number> {
    const markers = this.store.pending(this.batchSize);
    if (markers.length === 0) {
      this.lastError = null;
      return 0;
    }
    try {
      if (!this.checked) await this.checkTarget();
      const { settlements, records, upTo } = this.snapshots(markers);
      await withClient(this.pool, (client) => writeBatch(client, settlements, records));
      // After PostgreSQL's commit: a crash before this line resends the same versions (no-ops).
      this.store.sent(upTo);
      this.failures = 0;
      this.lastError = null;
      this.lastSyncAt = new Date().toISOString();
      return markers.length;
    } catch (e) {
      this.failures++;
      this.checked = false;
      const err = errorOf(e, this.core.settings.clinicDatabaseUrl);
      if (this.lastError?.code !== err.code) this.core.log.warn('clinic stream: PostgreSQL not written', { code: err.code, message: err.message });
      this.lastError = err;
      throw e;
    }
  }

  /** The schema is current and this login is registered as this window (else RLS would refuse every row). */
  private async checkTarget(): Promise<void> {
    const have = await clinicSchemaVersion(this.pool);
    const want = expectedClinicSchemaVersion();
    if (have < want) throw new AppError('CLINIC_SCHEMA_OLD', `汇总数据库结构版本为 ${have}，本程序需要 ${want}：请管理员运行 clinic migrate。`);
    const r = await this.pool.query<{ w: string | null }>('SELECT clinic_my_window() AS w');
    const mine = r.rows[0]?.w ?? null;
    if (mine !== this.windowId) {
      throw new AppError(
        'CLINIC_WINDOW_MISMATCH',
        mine === null ? `汇总数据库的登录角色未登记为任何窗口：请管理员运行 clinic add-window ${this.windowId}。` : `汇总数据库的登录角色登记为窗口 ${mine}，本窗口是 ${this.windowId}：请检查 clinicDatabaseUrl。`,
      );
    }
    this.checked = true;
  }

  /** The current state of each record marked, once per record (its latest marker is its version). */
  private snapshots(markers: readonly Marker[]): { settlements: ClinicSettlement[]; records: ClinicRecord[]; upTo: number } {
    const latest = new Map<string, Marker>();
    for (const m of markers) latest.set(`${m.kind}\u0000${m.record_id}`, m);
    const settlements: ClinicSettlement[] = [];
    const records: ClinicRecord[] = [];
    // One read transaction: every record of the round as of one moment.
    this.core.db.transaction(() => {
      for (const m of latest.values()) {
        if (m.kind === 'settlement') {
          const s = this.reader.settlement(m.record_id, m.seq);
          if (s) settlements.push(s);
        } else {
          const r = this.reader.record(m.kind, m.record_id, m.seq);
          if (r) records.push(r);
        }
      }
    })();
    return { settlements, records, upTo: markers[markers.length - 1]!.seq };
  }
}
