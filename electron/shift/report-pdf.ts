// The shift report as a PDF: header, tables, a bar chart of settlements per hour and the
// channel split. Chinese needs an embedded CJK font; without one the report falls back to the
// English labels (built-in Helvetica cannot draw Chinese) and says so on the page.
import { startA4Pdf } from '../app/pdf';
import type { Figure, ShiftReport } from '../api/contract/shift';
import { chinaDateTime } from '../app/clock';
import { CHANNELS, insuranceLabel, stateLabel, visitLabel, type Label } from './labels';
import { fenToYuan } from '../api/money';
import { varianceWords } from './report-lines';

export interface PdfOptions {
  clinicName: string;
  /** Path of a .ttf/.ttc with CJK glyphs; null → English labels. */
  cjkFont: string | null;
  /** Font name inside a .ttc collection. */
  cjkFontFamily?: string;
}

const CHARTS_AND_FOOTER = 330;

const CHANNEL_COLORS = ['#2f6fb3', '#c0504d', '#9bbb59', '#f79646'];

export function shiftReportPdf(report: ShiftReport, opts: PdfOptions): Promise<Buffer> {
  const { doc, done } = startA4Pdf(`Shift report ${report.shift.id}`, opts);
  const zh = opts.cjkFont !== null;
  const t = (l: Label) => (zh ? l.zh : l.en);
  // Helvetica draws Latin-1 only: free text (names, notes) becomes '?' rather than garbage.
  const free = (v: string) => (zh ? v : v.replace(/[^\x20-\xff]/g, '?'));
  const s = report.shift;
  const f = report.figures;

  doc.fontSize(16).text(`${free(opts.clinicName)} ${zh ? (report.kind === 'x' ? 'X 报表（未结班）' : '班次交接报表') : report.kind === 'x' ? 'X report (shift open)' : 'Shift handover report'}`);
  doc.moveDown(0.3).fontSize(9);
  doc.text(`${zh ? '班次' : 'Shift'} ${s.id}    ${zh ? '收费员' : 'Cashier'} ${free(s.operatorName)} (${s.operatorId})`);
  doc.text(`${zh ? '开班' : 'Opened'} ${chinaDateTime(new Date(s.openedAt))}    ${zh ? '截至' : 'As of'} ${chinaDateTime(new Date(f.asOf))}`);
  if (!zh) doc.text('(No CJK font found: labels are in English. Install a CJK font or set CASHIER_CJK_FONT.)');
  if (f.centerAdjusted) {
    doc.text(
      zh
        ? `含中心调整 ${f.centerAdjusted} 笔：统筹、大病、个人账户按中心结果，现金按实收。`
        : `${f.centerAdjusted} settlement(s) adjusted by the center: fund, critical illness and account as the center agreed; cash as collected.`,
    );
  }
  doc.moveDown(0.5);

  const cols = [zh ? '项目' : 'Item', zh ? '笔数' : 'Count', zh ? '退费' : 'Refunds', zh ? '合计' : 'Total', t(CHANNELS[0].label), t(CHANNELS[1].label), t(CHANNELS[2].label), t(CHANNELS[3].label)];
  const row = (name: string, v: Figure) => [name, String(v.count), String(v.refundCount), fenToYuan(v.total), fenToYuan(v.fund), fenToYuan(v.critical), fenToYuan(v.account), fenToYuan(v.cash)];
  const keyed = (map: Record<string, Figure>, label: (k: string) => Label) => Object.entries(map).sort().map(([k, v]) => row(t(label(k)), v));
  table(doc, zh ? '合计' : 'Totals', cols, [row(zh ? '全部（净额）' : 'All (net)', f.all), row(zh ? '在线' : 'Online', f.online), row(zh ? '离线' : 'Offline', f.offline)]);
  table(doc, zh ? '按险种' : 'By insurance type', cols, keyed(f.byInsuranceType, insuranceLabel));
  table(doc, zh ? '按就诊类型' : 'By visit type', cols, keyed(f.byVisitType, visitLabel));
  table(doc, zh ? '按状态（暂存/已确认/中心调整/中心拒绝/已退费）' : 'By state', cols, keyed(f.byState, stateLabel));

  const cashRows: string[][] = [
    [zh ? '备用金' : 'Opening float', fenToYuan(f.cash.openingFloat)],
    [zh ? '存入' : 'Cash in', fenToYuan(f.cash.cashIn)],
    [zh ? '取出' : 'Cash out', fenToYuan(f.cash.cashOut)],
    [zh ? '结算现金（净）' : 'Settlement cash (net)', fenToYuan(f.cash.settlementCash)],
    [zh ? '押金收' : 'Deposits paid in', fenToYuan(f.cash.deposits.paidIn)],
    [zh ? '押金退' : 'Deposits paid back', fenToYuan(f.cash.deposits.paidBack)],
    [zh ? '押金冲抵结算' : 'Deposits netted', fenToYuan(f.cash.deposits.netted)],
    [zh ? '应有现金' : 'Expected', f.cash.expected === null ? '—' : fenToYuan(f.cash.expected)],
  ];
  if (report.kind === 'handover') {
    const v = s.variance ?? 0;
    cashRows.push([zh ? '实点现金' : 'Counted', fenToYuan(s.countedCash ?? 0)], [zh ? '差额' : 'Variance', zh ? varianceWords(v) : v < 0 ? `short ${fenToYuan(-v)}` : v > 0 ? `over ${fenToYuan(v)}` : fenToYuan(0)]);
    if (s.corrections.length) cashRows.push([zh ? '更正后差额' : 'Variance after corrections', fenToYuan(s.correctedVariance ?? 0)]);
  }
  table(doc, zh ? '现金' : 'Cash', [zh ? '项目' : 'Item', zh ? '金额（元）' : 'Amount (yuan)'], cashRows);
  if (s.closeNote) doc.fontSize(9).text(`${zh ? '差异说明' : 'Note'}: ${free(s.closeNote)}`);

  // The charts and the sign-off footer go on one page together (about 330 pt): never a last page
  // holding only the footer, never a chart cut by the page end.
  if (doc.y + CHARTS_AND_FOOTER > doc.page.height - doc.page.margins.bottom) doc.addPage();
  hourlyChart(doc, zh ? '每小时结算笔数' : 'Settlements per hour', f.hourly);
  channelBar(doc, zh ? '支付渠道构成' : 'Payment channel split', f.all, t);

  doc.moveDown(1).fontSize(9);
  if (report.kind === 'handover') {
    doc.text(`${zh ? '交接记录校验' : 'Handover hash'}: ${s.handoverHash ?? ''}`);
    doc.text(s.signedBy ? `${zh ? '主管签核' : 'Signed off by'} ${s.signedBy} ${chinaDateTime(new Date(s.signedAt ?? ''))}` : `${zh ? '主管签核' : 'Supervisor sign-off'}: ______________`);
  }
  doc.end();
  return done;
}

/** pdfkit needs the font's PostScript name inside a .ttc; wqy-microhei's first face is this. */
function table(doc: PDFKit.PDFDocument, title: string, header: string[], rows: string[][]): void {
  const x0 = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const first = header.length > 2 ? 110 : 200;
  const rest = header.length > 1 ? (width - first) / (header.length - 1) : 0;
  const colX = (i: number) => (i === 0 ? x0 : x0 + first + (i - 1) * rest);
  const rowH = 15;
  if (doc.y + rowH * (rows.length + 2) > doc.page.height - doc.page.margins.bottom) doc.addPage();
  doc.moveDown(0.4).fontSize(11).text(title, x0);
  let y = doc.y + 2;
  const line = (cells: string[], bold: boolean) => {
    if (bold) doc.rect(x0, y - 2, width, rowH).fill('#eeeeee').fillColor('#000000');
    doc.fontSize(8.5);
    cells.forEach((c, i) => {
      const w = i === 0 ? first : rest;
      doc.text(c, colX(i) + 2, y + 1, { width: w - 4, align: i === 0 ? 'left' : 'right', lineBreak: false });
    });
    doc.moveTo(x0, y + rowH - 2).lineTo(x0 + width, y + rowH - 2).lineWidth(0.3).strokeColor('#999999').stroke();
    y += rowH;
  };
  line(header, true);
  for (const r of rows) line(r, false);
  doc.x = x0;
  doc.y = y + 2;
}

function hourlyChart(doc: PDFKit.PDFDocument, title: string, hourly: { hour: string; count: number }[]): void {
  const x0 = doc.page.margins.left;
  doc.moveDown(0.6).fontSize(11).text(title, x0);
  const top = doc.y + 4;
  const h = 110;
  const w = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const max = Math.max(1, ...hourly.map((b) => b.count));
  const bw = hourly.length ? Math.min(30, (w - 20) / hourly.length) : 0;
  doc.moveTo(x0, top + h).lineTo(x0 + w, top + h).lineWidth(0.5).strokeColor('#000000').stroke();
  hourly.forEach((b, i) => {
    const bh = (b.count / max) * (h - 14);
    const x = x0 + 10 + i * bw;
    doc.rect(x + 2, top + h - bh, bw - 4, bh).fill('#2f6fb3').fillColor('#000000');
    doc.fontSize(7).text(String(b.count), x, top + h - bh - 9, { width: bw, align: 'center', lineBreak: false });
    doc.fontSize(7).text(b.hour, x, top + h + 2, { width: bw, align: 'center', lineBreak: false });
  });
  doc.x = x0;
  doc.y = top + h + 14;
}

function channelBar(doc: PDFKit.PDFDocument, title: string, all: Figure, t: (l: Label) => string): void {
  const x0 = doc.page.margins.left;
  doc.moveDown(0.6).fontSize(11).text(title, x0);
  const top = doc.y + 4;
  const w = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const parts = CHANNELS.map((c) => ({ label: t(c.label), fen: Math.max(0, all[c.key]) }));
  const sum = parts.reduce((s, p) => s + p.fen, 0) || 1;
  let x = x0;
  parts.forEach((p, i) => {
    const pw = (p.fen / sum) * w;
    if (pw > 0) doc.rect(x, top, pw, 18).fill(CHANNEL_COLORS[i] ?? '#888888');
    x += pw;
  });
  doc.fillColor('#000000');
  let ly = top + 24;
  parts.forEach((p, i) => {
    doc.rect(x0, ly + 1, 8, 8).fill(CHANNEL_COLORS[i] ?? '#888888').fillColor('#000000');
    doc.fontSize(8.5).text(`${p.label}  ${fenToYuan(p.fen)}  (${((p.fen * 100) / sum).toFixed(1)}%)`, x0 + 12, ly, { lineBreak: false });
    ly += 12;
  });
  doc.x = x0;
  doc.y = ly + 4;
}
