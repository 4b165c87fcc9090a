// Display width in printer columns: a CJK character takes two columns, ASCII one. Layout
// counts this, never string length.

/**
 * Columns of one character on a receipt printer in Chinese (double-byte) mode: printable
 * ASCII takes one column; every other character goes out as a GB18030 multi-byte code and
 * prints in a two-column cell — including "ambiguous" ones like · × ° that a terminal may
 * draw narrow. Control characters take none.
 */
export function charWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  return cp < 0x80 ? 1 : 2;
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch);
  return w;
}

/** Cut to at most `width` columns (never splitting a wide character). */
export function truncateToWidth(s: string, width: number): string {
  let w = 0;
  let out = '';
  for (const ch of s) {
    const cw = charWidth(ch);
    if (w + cw > width) break;
    out += ch;
    w += cw;
  }
  return out;
}

/** Break into lines of at most `width` columns (by character: Chinese has no word spaces). */
export function wrapToWidth(s: string, width: number): string[] {
  if (width < 2) throw new RangeError('width must be at least 2 columns');
  const lines: string[] = [];
  let cur = '';
  let w = 0;
  for (const ch of s) {
    const cw = charWidth(ch);
    if (w + cw > width) {
      lines.push(cur);
      cur = '';
      w = 0;
    }
    cur += ch;
    w += cw;
  }
  if (cur !== '' || lines.length === 0) lines.push(cur);
  return lines;
}

/** A run of printable ASCII without spaces (a number, a code, an id, "90%"), or one other character. */
const WORD = /[!-~]+|[^!-~]/gu;

/**
 * Break into lines of at most `width` columns between words: a number, a code or an id is never
 * split across two lines ("291.79" stays whole; Chinese text still breaks between characters,
 * which is where it breaks). Only a word wider than the whole line is cut, by character. A
 * space at the start of a continuation line is dropped.
 */
export function wrapKeepingWords(s: string, width: number): string[] {
  if (width < 2) throw new RangeError('width must be at least 2 columns');
  const lines: string[] = [];
  let cur = '';
  let w = 0;
  for (const word of s.match(WORD) ?? []) {
    const ww = displayWidth(word);
    if (w + ww <= width) {
      cur += word;
      w += ww;
      continue;
    }
    if (cur !== '') {
      lines.push(cur.trimEnd());
      cur = '';
      w = 0;
    }
    if (word === ' ') continue;
    if (ww <= width) {
      cur = word;
      w = ww;
      continue;
    }
    const parts = wrapToWidth(word, width);
    lines.push(...parts.slice(0, -1));
    cur = parts[parts.length - 1]!;
    w = displayWidth(cur);
  }
  if (cur !== '' || lines.length === 0) lines.push(cur);
  return lines;
}

export function padEndToWidth(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

export function padStartToWidth(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(s))) + s;
}

/** Left text and right text on one line of `width` columns; the left is cut if both don't fit. */
export function leftRight(left: string, right: string, width: number): string {
  const rw = displayWidth(right);
  const room = Math.max(0, width - rw - 1);
  const l = truncateToWidth(left, room);
  return l + ' '.repeat(Math.max(1, width - displayWidth(l) - rw)) + right;
}

export function centerInWidth(s: string, width: number): string {
  const t = truncateToWidth(s, width);
  const pad = Math.floor((width - displayWidth(t)) / 2);
  return ' '.repeat(pad) + t;
}
