// The one thing every reader produces (the type lives in the API contract, which the window
// also reads). The center lookup (1101) takes certType + certNo (+ cardSn).
import type { CardRead } from '../../electron/api/contract/device';

export type { CardRead } from '../../electron/api/contract/device';
export type Credential = CardRead['credential'];
export type CertType = CardRead['certType'];

/** What a parser knows before the driver stamps its device id on it. */
export type CardData = Omit<CardRead, 'source'>;

/** yyyyMMdd → yyyy-MM-dd when it is a real calendar date, else null. */
export function compactDateToIso(s: string): string | null {
  if (!/^\d{8}$/.test(s)) return null;
  const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) return null;
  return iso;
}
