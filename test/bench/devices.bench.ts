// Device benchmarks: building a receipt (layout + GB18030 + ESC/POS), decoding it back, and
// the SAM decoder on a full ID card read answer. Pure code only: the serial line's speed
// belongs to the baud rate, not to us.
import { decodeEscPos } from '../../native/escpos/decoder';
import { PROFILES } from '../../native/escpos/profiles';
import { buildReceipt, renderReceiptText, type ReceiptData } from '../../native/escpos/receipt';
import { encodeIdCardReadData, parseIdCardReadData } from '../../native/protocols/idcard-text';
import { SamFrameDecoder, encodeSamFrame } from '../../native/protocols/sam-frame';
import { ORDINARY } from '../fixtures/receipts/sample-receipts';
import { time, type Bench } from './harness';

/** A long bill: 60 lines, the kind a chronic-disease visit prints. */
const LONG: ReceiptData = {
  ...ORDINARY,
  lines: Array.from({ length: 60 }, (_, i) => ({ ...ORDINARY.lines[i % ORDINARY.lines.length]!, name: `药品明细第${i + 1}项 规格0.25g*24粒` })),
};

const devicesBench: Bench = {
  name: 'devices: receipt build/decode, SAM read answer',
  async run() {
    const p = PROFILES['80mm'];
    const build = await time(() => buildReceipt(LONG, p), 300);
    const preview = await time(() => renderReceiptText(LONG, p), 300);
    const bytes = buildReceipt(LONG, p);
    const decode = await time(() => decodeEscPos(bytes), 300);
    const frame = encodeSamFrame(Uint8Array.from([0, 0, 0x90, ...encodeIdCardReadData({ name: '李秀英', genderCode: '2', birthDate: '19520708', idNumber: '990101195207080145', validTo: '长期' })]));
    const sam = await time(() => {
      const d = new SamFrameDecoder();
      const out = d.push(frame);
      return parseIdCardReadData(out.bodies[0]!.subarray(3));
    }, 1000);
    return [
      { name: 'receipt: build 60-line ESC/POS (80mm)', median: build.median, p99: build.p99, unit: 'ms', target: 'median ≤ 20 ms', meets: build.median <= 20, note: `${bytes.length} bytes` },
      { name: 'receipt: preview text (80mm)', median: preview.median, p99: preview.p99, unit: 'ms' },
      { name: 'receipt: decode bytes back (emulator)', median: decode.median, p99: decode.p99, unit: 'ms' },
      { name: 'idcard: decode + parse one read answer', median: sam.median, p99: sam.p99, unit: 'ms', target: 'median ≤ 1 ms', meets: sam.median <= 1 },
    ];
  },
};

export const benches: Bench[] = [devicesBench];
