// The shift report as CSV for the finance system: UTF-8 with BOM (opens in Excel in China),
// amounts in yuan with two decimals, one row per figure.
import type { Figure, ShiftReport } from '../api/contract/shift';
import { insuranceLabel, stateLabel, visitLabel, type Label } from './labels';
import { fenToYuan } from '../api/money';

const HEADER = ['section', 'key', 'name', 'count', 'refund_count', 'gross', 'refunded', 'total', 'fund', 'critical_illness', 'account', 'cash'];

function cell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function figureRow(section: string, key: string, name: string, f: Figure): string[] {
  return [section, key, name, String(f.count), String(f.refundCount), ...[f.gross, f.refunded, f.total, f.fund, f.critical, f.account, f.cash].map(fenToYuan)];
}

export function shiftReportCsv(report: ShiftReport): string {
  const s = report.shift;
  const f = report.figures;
  const rows: string[][] = [HEADER];
  rows.push(figureRow('all', 'all', '合计', f.all));
  const add = (section: string, map: Record<string, Figure>, label: (k: string) => Label) => {
    for (const [k, v] of Object.entries(map).sort()) rows.push(figureRow(section, k, label(k).zh, v));
  };
  add('insurance_type', f.byInsuranceType, insuranceLabel);
  add('visit_type', f.byVisitType, visitLabel);
  add('state', f.byState, stateLabel);
  rows.push(figureRow('online', 'online', '在线', f.online), figureRow('online', 'offline', '离线', f.offline));
  const money = (key: string, name: string, fen: number | null) => rows.push(['cash', key, name, '', '', '', '', fen === null ? '' : fenToYuan(fen), '', '', '', '']);
  money('opening_float', '备用金', f.cash.openingFloat);
  money('cash_in', '存入', f.cash.cashIn);
  money('cash_out', '取出', f.cash.cashOut);
  money('settlement_cash', '结算现金', f.cash.settlementCash);
  money('deposit_in', '押金收', f.cash.deposits.paidIn);
  money('deposit_out', '押金退', f.cash.deposits.paidBack);
  money('deposit_netted', '押金冲抵结算', f.cash.deposits.netted);
  money('expected', '应有现金', f.cash.expected);
  if (report.kind === 'handover') {
    money('counted', '实点现金', s.countedCash);
    money('variance', '差额', s.variance);
    money('corrected_variance', '更正后差额', s.correctedVariance);
  }
  const meta = [
    ['# shift', s.id],
    ['# operator', s.operatorId],
    ['# state', s.state],
    ['# opened_at', s.openedAt],
    ['# as_of', f.asOf],
    ['# handover_hash', s.handoverHash ?? ''],
    // Fund, critical illness and account (and total) are the center's for adjusted settlements; cash is what was collected.
    ['# amounts', 'center_agreed'],
    ['# center_adjusted', String(f.centerAdjusted ?? 0)],
  ];
  return '\uFEFF' + [...meta, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
