// Demo mode's card readers: a virtual card tray holding the sandbox center's demo persons.
// Each emulated reader (ID card SAM reader, social security card text reader, e-voucher
// scanner) sits on an in-memory line with the real driver on the other end, so a demo
// "insert" produces a real frame that goes through the real parser.
import type { CardRead, DemoCardView } from '../api/contract/device';
import { AppError } from '../api/result';
import { DEMO_PERSONS, type DemoPerson } from '../center/sandbox/demo-persons';
import { IdCardReaderEmulator } from '../../native/emulators/idcard-reader-emulator';
import { TextReaderEmulator } from '../../native/emulators/text-reader-emulator';
import { memoryLinkPair, type ByteLink } from '../../native/link/byte-link';
import type { IdCardText } from '../../native/protocols/idcard-text';
import type { ParseError } from '../../native/protocols/result';
import type { ReaderDriver } from '../../native/readers/reader';
import { startDriver } from './reader-manager';

export type DemoCredential = 'ssc' | 'voucher' | 'idcard';

export const DEMO_READER_IDS: Record<DemoCredential, string> = {
  ssc: 'demo-ssc-reader',
  voucher: 'demo-voucher-scanner',
  idcard: 'demo-idcard-reader',
};

/** The ID card a demo person would carry (fictitious address and authority). */
export function demoIdCard(p: DemoPerson): Partial<IdCardText> {
  return {
    name: p.psn_name,
    genderCode: p.gend,
    nationCode: '01',
    birthDate: p.brdy.replace(/-/g, ''),
    address: '示范市示范区示范路1号',
    idNumber: p.certno,
    authority: '示范市公安局示范分局',
    validFrom: '20200101',
    validTo: '20400101',
  };
}

type Outcome = { ok: true; card: CardRead } | { ok: false; error: ParseError };

export class DemoTray {
  private readonly links: ByteLink[] = [];
  private readonly drivers: ReaderDriver[] = [];
  private readonly idcard: IdCardReaderEmulator;
  private readonly ssc: TextReaderEmulator;
  private readonly voucher: TextReaderEmulator;
  private readonly waiters = new Map<string, (o: Outcome) => void>();

  constructor(
    private readonly hooks: { read(card: CardRead): void; error(deviceId: string, err: ParseError): void; today(): string },
    pollIntervalMs = 150,
    private readonly persons: readonly DemoPerson[] = DEMO_PERSONS,
  ) {
    const events = (id: string) => ({
      read: (card: CardRead) => {
        this.hooks.read(card);
        this.settle(id, { ok: true, card });
      },
      error: (error: ParseError) => {
        this.hooks.error(id, error);
        this.settle(id, { ok: false, error });
      },
    });
    const wire = (id: string, protocol: 'idcard' | 'ssc-text' | 'voucher-line') => {
      const [device, host] = memoryLinkPair();
      this.links.push(device, host);
      this.drivers.push(startDriver({ id, protocol }, host, events(id), hooks.today, { pollIntervalMs, answerTimeoutMs: 500 }));
      return device;
    };
    this.idcard = new IdCardReaderEmulator(wire(DEMO_READER_IDS.idcard, 'idcard'));
    this.ssc = new TextReaderEmulator(wire(DEMO_READER_IDS.ssc, 'ssc-text'), 'CRLF');
    this.voucher = new TextReaderEmulator(wire(DEMO_READER_IDS.voucher, 'voucher-line'), 'CR');
  }

  cards(): DemoCardView[] {
    return this.persons.map((p, index) => ({ index, name: p.psn_name, note: p.note, credentials: ['ssc', 'voucher', 'idcard'] }));
  }

  /** Put card `index` on the emulated reader of `credential`; resolves with the parsed read. */
  async insert(index: number, credential: DemoCredential = 'ssc'): Promise<CardRead> {
    const p = this.persons[index];
    if (!p) throw new AppError('DEMO_CARD_NOT_FOUND', `没有第 ${index} 张示范卡（共 ${this.persons.length} 张）`, { index });
    const id = DEMO_READER_IDS[credential];
    if (this.waiters.has(id)) throw new AppError('DEVICE_BUSY', '上一张卡还在读取中；请稍候');
    const outcome = new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        resolve({ ok: false, error: { code: 'DEVICE_TIMEOUT', message: '模拟读卡器没有读到卡（超时）；请重试' } });
      }, 5_000);
      this.waiters.set(id, (o) => {
        clearTimeout(timer);
        resolve(o);
      });
    });
    if (credential === 'idcard') this.idcard.place(demoIdCard(p));
    else if (credential === 'ssc') this.ssc.swipe(p.card_data);
    else this.voucher.swipe(p.ec_token);
    const o = await outcome;
    // The card is taken away after the read, so inserting it again reads it again.
    if (credential === 'idcard') {
      this.idcard.remove();
      // Let the driver see the empty reader, so the same card placed again counts as new.
      await Promise.race([this.idcard.nextCommand(), new Promise((r) => setTimeout(r, 1_000))]);
    }
    if (!o.ok) throw new AppError(o.error.code, o.error.message, o.error.details);
    return o.card;
  }

  private settle(id: string, o: Outcome): void {
    const w = this.waiters.get(id);
    if (!w) return;
    this.waiters.delete(id);
    w(o);
  }

  async close(): Promise<void> {
    for (const d of this.drivers) d.stop();
    this.idcard.stop();
    for (const l of this.links) await l.close();
  }
}
