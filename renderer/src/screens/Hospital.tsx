// The hospital window (住院, issue 19; docs/INPATIENT.md, docs/UI.md "The hospital window"):
// the open stays, an admission (the card and patient panels of the main screen, then the stay's
// ward, department, doctor and diagnoses), and one stay — deposit balance always in view,
// deposits in and back, fee batches, the running total and the local estimate of the patient's
// share, discharge, the pre-settlement with the deposit netting, the settlement (confirm step),
// its slip, and a supervisor's cancel. Reached by Alt+Z from the main screen; Esc goes back.
import { useEffect, useRef } from 'react';
import { api } from '../api/client';
import { newPatient } from '../cashier/actions';
import { CardManualEntry, CardPrompt, DemoPanel, useCardReading } from '../cashier/CardPanel';
import { DemoSwitches } from '../cashier/DemoSwitches';
import { PatientPanel } from '../cashier/PatientPanel';
import { ErrorLine, MissingCall, ShortcutBar, useShortcuts } from '../components/common';
import { AdmitForm } from '../hospital/AdmitForm';
import { DepositDialog } from '../hospital/DepositDialog';
import { DischargeDialog } from '../hospital/DischargeDialog';
import { FeePanel } from '../hospital/FeePanel';
import type { FeeEntryHandle } from '../hospital/FeeEntry';
import { backToList, showStay, useHospital } from '../hospital/hospital-state';
import { hasInpatient, ipCall } from '../hospital/ip-api';
import { ReasonDialog } from '../hospital/ReasonDialog';
import { SettleDialog } from '../hospital/SettleDialog';
import { StayHeader } from '../hospital/StayHeader';
import { StayList } from '../hospital/StayList';
import { StayEstimatePanel } from '../hospital/StayEstimatePanel';
import { StaySettled, staySettlementId } from '../hospital/StaySettled';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/use-t';
import { altLetterOf, HOSPITAL_ALT, HOSPITAL_LETTER } from '../lib/keys';
import { useApp } from '../state/store';

const LIST_KEYS: MessageKey[] = ['key.F2', 'key.F3', 'hosp.key.admit', 'key.arrows', 'key.Enter', 'key.F7', 'key.F12', 'hosp.key.back', 'key.ctrlU', 'key.ctrlL'];
const STAY_KEYS: MessageKey[] = ['key.F4', 'hosp.key.batch', 'hosp.key.deposit', 'hosp.key.refundDeposit', 'hosp.key.discharge', 'hosp.key.settle', 'hosp.key.midStay', 'key.F8', 'key.F10', 'hosp.key.cancel', 'hosp.key.list', 'key.ctrlU'];

export function Hospital() {
  const t = useT();
  const { go, setOperator } = useApp();
  const operator = useApp((s) => s.operator);
  const h = useHospital();
  const card = useCardReading(() => useHospital.getState().patch({ note: t('card.waiting') }));
  const manual = card.manual;
  const fees = useRef<FeeEntryHandle>(null);
  const available = hasInpatient();

  // Notes ("已收押金…") are about the moment: they go after 8 s, as on the main screen.
  useEffect(() => {
    if (!h.note) return;
    const timer = setTimeout(() => useHospital.getState().patch({ note: null }), 8000);
    return () => clearTimeout(timer);
  }, [h.note]);

  const stay = h.stay;
  const dialogOpen = manual || h.dialog !== null;

  // While a stay's steps are on their way to the center, its page follows them (the 5 s tick):
  // "1 项待上传" becomes "已上传" without a key pressed. Not under a dialog (its figures stay put).
  const nowMs = useApp((s) => s.nowMs);
  useEffect(() => {
    const cur = useHospital.getState();
    if (cur.mode !== 'stay' || !cur.stay || cur.stay.pendingUploads === 0 || cur.dialog) return;
    const id = cur.stay.id;
    void ipCall('inpatient.get', { stayId: id }).then((r) => {
      const now = useHospital.getState();
      if (r.ok && now.stay?.id === id && !now.dialog) now.patch({ stay: r.value });
    });
  }, [nowMs]);

  const act = (action: (typeof HOSPITAL_ALT)[string]) => {
    const s = useHospital.getState();
    const cur = s.stay;
    if (action === 'admit') {
      s.patch({ mode: 'admit', stay: null, dialog: null });
      return;
    }
    if (!cur || s.mode !== 'stay') return;
    const open = cur.state === 'admitted' || cur.state === 'discharged';
    switch (action) {
      case 'batch':
        if (cur.state === 'admitted') fees.current?.submit();
        return;
      case 'deposit':
        if (open) s.patch({ dialog: 'deposit' });
        return;
      case 'refundDeposit':
        if (open && cur.depositBalance > 0) s.patch({ dialog: 'refund' });
        return;
      case 'discharge':
        if (cur.state === 'admitted') s.patch({ dialog: 'discharge' });
        else s.patch({ note: t('hosp.discharge.notAdmitted') });
        return;
      case 'midStay':
        if (cur.state === 'admitted') s.patch({ dialog: 'settleMid' });
        return;
      case 'cancel':
        if (staySettlementId(cur, null)) s.patch({ dialog: 'cancel' });
        return;
      case 'undoDischarge':
        if (cur.state === 'discharged') s.patch({ dialog: 'undoDischarge' });
        return;
    }
  };

  // Alt keys: Alt+Z back to the main screen; the stay's actions (lib/keys.ts HOSPITAL_ALT).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const letter = altLetterOf(e);
      if (!letter || e.defaultPrevented) return;
      if (letter === HOSPITAL_LETTER) {
        e.preventDefault();
        if (!manual && !useHospital.getState().dialog) go('cashier');
        return;
      }
      const action = HOSPITAL_ALT[letter];
      if (!action || manual || useHospital.getState().dialog) return;
      e.preventDefault();
      act(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [manual]);

  const reprint = async () => {
    const id = stay ? staySettlementId(stay, h.settled?.settlementId ?? null) : null;
    if (!id) return;
    const r = await api.call('device.reprint', { settlementId: id });
    h.patch(r.ok ? { note: t('today.reprinted'), error: null } : { error: r.error });
  };

  useShortcuts((s) => {
    if (dialogOpen) {
      // The dialogs own Esc (they close themselves); function keys do nothing behind them.
      if (s === 'back') card.closeManual();
      return true;
    }
    switch (s) {
      case 'readCard':
        if (h.mode !== 'stay') card.readCard();
        return true;
      case 'manualEntry':
        if (h.mode !== 'stay') card.openManual();
        return true;
      case 'search':
        fees.current?.focusSearch();
        return true;
      case 'supervisor':
        go('supervisor');
        return true;
      case 'toggleAccount':
        h.patch({ useAccount: !h.useAccount });
        return true;
      case 'settle':
        if (!stay || h.mode !== 'stay') return true;
        if (stay.state === 'discharged') h.patch({ dialog: 'settle' });
        else if (stay.state === 'admitted') h.patch({ note: t('hosp.settle.dischargeFirst') });
        return true;
      case 'reprint':
        void reprint();
        return true;
      case 'logout':
        void api.call('auth.logout', {}).then(() => {
          newPatient();
          setOperator(null);
        });
        return true;
      case 'back':
        if (h.mode === 'list') go('cashier');
        else {
          backToList();
          newPatient();
        }
        return true;
      default:
        return true;
    }
  });

  if (!available) {
    return (
      <main className="screen" data-testid="hospital-screen">
        <MissingCall call="inpatient.list" />
        <ShortcutBar keys={['hosp.key.back']} />
      </main>
    );
  }

  const cardColumn = (
    <div className="stack">
      <CardPrompt card={card} />
      <PatientPanel />
      <DemoPanel card={card} />
    </div>
  );

  const banner = (
    <>
      {h.note ? (
        <p className="warn big-note" data-testid="hosp-note">
          {h.note}
        </p>
      ) : null}
      <ErrorLine error={h.error} testId="hosp-error" />
    </>
  );

  return (
    <main className="screen screen-fixed screen-hospital" data-testid="hospital-screen" data-mode={h.mode}>
      <div className="hosp-title row">
        <strong>{t('hosp.title')}</strong>
        <button type="button" className={`secondary ${h.mode === 'list' ? 'tab-active' : ''}`} data-testid="hosp-to-list" onClick={() => backToList()}>
          {t('hosp.list.title')}
        </button>
        <button type="button" className={`secondary ${h.mode === 'admit' ? 'tab-active' : ''}`} data-testid="hosp-to-admit" onClick={() => act('admit')}>
          {t('hosp.key.admit')}
        </button>
        <span className="hint">{operator ? `${operator.name}（${operator.id}）` : ''}</span>
      </div>
      {h.mode === 'stay' && stay ? (
        <div className="cashier-grid hosp-grid">
          <div className="stack">
            <StayHeader stay={stay} />
            {/* Demo mode: Alt+O / Alt+N take the sandbox center offline and back here too (the pre-settlement's 离线估算). */}
            {card.demo ? (
              <section className="panel" data-testid="demo-panel">
                <DemoSwitches />
              </section>
            ) : null}
          </div>
          <div className="stack">
            {banner}
            <FeePanel ref={fees} stay={stay} />
          </div>
          <div className="stack">
            {stay.state === 'settled' || (h.settled && h.settled.stay.id === stay.id) ? <StaySettled stay={stay} /> : null}
            <StayEstimatePanel stay={stay} />
          </div>
        </div>
      ) : (
        <div className="cashier-grid hosp-grid-list">
          {cardColumn}
          <div className="stack">
            {banner}
            {h.mode === 'admit' ? <AdmitForm /> : <StayList />}
          </div>
        </div>
      )}
      <CardManualEntry
        card={card}
        onClosed={() => {
          if (useHospital.getState().mode === 'list') useHospital.getState().patch({ mode: 'admit' });
        }}
      />
      {stay && h.dialog === 'deposit' ? <DepositDialog stay={stay} refund={false} /> : null}
      {stay && h.dialog === 'refund' ? <DepositDialog stay={stay} refund /> : null}
      {stay && h.dialog === 'discharge' ? <DischargeDialog stay={stay} /> : null}
      {stay && (h.dialog === 'settle' || h.dialog === 'settleMid') ? <SettleDialog stay={stay} midStay={h.dialog === 'settleMid'} /> : null}
      {stay && h.dialog === 'revoke' ? (
        <ReasonDialog
          testId="revoke-dialog"
          title={t('hosp.batch.revokeTitle')}
          submitLabel={t('hosp.batch.revoke')}
          onCancel={() => h.patch({ dialog: null })}
          onSubmit={async (reason) => {
            const r = await ipCall('inpatient.revokeFees', { stayId: stay.id, batchId: useHospital.getState().revokeBatch ?? 'all', reason });
            if (!r.ok) return r.error;
            h.patch({ dialog: null, revokeBatch: null, note: t('hosp.batch.revokedNote') });
            showStay(r.value);
            return null;
          }}
        />
      ) : null}
      {stay && h.dialog === 'undoDischarge' ? (
        <ReasonDialog
          testId="undo-discharge-dialog"
          title={t('hosp.discharge.undoTitle')}
          submitLabel={t('hosp.discharge.undo')}
          supervisor
          onCancel={() => h.patch({ dialog: null })}
          onSubmit={async (reason, sup) => {
            const r = await ipCall('inpatient.undoDischarge', { stayId: stay.id, reason, ...sup });
            if (!r.ok) return r.error;
            h.patch({ dialog: null, note: t('hosp.discharge.undone') });
            showStay(r.value);
            return null;
          }}
        >
          <p className="hint">{t('hosp.supervisorAuthorises')}</p>
        </ReasonDialog>
      ) : null}
      {stay && h.dialog === 'cancel' ? (
        <ReasonDialog
          testId="stay-cancel-dialog"
          title={t('hosp.cancel.title')}
          submitLabel={t('hosp.cancel.submit')}
          supervisor
          onCancel={() => h.patch({ dialog: null })}
          onSubmit={async (reason, sup) => {
            const settlementId = staySettlementId(stay, h.settled?.stay.id === stay.id ? h.settled.settlementId : null);
            if (!settlementId) return null;
            const r = await ipCall('inpatient.cancelSettlement', { stayId: stay.id, settlementId, reason, ...sup });
            if (!r.ok) return r.error;
            h.patch({ dialog: null, settled: null, note: t('hosp.cancel.done') });
            showStay(r.value);
            return null;
          }}
        >
          <p className="warn">{t('hosp.cancel.what')}</p>
          <p className="hint">{t('hosp.supervisorAuthorises')}</p>
        </ReasonDialog>
      ) : null}
      <ShortcutBar keys={h.mode === 'stay' ? STAY_KEYS : LIST_KEYS} />
    </main>
  );
}
