// The shift report as receipt lines (58 mm = 32 columns, 80 mm = 48), for the receipt printer
// and the on-screen preview. Built from the one ShiftReport, never recomputed.
import type { Figure, ShiftReport } from '../api/contract/shift';
import { chinaDateTime } from '../app/clock';
import { denominationLabel } from './denominations';
import { CHANNELS, insuranceLabel, leftRight, stateLabel, visitLabel, type Label } from './labels';
import { fenToYuan } from '../api/money';

/** A drawer's variance as the supervisor says it: "短款 4.60" (short), "长款 3.00" (over), "0.00". */
export function varianceWords(fen: number): string {
  if (fen === 0) return fenToYuan(0);
  return `${fen < 0 ? '短款' : '长款'} ${fenToYuan(Math.abs(fen))}`;
}

export function renderShiftReportLines(report: ShiftReport, columns = 32): string[] {
  const s = report.shift;
  const f = report.figures;
  const rule = '-'.repeat(columns);
  const lr = (l: string, r: string) => leftRight(l, r, columns);
  const lines: string[] = [];
  lines.push(report.kind === 'x' ? 'X 报表（未结班）' : '班次交接报表');
  lines.push(`班次 ${s.id}`);
  lines.push(`收费员 ${s.operatorName}（${s.operatorId}）`);
  lines.push(`开班 ${chinaDateTime(new Date(s.openedAt))}`);
  lines.push(report.kind === 'x' ? `截至 ${chinaDateTime(new Date(f.asOf))}` : `结班 ${chinaDateTime(new Date(s.closedAt ?? f.asOf))}`);
  lines.push(rule);
  lines.push(lr(`结算 ${f.all.count} 笔`, fenToYuan(f.all.gross)));
  lines.push(lr(`退费 ${f.all.refundCount} 笔`, fenToYuan(f.all.refunded)));
  lines.push(lr('合计（净额）', fenToYuan(f.all.total)));
  for (const c of CHANNELS) lines.push(lr(`  ${c.label.zh}`, fenToYuan(f.all[c.key])));
  if (f.centerAdjusted) lines.push(`含中心调整 ${f.centerAdjusted} 笔：统筹/大病/账户按中心结果，现金按实收`);
  const section = (title: string, map: Record<string, Figure>, label: (k: string) => Label) => {
    lines.push(rule, title);
    for (const [k, v] of Object.entries(map).sort()) lines.push(lr(`  ${label(k).zh} ${v.count}笔/退${v.refundCount}`, fenToYuan(v.total)));
  };
  section('按险种', f.byInsuranceType, insuranceLabel);
  section('按就诊类型', f.byVisitType, visitLabel);
  section('按状态', f.byState, stateLabel);
  lines.push(rule, '现金');
  lines.push(lr('  备用金', fenToYuan(f.cash.openingFloat)));
  lines.push(lr('  存入', fenToYuan(f.cash.cashIn)));
  lines.push(lr('  取出', fenToYuan(-f.cash.cashOut)));
  lines.push(lr('  结算现金（净）', fenToYuan(f.cash.settlementCash)));
  // Hospital deposits (issue 19): in the drawer from the deposit, not from the settlement.
  if (f.cash.deposits.paidIn || f.cash.deposits.paidBack || f.cash.deposits.netted) {
    lines.push(lr('  押金收', fenToYuan(f.cash.deposits.paidIn)));
    lines.push(lr('  押金退', fenToYuan(f.cash.deposits.paidBack)));
    lines.push(lr('  押金冲抵结算', fenToYuan(f.cash.deposits.netted)));
  }
  if (f.cash.expected !== null) lines.push(lr('  应有现金', fenToYuan(f.cash.expected)));
  if (report.kind === 'handover') {
    lines.push(lr('  实点现金', fenToYuan(s.countedCash ?? 0)));
    lines.push(lr('  差额', varianceWords(s.variance ?? 0)));
    for (const c of s.countedCounts ?? []) lines.push(lr(`    ${denominationLabel(c.denomination)} × ${c.count}`, fenToYuan(c.denomination * c.count)));
    if (s.closeNote) lines.push(`  说明：${s.closeNote}`);
    for (const c of s.corrections) lines.push(lr(`  更正 ${c.operatorId}`, fenToYuan(c.cashDelta)), `    ${c.note}`);
    if (s.corrections.length) lines.push(lr('  更正后差额', fenToYuan(s.correctedVariance ?? 0)));
    lines.push(rule);
    lines.push(s.signedBy ? `主管签核 ${s.signedBy} ${chinaDateTime(new Date(s.signedAt ?? ''))}` : '主管签核：__________');
    lines.push(`校验 ${(s.handoverHash ?? '').slice(0, 16)}`);
  }
  lines.push('');
  return lines;
}
