// The person's chronic-disease filings and clinic bindings as the split engine takes them
// (docs/SPLIT.md "Chronic-disease visits and clinic binding"), from the person view of either
// protocol: national 5301/5302 (view.national, each part with its own age), or our protocol's
// 1101 answer (view.filings / view.bindings, the view's age). Live or from the offline cache
// alike. Not known (null / absent) stays absent: the engine then refuses a chronic visit
// (CHRONIC_NOT_FILED) and pools an outpatient one as usual, saying the center decides. PURE.
import type { PersonView } from '../api/contract/center';
import type { Patient } from '../policy/split/types';

export function splitRecordsOf(person: PersonView): Pick<Patient, 'filings' | 'bindings'> {
  const filings = person.national ? person.national.filings : person.filings;
  const bindings = person.national ? person.national.bindings : person.bindings;
  const out: Pick<Patient, 'filings' | 'bindings'> = {};
  if (filings) out.filings = filings.map((f) => ({ code: f.code, name: f.name, begin: f.begin, end: f.end }));
  if (bindings) out.bindings = bindings.map((b) => ({ bizType: b.bizType, institutionCode: b.institutionCode, institutionName: b.institutionName, begin: b.begin, end: b.end }));
  return out;
}
