// The acceptance contract: every vector of ../shared/split-vectors passes, field by field; so
// do the project's own vectors of its extensions (chronic-disease visits, clinic binding).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeSplit } from '../../../electron/policy/split';
import { parsePolicyTable } from '../../../electron/policy/schema';
import { loadProjectVectors, loadVectors, VECTOR_DIR, type Vector } from './vectors';

const vectors = loadVectors();
const projectVectors = loadProjectVectors();

function checkVector(v: Vector): void {
  const out = computeSplit(v.table, v.patient, v.visit, v.items);
  if (v.expectError) {
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error.code).toBe(v.expectError);
    return;
  }
  expect(out.ok).toBe(true);
  if (!out.ok) return;
  const { explanation, ...fields } = out.result;
  expect(fields).toEqual(v.expect);
  expect(explanation.length).toBeGreaterThan(0);
}

describe('split vectors', () => {
  it('has all twelve vectors', () => {
    expect(vectors.length).toBe(12);
  });

  for (const v of vectors) it(v.file, () => checkVector(v));

  it('names every unknown code (vector 11)', () => {
    const v = vectors.find((x) => x.file.startsWith('11'))!;
    const out = computeSplit(v.table, v.patient, v.visit, v.items);
    expect(out).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ITEM', details: { codes: ['XJ99ZZZ999Z999999999999'] } } });
    if (!out.ok) expect(out.error.message).toContain('XJ99ZZZ999Z999999999999');
  });

  // The fixtures are copies; when the shared originals are beside the project, they must be identical.
  const shared = join(import.meta.dirname, '../../../../shared/split-vectors');
  it.skipIf(!existsSync(shared))('fixtures are identical to ../shared/split-vectors', () => {
    const list = (d: string): string[] => readdirSync(d, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json')).sort();
    expect(list(VECTOR_DIR)).toEqual(list(shared));
    for (const f of list(shared)) expect(readFileSync(join(VECTOR_DIR, f), 'utf8')).toBe(readFileSync(join(shared, f), 'utf8'));
  });
});

describe('project split vectors (chronic-disease visits, clinic binding; docs/SPLIT.md)', () => {
  it('has the eight hand-computed vectors, each with its arithmetic', () => {
    expect(projectVectors.map((v) => v.file.slice(0, 3))).toEqual(['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08']);
    for (const v of projectVectors) expect(v.notes?.length, v.file).toBeGreaterThan(0);
  });
  it('their policy table passes the policy schema', () => {
    for (const v of projectVectors) expect(() => parsePolicyTable(v.table)).not.toThrow();
  });
  for (const v of projectVectors) it(v.file, () => checkVector(v));
});
