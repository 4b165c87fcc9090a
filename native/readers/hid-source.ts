// A scanner read through node-hid: keyboard reports decoded into lines, each parsed as an
// e-voucher token or a card number. The device object is injected (node-hid's HID, or a
// test double with the same events), so this runs where no HID device exists.
import { HidKeyboardDecoder } from '../protocols/hid-keyboard';
import type { ReaderDriver, ReaderEvents } from './reader';
import { parseLineFor } from './text-line-reader';

/** The part of node-hid's HID object we use. */
export interface HidDeviceLike {
  on(event: 'data', fn: (data: Buffer | Uint8Array) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  removeAllListeners(event?: string): unknown;
  close(): void;
}

export interface HidSourceOptions {
  id: string;
  protocol: 'voucher-line' | 'number-line';
  timeoutMs?: number;
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number;
  today: () => string;
}

export class HidSource implements ReaderDriver {
  readonly id: string;
  private readonly decoder: HidKeyboardDecoder;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly now: () => number;

  constructor(
    private readonly device: HidDeviceLike,
    private readonly opts: HidSourceOptions,
    private readonly events: ReaderEvents & { gone?(reason: string): void },
  ) {
    this.id = opts.id;
    this.now = opts.now ?? (() => performance.now());
    this.decoder = new HidKeyboardDecoder({ timeoutMs: opts.timeoutMs ?? 300 });
    device.on('data', (d) => this.handle(this.decoder.push(new Uint8Array(d), this.now())));
    device.on('error', (e) => {
      this.events.error({ code: 'HID_DEVICE_ERROR', message: `扫码枪连接中断：${e.message}；请重新插好` });
      this.events.gone?.(e.message);
    });
    this.timer = setInterval(() => this.tick(), Math.max(50, Math.floor((opts.timeoutMs ?? 300) / 2)));
    this.timer.unref?.();
  }

  /** Check for a stalled scan (called on a timer; tests call it directly). */
  tick(): void {
    this.handle(this.decoder.tick(this.now()));
  }

  private handle(out: ReturnType<HidKeyboardDecoder['tick']>): void {
    for (const e of out.errors) this.events.error(e);
    for (const line of out.lines) {
      const r = parseLineFor(this.opts.protocol, line, this.opts.today());
      if (r.ok) this.events.read({ ...r.value, source: this.id });
      else this.events.error(r.error);
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.device.removeAllListeners('data');
    this.device.removeAllListeners('error');
    try {
      this.device.close();
    } catch {
      // already closed (unplugged)
    }
  }
}

/** Open a HID device with node-hid (loaded lazily: the native module is optional at run time). */
export async function openHidDevice(path: string): Promise<HidDeviceLike> {
  const hid = await import('node-hid');
  return new hid.HID(path) as unknown as HidDeviceLike;
}
