// Validation of the policy table's extensions (issue 17): per-disease rules (门慢门特 / 两病) and
// a scheme's binding requirement — refused with the first bad field's path, like the rest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../electron/api/result';
import { parsePolicyDelta, parsePolicyTable } from '../../../electron/policy/schema';
import type { PolicyTable } from '../../../electron/policy/split/types';

const table = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/split-vectors-project/policies/chronic-city-2026.json'), 'utf8')) as PolicyTable;
const demo = JSON.parse(readFileSync(join(import.meta.dirname, '../../../electron/center/sandbox/demo-policy.json'), 'utf8')) as PolicyTable;

function pathOf(raw: unknown, parse: (r: unknown) => unknown = parsePolicyTable): string {
  try {
    parse(raw);
  } catch (e) {
    if (isAppError(e) && e.code === 'POLICY_INVALID') {
      expect(e.message).toMatch(/无效/);
      return (e.details as { path: string }).path;
    }
    throw e;
  }
  throw new Error('accepted');
}

function spoiled(change: (t: PolicyTable) => void): PolicyTable {
  const t = structuredClone(table);
  change(t);
  return t;
}

describe('disease rules in policy-table/1', () => {
  it('accepts the project table and the demo table, keeping the rules', () => {
    expect(parsePolicyTable(table).diseaseRules?.map((r) => r.code)).toEqual(['E11', 'I10']);
    const d = parsePolicyTable(demo);
    expect(d.diseaseRules?.map((r) => `${r.code}/${r.kind}`)).toEqual(['E11/chronic', 'I10/chronic', 'E11/twoDiseases', 'I10/twoDiseases']);
    expect(d.schemes.find((s) => s.id === 'res-outpatient')?.bindingRequired).toBe('01');
  });
  it.each<[string, (t: PolicyTable) => void, string]>([
    ['an unknown kind', (t) => ((t.diseaseRules![0] as { kind: string }).kind = 'acute'), 'diseaseRules[0].kind'],
    ['a float ratio', (t) => ((t.diseaseRules![0]!.bands[0] as { ratio: unknown }).ratio = 0.9), 'diseaseRules[0].bands[0].ratio'],
    ['a ratio above one', (t) => (t.diseaseRules![1]!.bands[0]!.ratio = '1.2'), 'diseaseRules[1].bands[0].ratio'],
    ['a yuan deductible', (t) => (t.diseaseRules![0]!.deductible.amount = 200.5), 'diseaseRules[0].deductible.amount'],
    ['bands not starting at 0', (t) => (t.diseaseRules![0]!.bands[0]!.from = 5), 'diseaseRules[0].bands[0].from'],
    ['an empty item list', (t) => (t.diseaseRules![0]!.eligibleItems = []), 'diseaseRules[0].eligibleItems'],
    ['the critical-illness key as accumulator', (t) => (t.diseaseRules![0]!.accumulator = 'criticalPaid'), 'diseaseRules[0].accumulator'],
    ['an unknown field', (t) => ((t.diseaseRules![0] as unknown as Record<string, unknown>).colour = 'red'), 'diseaseRules[0]'],
    ['a second rule for the same disease and type', (t) => t.diseaseRules!.push({ ...t.diseaseRules![0]! }), 'diseaseRules[2].code'],
    ['a rule for every type beside a typed one', (t) => t.diseaseRules!.push({ ...t.diseaseRules![1]!, insuranceTypes: undefined } as never), 'diseaseRules[2].code'],
    ['a binding type that is not two digits', (t) => (t.schemes[2]!.bindingRequired = '1'), 'schemes[2].bindingRequired'],
  ])('refuses %s, naming %s', (_name, change, path) => {
    expect(pathOf(spoiled(change))).toBe(path);
  });
  it('allows one code for different insurance types', () => {
    const t = spoiled((x) => x.diseaseRules!.push({ ...x.diseaseRules![0]!, insuranceTypes: ['resident'], accumulator: 'res-E11' }));
    expect(parsePolicyTable(t).diseaseRules).toHaveLength(3);
  });
  it('a delta carries all rules or none, validated the same way', () => {
    const delta = { format: 'policy-delta/1', fromSeq: 7, toSeq: 8, version: 'v8', catalogUpserts: [], catalogDeletes: [], diseaseRules: table.diseaseRules };
    expect(parsePolicyDelta(delta).diseaseRules).toHaveLength(2);
    expect(parsePolicyDelta({ ...delta, diseaseRules: [] }).diseaseRules).toEqual([]);
    expect(pathOf({ ...delta, diseaseRules: [{ ...table.diseaseRules![0]!, kind: 'x' }] }, parsePolicyDelta)).toBe('diseaseRules[0].kind');
  });
});
