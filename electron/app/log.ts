// A plain logger that masks identities before anything reaches a file or the console.
import { redactCredentials } from '../api/redact';
export interface Logger {
  info(msg: string, ctx?: Record<string, unknown>): void;
  warn(msg: string, ctx?: Record<string, unknown>): void;
  error(msg: string, ctx?: Record<string, unknown>): void;
}

// Masking (security work): identities never reach a log in full.
// 18-character resident ID numbers (and old 15-digit ones) keep their ends only; long
// card/voucher numbers keep three characters at each end; mobile numbers hide the middle.
const ID_NUMBER = /\b(\d{4})\d{10}(\d{3}[\dXx])(?![\dA-Za-z])/g;
const OLD_ID_NUMBER = /\b(\d{4})\d{8}(\d{3})\b/g;
const MOBILE = /\b(1[3-9]\d)\d{4}(\d{4})\b/g;
const LONG_TOKEN = /\b([A-Za-z0-9]{3})[A-Za-z0-9]{8,}([A-Za-z0-9]{3})\b/g;

export function maskIdentities(text: string): string {
  return text
    .replace(ID_NUMBER, '$1**********$2')
    .replace(OLD_ID_NUMBER, '$1********$2')
    .replace(MOBILE, '$1****$2')
    .replace(LONG_TOKEN, '$1***$2');
}

/** Keys whose values are secrets: never logged at all. */
const SECRET_KEY = /pin|password|passwd|secret|token|key|signature|cookie|authorization/i;
/** Keys whose values are a person's name: only the first character is kept (张*). */
const PERSON_NAME_KEY = /^(psn_?name|patient_?name|person_?name|holder_?name|insured_?name|name_?of_?patient)$/i;

export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(Math.min(chars.length - 1, 3));
}

/** A log context with secrets removed and names masked, recursively (text is masked later). */
export function maskContext(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskContext(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (SECRET_KEY.test(k) && typeof v !== 'object') out[k] = '******';
    else if (PERSON_NAME_KEY.test(k) && typeof v === 'string') out[k] = maskName(v);
    else out[k] = maskContext(v, depth + 1);
  }
  return out;
}

// Names in free text (issue 14): a message string, an error's text or a value under an unknown
// key can carry a name too. Three nets, applied to the whole line:
// 1. a value after a name key in any text (`"psnName":"张三"`, `patient_name=张三`, escaped JSON);
// 2. Chinese words after a name marker and a separator (`姓名：张三`, `参保人 张三`);
// 3. every name the app has handled (a person looked up, a bill's patient), wherever it appears:
//    a center's message "参保人张三已停保" has no separator, but 张三 was looked up before.
const NAME_KEY_VALUE = /\b(psn_?name|patient_?name|person_?name|holder_?name|insured_?name|name_?of_?patient)(\\?["']?\s*[:=]\s*\\?["']?)([^"',;}\]\n\\]{1,60})/gi;
const NAME_AFTER_MARKER = /(姓名|参保人|患者|病人|持卡人|就诊人)([:：=]\s*|\s+)([\u3400-\u9fff·]{1,12})/g;
const KNOWN_NAMES_MAX = 10_000;
const knownNames = new Map<string, true>();
let knownNamesPattern: RegExp | null = null;

/**
 * Names the logger masks wherever they appear from now on (a bounded, most-recent set, in memory
 * only). Single characters and short Latin words are not taken: too common to mask in every line.
 */
export function rememberPersonNames(...names: (string | null | undefined)[]): void {
  for (const raw of names) {
    const name = raw?.trim();
    if (!name || [...name].length < 2 || name.length > 50) continue;
    // A short Latin "name" (Li, Ma) would garble every word it is part of; Chinese names and
    // longer Latin ones are taken.
    if (!/[\u3400-\u9fff]/.test(name) && name.length < 5) continue;
    if (knownNames.has(name)) {
      knownNames.delete(name);
      knownNames.set(name, true);
      continue;
    }
    knownNames.set(name, true);
    if (knownNames.size > KNOWN_NAMES_MAX) knownNames.delete(knownNames.keys().next().value!);
    knownNamesPattern = null;
  }
}

function knownNamesRegex(): RegExp | null {
  if (knownNames.size === 0) return null;
  // Longest first, so 欧阳淑珍 is masked whole before a shorter name inside it.
  knownNamesPattern ??= new RegExp([...knownNames.keys()].sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return knownNamesPattern;
}

/** Names in free text masked (张三 → 张*), by the three nets above. */
export function maskNamesInText(text: string): string {
  let out = text
    .replace(NAME_KEY_VALUE, (_m, key: string, sep: string, value: string) => `${key}${sep}${maskName(value)}`)
    .replace(NAME_AFTER_MARKER, (_m, marker: string, sep: string, value: string) => `${marker}${sep}${maskName(value)}`);
  const known = knownNamesRegex();
  if (known) out = out.replace(known, (n) => maskName(n));
  return out;
}

/** One log line, masked: what both the console and the file logger write. Every part of it
 * (the message, error texts, context values under any key) passes every mask. */
export function formatLogLine(at: Date, level: string, msg: string, ctx?: Record<string, unknown>): string {
  return redactCredentials(maskIdentities(maskNamesInText(`${at.toISOString()} ${level} ${msg}${ctx ? ' ' + JSON.stringify(maskContext(ctx)) : ''}`)));
}

export function createConsoleLogger(quiet = false): Logger {
  const write = (level: string, msg: string, ctx?: Record<string, unknown>) => {
    if (quiet && level === 'INFO') return;
    process.stderr.write(formatLogLine(new Date(), level, msg, ctx) + '\n');
  };
  return {
    info: (m, c) => write('INFO', m, c),
    warn: (m, c) => write('WARN', m, c),
    error: (m, c) => write('ERROR', m, c),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
