// Shift and supervisor work: close the shift (blind count), the X report, cash in/out, the
// day's and each shift's reports with charts, reconciliation with the center and its
// discrepancies, receivables, the adjustment / rejection work lists and sign-off. Keys 1–9 pick
// a tab (when not typing), Esc goes back. Reports, reconciliation and receivables switch between
// this window and the whole clinic when the window is part of one (ClinicScope.tsx). Calls a cashier may not make come back FORBIDDEN and
// say so. The tabs' bodies live in renderer/src/supervisor/.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ShiftReport, ShiftView } from '../../../electron/api/contract/shift';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { CashCount, countsOf, type Counts } from '../components/CashCount';
import { ErrorLine, ShortcutBar, useShortcuts } from '../components/common';
import { Modal } from '../components/Dialog';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { fenToYuan, formatFen } from '../../../electron/api/money';
import { useApp } from '../state/store';
import { CashInOut } from '../supervisor/CashInOut';
import { ClinicDay, ClinicReceivablesView, ClinicReconcile, ScopeSwitch, useClinicAvailable, type Scope } from '../supervisor/ClinicScope';
import { DayReports } from '../supervisor/DayReports';
import { Receivables } from '../supervisor/Receivables';
import { Reconcile } from '../supervisor/Reconcile';
import { Variance } from '../supervisor/Variance';
import { ShiftReportView } from '../supervisor/ShiftReportView';
import { WorkList } from '../supervisor/WorkList';
import { Mapping } from '../supervisor/Mapping';
import { InpatientOverview } from '../supervisor/InpatientOverview';
import { Stock } from '../supervisor/Stock';
import { altLetterOf, HOSPITAL_LETTER } from '../lib/keys';
import { TEXT_LIMITS } from '../../../electron/api/contract/limits';
import { col, Grid, num, RowAction } from '../components/grid';

type Tab = 'close' | 'xreport' | 'cashio' | 'reports' | 'reconcile' | 'receivables' | 'adjustment' | 'rejection' | 'signoff' | 'mapping' | 'inpatient' | 'stock';
const TABS: { tab: Tab; key: MessageKey }[] = [
  { tab: 'close', key: 'sup.shiftClose' },
  { tab: 'xreport', key: 'sup.xreport' },
  { tab: 'cashio', key: 'sup.cashio' },
  { tab: 'reports', key: 'sup.reports' },
  { tab: 'reconcile', key: 'sup.reconciliation' },
  { tab: 'receivables', key: 'sup.receivables' },
  { tab: 'adjustment', key: 'sup.adjustments' },
  { tab: 'rejection', key: 'sup.rejections' },
  { tab: 'signoff', key: 'sup.signoff' },
  // The tenth: Alt+0 (or 0 when not typing).
  { tab: 'mapping', key: 'sup.mapping' },
  // The eleventh has no digit: Alt+Z (住, as the hospital window's key on the main screen).
  { tab: 'inpatient', key: 'sup.inpatient' },
  // The twelfth: Alt+K (库存, issue 17, docs/STOCK.md).
  { tab: 'stock', key: 'sup.stock' },
];
/** The key shown on a tab's button: 1–9, 0, then Z, K. */
const tabKey = (i: number): string => (i < 10 ? String((i + 1) % 10) : i === 10 ? 'Alt+Z' : 'Alt+K');
/** Tabs that can show this window or the whole clinic (issue 18, supervisor/ClinicScope.tsx). */
const SCOPED: ReadonlySet<Tab> = new Set<Tab>(['reports', 'reconcile', 'receivables']);

/**
 * Closed shifts waiting for a supervisor's sign-off: the blind count against the expected cash,
 * the variance in words (短款 / 长款, red). A shift whose cash differs needs a note (the main
 * process refuses it too: SIGNOFF_NOTE_REQUIRED), and every sign-off a confirmation — it is final.
 */
function SignoffTab() {
  const t = useT();
  const [shifts, setShifts] = useState<ShiftView[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [note, setNote] = useState('');
  const [confirming, setConfirming] = useState<ShiftView | null>(null);
  const noteRef = useRef<HTMLInputElement>(null);
  const load = async () => {
    const r = await api.call('shift.list', { state: 'closed' });
    if (r.ok) {
      setShifts(r.value);
      setError(null);
    } else setError(r.error);
  };
  useEffect(() => {
    void load();
  }, []);
  const ask = (sh: ShiftView) => {
    if (sh.variance && !note.trim()) {
      setError({ code: 'SIGNOFF_NOTE_REQUIRED', message: t('sup.signoff.noteRequired'), details: { amount: fenToYuan(Math.abs(sh.variance)) } });
      noteRef.current?.focus();
      return;
    }
    setError(null);
    setConfirming(sh);
  };
  const sign = async (sh: ShiftView) => {
    setConfirming(null);
    const r = await api.call('shift.signoff', { shiftId: sh.id, ...(note.trim() ? { note: note.trim() } : {}) });
    if (r.ok) {
      setNote('');
      await load();
    } else setError(r.error);
  };
  return (
    <div className="stack" data-testid="signoff-list">
      <ErrorLine error={error} testId="signoff-error" />
      {shifts && shifts.length === 0 ? <p className="hint">{t('sup.empty')}</p> : null}
      {shifts && shifts.length > 0 ? (
        <>
          <label className="stack">
            {t('sup.close.note')}
            <input
              ref={noteRef}
              onKeyDown={(e) => {
                // Enter in the note goes on to the first shift's sign-off button (never nothing).
                if (e.key !== 'Enter') return;
                e.preventDefault();
                document.querySelector<HTMLButtonElement>('[data-testid="signoff-list"] tbody button')?.focus();
              }}
              data-testid="signoff-note" maxLength={TEXT_LIMITS.note} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <Grid cols={[col(t('status.operator')), num(t('sup.report.float')), num(t('sup.signoff.counted')), num(t('sup.report.expected')), num(t('sup.report.variance')), col()]}>
            {shifts.map((sh) => (
              <tr key={sh.id}>
                <td>
                  {sh.operatorName}（{sh.operatorId}）
                  <div className="hint">{sh.closeNote ?? ''}</div>
                </td>
                <td className="num">{formatFen(sh.openingFloat)}</td>
                <td className="num">{sh.countedCash === null ? '—' : formatFen(sh.countedCash)}</td>
                <td className="num">{sh.expectedCash === null ? '—' : formatFen(sh.expectedCash)}</td>
                <td className="num big">
                  <Variance fen={sh.variance} testId={`signoff-variance-${sh.id}`} />
                </td>
                <td>
                  <RowAction testId={`signoff-${sh.id}`} onClick={() => ask(sh)}>
                    {t('sup.signoff.sign')}
                  </RowAction>
                </td>
              </tr>
            ))}
          </Grid>
        </>
      ) : null}
      {confirming ? <ConfirmSignoff shift={confirming} onYes={() => void sign(confirming)} onNo={() => setConfirming(null)} /> : null}
    </div>
  );
}

/** The last step before a final sign-off: Enter signs, Esc goes back (the focus starts on "yes"). */
function ConfirmSignoff(props: { shift: ShiftView; onYes: () => void; onNo: () => void }) {
  const t = useT();
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => yes.current?.focus(), []);
  return (
    <Modal testId="signoff-confirm" onEscape={props.onNo}>
      <div className="panel" role="dialog" aria-modal="true">
        <p className="big-note">
          {t('sup.signoff.confirm', { name: props.shift.operatorName })}
        </p>
        <p>
          <Variance fen={props.shift.variance} />
        </p>
        <div className="row">
          <button ref={yes} type="button" className="primary" data-testid="signoff-yes" onClick={props.onYes}>
            {t('sup.signoff.yes')}
          </button>
          <button type="button" className="secondary" data-testid="signoff-no" onClick={props.onNo}>
            {t('sup.signoff.no')}
          </button>
        </div>
      </div>
    </Modal>
  );
}

function CloseTab() {
  const t = useT();
  const [counts, setCounts] = useState<Counts>({});
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [report, setReport] = useState<ShiftReport | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const list = countsOf(counts);
    if (!list) return setError({ code: 'INVALID_COUNT', message: '张数不正确：每种面额请输入整数张数（没有就留空）。' });
    const r = await api.call('shift.close', { counts: list, ...(note.trim() ? { note: note.trim() } : {}) });
    if (r.ok) {
      setReport(r.value);
      setError(null);
      useApp.getState().setShift(null);
    } else setError(r.error);
  };
  if (report) return <ShiftReportView report={report} />;
  return (
    <form className="stack" onSubmit={submit} data-testid="close-form">
      <p className="hint">{t('sup.close.hint')}</p>
      <CashCount counts={counts} onChange={setCounts} autoFocus testId="close-count" />
      <label className="stack">
        {t('sup.close.note')}
        <input data-testid="close-note" maxLength={TEXT_LIMITS.note} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="submit" className="primary" data-testid="close-submit">
        {t('sup.shiftClose')}
      </button>
      <ErrorLine error={error} testId="close-error" />
    </form>
  );
}

/** The logged-in operator's own open shift, live. A supervisor without a shift uses tab 4. */
function XReportTab() {
  const t = useT();
  const [report, setReport] = useState<ShiftReport | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void api.call('shift.xreport', {}).then((r) => (r.ok ? setReport(r.value) : setError(r.error)));
  }, []);
  if (error?.code === 'SHIFT_NOT_OPEN') return <p className="hint" data-testid="xreport-no-shift">{t('sup.xreport.noShift')}</p>;
  return (
    <>
      <ErrorLine error={error} />
      {report ? <ShiftReportView report={report} /> : null}
    </>
  );
}

export function Supervisor() {
  const t = useT();
  const go = useApp((s) => s.go);
  const hasShift = useApp((s) => s.shift !== null);
  const [tab, setTab] = useState<Tab>(hasShift ? 'close' : 'adjustment');
  const clinicAvailable = useClinicAvailable();
  const [scope, setScope] = useState<Scope>('window');
  const clinicScope = scope === 'clinic' && clinicAvailable === true;
  useShortcuts((s) => {
    if (s === 'back') go(useApp.getState().shift ? 'cashier' : 'shift');
    else if (s === 'logout') {
      void api.call('auth.logout', {}).then(() => useApp.getState().setOperator(null));
    } else return false;
  });
  useEffect(() => {
    // On the window, not the screen: after a tab's action the focus may sit on the page body.
    // Digits pick a tab only when not typing into a field or choosing in a list.
    const onKey = (e: KeyboardEvent) => {
      // Alt+1–9 picks a tab from anywhere, also from a field (no digit typed into it); a bare
      // digit only when not typing into a field or choosing in a list. e.code, not e.key: Alt
      // with a digit may give another character on some layouts.
      if (e.ctrlKey || e.metaKey || e.defaultPrevented) return;
      if (altLetterOf(e) === HOSPITAL_LETTER) {
        setTab('inpatient');
        e.preventDefault();
        return;
      }
      if (altLetterOf(e) === 'k') {
        setTab('stock');
        e.preventDefault();
        return;
      }
      const digit = /^Digit([0-9])$/.exec(e.code)?.[1] ?? (/^[0-9]$/.test(e.key) ? e.key : null);
      if (!digit) return;
      if (!e.altKey) {
        const tag = (e.target as HTMLElement | null)?.tagName ?? '';
        if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
      }
      const picked = TABS[digit === '0' ? 9 : Number(digit) - 1];
      if (picked) {
        setTab(picked.tab);
        e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <main className="screen" data-testid="supervisor-screen">
      <section className="panel">
        <h2>{t('sup.title')}</h2>
        <div className="row" role="tablist">
          {TABS.map((x, i) => (
            <button key={x.tab} type="button" role="tab" aria-selected={tab === x.tab} className={tab === x.tab ? 'primary' : 'secondary'} data-testid={`sup-tab-${x.tab}`} onClick={() => setTab(x.tab)}>
              {tabKey(i)} {t(x.key)}
            </button>
          ))}
        </div>
      </section>
      <section className="panel sup-body">
        {tab === 'close' ? <CloseTab /> : null}
        {tab === 'xreport' ? <XReportTab /> : null}
        {tab === 'cashio' ? <CashInOut /> : null}
        {SCOPED.has(tab) ? <ScopeSwitch scope={scope} onChange={setScope} available={clinicAvailable} /> : null}
        {tab === 'reports' ? clinicScope ? <ClinicDay /> : <DayReports /> : null}
        {tab === 'reconcile' ? clinicScope ? <ClinicReconcile /> : <Reconcile /> : null}
        {tab === 'receivables' ? clinicScope ? <ClinicReceivablesView /> : <Receivables /> : null}
        {tab === 'adjustment' ? <WorkList list="adjustment" /> : null}
        {tab === 'rejection' ? <WorkList list="rejection" /> : null}
        {tab === 'signoff' ? <SignoffTab /> : null}
        {tab === 'mapping' ? <Mapping /> : null}
        {tab === 'inpatient' ? <InpatientOverview /> : null}
        {tab === 'stock' ? <Stock /> : null}
      </section>
      <ShortcutBar keys={['sup.keys', 'key.F12', 'key.Esc']} />
    </main>
  );
}
