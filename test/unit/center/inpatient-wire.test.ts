// Builders and readers of the hospital window's messages (issue 19), both protocols: what a
// builder writes is what the center's schema reads, numbers in the wire's places, and answers
// that are not what the spec says are refused.
import { describe, expect, it } from 'vitest';
import {
  admit2401, admit2401Input, admit2401Output, ALL_UNSETTLED, cancel2305Input, cancelAdmission2404, cancelSettlement2305, change2403, change2403Input, discharge2402,
  discharge2402Input, fees2301, fees2301Input, isInpatientMedType, revokeFees2302, revokeFees2302Input, settle2304, settle2304Input, stayRefInput, undoDischarge2405,
  type StayFacts, type StayFeeLine,
} from '../../../electron/center/wire/national/inpatient';
import { ourAdmit2401, ourSettle2304 } from '../../../electron/center/wire/inpatient';
import { amountsFromWire, type SettlementAmounts } from '../../../electron/center/wire/settlement';

const STAY: StayFacts = {
  psnNo: 'P001', insutype: '310', certType: '02', certNo: '990100199001010011', medType: '21', iptNo: 'ZY0001', admittedAt: '2026-03-10',
  department: { code: 'A03', name: '内科' }, ward: '三病区', bed: '12', doctor: { code: 'D01', name: '医生甲' }, diagnoses: [{ code: 'J18.900', name: '肺炎' }, { code: 'I10' }], hospitalLevel: 3,
};
const REF = { psnNo: 'P001', centerStayId: 'ZY2026031000000001' };
const LINE: StayFeeLine = {
  feedetlSn: 'B1-1', medListCodg: 'XJ01CAA040A001010101445', medinsListCodg: 'H-AMX', unitPrice: '12.5', quantity: '0.25', amount: 313, feeTime: '2026-03-11 10:00:00',
  department: { code: 'A03', name: '内科' }, doctor: { code: 'D01', name: '医生甲' }, ownPay: true,
};

describe('national inpatient messages', () => {
  it('2401 writes mdtrtinfo and diseinfo the center reads: times to the second, the main diagnosis first', () => {
    const b = admit2401(STAY);
    const r = admit2401Input.parse(b);
    expect(r.mdtrtinfo).toMatchObject({ psn_no: 'P001', med_type: '21', ipt_no: 'ZY0001', begntime: '2026-03-10 00:00:00', adm_dept_codg: 'A03', adm_bed: '三病区-12', atddr_no: 'D01', chfpdr_name: '医生甲', dscg_maindiag_code: 'J18.900' });
    expect(r.diseinfo.map((d) => [d.diag_code, d.maindiag_flag, d.diag_name])).toEqual([['J18.900', '1', '肺炎'], ['I10', '0', 'I10']]);
    expect('hosp_lv' in b.mdtrtinfo).toBe(false);
    expect(ourAdmit2401(STAY).mdtrtinfo.hosp_lv).toBe('3');
  });

  it('2403 / 2404 / 2405 / 2402 / 2305 name the stay and the person', () => {
    expect(change2403Input.parse(change2403(REF, STAY)).adminfo).toMatchObject({ mdtrt_id: REF.centerStayId, psn_no: 'P001', ipt_otp_no: 'ZY0001' });
    expect(stayRefInput.parse(cancelAdmission2404(REF)).data).toEqual({ mdtrt_id: REF.centerStayId, psn_no: 'P001' });
    expect(stayRefInput.parse(undoDischarge2405(REF)).data).toEqual({ mdtrt_id: REF.centerStayId, psn_no: 'P001' });
    const d = discharge2402Input.parse(discharge2402(REF, STAY, { dischargedAt: '2026-03-14 10:00:00', diagnoses: [{ code: 'J18.900' }], dischargeWay: '1', department: STAY.department, doctor: STAY.doctor }));
    expect(d.dscginfo).toMatchObject({ endtime: '2026-03-14 10:00:00', dscg_way: '1', dise_codg: 'J18.900', insutype: '310' });
    expect(cancel2305Input.parse(cancelSettlement2305(REF, 'ST1')).data).toEqual({ mdtrt_id: REF.centerStayId, setl_id: 'ST1', psn_no: 'P001' });
  });

  it('2301 writes money in yuan, cnt with 4 places and pric with 6, and refuses a price it cannot carry', () => {
    const f = fees2301Input.parse(fees2301(REF, '21', [LINE])).feedetail[0]!;
    expect(f).toMatchObject({ feedetl_sn: 'B1-1', mdtrt_id: REF.centerStayId, med_type: '21', det_item_fee_sumamt: 313, cnt: '0.2500', pric: '12.500000', bilg_dept_codg: 'A03', bilg_dr_codg: 'D01' });
    expect(JSON.parse(f.exp_content!)).toEqual({ own_pay_flag: '1' });
    expect(() => fees2301(REF, '21', [{ ...LINE, unitPrice: '1.1234567' }])).toThrow(/pric/);
    expect(() => fees2301(REF, '21', [{ ...LINE, quantity: '-1' }])).toThrow(/cnt/);
  });

  it('2302 revokes "0000", one line, or a batch as a list — all read as rows', () => {
    expect(revokeFees2302Input.parse(revokeFees2302(REF, 'all')).rows.map((r) => r.feedetl_sn)).toEqual([ALL_UNSETTLED]);
    expect(revokeFees2302Input.parse(revokeFees2302(REF, ['B1-1'])).rows.map((r) => r.feedetl_sn)).toEqual(['B1-1']);
    expect(revokeFees2302Input.parse(revokeFees2302(REF, ['B1-1', 'B1-2'])).rows.map((r) => r.feedetl_sn)).toEqual(['B1-1', 'B1-2']);
  });

  it('2303 / 2304 carry the total in yuan and the mid-stay flag; ours adds the window figures without overriding the total', () => {
    const facts = { certType: '02', certNo: 'X', insutype: '310', total: 123456, useAccount: false, midStay: true };
    const n = settle2304Input.parse(settle2304(REF, facts)).data;
    expect(n).toMatchObject({ medfee_sumamt: 123456, mid_setl_flag: '1', acct_used_flag: '0', mdtrt_id: REF.centerStayId });
    const local: SettlementAmounts = { total: 999, fullOwnPay: 0, overLimitSelfPay: 0, preSelfPay: 0, eligible: 999, deductible: 0, fundPay: 500, coPay: 499, criticalIllnessPay: 0, personalTotal: 499, accountPay: 0, cashPay: 499 };
    const ours = ourSettle2304(REF, facts, { medinsSetlId: 'S-1', hospitalLevel: 2, local }).data;
    expect(ours).toMatchObject({ medfee_sumamt: '1234.56', medins_setl_id: 'S-1', hosp_lv: '2', hifp_pay: '5.00', pool_prop_selfpay: '4.99' });
    expect(amountsFromWire(ours).fundPay).toBe(500);
    expect('hosp_lv' in ourSettle2304(REF, facts, {}).data).toBe(false);
  });

  it('reads the 2401 answer under result or data, and refuses one without a stay id', () => {
    expect(admit2401Output.parse({ result: { mdtrt_id: 'ZY1', psn_no: 'P001' } }).mdtrt_id).toBe('ZY1');
    expect(admit2401Output.parse({ data: { mdtrt_id: 'ZY2' } }).mdtrt_id).toBe('ZY2');
    expect(admit2401Output.safeParse({ result: { psn_no: 'P001' } }).success).toBe(false);
    expect(admit2401Output.safeParse({ result: { mdtrt_id: '' } }).success).toBe(false);
    expect(admit2401Output.safeParse(null).success).toBe(false);
  });

  it('knows the inpatient med_types', () => {
    expect(['21', '23', '24', '52'].every(isInpatientMedType)).toBe(true);
    expect(isInpatientMedType('11')).toBe(false);
  });
});
