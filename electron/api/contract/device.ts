// Device calls: configured readers and printer, the demo card tray, receipts and reprints.
import { z } from 'zod';
import type { CertType } from './center';
import type { DeviceState } from './system';
import { call } from './define';

/** One read from any reader (DEVICES.md); emitted as the 'card.read' event. */
export interface CardRead {
  credential: 'ssc' | 'voucher' | 'idcard' | 'number';
  /** mdtrt_cert_type: 01 e-voucher token, 02 resident ID number, 03 social security card number. */
  certType: CertType;
  certNo: string;
  cardSn?: string;
  name?: string;
  /** '1' male, '2' female, '9' unknown (GB/T 2261.1) */
  gender?: string;
  /** yyyy-MM-dd */
  birthDate?: string;
  region?: string;
  /** yyyy-MM-dd, or '长期' */
  validTo?: string;
  /** Id of the device that read it. */
  source: string;
}

export interface PortView {
  kind: 'serial' | 'hid';
  /** Serial port path, or HID device path. */
  path: string;
  manufacturer?: string;
  product?: string;
  vendorId?: string;
  productId?: string;
}

export interface DeviceListView {
  devices: DeviceState[];
  /** Ports and HID devices seen now, for setup. */
  ports: PortView[];
  printer: string;
  profile: '58mm' | '80mm';
  emulated: boolean;
}

/** A card in the demo tray: one demo person of the sandbox center and the credentials they carry. */
export interface DemoCardView {
  index: number;
  name: string;
  note: string;
  credentials: ('ssc' | 'voucher' | 'idcard')[];
}

export type PrintJobState = 'queued' | 'printing' | 'done' | 'failed-waiting';

export interface PrintJobView {
  id: number;
  settlementId: string;
  copy: boolean;
  state: PrintJobState;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  printer: string;
  profile: '58mm' | '80mm';
  createdAt: string;
  printedAt: string | null;
}

const settlementId = z.string().trim().min(1).max(64);

export const deviceCalls = {
  'device.list': call({ input: z.object({}).strict(), role: 'cashier', summary: '设备列表：读卡器、打印机的状态，以及可用串口和 HID 设备' }).returns<DeviceListView>(),
  'device.demoCards': call({ input: z.object({}).strict(), role: 'public', summary: '演示：虚拟卡托里的示范卡（仅演示模式）' }).returns<DemoCardView[]>(),
  'device.demoInsert': call({
    input: z.object({ index: z.number().int().min(0).max(999), credential: z.enum(['ssc', 'voucher', 'idcard']).optional() }).strict(),
    role: 'cashier',
    summary: '演示：把一张示范卡放到模拟读卡器上（经真实协议解析后发出 card.read）',
  }).returns<CardRead>(),
  'device.receiptPreview': call({ input: z.object({ settlementId }).strict(), role: 'cashier', summary: '小票预览：该结算最近一张小票的文字行' }).returns<string[]>(),
  'device.reprint': call({ input: z.object({ settlementId }).strict(), role: 'cashier', summary: '补打小票（标记为副本，记审计）' }).returns<{ jobId: number }>(),
  'device.printJobs': call({ input: z.object({ settlementId: settlementId.optional() }).strict(), role: 'cashier', summary: '打印任务：某结算的全部，或未完成的全部' }).returns<PrintJobView[]>(),
  'device.retryPrints': call({ input: z.object({}).strict(), role: 'cashier', summary: '立即重试等待中的打印任务（如装纸之后）' }).returns<{ attempted: number }>(),
  'device.demoPaper': call({
    input: z.object({ paperOut: z.boolean() }).strict(),
    role: 'cashier',
    summary: '演示：让预览打印机缺纸 / 装纸（仅演示模式）',
    audit: true,
  }).returns<{ paperOut: boolean }>(),
};
