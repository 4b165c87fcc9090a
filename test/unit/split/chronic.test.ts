// The chronic-disease and binding extension (docs/SPLIT.md "Chronic-disease visits and clinic
// binding"): the refusals with their Chinese words, the check order, the input shapes, and that
// a table without disease rules splits chronic visits as the model does.
import { describe, expect, it } from 'vitest';
import { computeSplit } from '../../../electron/policy/split';
import type { Patient, Visit } from '../../../electron/policy/split/types';
import { loadProjectVectors, type Vector } from './vectors';

const c01 = loadProjectVectors().find((v) => v.file.startsWith('c01'))!;
const run = (patient: Partial<Patient> = {}, visit: Partial<Visit> = {}, v: Vector = c01) =>
  computeSplit(v.table, { ...v.patient, ...patient }, { ...v.visit, ...visit }, v.items);

describe('chronic-disease visits', () => {
  it('refuses a diagnosis that is not a filed disease, naming what is filed', () => {
    const o = run({}, { diagnoses: ['J44.100'] });
    expect(o).toMatchObject({ ok: false, error: { code: 'CHRONIC_NOT_FILED', details: { reason: 'diagnosis', filed: ['E11'] } } });
    if (!o.ok) expect(o.error.message).toBe('门诊慢特病就诊须以已备案的病种作为诊断：本次诊断 J44.100 不是已备案病种；参保人在 2026-04-20 有效的备案病种为：E11 2型糖尿病。请核对诊断，或改为普通门诊');
  });
  it('refuses a visit without a diagnosis, and one with no filing valid that day', () => {
    const none = run({}, { diagnoses: [] });
    if (!none.ok) expect(none.error.message).toMatch(/本次没有填写诊断/);
    const notYet = run({ filings: [{ code: 'E11', begin: '2026-05-01', end: null }] });
    expect(notYet).toMatchObject({ ok: false, error: { code: 'CHRONIC_NOT_FILED', details: { reason: 'none' } } });
    if (!notYet.ok) expect(notYet.error.message).toMatch(/没有有效的慢特病备案/);
  });
  it('refuses when the filings are not known (no answer, nothing cached)', () => {
    const patient = { ...c01.patient };
    delete patient.filings;
    const o = computeSplit(c01.table, patient, c01.visit, c01.items);
    expect(o).toMatchObject({ ok: false, error: { code: 'CHRONIC_NOT_FILED', details: { reason: 'unknown' } } });
    if (!o.ok) expect(o.error.message).toMatch(/不知道参保人的慢特病备案/);
  });
  it('a filing starting or ending on the visit day is valid', () => {
    expect(run({ filings: [{ code: 'E11', begin: '2026-04-20', end: '2026-04-20' }] }).ok).toBe(true);
  });
  it('does not match a diagnosis merely sharing letters (E1 is not under E11)', () => {
    expect(run({}, { diagnoses: ['E1'] }).ok).toBe(false);
  });
  it('checks the inputs before the filings: an unknown item is still UNKNOWN_ITEM', () => {
    const o = computeSplit(c01.table, { ...c01.patient, filings: [] }, c01.visit, [{ code: 'NOPE', unitPrice: '1', quantity: '1' }]);
    expect(o.ok ? 'OK' : o.error.code).toBe('UNKNOWN_ITEM');
  });
  it('refuses badly shaped filings and bindings as INVALID_INPUT', () => {
    for (const patient of [
      { filings: 'E11' as never },
      { filings: [{ code: 'E11', begin: '2026-13-01', end: null }] },
      { filings: [{ code: 'E11', begin: '2026-01-01' }] as never },
      { bindings: [{ institutionCode: 'H1', begin: '2026-01-01', end: null }] as never },
    ]) {
      const o = run(patient);
      expect(o.ok ? 'OK' : o.error.code, JSON.stringify(patient)).toBe('INVALID_INPUT');
    }
  });
  it('a table without disease rules splits a chronic visit by its scheme alone (the model)', () => {
    const table = { ...c01.table };
    delete table.diseaseRules;
    const o = computeSplit(table, { ...c01.patient, filings: [] }, c01.visit, c01.items);
    expect(o.ok).toBe(true);
    if (o.ok) {
      expect(o.result.disease).toBeUndefined();
      expect(o.result.items.find((l) => l.reason === 'disease')).toBeUndefined();
      // emp-chronic: no deductible, 90 %: eligible 15834 + the amoxicillin 1580 = 17414 → 15672.6 → 15673.
      expect(o.result.fundPay).toBe(15673);
    }
    expect(computeSplit({ ...table, diseaseRules: [] }, { ...c01.patient, filings: [] }, c01.visit, c01.items)).toEqual(o);
  });
  it('an ordinary outpatient visit of the same person ignores the disease rules', () => {
    const o = run({}, { visitType: 'outpatient' });
    expect(o.ok && o.result.scheme).toBe('emp-outpatient');
    expect(o.ok && o.result.disease).toBeUndefined();
  });
});
