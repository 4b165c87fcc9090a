// The local split over a stay across the year boundary (issue 19, docs/INPATIENT.md "Year
// boundary"): each year's lines split with that year's table and accumulators, the admission's
// deductible charged once per stay, the second part's axis continuing where the first ended.
// Every expected figure is computed by hand in the comments (fen).
import { describe, expect, it } from 'vitest';
import { splitStay, type StayLine } from '../../../electron/inpatient/stay-split';
import type { Accumulators, PolicyTable, Scheme } from '../../../electron/policy/split/types';

const NURSING = 'N1'; // class A service
const DRUG_B = 'DB'; // class B drug, 10 % paid first by the patient (先行自付)

function scheme(deductible: number, bands: { from: number; ratio: string }[]): Scheme {
  return {
    id: 'emp-inpatient',
    match: { insuranceType: 'employee', visitType: 'inpatient' },
    accumulator: 'emp-inpatient',
    deductible: { per: 'visit', amount: deductible },
    bands,
    annualCap: 50_000_000,
    account: { payInPolicy: true, payOwnPay: false },
  };
}

function table(year: number, s: Scheme): PolicyTable {
  return {
    format: 'policy-table/1',
    seq: year,
    version: `T${year}`,
    region: '990100',
    effectiveFrom: `${year}-01-01`,
    effectiveTo: `${year}-12-31`,
    catalog: [
      { code: NURSING, name: '一级护理', kind: 'service', class: 'A' },
      { code: DRUG_B, name: '乙类药', kind: 'drug', class: 'B', selfPayRatio: '0.1' },
    ],
    schemes: [s],
  };
}

// 2025: deductible 500.00 per stay, 90 % up to 30,000.00 on the axis, 95 % above.
// 2026: deductible 600.00 per stay, 92 % up to 30,000.00, 96 % above.
const TABLES: Record<number, PolicyTable> = {
  2025: table(2025, scheme(50_000, [{ from: 0, ratio: '0.9' }, { from: 3_000_000, ratio: '0.95' }])),
  2026: table(2026, scheme(60_000, [{ from: 0, ratio: '0.92' }, { from: 3_000_000, ratio: '0.96' }])),
};

function run(lines: StayLine[], o: { balance?: number; acc?: Record<number, Accumulators>; axisStart?: number } = {}) {
  const asked: number[] = [];
  const out = splitStay({
    lines,
    patient: { insuranceType: 'employee', personGroup: 'active', status: 'active', accountBalance: o.balance ?? 0 },
    accumulatorsOf: (y) => {
      asked.push(y);
      return o.acc?.[y] ?? {};
    },
    tableFor: (date) => TABLES[Number(date.slice(0, 4))]!,
    visit: { hospitalLevel: 1, diagnoses: ['K35.8'], useAccount: true },
    axisStart: o.axisStart ?? 0,
  });
  if (!out.ok) throw new Error(`${out.error.code}: ${out.error.message}`);
  return { ...out.result, asked };
}

const line = (feeDate: string, unitPrice: string, quantity: string, code = NURSING): StayLine => ({ code, unitPrice, quantity, ownPay: false, feeDate });

describe('a stay across the year boundary', () => {
  it('vector 1: two bands, the deductible once, the 2026 part continuing the axis with 2026 ratios', () => {
    // Lines: 2025-12-30 10,000.00 × 2 = 2,000,000; 2026-01-03 5,000.00 × 3 = 1,500,000 (class A: all in policy).
    const r = run([line('2025-12-30', '10000.00', '2'), line('2026-01-03', '5000.00', '3')]);
    const [p25, p26] = r.parts;
    // 2025 part, axis [0, 2,000,000): deductible = min(2,000,000, 50,000) = 50,000;
    // fund = 90 % × (2,000,000 − 50,000) = 1,755,000; co-pay = 2,000,000 − 50,000 − 1,755,000 = 195,000.
    expect(p25!.year).toBe(2025);
    expect([p25!.axisStart, p25!.axisEnd]).toEqual([0, 2_000_000]);
    expect([p25!.split.deductible, p25!.split.fundPay, p25!.split.coPay, p25!.split.personalTotal]).toEqual([50_000, 1_755_000, 195_000, 245_000]);
    // 2026 part, axis [2,000,000, 3,500,000): the 2026 deductible (60,000) lies below the axis start: 0.
    // fund = 92 % × (3,000,000 − 2,000,000) + 96 % × (3,500,000 − 3,000,000) = 920,000 + 480,000 = 1,400,000;
    // co-pay = 1,500,000 − 1,400,000 = 100,000.
    expect([p26!.axisStart, p26!.axisEnd]).toEqual([2_000_000, 3_500_000]);
    expect([p26!.split.deductible, p26!.split.fundPay, p26!.split.coPay, p26!.split.personalTotal]).toEqual([0, 1_400_000, 100_000, 100_000]);
    // The stay: total 3,500,000; fund 1,755,000 + 1,400,000 = 3,155,000; personal 245,000 + 100,000 = 345,000, all cash.
    expect([r.combined.total, r.combined.fundPay, r.combined.personalTotal, r.combined.cashPay]).toEqual([3_500_000, 3_155_000, 345_000, 345_000]);
    expect(r.axisEnd).toBe(3_500_000);
    // Each year asked for its own accumulators.
    expect(r.asked).toEqual([2025, 2026]);
    // The explanation says which year each part is.
    expect(r.combined.explanation.filter((e) => e.rule === 'stayYear').map((e) => e.params['year'])).toEqual(['2025', '2026']);
  });

  it('vector 1 is not two visits: split alone, the 2026 part would pay a deductible and start at band one', () => {
    const alone = run([line('2026-01-03', '5000.00', '3')]);
    // Alone: deductible 60,000; fund = 92 % × (1,500,000 − 60,000) = 1,324,800; personal = 60,000 + 115,200 = 175,200.
    expect([alone.combined.deductible, alone.combined.fundPay, alone.combined.personalTotal]).toEqual([60_000, 1_324_800, 175_200]);
  });

  it("vector 2: each part under its own year's cap — 2025 nearly used up, 2026 fresh", () => {
    // 2025 accumulators: 49,000,000 of the 50,000,000 cap paid: 1,000,000 left.
    const acc = { 2025: { 'emp-inpatient': { eligible: 60_000_000, fundPaid: 49_000_000 } } };
    const r = run([line('2025-12-30', '10000.00', '2'), line('2026-01-03', '5000.00', '3')], { acc });
    const [p25, p26] = r.parts;
    // 2025: fund raw 1,755,000 (as in vector 1), capped at 1,000,000: over the cap 755,000;
    // personal = 50,000 + 195,000 + 755,000 = 1,000,000.
    expect([p25!.split.fundPay, p25!.split.overCapSelfPay, p25!.split.personalTotal]).toEqual([1_000_000, 755_000, 1_000_000]);
    // 2026: the new year's accumulators ({}): uncapped, as in vector 1: fund 1,400,000, personal 100,000.
    expect([p26!.split.fundPay, p26!.split.overCapSelfPay, p26!.split.personalTotal]).toEqual([1_400_000, 0, 100_000]);
    // Each year's accumulators move on separately: 2025 fundPaid 49,000,000 + 1,000,000 = 50,000,000.
    expect(p25!.split.accumulatorsAfter['emp-inpatient']).toEqual({ eligible: 62_000_000, fundPaid: 50_000_000 });
    expect(p26!.split.accumulatorsAfter['emp-inpatient']).toEqual({ eligible: 1_500_000, fundPaid: 1_400_000 });
    expect([r.combined.fundPay, r.combined.personalTotal]).toEqual([2_400_000, 1_100_000]);
  });

  it('vector 3: the personal account pays the first part and what it left pays the second; B drugs pay 10 % first', () => {
    // Balance 3,000.00 = 300,000.
    // 2025: one line 10,000.00 × 2 = 2,000,000 (A) as in vector 1: personal 245,000 → account 245,000, cash 0.
    // 2026: a class B drug 200.00 × 50 = 1,000,000: first self-pay 10 % = 100,000, in policy 900,000;
    //   axis [2,000,000, 2,900,000): deductible 0; fund = 92 % × 900,000 = 828,000; co-pay 72,000;
    //   personal = 100,000 + 72,000 = 172,000; account: what is left, 300,000 − 245,000 = 55,000; cash 117,000.
    const r = run([line('2025-12-31', '10000.00', '2'), line('2026-01-02', '200.00', '50', DRUG_B)], { balance: 300_000 });
    const [p25, p26] = r.parts;
    expect([p25!.split.accountPay, p25!.split.cashPay]).toEqual([245_000, 0]);
    expect([p26!.split.preSelfPay, p26!.split.eligible, p26!.split.fundPay, p26!.split.coPay]).toEqual([100_000, 900_000, 828_000, 72_000]);
    expect([p26!.split.personalTotal, p26!.split.accountPay, p26!.split.cashPay]).toEqual([172_000, 55_000, 117_000]);
    expect([r.combined.accountPay, r.combined.cashPay, r.axisEnd]).toEqual([300_000, 117_000, 2_900_000]);
    // Items come back in the input's order.
    expect(r.combined.items.map((i) => i.code)).toEqual([NURSING, DRUG_B]);
  });

  it('vector 4: after a mid-stay settlement the next one continues the axis (above the second band)', () => {
    // Axis start 3,500,000 (vector 1 settled mid-stay). 2026 line 10,000.00 × 1 = 1,000,000:
    // axis [3,500,000, 4,500,000): deductible 0; fund = 96 % × 1,000,000 = 960,000; co-pay 40,000.
    const r = run([line('2026-01-20', '10000.00', '1')], { axisStart: 3_500_000 });
    expect([r.combined.deductible, r.combined.fundPay, r.combined.coPay, r.axisEnd]).toEqual([0, 960_000, 40_000, 4_500_000]);
    // Lines lying across a band edge in the same part: axis [2,500,000, 3,500,000):
    // 92 % × 500,000 + 96 % × 500,000 = 460,000 + 480,000 = 940,000.
    const across = run([line('2026-01-20', '10000.00', '1')], { axisStart: 2_500_000 });
    expect(across.combined.fundPay).toBe(940_000);
  });

  it('no lines: no parts, nothing to pay', () => {
    const r = run([]);
    expect(r.parts).toEqual([]);
    expect(r.combined.total).toBe(0);
  });
});
