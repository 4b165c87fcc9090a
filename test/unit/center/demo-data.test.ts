import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_PERSONS, DEMO_YEAR_START, findDemoPerson, residentIdNumber } from '../../../electron/center/sandbox/demo-persons';
import demoPolicy from '../../../electron/center/sandbox/demo-policy.json';
import { parseFaults } from '../../../electron/center/sandbox/faults';
import { resolveSettings } from '../../../electron/app/config';
import { computeSplit } from '../../../electron/policy/split';
import type { BillItem, Patient, PolicyTable, Visit } from '../../../electron/policy/split/types';

const VECTORS = 'test/fixtures/split-vectors';

describe('demo persons', () => {
  it('cover the cases the issue asks for', () => {
    expect(DEMO_PERSONS.length).toBeGreaterThanOrEqual(12);
    const has = (f: (p: (typeof DEMO_PERSONS)[number]) => boolean) => expect(DEMO_PERSONS.some(f)).toBe(true);
    has((p) => p.insutype === '310' && p.psn_type.startsWith('11'));
    has((p) => p.insutype === '310' && p.psn_type.startsWith('12'));
    has((p) => p.insutype === '390' && p.psn_type.startsWith('15'));
    has((p) => p.psn_type.startsWith('14'));
    has((p) => p.psn_insu_stas !== '1');
    has((p) => p.insutype === '310' && p.balc === '0.00');
    expect(Object.values(DEMO_YEAR_START).some((y) => Object.values(y.accumulators).some((a) => typeof a === 'object' && a.fundPaid >= 1_900_000))).toBe(true);
    expect(Object.values(DEMO_YEAR_START).some((y) => y.outsideVisitAfterLookup)).toBe(true);
  });

  it('carry valid, unique credentials and 11-field card data', () => {
    for (const key of ['psn_no', 'certno', 'card_no', 'card_sn', 'ec_token'] as const) {
      expect(new Set(DEMO_PERSONS.map((p) => p[key])).size).toBe(DEMO_PERSONS.length);
    }
    for (const p of DEMO_PERSONS) {
      expect(residentIdNumber(p.certno.slice(0, 6), p.brdy, Number(p.certno.slice(14, 17)))).toBe(p.certno);
      expect(Number(p.certno[16]) % 2).toBe(p.gend === '1' ? 1 : 0);
      const fields = p.card_data.split('|');
      expect(fields).toHaveLength(12);
      expect(fields[11]).toBe('');
      expect(fields[1]).toBe(p.certno);
      expect(fields[2]).toBe(p.card_no);
      expect(fields[3]).toBe(p.card_sn);
      expect(fields[4]).toBe(p.psn_name);
      expect(fields[8]).toMatch(/^\d{8}$/);
      expect(findDemoPerson('01', p.ec_token)).toBe(p);
      expect(findDemoPerson('02', p.certno)).toBe(p);
      expect(findDemoPerson('03', p.card_no)).toBe(p);
    }
  });
});

describe('demo policy table', () => {
  const table = demoPolicy as PolicyTable;
  const sample = JSON.parse(readFileSync(join(VECTORS, 'policies/sample-city-2026.json'), 'utf8')) as PolicyTable;

  it('extends the sample table to a few hundred unique items, keeping the sample entries and schemes', () => {
    expect(table.catalog.length).toBeGreaterThanOrEqual(250);
    expect(new Set(table.catalog.map((e) => e.code)).size).toBe(table.catalog.length);
    for (const e of sample.catalog) expect(table.catalog.find((x) => x.code === e.code)).toEqual(e);
    // The demo's extensions (issue 17, docs/SPLIT.md): resident outpatient pooling only at the
    // bound clinic, and a resident chronic scheme (两病); otherwise the sample's schemes.
    const plain = table.schemes.filter((s) => s.id !== 'res-chronic').map(({ bindingRequired: _b, ...s }) => s);
    expect(plain).toEqual(sample.schemes);
    expect(table.schemes.filter((s) => s.bindingRequired).map((s) => s.id)).toEqual(['res-outpatient']);
    for (const e of table.catalog) {
      expect(['A', 'B', 'C']).toContain(e.class);
      if (e.class === 'B') expect(e.selfPayRatio ?? e.selfPayRatioByInsuranceType).toBeDefined();
    }
  });

  it('gives every split vector the same answer as the sample table', () => {
    for (const f of readdirSync(VECTORS).filter((x) => x.endsWith('.json'))) {
      const v = JSON.parse(readFileSync(join(VECTORS, f), 'utf8')) as { patient: Patient; visit: Visit; items: BillItem[] };
      expect(computeSplit(table, v.patient, v.visit, v.items), f).toEqual(computeSplit(sample, v.patient, v.visit, v.items));
    }
  });
});

describe('--faults syntax', () => {
  it('parses every fault', () => {
    expect(parseFaults('refuse,latency=250,busy=3@2207,drop,malformed=truncated:2@1399,reject-item=C1:超量,reject-person=P1')).toEqual({
      refuse: true,
      latencyMs: 250,
      busy: { count: 3, infno: '2207' },
      dropAfterCommit: { count: 1 },
      malformed: { mode: 'truncated', count: 2, infno: '1399' },
      rejectItems: { C1: '超量' },
      rejectPersons: { P1: '该人员暂停结算' },
    });
    expect(parseFaults('busy=always')).toEqual({ busy: { count: -1 } });
  });
  it('refuses nonsense', () => {
    for (const bad of ['explode', 'latency=-1', 'busy=x', 'malformed=weird', 'reject-item=']) expect(() => parseFaults(bad), bad).toThrow();
  });
  it('is the syntax of the sandboxFaults setting, checked when settings are read', () => {
    expect(resolveSettings({ env: { CASHIER_SANDBOX_FAULTS: 'reject-item=C1:超量' } }).sandboxFaults).toBe('reject-item=C1:超量');
    expect(resolveSettings({}).sandboxFaults).toBe('');
    expect(() => resolveSettings({ flags: { sandboxFaults: 'explode' } })).toThrow(expect.objectContaining({ code: 'SETTING_INVALID', details: expect.objectContaining({ key: 'sandboxFaults' }) }));
  });
});
