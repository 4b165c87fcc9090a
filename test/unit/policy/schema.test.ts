// Validation of policy-table/1 and policy-delta/1 names the bad field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../electron/api/result';
import { parsePolicyDelta, parsePolicyTable } from '../../../electron/policy/schema';
import type { PolicyTable } from '../../../electron/policy/split/types';

const sample = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/split-vectors/policies/sample-city-2026.json'), 'utf8')) as PolicyTable;
const DELETE = Symbol('delete');
type Json = { [k: string]: Json } | Json[] | string | number | boolean | null;

/** A copy of the sample with the value at `path` replaced (or deleted). */
function spoiled(path: (string | number)[], value: unknown): unknown {
  const t = structuredClone(sample) as unknown as Json;
  let o = t as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (value === DELETE) delete o[last];
  else o[last] = value as Json;
  return t;
}

function pathOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isAppError(e)) {
      expect(e.code).toBe('POLICY_INVALID');
      expect(e.message).toMatch(/无效/);
      return (e.details as { path: string }).path;
    }
    throw e;
  }
  throw new Error('accepted');
}

describe('policy-table/1 validation', () => {
  it('accepts the sample table', () => {
    expect(parsePolicyTable(sample).catalog).toHaveLength(20);
  });
  it.each<[string, (string | number)[], unknown, string]>([
    ['a wrong format', ['format'], 'policy-table/2', 'format'],
    ['a float seq', ['seq'], 1.5, 'seq'],
    ['a bad date', ['effectiveFrom'], '2026-13-01', 'effectiveFrom'],
    ['an end before the start', ['effectiveTo'], '2025-01-01', 'effectiveTo'],
    ['a float ratio', ['catalog', 1, 'selfPayRatio'], 0.1, 'catalog[1].selfPayRatio'],
    ['a ratio above one', ['catalog', 1, 'selfPayRatio'], '1.5', 'catalog[1].selfPayRatio'],
    ['five decimals in a price cap', ['catalog', 4, 'priceCap'], '3200.00001', 'catalog[4].priceCap'],
    ['a B entry without ratio', ['catalog', 1, 'selfPayRatio'], DELETE, 'catalog[1].selfPayRatio'],
    ['an unknown class', ['catalog', 0, 'class'], 'D', 'catalog[0].class'],
    ['a duplicate code', ['catalog', 3, 'code'], sample.catalog[2]!.code, 'catalog[3].code'],
    ['an unknown field', ['catalog', 0, 'colour'], 'red', 'catalog[0]'],
    ['a yuan deductible', ['schemes', 0, 'deductible', 'amount'], 1300.5, 'schemes[0].deductible.amount'],
    ['bands not starting at 0', ['schemes', 3, 'bands', 0, 'from'], 10, 'schemes[3].bands[0].from'],
    ['a band without a ratio', ['schemes', 2, 'bands', 0, 'ratio'], DELETE, 'schemes[2].bands[0].ratio'],
    ['no schemes', ['schemes'], [], 'schemes'],
    ['a duplicate scheme id', ['schemes', 1, 'id'], sample.schemes[0]!.id, 'schemes[1].id'],
  ])('refuses %s, naming %s', (_name, at, value, path) => {
    expect(pathOf(() => parsePolicyTable(spoiled(at, value)))).toBe(path);
  });
  it('refuses what is not an object', () => {
    expect(pathOf(() => parsePolicyTable(null))).toBe('');
    expect(pathOf(() => parsePolicyTable([]))).toBe('');
  });
});

describe('policy-delta/1 validation', () => {
  const delta = { format: 'policy-delta/1', fromSeq: 1, toSeq: 2, version: 'd', catalogUpserts: [sample.catalog[0]], catalogDeletes: ['X'] };
  it('accepts a delta', () => {
    expect(parsePolicyDelta(delta).toSeq).toBe(2);
  });
  it.each<[string, Record<string, unknown>, string]>([
    ['toSeq not after fromSeq', { toSeq: 1 }, 'toSeq'],
    ['a bad upsert', { catalogUpserts: [{ ...sample.catalog[0], kind: 'food' }] }, 'catalogUpserts[0].kind'],
    ['an upserted and deleted code', { catalogDeletes: [sample.catalog[0]!.code] }, 'catalogDeletes[0]'],
    ['missing deletes', { catalogDeletes: undefined }, 'catalogDeletes'],
  ])('refuses %s, naming %s', (_name, over, path) => {
    expect(pathOf(() => parsePolicyDelta({ ...delta, ...over }))).toBe(path);
  });
});

describe('the fast catalog-entry check', () => {
  // Entries near the valid set: each key absent, valid, or one of a few wrong values, so that
  // both checks see many entries they accept and many they refuse.
  async function entryProperty() {
    const fc = (await import('fast-check')).default;
    const wrong = fc.constantFrom<unknown>('', 'D', 'food', '1.5', '0.12345', 'x'.repeat(300), 12, 0.5, null, undefined);
    const field = (valid: import('fast-check').Arbitrary<unknown>) => fc.oneof({ arbitrary: valid, weight: 10 }, { arbitrary: wrong, weight: 1 });
    const entry = fc.record(
      {
        code: field(fc.constantFrom('X1', 'ZA01BAA0101')),
        name: field(fc.constantFrom('药', 'Aspirin')),
        kind: field(fc.constantFrom('drug', 'service', 'material')),
        spec: field(fc.constantFrom('10mg', '')),
        unit: field(fc.constantFrom('盒', '支')),
        class: field(fc.constantFrom('A', 'B', 'C')),
        selfPayRatio: field(fc.constantFrom('0.1', '1', '0')),
        priceCap: field(fc.constantFrom('3.50', '12.3456', '0')),
        colour: fc.constant('red'),
      },
      { requiredKeys: ['code', 'name', 'kind', 'class'] },
    );
    return { fc, entry };
  }

  it('never accepts what the zod schema refuses, over many entries each accepts and refuses', async () => {
    const { fc, entry } = await entryProperty();
    const { catalogEntrySchema, plainEntryOk } = await import('../../../electron/policy/schema');
    let accepted = 0;
    let refusedByZod = 0;
    fc.assert(
      fc.property(entry, (e) => {
        const zodOk = catalogEntrySchema.safeParse(e).success;
        if (!zodOk) refusedByZod++;
        if (plainEntryOk(e)) {
          accepted++;
          expect(zodOk).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
    // The expectation above must actually run, and against entries zod tells apart.
    expect(accepted).toBeGreaterThan(100);
    expect(refusedByZod).toBeGreaterThan(100);
    expect(plainEntryOk({ code: 'X1', name: '药', kind: 'drug', class: 'B', selfPayRatio: '0.1', priceCap: '3.50' })).toBe(true);
  });

  it('the same property catches a fast check that is too lenient', async () => {
    const { fc, entry } = await entryProperty();
    const { catalogEntrySchema, plainEntryOk } = await import('../../../electron/policy/schema');
    // A checker that forgets the price cap's grammar: the property must find a counterexample.
    const lenient = (e: Record<string, unknown>) => plainEntryOk({ ...e, priceCap: undefined }) || plainEntryOk(Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'priceCap')));
    const r = fc.check(fc.property(entry, (e) => !lenient(e) || catalogEntrySchema.safeParse(e).success), { numRuns: 3000 });
    expect(r.failed).toBe(true);
  });
});
