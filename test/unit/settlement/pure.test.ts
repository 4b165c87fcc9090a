// Accumulator arithmetic, backoff spacing and the 2207/center mapping.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay } from '../../../electron/outbox/backoff';
import { combine, compact, difference, negate } from '../../../electron/settlement/accumulators';
import { diffAgainstCenter, moneyFromRow, MONEY_FIELDS, negateMoney, uploadInput, wirePrice, type Money } from '../../../electron/settlement/mapping';

const money: Money = {
  total: 2344246, fullOwnPay: 100, overLimitSelfPay: 0, preSelfPay: 50, eligible: 2344096, deductible: 0,
  fundPay: 2000000, coPay: 344096, overCapSelfPay: 0, criticalIllnessPay: 0, personalTotal: 344246, accountPay: 5, cashPay: 344241,
};

describe('accumulators', () => {
  it('before + (after − before) = after, and a refund delta undoes it', () => {
    const before = { out: { eligible: 1000, fundPaid: 500 }, criticalBurden: 10 };
    const after = { out: { eligible: 3000, fundPaid: 1700 }, inp: { eligible: 5, fundPaid: 0 }, criticalBurden: 10, criticalPaid: 3 };
    const delta = compact(difference(after, before));
    expect(delta).toEqual({ out: { eligible: 2000, fundPaid: 1200 }, inp: { eligible: 5, fundPaid: 0 }, criticalPaid: 3 });
    expect(compact(combine(before, delta))).toEqual(compact(after));
    expect(compact(combine(combine(before, delta), negate(delta)))).toEqual(compact(before));
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter within [exp/2, exp] and stops at the cap', () => {
    const opts = { baseMs: 1000, capMs: 60_000 };
    expect(backoffDelay(1, opts, () => 0)).toBe(500);
    expect(backoffDelay(1, opts, () => 1)).toBe(1000);
    expect(backoffDelay(3, opts, () => 1)).toBe(4000);
    expect(backoffDelay(40, opts, () => 1)).toBe(60_000);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, r) => {
        const d = backoffDelay(n, opts, () => r);
        const exp = Math.min(60_000, 1000 * 2 ** Math.min(30, n - 1));
        return d >= exp / 2 - 1 && d <= exp + 1;
      }),
    );
  });
});

describe('mapping', () => {
  it('writes the 2207 setlinfo in yuan strings and the fee details', () => {
    const input = uploadInput({
      settlementId: 'S1', psnNo: 'P1', certType: '03', certNo: 'C1', insutype: '310', psnType: '1101', visitType: 'chronic', hospitalLevel: 2,
      setlTime: '2026-03-15 09:00:00', diagnoses: ['I10'], useAccount: false, policySeq: 7, offline: true, money,
      lines: [{ lineNo: 1, code: 'X1', unitPrice: '12.5', quantity: '2', amount: 2500, ownPay: true }],
    }) as { setlinfo: Record<string, unknown>; feedetail: Record<string, unknown>[] };
    expect(input.setlinfo).toMatchObject({ medins_setl_id: 'S1', med_type: '14', hosp_lv: '2', acct_used_flag: '0', offline_flag: '1', policy_seq: 7, medfee_sumamt: '23442.46', psn_cash_pay: '3442.41', acct_pay: '0.05' });
    expect(input.feedetail).toEqual([{ feedetl_sn: '1', med_list_codg: 'X1', pric: '12.50', cnt: '2', det_item_fee_sumamt: '25.00', own_pay_flag: '1' }]);
  });

  it('sends a unit price in the wire format whatever form the bill had it in, exactly', () => {
    expect(['10', '10.5', '10.50', '0.1234', '3.120', '0.0001', '007'].map(wirePrice)).toEqual(['10.00', '10.50', '10.50', '0.1234', '3.12', '0.0001', '7.00']);
    expect(() => wirePrice('1e3')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('finds each field the center changed, ignoring absent or malformed ones', () => {
    const center = { medfee_sumamt: '23442.46', hifp_pay: '19999.00', psn_cash_pay: '3443.41', acct_pay: 'x' };
    expect(diffAgainstCenter(money, center)).toEqual([
      { field: 'fund_pay', local: 2000000, center: 1999900 },
      { field: 'cash_pay', local: 344241, center: 344341 },
    ]);
    expect(diffAgainstCenter(money, null)).toEqual([]);
  });

  it('negates every amount exactly (no -0)', () => {
    const n = negateMoney(money);
    expect(n.total).toBe(-2344246);
    expect(Object.is(n.deductible, 0)).toBe(true);
  });
});

describe('a settlement row read for its money', () => {
  it('reads integer fen and refuses a missing or fractional amount instead of taking 0 (refunds negate it)', () => {
    const row = Object.fromEntries(MONEY_FIELDS.map(([col], i) => [col, i * 100])) as Parameters<typeof moneyFromRow>[0];
    expect(moneyFromRow(row).total).toBe(0);
    expect(moneyFromRow(row).cashPay).toBe((MONEY_FIELDS.length - 1) * 100);
    const { total: _gone, ...missing } = row;
    expect(() => moneyFromRow(missing as typeof row)).toThrow(expect.objectContaining({ code: 'SETTLEMENT_ROW_DAMAGED' }));
    expect(() => moneyFromRow({ ...row, cash_pay: 12.5 })).toThrow(expect.objectContaining({ code: 'SETTLEMENT_ROW_DAMAGED' }));
  });
});
