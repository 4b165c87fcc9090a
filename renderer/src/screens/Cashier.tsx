// The cashier's main screen: card → patient → bill → live split → settle → cash and receipt.
// Every action has a function key (shown at the bottom); nothing needs the mouse.
import { useEffect, useRef, useState } from 'react';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { closeConfirm, newPatient, openConfirm, refreshPreview, settle } from '../cashier/actions';
import { ConfirmPanel } from '../cashier/ConfirmPanel';
import { BillPanel, type BillPanelHandle } from '../cashier/BillPanel';
import { CardManualEntry, CardPrompt, DemoPanel, useCardReading } from '../cashier/CardPanel';
import { FiledDiseases } from '../cashier/FiledDiseases';
import { PatientPanel } from '../cashier/PatientPanel';
import { PrintTrouble } from '../cashier/PrintStatus';
import { ReceiptPreview } from '../cashier/ReceiptPreview';
import { SettledPanel } from '../cashier/SettledPanel';
import { SplitPanel } from '../cashier/SplitPanel';
import { ErrorLine, ShortcutBar, useShortcuts } from '../components/common';
import { SupervisorPin } from '../components/SupervisorPin';
import { useT } from '../i18n/use-t';
import { wordError } from '../i18n/words';
import { useCashier, type VisitType } from '../state/cashier';
import { altLetterOf, HOSPITAL_LETTER } from '../lib/keys';
import { useApp } from '../state/store';
import { TEXT_LIMITS } from '../../../electron/api/contract/limits';

export function Cashier() {
  const t = useT();
  const { go, setOperator, lang } = useApp();
  const c = useCashier();
  const billRef = useRef<BillPanelHandle>(null);
  const [note, setNote] = useState<string | null>(null);
  const card = useCardReading(() => setNote(t('card.waiting')));
  const manual = card.manual;
  const [approval, setApproval] = useState(false);
  /** A dialog of this screen is open (manual entry, a supervisor's approval): Alt+Z waits. */
  const manualRef = useRef(false);
  manualRef.current = manual || approval;
  const [actionError, setActionError] = useState<ApiError | null>(null);
  // A new card read (or typed number) ends whatever the note said about the last patient.
  useEffect(() => {
    if (c.credential || c.cardFailure) setNote(null);
  }, [c.credential, c.cardFailure]);

  // Notes ("已补打", "已清除患者…") are about the moment: they go after 8 s, as F5's notes do.
  useEffect(() => {
    if (!note) return;
    const timer = setTimeout(() => setNote(null), 8000);
    return () => clearTimeout(timer);
  }, [note]);

  /** The first Esc on a bill with lines asks; the second drops the patient. Any other key disarms. */
  const [dropArmed, setDropArmed] = useState(false);

  useEffect(() => {
    if (!dropArmed) return;
    const disarm = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') setDropArmed(false);
    };
    window.addEventListener('keydown', disarm);
    return () => window.removeEventListener('keydown', disarm);
  }, [dropArmed]);

  // Alt+Z: the hospital window (住院). Not while a dialog is open over the bill.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (altLetterOf(e) !== HOSPITAL_LETTER || e.defaultPrevented) return;
      e.preventDefault();
      const cs = useCashier.getState();
      if (!manualRef.current && !cs.confirming) go('hospital');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // A settlement's state changes (confirmed, adjusted) update the settled panel. (Card reads are
  // handled by the App, so a card read on another screen still brings the patient here.)
  useEffect(
    () =>
      api.onEvent((name, payload) => {
        if (name === 'settlement.changed') {
          const id = (payload as { settlementId?: string } | null)?.settlementId;
          const cur = useCashier.getState().settled;
          if (cur && id === cur.id) {
            void api.call('settlement.get', { id }).then((r) => r.ok && useCashier.getState().patch({ settled: r.value }));
          }
        }
      }),
    [],
  );

  // The split follows the bill: recompute shortly after any change.
  useEffect(() => {
    if (c.settled) return;
    const timer = setTimeout(() => void refreshPreview(), 150);
    return () => clearTimeout(timer);
  }, [c.bill.lines, c.person, c.useAccount, c.visitType, c.diagnoses, c.settled]);

  // An offline settlement over the limits asks for a supervisor.
  useEffect(() => {
    if (c.settleError?.code === 'OFFLINE_LIMIT') setApproval(true);
  }, [c.settleError]);

  const logout = async () => {
    await api.call('auth.logout', {});
    newPatient();
    setOperator(null);
  };

  const reprint = async () => {
    if (!c.settled) return;
    const r = await api.call('device.reprint', { settlementId: c.settled.id });
    if (r.ok) {
      setNote(t('today.reprinted'));
      setActionError(null);
    } else setActionError(r.error);
  };

  useShortcuts((s) => {
    if (manual || approval || c.confirming) {
      if (s === 'back') {
        card.closeManual();
        setApproval(false);
        closeConfirm();
        return true;
      }
      return false;
    }
    switch (s) {
      case 'readCard':
        card.readCard();
        return true;
      case 'manualEntry':
        card.openManual();
        return true;
      case 'search':
        billRef.current?.focusSearch();
        return true;
      case 'today':
        go('today');
        return true;
      case 'supervisor':
        go('supervisor');
        return true;
      case 'toggleAccount':
        if (!c.settled) c.patch({ useAccount: !c.useAccount });
        return true;
      case 'settle':
        // F9 opens the confirm step (cash received, change); Enter there commits.
        openConfirm('insured');
        return true;
      case 'selfPay':
        openConfirm('selfPay');
        return true;
      case 'reprint':
        void reprint();
        return true;
      case 'logout':
        void logout();
        return true;
      case 'back':
        setNote(null);
        if (c.settled || (!c.person && !c.bill.lines.length)) {
          newPatient();
          return true;
        }
        // Drop the patient on screen (and the bill): at once when the bill is empty, on a second
        // Esc when it has lines, so one stray key does not throw away a bill being built.
        if (c.bill.lines.length > 0 && !dropArmed) {
          setDropArmed(true);
          return true;
        }
        newPatient();
        setDropArmed(false);
        setNote(t('patient.dropped'));
        return true;
    }
  });

  // Enter on the settled panel also starts the next patient (the received-cash field keeps Enter for itself otherwise).
  const onSettledKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      newPatient();
    }
  };

  return (
    <main className="screen screen-cashier screen-fixed">
      {/* A receipt that did not print is everyone's business at the window: above the work, until printed. */}
      <PrintTrouble />
      <div className="cashier-grid">
        <div className="stack">
          <CardPrompt
            card={card}
            buttons={
              <button type="button" className="secondary" data-testid="hospital-open" onClick={() => go('hospital')}>
                {t('key.altZ')}
              </button>
            }
          >
            {note ? <p className="warn" data-testid="cashier-note">{note}</p> : null}
            {dropArmed ? (
              <p className="error-line" data-testid="drop-confirm">
                {t('patient.dropConfirm', { name: c.person?.name ?? '', n: c.bill.lines.length })}
              </p>
            ) : null}
            <ErrorLine error={actionError} testId="action-error" />
          </CardPrompt>
          <PatientPanel />
          <section className="panel">
            <h2>{t('visit.title')}</h2>
            <label className="row">
              <select data-testid="visit-type" value={c.visitType} disabled={!!c.settled} onChange={(e) => c.patch({ visitType: e.target.value as VisitType })}>
                <option value="outpatient">{t('visit.outpatient')}</option>
                <option value="chronic">{t('visit.chronic')}</option>
                <option value="inpatient">{t('visit.inpatient')}</option>
              </select>
              <input
                data-testid="diagnoses" maxLength={TEXT_LIMITS.diagnosesText}
                placeholder={t('visit.diagnoses')}
                value={c.diagnoses}
                disabled={!!c.settled}
                onChange={(e) => c.patch({ diagnoses: e.target.value })}
                style={{ width: 140 }}
              />
            </label>
            <FiledDiseases />
          </section>
          <DemoPanel card={card} />
        </div>
        <div className="stack">
          <BillPanel ref={billRef} />
          {/* The receipt needs the wide middle column: 80 mm paper is 48 characters. */}
          {c.settled ? <ReceiptPreview settlementId={c.settled.id} /> : null}
        </div>
        <div className="stack" onKeyDown={c.settled ? onSettledKey : undefined}>
          {c.settled ? <SettledPanel /> : <SplitPanel />}
        </div>
      </div>
      <CardManualEntry card={card} />
      {c.confirming ? <ConfirmPanel /> : null}
      {approval ? (
        <SupervisorPin
          title={c.settleError ? wordError(c.settleError, t, lang) : ''}
          submitLabel={t('settle.approve')}
          askReason={false}
          onCancel={() => setApproval(false)}
          onSubmit={(a) => {
            setApproval(false);
            void settle({ supervisorId: a.supervisorId, supervisorPin: a.supervisorPin });
          }}
        />
      ) : null}
      <ShortcutBar keys={['key.F2', 'key.F3', 'key.F4', 'key.F5', 'key.F6', 'key.F7', 'key.F8', 'key.F9', 'key.shiftF9', 'key.F10', 'key.F12', 'key.Esc', 'key.altZ', 'key.ctrlU', 'key.ctrlP', 'key.ctrlL']} />
    </main>
  );
}
