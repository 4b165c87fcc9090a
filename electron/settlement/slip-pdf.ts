// The settlement slip (slip.ts) as an A4 PDF: the header (clinic, patient, settlements), the fee
// lines in a table (category, class, unit price, quantity, amount, 先行自付, 全自费), the fee
// categories and the payments. Chinese needs an embedded CJK font (found as for the shift report,
// electron/app/pdf.ts); without one the words are replaced by '?' and the page says so.
import { fenToYuan } from '../api/money';
import { startA4Pdf } from '../app/pdf';
import { FEE_CATEGORY_WORDS, slipPayments, slipStateWords, slipTitle, type Slip } from './slip';

export function slipPdf(slip: Slip, opts: { cjkFont: string | null; cjkFontFamily?: string }): Promise<Buffer> {
  const { doc, done } = startA4Pdf(`Settlement slip ${slip.settlements.map((s) => s.id).join(' ')}`, opts);
  // Helvetica draws Latin-1 only: without a CJK font, Chinese becomes '?' rather than garbage.
  const w = (v: string) => (opts.cjkFont ? v : v.replace(/[^\x20-\xff]/g, '?'));
  const x0 = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;

  doc.fontSize(16).text(w(`${slip.clinicName} ${slipTitle(slip)}`), { align: 'center' });
  doc.moveDown(0.3).fontSize(9);
  if (!opts.cjkFont) doc.text('(No CJK font found: Chinese shown as ?. Install a CJK font or set CASHIER_CJK_FONT.)');
  doc.text(w(`定点机构编码 ${slip.institutionCode}    结算日期 ${slip.day}    打印时间 ${slip.printedAt}`));
  doc.text(w(`姓名 ${slip.patient.name}    人员编号 ${slip.patient.psnNo}    证件号 ${slip.patient.certNo}    险种 ${slip.patient.insuranceType}    就诊类型 ${slip.patient.visitType}`));
  for (const s of slip.settlements) doc.text(w(`结算号 ${s.id}    ${s.time}    ${slipStateWords(s.state)}${s.centerSetlId ? `    中心结算号 ${s.centerSetlId}` : ''}${s.selfPay ? '    自费' : ''}`));
  doc.moveDown(0.5);

  const cols = ['项目名称', '费用类别', '等级', '单价', '数量', '金额', '先行自付', '全自费'];
  const colW = [150, 55, 30, 55, 45, 60, 60, width - 455];
  const colX = colW.map((_, i) => x0 + colW.slice(0, i).reduce((a, b) => a + b, 0));
  const rowH = 15;
  let y = doc.y + 2;
  const row = (cells: string[], head: boolean) => {
    if (y + rowH > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      y = doc.page.margins.top;
    }
    if (head) doc.rect(x0, y - 2, width, rowH).fill('#eeeeee').fillColor('#000000');
    doc.fontSize(8.5);
    cells.forEach((c, i) => doc.text(w(c), colX[i]! + 2, y + 1, { width: colW[i]! - 4, align: i <= 2 ? 'left' : 'right', lineBreak: false }));
    doc.moveTo(x0, y + rowH - 2).lineTo(x0 + width, y + rowH - 2).lineWidth(0.3).strokeColor('#999999').stroke();
    y += rowH;
  };
  row(cols, true);
  for (const l of slip.lines) {
    row([l.name, FEE_CATEGORY_WORDS[l.category], l.itemClass, l.unitPrice, l.quantity, fenToYuan(l.amount), fenToYuan(l.preSelfPay), fenToYuan(l.fullOwnPay)], false);
  }
  y += 8;
  row(['费用类别', '', '', '', '', '金额', '', ''], true);
  for (const c of slip.categories) row([FEE_CATEGORY_WORDS[c.category], '', '', '', '', fenToYuan(c.amount), '', ''], false);
  y += 8;
  row(['支付', '', '', '', '', '金额（元）', '', ''], true);
  for (const [label, fen] of slipPayments(slip.money)) row([label, '', '', '', '', fenToYuan(fen), '', ''], false);
  doc.x = x0;
  doc.y = y + 16;
  doc.fontSize(9).text(w('患者签字：______________        收费员：______________        （盖章）'), x0);
  doc.end();
  return done;
}
