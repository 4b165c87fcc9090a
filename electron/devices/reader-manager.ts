// Keeps every configured reader open: opens its port, runs its driver, turns its reads into
// 'card.read' events and its state into the status bar; after an unplug or silence it
// closes the port and keeps trying to open it again.
import type { CardRead } from '../api/contract/device';
import type { DeviceState } from '../api/contract/system';
import type { ByteLink } from '../../native/link/byte-link';
import { SerialLink } from '../../native/link/serial-link';
import { IdCardReader } from '../../native/readers/idcard-reader';
import { HidSource, openHidDevice } from '../../native/readers/hid-source';
import type { ReaderDriver, ReaderEvents } from '../../native/readers/reader';
import { TextLineReader } from '../../native/readers/text-line-reader';
import { TraceLineReader } from '../../native/readers/trace-line-reader';
import type { ParseError } from '../../native/protocols/result';
import type { ReaderConfig } from './reader-config';

export interface ReaderHooks {
  read(card: CardRead): void;
  /** A traceability code from a trace-line scanner. */
  scan?(deviceId: string, text: string): void;
  error(deviceId: string, err: ParseError): void;
  stateChanged(): void;
  today(): string;
  log(msg: string, ctx: Record<string, unknown>): void;
}

export interface ReaderTiming {
  reconnectMinMs: number;
  reconnectMaxMs: number;
  pollIntervalMs: number;
  answerTimeoutMs: number;
}

export const DEFAULT_TIMING: ReaderTiming = { reconnectMinMs: 1_000, reconnectMaxMs: 10_000, pollIntervalMs: 300, answerTimeoutMs: 500 };

/** Start the driver of `protocol` on an open link (shared with demo mode and `device read`). */
export function startDriver(
  cfg: Pick<ReaderConfig, 'id' | 'protocol'>,
  link: ByteLink,
  events: ReaderEvents,
  today: () => string,
  timing: Pick<ReaderTiming, 'pollIntervalMs' | 'answerTimeoutMs'> = DEFAULT_TIMING,
): ReaderDriver {
  if (cfg.protocol === 'idcard') {
    return new IdCardReader(link, { id: cfg.id, pollIntervalMs: timing.pollIntervalMs, answerTimeoutMs: timing.answerTimeoutMs }, events);
  }
  if (cfg.protocol === 'trace-line') return new TraceLineReader(link, { id: cfg.id }, events);
  return new TextLineReader(link, { id: cfg.id, protocol: cfg.protocol, today }, events);
}

export class ManagedReader {
  state: DeviceState['state'] = 'connecting';
  detail: string | undefined;
  private link: ByteLink | null = null;
  private driver: ReaderDriver | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private delay: number;
  private closed = false;

  constructor(
    readonly cfg: ReaderConfig,
    private readonly hooks: ReaderHooks,
    private readonly timing: ReaderTiming = DEFAULT_TIMING,
  ) {
    this.delay = timing.reconnectMinMs;
  }

  view(): DeviceState {
    const name = `${this.cfg.protocol} @ ${this.cfg.hid ? 'hid:' : ''}${this.cfg.port}`;
    return this.detail ? { id: this.cfg.id, kind: 'reader', name, state: this.state, detail: this.detail } : { id: this.cfg.id, kind: 'reader', name, state: this.state };
  }

  private set(state: DeviceState['state'], detail?: string): void {
    if (this.state === state && this.detail === detail) return;
    this.state = state;
    this.detail = detail;
    this.hooks.stateChanged();
  }

  /** Open and keep open. */
  async start(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.cfg.hid) await this.openHid();
      else await this.openSerial();
      this.delay = this.timing.reconnectMinMs;
      this.set('ready');
    } catch (e) {
      this.set('connecting', e instanceof Error ? e.message : String(e));
      this.scheduleReconnect();
    }
  }

  private events(): ReaderEvents {
    return {
      read: (card) => {
        if (this.state !== 'ready') this.set('ready');
        this.hooks.read(card);
      },
      error: (err) => this.hooks.error(this.cfg.id, err),
      scan: (text) => {
        if (this.state !== 'ready') this.set('ready');
        this.hooks.scan?.(this.cfg.id, text);
      },
      health: (alive) => {
        if (alive) this.set('ready');
        else {
          // Silent: drop the port and reopen it (a replugged USB adapter needs a fresh open).
          this.set('offline', '读卡器无应答，正在重新连接');
          void this.restart();
        }
      },
    };
  }

  private async openSerial(): Promise<void> {
    const link = await SerialLink.open(this.cfg.port, this.cfg.baud);
    this.link = link;
    this.driver = startDriver(this.cfg, link, this.events(), this.hooks.today, this.timing);
    link.onClose((reason) => {
      if (this.closed) return;
      this.hooks.log('reader port closed', { id: this.cfg.id, reason });
      this.driver?.stop();
      this.driver = null;
      this.link = null;
      this.set('connecting', `连接断开：${reason}`);
      this.scheduleReconnect();
    });
  }

  private async openHid(): Promise<void> {
    const device = await openHidDevice(this.cfg.port);
    const protocol = this.cfg.protocol === 'number-line' ? 'number-line' : 'voucher-line';
    this.driver = new HidSource(device, { id: this.cfg.id, protocol, today: this.hooks.today }, {
      ...this.events(),
      gone: (reason) => {
        this.driver?.stop();
        this.driver = null;
        this.set('connecting', `连接断开：${reason}`);
        this.scheduleReconnect();
      },
    });
  }

  private async restart(): Promise<void> {
    this.driver?.stop();
    this.driver = null;
    const l = this.link;
    this.link = null;
    await l?.close().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.timing.reconnectMaxMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.start();
    }, wait);
    this.retryTimer.unref?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.driver?.stop();
    await this.link?.close().catch(() => undefined);
  }
}
