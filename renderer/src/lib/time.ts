// Ages and dates for the status bar and patient panel.
import type { Translate } from '../i18n';

/** How long ago, in words: "刚刚", "3 分钟前"… (ms may be negative when clocks differ: "just now"). */
export function formatAgo(ms: number, t: Translate): string {
  const s = Math.floor(ms / 1000);
  if (s < 10) return t('age.justNow');
  if (s < 60) return t('age.seconds', { n: s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('age.minutes', { n: m });
  const h = Math.floor(m / 60);
  if (h < 48) return t('age.hours', { n: h });
  return t('age.days', { n: Math.floor(h / 24) });
}

/** Age since an ISO time, or null when the time is missing or unreadable. */
export function agoSince(iso: string | null | undefined, nowMs: number, t: Translate): string | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  return formatAgo(nowMs - at, t);
}

/** Whole years between a birth date (YYYY-MM-DD or YYYYMMDD) and today (YYYY-MM-DD). */
export function ageInYears(birthDate: string, today: string): number | null {
  const b = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(birthDate);
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(today);
  if (!b || !d) return null;
  let age = Number(d[1]) - Number(b[1]);
  const beforeBirthday = Number(d[2]) * 100 + Number(d[3]) < Number(b[2]) * 100 + Number(b[3]);
  if (beforeBirthday) age -= 1;
  return age >= 0 ? age : null;
}

// The clinic's clock is China time (UTC+8, no daylight saving) whatever zone the machine is set
// to: the main process files shifts, settlements and visit dates under China days, so every date
// and time on screen uses the same zone.
const CHINA_OFFSET_MS = 8 * 3600_000;

/** The clinic's calendar day YYYY-MM-DD (China time) — the day shifts and settlements are filed under. */
export function chinaDate(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** HH:MM:SS in China time (an unreadable time is shown as given). */
export function chinaTime(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : new Date(at + CHINA_OFFSET_MS).toISOString().slice(11, 19);
}

/**
 * A typed date as YYYY-MM-DD, or null: "2026-11-24", "2026/11/24", "2026.11.24", "2026-1-5" or
 * eight digits "20261124" — a real calendar day only (no 02-30).
 */
export function parseDateInput(text: string): string | null {
  const m = /^(\d{4})(?:[-/.](\d{1,2})[-/.](\d{1,2})|(\d{2})(\d{2}))$/.exec(text.trim());
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2] ?? m[4]);
  const d = Number(m[3] ?? m[5]);
  const at = new Date(Date.UTC(y, mo - 1, d));
  if (at.getUTCFullYear() !== y || at.getUTCMonth() !== mo - 1 || at.getUTCDate() !== d) return null;
  return at.toISOString().slice(0, 10);
}

/** The calendar day `n` days after YYYY-MM-DD (n may be negative). */
export function addDays(isoDay: string, n: number): string {
  const [y, m, d] = isoDay.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
