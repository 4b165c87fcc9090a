// A stay's fees, middle column: the patient's pending HIS bills to attach (each one batch), the
// lines typed at the window (FeeEntry), the batches with their upload state (revoke one: 2302),
// and the stay's lines. Fees only while the stay is 'admitted'.
import { forwardRef, useEffect, useState } from 'react';
import type { StayView } from '../../../electron/api/contract/inpatient';
import type { PendingBillView } from '../../../electron/api/contract/settlement';
import { formatFen } from '../../../electron/api/money';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { hasCall } from '../api/capabilities';
import { ErrorLine } from '../components/common';
import { col, Grid, num, RowAction } from '../components/grid';
import { useT } from '../i18n/use-t';
import { chinaTime } from '../lib/time';
import { FeeEntry, type DraftLine, type FeeEntryHandle } from './FeeEntry';
import { showStay, useHospital } from './hospital-state';
import { ipCall } from './ip-api';

export const FeePanel = forwardRef<FeeEntryHandle, { stay: StayView }>(function FeePanel(props, ref) {
  const t = useT();
  const s = props.stay;
  const patch = useHospital((h) => h.patch);
  const [bills, setBills] = useState<PendingBillView[]>([]);
  const [billError, setBillError] = useState<ApiError | null>(null);
  const admitted = s.state === 'admitted';

  // The HIS files a stay's orders under the patient's number: offered here to attach.
  useEffect(() => {
    if (!admitted || !hasCall('settlement.pendingBills')) return;
    void api.call('settlement.pendingBills', { certNo: s.certNo }).then((r) => r.ok && setBills(r.value));
  }, [s.id, s.batches.length, admitted]);

  const attach = async (b: PendingBillView) => {
    const r = await ipCall('inpatient.addFees', { stayId: s.id, billId: b.id });
    if (!r.ok) return setBillError(r.error);
    setBillError(null);
    patch({ note: t('hosp.fees.attached', { n: b.items.length }) });
    showStay(r.value);
  };

  const addTyped = async (lines: DraftLine[]): Promise<ApiError | null> => {
    const r = await ipCall('inpatient.addFees', {
      stayId: s.id,
      items: lines.map((l) => ({ code: l.code, name: l.name, unitPrice: l.unitPrice, quantity: l.quantity })),
    });
    if (!r.ok) return r.error;
    patch({ note: t('hosp.fees.added', { n: lines.length }) });
    showStay(r.value);
    return null;
  };

  return (
    <section className="panel stack" data-testid="fee-panel">
      <h2>
        {t('hosp.fees.title')}
        <span className="hint" data-testid="fee-count">
          {t('hosp.fees.count', { batches: s.batches.length, lines: s.lines.filter((l) => !l.revoked).length })}
        </span>
      </h2>
      {admitted && bills.length > 0 ? (
        <div className="stack" data-testid="stay-pending-bills">
          <strong>{t('bill.pending')}</strong>
          {bills.map((b, i) => (
            <div key={b.id} className="row">
              <span>
                {b.billId ?? b.sourceRef} · {t('bill.pending.items', { n: b.items.length })} · {b.items.map((it) => it.name ?? it.code).join('、')}
              </span>
              <button type="button" className="secondary" data-testid={`stay-bill-take-${i}`} onClick={() => void attach(b)}>
                {t('hosp.fees.attach')}
              </button>
            </div>
          ))}
        </div>
      ) : null}
      <ErrorLine error={billError} testId="stay-bill-error" />
      {admitted ? <FeeEntry ref={ref} onSubmit={addTyped} disabled={!admitted} /> : <p className="hint">{t('hosp.fees.closed')}</p>}
      {s.batches.length > 0 ? (
        <Grid testId="batch-list" cols={[col(t('hosp.batch.at')), col(t('hosp.batch.source')), num(t('hosp.batch.lines')), num(t('bill.col.amount')), col(t('hosp.col.upload')), col()]}>
          {s.batches.map((b, i) => (
            <tr key={b.id} data-testid={`batch-${i}`} className={b.revoked ? 'disabled' : ''}>
              <td>{chinaTime(b.at)}</td>
              <td className="nowrap">{b.source === 'bill' ? t('hosp.batch.fromBill') : t('hosp.batch.typed')}</td>
              <td className="num">{b.lines}</td>
              <td className="num">{formatFen(b.total)}</td>
              <td className={`nowrap ${b.upload === 'done' ? 'note-ok' : 'warn'}`}>{b.revoked ? t('hosp.batch.revoked') : t(`hosp.uploadState.${b.upload}`)}</td>
              <td>
                {admitted && !b.revoked ? (
                  <RowAction testId={`batch-revoke-${i}`} onClick={() => patch({ dialog: 'revoke', revokeBatch: b.id })}>
                    {t('hosp.batch.revokeShort')}
                  </RowAction>
                ) : null}
              </td>
            </tr>
          ))}
        </Grid>
      ) : null}
      {s.lines.length > 0 ? (
        <details>
          <summary>{t('hosp.lines.title', { n: s.lines.length })}</summary>
          <table className="grid" data-testid="stay-lines">
            <tbody>
              {s.lines.map((l) => (
                <tr key={l.lineNo} className={l.revoked ? 'disabled' : ''}>
                  <td>{l.feeDate}</td>
                  <td>{l.name}</td>
                  <td className="num">
                    {l.unitPrice} × {l.quantity}
                  </td>
                  <td className="num">{formatFen(l.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </section>
  );
});
