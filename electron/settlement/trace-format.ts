// Drug traceability codes (追溯码, issue 17): what a code looks like, and how many a line needs.
// PURE (no I/O): the main process checks every code with it, the settings check the configured
// formats with it, and the window words its answers from the codes it gives.
import { COMMON_TRACE_CODE } from '../api/contract/settlement';
import { parseScaled, SCALE } from '../api/money';

/** Longest code kept (a GS1 DataMatrix string with its batch and expiry fits easily). */
export const MAX_TRACE_CODE_LENGTH = 64;

/** A further code scheme a deployment accepts (setting traceCodeFormats). */
export interface TraceFormat {
  name: string;
  pattern: RegExp;
}

/**
 * The traceCodeFormats setting: '' (only the common scheme) or a JSON array of
 * {"name": "...", "pattern": "^...$"} (at most 10). A pattern must be anchored at both ends, so
 * it describes a whole code and not a part of one, and must compile; a name is 1–40 characters.
 * Throws an Error with the Chinese reason otherwise (the setting is then refused at start).
 */
export function parseTraceFormats(spec: string): TraceFormat[] {
  const s = spec.trim();
  if (s === '') return [];
  let raw: unknown;
  try {
    raw = JSON.parse(s);
  } catch {
    throw new Error('追溯码格式设置应为 JSON 数组，如 [{"name":"GS1","pattern":"^01\\\\d{14}21\\\\w{1,20}$"}]');
  }
  if (!Array.isArray(raw) || raw.length > 10) throw new Error('追溯码格式设置应为最多 10 项的 JSON 数组');
  return raw.map((f: unknown, i) => {
    const o = typeof f === 'object' && f !== null ? (f as Record<string, unknown>) : {};
    const keys = Object.keys(o);
    if (keys.some((k) => k !== 'name' && k !== 'pattern')) throw new Error(`追溯码格式第 ${i + 1} 项只能有 name 和 pattern`);
    const { name, pattern } = o;
    if (typeof name !== 'string' || name.trim().length < 1 || name.length > 40) throw new Error(`追溯码格式第 ${i + 1} 项的 name 应为 1–40 个字符`);
    if (name === 'common') throw new Error(`追溯码格式第 ${i + 1} 项的 name 不能是 common（常用 20 位码的名称）`);
    if (typeof pattern !== 'string' || pattern.length > 200) throw new Error(`追溯码格式第 ${i + 1} 项的 pattern 应为最多 200 个字符的正则表达式`);
    if (!pattern.startsWith('^') || !pattern.endsWith('$')) throw new Error(`追溯码格式第 ${i + 1} 项的 pattern 应以 ^ 开头、以 $ 结尾（描述整个码）`);
    try {
      return { name: name.trim(), pattern: new RegExp(pattern) };
    } catch {
      throw new Error(`追溯码格式第 ${i + 1} 项的 pattern 不是有效的正则表达式`);
    }
  });
}

/**
 * A scan as the code it names: surrounding blanks dropped (a scanner's suffix, a pasted line).
 * Null when what is left cannot be a code at all: empty, too long, or holding a blank or a
 * control character inside.
 */
export function normaliseScan(text: string): string | null {
  const code = text.trim();
  if (code.length === 0 || code.length > MAX_TRACE_CODE_LENGTH) return null;
  if (/[\s\u0000-\u001f\u007f]/.test(code)) return null;
  return code;
}

/** The scheme a code belongs to ('common' or a configured name), or null when it fits none. */
export function traceFormatOf(code: string, formats: readonly TraceFormat[]): string | null {
  if (COMMON_TRACE_CODE.test(code)) return 'common';
  return formats.find((f) => f.pattern.test(code))?.name ?? null;
}

/**
 * How many packages (and so codes) a drug line sells: its quantity rounded up — a line of 1.5
 * boxes opens a second box, whose code is scanned when it is opened. 0 for a quantity that is
 * not a positive decimal (the line rules refuse that line anyway).
 */
export function packagesOf(quantity: string): number {
  const q = parseScaled(quantity.trim());
  if (q === null || q <= 0n) return 0;
  return Number((q + SCALE - 1n) / SCALE);
}
