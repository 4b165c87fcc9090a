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

/** One log line, masked: what both the console and the file logger write. */
export function formatLogLine(at: Date, level: string, msg: string, ctx?: Record<string, unknown>): string {
  return redactCredentials(maskIdentities(`${at.toISOString()} ${level} ${msg}${ctx ? ' ' + JSON.stringify(maskContext(ctx)) : ''}`));
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
