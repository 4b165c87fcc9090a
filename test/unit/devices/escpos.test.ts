// ESC/POS builder, layout, decoder and the receipt against golden byte files per profile.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { EscPosBuilder, encodeGb18030 } from '../../../native/escpos/builder';
import { EscPosDecoder, decodeEscPos, opsToLines, opsToTrace } from '../../../native/escpos/decoder';
import { PROFILES } from '../../../native/escpos/profiles';
import { buildReceipt, maskName, renderReceiptText } from '../../../native/escpos/receipt';
import { displayWidth, leftRight, truncateToWidth, wrapKeepingWords, wrapToWidth } from '../../../native/escpos/text-width';
import { fenToYuan } from '../../../electron/api/money';
import { CASH_PAID, OFFLINE_COPY, ORDINARY, SELF_PAY } from '../../fixtures/receipts/sample-receipts';

const GOLDEN = join(__dirname, '../../fixtures/receipts');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function bytesOf(...xs: number[]): Uint8Array {
  return Uint8Array.from(xs);
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('display width', () => {
  it('counts a CJK character as two columns and ASCII as one', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('张三')).toBe(4);
    expect(displayWidth('阿莫西林 0.25g')).toBe(14);
    // Characters a terminal may draw narrow are double-byte on the printer.
    expect(displayWidth('×·')).toBe(4);
  });

  it('never splits a wide character and keeps lines within the width', () => {
    expect(truncateToWidth('张三李四', 5)).toBe('张三');
    const lines = wrapToWidth('医保结算单医保结算单医保结算单医保结算单', 32);
    expect(lines.every((l) => displayWidth(l) <= 32)).toBe(true);
    expect(lines.join('')).toBe('医保结算单医保结算单医保结算单医保结算单');
    expect(displayWidth(leftRight('统筹基金支付', '15.00', 32))).toBe(32);
  });
});

describe('names and money', () => {
  it('masks the patient name', () => {
    expect(maskName('张小三')).toBe('张*三');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳小明')).toBe('欧**明');
    expect(maskName('张')).toBe('*');
  });

  it('prints fen as yuan with two places, negative for refunds', () => {
    expect(fenToYuan(2344246)).toBe('23442.46');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(-150)).toBe('-1.50');
    expect(() => fenToYuan(1.5)).toThrow();
  });
});

describe('builder', () => {
  const p = PROFILES['80mm'];

  it('sends GB18030, not UTF-8, in double-byte mode', () => {
    const b = new EscPosBuilder(p).init().line('张三').bytes();
    expect([...b]).toEqual([0x1b, 0x40, 0x1c, 0x26, 0xd5, 0xc5, 0xc8, 0xfd, 0x0a]);
  });

  it('QR store length counts encoded bytes, not characters', () => {
    const data = '结算S1'; // 2 CJK characters = 6 UTF-8 bytes, + 2 ASCII = 8 bytes
    const b = new EscPosBuilder(p).qr(data).bytes();
    const store = indexOfBytes(b, bytesOf(0x31, 0x50, 0x30));
    expect(store).toBeGreaterThan(4);
    const len = b[store - 2]! | (b[store - 1]! << 8);
    expect(len).toBe(8 + 3);
    expect(new TextDecoder().decode(b.subarray(store + 3, store + 3 + 8))).toBe(data);
  });

  it('encodes align, bold, size, feed, cut and the drawer kick', () => {
    const b = new EscPosBuilder(p).align('center').bold(true).size(2, 3).feed(4).cut(0).drawerKick(0, 50, 500).bytes();
    expect([...b]).toEqual([0x1b, 0x61, 1, 0x1b, 0x45, 1, 0x1d, 0x21, 0x12, 0x1b, 0x64, 4, 0x1d, 0x56, 66, 0, 0x1b, 0x70, 0, 25, 250]);
    expect(() => new EscPosBuilder(p).size(9, 1)).toThrow(RangeError);
    expect(() => new EscPosBuilder(p).qr('')).toThrow(RangeError);
  });

  it('removes control characters from text so data cannot inject commands', () => {
    const b = new EscPosBuilder(p).text('A\x1b@B\x1dV').bytes();
    expect([...b]).toEqual([...encodeGb18030('A@BV')]);
  });
});

describe('receipt', () => {
  for (const profile of Object.values(PROFILES)) {
    it(`${profile.id}: every line fits the paper and the decoded bytes say what the preview says`, () => {
      for (const data of [ORDINARY, OFFLINE_COPY, CASH_PAID, SELF_PAY]) {
        const preview = renderReceiptText(data, profile);
        expect(preview.every((l) => displayWidth(l) <= profile.columns)).toBe(true);
        const printed = opsToLines(decodeEscPos(buildReceipt(data, profile)));
        // The printed text is the preview's text (the preview centres by spaces, the printer by ESC a).
        // The QR code's placeholder names its data only where it fits the preview's width.
        const qr = (l: string) => (l.startsWith('[二维码') ? '[二维码]' : l);
        expect(printed.map((l) => qr(l.trim())).filter(Boolean)).toEqual(preview.map((l) => qr(l.trim())).filter(Boolean));
        expect(preview.every((l) => !l.includes('[二维码：') || l.includes(`${data.settlementId}]`))).toBe(true);
      }
    });

    it(`${profile.id}: carries every required element`, () => {
      const text = renderReceiptText(ORDINARY, profile).join('\n');
      for (const must of ['示范社区卫生服务中心', 'S202603150001230001', '2026-03-15 09:30:05', '张*三', '职工基本医疗保险', '阿莫西林胶囊', '复方甘草口服溶液', '一般诊疗费', '医疗费总额', '43.36', '统筹基金支付', '24.85', '大病保险支付', '个人账户支付', '18.51', '现金支付', '全自费', '超限价自费', '先行自付', '0.84', '起付线', '990100-2026.03', '[二维码：S202603150001230001]']) {
        expect(text).toContain(must);
      }
      expect(text).not.toContain('张小三');
      expect(text).not.toContain('暂存');
      expect(text).not.toContain('副本');
      const offline = renderReceiptText(OFFLINE_COPY, profile).join('\n');
      expect(offline).toContain('暂存结算');
      expect(offline).toContain('COPY');
      expect(offline).toContain('欧**明');
    });

    for (const [name, data] of [['ordinary', ORDINARY], ['offline-copy', OFFLINE_COPY], ['cash-paid', CASH_PAID], ['self-pay', SELF_PAY]] as const) {
      it(`${profile.id}: ${name} matches the golden bytes`, () => {
        const bytes = buildReceipt(data, profile);
        const file = join(GOLDEN, `${name}.${profile.id}.bin`);
        const trace = join(GOLDEN, `${name}.${profile.id}.trace.txt`);
        if (UPDATE || !existsSync(file)) {
          if (!UPDATE) throw new Error(`golden file missing: ${file} (run with UPDATE_GOLDEN=1 and review it)`);
          writeFileSync(file, bytes);
          writeFileSync(trace, opsToTrace(decodeEscPos(bytes)).join('\n') + '\n');
        }
        expect(Buffer.from(bytes).equals(readFileSync(file))).toBe(true);
        expect(opsToTrace(decodeEscPos(bytes)).join('\n') + '\n').toBe(readFileSync(trace, 'utf8'));
      });
    }
  }

  it('the QR code holds the settlement id and its stored length matches', () => {
    const ops = decodeEscPos(buildReceipt(ORDINARY, PROFILES['58mm']));
    const store = ops.find((o) => o.op === 'qr-store');
    expect(store).toEqual({ op: 'qr-store', data: ORDINARY.settlementId, bytes: ORDINARY.settlementId.length });
    expect(ops.at(-1)).toMatchObject({ op: 'cut' });
  });

  it('resets bold and size after every styled block', () => {
    const ops = decodeEscPos(buildReceipt(OFFLINE_COPY, PROFILES['80mm']));
    let bold = false;
    let tall = false;
    for (const o of ops) {
      if (o.op === 'bold') bold = o.on;
      if (o.op === 'size') tall = o.height > 1;
      if (o.op === 'line' && o.text.startsWith('结算号')) expect({ bold, tall }).toEqual({ bold: false, tall: false });
    }
  });
});

describe('receipt: numbers, cash and self-pay (issue 13)', () => {
  /** Every run of digits (with . , % ×) printed: none may be cut at a line's end. */
  const numbersOf = (text: string) => text.match(/\d[\d.,]*/g) ?? [];

  it('wraps between words: a number, a code or an id is never split across lines', () => {
    const s = '统筹支付 90% × 291.79 = 262.61 元（本年度起付线 1300.00 元已付满）';
    for (const width of [12, 16, 20, 24, 32, 48]) {
      const lines = wrapKeepingWords(s, width);
      expect(lines.every((l) => displayWidth(l) <= width)).toBe(true);
      const joined = lines.join('\n');
      for (const n of ['90%', '291.79', '262.61', '1300.00']) expect(joined).toContain(n);
      // Only a word wider than the line itself may be cut.
      expect(wrapKeepingWords('S20261206093005K7M2Q9XA', 10).join('')).toBe('S20261206093005K7M2Q9XA');
    }
    // The old character wrap did cut numbers: the reason this function exists.
    expect(wrapToWidth(s, 26).join('\n')).not.toContain('262.61');
  });

  for (const profile of Object.values(PROFILES)) {
    it(`${profile.id}: every number of the split and the explanation is printed whole on one line`, () => {
      for (const data of [CASH_PAID, SELF_PAY]) {
        const lines = renderReceiptText(data, profile);
        const onLines = lines.flatMap(numbersOf);
        for (const e of data.explanation) for (const n of numbersOf(e)) expect(onLines).toContain(n);
        const shown = data.selfPay ? [data.split.total, data.split.cashPay] : Object.values(data.split);
        for (const fen of shown) expect(onLines).toContain(fenToYuan(fen));
      }
    });

    it(`${profile.id}: shows the cash received, the change and the account balance before / after`, () => {
      const text = renderReceiptText(CASH_PAID, profile).join('\n');
      expect(text).toMatch(/实收现金 +20\.00/);
      expect(text).toMatch(/找零 +9\.33/);
      expect(text).toMatch(/账户余额 结算前 +2345\.67/);
      expect(text).toMatch(/账户余额 结算后 +2327\.16/);
      expect(renderReceiptText(ORDINARY, profile).join('\n')).not.toContain('实收现金');
    });

    it(`${profile.id}: a self-pay receipt is titled 自费 and never shows a fund share`, () => {
      const text = renderReceiptText(SELF_PAY, profile).join('\n');
      expect(text).toContain('自费收费单');
      expect(text).toMatch(/现金支付（自费） +43\.36/);
      expect(text).toMatch(/实收现金 +50\.00/);
      expect(text).toMatch(/找零 +6\.64/);
      for (const no of ['医保结算单', '统筹', '大病', '个人账户', '账户余额', '目录版本']) expect(text).not.toContain(no);
      expect(renderReceiptText({ ...SELF_PAY, refund: true }, profile).join('\n')).toContain('自费退费单');
    });
  }
});

describe('decoder', () => {
  it('decodes a stream split at any byte boundary the same as whole', () => {
    const bytes = buildReceipt(ORDINARY, PROFILES['58mm']);
    const whole = opsToTrace(decodeEscPos(bytes));
    for (const cut of [1, 3, 7, 100, 333, bytes.length - 2]) {
      const dec = new EscPosDecoder();
      const ops = [...dec.push(bytes.subarray(0, cut)), ...dec.push(bytes.subarray(cut)), ...dec.flush()];
      expect(opsToTrace(ops)).toEqual(whole);
    }
  });

  it('reads GB18030 text back', () => {
    const ops = decodeEscPos(Uint8Array.from([0x1c, 0x26, ...iconv.encode('医保', 'gb18030'), 0x0a]));
    expect(ops).toEqual([{ op: 'chinese', on: true }, { op: 'line', text: '医保' }]);
  });
});
