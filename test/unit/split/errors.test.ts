// Step 1 checks: each refusal has its code, a Chinese message, and nothing is computed.
import { describe, expect, it } from 'vitest';
import { computeSplit } from '../../../electron/policy/split';
import type { BillItem, Patient, PolicyTable, Visit } from '../../../electron/policy/split/types';
import { loadVectors } from './vectors';

const base = loadVectors().find((v) => v.file.startsWith('01'))!;
const run = (over: { table?: PolicyTable; patient?: Partial<Patient>; visit?: Partial<Visit>; items?: BillItem[] }) =>
  computeSplit(over.table ?? base.table, { ...base.patient, ...over.patient }, { ...base.visit, ...over.visit }, over.items ?? base.items);
const codeOf = (o: ReturnType<typeof computeSplit>) => (o.ok ? 'OK' : o.error.code);

describe('split checks', () => {
  it('refuses a date outside the table', () => {
    expect(codeOf(run({ visit: { date: '2025-12-31' } }))).toBe('POLICY_NOT_EFFECTIVE');
    expect(codeOf(run({ visit: { date: '2027-01-01' } }))).toBe('POLICY_NOT_EFFECTIVE');
    expect(codeOf(run({ visit: { date: '2026-12-31' } }))).toBe('OK');
    expect(codeOf(run({ table: { ...base.table, effectiveTo: null }, visit: { date: '2030-05-01' } }))).toBe('OK');
  });
  it('refuses a patient who is not insured', () => {
    const o = run({ patient: { status: 'suspended' } });
    expect(codeOf(o)).toBe('NOT_INSURED');
    if (!o.ok) expect(o.error.message).toMatch(/参保/);
  });
  it.each([
    ['no items', []],
    ['a bad price', [{ code: 'XJ01CAA040A001010101445', unitPrice: '1.23456', quantity: '1' }]],
    ['a negative price', [{ code: 'XJ01CAA040A001010101445', unitPrice: '-1', quantity: '1' }]],
    ['a float price', [{ code: 'XJ01CAA040A001010101445', unitPrice: 1.5 as unknown as string, quantity: '1' }]],
    ['zero quantity', [{ code: 'XJ01CAA040A001010101445', unitPrice: '1.00', quantity: '0.0000' }]],
    ['an exponent', [{ code: 'XJ01CAA040A001010101445', unitPrice: '1e3', quantity: '1' }]],
  ])('refuses %s as INVALID_INPUT naming the field', (_n, items) => {
    const o = run({ items: items as BillItem[] });
    expect(codeOf(o)).toBe('INVALID_INPUT');
    if (!o.ok) expect(o.error.details).toHaveProperty('field');
  });
  it('never throws on garbage', () => {
    for (const junk of [null, undefined, 42, 'x', [], {}]) {
      expect(codeOf(computeSplit(junk as never, junk as never, junk as never, junk as never))).toBe('INVALID_INPUT');
      expect(codeOf(computeSplit(base.table, base.patient, base.visit, junk as never))).toBe('INVALID_INPUT');
    }
  });
  it('finds no scheme for an uncovered visit type', () => {
    expect(codeOf(run({ patient: { insuranceType: 'resident' }, visit: { visitType: 'chronic' } }))).toBe('NO_SCHEME');
  });
  it('refuses a level without a ratio', () => {
    expect(codeOf(run({ visit: { hospitalLevel: 4 } }))).toBe('NO_RATIO_FOR_LEVEL');
  });
  it('checks the date before the items', () => {
    expect(codeOf(run({ visit: { date: '2025-01-01' }, items: [{ code: 'NOPE', unitPrice: '1', quantity: '1' }] }))).toBe('POLICY_NOT_EFFECTIVE');
  });
});
