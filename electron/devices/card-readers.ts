// The configured card readers (the readers setting): each kept open by a ManagedReader. Every
// read, from these or from the demo tray (demo-switches.ts), goes out the same way: a
// 'card.read' event, or a 'card.failed' event for a card that was there and could not be used.
// The last failed read of a reader stays on its status line until it reads again.
import type { CardRead } from '../api/contract/device';
import type { DeviceState } from '../api/contract/system';
import type { EventBus } from '../app/events';
import type { Logger } from '../app/log';
import type { ParseError } from '../../native/protocols/result';
import { parseReadersSetting, type ReaderConfig } from './reader-config';
import { DEFAULT_TIMING, ManagedReader, type ReaderTiming } from './reader-manager';

export interface CardReadersDeps {
  /** The readers setting as configured. */
  setting: string;
  events: EventBus;
  log: Logger;
  today(): string;
  /** A reader's state changed (the devices part publishes the status). */
  changed(): void;
  timing?: ReaderTiming;
}

export class CardReaders {
  /** The setting says 'emulated': the demo tray stands in for real readers. */
  readonly emulated: boolean;
  private readonly configured: ReaderConfig[];
  /** A bad readers setting must not stop the app: it shows as a reader in 'error'. */
  private readonly configError: string | null = null;
  private readers: ManagedReader[] = [];
  private readonly lastErrors = new Map<string, string>();

  constructor(private readonly deps: CardReadersDeps) {
    let parsed: ReaderConfig[] | 'emulated' = [];
    try {
      parsed = parseReadersSetting(deps.setting);
    } catch (e) {
      this.configError = (e as Error).message;
      deps.log.warn('reader setting invalid', { message: this.configError });
    }
    this.emulated = parsed === 'emulated';
    this.configured = parsed === 'emulated' ? [] : parsed;
  }

  /** Where reads go, from a real reader or the demo tray. */
  readonly reads = {
    read: (card: CardRead): void => {
      this.lastErrors.delete(card.source);
      this.deps.events.emit('card.read', card);
      this.deps.changed();
    },
    error: (deviceId: string, err: ParseError): void => {
      this.deps.log.warn('card read failed', { deviceId, code: err.code });
      this.lastErrors.set(deviceId, `${err.code}: ${err.message}`);
      // Every failed read is a card that was there and could not be used; a scanner unplugged is not.
      if (err.code !== 'HID_DEVICE_ERROR') {
        this.deps.events.emit('card.failed', { deviceId, code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) });
      }
      this.deps.changed();
    },
    today: (): string => this.deps.today(),
    /** A drug traceability code from a serial scanner (trace-line): to the window, which checks it (docs/TRACEABILITY.md). */
    scan: (deviceId: string, code: string): void => {
      this.lastErrors.delete(deviceId);
      this.deps.events.emit('trace.scanned', { deviceId, code });
    },
  };

  /** The setting's error (if any) and each reader, with its last failed read while it is ready. */
  statusList(): DeviceState[] {
    const list: DeviceState[] = [];
    if (this.configError) list.push({ id: 'reader-config', kind: 'reader', name: '读卡器设置', state: 'error', detail: this.configError });
    for (const r of this.readers) {
      const v = r.view();
      const err = this.lastErrors.get(v.id);
      list.push(v.state === 'ready' && err ? { ...v, detail: err } : v);
    }
    return list;
  }

  /** Open every configured reader; each keeps trying on its own after an unplug. */
  start(): void {
    const hooks = { ...this.reads, stateChanged: () => this.deps.changed(), log: (m: string, c: Record<string, unknown>) => this.deps.log.info(m, c) };
    this.readers = this.configured.map((cfg) => new ManagedReader(cfg, hooks, this.deps.timing ?? DEFAULT_TIMING));
    for (const r of this.readers) void r.start();
  }

  async close(): Promise<void> {
    for (const r of this.readers) await r.close();
    this.readers = [];
  }
}
