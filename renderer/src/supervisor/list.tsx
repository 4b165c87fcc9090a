// The supervisor's keyboard-first lists (catalogue mapping, stock; the receivables' and the
// clearing's tables move the same way): a filter bar over a table that ↑↓ walks, ↑ on the first
// row going back to the filter and ↓ / Enter in the filter going down to the table, and the tab's
// Alt+letter keys. One piece so that every list answers the same keys the same way.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Grid, type Col } from '../components/grid';

type Move = (f: (i: number) => number) => void;

/**
 * A list table's keys: ↓ and ↑ move the chosen row within `count` rows; ↑ on the first row calls
 * `onTop` (the filter takes the focus); `more` is asked about any other key and says whether it
 * used it. A key used is not the browser's any more (no scrolling the page).
 */
export function rowKeys(p: { count: number; move: Move; active?: number; onTop?: () => void; more?: (e: React.KeyboardEvent) => boolean }) {
  return (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown') p.move((i) => Math.min(p.count - 1, i + 1));
    else if (e.key === 'ArrowUp') {
      if (p.active === 0) p.onTop?.();
      p.move((i) => Math.max(0, i - 1));
    } else if (!p.more?.(e)) return;
    e.preventDefault();
  };
}

/**
 * The tab's Alt+letter keys (by physical key, `KeyI`…, so a Chinese input method does not change
 * them), on the window while the tab is shown. Ctrl or Meta with Alt is someone else's key.
 */
export function useAltKeys(keys: Partial<Record<string, () => void>>) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const run = keys[e.code];
      if (!run) return;
      run();
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
}

/** A list's own state: what is typed in its filter, the chosen row, and where the focus goes. */
export interface ListNav {
  /** The list's name: its filter is `<name>-filter`, its table `<name>-table` (data-testid). */
  name: string;
  query: string;
  setQuery: (query: string) => void;
  active: number;
  setActive: (f: number | ((i: number) => number)) => void;
  filterRef: React.RefObject<HTMLInputElement | null>;
  tableRef: React.RefObject<HTMLTableElement | null>;
  focusFilter: () => void;
  focusTable: () => void;
}

/** A list's state; the filter has the focus when the tab opens. */
export function useListNav(name: string): ListNav {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const filterRef = useRef<HTMLInputElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  useEffect(() => filterRef.current?.focus(), []);
  return {
    name,
    query,
    setQuery,
    active,
    setActive,
    filterRef,
    tableRef,
    focusFilter: () => filterRef.current?.focus(),
    focusTable: () => tableRef.current?.focus(),
  };
}

/** The filter field, one "only …" switch, and the tab's buttons. ↓ or Enter in the field goes to the table. */
export function ListFilter(props: {
  nav: ListNav;
  label: string;
  only: { testId: string; label: string; checked: boolean; onChange: (checked: boolean) => void };
  children?: ReactNode;
}) {
  const nav = props.nav;
  return (
    <div className="row">
      <input
        ref={nav.filterRef}
        className="grow"
        data-testid={`${nav.name}-filter`}
        placeholder={props.label}
        aria-label={props.label}
        value={nav.query}
        maxLength={64}
        onChange={(e) => nav.setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'Enter') {
            nav.focusTable();
            e.preventDefault();
          }
        }}
      />
      <label className="inline">
        <input type="checkbox" data-testid={props.only.testId} checked={props.only.checked} onChange={(e) => props.only.onChange(e.target.checked)} /> {props.only.label}
      </label>
      {props.children}
    </div>
  );
}

/**
 * The scrolling table the keys walk (`count` rows to choose from; ↑ on the first goes back to
 * the filter; `more` takes the list's other keys): its header from `cols`, its rows, and what to
 * say when there are none.
 */
export function ListTable(props: {
  nav: ListNav;
  count: number;
  more?: (e: React.KeyboardEvent) => boolean;
  label: string;
  cols: readonly Col[];
  /** More classes for the scrolling frame (its height and borders are the list's). */
  frameClass?: string;
  empty?: ReactNode;
  children: ReactNode;
}) {
  const nav = props.nav;
  const onKeyDown = rowKeys({ count: props.count, move: nav.setActive, active: nav.active, onTop: nav.focusFilter, more: props.more });
  return (
    <div className={`table-scroll mapping-table${props.frameClass ? ` ${props.frameClass}` : ''}`}>
      <Grid cols={props.cols} tableRef={nav.tableRef} onKeyDown={onKeyDown} testId={`${nav.name}-table`} label={props.label}>
        {props.children}
      </Grid>
      {props.empty}
    </div>
  );
}
