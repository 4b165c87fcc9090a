// The settlement receipt: one layout, two renderings — text lines for the on-screen preview
// and ESC/POS bytes for the printer. Pure.
import { EscPosBuilder, type Align } from './builder';
import { fenToYuan } from '../../electron/api/money';
import type { PrinterProfile } from './profiles';
import { centerInWidth, displayWidth, leftRight, padStartToWidth, wrapKeepingWords } from './text-width';

export interface ReceiptLine {
  name: string;
  code: string;
  /** Catalog class: 甲 / 乙 / 丙 (or A/B/C). */
  class: string;
  quantity: string;
  unitPrice: string;
  /** fen */
  amount: number;
}

/** The split, all in fen. The eight named parts are printed; the others when present. */
export interface ReceiptSplit {
  total: number;
  fundPay: number;
  criticalIllnessPay: number;
  accountPay: number;
  cashPay: number;
  fullOwnPay: number;
  overLimitSelfPay: number;
  preSelfPay: number;
  eligible?: number;
  deductible?: number;
  coPay?: number;
  overCapSelfPay?: number;
  personalTotal?: number;
}

export interface ReceiptData {
  clinicName: string;
  settlementId: string;
  /** yyyy-MM-dd HH:mm:ss (China time) */
  time: string;
  operatorName: string;
  /** Unmasked: the layout masks it. */
  patientName: string;
  insuranceTypeLabel: string;
  visitTypeLabel: string;
  lines: ReceiptLine[];
  split: ReceiptSplit;
  explanation: string[];
  /** Settled while the center was offline: printed as 暂存 (the screen's word) until the center confirms. */
  provisional: boolean;
  policyVersion: string;
  policySeq: number;
  copy: boolean;
  refund?: boolean;
  /** Self-pay (自费): titled so, only the total and the cash — never a fund share. */
  selfPay?: boolean;
  /** Cash handed over and change given, fen (absent or null: not recorded). */
  cashReceived?: number | null;
  change?: number | null;
  /** The personal account before and after, fen (absent or null: not printed). */
  accountBalanceBefore?: number | null;
  accountBalanceAfter?: number | null;
  /**
   * Why it is provisional: settled offline (default), or online and the center's answer did not
   * come within the wait (centerAnswerWaitSeconds). Both print as 暂存.
   */
  provisionalReason?: 'offline' | 'noAnswer';
  /** Reprinted with the center's figures after an adjustment: marked 更正. */
  corrected?: boolean;
  /**
   * The center refused the settlement: a void slip — no fund, account or cash figures, the
   * center's reason and what to do next; never a receipt that claims the fund paid.
   */
  voided?: { reason: string };
}

/** 张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  if (chars.length === 2) return chars[0] + '*';
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}

/** One element of the layout; both renderings walk the same list. */
export type ReceiptBlock =
  | { kind: 'text'; text: string; align: Align; bold?: boolean; tall?: boolean }
  | { kind: 'rule' }
  | { kind: 'qr'; data: string }
  | { kind: 'feed'; lines: number };

const SPLIT_LABELS: [keyof ReceiptSplit, string][] = [
  ['total', '医疗费总额'],
  ['fundPay', '统筹基金支付'],
  ['criticalIllnessPay', '大病保险支付'],
  ['accountPay', '个人账户支付'],
  ['cashPay', '现金支付'],
  ['fullOwnPay', '全自费'],
  ['overLimitSelfPay', '超限价自费'],
  ['preSelfPay', '先行自付'],
  ['eligible', '符合范围金额'],
  ['deductible', '起付线'],
  ['coPay', '统筹自付'],
  ['overCapSelfPay', '超封顶自付'],
  ['personalTotal', '个人负担合计'],
];

export function layoutReceipt(d: ReceiptData, profile: PrinterProfile): ReceiptBlock[] {
  const w = profile.columns;
  const b: ReceiptBlock[] = [];
  // Lines break between words, never inside a number, a code or an id (wrapKeepingWords).
  const text = (t: string, align: Align = 'left', extra: { bold?: boolean; tall?: boolean } = {}) => {
    for (const l of wrapKeepingWords(t, w)) b.push({ kind: 'text', text: l, align, ...extra });
  };
  const pair = (l: string, r: string) => b.push({ kind: 'text', text: leftRight(l, r, w), align: 'left' });

  text(d.clinicName, 'center', { bold: true, tall: true });
  text(titleOf(d), 'center', { bold: true });
  if (d.copy) text('【补打 副本 COPY】', 'center', { bold: true });
  if (d.voided) text('【中心拒绝 医保未支付 本单不是收费凭据】', 'center', { bold: true });
  else if (d.corrected) text('【更正 按医保中心结算金额】', 'center', { bold: true });
  else if (d.provisional) text(d.provisionalReason === 'noAnswer' ? '【暂存 中心未答复 待中心确认】' : '【暂存结算 待中心确认】', 'center', { bold: true });
  b.push({ kind: 'rule' });
  text(`结算号：${d.settlementId}`);
  text(`时间：${d.time}`);
  text(`收费员：${d.operatorName}`);
  text(`患者：${maskName(d.patientName)}`);
  text(`险种：${d.selfPay ? '自费（医保不支付）' : d.insuranceTypeLabel}`);
  text(`类别：${d.visitTypeLabel}`);
  b.push({ kind: 'rule' });
  pair('项目/编码', '数量x单价       金额');
  for (const line of d.lines) {
    text(`${line.name}【${line.class}】`);
    const right = `${line.quantity}x${line.unitPrice}  ${padStartToWidth(fenToYuan(line.amount), 9)}`;
    // The national item codes are long (20+ characters): on narrow paper they get a line of their own.
    if (displayWidth(`  ${line.code} ${right}`) <= w) pair(`  ${line.code}`, right);
    else {
      text(`  ${line.code}`);
      // A long quantity or price: quantity x price on one line and the amount on the next,
      // rather than a line the printer would break inside a number.
      if (displayWidth(right) <= w) b.push({ kind: 'text', text: padStartToWidth(right, w), align: 'left' });
      else {
        for (const l of wrapKeepingWords(`${line.quantity}x${line.unitPrice}`, w)) b.push({ kind: 'text', text: padStartToWidth(l, w), align: 'left' });
        b.push({ kind: 'text', text: padStartToWidth(fenToYuan(line.amount), w), align: 'left' });
      }
    }
  }
  b.push({ kind: 'rule' });
  if (d.voided) {
    // Only what was billed: no figure that could read as the fund (or the patient) having paid.
    pair('医疗费总额', fenToYuan(d.split.total));
    text(`拒绝原因：${d.voided.reason}`);
    text('医保基金和个人账户没有支付。请移除被拒项目后重新结算，或按自费收费。');
  } else if (d.selfPay) {
    pair('医疗费总额', fenToYuan(d.split.total));
    pair('现金支付（自费）', fenToYuan(d.split.cashPay));
  } else {
    for (const [key, label] of SPLIT_LABELS) {
      const v = d.split[key];
      if (v === undefined) continue;
      pair(label, fenToYuan(v));
    }
  }
  if (!d.voided && typeof d.cashReceived === 'number') pair('实收现金', fenToYuan(d.cashReceived));
  if (!d.voided && typeof d.change === 'number') pair('找零', fenToYuan(d.change));
  if (!d.selfPay && !d.voided && typeof d.accountBalanceBefore === 'number') pair('账户余额 结算前', fenToYuan(d.accountBalanceBefore));
  if (!d.selfPay && !d.voided && typeof d.accountBalanceAfter === 'number') pair('账户余额 结算后', fenToYuan(d.accountBalanceAfter));
  if (d.explanation.length > 0 && !d.voided) {
    b.push({ kind: 'rule' });
    text('计算说明：');
    for (const e of d.explanation) text(`- ${e}`);
  }
  b.push({ kind: 'rule' });
  if (d.selfPay) text('自费结算：未向医保中心申报，不能报销。');
  else text(`目录版本：${d.policyVersion}（#${d.policySeq}）`);
  if (d.corrected) text('医保中心调整了本笔结算的金额，本单按中心金额更正，原小票作废。');
  else if (d.provisional && !d.voided) {
    text(d.provisionalReason === 'noAnswer' ? '暂存结算（医保中心未及时答复），以中心确认为准。' : '暂存结算以医保中心确认为准。');
  }
  b.push({ kind: 'qr', data: d.settlementId });
  text(d.settlementId, 'center');
  if (d.copy) text('副本（补打）', 'center');
  b.push({ kind: 'feed', lines: 3 });
  return b;
}

function titleOf(d: ReceiptData): string {
  if (d.voided) return '医保结算作废单';
  if (d.selfPay) return d.refund ? '自费退费单' : '自费收费单';
  return d.refund ? '医保结算退费单' : '医保结算单';
}

/** The receipt as text lines for the screen (same layout as the paper). */
export function renderReceiptText(d: ReceiptData, profile: PrinterProfile): string[] {
  const w = profile.columns;
  const out: string[] = [];
  for (const blk of layoutReceipt(d, profile)) {
    switch (blk.kind) {
      case 'text':
        out.push(blk.align === 'center' ? centerInWidth(blk.text, w) : blk.align === 'right' ? padStartToWidth(blk.text, w) : blk.text);
        break;
      case 'rule':
        out.push('-'.repeat(w));
        break;
      case 'qr':
        // A real settlement id (23 characters) does not fit beside the label on 58 mm paper: the
        // id is printed whole on the next line, so the placeholder never cuts it.
        out.push(centerInWidth(displayWidth(`[二维码：${blk.data}]`) <= w ? `[二维码：${blk.data}]` : '[二维码]', w));
        break;
      case 'feed':
        break;
    }
  }
  return out;
}

/** The receipt as ESC/POS bytes for the printer. */
export function buildReceipt(d: ReceiptData, profile: PrinterProfile): Uint8Array {
  const p = new EscPosBuilder(profile).init();
  let align: Align = 'left';
  for (const blk of layoutReceipt(d, profile)) {
    switch (blk.kind) {
      case 'text': {
        if (blk.align !== align) p.align((align = blk.align));
        if (blk.bold) p.bold(true);
        if (blk.tall) p.size(1, 2);
        p.line(blk.text);
        // Always reset styles after a styled block so one bold line never leaks into the next.
        if (blk.tall) p.size(1, 1);
        if (blk.bold) p.bold(false);
        break;
      }
      case 'rule':
        p.line('-'.repeat(profile.columns));
        break;
      case 'qr':
        if (align !== 'center') p.align((align = 'center'));
        p.qr(blk.data);
        p.line();
        break;
      case 'feed':
        p.feed(blk.lines);
        break;
    }
  }
  return p.align('left').cut(0).bytes();
}

/** A short test page: profile, widths and a QR code, to check a printer's setup. */
export function buildTestPage(profile: PrinterProfile, title: string, time: string): Uint8Array {
  const p = new EscPosBuilder(profile).init().align('center').bold(true).size(1, 2).line(title).size(1, 1).bold(false);
  p.line('打印机测试页 / Printer test').line(time).align('left');
  p.line('-'.repeat(profile.columns));
  p.line(`纸宽 ${profile.id}：每行 ${profile.columns} 列`);
  p.line(leftRight('中文两列宽', '右对齐', profile.columns));
  p.line('0123456789'.repeat(Math.ceil(profile.columns / 10)).slice(0, profile.columns));
  p.align('center').qr(`TEST-${profile.id}`).line().align('left').feed(3).cut(0);
  return p.bytes();
}
