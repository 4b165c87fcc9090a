// Pieces the supervisor's tables share, this window's and the clinic's alike (issue 18): figures
// cells, and the reconciliation's headline and per-insurance-type table (a window's run and the
// institution's show the same comparison the same way). Columns and tables: components/grid.tsx.
import { formatFen } from '../../../electron/api/money';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { col, Grid, num } from '../components/grid';

/** A row's figures cells: counts as they are, then amounts in yuan ("1,234.56"). */
export function FigureCells({ counts, fen }: { counts: readonly number[]; fen: readonly number[] }) {
  return (
    <>
      {counts.map((n, i) => (
        <td key={`n${i}`} className="num">
          {n}
        </td>
      ))}
      {fen.map((f, i) => (
        <td key={`f${i}`} className="num">
          {formatFen(f)}
        </td>
      ))}
    </>
  );
}

/** A day, or a range "from – to". */
export const rangeText = (from: string, to: string): string => (from === to ? from : `${from} – ${to}`);

/** The two insurance types every run asks about; any other code is shown as it is. */
const INSUTYPE: Record<string, MessageKey> = { '310': 'insurance.employee', '390': 'insurance.resident' };

/** "(prefix · )day or range · match / mismatch", green or amber. */
export function ReconcileHeadline(props: { from: string; to: string; match: boolean; prefix?: string }) {
  const t = useT();
  return (
    <p className={props.match ? 'source-live' : 'source-cache'}>
      {props.prefix ? `${props.prefix} · ` : ''}
      {rangeText(props.from, props.to)} · {props.match ? t('sup.reconcile.match') : t('sup.reconcile.mismatch')}
    </p>
  );
}

interface Figures {
  count: number;
  total: number;
}
export interface ReconcileGroup {
  insutype: string;
  local: Figures;
  center: Figures | null;
  match: boolean;
  /** The center's words about the type (a window's run); the clinic's table has no such column. */
  description?: string;
  /** National protocol: one row per clearing type and clearing office (3201's groups). */
  clrType?: string | null;
  setlOptins?: string | null;
}

/**
 * 3201 per insurance type: our side (this window, or the clinic's consolidated figures — `ours`
 * names them), the center's, and whether they agree.
 */
export function ReconcileGroupsTable(props: { groups: readonly ReconcileGroup[]; ours: { count: MessageKey; total: MessageKey }; answer?: boolean; rowTestId?: string }) {
  const t = useT();
  const cols = [
    col(t('sup.reconcile.insutype')),
    num(t(props.ours.count)),
    num(t(props.ours.total)),
    num(t('sup.reconcile.centerCount')),
    num(t('sup.reconcile.centerTotal')),
    col(),
    ...(props.answer ? [col(t('sup.reconcile.answer'))] : []),
  ];
  return (
    <Grid cols={cols}>
      {props.groups.map((g) => (
        <tr key={`${g.insutype}/${g.clrType ?? ''}/${g.setlOptins ?? ''}`} data-testid={props.rowTestId ? `${props.rowTestId}-${g.insutype}` : undefined}>
          <td>
            {INSUTYPE[g.insutype] ? t(INSUTYPE[g.insutype]!) : g.insutype} <span className="hint">{g.insutype}</span>
            {g.clrType ? <span className="hint"> · {g.clrType} · {g.setlOptins}</span> : null}
          </td>
          <td className="num">{g.local.count}</td>
          <td className="num">{formatFen(g.local.total)}</td>
          <td className="num">{g.center ? g.center.count : '—'}</td>
          <td className="num">{g.center ? formatFen(g.center.total) : '—'}</td>
          <td className={g.match ? 'source-live' : 'source-cache'}>{g.match ? '✓' : '✗'}</td>
          {props.answer ? (
            <td className="hint" lang="zh-CN">
              {g.description}
            </td>
          ) : null}
        </tr>
      ))}
    </Grid>
  );
}
