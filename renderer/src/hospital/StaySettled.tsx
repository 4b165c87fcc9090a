// A stay's settlement, right column, once made: its state in the journal (the center's answer
// arrives later, settlement.changed), the netting as done — refund paid back or the rest
// collected — whether the receipt printed, and the standard settlement slip (医保结算单) printed
// or saved as PDF for the journal row. A supervisor cancels it (Alt+X, 2305) with a reason.
import { useEffect, useState } from 'react';
import type { StayView } from '../../../electron/api/contract/inpatient';
import type { SettlementView } from '../../../electron/api/contract/settlement';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { PrintState } from '../cashier/PrintStatus';
import { ErrorLine } from '../components/common';
import { useT } from '../i18n/use-t';
import { settlementStateWord } from '../lib/state-word';
import { saveFile } from '../supervisor/ReportActions';
import { NettingLine } from './EstimateFigures';
import { useHospital } from './hospital-state';

/** The journal row a settled stay's slip and receipts are for: the settlement just made, else the stay's newest. */
export function staySettlementId(stay: StayView, justMade: string | null): string | null {
  return justMade ?? stay.settlementIds[stay.settlementIds.length - 1] ?? null;
}

export function StaySettled(props: { stay: StayView }) {
  const t = useT();
  const { settled, patch } = useHospital();
  const id = staySettlementId(props.stay, settled?.stay.id === props.stay.id ? settled.settlementId : null);
  const [row, setRow] = useState<SettlementView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => {
    if (!id) return;
    const load = () => void api.call('settlement.get', { id }).then((r) => r.ok && setRow(r.value));
    load();
    return api.onEvent((name, payload) => {
      if (name === 'settlement.changed' && (payload as { settlementId?: string } | null)?.settlementId === id) load();
    });
  }, [id]);

  if (!id) return null;
  const slipPrint = async () => {
    const r = await api.call('settlement.slipPrint', { id });
    setError(r.ok ? null : r.error);
    if (r.ok) setNote(t('hosp.slip.printed'));
  };
  const slipExport = async () => {
    const r = await api.call('settlement.slipExport', { id });
    setError(r.ok ? null : r.error);
    if (r.ok) {
      saveFile(r.value);
      setNote(t('sup.export.saved', { file: r.value.fileName }));
    }
  };
  const word = row ? settlementStateWord({ state: row.state, selfPay: row.selfPay, online: row.online }) : null;
  const mid = settled?.stay.id === props.stay.id ? settled.midStay : false;
  return (
    <section className="panel settled stack" data-testid="stay-settled">
      <h2>
        {t(mid ? 'hosp.settled.midTitle' : 'hosp.settled.title')}
        {word ? (
          <span className={`badge ${word.badge}`} data-testid="stay-settlement-state">
            {t(word.key)}
          </span>
        ) : null}
      </h2>
      {settled && settled.stay.id === props.stay.id ? <NettingLine estimate={settled.estimate} testId="settled-netting" /> : null}
      <p className="hint" data-testid="stay-settlement-id">
        {t('hosp.settled.id', { id })}
      </p>
      <PrintState settlementId={id} />
      <div className="row">
        <button type="button" className="secondary" data-testid="slip-print" onClick={() => void slipPrint()}>
          {t('hosp.slip.print')}
        </button>
        <button type="button" className="secondary" data-testid="slip-export" onClick={() => void slipExport()}>
          {t('hosp.slip.export')}
        </button>
        {row && row.state !== 'refunded' ? (
          <button type="button" className="secondary" data-testid="stay-cancel-open" onClick={() => patch({ dialog: 'cancel' })}>
            {t('hosp.key.cancel')}
          </button>
        ) : null}
      </div>
      {note ? <p className="note-ok" data-testid="slip-note">{note}</p> : null}
      <ErrorLine error={error} testId="slip-error" />
    </section>
  );
}
