// Counting the drawer by denomination (shift open and close): Tab moves down the notes,
// the total is shown as it is typed.
import { DENOMINATIONS, type DenominationCount } from '../../../electron/api/contract/shift';
import type { Translate } from '../i18n';
import { useT } from '../i18n/use-t';
import { formatFen } from '../../../electron/api/money';
import { TEXT_LIMITS } from '../../../electron/api/contract/limits';

export type Counts = Record<number, string>;

/** The counts typed so far as the contract wants them (blank = 0); null when one is not a whole number. */
export function countsOf(counts: Counts): DenominationCount[] | null {
  const out: DenominationCount[] = [];
  for (const d of DENOMINATIONS) {
    const raw = (counts[d] ?? '').trim();
    if (raw === '') continue;
    if (!/^\d{1,6}$/.test(raw)) return null;
    const n = Number(raw);
    if (n > 0) out.push({ denomination: d, count: n });
  }
  return out;
}

export function countsTotal(list: DenominationCount[]): number {
  return list.reduce((s, c) => s + c.denomination * c.count, 0);
}

/** A denomination in the window's language (100 元 / 5 角 / 1 分; ¥100 / 5 jiao / 1 fen). */
function label(fen: number, t: Translate): string {
  return fen >= 100 ? t('cash.yuan', { n: fen / 100 }) : fen >= 10 ? t('cash.jiao', { n: fen / 10 }) : t('cash.fen', { n: fen });
}

export function CashCount(props: { counts: Counts; onChange: (c: Counts) => void; autoFocus?: boolean; testId: string }) {
  const t = useT();
  const list = countsOf(props.counts);
  return (
    <div className="stack" data-testid={props.testId}>
      <div className="cash-count">
        {DENOMINATIONS.map((d, i) => (
          <label key={d} className="row">
            <span style={{ width: 56 }}>{label(d, t)}</span>
            <input
              autoFocus={props.autoFocus && i === 0}
              data-testid={`${props.testId}-${d}`} maxLength={TEXT_LIMITS.countText}
              inputMode="numeric"
              style={{ width: 90 }}
              value={props.counts[d] ?? ''}
              onChange={(e) => props.onChange({ ...props.counts, [d]: e.target.value })}
            />
          </label>
        ))}
      </div>
      <div className="big" data-testid={`${props.testId}-total`}>
        {list ? `¥ ${formatFen(countsTotal(list))}` : t('error.retry')}
      </div>
    </div>
  );
}
