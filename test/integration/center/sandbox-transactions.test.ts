// The sandbox center's transactions over real HTTP on loopback, through the real client.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lookupPerson } from '../../../electron/center/person-lookup';
import { DEMO_PERSONS } from '../../../electron/center/sandbox/demo-persons';
import { startSandboxCenter } from '../../../electron/center/sandbox/server';
import type { PersonView } from '../../../electron/api/contract/center';
import { CODES, INSTITUTION, SECRET, localSettlement, startRig, type Rig } from './helpers';
import { join } from 'node:path';

let rig: Rig;
beforeEach(async () => {
  rig = await startRig();
});
afterEach(async () => {
  await rig.close();
});

/** A year record with absent critical-illness counters written as 0, for comparisons. */
function yearShape(y: { balance: number; accumulators: Record<string, unknown> }) {
  return { ...y, accumulators: { criticalBurden: 0, criticalPaid: 0, ...y.accumulators } };
}
const yearOf = (psnNo: string) => yearShape(rig.center.personYear(psnNo)!);

const byName = (name: string) => DEMO_PERSONS.find((p) => p.psn_name === name)!;

async function look(certType: '01' | '02' | '03', certNo: string, cardSn?: string): Promise<PersonView> {
  return lookupPerson({ db: rig.db, clock: rig.clock, isOnline: () => true, send: (i, x, o) => rig.client.send(i, x, o) }, { certType, certNo, ...(cardSn ? { cardSn } : {}) });
}

const visit = { visitType: 'outpatient' as const, hospitalLevel: 1, date: '2026-03-15' };
const bill = [
  { code: CODES.consult, unitPrice: '10.00', quantity: '1' },
  { code: CODES.cefuroxime, unitPrice: '35.50', quantity: '2' },
  { code: CODES.vitaminC, unitPrice: '18.00', quantity: '1' },
];

describe('sign-in and person info', () => {
  it('9001 issues a sign number; 9002 signs it out', async () => {
    const r = await rig.client.send('9001', { signIn: { opter_no: '1001', mac: '', ip: '127.0.0.1' } });
    expect(r.kind).toBe('success');
    const signNo = (r as { output: { signinoutb: { sign_no: string } } }).output.signinoutb.sign_no;
    expect(signNo).toMatch(/^SN\d+/);
    expect((await rig.client.send('9002', { signOut: { sign_no: signNo, opter_no: '1001' } })).kind).toBe('success');
    expect((await rig.client.send('9002', { signOut: { sign_no: 'nope', opter_no: '1001' } })).kind).toBe('rejected');
  });

  it('1101 finds a person by voucher token, ID number, and card number with serial', async () => {
    const p = byName('李秀英');
    const a = await look('01', p.ec_token);
    const b = await look('02', p.certno);
    const c = await look('03', p.card_no, p.card_sn);
    for (const v of [a, b, c]) expect(v).toMatchObject({ psnNo: p.psn_no, name: '李秀英', insuranceType: 'employee', personGroup: 'retired', status: 'active', accountBalance: 562030, source: 'live' });
    expect(a.accumulators).toEqual({ 'emp-outpatient': { eligible: 120000, fundPaid: 0 } });
  });

  it('1101 refuses an unknown person, a wrong card serial and a person under a rejection fault', async () => {
    await expect(look('02', '990101190001010000')).rejects.toMatchObject({ code: 'PERSON_NOT_FOUND' });
    const p = byName('张伟');
    await expect(look('03', p.card_no, 'WRONG-SERIAL')).rejects.toMatchObject({ code: 'PERSON_REJECTED' });
    await rig.center.setFaults({ rejectPersons: { [p.psn_no]: '参保信息核查中' } });
    await expect(look('02', p.certno)).rejects.toMatchObject({ code: 'PERSON_REJECTED', message: expect.stringContaining('参保信息核查中') });
  });

  it('maps a suspended person and a student', async () => {
    expect((await look('02', byName('陈静').certno)).status).toBe('suspended');
    expect((await look('02', byName('刘洋').certno))).toMatchObject({ insuranceType: 'resident', personGroup: 'student' });
  });
});

describe('2207 settlement upload', () => {
  it('recomputes with the split engine: the same inputs are accepted and the center year moves', async () => {
    const p = byName('张伟');
    const person = await look('02', p.certno);
    const { result, input } = localSettlement(rig.center, person, visit, bill, 'L0001');
    const r = await rig.client.send('2207', input);
    expect(r.kind).toBe('success');
    const out = (r as { output: { stmt: string; setl_id: string; balc: string; setlinfo: Record<string, string> } }).output;
    expect(out.stmt).toBe('accepted');
    expect(out.setlinfo.medfee_sumamt).toBe('99.00');
    const year = rig.center.personYear(p.psn_no)!;
    expect(year.balance).toBe(234567 - result.accountPay);
    expect(year.accumulators['emp-outpatient']).toEqual(result.accumulatorsAfter['emp-outpatient']);
  });

  it('answers adjusted when the client split from stale accumulators (other hospitals)', async () => {
    const p = byName('黄强');
    const cached = await look('03', p.card_no, p.card_sn); // the center then receives an outside claim
    const { result, input } = localSettlement(rig.center, cached, visit, [{ code: CODES.bloodTest, unitPrice: '500.00', quantity: '1' }], 'L-OFF-1', true);
    expect(result.deductible).toBe(30000); // the client thinks 300 yuan of deductible remain
    const r = await rig.client.send('2207', input);
    const out = (r as { output: { stmt: string; adjusted_fields: string[]; setlinfo: Record<string, string> } }).output;
    expect(out.stmt).toBe('adjusted');
    expect(out.adjusted_fields).toContain('fundPay');
    expect(out.setlinfo.act_pay_dedc).toBe('0.00');
  });

  it('a repeated message id gets the first answer again and charges nothing twice', async () => {
    const p = byName('周杰');
    const person = await look('02', p.certno);
    const { input } = localSettlement(rig.center, person, visit, bill, 'L0002');
    const msgid = rig.client.newMsgId();
    const first = await rig.client.send('2207', input, { msgid });
    const yearAfterFirst = rig.center.personYear(p.psn_no);
    rig.clock.advance(60_000);
    const again = await rig.client.send('2207', { ...input, garbage: 'changed' }, { msgid });
    expect(again).toEqual(first);
    expect(rig.center.personYear(p.psn_no)).toEqual(yearAfterFirst);
    expect(rig.center.settlements().filter((s) => s.medins_setl_id === 'L0002')).toHaveLength(1);
  });

  it('the stored answers survive a restart of the center', async () => {
    const p = byName('周杰');
    const person = await look('02', p.certno);
    const { input } = localSettlement(rig.center, person, visit, bill, 'L0003');
    const msgid = rig.client.newMsgId();
    const first = await rig.client.send('2207', input, { msgid });
    const port = rig.center.port;
    await rig.center.close();
    rig.center = await startSandboxCenter({ dataDir: join(rig.dir, 'sandbox'), institutionCode: INSTITUTION, secret: SECRET, clock: rig.clock, port });
    const again = await rig.client.send('2207', input, { msgid });
    expect(again).toEqual(first);
  });

  it('a second upload of the same settlement under a new message id is refused', async () => {
    const person = await look('02', byName('张伟').certno);
    const { input } = localSettlement(rig.center, person, visit, bill, 'L0004');
    expect((await rig.client.send('2207', input)).kind).toBe('success');
    expect(await rig.client.send('2207', input)).toMatchObject({ kind: 'rejected', code: 'DUPLICATE_SETTLEMENT' });
  });

  it('rejects unknown items, items under a rejection fault, and malformed amounts', async () => {
    const person = await look('02', byName('张伟').certno);
    const { input } = localSettlement(rig.center, person, visit, bill, 'L0005');
    const bad = JSON.parse(JSON.stringify(input)) as { feedetail: Array<{ med_list_codg: string }>; setlinfo: Record<string, unknown> };
    bad.feedetail[0]!.med_list_codg = 'NO-SUCH-CODE';
    expect(await rig.client.send('2207', bad)).toMatchObject({ kind: 'rejected', code: 'UNKNOWN_ITEM' });
    await rig.center.setFaults({ rejectItems: { [CODES.cefuroxime]: '超限定支付范围' } });
    const r = await rig.client.send('2207', input);
    expect(r).toMatchObject({ kind: 'rejected', code: 'ITEM_REJECTED' });
    expect((r as { message: string }).message).toContain('超限定支付范围');
    await rig.center.clearFaults();
    const wrongType = JSON.parse(JSON.stringify(input)) as { setlinfo: Record<string, unknown> };
    wrongType.setlinfo.hifp_pay = 12.5;
    expect(await rig.client.send('2207', wrongType)).toMatchObject({ kind: 'rejected', code: 'INVALID_INPUT' });
    expect(await rig.client.send('2207', { setlinfo: {} })).toMatchObject({ kind: 'rejected', code: 'INVALID_INPUT' });
  });

  it('rejects a suspended person', async () => {
    const p = byName('陈静');
    const person = { ...(await look('02', p.certno)), status: 'active' };
    const { input } = localSettlement(rig.center, person, visit, bill, 'L0006');
    expect(await rig.client.send('2207', input)).toMatchObject({ kind: 'rejected', code: 'NOT_INSURED' });
  });
});

describe('2208 cancel and 2601 reversal', () => {
  async function settled(name: string, id: string) {
    const p = byName(name);
    const before = rig.center.personYear(p.psn_no)!;
    const person = await look('02', p.certno);
    const { input } = localSettlement(rig.center, person, visit, bill, id);
    const msgid = rig.client.newMsgId();
    const r = await rig.client.send('2207', input, { msgid });
    const setlId = (r as { output: { setl_id: string } }).output.setl_id;
    return { p, before, msgid, setlId, input };
  }

  it('2208 answers negative amounts, restores the year, and refuses a second cancel', async () => {
    const { p, before, setlId } = await settled('张伟', 'C1');
    const r = await rig.client.send('2208', { data: { setl_id: setlId, psn_no: p.psn_no } });
    expect(r.kind).toBe('success');
    const info = (r as { output: { setlinfo: Record<string, string> } }).output.setlinfo;
    expect(info.medfee_sumamt).toBe('-99.00');
    expect(rig.center.personYear(p.psn_no)!.balance).toBe(before.balance);
    expect(rig.center.personYear(p.psn_no)!.accumulators['emp-outpatient']).toEqual({ eligible: 0, fundPaid: 0 });
    expect(await rig.client.send('2208', { data: { setl_id: setlId, psn_no: p.psn_no } })).toMatchObject({ kind: 'rejected', code: 'ALREADY_CANCELLED' });
  });

  it('2601 undoes a committed upload and refuses its late arrival', async () => {
    const { p, before, msgid, input } = await settled('周杰', 'R1');
    const r = await rig.client.send('2601', { data: { psn_no: p.psn_no, omsgid: msgid, oinfno: '2207' } });
    expect(r).toMatchObject({ kind: 'success', output: { reversed: true, undid_existing: true } });
    expect(yearOf(p.psn_no)).toEqual(yearShape(before));
    expect(await rig.client.send('2207', input, { msgid })).toMatchObject({ kind: 'rejected', code: 'REVERSED' });
    // Repeating the reversal is harmless.
    expect((await rig.client.send('2601', { data: { psn_no: p.psn_no, omsgid: msgid, oinfno: '2207' } })).kind).toBe('success');
    expect(yearOf(p.psn_no)).toEqual(yearShape(before));
  });

  it('2601 for a message id never seen succeeds and refuses the original when it arrives late', async () => {
    const p = byName('张伟');
    const person = await look('02', p.certno);
    const { input } = localSettlement(rig.center, person, visit, bill, 'R2');
    const msgid = rig.client.newMsgId();
    expect(await rig.client.send('2601', { data: { psn_no: p.psn_no, omsgid: msgid, oinfno: '2207' } })).toMatchObject({ kind: 'success', output: { undid_existing: false } });
    const before = rig.center.personYear(p.psn_no);
    expect(await rig.client.send('2207', input, { msgid })).toMatchObject({ kind: 'rejected', code: 'REVERSED' });
    expect(rig.center.personYear(p.psn_no)).toEqual(before);
  });
});

describe('3201 / 3202 reconciliation and 3301 notices', () => {
  it('reconciles totals and details against the center record', async () => {
    const a = byName('张伟');
    const b = byName('周杰');
    const s1 = await rig.client.send('2207', localSettlement(rig.center, await look('02', a.certno), visit, bill, 'K1').input);
    const s2 = await rig.client.send('2207', localSettlement(rig.center, await look('02', b.certno), visit, bill, 'K2').input);
    const o1 = (s1 as { output: { setl_id: string; setlinfo: Record<string, string> } }).output;
    const o2 = (s2 as { output: { setl_id: string; setlinfo: Record<string, string> } }).output;
    const fund = (o: typeof o1) => o.setlinfo.fund_pay_sumamt!;
    const sum = (x: string, y: string) => ((Number(x.replace('.', '')) + Number(y.replace('.', ''))) / 100).toFixed(2);
    const ok = await rig.client.send('3201', {
      data: { stmt_begndate: '2026-03-15', stmt_enddate: '2026-03-15', insutype: '310', clr_type: '11', medfee_sumamt: '198.00', fund_pay_sumamt: sum(fund(o1), fund(o2)), acct_pay: sum(o1.setlinfo.acct_pay!, o2.setlinfo.acct_pay!), fixmedins_setl_cnt: 2 },
    });
    expect(ok).toMatchObject({ kind: 'success', output: { stmtinfo: { stmt_rslt: '0', center_setl_cnt: 2 } } });
    const bad = await rig.client.send('3201', { data: { stmt_begndate: '2026-03-15', stmt_enddate: '2026-03-15', insutype: '310', medfee_sumamt: '99.00', fund_pay_sumamt: '0.00', acct_pay: '0.00', fixmedins_setl_cnt: 1 } });
    expect(bad).toMatchObject({ kind: 'success', output: { stmtinfo: { stmt_rslt: '1', center_medfee_sumamt: '198.00' } } });

    const det = await rig.client.send('3202', {
      data: {
        stmt_begndate: '2026-03-15',
        stmt_enddate: '2026-03-15',
        details: [
          { setl_id: o1.setl_id, medins_setl_id: 'K1', medfee_sumamt: '99.00', fund_pay_sumamt: fund(o1), acct_pay: o1.setlinfo.acct_pay!, refd_setl_flag: '0' },
          { setl_id: o2.setl_id, medins_setl_id: 'K2', medfee_sumamt: '98.00', fund_pay_sumamt: fund(o2), acct_pay: o2.setlinfo.acct_pay!, refd_setl_flag: '0' },
          { setl_id: 'LOCAL-ONLY', medins_setl_id: 'K9', medfee_sumamt: '1.00', fund_pay_sumamt: '0.00', acct_pay: '0.00', refd_setl_flag: '0' },
        ],
      },
    });
    const rows = (det as { output: { rows: Array<{ setl_id: string; stmt_rslt: string }> } }).output.rows;
    expect(Object.fromEntries(rows.map((r) => [r.setl_id, r.stmt_rslt]))).toEqual({ [o1.setl_id]: '0', [o2.setl_id]: '3', 'LOCAL-ONLY': '2' });
    const det2 = await rig.client.send('3202', { data: { stmt_begndate: '2026-03-15', stmt_enddate: '2026-03-15', details: [] } });
    expect((det2 as { output: { rows: Array<{ stmt_rslt: string }> } }).output.rows.map((r) => r.stmt_rslt)).toEqual(['1', '1']);
  });

  it('3301 delivers emitted payment and rejection notices after the cursor', async () => {
    const a = byName('张伟');
    const s = await rig.client.send('2207', localSettlement(rig.center, await look('02', a.certno), visit, bill, 'N1').input);
    const setlId = (s as { output: { setl_id: string } }).output.setl_id;
    expect(await rig.client.send('3301', { data: { cursor: 0 } })).toMatchObject({ kind: 'success', output: { notices: [], next_cursor: 0 } });
    rig.center.emitNotices({ type: 'paid' });
    rig.center.emitNotices({ type: 'rejected', setlId, amount: 500, reasonCode: 'R-01', reason: '重复收费' });
    const r = await rig.client.send('3301', { data: { cursor: 0 } });
    const out = (r as { output: { notices: Array<Record<string, string>>; next_cursor: number } }).output;
    expect(out.notices.map((n) => n.type)).toEqual(['paid', 'rejected']);
    expect(out.notices[1]).toMatchObject({ setl_id: setlId, amount: '5.00', reason_code: 'R-01', reason: '重复收费' });
    const after = await rig.client.send('3301', { data: { cursor: out.next_cursor } });
    expect((after as { output: { notices: unknown[] } }).output.notices).toEqual([]);
    // "paid" for all: no second notice for the same settlement.
    expect(rig.center.emitNotices({ type: 'paid' })).toEqual([]);
  });
});

describe('the envelope', () => {
  it('a bad signature is rejected with err_msg starting "signature" and changes nothing', async () => {
    const wrong = rig.clientWith({ institutionSecret: 'not-the-secret' });
    const p = byName('张伟');
    const r = await wrong.send('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: p.certno } });
    expect(r.kind).toBe('rejected');
    expect((r as { message: string }).message).toMatch(/^signature/);
    expect(r).toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('an unknown institution and an unknown transaction are rejected', async () => {
    const other = rig.clientWith({ institutionCode: 'H00000000009' });
    expect(await other.send('9001', { signIn: { opter_no: '1' } })).toMatchObject({ kind: 'rejected', code: 'INSTITUTION_UNKNOWN' });
    expect(await rig.client.send('1234', {})).toMatchObject({ kind: 'rejected', code: 'INFNO_UNKNOWN' });
  });
});
