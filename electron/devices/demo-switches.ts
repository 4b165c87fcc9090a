// What demo mode adds to the devices, kept apart from real device handling: the card tray
// (emulated readers holding the demo persons, demo-tray.ts) and the preview printer's paper
// switch. The switch lets a new user see what the window does when a receipt does not print:
// the job waits, the alert shows, and F5 prints it once paper is "loaded". Otherwise the
// preview printer never fails.
import type { CardRead, DemoCardView } from '../api/contract/device';
import type { DeviceState } from '../api/contract/system';
import { AppError } from '../api/result';
import type { ParseError } from '../../native/protocols/result';
import { DemoTray, type DemoCredential } from './demo-tray';

export const DEMO_PAPER_OUT = '演示打印机缺纸（演示开关）；点“装纸”后按 F5 重打';

export interface DemoSwitchesDeps {
  /** Demo mode (the sandbox center): the paper switch works only there. */
  demo: boolean;
  /** The tray is there in demo mode or when the readers setting is 'emulated'. */
  trayAllowed: boolean;
  /** Where the tray's reads go: the same path as a real reader's. */
  reads: { read(card: CardRead): void; error(deviceId: string, err: ParseError): void; today(): string };
  /** The tray appeared (the devices part publishes the status). */
  changed(): void;
}

export class DemoSwitches {
  private tray: DemoTray | null = null;
  private paperOut = false;

  constructor(private readonly deps: DemoSwitchesDeps) {}

  /** The tray's entry in the device list, once it is there. */
  statusList(): DeviceState[] {
    return this.tray ? [{ id: 'demo-card-tray', kind: 'reader', name: '模拟读卡器（示范卡托）', state: 'ready' }] : [];
  }

  /** Open the tray (at start, or at the first demo call). */
  openTray(): DemoTray {
    if (!this.deps.trayAllowed) throw new AppError('NOT_DEMO', '只有演示模式（或读卡器设为 emulated）才有模拟读卡器');
    if (!this.tray) {
      this.tray = new DemoTray(this.deps.reads);
      this.deps.changed();
    }
    return this.tray;
  }

  cards(): DemoCardView[] {
    return this.openTray().cards();
  }

  insert(index: number, credential?: DemoCredential): Promise<CardRead> {
    return this.openTray().insert(index, credential);
  }

  /** The preview printer is "out of paper": its jobs wait instead of being done at once. */
  get previewPaperOut(): boolean {
    return this.paperOut;
  }

  /** The job the preview printer refuses while its paper is out. */
  refusePrint(isPreview: boolean): AppError | null {
    return isPreview && this.paperOut ? new AppError('PRINTER_OUT_OF_PAPER', DEMO_PAPER_OUT) : null;
  }

  /** Demo only: the preview printer runs out of paper / gets paper again. */
  setPaperOut(out: boolean, isPreview: boolean): void {
    if (!this.deps.demo || !isPreview) {
      throw new AppError('NOT_DEMO', '只有演示模式的预览打印机才能模拟缺纸；真实打印机请直接取出或装入纸卷。');
    }
    this.paperOut = out;
  }

  async close(): Promise<void> {
    await this.tray?.close();
    this.tray = null;
  }
}
