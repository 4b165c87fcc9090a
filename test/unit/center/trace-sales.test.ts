// The sandbox center's national 3505 (sale) / 3506 (return) with drugtracinfo (issue 17), on its
// real SQLite schema (in memory), with requests built by the national wire's builders: a code is
// sold once across 2207 lines and 3505 reports; a 3506 frees it; a 2601 undoes a 3505 or a 3506.
import { describe, expect, it } from 'vitest';
import { openSandboxDb } from '../../../electron/center/sandbox/store';
import { refuseSoldCodes, return3506 as answer3506, reverseTraceMessage, sale3505 as answer3505 } from '../../../electron/center/sandbox/trace-sales';
import type { TxContext } from '../../../electron/center/sandbox/transactions';
import { return3506, sale3505, type TraceSaleLine } from '../../../electron/center/wire/national/trace';

const now = new Date('2026-12-06T06:00:00Z');
const db = openSandboxDb(':memory:', now);
let n = 0;
const ctx = (infno: string): TxContext => ({ db, now, faults: {} as TxContext['faults'], msgid: `H9901000000120261206140000${String(++n).padStart(4, '0')}`, infno });
const line = (codes: string[], quantity = '2'): TraceSaleLine => ({
  medListCodg: 'XJ01CAA040A001010101445', itemCode: 'AMOX', itemName: '阿莫西林胶囊', saleNo: 'S1-1', psnNo: 'P0001', psnName: '张伟', setlId: 'ST1',
  quantity, time: '2026-12-06 14:00:00', operatorName: '李明', prescription: true, codes,
});
const A = '81000000000000000017';
const B = '81000000000000000024';

describe('3505 / 3506 at the sandbox center', () => {
  it('the builder writes selinfo with drugtracinfo, cnt with 4 places and the split-package flag', () => {
    const body = sale3505(line([A, B], '1.5'));
    expect(body.selinfo).toMatchObject({ med_list_codg: 'XJ01CAA040A001010101445', fixmedins_hilist_id: 'AMOX', sel_retn_cnt: '1.5000', trdn_flag: '1', rx_flag: '1' });
    expect(body.selinfo.drugtracinfo).toEqual([{ drug_trac_codg: A }, { drug_trac_codg: B }]);
    expect(return3506(line([A])).selinfo.sel_retn_cnt).toBe('2.0000');
  });

  it('a sale holds its codes; a second sale of one of them is refused with when and the masked name', () => {
    const c1 = ctx('3505');
    expect(answer3505(c1, sale3505(line([A, B]))).infcode).toBe(0);
    const again = answer3505(ctx('3505'), sale3505(line([B])));
    expect(again.infcode).toBe(-1);
    expect(again.output).toMatchObject({ reject_code: 'TRACE_CODE_SOLD', code: B, psn_name: '张*' });
    expect(again.err_msg).toMatch(/追溯码 81000000000000000024 已于 2026-12-06 14:00:00 售出（张\*）/);
    expect(answer3505(ctx('3505'), sale3505(line(['81000000000000000031', '81000000000000000031']))).output).toMatchObject({ reject_code: 'TRACE_CODE_REPEATED' });
    expect(refuseSoldCodes(db, [A])).not.toBeNull();
  });

  it('a return frees the code (it sells again); a code never sold cannot be returned; 2601 undoes a return and a sale', () => {
    const ret = ctx('3506');
    expect(answer3506(ret, return3506(line([A]))).infcode).toBe(0);
    expect(refuseSoldCodes(db, [A])).toBeNull();
    expect(answer3506(ctx('3506'), return3506(line(['81000000000000000048']))).output).toMatchObject({ reject_code: 'TRACE_CODE_NOT_SOLD' });
    // The return reversed: A is held again by the first sale.
    expect(reverseTraceMessage(db, ret.msgid)).toBe(true);
    expect(refuseSoldCodes(db, [A])).not.toBeNull();
    // A new sale of a fresh code, reversed: the code is free.
    const c = ctx('3505');
    expect(answer3505(c, sale3505(line(['81000000000000000055']))).infcode).toBe(0);
    expect(refuseSoldCodes(db, ['81000000000000000055'])).not.toBeNull();
    expect(reverseTraceMessage(db, c.msgid)).toBe(true);
    expect(refuseSoldCodes(db, ['81000000000000000055'])).toBeNull();
  });
});
