// The sandbox center speaks the national chain (issue 16): real HTTP on 127.0.0.1, requests
// built and answers classified by the national wire layer (electron/center/wire/national), a
// fault at every step, and each failure compensated until nothing is left at the center.
import { createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../electron/app/clock';
import { computeSplit } from '../../../electron/policy/split';
import { startSandboxCenter, type SandboxCenter } from '../../../electron/center/sandbox/server';
import { DEMO_PERSONS } from '../../../electron/center/sandbox/demo-persons';
import { buildNationalRequest, classifyNationalResponse, type NationalOutcome } from '../../../electron/center/wire/national/envelope';
import { fee2204Input, settleOutput, amountsOfSetlinfo, fee2204Output, lineDifferences, signIn9001Input } from '../../../electron/center/wire/national/messages';
import { DEFAULT_VARIANT, variantFrom, type NationalVariant } from '../../../electron/center/wire/national/variant';
import { lineAmountFen } from '../../../electron/api/money';
import { tempDir } from '../../helpers/temp-app';
import { rowCount } from '../../helpers/db-rows';
import { value } from '../../../electron/db/sql';
import { z } from 'zod';
import { CODES, INSTITUTION, SECRET } from './helpers';

const ZHANG = DEMO_PERSONS[0]!; // employee, active, account 2,345.67
const SUSPENDED = DEMO_PERSONS[4]!;

interface Caller {
  center: SandboxCenter;
  variant: NationalVariant;
  signNo: string;
  /** One exchange; `msgid` reuses an earlier message id (a retry). */
  call(infno: string, input: unknown, msgid?: string): Promise<NationalOutcome & { sent: string }>;
}

let dir: string;
let center: SandboxCenter;
const clock = new ManualClock(new Date('2026-03-15T09:00:00+08:00'));

/** Message ids are unique across every caller of a test file (the center keys answers by them). */
let msgSeq = 0;

async function caller(c: SandboxCenter, variant: NationalVariant = DEFAULT_VARIANT): Promise<Caller> {
  const self: Caller = {
    center: c,
    variant,
    signNo: '',
    async call(infno, input, msgid) {
      const id = msgid ?? `${INSTITUTION}20260315090000${String(++msgSeq % 10000).padStart(4, '0')}`;
      const body = JSON.stringify(
        buildNationalRequest(variant, infno, id, input, {
          institutionCode: INSTITUTION, institutionName: '示范社区卫生服务中心', areaCode: '990100', signNo: self.signNo, operatorId: '1001', operatorName: '收费员甲', infTime: '2026-03-15 09:00:00',
        }),
      );
      const sig = createHmac('sha256', SECRET).update(body).digest('hex');
      try {
        const res = await fetch(`${c.url}${variant.path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', [variant.signatureHeader]: sig } });
        return { ...classifyNationalResponse(variant, infno, id, await res.text()), sent: id };
      } catch (e) {
        return { kind: 'unknown', msgid: id, reason: `no answer: ${(e as Error).message}`, sent: id };
      }
    },
  };
  const s = await self.call('9001', { signIn: { opter_no: '1001', mac: '00-00-00-00-00-01', ip: '127.0.0.1' } });
  expect(s.kind).toBe('success');
  expect(signIn9001Input.safeParse({ signIn: { opter_no: '1001', ip: '127.0.0.1' } }).success).toBe(true);
  self.signNo = ((s as { output: { signinoutb: { sign_no: string } } }).output).signinoutb.sign_no;
  return self;
}

const LINES = [
  { feedetlSn: '1', medListCodg: CODES.amoxicillin, medinsListCodg: 'H-AMX-01', unitPrice: '12.5', quantity: '2' },
  { feedetlSn: '2', medListCodg: CODES.cefuroxime, medinsListCodg: 'H-CEF-02', unitPrice: '36.8', quantity: '1' },
].map((l) => ({ ...l, amount: lineAmountFen(l.unitPrice, l.quantity)! }));
const TOTAL = LINES.reduce((s, l) => s + l.amount, 0);

/** 2201 → 2203 → 2204 for ZHANG; returns the visit id. */
async function openVisit(c: Caller, lines = LINES, psn = ZHANG): Promise<{ mdtrtId: string; registerMsgid: string; feeMsgid: string }> {
  const reg = await c.call('2201', { data: { psn_no: psn.psn_no, insutype: psn.insutype, begntime: '2026-03-15 09:00:00', mdtrt_cert_type: '02', mdtrt_cert_no: psn.certno, ipt_otp_no: 'OP0001', atddr_no: 'D01', dr_name: '医生甲', dept_code: 'A03', dept_name: '内科', caty: 'A03' } });
  expect(reg.kind, JSON.stringify(reg)).toBe('success');
  const mdtrtId = (reg as { output: { data: { mdtrt_id: string } } }).output.data.mdtrt_id;
  const visit = await c.call('2203', { mdtrtinfo: { mdtrt_id: mdtrtId, psn_no: psn.psn_no, med_type: '11', begntime: '2026-03-15 09:00:00', dise_codg: 'J06.900' }, diseinfo: [{ diag_type: '1', diag_srt_no: 1, diag_code: 'J06.900', diag_name: '急性上呼吸道感染', diag_dept: '内科', dise_dor_no: 'D01', dise_dor_name: '医生甲', diag_time: '2026-03-15 09:05:00', vali_flag: '1' }] });
  expect(visit.kind, JSON.stringify(visit)).toBe('success');
  const fees = await c.call('2204', fee2204Input(mdtrtId, psn.psn_no, 'B001', 'J06.900', '2026-03-15 09:10:00', lines));
  return { mdtrtId, registerMsgid: reg.sent, feeMsgid: fees.sent };
}

const settleInput = (mdtrtId: string, total = TOTAL, psn = ZHANG) => ({
  data: { psn_no: psn.psn_no, mdtrt_cert_type: '02', mdtrt_cert_no: psn.certno, med_type: '11', medfee_sumamt: (total / 100).toFixed(2), psn_setlway: '01', mdtrt_id: mdtrtId, chrg_bchno: 'B001', acct_used_flag: '1', insutype: psn.insutype },
});

/** What the center holds open for a visit: its state, open fee lines, live settlements. */
function leftAtCenter(mdtrtId: string): { visit: string; openFees: number; liveSettlements: number } {
  return {
    visit: value(center.db, 'SELECT state FROM nat_visits WHERE mdtrt_id = :mdtrtId', { mdtrtId }, z.string())!,
    openFees: rowCount(center.db, 'nat_fees', "mdtrt_id = :mdtrtId AND state = 'open'", { mdtrtId }),
    liveSettlements: value(
      center.db,
      "SELECT count(*) FROM settlements s JOIN nat_settlements n ON n.setl_id = s.setl_id WHERE n.mdtrt_id = :mdtrtId AND s.kind = 'settle' AND s.state = 'active' AND s.cancelled_by IS NULL",
      { mdtrtId },
      z.number().int(),
    )!,
  };
}

/** The demo year of ZHANG as it started: full balance, every running total zero (a reversal leaves zeros, not absence). */
function untouched(y: { balance: number; accumulators: Record<string, unknown> }): boolean {
  const zero = (v: unknown): boolean => (typeof v === 'number' ? v === 0 : Object.values(v as Record<string, number>).every((x) => x === 0));
  return y.balance === 234567 && Object.values(y.accumulators).every(zero);
}

beforeEach(async () => {
  dir = tempDir('national-sandbox-');
  center = await startSandboxCenter({ dataDir: join(dir, 'sandbox'), institutionCode: INSTITUTION, secret: SECRET, clock, controlPort: null });
});
afterEach(async () => {
  await center.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sandbox center, national protocol', () => {
  it('settles the whole chain with the figures its own engine computes, and 2206 previews 2207 exactly', async () => {
    const c = await caller(center);
    const person = await c.call('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: ZHANG.certno, psn_cert_type: '01' } });
    expect(person.kind).toBe('success');
    expect((person as { output: { baseinfo: { psn_no: string } } }).output.baseinfo.psn_no).toBe(ZHANG.psn_no);
    const trt = await c.call('2001', { data: { psn_no: ZHANG.psn_no, insutype: '310', med_type: '11', begntime: '2026-03-15 09:00:00' } });
    expect((trt as { output: { trtinfo: Array<{ trt_enjymnt_flag: string }> } }).output.trtinfo[0]!.trt_enjymnt_flag).toBe('1');
    const acc = await c.call('5206', { data: { psn_no: ZHANG.psn_no, cum_ym: '202603' } });
    expect(acc.kind).toBe('success');

    const { mdtrtId } = await openVisit(c);
    const pre = await c.call('2206', settleInput(mdtrtId));
    const fin = await c.call('2207', settleInput(mdtrtId));
    expect(pre.kind, JSON.stringify(pre)).toBe('success');
    expect(fin.kind, JSON.stringify(fin)).toBe('success');
    const preA = amountsOfSetlinfo(settleOutput.parse((pre as { output: unknown }).output).setlinfo);
    const finOut = settleOutput.parse((fin as { output: unknown }).output);
    expect(amountsOfSetlinfo(finOut.setlinfo)).toEqual(preA);

    // The same engine, the same table and year, computed here: agreement to the fen.
    const local = computeSplit(center.currentPolicy(), { insuranceType: 'employee', personGroup: 'active', status: 'active', accountBalance: 234567, accumulators: {} }, { visitType: 'outpatient', hospitalLevel: 1, date: '2026-03-15', diagnoses: ['J06.900'], useAccount: true }, LINES.map((l) => ({ code: l.medListCodg, unitPrice: l.unitPrice, quantity: l.quantity })));
    if (!local.ok) throw new Error(local.error.message);
    const a = amountsOfSetlinfo(finOut.setlinfo);
    expect(a).toMatchObject({ total: TOTAL, fundPay: local.result.fundPay, accountPay: local.result.accountPay, cashPay: local.result.cashPay, eligible: local.result.eligible, preSelfPay: local.result.preSelfPay });
    // The platform's identities (NATIONAL-PLATFORM.md 2207).
    expect(a.total).toBe(a.fullOwnPay + a.overLimitSelfPay + a.preSelfPay + a.eligible);
    expect(finOut.setlinfo.fund_pay_sumamt + a.personalTotal + (finOut.setlinfo.hosp_part_amt ?? 0)).toBe(a.total);
    expect(a.personalTotal).toBe(a.accountPay + a.cashPay);
    expect(finOut.setlinfo.balc).toBe(234567 - a.accountPay);
    expect(finOut.setlinfo.medins_setl_id).toBe(fin.sent);
    expect(center.personYear(ZHANG.psn_no)!.balance).toBe(234567 - a.accountPay);

    // 3201 for the institution, per insutype × clr_type × setl_optins.
    const stmt = (over: Record<string, unknown>) => c.call('3201', { data: { insutype: '310', clr_type: '11', setl_optins: '990100', stmt_begndate: '2026-03-15', stmt_enddate: '2026-03-15', medfee_sumamt: (TOTAL / 100).toFixed(2), fund_pay_sumamt: (finOut.setlinfo.fund_pay_sumamt / 100).toFixed(2), acct_pay: (a.accountPay / 100).toFixed(2), fixmedins_setl_cnt: 1, ...over } });
    expect(((await stmt({})) as { output: { stmtinfo: { stmt_rslt: string } } }).output.stmtinfo.stmt_rslt).toBe('0');
    expect(((await stmt({ fixmedins_setl_cnt: 2 })) as { output: { stmtinfo: { stmt_rslt: string } } }).output.stmtinfo.stmt_rslt).toBe('1');
    expect(((await stmt({ insutype: '390', medfee_sumamt: '0.00', fund_pay_sumamt: '0.00', acct_pay: '0.00', fixmedins_setl_cnt: 0 })) as { output: { stmtinfo: { stmt_rslt: string } } }).output.stmtinfo.stmt_rslt).toBe('0');
  });

  it("answers each 2204 line's class and split, and the client's line differences name the field and why", async () => {
    const c = await caller(center);
    const reg = await openVisit(c, LINES.slice(0, 1));
    expect(reg.mdtrtId).toMatch(/^MD/);
    const more = await c.call('2204', fee2204Input(reg.mdtrtId, ZHANG.psn_no, 'B001', 'J06.900', '2026-03-15 09:10:00', [{ ...LINES[1]!, feedetlSn: '9' }]));
    expect(more.kind).toBe('success');
    const result = fee2204Output.parse((more as { output: unknown }).output).result;
    expect(result[0]).toMatchObject({ feedetl_sn: '9', chrgitm_lv: '02', det_item_fee_sumamt: LINES[1]!.amount });
    expect(result[0]!.preselfpay_amt + result[0]!.inscp_scp_amt + result[0]!.fulamt_ownpay_amt + result[0]!.overlmt_amt).toBe(LINES[1]!.amount);
    // A local split that treated the line as class A differs in preSelfPay and eligible: both named.
    const diffs = lineDifferences([{ feedetlSn: '9', code: LINES[1]!.medListCodg, amount: LINES[1]!.amount, fullOwnPay: 0, overLimitSelfPay: 0, preSelfPay: 0, eligible: LINES[1]!.amount }], result);
    expect(diffs.map((d) => d.field).sort()).toEqual(['eligible', 'preSelfPay']);
    // A second upload of the same line number is refused, and so is an amount that is not price × quantity.
    expect((await c.call('2204', fee2204Input(reg.mdtrtId, ZHANG.psn_no, 'B001', '', '2026-03-15 09:10:00', [{ ...LINES[1]!, feedetlSn: '9' }]))).kind).toBe('rejected');
    expect((await c.call('2204', fee2204Input(reg.mdtrtId, ZHANG.psn_no, 'B001', '', '2026-03-15 09:10:00', [{ ...LINES[1]!, feedetlSn: '10', amount: 1 }]))).kind).toBe('rejected');
  });

  it('refuses every transaction but 9001 without a live sign-in, in the words the envelope reads as SIGN_IN_REQUIRED', async () => {
    const c = await caller(center);
    const signNo = c.signNo;
    c.signNo = '';
    const none = await c.call('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: ZHANG.certno } });
    expect(none).toMatchObject({ kind: 'rejected', code: 'SIGN_IN_REQUIRED' });
    c.signNo = signNo;
    // The same msgid with a sign_no is processed: the refusal was not stored as the message's answer.
    expect((await c.call('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: ZHANG.certno } }, none.sent)).kind).toBe('success');
    await center.setFaults({ signInExpired: { count: 1 } });
    expect(await c.call('5206', { data: { psn_no: ZHANG.psn_no, cum_ym: '202603' } })).toMatchObject({ kind: 'rejected', code: 'SIGN_IN_REQUIRED' });
    // Expired means expired: the old sign_no stays refused until 9001 again.
    expect(await c.call('5206', { data: { psn_no: ZHANG.psn_no, cum_ym: '202603' } })).toMatchObject({ kind: 'rejected', code: 'SIGN_IN_REQUIRED' });
    const again = await caller(center);
    expect((await again.call('5206', { data: { psn_no: ZHANG.psn_no, cum_ym: '202603' } })).kind).toBe('success');
    expect((await again.call('9002', { signOut: { sign_no: again.signNo, opter_no: '1001' } })).kind).toBe('success');
    expect(await again.call('5206', { data: { psn_no: ZHANG.psn_no, cum_ym: '202603' } })).toMatchObject({ kind: 'rejected', code: 'SIGN_IN_REQUIRED' });
  });

  it('undoes a chain in reverse after a settled visit (2208 → 2205 "0000" → 2202) and leaves nothing at the center', async () => {
    const c = await caller(center);
    const { mdtrtId } = await openVisit(c);
    const fin = await c.call('2207', settleInput(mdtrtId));
    const setlId = settleOutput.parse((fin as { output: unknown }).output).setlinfo.setl_id!;
    // 2205 and 2202 are refused while the settlement stands: the order matters.
    expect((await c.call('2205', { data: { mdtrt_id: mdtrtId, chrg_bchno: '0000', psn_no: ZHANG.psn_no } })).kind).toBe('rejected');
    expect((await c.call('2202', { data: { psn_no: ZHANG.psn_no, mdtrt_id: mdtrtId, ipt_otp_no: 'OP0001' } })).kind).toBe('rejected');
    const cancel = await c.call('2208', { data: { setl_id: setlId, mdtrt_id: mdtrtId, psn_no: ZHANG.psn_no } });
    expect(cancel.kind, JSON.stringify(cancel)).toBe('success');
    expect(settleOutput.parse((cancel as { output: unknown }).output).setlinfo.medfee_sumamt).toBe(-TOTAL);
    expect((await c.call('2205', { data: { mdtrt_id: mdtrtId, chrg_bchno: '0000', psn_no: ZHANG.psn_no } })).kind).toBe('success');
    expect((await c.call('2202', { data: { psn_no: ZHANG.psn_no, mdtrt_id: mdtrtId, ipt_otp_no: 'OP0001' } })).kind).toBe('success');
    expect(leftAtCenter(mdtrtId)).toEqual({ visit: 'cancelled', openFees: 0, liveSettlements: 0 });
    expect(center.personYear(ZHANG.psn_no)!.balance).toBe(234567);
  });

  it('a fault at every step is compensated: nothing left at the center, the year as before', async () => {
    // Each case: which step fails and how; the compensation walks back what the center holds.
    const cases: Array<{ step: string; fault: Parameters<SandboxCenter['setFaults']>[0] }> = [
      { step: '2201', fault: { dropAfterCommit: { count: 1, infno: '2201' } } },
      { step: '2201', fault: { errWithSuccess: { count: 1, infno: '2201' } } },
      { step: '2203', fault: { busy: { count: 1, infno: '2203' } } },
      { step: '2204', fault: { rejectItems: { [CODES.cefuroxime]: '超限用药' } } },
      { step: '2204', fault: { dropAfterCommit: { count: 1, infno: '2204' } } },
      { step: '2206', fault: { gatewayError: { count: 1, infno: '2206' } } },
      { step: '2207', fault: { dropAfterCommit: { count: 1, infno: '2207' } } },
      { step: '2207', fault: { errWithSuccess: { count: 1, infno: '2207' } } },
      { step: '2207', fault: { busy: { count: 1, infno: '2207' } } },
      { step: '2207', fault: { signInExpired: { count: 1, infno: '2207' } } },
      { step: '2201', fault: { rejectPersons: { [ZHANG.psn_no]: '待遇审核中' } } },
    ];
    const c = await caller(center);
    for (const k of cases) {
      await center.clearFaults();
      await center.setFaults(k.fault);
      const steps: Array<{ infno: string; outcome: NationalOutcome & { sent: string } }> = [];
      let mdtrtId = '';
      const run = async (infno: string, input: unknown) => {
        const o = await c.call(infno, input);
        steps.push({ infno, outcome: o });
        return o;
      };
      chain: {
        const reg = await run('2201', { data: { psn_no: ZHANG.psn_no, insutype: '310', begntime: '2026-03-15 09:00:00', mdtrt_cert_type: '02', mdtrt_cert_no: ZHANG.certno, ipt_otp_no: `OP-${k.step}`, atddr_no: 'D01', dr_name: '医生甲', dept_code: 'A03', dept_name: '内科', caty: 'A03' } });
        if (reg.kind !== 'success') break chain;
        mdtrtId = (reg as { output: { data: { mdtrt_id: string } } }).output.data.mdtrt_id;
        if ((await run('2203', { mdtrtinfo: { mdtrt_id: mdtrtId, psn_no: ZHANG.psn_no, med_type: '11', begntime: '2026-03-15 09:00:00' }, diseinfo: [] })).kind !== 'success') break chain;
        if ((await run('2204', fee2204Input(mdtrtId, ZHANG.psn_no, 'B001', '', '2026-03-15 09:10:00', LINES))).kind !== 'success') break chain;
        if ((await run('2206', settleInput(mdtrtId))).kind !== 'success') break chain;
        await run('2207', settleInput(mdtrtId));
      }
      const last = steps[steps.length - 1]!;
      expect(last.infno, `${k.step}: the fault fired where it was set`).toBe(k.step);
      expect(last.outcome.kind, `${k.step}`).not.toBe('success');
      await center.clearFaults();
      // An expired sign-in is renewed (9001) before anything else, as the adapter does.
      if (last.outcome.kind === 'rejected' && last.outcome.code === 'SIGN_IN_REQUIRED') c.signNo = (await caller(center)).signNo;

      // Compensation, as the adapter will do it: an unknown outcome is reversed by 2601 naming
      // its msgid; then what is known to stand is undone in reverse.
      for (const s of [...steps].reverse()) {
        if (s.outcome.kind === 'unknown') {
          const r = await c.call('2601', { data: { psn_no: ZHANG.psn_no, omsgid: s.outcome.sent, oinfno: s.infno } });
          expect(r.kind, `${k.step}: 2601 of ${s.infno}`).toBe('success');
        } else if (s.outcome.kind === 'success' && s.infno === '2204') {
          expect((await c.call('2205', { data: { mdtrt_id: mdtrtId, chrg_bchno: '0000', psn_no: ZHANG.psn_no } })).kind).toBe('success');
        } else if (s.outcome.kind === 'success' && s.infno === '2201') {
          expect((await c.call('2202', { data: { psn_no: ZHANG.psn_no, mdtrt_id: mdtrtId, ipt_otp_no: `OP-${k.step}` } })).kind, `${k.step}: 2202`).toBe('success');
        }
      }
      if (mdtrtId) expect(leftAtCenter(mdtrtId), k.step).toEqual({ visit: 'cancelled', openFees: 0, liveSettlements: 0 });
      expect(rowCount(center.db, 'nat_visits', "state = 'open'"), `${k.step}: no visit left open`).toBe(0);
      expect(untouched(center.personYear(ZHANG.psn_no)!), k.step).toBe(true);
    }
  });

  it('a reversed message is never processed again, even when its answer arrives late as a retry', async () => {
    const c = await caller(center);
    const { mdtrtId } = await openVisit(c);
    await center.setFaults({ dropAfterCommit: { count: 1, infno: '2207' } });
    const lost = await c.call('2207', settleInput(mdtrtId));
    expect(lost.kind).toBe('unknown');
    expect(center.personYear(ZHANG.psn_no)!.balance).toBeLessThan(234567); // the center did commit
    expect((await c.call('2601', { data: { psn_no: ZHANG.psn_no, omsgid: lost.sent, oinfno: '2207' } })).kind).toBe('success');
    expect(center.personYear(ZHANG.psn_no)!.balance).toBe(234567);
    expect(await c.call('2207', settleInput(mdtrtId), lost.sent)).toMatchObject({ kind: 'rejected' });
    // The lines are free again: a new 2207 settles them once.
    const again = await c.call('2207', settleInput(mdtrtId));
    expect(again.kind).toBe('success');
    expect(leftAtCenter(mdtrtId).liveSettlements).toBe(1);
    // …and a replay of that one returns the stored answer, never a second settlement.
    const replay = await c.call('2207', settleInput(mdtrtId), again.sent);
    expect((replay as { output: unknown }).output).toEqual((again as { output: unknown }).output);
    expect(leftAtCenter(mdtrtId).liveSettlements).toBe(1);
  });

  it('the treatment check (2001) says a suspended person is not entitled, with the reason', async () => {
    const c = await caller(center);
    const trt = await c.call('2001', { data: { psn_no: SUSPENDED.psn_no, insutype: '310', med_type: '11', begntime: '2026-03-15 09:00:00' } });
    expect((trt as { output: { trtinfo: Array<{ trt_enjymnt_flag: string; trt_chk_rslt: string }> } }).output.trtinfo[0]).toMatchObject({ trt_enjymnt_flag: '0', trt_chk_rslt: expect.stringContaining('暂停') });
  });

  it("speaks a province's variant: renamed envelope, input and output fields, its own path and gateway codes", async () => {
    await center.close();
    const variant = variantFrom({
      name: 'test-province',
      path: '/isp/api/v2/tx',
      envelopeNames: { mdtrtarea_admvs: 'mdtrtarea_admdvs', sign_no: 'signno' },
      responseNames: { err_msg: 'errmsg' },
      inputNames: { '2201': { ipt_otp_no: 'ipt_otp_sn' } },
      outputNames: { '2201': { mdtrt_no: 'mdtrt_id' } },
      signatureHeader: 'x-isp-sign',
    });
    center = await startSandboxCenter({ dataDir: join(dir, 'sandbox2'), institutionCode: INSTITUTION, secret: SECRET, clock, controlPort: null, nationalVariant: variant });
    const c = await caller(center, variant);
    const { mdtrtId } = await openVisit(c);
    expect(mdtrtId).toMatch(/^MD/); // read back through the province's output name
    expect(value(center.db, 'SELECT ipt_otp_no FROM nat_visits WHERE mdtrt_id = :mdtrtId', { mdtrtId }, z.string())).toBe('OP0001'); // the province's input name read as ours
    const fin = await c.call('2207', settleInput(mdtrtId));
    expect(fin.kind).toBe('success');
    // Under the province's sign_no name, an empty one is refused in its words.
    c.signNo = '';
    expect(await c.call('5206', { data: { psn_no: ZHANG.psn_no, cum_ym: '202603' } })).toMatchObject({ kind: 'rejected', code: 'SIGN_IN_REQUIRED' });
    // The simple protocol's path is still there beside it.
    expect((await fetch(`${center.url}/isp/api/v2/other`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
