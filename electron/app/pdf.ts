// What the A4 PDF documents (the shift report, the settlement slip) share: the document streamed
// into one Buffer, and the body font: an embedded CJK font where one is found (built-in
// Helvetica cannot draw Chinese), else Helvetica, and each document says so on its page.
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';

/** Where the CJK font is looked for, first found wins. CASHIER_CJK_FONT overrides. */
export const CJK_FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  'C:\\Windows\\Fonts\\msyh.ttc',
  'C:\\Windows\\Fonts\\simsun.ttc',
  '/System/Library/Fonts/PingFang.ttc',
];

export function findCjkFont(candidates = CJK_FONT_CANDIDATES, env = process.env): string | null {
  const override = env.CASHIER_CJK_FONT;
  if (override) return existsSync(override) ? override : null;
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** The font's name inside a .ttc collection, from the file name (pdfkit needs it to pick one). */
export function guessTtcFamily(path: string): string | undefined {
  if (/wqy-microhei/i.test(path)) return 'WenQuanYiMicroHei';
  if (/wqy-zenhei/i.test(path)) return 'WenQuanYiZenHei';
  if (/NotoSansCJK/i.test(path)) return 'NotoSansCJKsc-Regular';
  if (/msyh/i.test(path)) return 'MicrosoftYaHei';
  if (/simsun/i.test(path)) return 'SimSun';
  return undefined;
}

/** A new A4 page (40pt margins) with the body font set; `done` is the whole file once `doc.end()` is called. */
export function startA4Pdf(title: string, font: { cjkFont: string | null; cjkFontFamily?: string }): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: title, Producer: 'yibao-cashier' } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  if (font.cjkFont) {
    const family = font.cjkFontFamily ?? (font.cjkFont.endsWith('.ttc') ? guessTtcFamily(font.cjkFont) : undefined);
    doc.registerFont('body', font.cjkFont, family);
  } else {
    doc.registerFont('body', 'Helvetica');
  }
  doc.font('body');
  return { doc, done };
}
