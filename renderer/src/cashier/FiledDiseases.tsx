// The person's filed chronic / special diseases (5301 门慢门特备案) as choices for a chronic visit's
// diagnosis (issue 17): a chronic visit settles only under a disease filed and valid on the visit
// day, so the cashier picks it here (one button per valid filing, reachable by Tab) instead of
// typing its code. From the national facts (5301) or, in our protocol, the 1101 answer's filings.
import type { ChronicFiling, PersonView } from '../../../electron/api/contract/center';
import { useT } from '../i18n/use-t';
import { useCashier } from '../state/cashier';

/** The filings the person has in force, or null when the center has not told (offline, nothing cached). */
export function validFilings(person: PersonView | null): ChronicFiling[] | null {
  if (!person) return null;
  const filings = person.national ? person.national.filings : (person.filings ?? null);
  return filings ? filings.filter((f) => f.valid) : null;
}

export function FiledDiseases() {
  const t = useT();
  const { person, visitType, diagnoses, settled, patch } = useCashier();
  if (visitType !== 'chronic' || !person) return null;
  const filings = validFilings(person);
  const chosen = diagnoses.split(/[\s,，;；]+/)[0] ?? '';
  return (
    <div className="row" data-testid="filed-diseases">
      <span className="hint">{t('visit.filed')}</span>
      {filings === null ? <span className="hint">{t('patient.filings.unknown')}</span> : null}
      {filings?.length === 0 ? <span className="warn">{t('visit.filed.none')}</span> : null}
      {filings?.map((f) => (
        <button
          key={`${f.code}/${f.begin}`}
          type="button"
          className={chosen === f.code ? '' : 'secondary'}
          data-testid={`filed-disease-${f.code}`}
          aria-pressed={chosen === f.code}
          disabled={!!settled}
          onClick={() => patch({ diagnoses: f.code })}
        >
          {f.code} {f.name}
        </button>
      ))}
    </div>
  );
}
