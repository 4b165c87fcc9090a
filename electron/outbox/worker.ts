// The upload worker: sends due outbox items to the center with bounded concurrency, one item
// per person at a time and in commit order, retrying busy/unknown outcomes with the same msgid
// after an exponential, jittered delay. A stuck item only holds back its own person's later
// items; everyone else's keep flowing.
import type { CoreApp } from '../app/core';
import type { CenterOutcome, CenterPort } from '../settlement/ports';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { applyOutcome, type AppliedOutcome } from './outcome';
import { isChainItem, isTraceItem, OutboxStore, type Claim, type OutboxRow } from './store';

export interface WorkerOptions {
  concurrency: number;
  backoff: BackoffOptions;
  /** Per request; past it the outcome is unknown and the item is retried with the same msgid. */
  requestTimeoutMs: number;
  /** Longest sleep between looks at the table while running. */
  pollMs: number;
}

const NONE: ReadonlySet<number> = new Set();

/**
 * Takes a national chain item (store.isChainItem) as far as the center lets it go now and says
 * what that means for the item, as the answer to one message would: success with the center's
 * 2207 (or 2208) answer, rejected when refused and undone, busy/unknown when it must go again.
 */
export interface ChainDriver {
  drive(row: OutboxRow): Promise<CenterOutcome>;
}

/**
 * Sends a traceability report item (store.isTraceItem: 3505 / 3506) under its msgid, by the
 * protocol it was written under, its message completed from the journal (settlement/trace-reports.ts).
 */
export interface TraceSender {
  send(row: OutboxRow, opts: { timeoutMs: number; operator?: { id: string; name: string } }): Promise<CenterOutcome>;
}

/** Longest an answer waits for the others of its round before being recorded (see record()). */
const RECORD_GATHER_MS = 3;

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = { concurrency: 4, backoff: DEFAULT_BACKOFF, requestTimeoutMs: 15_000, pollMs: 1_000 };

export interface DrainResult {
  attempted: number;
  confirmed: number;
  adjusted: number;
  rejected: number;
  retrying: number;
  remaining: number;
  timedOut: boolean;
}

export class OutboxWorker {
  private opts: WorkerOptions;
  private readonly inflight = new Map<number, Promise<void>>();
  /** Person → the outbox id of theirs in the air: one at a time per person. */
  private readonly personsInFlight = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private drains = 0;
  private closed = false;
  private stats: DrainResult = emptyStats();
  private readonly waiters = new Set<() => void>();
  private pumpQueued = false;
  private recordQueued = false;
  private recordTimer: NodeJS.Timeout | null = null;
  /** Answers received, waiting for the next recordAnswers() (see record()). */
  private readonly answers: { row: OutboxRow; outcome: CenterOutcome; done: () => void }[] = [];

  constructor(
    private readonly core: CoreApp,
    private readonly center: CenterPort,
    readonly store: OutboxStore,
    private readonly onApplied: (a: AppliedOutcome) => void,
    opts: Partial<WorkerOptions> = {},
    /** Who committed the item's settlement: the envelope's opter/opter_name (else 'system'). */
    private readonly operatorOf: (settlementId: string) => { id: string; name: string } | undefined = () => undefined,
    /** The national protocol's chains (items with infno 'chain' / 'chain-undo'); none in the simple one. */
    private readonly chains: ChainDriver | null = null,
    /** The traceability reports (items of kind trace_sale / trace_return). */
    private readonly traceReports: TraceSender | null = null,
  ) {
    this.opts = { ...DEFAULT_WORKER_OPTIONS, ...opts };
  }

  configure(opts: Partial<WorkerOptions>): void {
    this.opts = { ...this.opts, ...opts };
  }

  start(): void {
    if (this.closed) return;
    this.running = true;
    this.schedule(0);
  }

  /** Something was just committed: look now instead of at the next poll. */
  kick(): void {
    if (this.closed) return;
    if (this.running) this.schedule(0);
    else this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inflight.values()]);
    for (const w of this.waiters) w();
  }

  inFlight(): number {
    return this.inflight.size;
  }

  /**
   * Send what is due. Without `untilEmpty`: one pass over the items due now (each sent once).
   * With it: keep going (sleeping through backoff delays) until nothing is open or `timeoutMs`.
   */
  async drain(opts: { untilEmpty?: boolean; timeoutMs?: number } = {}): Promise<DrainResult> {
    if (this.closed) return { ...emptyStats(), remaining: this.store.openCount() };
    const before = { ...this.stats };
    const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
    this.drains++;
    let timedOut = false;
    try {
      if (opts.untilEmpty) {
        while (this.store.hasOpen()) {
          if (this.closed) break;
          if (Date.now() >= deadline) {
            timedOut = true;
            break;
          }
          this.pump();
          await this.waitForProgress(Math.min(deadline - Date.now(), this.sleepHint()));
        }
      } else {
        // One pass: everything due at the start, once.
        const seen = new Set<number>();
        for (;;) {
          const sent = this.pump(seen);
          if (sent === 0 && this.inflight.size === 0) break;
          if (Date.now() >= deadline) {
            timedOut = true;
            break;
          }
          await this.waitForProgress(Math.min(deadline - Date.now(), this.opts.pollMs));
        }
      }
      if (timedOut || this.closed) await Promise.allSettled([...this.inflight.values()]);
    } finally {
      this.drains--;
    }
    const s = this.stats;
    return {
      attempted: s.attempted - before.attempted,
      confirmed: s.confirmed - before.confirmed,
      adjusted: s.adjusted - before.adjusted,
      rejected: s.rejected - before.rejected,
      retrying: s.retrying - before.retrying,
      remaining: this.store.openCount(),
      timedOut,
    };
  }

  /**
   * Learn what became of one person's open items before a split is based on them (issue 14):
   * each is sent now with its own msgid — the center answers one it already committed from its
   * store, and processes one it never saw — in the person's commit order, for at most
   * `timeoutMs` and `rounds` sends per item. Returns the items still open afterwards.
   */
  async resolvePerson(psnNo: string, opts: { timeoutMs: number; rounds?: number }): Promise<OutboxRow[]> {
    const open = () => this.store.openForPerson(psnNo);
    if (this.closed || open().length === 0) return open();
    const deadline = Date.now() + opts.timeoutMs;
    const tries = new Map<number, number>();
    const rounds = opts.rounds ?? 2;
    this.drains++; // answered items hand their slot to the person's next one (recordAnswers)
    try {
      for (;;) {
        const left = open();
        if (left.length === 0 || this.closed || Date.now() >= deadline) return left;
        const head = left[0]!;
        if (!this.personsInFlight.has(psnNo)) {
          const n = tries.get(head.id) ?? 0;
          if (n >= rounds) return left;
          this.store.dueNowForPerson(psnNo, this.core.clock.now());
          this.pump();
          // Counted only when it left (the slots may all be taken by other persons' items).
          if (this.personsInFlight.get(psnNo) === head.id) tries.set(head.id, n + 1);
        }
        await this.waitForProgress(Math.min(Math.max(1, deadline - Date.now()), 50));
      }
    } finally {
      this.drains--;
    }
  }

  private active(): boolean {
    return !this.closed && (this.running || this.drains > 0);
  }

  private schedule(ms: number): void {
    if (this.closed || !this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
      this.schedule(this.sleepHint());
    }, Math.max(0, ms));
    this.timer.unref?.();
  }

  /** How long until something may become due (bounded by the poll interval). */
  private sleepHint(): number {
    const next = this.store.nextAttemptAt();
    if (!next) return this.opts.pollMs;
    const ms = new Date(next).getTime() - this.core.clock.now().getTime();
    return Math.max(5, Math.min(this.opts.pollMs, ms));
  }

  private waitForProgress(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.waiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, Math.max(1, ms));
      this.waiters.add(done);
    });
  }

  /** Fill free slots with due items; returns how many were started. */
  private pump(onlyOnce?: Set<number>): number {
    if (this.closed) return 0;
    const free = this.opts.concurrency - this.inflight.size;
    if (free <= 0) return 0;
    const rows = this.pickDue(free, NONE, onlyOnce);
    if (!rows.length) return 0;
    const now = this.core.clock.now();
    let claimed: Set<number>;
    try {
      claimed = this.store.claimMany(this.claimsFor(rows, now), now);
    } catch (e) {
      // The database is closing or busy: nothing was marked, nothing is sent; the next look retries.
      this.core.log.warn('outbox: could not claim items', { ids: rows.map((r) => r.id), error: String(e) });
      return 0;
    }
    return this.launch(rows, claimed);
  }

  /**
   * Due items for up to `free` slots, in commit order, skipping items and persons in the air
   * (except those whose slots are being handed back: `freeing`, by outbox id).
   */
  private pickDue(free: number, freeing: ReadonlySet<number>, onlyOnce?: Set<number>): OutboxRow[] {
    const picked: OutboxRow[] = [];
    const now = this.core.clock.now();
    let afterId = 0;
    while (picked.length < free) {
      const want = free - picked.length;
      // Only heads whose time has come are returned, and an item being sent is not due (its
      // next attempt is its resend time), so asking for `want` rows rarely returns one to skip.
      const batch = this.store.due(now, want, afterId);
      for (const row of batch) {
        afterId = row.id;
        if (this.inflight.has(row.id)) continue;
        const holder = this.personsInFlight.get(row.psn_no);
        if (holder !== undefined && !freeing.has(holder)) continue;
        if (onlyOnce) {
          if (onlyOnce.has(row.id)) continue;
          onlyOnce.add(row.id);
        }
        picked.push(row);
      }
      if (batch.length < want) break;
    }
    return picked;
  }

  /** When each item is resent if we die with its request in the air. */
  private claimsFor(rows: readonly OutboxRow[], now: Date): Claim[] {
    return rows.map((row) => ({
      id: row.id,
      retryAt: new Date(now.getTime() + this.opts.requestTimeoutMs + backoffDelay(row.attempts + 1, this.opts.backoff)),
    }));
  }

  /** Send each claimed row; returns how many were started. */
  private launch(rows: readonly OutboxRow[], claimed: ReadonlySet<number>): number {
    let started = 0;
    for (const row of rows) {
      if (!claimed.has(row.id)) continue;
      this.personsInFlight.set(row.psn_no, row.id);
      const p = this.sendOne(row).finally(() => {
        this.inflight.delete(row.id);
        // The person's next item may already be in the air (refilled in recordAnswers()).
        if (this.personsInFlight.get(row.psn_no) === row.id) this.personsInFlight.delete(row.psn_no);
        for (const w of [...this.waiters]) w();
        this.pumpSoon();
      });
      this.inflight.set(row.id, p);
      started++;
    }
    return started;
  }

  /** One refill for all the slots freed in this turn of the event loop, not one per slot. */
  private pumpSoon(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      if (this.active()) this.pump();
    });
  }

  private senderOf(row: OutboxRow): { operator?: { id: string; name: string } } {
    const operator = this.operatorOf(row.settlement_id);
    return operator ? { operator } : {};
  }

  private async sendOne(row: OutboxRow): Promise<void> {
    this.stats.attempted++;
    const input = parsePayload(row.payload);
    if (input === null) {
      // Never send something else under this msgid: the row stays open as 'unknown' with the
      // reason, visible in the work list, and the log says which one.
      const reason = '待上传报文已损坏（无法解析），未发送；请联系技术支持';
      this.core.log.error('outbox payload unparseable', { id: row.id, msgid: row.msgid, infno: row.infno });
      await this.record(row, { kind: 'unknown', msgid: row.msgid, reason });
      return;
    }
    if (isChainItem(row)) {
      const outcome = this.chains
        ? await this.chains.drive(row).catch((e: unknown) => ({ kind: 'unknown' as const, msgid: row.msgid, reason: e instanceof Error ? e.message : String(e) }))
        : { kind: 'busy' as const, msgid: row.msgid, message: '本机未启用国家平台接口（centerProtocol），国家平台结算链暂不上传' };
      if (this.closed && outcome.kind !== 'success' && outcome.kind !== 'rejected') return;
      await this.record(row, outcome);
      return;
    }
    if (isTraceItem(row)) {
      const outcome = this.traceReports
        ? await this.traceReports.send(row, { timeoutMs: this.opts.requestTimeoutMs, ...this.senderOf(row) }).catch((e: unknown) => ({ kind: 'unknown' as const, msgid: row.msgid, reason: e instanceof Error ? e.message : String(e) }))
        : { kind: 'busy' as const, msgid: row.msgid, message: '本机未接入追溯码上报，暂不上传' };
      if (this.closed && outcome.kind !== 'success' && outcome.kind !== 'rejected') return;
      await this.record(row, outcome);
      return;
    }
    const outcome = await this.center.client
      .send(row.infno, input, { msgid: row.msgid, timeoutMs: this.opts.requestTimeoutMs, ...this.senderOf(row) })
      .catch((e: unknown) => ({ kind: 'unknown' as const, msgid: row.msgid, reason: e instanceof Error ? e.message : String(e) }));
    if (this.closed && outcome.kind !== 'success' && outcome.kind !== 'rejected') return;
    await this.record(row, outcome);
  }

  /**
   * Record an answer. The answers of a round are recorded in one transaction (one disk flush
   * for all, see scheduleRecording()); each is still recorded only after it arrived, and one
   * that cannot be recorded stays 'sent' and is resent with the same msgid.
   */
  private record(row: OutboxRow, outcome: CenterOutcome): Promise<void> {
    return new Promise((resolve) => {
      this.answers.push({ row, outcome, done: resolve });
      this.scheduleRecording();
    });
  }

  /**
   * Record now if every item in the air has answered; otherwise gather the answers still
   * coming for at most RECORD_GATHER_MS, so that one flush covers a round of answers instead
   * of one or two (the held slots cost at most that long; a crash meanwhile only means the
   * same msgids are sent again and answered from the center's store).
   */
  private scheduleRecording(): void {
    const stillComing = this.inflight.size - this.answers.length;
    if (stillComing <= 0) {
      if (this.recordTimer) clearTimeout(this.recordTimer);
      this.recordTimer = null;
      if (!this.recordQueued) {
        this.recordQueued = true;
        setImmediate(() => this.recordAnswers());
      }
    } else if (!this.recordTimer && !this.recordQueued) {
      this.recordTimer = setTimeout(() => this.recordAnswers(), RECORD_GATHER_MS);
    }
  }

  private recordAnswers(): void {
    if (this.recordTimer) clearTimeout(this.recordTimer);
    this.recordTimer = null;
    this.recordQueued = false;
    const batch = this.answers.splice(0);
    if (!batch.length) return;
    const results: (AppliedOutcome | null)[] = [];
    let refill: OutboxRow[] = [];
    let claimed: Set<number> = new Set();
    try {
      this.core.db.transaction(() => {
        results.length = 0;
        for (const a of batch) {
          const retryAt = new Date(this.core.clock.now().getTime() + backoffDelay(a.row.attempts + 1, this.opts.backoff));
          try {
            // Nested: a failure rolls back this answer's savepoint only.
            results.push(applyOutcome(this.core, this.store, a.row, a.outcome, retryAt));
          } catch (e) {
            this.core.log.warn('outbox: could not record an answer', { id: a.row.id, error: String(e) });
            results.push(null);
          }
        }
        // The answered items hand their slots back when this commits: claim their successors
        // in the same transaction, so a round of uploads costs one disk flush, not two. The
        // claims are durable before any of those requests leaves, as in pump().
        if (this.active()) {
          const now = this.core.clock.now();
          refill = this.pickDue(this.opts.concurrency - this.inflight.size + batch.length, new Set(batch.map((a) => a.row.id)));
          if (refill.length) claimed = this.store.claimMany(this.claimsFor(refill, now), now);
        }
      })();
    } catch (e) {
      // The database is closing or broken: the rows stay 'sent' and are resent (same msgid) later.
      this.core.log.warn('outbox: could not record answers', { ids: batch.map((a) => a.row.id), error: String(e) });
      results.length = 0;
      refill = [];
    }
    // Committed: the refilled items go out; only now do the answers count and go out as events.
    this.launch(refill, claimed);
    batch.forEach((a, i) => {
      const applied = results[i];
      if (applied?.applied) {
        if (applied.state === 'confirmed') this.stats.confirmed++;
        else if (applied.state === 'adjusted') this.stats.adjusted++;
        else if (applied.state === 'rejected') this.stats.rejected++;
        else this.stats.retrying++;
        try {
          this.onApplied(applied);
        } catch (e) {
          this.core.log.warn('outbox: listener failed', { id: a.row.id, error: String(e) });
        }
      }
      a.done();
    });
  }
}

function emptyStats(): DrainResult {
  return { attempted: 0, confirmed: 0, adjusted: 0, rejected: 0, retrying: 0, remaining: 0, timedOut: false };
}

/** The stored request body, or null when it is not a JSON object (a damaged row). */
export function parsePayload(payload: string): object | null {
  try {
    const v: unknown = JSON.parse(payload);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}
