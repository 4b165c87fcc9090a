// Credentials never printed: a connection URL's password (clinicDatabaseUrl,
// postgresql://role:password@host/db) is replaced wherever text leaves the process — error
// messages (AppError), log lines, the CLI's settings listing and its errors — and settings that
// are secrets as a whole are not shown at all. Pure text functions, no dependencies, so the
// API's error type and the logger can both use them.

/** `scheme://user:password@` → `scheme://user:******@` anywhere in the text (also in invalid URLs). */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@?#]*:)[^\s@/?#]*@/gi;

export const HIDDEN = '******';

export function redactCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1${HIDDEN}@`);
}

/** Settings whose whole value is a secret (shown as ****** when set). */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set(['institutionSecret', 'clinicKey']);

/** A setting's value as it may be shown or stored in an audit entry. */
export function shownSetting(key: string, value: unknown): unknown {
  if (SECRET_SETTINGS.has(key)) return value === '' ? '' : HIDDEN;
  return typeof value === 'string' ? redactCredentials(value) : value;
}

/** Also the password itself, percent-decoded or not, wherever it appears (a driver's message may quote it bare). */
export function redactPasswordOf(url: string, text: string): string {
  let out = redactCredentials(text);
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^\s:/@?#]*:([^\s@/?#]+)@/i.exec(url);
  if (!m) return out;
  const raw = m[1]!;
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // a malformed escape: the raw form is still hidden
  }
  for (const p of new Set([raw, decoded])) if (p.length >= 4) out = out.split(p).join(HIDDEN);
  return out;
}
