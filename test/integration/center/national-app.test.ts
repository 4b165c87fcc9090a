// The national protocol inside a real app (centerProtocol national) against a real sandbox
// center: the cashier's shift opens → 9001 as that cashier; the window's person lookup speaks
// 1101/2001/5206/5301/5302 under that sign-in; the shift closes → 9002 ends it.
import type { CallInput, CallName } from '../../../electron/api/contract';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../../electron/app/create-app';
import { newSession, type Session } from '../../../electron/api/session';
import { seedDemoOperators } from '../../../electron/auth/demo-operators';
import { DEMO_PERSONS } from '../../../electron/center/sandbox/demo-persons';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { tempDir } from '../../helpers/temp-app';
import { chinaDate } from '../../../electron/app/clock';
import { silentLogger } from '../../../electron/app/log';
import { CenterClient } from '../../../electron/center/client';
import { NationalChainRunner } from '../../../electron/center/national/chain-runner';
import { ChainStore } from '../../../electron/center/national/chain-store';
import { chainSpec } from './national-chain-fixtures';
import { INSTITUTION, SECRET } from './helpers';
import { openClient, startCenter } from '../settlement/fixtures';
import { callOk } from '../../helpers/app-call';

let dir: string;
let center: SandboxCenter;
let app: App;
let cashier: Session;

const call = <N extends CallName>(s: Session, name: N, input: CallInput<N>) => callOk(app, s, name, input);

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  dir = tempDir('national-app-');
  center = await startCenter(join(dir, 'center'));
  app = await openClient({ dataDir: join(dir, 'client'), centerUrl: center.url, flags: { centerProtocol: 'national' } });
  seedDemoOperators(app.auth);
  cashier = newSession('test');
  await call(cashier, 'auth.login', { operatorId: '1001', pin: '1234' });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await center?.close();
  rmSync(dir, { recursive: true, force: true });
});

it("opening the shift signs the cashier in (9001), the lookup carries that sign-in, closing signs out (9002)", async () => {
  await call(cashier, 'shift.open', { counts: [{ denomination: 10000, count: 2 }] });
  await until('9001 for 1001', () => center.signIns().some((s) => s.opter_no === '1001'));
  const signNo = center.signIns().find((s) => s.opter_no === '1001')!.sign_no;

  const wu = DEMO_PERSONS[8]!;
  const v = await call(cashier, 'center.lookupPerson', { certType: '03', certNo: wu.card_no, cardSn: wu.card_sn });
  expect(v).toMatchObject({ psnNo: wu.psn_no, source: 'live', national: { treatment: { entitled: true }, filings: [expect.objectContaining({ code: 'E11' })] } });
  const lookup = center.envelopes().filter((e) => ['1101', '2001', '5206', '5301', '5302'].includes(e.infno));
  expect(lookup.length).toBeGreaterThanOrEqual(5);
  for (const e of lookup) expect(e).toMatchObject({ opter: '1001', sign_no: signNo });
  expect(app.center.national.filings(wu.psn_no)?.map((f) => f.code)).toEqual(['E11']);
  expect(app.center.national.bindings(wu.psn_no)?.[0]).toMatchObject({ bizType: '02', here: true });

  await call(cashier, 'shift.close', { counts: [{ denomination: 10000, count: 2 }] });
  await until('9002 for 1001', () => center.signIns().find((s) => s.sign_no === signNo)?.signed_out === 1);
  // The window forgets the number once the center answered (before the app closes under it).
  await until('sign_no forgotten', () => app.db.prepare("SELECT 1 FROM center_state WHERE key = 'sign_no:1001'").get() === undefined);
  expect(center.envelopes().filter((e) => e.infno === '9002').at(-1)).toMatchObject({ opter: '1001', sign_no: signNo });
});

it("the supervisor's reconciliation speaks 3201 and 3202 (9101/9102) and traces a settlement the window lacks to it by the chain journal", async () => {
  const supervisor = newSession('test');
  await call(supervisor, 'auth.login', { operatorId: '2001', pin: '246810' });
  const today = chinaDate(new Date());
  const empty = await call(supervisor, 'reconcile.run', { from: today, to: today });
  expect(empty.result).toBe('match');
  expect(empty.groups.map((g) => `${g.insutype}/${g.clrType}/${g.setlOptins}`)).toEqual(['310/11/990100', '390/11/990100']);

  // A visit settled at the center by a chain of this window whose local row is missing.
  const client = new CenterClient(app.db, app.clock, silentLogger, { url: center.url, institutionCode: INSTITUTION, terminalNo: '09', institutionName: '示范', institutionSecret: SECRET, areaCode: '990100', caFile: '' });
  const runner = new NationalChainRunner(new ChainStore(app.db), client, app.clock);
  runner.start('CH-LOST', { ...chainSpec(1), begntime: `${today} 09:00:00` }, 'S-LOST');
  let r = await runner.drive('CH-LOST');
  for (let i = 0; i < 4 && r.kind === 'pending'; i++) r = await runner.drive('CH-LOST');
  client.close();
  expect(r.kind).toBe('settled');

  const run = await call(supervisor, 'reconcile.run', { from: today, to: today });
  expect(run.result).toBe('mismatch');
  expect(run.groups.find((g) => g.insutype === '310')).toMatchObject({ match: false, mismatchedDays: [today] });
  expect(run.discrepancies).toEqual([expect.objectContaining({ kind: 'only_center', settlementId: 'S-LOST', adviceCode: 'only_center' })]);
  const statement = center.envelopes().filter((e) => ['3201', '9101', '3202', '9102'].includes(e.infno));
  expect(statement.map((e) => e.infno)).toEqual(['3201', '3201', '3201', '3201', '9101', '3202', '9102']);
  expect(statement.every((e) => e.opter === '2001' && e.sign_no)).toBe(true);
});
