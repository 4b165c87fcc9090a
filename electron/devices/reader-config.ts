// The readers setting: "emulated", or a comma list of protocol@port[:baud]
// (e.g. "idcard@/dev/ttyUSB0:115200,ssc-text@COM3:9600,voucher-line@hid:/dev/hidraw0").
import { AppError } from '../api/result';
import { READER_PROTOCOLS, type ReaderProtocol } from '../../native/readers/reader';

export interface ReaderConfig {
  id: string;
  protocol: ReaderProtocol;
  /** Serial port path, or a HID device path when `hid` is true. */
  port: string;
  baud: number;
  hid: boolean;
}

const DEFAULT_BAUD: Record<ReaderProtocol, number> = { idcard: 115200, 'ssc-text': 9600, 'voucher-line': 9600, 'number-line': 9600, 'trace-line': 9600 };

export function parseReadersSetting(value: string): ReaderConfig[] | 'emulated' {
  const v = value.trim();
  if (v === 'emulated') return 'emulated';
  if (v === '' || v === 'none') return [];
  return v.split(',').map((part, i) => {
    const m = /^([a-z-]+)@(.+?)(?::(\d{3,7}))?$/.exec(part.trim());
    const bad = (why: string) =>
      new AppError('READER_CONFIG_INVALID', `读卡器设置第 ${i + 1} 项无效（${why}）：“${part}”；格式为 协议@端口[:波特率]，协议为 ${READER_PROTOCOLS.join('、')}`, { item: part });
    if (!m) throw bad('格式不符');
    const protocol = m[1] as ReaderProtocol;
    if (!READER_PROTOCOLS.includes(protocol)) throw bad('未知协议');
    let port = m[2]!;
    const hid = port.startsWith('hid:');
    if (hid) {
      port = port.slice(4);
      if (protocol !== 'voucher-line' && protocol !== 'number-line') throw bad('HID 只支持 voucher-line 或 number-line');
    }
    if (!port) throw bad('缺少端口');
    return { id: `reader-${i + 1}-${protocol}`, protocol, port, baud: m[3] ? Number(m[3]) : DEFAULT_BAUD[protocol], hid };
  });
}
