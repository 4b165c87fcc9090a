// A plain text document for the receipt printer (the shift report): a bold centred title,
// the lines as given (already laid out for the profile's columns), feed and cut. Pure.
import { EscPosBuilder } from './builder';
import type { PrinterProfile } from './profiles';

export function buildTextDocument(title: string, lines: string[], profile: PrinterProfile): Uint8Array {
  const b = new EscPosBuilder(profile).init().chineseMode(true).align('center').bold(true).line(title).bold(false).align('left');
  for (const l of lines) b.line(l);
  return b.feed(3).cut().bytes();
}
