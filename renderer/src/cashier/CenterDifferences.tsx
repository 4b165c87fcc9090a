// Where the center's figures differ from the local split (issue 16), one row per line and field:
// which line (or the settlement's totals), the field, the window's value → the center's (the
// record), and why when the center said (its own words, lang="zh-CN"). Shown on the settled
// panel, in today's list and in the supervisor's adjustment list.
import type { CenterDifferenceView } from '../../../electron/api/contract/settlement';
import { formatFen } from '../../../electron/api/money';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { fieldLabel } from '../lib/money-fields';

const LINE_FIELD_KEYS: Readonly<Record<string, MessageKey>> = { amount: 'bill.col.amount', class: 'bill.col.class' };
const CLASS_KEYS: Readonly<Record<string, MessageKey>> = { A: 'bill.class.A', B: 'bill.class.B', C: 'bill.class.C' };

export function CenterDifferences(props: { rows: readonly CenterDifferenceView[]; testId: string }) {
  const t = useT();
  // The 2207 totals are already listed where this table stands (the adjustment's "what changed"):
  // the table adds the lines and the 2206 pre-settlement, so a totals-only adjustment shows once.
  const rows = props.rows.filter((d) => d.lineNo !== 0 || d.source === '2206');
  if (!rows.length) return null;
  const value = (fen: number | null, code: string | null) => (fen !== null ? formatFen(fen) : code !== null ? (CLASS_KEYS[code] ? t(CLASS_KEYS[code]) : code) : '—');
  return (
    // Its own scroll box: many differing lines never push the window's keys off the screen.
    <div className="center-differences-box">
      <table className="grid center-differences" data-testid={props.testId}>
        <caption>{t('diff.title')}</caption>
        <thead>
          <tr>
            <th>{t('diff.col.where')}</th>
            <th>{t('diff.col.field')}</th>
            <th className="num">{t('diff.col.local')}</th>
            <th className="num">{t('diff.col.center')}</th>
            <th>{t('diff.col.why')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={`${d.source}-${d.lineNo}-${d.field}`} data-testid={`${props.testId}-${d.lineNo}-${d.field}`} data-source={d.source}>
              <td>{d.lineNo === 0 ? t(d.source === '2206' ? 'diff.preSettlement' : 'diff.totals') : t('diff.line', { n: d.lineNo, code: d.itemCode ?? '' })}</td>
              <td>{LINE_FIELD_KEYS[d.field] ? t(LINE_FIELD_KEYS[d.field]!) : fieldLabel(d.field, t)}</td>
              <td className="num">{value(d.localFen, d.localCode)}</td>
              <td className="num">
                <strong>{value(d.centerFen, d.centerCode)}</strong>
              </td>
              <td>{d.why ? <span lang="zh-CN">{d.why}</span> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
