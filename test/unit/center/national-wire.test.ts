import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decimalToScaled, formatPrice, formatQuantity, moneyToFen, ratioFromWire } from '../../../electron/center/wire/national/decimal';
import { isKnown, label } from '../../../electron/center/wire/national/dictionaries';
import { buildNationalRequest, classifyNationalResponse, mayHaveCommitted, readNationalRequest, type NationalContext } from '../../../electron/center/wire/national/envelope';
import {
  accumulatorsFrom5206,
  accumulatorsTo5206,
  accum5206Output,
  amountsOfSetlinfo,
  fee2204Input,
  fee2204InputSchema,
  fee2204Output,
  lineDifferences,
  readDelimited,
  RESULT_FILE_COLUMNS,
  settleOutput,
  setlinfoOfAmounts,
  treatment2001Output,
  treatmentRefusal,
  writeDelimited,
} from '../../../electron/center/wire/national/messages';
import { DEFAULT_VARIANT, parseVariant, recerSysCodeFor, timeoutFor, variantFrom } from '../../../electron/center/wire/national/variant';

const ctx: NationalContext = {
  institutionCode: 'H99010000001',
  institutionName: '示范社区卫生服务中心',
  areaCode: '990100',
  insuplcAdmdvs: '990200',
  insutype: '310',
  signNo: 'SN0001',
  operatorId: 'op1',
  operatorName: '张收费',
  infTime: '2026-12-05 10:00:00',
};
const MSGID = 'H99010000001202612051000000100';
const answer = (o: Record<string, unknown>) => JSON.stringify(o);

describe('national numbers', () => {
  it('reads money from strings and JSON numbers exactly, never rounding', () => {
    expect(moneyToFen('4.52')).toBe(452);
    expect(moneyToFen(4.52)).toBe(452);
    expect(moneyToFen('23442.46')).toBe(2344246);
    expect(moneyToFen('-0.23')).toBe(-23);
    expect(moneyToFen('4.5')).toBe(450);
    expect(moneyToFen('4')).toBe(400);
    expect(moneyToFen('4.5200')).toBe(452);
    for (const bad of ['4.521', 4.521, '1e3', 1e21, 'abc', '', ' 1.00', null, undefined, {}, Number.NaN]) expect(moneyToFen(bad), String(bad)).toBeNull();
  });
  it('round-trips any amount written as a JSON number with two places', () => {
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), (fen) => moneyToFen(JSON.parse(JSON.stringify(Number((fen / 100).toFixed(2))))) === fen));
  });
  it('formats quantities with 4 places and prices with 6, refusing what does not fit', () => {
    expect(formatQuantity('2')).toBe('2.0000');
    expect(formatQuantity('0.5')).toBe('0.5000');
    expect(formatPrice('12.5')).toBe('12.500000');
    expect(formatPrice('0012.345')).toBe('12.345000');
    expect(() => formatQuantity('1.23456')).toThrowError(expect.objectContaining({ code: 'NATIONAL_NUMBER_INVALID' }));
    expect(() => formatQuantity('-1')).toThrowError(expect.objectContaining({ code: 'NATIONAL_NUMBER_INVALID' }));
    expect(() => formatPrice('12345678901.5')).toThrowError(expect.objectContaining({ code: 'NATIONAL_NUMBER_INVALID' }));
    expect(() => formatPrice('1,5')).toThrowError(expect.objectContaining({ code: 'NATIONAL_NUMBER_INVALID' }));
    expect(decimalToScaled('1.2300', 2)).toBe(123);
  });
  it('reads ratios to four places', () => {
    expect(ratioFromWire(0.05)).toBe('0.0500');
    expect(ratioFromWire('1')).toBe('1.0000');
    expect(ratioFromWire('-0.1')).toBeNull();
  });
});

describe('deployment variants', () => {
  it('defaults to the national spec', () => {
    expect(DEFAULT_VARIANT.infver).toBe('V1.0');
    expect(recerSysCodeFor(DEFAULT_VARIANT, '310')).toBe('YBXT');
    expect(timeoutFor(DEFAULT_VARIANT, '2207')).toBe(60_000);
    expect(label(DEFAULT_VARIANT.dictionaries, 'insutype', '390')).toBe('城乡居民基本医疗保险');
    expect(label(DEFAULT_VARIANT.dictionaries, 'insutype', '999')).toBe('999');
  });
  it('takes a province\'s field names, dictionaries, recer_sys_code and timeouts from JSON', () => {
    const v = parseVariant(
      '\uFEFF' +
        JSON.stringify({
          name: '内蒙古',
          recerSysCode: { default: 'YBXT', byInsutype: { '340': 'LXXT' } },
          envelopeNames: { mdtrtarea_admvs: 'mdtrtarea_admdvs' },
          extraEnvelope: { recer_admdvs: '440100' },
          inputNames: { '1101': { mdtrt_cert_no: 'mdtrt_cert_num' } },
          dictionaries: { insutype: { '311': '地方职工' } },
          timeouts: { defaultMs: 30_000, byInfno: { '2207': 90_000 } },
        }),
    );
    expect(recerSysCodeFor(v, '340')).toBe('LXXT');
    expect(recerSysCodeFor(v, '310')).toBe('YBXT');
    expect(timeoutFor(v, '2207')).toBe(90_000);
    expect(timeoutFor(v, '1101')).toBe(30_000);
    expect(isKnown(v.dictionaries, 'insutype', '311')).toBe(true);
    expect(isKnown(v.dictionaries, 'insutype', '310')).toBe(true);
    const req = buildNationalRequest(v, '1101', MSGID, { data: { mdtrt_cert_type: '02', mdtrt_cert_no: '110' } }, { ...ctx, insutype: '340' });
    expect(req.mdtrtarea_admdvs).toBe('990100');
    expect(req).not.toHaveProperty('mdtrtarea_admvs');
    expect(req.recer_admdvs).toBe('440100');
    expect(req.recer_sys_code).toBe('LXXT');
    expect(req.input).toEqual({ data: { mdtrt_cert_type: '02', mdtrt_cert_num: '110' } });
    // The sandbox reads it back in our names.
    const back = readNationalRequest(v, req);
    expect(back.mdtrtarea_admvs).toBe('990100');
    expect(back.input).toEqual({ data: { mdtrt_cert_type: '02', mdtrt_cert_no: '110' } });
  });
  it('refuses unknown keys, bad patterns and bad JSON with a code', () => {
    for (const bad of ['{"recerSysCod":{}}', '{"signInRequired":["("]}', '{"timeouts":{"byInfno":{"22":1000}}}', '{"envelopeNames":{"nope":"x"}}', 'not json']) {
      expect(() => parseVariant(bad), bad).toThrowError(expect.objectContaining({ code: 'NATIONAL_VARIANT_INVALID' }));
    }
    expect(() => variantFrom({ opterType: '9' })).toThrowError(expect.objectContaining({ code: 'NATIONAL_VARIANT_INVALID' }));
  });
});

describe('national envelope', () => {
  it('carries every envelope field of the spec', () => {
    const req = buildNationalRequest(DEFAULT_VARIANT, '2207', MSGID, { data: {} }, ctx);
    expect(req).toMatchObject({
      infno: '2207',
      msgid: MSGID,
      mdtrtarea_admvs: '990100',
      insuplc_admdvs: '990200',
      recer_sys_code: 'YBXT',
      infver: 'V1.0',
      opter_type: '1',
      opter: 'op1',
      opter_name: '张收费',
      inf_time: '2026-12-05 10:00:00',
      fixmedins_code: 'H99010000001',
      fixmedins_name: '示范社区卫生服务中心',
      sign_no: 'SN0001',
      input: { data: {} },
    });
  });

  const classify = (o: unknown, infno = '2207') => classifyNationalResponse(DEFAULT_VARIANT, infno, MSGID, typeof o === 'string' ? o : answer(o as Record<string, unknown>));

  it('success only with infcode 0 and no err_msg (string "0" too); warn_msg kept', () => {
    expect(classify({ infcode: 0, inf_refmsgid: 'R1', err_msg: null, output: { a: 1 } })).toEqual({ kind: 'success', msgid: MSGID, refmsgid: 'R1', output: { a: 1 } });
    expect(classify({ infcode: '0', err_msg: '', output: null }).kind).toBe('success');
    expect(classify({ infcode: 0, warn_msg: '目录即将失效', output: {} })).toMatchObject({ kind: 'success', warning: '目录即将失效' });
  });
  it('infcode 0 with an err_msg is not success: unknown, so a committing step is reversed by its msgid', () => {
    const o = classify({ infcode: 0, err_msg: '结算失败：基金支付异常', output: { setlinfo: {} } });
    expect(o.kind).toBe('unknown');
    expect(o.kind === 'unknown' && o.reason).toContain('基金支付异常');
    expect(mayHaveCommitted(o)).toBe(true);
  });
  it('the gateway layer: a code other than ok is a rejection that may have reached the business system', () => {
    const o = classify({ code: 999, msg: '签名验证失败' });
    expect(o).toMatchObject({ kind: 'rejected', code: 'GATEWAY_REJECTED' });
    expect(o.kind === 'rejected' && o.message).toContain('签名验证失败');
    expect(mayHaveCommitted(o)).toBe(true);
    expect(classify({ code: 0, infcode: 0, output: {} }).kind).toBe('success');
    expect(classify({ code: '200', infcode: -1, err_msg: 'x' }).kind).toBe('rejected');
  });
  it('business rejections, sign-in refusals and busy', () => {
    const r = classify({ infcode: -1, err_msg: '该参保人暂停参保' });
    expect(r).toMatchObject({ kind: 'rejected', code: 'CENTER_REJECTED', message: '该参保人暂停参保' });
    expect(mayHaveCommitted(r)).toBe(false);
    expect(classify({ infcode: -1, err_msg: '签到编码为空，请先去签到' })).toMatchObject({ kind: 'rejected', code: 'SIGN_IN_REQUIRED' });
    expect(classify({ infcode: -1, err_msg: '签到信息已过期' })).toMatchObject({ code: 'SIGN_IN_REQUIRED' });
    expect(classify({ infcode: 1, err_msg: '' })).toMatchObject({ kind: 'rejected', message: expect.stringContaining('infcode 1') });
    expect(classify({ infcode: -9, err_msg: '' })).toMatchObject({ kind: 'busy' });
  });
  it('anything else is unknown, never a guess', () => {
    for (const body of ['<html>502</html>', '[]', 'null', answer({ output: {} }), answer({ infcode: 'zero' }), answer({ infcode: 0, err_msg: 5 }), answer({ infcode: 0, inf_refmsgid: 7 })]) {
      expect(classify(body).kind, body).toBe('unknown');
    }
  });
  it('reads a province\'s response and output names', () => {
    const v = variantFrom({ responseNames: { err_msg: 'errMsg' }, outputNames: { '9001': { signInOutb: 'signinoutb' } } });
    expect(classifyNationalResponse(v, '9001', MSGID, answer({ infcode: 0, errMsg: '签到过期' })).kind).toBe('unknown');
    expect(classifyNationalResponse(v, '9001', MSGID, answer({ infcode: 0, output: { signInOutb: { sign_no: 'S' } } }))).toMatchObject({ output: { signinoutb: { sign_no: 'S' } } });
  });
});

describe('national messages', () => {
  it('2204 lines: formats price and quantity and validates as the sandbox reads them', () => {
    const input = fee2204Input('MD1', 'P1', 'B1', 'J06.900', '2026-12-05 10:00:00', [
      { feedetlSn: '1', medListCodg: 'XJ01', medinsListCodg: 'C001', unitPrice: '12.5', quantity: '2', amount: 2500 },
      { feedetlSn: '2', medListCodg: 'F001', medinsListCodg: 'C002', unitPrice: '10', quantity: '1', amount: 1000, ownPay: true },
    ]);
    expect(input.feedetail[0]).toMatchObject({ pric: '12.500000', cnt: '2.0000', det_item_fee_sumamt: '25.00', medins_list_codg: 'C001', med_list_codg: 'XJ01' });
    const parsed = fee2204InputSchema.parse(input);
    expect(parsed.feedetail[1]!.det_item_fee_sumamt).toBe(1000);
  });
  it('2204 answers: each differing line and field, with the center\'s reason', () => {
    const res = fee2204Output.parse({
      result: [
        { feedetl_sn: '1', det_item_fee_sumamt: 4.52, cnt: '1.0000', pric: '4.520000', selfpay_prop: '0.05', fulamt_ownpay_amt: '0.00', overlmt_amt: 0, preselfpay_amt: '0.23', inscp_scp_amt: '4.29', chrgitm_lv: '02' },
        { feedetl_sn: '2', det_item_fee_sumamt: '10.00', cnt: '1', pric: '10', selfpay_prop: 1, fulamt_ownpay_amt: '10.00', overlmt_amt: '0', preselfpay_amt: '0', inscp_scp_amt: '0', chrgitm_lv: '03', memo: '丙类，全自费' },
      ],
    }).result;
    const diffs = lineDifferences(
      [
        { feedetlSn: '1', code: 'XJ01', amount: 452, fullOwnPay: 0, overLimitSelfPay: 0, preSelfPay: 23, eligible: 429 },
        { feedetlSn: '2', code: 'F001', amount: 1000, fullOwnPay: 0, overLimitSelfPay: 0, preSelfPay: 0, eligible: 1000 },
      ],
      res,
    );
    expect(diffs).toEqual([
      { feedetlSn: '2', code: 'F001', field: 'fullOwnPay', local: 0, center: 1000, why: '丙类，全自费' },
      { feedetlSn: '2', code: 'F001', field: 'eligible', local: 1000, center: 0, why: '丙类，全自费' },
    ]);
  });
  it('setlinfo: amounts in fen from strings or numbers; fund_pay_sumamt written', () => {
    const a = { total: 452, fullOwnPay: 0, overLimitSelfPay: 0, preSelfPay: 23, eligible: 429, deductible: 429, fundPay: 0, criticalIllnessPay: 0, personalTotal: 452, accountPay: 452, cashPay: 0 };
    const wire = setlinfoOfAmounts(a);
    expect(wire).toMatchObject({ medfee_sumamt: '4.52', act_pay_dedc: '4.29', fund_pay_sumamt: '0.00' });
    const parsed = settleOutput.parse({ setlinfo: { ...wire, medfee_sumamt: 4.52, setl_id: 'S1' } });
    expect(amountsOfSetlinfo(parsed.setlinfo)).toEqual(a);
    expect(settleOutput.safeParse({ setlinfo: { ...wire, acct_pay: '4.521' } }).success).toBe(false);
  });
  it('5206 accumulators round-trip; 2001 refusals', () => {
    const acc = { 'emp-outpatient': { eligible: 120000, fundPaid: 500 }, criticalBurden: 7 };
    const rows = accum5206Output.parse({ cuminfo: accumulatorsTo5206(acc, '2026') }).cuminfo;
    expect(accumulatorsFrom5206(rows)).toEqual(acc);
    expect(accumulatorsFrom5206([{ cum_type_code: 'Q0000', cum: 300 }], { Q0000: 'emp-outpatient.eligible' })).toEqual({ 'emp-outpatient': { eligible: 300, fundPaid: 0 } });
    expect(treatmentRefusal(treatment2001Output.parse({ trtinfo: [{ fund_pay_type: '310100', trt_enjymnt_flag: '1' }] }))).toBeNull();
    expect(treatmentRefusal(treatment2001Output.parse({ trtinfo: [{ fund_pay_type: '310100', trt_enjymnt_flag: '0', trt_chk_rslt: '暂停享受待遇' }] }))).toBe('暂停享受待遇');
  });
  it('the 3202 file flow: tab-separated rows survive a round trip', () => {
    const rows = [{ psn_no: 'P1', mdtrt_id: 'M1', setl_id: 'S1', msgid: MSGID, stmt_rslt: '0', refd_setl_flag: '0', memo: 'a\tb', medfee_sumamt: '1.00', fund_pay_sumamt: '0.50', acct_pay: '0.00' }];
    expect(readDelimited(RESULT_FILE_COLUMNS, writeDelimited(RESULT_FILE_COLUMNS, rows))).toEqual([{ ...rows[0], memo: 'a b', setl_time: '', medins_setl_id: '' }]);
  });
});
