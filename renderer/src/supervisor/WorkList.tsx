// Adjustments (the center's split differed from ours) and rejections (the center refused the
// upload): each item gets its own note and the actions the list allows — accept (adjustments
// only), correct and re-upload, refund (recorded after the refund itself was made), write off.
import { CenterDifferences } from '../cashier/CenterDifferences';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { WorkItem } from '../../../electron/api/contract/shift';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { ErrorLine } from '../components/common';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { formatFen } from '../../../electron/api/money';
import { fieldLabel } from '../lib/money-fields';
import { chinaTime } from '../lib/time';
import { TEXT_LIMITS } from '../../../electron/api/contract/limits';

type List = WorkItem['list'];
type Action = 'accept' | 'correct_reupload' | 'refund' | 'write_off';
/** As electron/shift/worklist.ts allows them: a rejection cannot be "accepted". */
const ACTIONS: Record<List, Action[]> = {
  adjustment: ['accept', 'correct_reupload', 'refund', 'write_off'],
  rejection: ['correct_reupload', 'refund', 'write_off'],
};
const ACTION_LABEL: Record<Action, MessageKey> = {
  accept: 'sup.work.accept',
  correct_reupload: 'sup.work.reupload',
  refund: 'sup.work.refund',
  write_off: 'sup.work.writeOff',
};
const actionLabel = (a: string): MessageKey | null => (a in ACTION_LABEL ? ACTION_LABEL[a as Action] : null);

const noteId = (settlementId: string) => `work-note-${settlementId}`;

/** Focus the note of the item `step` places after (or before) the one holding `from`. */
function moveNote(from: HTMLInputElement, step: number) {
  const notes = [...document.querySelectorAll<HTMLInputElement>('input.sup-note')];
  notes[notes.indexOf(from) + step]?.focus();
}

function WorkItemRow(props: { item: WorkItem; onDone: () => void }) {
  const t = useT();
  const w = props.item;
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const act = async (action: Action) => {
    if (!note.trim()) return setError({ code: 'NOTE_REQUIRED', message: '请先填写处理说明。' });
    const r = await api.call('worklist.act', { settlementId: w.settlementId, list: w.list, action, note: note.trim() });
    if (!r.ok) return setError(r.error);
    setError(null);
    props.onDone();
  };
  const last = w.lastAction ? actionLabel(w.lastAction.action) : null;
  const actionsRef = useRef<HTMLDivElement>(null);
  // Enter in the note never does nothing: with a note it goes to the first action (← → pick
  // another, Enter does it); without one it says a note is needed. ↑ ↓ go to the previous / next
  // item's note, so a long list is worked through without Tab.
  const onNoteKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (!note.trim()) setError({ code: 'NOTE_REQUIRED', message: '请先填写处理说明。' });
      else actionsRef.current?.querySelector('button')?.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      moveNote(e.currentTarget, e.key === 'ArrowDown' ? 1 : -1);
    }
  };
  const onActionKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const buttons = [...(actionsRef.current?.querySelectorAll('button') ?? [])];
    const at = buttons.indexOf(e.target as HTMLButtonElement);
    if (at < 0) return;
    e.preventDefault();
    const next = buttons[at + (e.key === 'ArrowRight' ? 1 : -1)];
    if (next) next.focus();
    else document.getElementById(noteId(w.settlementId))?.focus();
  };
  return (
    <li className="sup-item" data-testid={`work-${w.settlementId}`}>
      <div className="row">
        <strong>{w.psnName}</strong>
        <span className="hint">
          {w.settlementId} · {chinaTime(w.createdAt)}
        </span>
        <span className="big">{formatFen(w.total)}</span>
      </div>
      {w.differences.length > 0 ? (
        <div>{w.differences.map((d) => `${fieldLabel(d.field, t)}: ${formatFen(d.local)} → ${formatFen(d.center)}`).join('；')}</div>
      ) : null}
      <CenterDifferences rows={w.centerDifferences} testId={`work-${w.settlementId}-differences`} />
      {/* The center's own words (its language, lang="zh-CN"); its code stays in data-code for support. */}
      {w.rejectReason ? (
        <p className="warn" data-code={w.rejectCode ?? ''}>
          {t('center.says')}
          <span lang="zh-CN">{w.rejectReason}</span>
        </p>
      ) : null}
      {w.lastAction ? (
        <p className="hint">
          {last ? t(last) : w.lastAction.action}：{w.lastAction.note}
        </p>
      ) : null}
      <div className="row" ref={actionsRef} onKeyDown={onActionKey}>
        <input id={noteId(w.settlementId)} className="sup-note" onKeyDown={onNoteKey} aria-label={t('sup.work.note')} placeholder={t('sup.work.note')} data-testid={`work-${w.settlementId}-note`}
          maxLength={TEXT_LIMITS.note}
          value={note}
          onChange={(e) => {
            setNote(e.target.value);
            // "Write a note first" is answered by writing one: it does not stay beside the note.
            if (error?.code === 'NOTE_REQUIRED') setError(null);
          }}
        />
        {ACTIONS[w.list].map((a) => (
          <button key={a} type="button" className="secondary" data-testid={`work-${w.settlementId}-${a}`} onClick={() => void act(a)}>
            {t(ACTION_LABEL[a])}
          </button>
        ))}
      </div>
      <ErrorLine error={error} testId={`work-${w.settlementId}-error`} />
    </li>
  );
}

export function WorkList(props: { list: List }) {
  const t = useT();
  const [items, setItems] = useState<WorkItem[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const load = async () => {
    const r = await api.call('worklist.list', { list: props.list });
    if (r.ok) {
      setItems(r.value);
      setError(null);
    } else setError(r.error);
  };
  useEffect(() => {
    void load();
  }, [props.list]);
  // The first item's note takes the focus when the list arrives (not ten Tabs away) — unless
  // the supervisor is already typing somewhere.
  const listRef = useRef<HTMLUListElement>(null);
  const hasItems = (items?.length ?? 0) > 0;
  useEffect(() => {
    if (!hasItems) return;
    const active = document.activeElement;
    if (active && active !== document.body && active.getAttribute('role') !== 'tab') return;
    listRef.current?.querySelector<HTMLInputElement>('input.sup-note')?.focus();
  }, [hasItems, props.list]);
  return (
    <div className="stack" data-testid={`worklist-${props.list}`}>
      <p className="hint">{t(props.list === 'adjustment' ? 'sup.work.adjustmentHint' : 'sup.work.rejectionHint')}</p>
      <p className="hint">{t('sup.work.keys')}</p>
      <ErrorLine error={error} />
      {items && items.length === 0 ? <p className="hint">{t('sup.empty')}</p> : null}
      {items && items.length > 0 ? (
        <ul className="sup-list" ref={listRef}>
          {items.map((w) => (
            <WorkItemRow key={w.settlementId} item={w} onDone={() => void load()} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}
