// The model's invariants on random policies, patients and bills (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeSplit, PATIENT_RULES } from '../../../electron/policy/split';
import type { Accumulators, BillItem, CatalogEntry, Patient, PolicyTable, Scheme, SplitResult, Visit } from '../../../electron/policy/split/types';

/** A decimal string with up to `places` places, from an integer of that many tenths. */
const decimal = (maxUnits: number, places: number) =>
  fc.integer({ min: 0, max: maxUnits }).map((n) => {
    const s = String(n).padStart(places + 1, '0');
    return places === 0 ? s : `${s.slice(0, -places)}.${s.slice(-places)}`;
  });
const ratio = decimal(10_000, 4);
const price = fc.oneof(decimal(500_000, 2), decimal(9_999_999, 4));
const quantity = fc.oneof(fc.integer({ min: 1, max: 30 }).map(String), decimal(99_999, 4).filter((q) => Number(q) > 0));

const entry = (code: string): fc.Arbitrary<CatalogEntry> =>
  fc.record(
    {
      cls: fc.constantFrom('A', 'B', 'C') as fc.Arbitrary<'A' | 'B' | 'C'>,
      selfPayRatio: ratio,
      byType: fc.option(ratio, { nil: undefined }),
      priceCap: fc.option(decimal(300_000, 2), { nil: undefined }),
      restriction: fc.option(
        fc.record({ minHospitalLevel: fc.integer({ min: 1, max: 3 }), diagnosisPrefixes: fc.option(fc.constant<string[]>(['E1']), { nil: undefined }) }),
        { nil: undefined },
      ),
    },
    { requiredKeys: ['cls', 'selfPayRatio'] },
  ).map(({ cls, selfPayRatio, byType, priceCap, restriction }) => {
    const e: CatalogEntry = { code, name: `项目${code}`, kind: 'drug', class: cls };
    if (cls === 'B') e.selfPayRatio = selfPayRatio;
    if (cls === 'B' && byType) e.selfPayRatioByInsuranceType = { employee: byType };
    if (priceCap) e.priceCap = priceCap;
    if (restriction) e.restriction = restriction.diagnosisPrefixes ? restriction : { minHospitalLevel: restriction.minHospitalLevel };
    return e;
  });

const bands = fc
  .uniqueArray(fc.integer({ min: 1, max: 5_000_000 }), { maxLength: 3 })
  .chain((froms) => fc.tuple(...[0, ...froms].map((from) => ratio.map((r) => ({ from, ratio: r })))));

const scheme = (per: 'year' | 'visit' | 'any'): fc.Arbitrary<Scheme> =>
  fc
    .record({
      per: per === 'any' ? (fc.constantFrom('year', 'visit') as fc.Arbitrary<'year' | 'visit'>) : fc.constant(per),
      amount: fc.integer({ min: 0, max: 300_000 }),
      bands,
      annualCap: fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
      critical: fc.option(fc.record({ threshold: fc.integer({ min: 0, max: 2_000_000 }), bands, annualCap: fc.option(fc.integer({ min: 0, max: 5_000_000 }), { nil: undefined }) }), { nil: undefined }),
      payInPolicy: fc.boolean(),
      payOwnPay: fc.boolean(),
    })
    .map((s) => {
      const out: Scheme = {
        id: 's1',
        match: { insuranceType: 'employee', visitType: 'outpatient' },
        accumulator: 'acc',
        deductible: { per: s.per, amount: s.amount },
        bands: s.bands,
        account: { payInPolicy: s.payInPolicy, payOwnPay: s.payOwnPay },
      };
      if (s.annualCap !== undefined) out.annualCap = s.annualCap;
      if (s.critical) {
        out.criticalIllness = { threshold: s.critical.threshold, bands: s.critical.bands.map((b) => ({ from: b.from, ratio: b.ratio! })) };
        if (s.critical.annualCap !== undefined) out.criticalIllness.annualCap = s.critical.annualCap;
      }
      return out;
    });

const CODES = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6'];
const table = (per: 'year' | 'visit' | 'any'): fc.Arbitrary<PolicyTable> =>
  fc.record({ catalog: fc.tuple(...CODES.map(entry)), scheme: scheme(per) }).map(({ catalog, scheme: s }) => ({
    format: 'policy-table/1',
    seq: 1,
    version: 'prop',
    region: '990100',
    effectiveFrom: '2026-01-01',
    effectiveTo: '2026-12-31',
    catalog,
    schemes: [s],
  }));

const item: fc.Arbitrary<BillItem> = fc
  .record({ code: fc.constantFrom(...CODES, 'LOCAL-1'), unitPrice: price, quantity, ownPay: fc.boolean() })
  .map(({ code, unitPrice, quantity: q, ownPay }) => (code === 'LOCAL-1' || ownPay ? { code, unitPrice, quantity: q, ownPay: true } : { code, unitPrice, quantity: q }));
const items = fc.array(item, { minLength: 1, maxLength: 12 });

const patient: fc.Arbitrary<Patient> = fc
  .record({
    balance: fc.integer({ min: 0, max: 1_000_000 }),
    eligible: fc.integer({ min: 0, max: 6_000_000 }),
    fundPaid: fc.integer({ min: 0, max: 10_000_000 }),
    criticalBurden: fc.integer({ min: 0, max: 3_000_000 }),
    criticalPaid: fc.integer({ min: 0, max: 5_000_000 }),
  })
  .map((p) => ({
    insuranceType: 'employee',
    personGroup: 'active',
    status: 'active',
    accountBalance: p.balance,
    accumulators: { acc: { eligible: p.eligible, fundPaid: p.fundPaid }, criticalBurden: p.criticalBurden, criticalPaid: p.criticalPaid },
  }));

const visit: fc.Arbitrary<Visit> = fc
  .record({ level: fc.integer({ min: 1, max: 3 }), diag: fc.boolean(), useAccount: fc.boolean() })
  .map(({ level, diag, useAccount }) => ({ visitType: 'outpatient', hospitalLevel: level, date: '2026-06-01', diagnoses: diag ? ['E11.900'] : [], useAccount }));

function ok(t: PolicyTable, p: Patient, v: Visit, it: BillItem[]): SplitResult {
  const o = computeSplit(t, p, v, it);
  if (!o.ok) throw new Error(`${o.error.code}: ${o.error.message}`);
  return o.result;
}
const accOf = (a: Accumulators, k: string) => a[k] as { eligible: number; fundPaid: number };

describe('split invariants', () => {
  it('amounts add up, nothing is negative, caps and the balance hold', () => {
    fc.assert(
      fc.property(table('any'), patient, visit, items, (t, p, v, it) => {
        const r = ok(t, p, v, it);
        const money = [r.total, r.fullOwnPay, r.overLimitSelfPay, r.preSelfPay, r.eligible, r.deductible, r.fundPay, r.coPay, r.overCapSelfPay, r.criticalIllnessPay, r.personalTotal, r.accountPay, r.cashPay];
        for (const m of money) {
          expect(Number.isSafeInteger(m)).toBe(true);
          expect(m).toBeGreaterThanOrEqual(0);
        }
        expect(r.total).toBe(r.fullOwnPay + r.overLimitSelfPay + r.preSelfPay + r.eligible);
        expect(r.eligible).toBe(r.deductible + r.coPay + r.fundPay + r.overCapSelfPay);
        expect(r.personalTotal).toBe(r.total - r.fundPay - r.criticalIllnessPay);
        expect(r.cashPay).toBe(r.personalTotal - r.accountPay);
        expect(r.accountPay).toBeLessThanOrEqual(p.accountBalance);
        if (v.useAccount === false) expect(r.accountPay).toBe(0);
        const before = accOf(p.accumulators!, 'acc');
        const cap = t.schemes[0]!.annualCap;
        if (cap !== undefined) expect(r.fundPay).toBeLessThanOrEqual(Math.max(0, cap - before.fundPaid));
        const ciCap = t.schemes[0]!.criticalIllness?.annualCap;
        if (ciCap !== undefined) expect(r.criticalIllnessPay).toBeLessThanOrEqual(Math.max(0, ciCap - (p.accumulators!.criticalPaid ?? 0)));
        expect(r.criticalIllnessPay).toBeLessThanOrEqual(r.deductible + r.coPay + r.overCapSelfPay);
        for (const key of ['amount', 'fullOwnPay', 'overLimitSelfPay', 'preSelfPay', 'eligible'] as const) {
          expect(r.items.reduce((s, l) => s + l[key], 0)).toBe(key === 'amount' ? r.total : r[key]);
        }
        for (const l of r.items) {
          expect(l.amount).toBe(l.fullOwnPay + l.overLimitSelfPay + l.preSelfPay + l.eligible);
          for (const k of ['fullOwnPay', 'overLimitSelfPay', 'preSelfPay', 'eligible'] as const) expect(l[k]).toBeGreaterThanOrEqual(0);
        }
        const after = accOf(r.accumulatorsAfter, 'acc');
        expect(after).toEqual({ eligible: before.eligible + r.eligible, fundPaid: before.fundPaid + r.fundPay });
        expect(r.accumulatorsAfter.criticalPaid).toBe((p.accumulators!.criticalPaid ?? 0) + r.criticalIllnessPay);
        // The explanation traces every fen of the patient's part.
        const traced = r.explanation.filter((l) => PATIENT_RULES.has(l.rule)).reduce((sum, l) => sum + (l.amount ?? 0), 0);
        const critical = r.explanation.find((l) => l.rule === 'critical')?.amount ?? 0;
        expect(traced - critical).toBe(r.personalTotal);
        expect(r.explanation.find((l) => l.rule === 'cash')?.amount).toBe(r.cashPay);
      }),
      { numRuns: 400 },
    );
  });

  it('two consecutive bills give the fund and critical illness the totals of one bill, within a fen per bill and layer', () => {
    fc.assert(
      fc.property(table('year'), patient, visit, items, fc.nat(), (t, p, v, it, cut) => {
        const at = 1 + (cut % Math.max(1, it.length));
        fc.pre(at < it.length);
        const whole = ok(t, p, v, it);
        const first = ok(t, p, v, it.slice(0, at));
        const second = ok(t, { ...p, accumulators: first.accumulatorsAfter }, v, it.slice(at));
        expect(Math.abs(first.fundPay + second.fundPay - whole.fundPay)).toBeLessThanOrEqual(2);
        expect(Math.abs(first.criticalIllnessPay + second.criticalIllnessPay - whole.criticalIllnessPay)).toBeLessThanOrEqual(2);
        expect(first.eligible + second.eligible).toBe(whole.eligible);
        expect(first.total + second.total).toBe(whole.total);
      }),
      { numRuns: 400 },
    );
  });

  it('is deterministic: the same inputs give the same fen', () => {
    fc.assert(
      fc.property(table('any'), patient, visit, items, (t, p, v, it) => {
        expect(computeSplit(t, p, v, it)).toEqual(computeSplit(structuredClone(t), structuredClone(p), structuredClone(v), structuredClone(it)));
      }),
      { numRuns: 100 },
    );
  });
});
