// A stay's figures: the total, what the fund, critical-illness insurance and the personal
// account pay, the patient's cash part; the deposit netting line ("押金 … − 个人负担 … = 退还 …");
// the explanation line by line over the whole stay (bands crossed, caps, critical illness), per
// year when the stay crosses the year boundary. Used by the running estimate and the
// pre-settlement. The source is said first: the center's figures, or the local estimate (离线估算).
import type { StayEstimate } from '../../../electron/api/contract/inpatient';
import { formatFen } from '../../../electron/api/money';
import type { Lang, Translate } from '../i18n';
import { useT } from '../i18n/use-t';
import { wordError, wordExplanation } from '../i18n/words';
import { useApp } from '../state/store';
import { nettingCollects, nettingLine } from './netting';

function Row(props: { label: string; fen: number; cls?: string; testId: string }) {
  return (
    <div className={`split-row ${props.cls ?? ''}`} data-testid={props.testId}>
      <span>{props.label}</span>
      <span className="amount">{formatFen(props.fen)}</span>
    </div>
  );
}

/**
 * Why the center's figures are not shown. CENTER_UNAVAILABLE's catalogue words are about a
 * center port that is not configured (reconciliation, clearing); here the inpatient part uses it
 * for "not connected, or the admission has not reached the center yet" — said as such.
 */
function whyNoCenter(why: { code: string; message: string }, t: Translate, lang: Lang): string {
  if (why.code === 'CENTER_UNAVAILABLE') return t('hosp.source.whyUnavailable');
  return wordError(why, t, lang);
}

export function EstimateSource(props: { estimate: StayEstimate; preSettle: boolean; testId: string }) {
  const t = useT();
  const lang = useApp((s) => s.lang);
  const e = props.estimate;
  if (e.source === 'center') {
    return (
      <p className="note-ok" data-testid={props.testId} data-source="center">
        {t('hosp.source.center')}
      </p>
    );
  }
  return (
    <div className="warn" data-testid={props.testId} data-source="local">
      <strong>{t(props.preSettle ? 'hosp.source.offline' : 'hosp.source.local')}</strong>
      {e.centerUnavailable ? <div data-testid={`${props.testId}-why`} data-code={e.centerUnavailable.code}>{whyNoCenter(e.centerUnavailable, t, lang)}</div> : null}
    </div>
  );
}

export function NettingLine(props: { estimate: StayEstimate; testId?: string }) {
  const t = useT();
  const n = props.estimate.netting;
  return (
    <p className={`netting ${nettingCollects(n) ? 'collect' : 'refund'}`} data-testid={props.testId ?? 'netting-line'}>
      {nettingLine(n, t)}
    </p>
  );
}

/** The explanation line by line over the whole stay; per year when the stay crosses the year boundary. */
export function EstimateExplanation(props: { estimate: StayEstimate; testId: string }) {
  const t = useT();
  const lang = useApp((s) => s.lang);
  const e = props.estimate;
  return (
    <ul className="explain" data-testid={props.testId}>
      {e.parts.length > 1
        ? e.parts.map((part) => (
            <li key={part.year} className="explain-part">
              <strong>{t('hosp.yearPart', { year: part.year, total: formatFen(part.total) })}</strong>
              <ul>
                {part.split.explanation.map((x, i) => (
                  <li key={i}>{wordExplanation(x, t, lang)}</li>
                ))}
              </ul>
            </li>
          ))
        : e.explanation.map((x, i) => <li key={i}>{wordExplanation(x, t, lang)}</li>)}
    </ul>
  );
}

/** Where the figures come from, what each pays, and the netting. */
export function EstimateMoney(props: { estimate: StayEstimate; prefix: string; preSettle: boolean }) {
  const t = useT();
  const e = props.estimate;
  const p = props.prefix;
  return (
    <>
      <EstimateSource estimate={e} preSettle={props.preSettle} testId={`${p}-source`} />
      <div>
        <Row label={t('split.total')} fen={e.total} testId={`${p}-total`} />
        <Row label={t('split.fund')} fen={e.money.fund} testId={`${p}-fund`} />
        <Row label={t('split.critical')} fen={e.money.criticalIllness} testId={`${p}-critical`} />
        <Row label={t('split.account')} fen={e.money.account} testId={`${p}-account`} />
        <Row label={t('hosp.personalCash')} fen={e.money.cash} cls="cash" testId={`${p}-cash`} />
      </div>
      <NettingLine estimate={e} testId={`${p}-netting`} />
    </>
  );
}

export function EstimateFigures(props: { estimate: StayEstimate; prefix: string }) {
  const t = useT();
  return (
    <div className="stack" data-testid={`${props.prefix}-figures`}>
      <EstimateMoney estimate={props.estimate} prefix={props.prefix} preSettle={false} />
      <details>
        <summary>{t('split.explain')}</summary>
        <EstimateExplanation estimate={props.estimate} testId={`${props.prefix}-explanation`} />
      </details>
    </div>
  );
}
