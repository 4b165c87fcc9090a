// The window's tables ("grid"): one header row from a column list, and the table around it.
import type { ReactNode } from 'react';

/** A header cell: its words (none for an actions column) and whether it heads a figures column. */
export interface Col {
  label?: ReactNode;
  num?: boolean;
}
/** A figures column (right-aligned). */
export const num = (label: ReactNode): Col => ({ label, num: true });
/** A text column. */
export const col = (label?: ReactNode): Col => ({ label });

export function GridHead({ cols }: { cols: readonly Col[] }) {
  return (
    <thead>
      <tr>
        {cols.map((c, i) => (
          <th key={i} className={c.num ? 'num' : undefined}>
            {c.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/**
 * A table: its header from `cols`, its rows. With `onKeyDown` it takes the focus (Tab) and its
 * keys (↑↓ in a list).
 */
export function Grid(props: {
  cols: readonly Col[];
  testId?: string;
  onKeyDown?: (e: React.KeyboardEvent) => void;
  tableRef?: React.RefObject<HTMLTableElement | null>;
  label?: string;
  children: ReactNode;
}) {
  return (
    <table className="grid" ref={props.tableRef} data-testid={props.testId} tabIndex={props.onKeyDown ? 0 : undefined} onKeyDown={props.onKeyDown} aria-label={props.label}>
      <GridHead cols={props.cols} />
      <tbody>{props.children}</tbody>
    </table>
  );
}

/** A row's action: a small button in its last cell. */
export function RowAction(props: { testId: string; onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" className="secondary" data-testid={props.testId} onClick={props.onClick}>
      {props.children}
    </button>
  );
}
