// compareWithCenter (issue 16): the local split against the center's 2204 / 2206 / 2207 answers,
// one difference per line and field, with the center's reason. PURE.
import { describe, expect, it } from 'vitest';
import { compareWithCenter, type LocalLine } from '../../../electron/settlement/center-differences';
import type { Money } from '../../../electron/settlement/mapping';

const money: Money = {
  total: 1452, fullOwnPay: 1000, overLimitSelfPay: 0, preSelfPay: 23, eligible: 429, deductible: 0, fundPay: 300, coPay: 129,
  overCapSelfPay: 0, criticalIllnessPay: 0, personalTotal: 1152, accountPay: 0, cashPay: 1152,
};
const lines: LocalLine[] = [
  { lineNo: 1, code: 'B1', class: 'B', amount: 452, fullOwnPay: 0, overLimitSelfPay: 0, preSelfPay: 23, eligible: 429 },
  { lineNo: 2, code: 'A2', class: 'A', amount: 1000, fullOwnPay: 1000, overLimitSelfPay: 0, preSelfPay: 0, eligible: 0 },
];
const setlinfo = (fundPay: string, cash: string) => ({
  medfee_sumamt: '14.52', fulamt_ownpay_amt: '10.00', overlmt_selfpay: '0.00', preselfpay_amt: '0.23', inscp_scp_amt: '4.29', act_pay_dedc: '0.00',
  hifp_pay: fundPay, pool_prop_selfpay: '1.29', hifmi_pay: '0.00', psn_part_amt: cash, acct_pay: '0.00', psn_cash_pay: cash, fund_pay_sumamt: fundPay,
});
const fees = {
  result: [
    { feedetl_sn: '1', det_item_fee_sumamt: '4.52', cnt: '1.0000', pric: '4.520000', selfpay_prop: '0.05', fulamt_ownpay_amt: '0.00', overlmt_amt: '0.00', preselfpay_amt: '0.23', inscp_scp_amt: '4.29', chrgitm_lv: '02' },
    { feedetl_sn: '2', det_item_fee_sumamt: '10.00', cnt: '1', pric: '10', selfpay_prop: '1', fulamt_ownpay_amt: '10.00', overlmt_amt: '0', preselfpay_amt: '0', inscp_scp_amt: '0', chrgitm_lv: '03', memo: '目录外，全自费' },
  ],
};

describe('compareWithCenter', () => {
  it('the same figures everywhere: no difference', () => {
    const same = { setlinfo: setlinfo('3.00', '11.52'), setldetail: [] };
    expect(compareWithCenter({ money, lines }, { settlement: same, fees: { result: [{ ...fees.result[0], chrgitm_lv: '02' }, { ...fees.result[1], chrgitm_lv: '01' }] }, preSettlement: same })).toEqual([]);
  });

  it('a line the center classes otherwise: the class difference with its memo; a total the center settled otherwise, why naming the line and the center account', () => {
    const settlement = { setlinfo: setlinfo('2.50', '12.02'), setldetail: [{ fund_pay_type: '310100', fund_payamt: '2.50', setl_proc_info: '起付线已满' }] };
    const d = compareWithCenter({ money, lines }, { settlement, fees, preSettlement: settlement });
    expect(d.filter((x) => x.lineNo === 2)).toEqual([{ source: '2204', lineNo: 2, itemCode: 'A2', field: 'class', local: { code: 'A' }, center: { code: 'C' }, why: '目录外，全自费' }]);
    expect(d.filter((x) => x.lineNo === 1)).toEqual([]);
    const totals = d.filter((x) => x.lineNo === 0);
    expect(totals.map((x) => `${x.source}:${x.field}:${JSON.stringify(x.local)}>${JSON.stringify(x.center)}`)).toEqual([
      '2207:fund_pay:{"fen":300}>{"fen":250}',
      '2207:personal_total:{"fen":1152}>{"fen":1202}',
      '2207:cash_pay:{"fen":1152}>{"fen":1202}',
    ]);
    expect(totals[0]!.why).toBe('明细不同：第 2 行 A2：目录外，全自费。中心计算：起付线已满');
  });

  it('a line amount the center priced otherwise, with its class and ratio as the reason when it gave no memo', () => {
    const other = { result: [{ ...fees.result[0], preselfpay_amt: '0.68', inscp_scp_amt: '3.84', selfpay_prop: '0.15' }] };
    const d = compareWithCenter({ money, lines }, { settlement: { setlinfo: setlinfo('3.00', '11.52') }, fees: other });
    expect(d.map((x) => `${x.lineNo}:${x.field}:${JSON.stringify(x.local)}>${JSON.stringify(x.center)}`)).toEqual(['1:pre_self_pay:{"fen":23}>{"fen":68}', '1:eligible:{"fen":429}>{"fen":384}']);
    expect(d[0]!.why).toBe('中心按乙类、自付比例 0.1500 计算');
  });

  it('the pre-settlement (2206) is recorded only where it differs from the settlement that followed', () => {
    const settled = { setlinfo: setlinfo('3.00', '11.52') };
    expect(compareWithCenter({ money, lines }, { settlement: settled, preSettlement: settled })).toEqual([]);
    const d = compareWithCenter({ money, lines }, { settlement: settled, preSettlement: { setlinfo: setlinfo('2.80', '11.72') } });
    expect(d.map((x) => `${x.source}:${x.field}`)).toEqual(['2206:fund_pay', '2206:personal_total', '2206:cash_pay']);
    expect(d[0]).toMatchObject({ local: { fen: 300 }, center: { fen: 280 } });
    expect(d[0]!.why).toContain('以结算为准');
  });

  it('an answer without lines (the simple protocol): totals only; an unreadable field is skipped, not a difference', () => {
    const d = compareWithCenter({ money, lines }, { settlement: { setlinfo: { ...setlinfo('3.00', '11.52'), hifp_pay: 'abc' } } });
    expect(d).toEqual([]);
  });
});
