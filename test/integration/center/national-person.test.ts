// The national sign-in per operator (9001/9002) and person lookup (1101 + 2001 + 5206 + 5301 +
// 5302) against the real sandbox center over HTTP, with the real client and a real SQLite
// cache: each operator's sign_no on each message, renewal when the center says it expired,
// sign-out, the treatment gate, filings and bindings, and the offline cache with each part's age.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/app/log';
import { errorCode } from '../../helpers/error-code';
import { lookupPersonNational, type NationalPersonDeps } from '../../../electron/center/national/person';
import { NationalSession } from '../../../electron/center/national/session';
import { readCachedByPsnNo } from '../../../electron/center/person-lookup';
import { DEMO_PERSONS, DEMO_YEAR_START } from '../../../electron/center/sandbox/demo-persons';
import { OTHER_CLINIC } from '../../../electron/center/sandbox/national/person-records';
import { INSTITUTION, startRig, type Rig } from './helpers';

const CASHIER = { id: '1001', name: '收费员甲' };
const OTHER = { id: '1002', name: '收费员乙' };
const person = (n: number) => DEMO_PERSONS[n - 1]!;

let rig: Rig;
let session: NationalSession;
let online: boolean;

beforeEach(async () => {
  rig = await startRig();
  session = new NationalSession({ client: () => Promise.resolve(rig.client), terminalNo: () => '01', log: silentLogger });
  online = true;
});
afterEach(async () => {
  await rig.close();
});

function deps(): NationalPersonDeps {
  return { db: rig.db, clock: rig.clock, isOnline: () => online, send: (i, input, o) => session.send(i, input, o), institutionCode: INSTITUTION };
}
const byCard = (n: number) => ({ certType: '03' as const, certNo: person(n).card_no, cardSn: person(n).card_sn });

describe('national sign-in per operator', () => {
  it('each operator signs in at this terminal and every message carries that operator’s sign_no; 9002 ends it', async () => {
    const a = await session.signIn(CASHIER);
    const b = await session.signIn(OTHER);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.signNo).not.toBe(b.signNo);
    expect(rig.center.signIns().map((s) => s.opter_no)).toEqual(['1001', '1002']);
    await lookupPersonNational(deps(), byCard(1), CASHIER);
    await lookupPersonNational(deps(), byCard(3), OTHER);
    const sent = rig.center.envelopes().filter((e) => e.infno !== '9001');
    expect(sent.length).toBeGreaterThanOrEqual(10);
    for (const e of sent) expect(e.sign_no, `${e.infno} by ${e.opter}`).toBe(e.opter === '1001' ? a.signNo : b.signNo);
    // The 9001 names the terminal (mac) it was made at: the sign-in is per operator AND terminal.
    expect(await session.signOut(CASHIER)).toBe('success');
    expect(rig.center.signIns().find((s) => s.sign_no === a.signNo)?.signed_out).toBe(1);
    expect(await session.signNo(CASHIER)).toBe('');
    expect(await session.signNo(OTHER)).toBe(b.signNo);
    expect(await session.signOut(CASHIER)).toBe('not-signed-in');
  });

  it('signs in before the first message when none is held (nothing leaves without a sign_no)', async () => {
    await lookupPersonNational(deps(), byCard(1), CASHIER);
    const env = rig.center.envelopes();
    expect(env[0]!.infno).toBe('9001');
    expect(env.slice(1).every((e) => e.sign_no)).toBe(true);
  });

  it('renews the sign-in when the center says it expired and sends the same msgid again', async () => {
    await session.signIn(CASHIER);
    const before = await session.signNo(CASHIER);
    await rig.center.setFaults({ signInExpired: { count: 1, infno: '1101' } });
    const view = await lookupPersonNational(deps(), byCard(1), CASHIER);
    expect(view.source).toBe('live');
    const env = rig.center.envelopes();
    const tx1101 = env.filter((e) => e.infno === '1101');
    expect(tx1101).toHaveLength(2);
    expect(tx1101[0]!.msgid).toBe(tx1101[1]!.msgid);
    expect(tx1101[0]!.sign_no).toBe(before);
    const renewed = await session.signNo(CASHIER);
    expect(renewed).not.toBe(before);
    expect(tx1101[1]!.sign_no).toBe(renewed);
    expect(env.filter((e) => e.infno === '9001')).toHaveLength(2);
  });

  it('a sign-in the center refuses: the message is not sent (busy), nothing processed', async () => {
    await rig.center.setFaults({ busy: { count: 1, infno: '9001' } });
    const o = await session.send('5301', { data: { psn_no: person(9).psn_no } }, { operator: CASHIER });
    expect(o.kind).toBe('busy');
    expect(rig.center.envelopes().filter((e) => e.infno === '5301')).toHaveLength(0);
  });
});

describe('national person lookup', () => {
  it("1101 + 2001 + 5206 + 5301 + 5302: the chronic person's filings, binding and year", async () => {
    const p = person(9);
    const v = await lookupPersonNational(deps(), byCard(9), CASHIER);
    expect(v).toMatchObject({ psnNo: p.psn_no, name: p.psn_name, insutype: '310', status: 'active', source: 'live', insuranceType: 'employee', personGroup: 'retired' });
    expect(v.accountBalance).toBe(DEMO_YEAR_START[p.psn_no]!.balance);
    expect(v.accumulators).toEqual(DEMO_YEAR_START[p.psn_no]!.accumulators);
    expect(v.national?.treatment).toEqual({ entitled: true, reason: null, fundPayTypes: ['310100'] });
    expect(v.national?.filings).toEqual([{ code: 'E11', name: '2型糖尿病', begin: '2024-03-01', end: null, valid: true }]);
    expect(v.national?.bindings).toEqual([{ bizType: '02', institutionCode: INSTITUTION, institutionName: '示范社区卫生服务中心', begin: '2024-03-01', end: null, valid: true, here: true }]);
    expect(rig.center.envelopes().map((e) => e.infno).filter((i) => i !== '9001').sort()).toEqual(['1101', '2001', '5206', '5301', '5302', '5302']);
  });

  it('an ended filing is shown as not in force; a resident bound to another clinic is not bound here', async () => {
    const li = await lookupPersonNational(deps(), byCard(2), CASHIER);
    expect(li.national?.filings?.map((f) => [f.code, f.valid])).toEqual([['I10', true], ['J44', false]]);
    const xu = await lookupPersonNational(deps(), byCard(11), CASHIER);
    expect(xu.national?.filings).toEqual([]);
    expect(xu.national?.bindings).toEqual([expect.objectContaining({ bizType: '01', institutionCode: OTHER_CLINIC.code, here: false, valid: true })]);
    const wang = await lookupPersonNational(deps(), byCard(3), CASHIER);
    expect(wang.national?.bindings).toEqual([expect.objectContaining({ bizType: '01', here: true })]);
    const zhang = await lookupPersonNational(deps(), byCard(1), CASHIER);
    expect(zhang.national?.bindings).toEqual([]);
  });

  it('2001 is the gate: a suspended person is not entitled, with the reason', async () => {
    const v = await lookupPersonNational(deps(), byCard(5), CASHIER);
    expect(v.status).toBe('suspended');
    expect(v.national?.treatment).toMatchObject({ entitled: false, reason: expect.stringContaining('暂停') });
  });

  it('offline: the cached view with its age and every national part; never asked, not cached → CENTER_OFFLINE_NOT_CACHED', async () => {
    const live = await lookupPersonNational(deps(), byCard(9), CASHIER);
    rig.clock.advance(3 * 3600_000);
    online = false;
    const cached = await lookupPersonNational(deps(), byCard(9), CASHIER);
    expect(cached).toMatchObject({ source: 'cache', cachedAt: live.cachedAt, national: live.national });
    // Under the ID number too (any credential finds the person).
    expect((await lookupPersonNational(deps(), { certType: '02', certNo: person(9).certno }, CASHIER)).national?.filings?.[0]?.code).toBe('E11');
    expect(await errorCode(lookupPersonNational(deps(), byCard(1), CASHIER))).toBe('CENTER_OFFLINE_NOT_CACHED');
    // The center unreachable though thought online: the same cache.
    online = true;
    await rig.center.setOffline(true);
    expect((await lookupPersonNational(deps(), byCard(9), CASHIER)).source).toBe('cache');
  });

  it("both error layers: infcode 0 with an err_msg or a gateway error at 2001/5206 is not an answer (the cache is used)", async () => {
    for (const fault of [{ errWithSuccess: { count: 1, infno: '2001' } }, { gatewayError: { count: 1, infno: '5206' } }, { malformed: { mode: 'truncated' as const, count: 2, infno: '1101' } }]) {
      expect(await errorCode(lookupPersonNational(deps(), byCard(4), CASHIER)), JSON.stringify(fault)).toBe('OK');
      await rig.center.setFaults(fault);
      const v = await lookupPersonNational(deps(), byCard(4), CASHIER);
      expect(v.source, JSON.stringify(fault)).toBe('cache');
      await rig.center.clearFaults();
    }
    // Not cached: no half-known person.
    await rig.center.setFaults({ errWithSuccess: { count: 1, infno: '2001' } });
    expect(await errorCode(lookupPersonNational(deps(), byCard(12), CASHIER))).toBe('CENTER_OFFLINE_NOT_CACHED');
  });

  it('5301 not answered: filings from the last lookup with their own age; the rest live', async () => {
    const first = await lookupPersonNational(deps(), byCard(9), CASHIER);
    rig.clock.advance(24 * 3600_000);
    await rig.center.setFaults({ busy: { count: 1, infno: '5301' } });
    const second = await lookupPersonNational(deps(), byCard(9), CASHIER);
    expect(second.source).toBe('live');
    expect(second.cachedAt).not.toBe(first.cachedAt);
    expect(second.national?.filings).toEqual(first.national?.filings);
    expect(second.national?.partsAt.filings).toBe(first.cachedAt);
    expect(second.national?.partsAt.treatment).toBe(second.cachedAt);
    // Issue 17 reads them by psn_no.
    expect(readCachedByPsnNo(rig.db, person(9).psn_no)?.national?.filings?.[0]?.code).toBe('E11');
  });

  it('a person the center does not know is PERSON_NOT_FOUND', async () => {
    expect(await errorCode(lookupPersonNational(deps(), { certType: '03', certNo: 'A99019999', cardSn: 'X' }, CASHIER))).toBe('PERSON_NOT_FOUND');
  });
});

describe("a province's variant, without code", () => {
  it('sign-in, person lookup and the filings under renamed envelope, input and output fields, path, and signature header', async () => {
    const { variantFrom } = await import('../../../electron/center/wire/national/variant');
    const variant = variantFrom({
      name: '测试省 V1.0',
      path: '/prov/fsi/api',
      signatureHeader: 'x-prov-sign',
      envelopeNames: { mdtrtarea_admvs: 'mdtrtarea_admdvs', sign_no: 'signNo' },
      responseNames: { err_msg: 'errMsg' },
      inputNames: { '5302': { biz_appy_type: 'bizAppyType' }, '1101': { mdtrt_cert_no: 'mdtrt_cert_num' } },
      outputNames: { '5301': { opspDiseCode: 'opsp_dise_code', opspDiseName: 'opsp_dise_name' }, '5302': { psnFixmedin: 'psnfixmedin' }, '9001': { signInOutb: 'signinoutb' } },
      timeouts: { byInfno: { '1101': 8000 } },
    });
    const prov = await startRig({ nationalVariant: variant });
    try {
      const client = prov.clientWith({ nationalVariant: variant });
      const s = new NationalSession({ client: () => Promise.resolve(client), terminalNo: () => '01', log: silentLogger });
      const d: NationalPersonDeps = { db: prov.db, clock: prov.clock, isOnline: () => true, send: (i, input, o) => s.send(i, input, o), institutionCode: INSTITUTION };
      const v = await lookupPersonNational(d, byCard(9), CASHIER);
      expect(v.national?.filings?.[0]).toMatchObject({ code: 'E11', valid: true });
      expect(v.national?.bindings?.[0]).toMatchObject({ bizType: '02', here: true });
      // Renewal under the province's sign-in wording and field names too.
      await prov.center.setFaults({ signInExpired: { count: 1, infno: '5206' } });
      expect((await lookupPersonNational(d, byCard(9), CASHIER)).source).toBe('live');
      expect(prov.center.envelopes().filter((e) => e.infno === '9001')).toHaveLength(2);
      // The default client (national field names, path) is not understood by this province.
      const plain = new NationalSession({ client: () => Promise.resolve(prov.client), terminalNo: () => '02', log: silentLogger });
      expect((await plain.signIn(OTHER)).ok).toBe(false);
    } finally {
      await prov.close();
    }
  });
});
