// Catalogue mapping (对照, issue 16): the clinic's item codes ↔ national codes. Keyboard first:
// type to filter, ↑↓ to pick an item, Enter to edit its national code (the suggestions by name
// and spec are listed; ↑↓ and Enter take one, or type a code and Enter), Delete clears it, Esc
// cancels. Alt+I imports the HIS's CSV (pasted or chosen as a file; refused whole with each bad
// line's number), Alt+U uploads now, Alt+S syncs the national catalogue, Alt+M shows only the
// items that cannot be settled yet. States: 已对照 (the center confirmed the pair), 上传中,
// 被拒 (the center's words shown), 未对照.
import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import type { MappingListView, MappingState, MappingSuggestion, MappingView } from '../../../electron/api/contract/mapping';
import type { ApiError } from '../../../electron/api/result';
import { TEXT_LIMITS } from '../../../electron/api/contract/limits';
import { api } from '../api/client';
import { ErrorLine } from '../components/common';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { col } from '../components/grid';
import { ListFilter, ListTable, useAltKeys, useListNav } from './list';

const STATE_KEY: Record<MappingState, MessageKey> = {
  mapped: 'map.state.mapped',
  uploading: 'map.state.uploading',
  pending: 'map.state.pending',
  rejected: 'map.state.rejected',
  unmapped: 'map.state.unmapped',
};

interface ImportErrorRow {
  line: number;
  code: string;
  field?: string;
  message: string;
}

export function Mapping() {
  const t = useT();
  const [list, setList] = useState<MappingListView | null>(null);
  const [onlyUnmapped, setOnlyUnmapped] = useState(false);
  const [editing, setEditing] = useState<MappingView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const nav = useListNav('mapping');
  const { query, active, setActive } = nav;

  const load = async () => {
    const r = await api.call('mapping.list', { query, onlyUnmapped });
    if (r.ok) {
      setList(r.value);
      setActive((i) => Math.min(i, Math.max(0, r.value.rows.length - 1)));
    } else setError(r.error);
  };
  useEffect(() => {
    void load();
  }, [query, onlyUnmapped]);

  const upload = async () => {
    setNotice(null);
    const r = await api.call('mapping.upload', {});
    if (r.ok) {
      setError(null);
      setNotice(t('map.uploaded', { confirmed: r.value.confirmed, rejected: r.value.rejected, remaining: r.value.remaining }));
    } else setError(r.error);
    await load();
  };
  const syncCatalog = async () => {
    setNotice(t('map.syncing'));
    const r = await api.call('catalog.syncNational', {});
    if (r.ok) {
      setError(null);
      setNotice(t(`map.synced.${r.value.kind}` as MessageKey, { seq: r.value.seq ?? 0, pages: r.value.pages, upserts: r.value.upserts ?? 0, deletes: r.value.deletes ?? 0 }));
    } else {
      setNotice(null);
      setError(r.error);
    }
  };

  useAltKeys({
    KeyI: () => setImporting((v) => !v),
    KeyU: () => void upload(),
    KeyS: () => void syncCatalog(),
    KeyM: () => setOnlyUnmapped((v) => !v),
    KeyF: nav.focusFilter,
  });

  const rows = list?.rows ?? [];
  // The table's own keys besides ↑↓; true when the key was used.
  const tableKey = (e: React.KeyboardEvent): boolean => {
    const row = rows[active];
    if (e.key === 'Enter' && row) setEditing(row);
    else if (e.key === 'Delete' && row?.nationalCode) void save(row, null, 'edited');
    else return false;
    return true;
  };
  const save = async (row: MappingView, code: string | null, origin: 'edited' | 'suggested') => {
    const r = await api.call('mapping.set', { clinicCode: row.clinicCode, nationalCode: code, origin });
    if (r.ok) {
      setError(null);
      setEditing(null);
      setNotice(code ? t('map.saved', { code: row.clinicCode, national: code }) : t('map.cleared', { code: row.clinicCode }));
      await load();
      nav.focusTable();
      return true;
    }
    setError(r.error);
    return false;
  };

  const c = list?.counts;
  return (
    <div className="stack mapping" data-testid="mapping">
      <ListFilter
        nav={nav}
        label={t('map.filter')}
        only={{ testId: 'mapping-only-unmapped', label: t('map.onlyUnmapped'), checked: onlyUnmapped, onChange: setOnlyUnmapped }}
      >
        <button type="button" className="secondary" data-testid="mapping-import-open" onClick={() => setImporting((v) => !v)}>{t('map.import')}</button>
        <button type="button" className="secondary" data-testid="mapping-upload" onClick={() => void upload()}>{t('map.upload')}</button>
        <button type="button" className="secondary" data-testid="mapping-sync" onClick={() => void syncCatalog()}>{t('map.sync')}</button>
      </ListFilter>
      {c ? (
        <div className="muted" data-testid="mapping-counts">
          {t('map.counts', { mapped: c.mapped, unmapped: c.unmapped + c.pending, uploading: c.uploading, rejected: c.rejected })}
        </div>
      ) : null}
      <ErrorLine error={error} testId="mapping-error" />
      {notice ? <div className="notice" data-testid="mapping-notice">{notice}</div> : null}
      {importing ? <ImportPanel onDone={(msg) => { setImporting(false); setNotice(msg); void load(); }} onCancel={() => setImporting(false)} /> : null}
      {editing ? <EditPanel row={editing} onSave={save} onCancel={() => { setEditing(null); nav.focusTable(); }} /> : null}
      <ListTable
        nav={nav}
        count={rows.length}
        more={tableKey}
        label={t('map.title')}
        cols={[col(t('map.col.clinicCode')), col(t('map.col.name')), col(t('map.col.spec')), col(t('map.col.national')), col(t('map.col.nationalName')), col(t('map.col.state'))]}
        empty={rows.length === 0 ? <div className="muted" data-testid="mapping-empty">{t('map.empty')}</div> : null}
      >
        {rows.map((r, i) => (
          <tr
            key={r.clinicCode}
            className={`${i === active ? 'selected' : ''} map-${r.state}`}
            aria-selected={i === active}
            data-testid={`mapping-row-${r.clinicCode}`}
            data-state={r.state}
            onClick={() => setActive(i)}
            onDoubleClick={() => setEditing(r)}
          >
            <td className="code">{r.clinicCode}</td>
            <td>{r.clinicName}</td>
            <td>{r.clinicSpec ?? ''}</td>
            <td className="code">{r.nationalCode ?? '—'}</td>
            <td>{r.nationalName ?? ''}</td>
            <td title={r.lastError ?? undefined}>
              <span className={`tag tag-${r.state}`}>{t(STATE_KEY[r.state])}</span>
              {r.state === 'rejected' && r.lastError ? <div className="small danger" lang="zh-CN">{r.lastError}</div> : null}
            </td>
          </tr>
        ))}
      </ListTable>
      <div className="muted small">{t('map.keys')}</div>
    </div>
  );
}

/** One item's national code: suggestions (↑↓ Enter) or a code typed; Delete clears; Esc cancels. */
function EditPanel(props: { row: MappingView; onSave: (row: MappingView, code: string | null, origin: 'edited' | 'suggested') => Promise<boolean>; onCancel: () => void }) {
  const t = useT();
  const [code, setCode] = useState(props.row.nationalCode ?? '');
  const [suggestions, setSuggestions] = useState<MappingSuggestion[]>([]);
  const [pick, setPick] = useState(-1);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    ref.current?.focus();
    void api.call('mapping.suggest', { clinicCode: props.row.clinicCode }).then((r) => {
      if (r.ok) {
        setSuggestions(r.value);
        if (!props.row.nationalCode && r.value.length) setPick(0);
      }
    });
  }, [props.row.clinicCode, props.row.nationalCode]);
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown') setPick((i) => Math.min(suggestions.length - 1, i + 1));
    else if (e.key === 'ArrowUp') setPick((i) => Math.max(-1, i - 1));
    else if (e.key === 'Escape') props.onCancel();
    else if (e.key === 'Enter') {
      const s = pick >= 0 ? suggestions[pick] : undefined;
      if (s) void props.onSave(props.row, s.nationalCode, 'suggested');
      else if (code.trim()) void props.onSave(props.row, code.trim(), 'edited');
    } else if (e.key === 'Delete' && e.altKey) void props.onSave(props.row, null, 'edited');
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  return (
    <div className="panel inset" data-testid="mapping-edit" onKeyDown={onKey}>
      <div>
        <strong>{props.row.clinicCode}</strong> {props.row.clinicName} {props.row.clinicSpec ?? ''} {props.row.clinicUnit ?? ''}
      </div>
      <label className="row">
        {t('map.edit.code')}
        <input ref={ref} className="grow code" data-testid="mapping-edit-code" value={code} maxLength={50} onChange={(e) => { setCode(e.target.value); setPick(-1); }} />
      </label>
      {suggestions.length ? (
        <ul className="suggestions" role="listbox" aria-label={t('map.edit.suggestions')} data-testid="mapping-suggestions">
          {suggestions.map((s, i) => (
            <li key={s.nationalCode} role="option" aria-selected={i === pick} className={i === pick ? 'active' : ''} data-testid={`mapping-suggestion-${i}`} onClick={() => void props.onSave(props.row, s.nationalCode, 'suggested')}>
              <span className="code">{s.nationalCode}</span> {s.name} {s.spec ?? ''} {s.unit ?? ''} <span className="muted">{t('map.edit.score', { score: s.score })}</span>
            </li>
          ))}
        </ul>
      ) : (
        <div className="muted">{t('map.edit.noSuggestions')}</div>
      )}
      <div className="muted small">{t('map.edit.keys')}</div>
    </div>
  );
}

/** The HIS's CSV, pasted or read from a file; refused whole with each bad line's number. */
function ImportPanel(props: { onDone: (message: string) => void; onCancel: () => void }) {
  const t = useT();
  const [csv, setCsv] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [lines, setLines] = useState<ImportErrorRow[]>([]);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const submit = async () => {
    const r = await api.call('mapping.import', { csv });
    if (r.ok) props.onDone(t('map.imported', { rows: r.value.rows, mapped: r.value.mapped, queued: r.value.queued }));
    else {
      setError(r.error);
      const details = r.error.details as { errors?: ImportErrorRow[] } | undefined;
      setLines(details?.errors ?? []);
    }
  };
  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (f) setCsv(await f.text());
  };
  return (
    <div
      className="panel inset"
      data-testid="mapping-import"
      onKeyDown={(e) => {
        if (e.key === 'Escape') props.onCancel();
        else if (e.key === 'Enter' && e.ctrlKey) void submit();
        else return;
        e.preventDefault();
        e.stopPropagation();
      }}
    >
      <div className="muted small">{t('map.import.help')}</div>
      <textarea ref={ref} rows={4} className="grow code" data-testid="mapping-import-text" maxLength={TEXT_LIMITS.mappingCsv} value={csv} onChange={(e) => setCsv(e.target.value)} aria-label={t('map.import')} />
      <div className="row">
        <input type="file" accept=".csv,text/csv" data-testid="mapping-import-file" onChange={(e) => void onFile(e)} aria-label={t('map.import.file')} />
        <button type="button" className="primary" data-testid="mapping-import-submit" onClick={() => void submit()}>{t('map.import.submit')}</button>
        <button type="button" className="secondary" onClick={props.onCancel}>{t('map.cancel')}</button>
      </div>
      <ErrorLine error={error} testId="mapping-import-error" />
      {lines.length ? (
        <ul className="import-errors" data-testid="mapping-import-lines">
          {lines.slice(0, 8).map((l) => (
            <li key={`${l.line}-${l.code}`} data-line={l.line} data-code={l.code}>
              {t('map.import.line', { line: l.line, code: l.code })} <span lang="zh-CN">{l.message}</span>
            </li>
          ))}
          {lines.length > 8 ? <li className="muted">{t('map.import.more', { n: lines.length - 8 })}</li> : null}
        </ul>
      ) : null}
    </div>
  );
}
