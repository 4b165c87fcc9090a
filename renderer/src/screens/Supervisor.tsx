// Shift and supervisor work: close the shift (blind count), the X report, reconciliation with
// the center, receivables, and the adjustment / rejection work lists. Keys 1–6 pick a tab,
// Esc goes back. Calls a cashier may not make come back FORBIDDEN and say so.
import { useEffect, useState, type FormEvent } from 'react';
import type { ReceivablesSummary, ReconcileResult, ShiftReport, ShiftView, WorkItem } from '../../../electron/api/contract/shift';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { CashCount, countsOf, type Counts } from '../components/CashCount';
import { ErrorLine, ShortcutBar, useShortcuts } from '../components/common';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { formatFen } from '../lib/money';
import { fieldLabel } from '../lib/money-fields';
import { localDate } from '../lib/time';
import { useApp } from '../state/store';

type Tab = 'close' | 'xreport' | 'reconcile' | 'receivables' | 'adjustment' | 'rejection' | 'signoff';
const TABS: { tab: Tab; key: MessageKey }[] = [
  { tab: 'close', key: 'sup.shiftClose' },
  { tab: 'xreport', key: 'sup.xreport' },
  { tab: 'reconcile', key: 'sup.reconciliation' },
  { tab: 'receivables', key: 'sup.receivables' },
  { tab: 'adjustment', key: 'sup.adjustments' },
  { tab: 'rejection', key: 'sup.rejections' },
  { tab: 'signoff', key: 'sup.signoff' },
];

/** Closed shifts waiting for a supervisor's sign-off: the blind count against the expected cash. */
function SignoffTab() {
  const t = useT();
  const [shifts, setShifts] = useState<ShiftView[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [note, setNote] = useState('');
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
  const sign = async (id: string) => {
    const r = await api.call('shift.signoff', { shiftId: id, ...(note.trim() ? { note: note.trim() } : {}) });
    if (r.ok) {
      setNote('');
      await load();
    } else setError(r.error);
  };
  return (
    <div className="stack" data-testid="signoff-list">
      <ErrorLine error={error} />
      {shifts && shifts.length === 0 ? <p className="hint">{t('sup.empty')}</p> : null}
      {shifts && shifts.length > 0 ? (
        <>
          <label className="stack">
            {t('sup.close.note')}
            <input data-testid="signoff-note" value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <table className="grid">
            <thead>
              <tr>
                <th>{t('status.operator')}</th>
                <th className="num">{t('sup.report.float')}</th>
                <th className="num">{t('sup.signoff.counted')}</th>
                <th className="num">{t('sup.report.expected')}</th>
                <th className="num">{t('sup.report.variance')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {shifts.map((sh) => (
                <tr key={sh.id}>
                  <td>
                    {sh.operatorName}（{sh.operatorId}）
                    <div className="hint">{sh.closeNote ?? ''}</div>
                  </td>
                  <td className="num">{formatFen(sh.openingFloat)}</td>
                  <td className="num">{sh.countedCash === null ? '—' : formatFen(sh.countedCash)}</td>
                  <td className="num">{sh.expectedCash === null ? '—' : formatFen(sh.expectedCash)}</td>
                  <td className="num big">{sh.variance === null ? '—' : formatFen(sh.variance)}</td>
                  <td>
                    <button type="button" className="secondary" data-testid={`signoff-${sh.id}`} onClick={() => void sign(sh.id)}>
                      {t('sup.signoff.sign')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  );
}

function ReportView(props: { report: ShiftReport }) {
  const t = useT();
  const f = props.report.figures;
  return (
    <div className="stack" data-testid="shift-report">
      <dl className="kv">
        <dt>{t('sup.report.count')}</dt>
        <dd>{f.all.count}（{t('state.refunded')} {f.all.refundCount}）</dd>
        <dt>{t('split.total')}</dt>
        <dd className="big">{formatFen(f.all.total)}</dd>
        <dt>{t('split.fund')}</dt>
        <dd>{formatFen(f.all.fund)}</dd>
        <dt>{t('split.critical')}</dt>
        <dd>{formatFen(f.all.critical)}</dd>
        <dt>{t('split.account')}</dt>
        <dd>{formatFen(f.all.account)}</dd>
        <dt>{t('split.cash')}</dt>
        <dd className="big">{formatFen(f.all.cash)}</dd>
        <dt>{t('sup.report.float')}</dt>
        <dd>{formatFen(f.cash.openingFloat)}</dd>
        <dt>{t('sup.report.expected')}</dt>
        <dd>{f.cash.expected === null ? '—' : formatFen(f.cash.expected)}</dd>
        {props.report.shift.variance !== null ? (
          <>
            <dt>{t('sup.report.variance')}</dt>
            <dd className="big" data-testid="shift-variance">{formatFen(props.report.shift.variance)}</dd>
          </>
        ) : null}
      </dl>
    </div>
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
  if (report) return <ReportView report={report} />;
  return (
    <form className="stack" onSubmit={submit} data-testid="close-form">
      <p className="hint">{t('sup.close.hint')}</p>
      <CashCount counts={counts} onChange={setCounts} autoFocus testId="close-count" />
      <label className="stack">
        {t('sup.close.note')}
        <input data-testid="close-note" value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="submit" className="primary" data-testid="close-submit">
        {t('sup.shiftClose')}
      </button>
      <ErrorLine error={error} testId="close-error" />
    </form>
  );
}

function XReportTab() {
  const [report, setReport] = useState<ShiftReport | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void api.call('shift.xreport', {}).then((r) => (r.ok ? setReport(r.value) : setError(r.error)));
  }, []);
  return (
    <>
      <ErrorLine error={error} />
      {report ? <ReportView report={report} /> : null}
    </>
  );
}

function ReconcileTab() {
  const t = useT();
  const nowMs = useApp((s) => s.nowMs);
  const [result, setResult] = useState<ReconcileResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    const day = localDate(nowMs);
    const r = await api.call('reconcile.run', { from: day, to: day });
    setBusy(false);
    if (r.ok) {
      setResult(r.value);
      setError(null);
    } else setError(r.error);
  };
  return (
    <div className="stack">
      <button type="button" className="primary" autoFocus disabled={busy} data-testid="reconcile-run" onClick={() => void run()}>
        {t('sup.reconcile.run')}
      </button>
      <ErrorLine error={error} />
      {result ? (
        <div data-testid="reconcile-result">
          <p className={result.result === 'match' ? 'source-live' : 'source-cache'}>
            {result.result === 'match' ? t('sup.reconcile.match') : t('sup.reconcile.mismatch')}
          </p>
          <table className="grid">
            <tbody>
              {result.groups.map((g) => (
                <tr key={g.insutype}>
                  <td>{g.description}</td>
                  <td className="num">{g.local.count}</td>
                  <td className="num">{formatFen(g.local.total)}</td>
                  <td className="num">{g.center ? formatFen(g.center.total) : '—'}</td>
                  <td>{g.match ? '✓' : '✗'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.discrepancies.map((d) => (
            <p key={d.id} className="warn">
              {d.settlementId ?? d.centerSetlId}：{d.advice}
            </p>
          ))}
        </div>
      ) : null}
    </div>
  );
}

function ReceivablesTab() {
  const t = useT();
  const [sum, setSum] = useState<ReceivablesSummary | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void api.call('receivables.summary', { fetch: false, limit: 200 }).then((r) => (r.ok ? setSum(r.value) : setError(r.error)));
  }, []);
  return (
    <>
      <ErrorLine error={error} />
      {sum ? (
        <div className="stack" data-testid="receivables">
          <dl className="kv">
            <dt>{t('sup.recv.owed')}</dt>
            <dd className="big">{formatFen(sum.totals.owed)}</dd>
            <dt>{t('sup.recv.paid')}</dt>
            <dd>{formatFen(sum.totals.paid)}</dd>
            <dt>{t('sup.recv.outstanding')}</dt>
            <dd className="big">{formatFen(sum.totals.outstanding)}</dd>
          </dl>
          <table className="grid">
            <tbody>
              {sum.aging.map((a) => (
                <tr key={a.bucket}>
                  <td>{a.bucket} 天</td>
                  <td className="num">{a.count}</td>
                  <td className="num">{formatFen(a.outstanding)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

function WorkListTab(props: { list: 'adjustment' | 'rejection' }) {
  const t = useT();
  const [items, setItems] = useState<WorkItem[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [note, setNote] = useState('');
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
  const act = async (w: WorkItem, action: 'accept' | 'correct_reupload' | 'refund' | 'write_off') => {
    if (!note.trim()) return setError({ code: 'NOTE_REQUIRED', message: '请先填写处理说明。' });
    const r = await api.call('worklist.act', { settlementId: w.settlementId, list: props.list, action, note: note.trim() });
    if (r.ok) {
      setNote('');
      await load();
    } else setError(r.error);
  };
  return (
    <div className="stack" data-testid={`worklist-${props.list}`}>
      <ErrorLine error={error} />
      {items && items.length === 0 ? <p className="hint">{t('sup.empty')}</p> : null}
      {items && items.length > 0 ? (
        <>
          <label className="stack">
            {t('sup.work.note')}
            <input autoFocus data-testid="work-note" value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <table className="grid">
            <tbody>
              {items.map((w) => (
                <tr key={w.settlementId}>
                  <td>
                    {w.psnName}
                    <div className="hint">{w.settlementId}</div>
                  </td>
                  <td className="num">{formatFen(w.total)}</td>
                  <td>
                    {w.differences.map((d) => `${fieldLabel(d.field, t)}: ${formatFen(d.local)} → ${formatFen(d.center)}`).join('；')}
                    {w.rejectReason ? `${w.rejectCode ?? ''} ${w.rejectReason}` : ''}
                    {w.lastAction ? <div className="hint">{w.lastAction.action}：{w.lastAction.note}</div> : null}
                  </td>
                  <td className="row">
                    <button type="button" className="secondary" onClick={() => void act(w, 'accept')}>
                      {t('sup.work.accept')}
                    </button>
                    {props.list === 'rejection' ? (
                      <button type="button" className="secondary" onClick={() => void act(w, 'correct_reupload')}>
                        {t('sup.work.reupload')}
                      </button>
                    ) : null}
                    <button type="button" className="secondary" onClick={() => void act(w, 'write_off')}>
                      {t('sup.work.writeOff')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  );
}

export function Supervisor() {
  const t = useT();
  const go = useApp((s) => s.go);
  const hasShift = useApp((s) => s.shift !== null);
  const [tab, setTab] = useState<Tab>(hasShift ? 'close' : 'adjustment');
  useShortcuts((s) => {
    if (s === 'back') go(useApp.getState().shift ? 'cashier' : 'shift');
    else if (s === 'logout') {
      void api.call('auth.logout', {}).then(() => useApp.getState().setOperator(null));
    } else return false;
  });
  const onKey = (e: React.KeyboardEvent) => {
    // Digits pick a tab only when not typing into a field.
    if ((e.target as HTMLElement).tagName === 'INPUT') return;
    const i = Number(e.key) - 1;
    const picked = TABS[i];
    if (picked) {
      setTab(picked.tab);
      e.preventDefault();
    }
  };
  return (
    <main className="screen" onKeyDown={onKey} data-testid="supervisor-screen">
      <section className="panel">
        <h2>{t('sup.title')}</h2>
        <div className="row" role="tablist">
          {TABS.map((x, i) => (
            <button key={x.tab} type="button" role="tab" aria-selected={tab === x.tab} className={tab === x.tab ? 'primary' : 'secondary'} data-testid={`sup-tab-${x.tab}`} onClick={() => setTab(x.tab)}>
              {i + 1} {t(x.key)}
            </button>
          ))}
        </div>
      </section>
      <section className="panel" style={{ maxWidth: 900 }}>
        {tab === 'close' ? <CloseTab /> : null}
        {tab === 'xreport' ? <XReportTab /> : null}
        {tab === 'reconcile' ? <ReconcileTab /> : null}
        {tab === 'receivables' ? <ReceivablesTab /> : null}
        {tab === 'adjustment' ? <WorkListTab list="adjustment" /> : null}
        {tab === 'rejection' ? <WorkListTab list="rejection" /> : null}
        {tab === 'signoff' ? <SignoffTab /> : null}
      </section>
      <ShortcutBar keys={['sup.keys', 'key.F12', 'key.Esc']} />
    </main>
  );
}
