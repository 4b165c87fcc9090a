// Two cashier windows of one clinic (two installations, each with its own database) share the
// institution code. Their message ids must never meet, or the center answers the second
// window's settlement with the first one's stored answer and the second settlement is lost.
// Real sandbox over real HTTP, real SQLite files, one frozen clock for both windows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ManualClock } from '../../../electron/app/clock';
import { resolveSettings } from '../../../electron/app/config';
import { silentLogger } from '../../../electron/app/log';
import { CenterClient, type CenterOutcome } from '../../../electron/center/client';
import { lookupPerson } from '../../../electron/center/person-lookup';
import { DEMO_PERSONS } from '../../../electron/center/sandbox/demo-persons';
import { AUTO_TERMINAL_MAX, AUTO_TERMINAL_MIN, resolveTerminalNo } from '../../../electron/center/terminal';
import { MSGID_PATTERN } from '../../../electron/center/wire/msgid';
import { openDatabase, type Db } from '../../../electron/db/open';
import type { PersonView } from '../../../electron/api/contract/center';
import { CODES, INSTITUTION, SECRET, localSettlement, startRig, type Rig } from './helpers';

let rig: Rig;
const opened: Array<{ db: Db; client: CenterClient }> = [];
beforeEach(async () => {
  rig = await startRig();
});
afterEach(async () => {
  for (const w of opened.splice(0)) {
    w.client.close();
    w.db.close();
  }
  await rig.close();
});

/** One cashier window: its own database file, the shared sandbox and the shared (frozen) clock. */
function windowAt(name: string, terminalNo: string): { db: Db; client: CenterClient } {
  const { db } = openDatabase({ file: join(rig.dir, `${name}.db`) });
  const client = new CenterClient(db, rig.clock, silentLogger, {
    url: rig.center.url,
    institutionCode: INSTITUTION,
    terminalNo,
    institutionName: '示范社区卫生服务中心',
    institutionSecret: SECRET,
    areaCode: '990100',
    caFile: '',
  });
  const w = { db, client };
  opened.push(w);
  return w;
}

const visit = { visitType: 'outpatient' as const, hospitalLevel: 1, date: '2026-03-15' };
const bill = [
  { code: CODES.consult, unitPrice: '10.00', quantity: '1' },
  { code: CODES.amoxicillin, unitPrice: '12.80', quantity: '2' },
];
const byName = (name: string) => DEMO_PERSONS.find((p) => p.psn_name === name)!;

async function look(w: { db: Db; client: CenterClient }, certNo: string): Promise<PersonView> {
  return lookupPerson({ db: w.db, clock: rig.clock, isOnline: () => true, send: (i, x, o) => w.client.send(i, x, o) }, { certType: '02', certNo });
}

type SettleOutput = { stmt: string; setl_id: string; setlinfo: { medins_setl_id?: string; psn_no?: string; medfee_sumamt: string } };
const outputOf = (o: CenterOutcome) => (o.kind === 'success' ? (o.output as SettleOutput) : null);

describe('two windows of one clinic', () => {
  it('with different terminal numbers make different ids in the same second; both settlements are accepted; a true replay is answered from the store', async () => {
    const a = windowAt('window-a', '01');
    const b = windowAt('window-b', '02');
    const zhang = await look(a, byName('张伟').certno);
    const zhou = await look(b, byName('周杰').certno);
    const settleA = localSettlement(rig.center, zhang, visit, bill, 'A-0001');
    const settleB = localSettlement(rig.center, zhou, visit, bill, 'B-0001');
    // The clock never moves: both windows settle in the same second.
    const ra = await a.client.send('2207', settleA.input);
    const rb = await b.client.send('2207', settleB.input);
    expect(ra.msgid).not.toBe(rb.msgid);
    expect(ra.msgid.slice(0, 26)).toBe(rb.msgid.slice(0, 26)); // same institution, same second
    expect([ra.msgid.slice(26, 28), rb.msgid.slice(26, 28)]).toEqual(['01', '02']);
    for (const id of [ra.msgid, rb.msgid]) expect(id).toMatch(MSGID_PATTERN);
    expect(outputOf(ra)).toMatchObject({ stmt: 'accepted' });
    expect(outputOf(rb)).toMatchObject({ stmt: 'accepted' });
    expect(outputOf(ra)!.setl_id).not.toBe(outputOf(rb)!.setl_id);
    const atCenter = rig.center.settlements().filter((s) => s.kind === 'settle');
    expect(atCenter.map((s) => s.medins_setl_id).sort()).toEqual(['A-0001', 'B-0001']);
    expect(rig.center.personYear(zhou.psnNo)!.balance).toBe(zhou.accountBalance - settleB.result.accountPay);

    // A true replay (window A resends its own id, as after a lost answer): the stored answer, nothing charged twice.
    const yearBefore = rig.center.personYear(zhang.psnNo);
    const again = await a.client.send('2207', settleA.input, { msgid: ra.msgid });
    expect(again).toEqual(ra);
    expect(rig.center.personYear(zhang.psnNo)).toEqual(yearBefore);
    expect(rig.center.settlements().filter((s) => s.kind === 'settle')).toHaveLength(2);
  });

  it('with the same terminal number would lose a settlement: the second is answered as a replay of the first (what the number prevents)', async () => {
    const a = windowAt('window-a', '01');
    const b = windowAt('window-b', '01');
    const zhang = await look(a, byName('张伟').certno);
    const zhou = await look(b, byName('周杰').certno);
    const ra = await a.client.send('2207', localSettlement(rig.center, zhang, visit, bill, 'A-0001').input);
    const rb = await b.client.send('2207', localSettlement(rig.center, zhou, visit, bill, 'B-0001').input);
    expect(rb.msgid).toBe(ra.msgid);
    expect(rb).toEqual(ra); // window B is told "settled" with window A's settlement
    expect(rig.center.settlements().map((s) => s.medins_setl_id)).toEqual(['A-0001']);
  });

  it('bursts in one frozen second stay apart (100 ids per window per second, then the stamp moves on) and the center takes them', async () => {
    const a = windowAt('window-a', '07');
    const b = windowAt('window-b', '08');
    const seen = new Map<string, string>();
    for (let i = 0; i < 250; i++) {
      for (const [name, w] of [['a', a], ['b', b]] as const) {
        const id = w.client.newMsgId();
        expect(id).toMatch(MSGID_PATTERN);
        expect(seen.get(id), `${id} made by ${seen.get(id)} and ${name}`).toBeUndefined();
        seen.set(id, name);
      }
    }
    // The 250th id of a window is in the third second after the frozen one.
    const lastA = [...seen].filter(([, n]) => n === 'a').at(-1)![0];
    expect(lastA.slice(12, 26)).toBe('20260315090002');
    expect(lastA.slice(26)).toBe('0749');
    const signIn = await b.client.send('9001', { signIn: { opter_no: '1001' } });
    expect(signIn.kind).toBe('success');
    expect(signIn.msgid.slice(26, 28)).toBe('08');
  });
});

describe('the terminal number setting', () => {
  it('is two digits (a single digit is padded); anything else is SETTING_INVALID', () => {
    expect(resolveSettings({ env: { CASHIER_TERMINAL_NO: '7' } }).terminalNo).toBe('07');
    expect(resolveSettings({ flags: { terminalNo: '12' } }).terminalNo).toBe('12');
    expect(resolveSettings({ stored: { terminalNo: '03' } }).terminalNo).toBe('03');
    expect(resolveSettings({}).terminalNo).toBe('');
    for (const bad of ['100', 'a1', '-1', '1.5']) {
      expect(() => resolveSettings({ flags: { terminalNo: bad } }), bad).toThrowError(expect.objectContaining({ code: 'SETTING_INVALID' }));
    }
  });

  it('a client refuses a terminal number that is not two digits', () => {
    expect(() => windowAt('bad', '7')).toThrowError(expect.objectContaining({ code: 'SETTING_INVALID' }));
  });

  it('unset, is drawn once per installation from 50–99 and kept across restarts', () => {
    const file = join(rig.dir, 'auto.db');
    const first = openDatabase({ file }).db;
    const drawn = resolveTerminalNo(first, '', new ManualClock(new Date('2026-03-15T09:00:00+08:00')).now());
    expect(drawn.auto).toBe(true);
    expect(Number(drawn.terminalNo)).toBeGreaterThanOrEqual(AUTO_TERMINAL_MIN);
    expect(Number(drawn.terminalNo)).toBeLessThanOrEqual(AUTO_TERMINAL_MAX);
    expect(resolveTerminalNo(first, '', new Date())).toEqual(drawn);
    first.close();
    const reopened = openDatabase({ file }).db;
    expect(resolveTerminalNo(reopened, '', new Date())).toEqual(drawn);
    // A configured number wins and leaves the drawn one in place for when it is cleared again.
    expect(resolveTerminalNo(reopened, '04', new Date())).toEqual({ terminalNo: '04', auto: false });
    expect(resolveTerminalNo(reopened, '', new Date())).toEqual(drawn);
    reopened.close();
  });
});
