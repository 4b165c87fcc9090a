// The standard settlement slip (医保结算单, issue 17): what an insurance office expects to read —
// each fee line with its fee category, item class (甲/乙/丙), unit price, quantity, amount,
// 先行自付 and 全自费; the fee categories summed; and the payment: fund (统筹, 大病), personal
// account, cash (self-pay). For one settlement, or for a patient's day (the settlements of that
// person on that day that stand: refunds and refunded settlements are left out). Built from the
// journal as the center agreed it (an adjusted settlement shows the center's figures). Printed as
// an A4 PDF (slip-pdf.ts) and on the receipt printer (slipLines, ESC/POS via the devices part).
import { z } from 'zod';
import { centerFigures, type SettlementMoney, type SettlementView } from '../api/contract/settlement';
import { AppError } from '../api/result';
import { chinaDateTime } from '../app/clock';
import type { CoreApp } from '../app/core';
import { fenToYuan } from '../api/money';
import { fenColumn, many } from '../db/sql';
import { displayWidth, padEndToWidth, padStartToWidth, truncateToWidth } from '../../native/escpos/text-width';
import type { SettlementReader } from './reader';

/** The fee categories the slip sums, from the catalogue entry's kind. */
export type FeeCategory = 'drug' | 'service' | 'material' | 'other';
export const FEE_CATEGORY_WORDS: Record<FeeCategory, string> = { drug: '药品费', service: '诊疗费', material: '材料费', other: '其他费' };
const CLASS_WORDS: Record<string, string> = { A: '甲', B: '乙', C: '丙' };

export interface SlipLine {
  settlementId: string;
  lineNo: number;
  code: string;
  name: string;
  category: FeeCategory;
  /** 甲 / 乙 / 丙 (or the class as stored when it is none of these). */
  itemClass: string;
  unitPrice: string;
  quantity: string;
  /** fen */
  amount: number;
  preSelfPay: number;
  fullOwnPay: number;
  overLimitSelfPay: number;
}

export interface SlipSettlement {
  id: string;
  time: string;
  state: SettlementView['state'];
  centerSetlId: string | null;
  selfPay: boolean;
}

export interface Slip {
  clinicName: string;
  institutionCode: string;
  /** 'one' settlement, or the patient's 'day'. */
  scope: 'one' | 'day';
  day: string;
  patient: { name: string; psnNo: string; certNo: string; insuranceType: string; visitType: string };
  settlements: SlipSettlement[];
  lines: SlipLine[];
  categories: { category: FeeCategory; amount: number }[];
  /** The money as the center agreed it, summed over the settlements (fen). */
  money: SettlementMoney;
  printedAt: string;
}

const LineMoneyRow = z.object({
  settlement_id: z.string(),
  line_no: z.number().int(),
  pre_self_pay: fenColumn,
  full_own_pay: fenColumn,
  over_limit_self_pay: fenColumn,
});

const ZERO: SettlementMoney = {
  total: 0, fullOwnPay: 0, overLimitSelfPay: 0, preSelfPay: 0, eligible: 0, deductible: 0, fundPay: 0, coPay: 0, overCapSelfPay: 0, criticalIllnessPay: 0, personalTotal: 0, accountPay: 0, cashPay: 0,
};

export interface SlipSelection {
  id?: string | undefined;
  psnNo?: string | undefined;
  day?: string | undefined;
}

export class SlipBuilder {
  constructor(
    private readonly core: CoreApp,
    private readonly reader: SettlementReader,
    /** The catalogue kind of an item code (the policy part's entry), for the fee category. */
    private readonly kindOf: (code: string) => string | undefined,
  ) {}

  /** The slip of one settlement (`id`), or of a patient's day (`psnNo` + `day`, China date). */
  build(sel: SlipSelection): Slip {
    const views = this.select(sel);
    const first = views[0]!;
    const ids = views.map((v) => v.id);
    const lineMoney = new Map(
      many(
        this.core.db,
        'SELECT settlement_id, line_no, pre_self_pay, full_own_pay, over_limit_self_pay FROM settlement_lines WHERE settlement_id IN (SELECT value FROM json_each(:ids))',
        { ids: JSON.stringify(ids) },
        LineMoneyRow,
      ).map((r) => [`${r.settlement_id}#${r.line_no}`, r]),
    );
    const lines: SlipLine[] = views.flatMap((v) =>
      v.lines.map((l) => {
        const m = lineMoney.get(`${v.id}#${l.lineNo}`);
        return {
          settlementId: v.id,
          lineNo: l.lineNo,
          code: l.code,
          name: l.name || l.code,
          category: categoryOf(this.kindOf(l.code)),
          itemClass: CLASS_WORDS[l.class] ?? l.class,
          unitPrice: l.unitPrice,
          quantity: l.quantity,
          amount: l.amount,
          preSelfPay: m?.pre_self_pay ?? 0,
          fullOwnPay: m?.full_own_pay ?? 0,
          overLimitSelfPay: m?.over_limit_self_pay ?? 0,
        };
      }),
    );
    const categories = (['drug', 'service', 'material', 'other'] as const)
      .map((category) => ({ category, amount: lines.filter((l) => l.category === category).reduce((s, l) => s + l.amount, 0) }))
      .filter((c) => lines.some((l) => l.category === c.category));
    const money = views.reduce((sum, v) => {
      const m = centerFigures(v);
      const out = { ...sum };
      for (const k of Object.keys(out) as (keyof SettlementMoney)[]) out[k] = sum[k] + m[k];
      return out;
    }, ZERO);
    return {
      clinicName: this.core.settings.institutionName || '医保收费',
      institutionCode: this.core.settings.institutionCode,
      scope: sel.id ? 'one' : 'day',
      day: sel.id ? chinaDateTime(new Date(first.createdAt)).slice(0, 10) : (sel.day ?? ''),
      patient: { name: first.psnName, psnNo: first.psnNo, certNo: first.certNo, insuranceType: first.insuranceType, visitType: first.visitType },
      settlements: views.map((v) => ({ id: v.id, time: chinaDateTime(new Date(v.createdAt)), state: v.state, centerSetlId: this.reader.row(v.id)?.center_setl_id ?? null, selfPay: v.selfPay })),
      lines,
      categories,
      money,
      printedAt: chinaDateTime(this.core.clock.now()),
    };
  }

  private select(sel: SlipSelection): SettlementView[] {
    if (sel.id) {
      const v = this.reader.view(sel.id);
      if (!v) throw new AppError('SETTLEMENT_NOT_FOUND', `找不到结算 ${sel.id}`, { id: sel.id });
      if (v.refundOf) throw new AppError('SLIP_OF_REFUND', `结算 ${sel.id} 是一笔退费记录，没有结算单：请打印原结算的结算单。`, { id: sel.id });
      return [v];
    }
    if (!sel.psnNo || !sel.day) throw new AppError('SLIP_SELECTION', '请给出结算号，或人员编号和日期（当日结算单）。');
    const psnNo = sel.psnNo;
    const views = this.reader
      .list(sel.day)
      .filter((s) => s.psnNo === psnNo && !s.refundOf && s.state !== 'refunded')
      .map((s) => this.reader.view(s.id)!)
      .filter(Boolean);
    if (views.length === 0) throw new AppError('SLIP_NOTHING', `${sel.day} 没有人员 ${psnNo} 的有效结算，无结算单可打。`, { psnNo, day: sel.day });
    return views;
  }
}

function categoryOf(kind: string | undefined): FeeCategory {
  return kind === 'drug' || kind === 'service' || kind === 'material' ? kind : 'other';
}

const STATE_WORDS: Record<SettlementView['state'], string> = { provisional: '暂存', confirmed: '已确认', adjusted: '中心调整', rejected: '中心拒绝', refunded: '已退费' };
export const slipStateWords = (s: SettlementView['state']): string => STATE_WORDS[s];

/** The slip's title. */
export const slipTitle = (slip: Slip): string => (slip.scope === 'day' ? '医保结算单（当日汇总）' : '医保结算单');

/** The payment part: label and fen, in the order the slip prints them. */
export function slipPayments(m: SettlementMoney): [string, number][] {
  return [
    ['医疗费总额', m.total],
    ['统筹基金支付', m.fundPay],
    ['大病保险支付', m.criticalIllnessPay],
    ['个人账户支付', m.accountPay],
    ['现金支付（个人自付）', m.cashPay],
    ['其中：先行自付', m.preSelfPay],
    ['其中：全自费', m.fullOwnPay],
    ['其中：超限价自付', m.overLimitSelfPay],
  ];
}

/**
 * The slip as lines for the receipt printer, `columns` wide (32 for 58 mm, 48 for 80 mm): each
 * line's name, then class · category · price × quantity = amount, and its 先行自付 / 全自费 when
 * there are any; the categories; the payments.
 */
export function slipLines(slip: Slip, columns: number): string[] {
  const rule = '-'.repeat(columns);
  const pair = (label: string, amount: string) => {
    const room = Math.max(1, columns - displayWidth(amount));
    return padEndToWidth(truncateToWidth(label, room - 1), room) + amount;
  };
  const out: string[] = [];
  out.push(truncateToWidth(slip.clinicName, columns));
  out.push(truncateToWidth(`机构 ${slip.institutionCode}`, columns));
  out.push(truncateToWidth(`姓名 ${slip.patient.name}  人员 ${slip.patient.psnNo}`, columns));
  out.push(truncateToWidth(`日期 ${slip.day}`, columns));
  for (const s of slip.settlements) out.push(truncateToWidth(`结算 ${s.id} ${slipStateWords(s.state)}${s.centerSetlId ? ` 中心 ${s.centerSetlId}` : ''}`, columns));
  out.push(rule);
  for (const l of slip.lines) {
    out.push(truncateToWidth(l.name, columns));
    const detail = `${l.itemClass} ${FEE_CATEGORY_WORDS[l.category]} ${l.unitPrice}×${l.quantity}`;
    out.push(pair(`  ${detail}`, fenToYuan(l.amount)));
    if (l.preSelfPay) out.push(pair('  先行自付', fenToYuan(l.preSelfPay)));
    if (l.fullOwnPay) out.push(pair('  全自费', fenToYuan(l.fullOwnPay)));
  }
  out.push(rule);
  for (const c of slip.categories) out.push(pair(FEE_CATEGORY_WORDS[c.category], fenToYuan(c.amount)));
  out.push(rule);
  for (const [label, fen] of slipPayments(slip.money)) out.push(pair(label, fenToYuan(fen)));
  out.push(rule);
  out.push(padStartToWidth(`打印 ${slip.printedAt}`, columns));
  return out;
}
