// The open stays (inpatient.list, 在院): who, where (ward and bed), which department, days in
// hospital, the deposit balance, the running total and whether everything reached the center.
// ↑↓ pick, Enter opens the stay; the list has the focus when it arrives.
import { useEffect, useRef, useState } from 'react';
import type { StaySummary } from '../../../electron/api/contract/inpatient';
import type { ApiError } from '../../../electron/api/result';
import { formatFen } from '../../../electron/api/money';
import { ErrorLine } from '../components/common';
import type { Translate } from '../i18n';
import { useT } from '../i18n/use-t';
import { chinaDate } from '../lib/time';
import { useApp } from '../state/store';
import { openStay } from './hospital-state';
import { ipCall } from './ip-api';
import { stayDays } from './netting';

/** A stay's upload state in words: all at the center, steps waiting, or not yet admitted there. */
export function uploadWord(s: Pick<StaySummary, 'pendingUploads' | 'centerStayId'>, t: Translate): { text: string; tone: 'ok' | 'warn' } {
  if (s.pendingUploads > 0) return { text: t('hosp.upload.pending', { n: s.pendingUploads }), tone: 'warn' };
  if (!s.centerStayId) return { text: t('hosp.upload.notAdmitted'), tone: 'warn' };
  return { text: t('hosp.upload.done'), tone: 'ok' };
}

export function StayTable(props: { stays: StaySummary[]; selected?: number; onOpen?: (s: StaySummary) => void; testId: string }) {
  const t = useT();
  const nowMs = useApp((s) => s.nowMs);
  const today = chinaDate(nowMs);
  return (
    <table className="grid" data-testid={props.testId}>
      <thead>
        <tr>
          <th>{t('hosp.col.name')}</th>
          <th>{t('hosp.col.bed')}</th>
          <th>{t('hosp.col.department')}</th>
          <th className="num">{t('hosp.col.days')}</th>
          <th className="num">{t('hosp.col.deposit')}</th>
          <th className="num">{t('hosp.col.running')}</th>
          <th>{t('hosp.col.upload')}</th>
        </tr>
      </thead>
      <tbody>
        {props.stays.map((s, i) => {
          const up = uploadWord(s, t);
          return (
            <tr key={s.id} className={i === props.selected ? 'selected' : ''} data-testid={`${props.testId}-row-${i}`} onClick={() => props.onOpen?.(s)}>
              <td>
                {s.patientName ?? s.certNoMasked}
                <div className="hint">{s.certNoMasked}</div>
              </td>
              <td>
                {s.ward}
                {s.bed ? ` · ${t('hosp.bedNo', { bed: s.bed })}` : ''}
              </td>
              <td>{s.department.name}</td>
              <td className="num">{stayDays(s.admittedOn, s.dischargedOn ?? today)}</td>
              <td className="num">{formatFen(s.depositBalance)}</td>
              <td className="num">{formatFen(s.runningTotal)}</td>
              <td className={up.tone === 'ok' ? 'note-ok' : 'warn'}>{up.text}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function StayList() {
  const t = useT();
  const [stays, setStays] = useState<StaySummary[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [selected, setSelected] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    void ipCall('inpatient.list', { state: 'open' }).then((r) => {
      if (r.ok) {
        setStays(r.value);
        setError(null);
      } else setError(r.error);
    });
  }, []);
  useEffect(() => {
    if (stays && stays.length > 0) box.current?.focus();
  }, [stays]);
  const onKey = (e: React.KeyboardEvent) => {
    if (!stays || stays.length === 0) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setSelected((n) => Math.max(0, Math.min(stays.length - 1, n + (e.key === 'ArrowDown' ? 1 : -1))));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const s = stays[selected];
      if (s) void openStay(s.id);
    }
  };
  return (
    <section className="panel" data-testid="stay-list">
      <h2>
        {t('hosp.list.title')}
        {stays ? <span className="hint">{t('hosp.list.count', { n: stays.length })}</span> : null}
      </h2>
      <ErrorLine error={error} testId="stay-list-error" />
      {stays && stays.length === 0 ? <p className="hint">{t('hosp.list.empty')}</p> : null}
      {stays && stays.length > 0 ? (
        <div ref={box} tabIndex={0} className="bill-lines" onKeyDown={onKey}>
          <StayTable stays={stays} selected={selected} onOpen={(s) => void openStay(s.id)} testId="stays" />
        </div>
      ) : null}
      <p className="hint">{t('hosp.list.hint')}</p>
    </section>
  );
}
