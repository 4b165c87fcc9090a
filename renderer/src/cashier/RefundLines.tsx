// Partial refund in the refund dialog (issue 13): the settlement's lines, each ticked "退" (to
// return). All ticked is the full refund; untick the lines the patient keeps and the refund
// becomes partial — the settlement is cancelled and the kept lines settled again (two receipts).
// By keyboard: Shift+Tab from the supervisor id reaches the lines, Space ticks / unticks.
import { useEffect, useState } from 'react';
import type { SettlementView } from '../../../electron/api/contract/settlement';
import { formatFen } from '../../../electron/api/money';
import { api } from '../api/client';
import { useT } from '../i18n/use-t';

export interface PartialReturns {
  cash: number;
  account: number;
  fund: number;
}

export function RefundLines(props: { view: SettlementView; returned: number[]; onChange: (returned: number[]) => void }) {
  const t = useT();
  const { view, returned } = props;
  const partial = returned.length > 0 && returned.length < view.lines.length;
  const [returns, setReturns] = useState<PartialReturns | null>(null);
  const key = returned.join(',');

  useEffect(() => {
    setReturns(null);
    if (!partial) return;
    let live = true;
    void api.call('settlement.partialRefundPreview', { id: view.id, lineNos: returned }).then((r) => live && r.ok && setReturns(r.value.returns));
    return () => {
      live = false;
    };
  }, [view.id, key, partial]);

  if (view.lines.length < 2) return null;
  const toggle = (lineNo: number) => props.onChange(returned.includes(lineNo) ? returned.filter((n) => n !== lineNo) : [...returned, lineNo].sort((a, b) => a - b));
  return (
    <div className="stack refund-lines" data-testid="refund-lines">
      <p className="hint">{t('refund.lines.hint')}</p>
      {view.lines.map((l) => (
        <label key={l.lineNo} className="split-row refund-line" data-testid={`refund-line-${l.lineNo}`}>
          <span>
            <input type="checkbox" checked={returned.includes(l.lineNo)} onChange={() => toggle(l.lineNo)} data-testid={`refund-line-check-${l.lineNo}`} />{' '}
            {l.name || l.code} × {l.quantity}
          </span>
          <span className="amount">{formatFen(l.amount)}</span>
        </label>
      ))}
      {partial ? (
        <div className="stack warn" data-testid="refund-partial">
          <strong>{t('refund.partial.title', { n: returned.length, kept: view.lines.length - returned.length })}</strong>
          {returns ? (
            <div className="split-row cash">
              <span>{t('refund.returnsCash')}</span>
              <span className="amount" data-testid="refund-partial-cash">{formatFen(returns.cash)}</span>
            </div>
          ) : null}
          {returns ? (
            <span className="hint">
              {t('refund.returnsAccount')} {formatFen(returns.account)} · {t('refund.returnsFund')} {formatFen(returns.fund)}
            </span>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
