// Every text field in the window has maxLength (issue 14): a cashier who pastes megabytes into
// a reason field is stopped at the field, not by the server. Reads every .tsx under renderer/src
// and checks each <input>/<textarea> element's attributes; checkboxes, radios and files carry no
// text. The limits come from electron/api/contract/limits.ts, which the contract-limits test
// ties to the contract's own maxima.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(process.cwd(), 'renderer', 'src');

function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsxFiles(join(dir, e.name)) : e.name.endsWith('.tsx') ? [join(dir, e.name)] : [],
  );
}

/** Each <input …/> or <textarea …> element's opening tag, with its file and line. */
export function textFields(source: string): Array<{ line: number; tag: string }> {
  const out: Array<{ line: number; tag: string }> = [];
  const re = /<(input|textarea)\b/g;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    // The tag ends at the first '/>' or '>' outside braces (attribute expressions hold '=>').
    let depth = 0;
    let end = m.index;
    for (let i = m.index + 1; i < source.length; i++) {
      const ch = source[i];
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
      else if (ch === '>' && depth === 0) {
        end = i;
        break;
      }
    }
    out.push({ line: source.slice(0, m.index).split('\n').length, tag: source.slice(m.index, end + 1) });
  }
  return out;
}

const NO_TEXT = /\btype="(checkbox|radio|file|range|color|hidden)"/;

describe('renderer text fields', () => {
  it('every <input> and <textarea> that takes text has maxLength', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const file of tsxFiles(ROOT)) {
      for (const f of textFields(readFileSync(file, 'utf8'))) {
        if (NO_TEXT.test(f.tag)) continue;
        seen++;
        if (!/\bmaxLength=\{/.test(f.tag)) missing.push(`${relative(process.cwd(), file)}:${f.line}`);
      }
    }
    expect(seen).toBeGreaterThan(15); // the scan really found the window's fields
    expect(missing).toEqual([]);
  });

  it('the scan sees a field without maxLength, and one with (it can fail)', () => {
    const src = `<div><input data-testid="a" onChange={(e) => set(e.target.value)} />\n<textarea maxLength={5} value={x}></textarea><input type="checkbox" /></div>`;
    const fields = textFields(src);
    expect(fields.map((f) => /maxLength=\{/.test(f.tag))).toEqual([false, true, false]);
    expect(fields[0]!.tag).toContain('e.target.value)}');
  });
});
