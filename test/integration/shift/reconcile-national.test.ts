// Reconciliation in the national protocol against the real sandbox center over HTTP: settlements
// made at the center by the real chain runner (2201 … 2207), 3201 per insutype × clr_type ×
// setl_optins, and 3202 through the 9101 upload / 9102 download file flow, all signed in as the
// supervisor (NationalSession). Findings are traced to the local settlement by the center's
// setl_id, by the clinic's id in the file, or by the 2207's msgid through the chain journal.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/app/log';
import { errorCode } from '../../helpers/error-code';
import { NationalChainRunner } from '../../../electron/center/national/chain-runner';
import { ChainStore } from '../../../electron/center/national/chain-store';
import { NationalSession } from '../../../electron/center/national/session';
import { DEMO_PERSONS } from '../../../electron/center/sandbox/demo-persons';
import { amountsOfSetlinfo } from '../../../electron/center/wire/national/messages';
import type { NationalCenterPort } from '../../../electron/shift/center-port';
import { compareWithCenterNational, type NationalDayGroup, type NationalDetailRow } from '../../../electron/shift/reconcile-national';
import { chainSpec } from '../center/national-chain-fixtures';
import { INSTITUTION, startRig, type Rig } from '../center/helpers';

const DAY = '2026-03-15';
const SUPERVISOR = { id: '2001', name: '主管乙' };
let rig: Rig;
let port: NationalCenterPort;
let chains: ChainStore;
/** The local rows (what the window's settlements table would hold), one per settled chain. */
let rows: NationalDetailRow[];
let meta: Map<string, { insutype: string; setlOptins: string }>;

beforeEach(async () => {
  rig = await startRig();
  const session = new NationalSession({ client: () => Promise.resolve(rig.client), terminalNo: () => '01', log: silentLogger });
  port = { send: (i, input, o) => session.send(i, input, { ...o, operator: SUPERVISOR }), institutionCode: INSTITUTION, areaCode: '990100' };
  chains = new ChainStore(rig.db);
  const runner = new NationalChainRunner(chains, rig.client, rig.clock);
  rows = [];
  meta = new Map();
  // Employees and residents of this area, and one insured elsewhere (another clearing office).
  const people = [DEMO_PERSONS[0]!, DEMO_PERSONS[9]!, DEMO_PERSONS[2]!, DEMO_PERSONS[12]!, DEMO_PERSONS[0]!];
  for (const [i, p] of people.entries()) {
    const id = `S${i + 1}`;
    runner.start(`CH${i + 1}`, chainSpec(i + 1, p), id);
    let r = await runner.drive(`CH${i + 1}`);
    for (let k = 0; k < 4 && r.kind === 'pending'; k++) r = await runner.drive(`CH${i + 1}`);
    if (r.kind !== 'settled' || !r.answer) throw new Error(`chain ${i + 1}: ${JSON.stringify(r)}`);
    const a = amountsOfSetlinfo(r.answer.setlinfo);
    rows.push({ id, day: DAY, psn_no: p.psn_no, mdtrt_id: r.mdtrtId, center_setl_id: r.setlId, refund_of: null, total: a.total, fund: a.fundPay + a.criticalIllnessPay, account: a.accountPay });
    meta.set(id, { insutype: p.insutype, setlOptins: p.insuplc_admdvs });
  }
});
afterEach(async () => {
  await rig.close();
});

function source(local: NationalDetailRow[]) {
  return {
    groups: (): NationalDayGroup[] => {
      const out = new Map<string, NationalDayGroup>();
      for (const r of local) {
        const m = meta.get(r.id) ?? { insutype: '310', setlOptins: '990100' };
        const k = `${r.day}/${m.insutype}/${m.setlOptins}`;
        const g = out.get(k) ?? { day: r.day, insutype: m.insutype, clrType: '11', setlOptins: m.setlOptins, count: 0, total: 0, fund: 0, account: 0 };
        g.count += 1;
        g.total += r.total;
        g.fund += r.fund;
        g.account += r.account;
        out.set(k, g);
      }
      return [...out.values()];
    },
    details: (_f: string, _t: string, clrType: string, setlOptins: string) => local.filter((r) => clrType === '11' && (meta.get(r.id)?.setlOptins ?? '990100') === setlOptins),
    settlementOfMsgid: (msgid: string) => chains.settlementOfStep(msgid),
  };
}

describe('national reconciliation', () => {
  it('agreeing books: 3201 per insutype × clr_type × setl_optins all match, no 3202 asked', async () => {
    const cmp = await compareWithCenterNational(port, DAY, DAY, source(rows));
    expect(cmp.groups.map((g) => `${g.insutype}/${g.clrType}/${g.setlOptins}:${g.match}:${g.local.count}`).sort()).toEqual(['310/11/990100:true:3', '310/11/990200:true:1', '390/11/990100:true:1']);
    expect(cmp.findings).toEqual([]);
    expect(cmp.mismatchedDays).toEqual([]);
    const infnos = rig.center.envelopes().map((e) => e.infno);
    expect(infnos.filter((i) => i === '3201')).toHaveLength(3);
    expect(infnos.some((i) => ['3202', '9101', '9102'].includes(i))).toBe(false);
    // Every statement message carried the supervisor's own sign-in.
    const signNo = rig.center.signIns().find((s) => s.opter_no === SUPERVISOR.id)!.sign_no;
    for (const e of rig.center.envelopes().filter((e) => e.infno === '3201')) expect(e).toMatchObject({ opter: SUPERVISOR.id, sign_no: signNo });
  });

  it('a drifted amount, a settlement the center lacks and one the clinic lacks: found through 9101 → 3202 → 9102, each traced to its settlement', async () => {
    const local = rows.map((r) => ({ ...r }));
    local[1]!.total += 1; // S2's local amount drifted by one fen
    local[1]!.account += 1;
    local.push({ id: 'S9', day: DAY, psn_no: DEMO_PERSONS[0]!.psn_no, mdtrt_id: '', center_setl_id: 'ST-NEVER-SENT', refund_of: null, total: 1000, fund: 0, account: 1000 });
    meta.set('S9', { insutype: '310', setlOptins: '990100' });
    const missing = local.splice(4, 1)[0]!; // S5 lost locally: the center still has it
    const cmp = await compareWithCenterNational(port, DAY, DAY, source(local));
    const g310 = cmp.groups.find((g) => g.insutype === '310' && g.setlOptins === '990100')!;
    expect(g310.match).toBe(false);
    expect(g310.mismatchedDays).toEqual([DAY]);
    expect(cmp.groups.find((g) => g.insutype === '390')!.match).toBe(true);
    const byKind = Object.fromEntries(cmp.findings.map((f) => [f.kind, f]));
    expect(cmp.findings).toHaveLength(3);
    expect(byKind.amount_differs).toMatchObject({ settlementId: 'S2', centerSetlId: rows[1]!.center_setl_id, day: DAY, center: { total: rows[1]!.total, account: rows[1]!.account } });
    expect(byKind.only_local).toMatchObject({ settlementId: 'S9', centerSetlId: 'ST-NEVER-SENT', center: null });
    // The clinic has no row for it: traced through the chain journal by the 2207's msgid.
    expect(byKind.only_center).toMatchObject({ settlementId: missing.id, centerSetlId: missing.center_setl_id, local: undefined, center: { total: missing.total } });
    expect(rig.center.envelopes().map((e) => e.infno).filter((i) => ['9101', '3202', '9102'].includes(i))).toEqual(['9101', '3202', '9102']);
  });

  it('both error layers: infcode 0 with an err_msg, or a gateway refusal, is never an answer', async () => {
    await rig.center.setFaults({ errWithSuccess: { count: 1, infno: '3201' } });
    expect(await errorCode(compareWithCenterNational(port, DAY, DAY, source(rows)))).toBe('CENTER_UNREACHABLE');
    await rig.center.clearFaults();
    const drifted = rows.map((r, i) => (i === 0 ? { ...r, total: r.total + 5, account: r.account + 5 } : r));
    await rig.center.setFaults({ gatewayError: { count: 1, infno: '9102' } });
    expect(await errorCode(compareWithCenterNational(port, DAY, DAY, source(drifted)))).toBe('CENTER_REJECTED');
    await rig.center.clearFaults();
    // A busy center is asked again; an expired sign-in is renewed; the run then completes.
    await rig.center.setFaults({ busy: { count: 1, infno: '3202' }, signInExpired: { count: 1, infno: '9101' } });
    const cmp = await compareWithCenterNational(port, DAY, DAY, source(drifted));
    expect(cmp.findings.map((f) => `${f.kind}:${f.settlementId}`)).toEqual(['amount_differs:S1']);
  });

  it('the sandbox refuses a 3202 whose totals do not match its file, and an unknown file', async () => {
    const o = await port.send('3202', {
      data: { setl_optins: '990100', file_qury_no: 'F-NOPE', stmt_begndate: DAY, stmt_enddate: DAY, medfee_sumamt: '0.00', fund_pay_sumamt: '0.00', cash_payamt: '0.00', fixmedins_setl_cnt: 0, clr_type: '11' },
    });
    expect(o).toMatchObject({ kind: 'rejected', message: expect.stringContaining('不存在') });
    const up = await port.send('9101', { fsUploadIn: { in: Buffer.from('a\tb\tc\t1.00\t0.00\t0.00\t0\tS1\n').toString('base64'), filename: 'x.txt', fixmedins_code: INSTITUTION } });
    expect(up.kind).toBe('success');
    const no = (up as { output: { file_qury_no: string } }).output.file_qury_no;
    const bad = await port.send('3202', {
      data: { setl_optins: '990100', file_qury_no: no, stmt_begndate: DAY, stmt_enddate: DAY, medfee_sumamt: '2.00', fund_pay_sumamt: '0.00', cash_payamt: '2.00', fixmedins_setl_cnt: 1, clr_type: '11' },
    });
    expect(bad).toMatchObject({ kind: 'rejected', message: expect.stringContaining('合计') });
  });
});
