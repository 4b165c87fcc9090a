// A drawer's variance as a supervisor says it: "短款 4.60 元" (short) / "长款 3.00 元" (over), in
// red; "0.00 元" in green. Never a bare "-4.60".
import { formatFen } from '../../../electron/api/money';
import { useT } from '../i18n/use-t';

export function Variance(props: { fen: number | null; testId?: string }) {
  const t = useT();
  if (props.fen === null) return <span data-testid={props.testId}>—</span>;
  const amount = formatFen(Math.abs(props.fen));
  const key = props.fen < 0 ? 'sup.variance.short' : props.fen > 0 ? 'sup.variance.over' : 'sup.variance.none';
  return (
    <span className={props.fen === 0 ? 'variance-ok' : 'variance-bad'} data-testid={props.testId} data-fen={props.fen}>
      {t(key, { amount })}
    </span>
  );
}
