// The window settles through the national chain and the supervisor reconciles in the national
// protocol (issue 16): settlements, a refund (the chain undone) and their center-agreed amounts
// agree with the sandbox center's 3201 totals — no false discrepancy; a settlement whose local
// amount drifts is found by 3202 (9101/9102) and traced to that settlement. Real app, real
// SQLite, the real sandbox center over HTTP.
import type { CallInput, CallName } from '../../../electron/api/contract';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../../electron/app/create-app';
import { chinaDate } from '../../../electron/app/clock';
import type { SettleInput, SettlementView } from '../../../electron/api/contract/settlement';
import type { Session } from '../../../electron/api/session';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { SETTLEABLE } from '../settlement/fixtures';
import { openDesk, type Desk } from '../../helpers/settlement-desk';
import { callOk } from '../../helpers/app-call';

let desk: Desk;
let center: SandboxCenter;
let app: App;
let cashier: Session;
let supervisor: Session;
const AMOX = 'XJ01CAA040A001010101445';
const CEFU = 'XJ01DCC040A001010101234';

const call = <N extends CallName>(s: Session, name: N, input: CallInput<N>) => callOk(app, s, name, input);
const bill = (name: string, quantity: string): SettleInput => ({
  person: { certType: '02', certNo: SETTLEABLE.find((p) => p.psn_name === name)!.certno },
  visit: { visitType: 'outpatient' },
  items: [{ code: AMOX, unitPrice: '12.50', quantity }, { code: CEFU, unitPrice: '28.00', quantity: '1' }],
  useAccount: true,
});

beforeAll(async () => {
  desk = await openDesk('reconcile-national-window-', { flags: { centerProtocol: 'national', centerAnswerWaitSeconds: '5' }, supervisor: true });
  ({ app, center, cashier, supervisor } = desk);
  app.settlement.worker.start();
}, 60_000);

afterAll(() => desk?.close());

it('settled and refunded through the chain: the national reconciliation agrees; a drifted amount is traced to its settlement', async () => {
  const names = [...new Set(SETTLEABLE.map((p) => p.psn_name))].slice(0, 3);
  const made: SettlementView[] = [];
  for (const [i, name] of names.entries()) made.push(await call(cashier, 'settlement.settle', bill(name, String(1 + i))));
  await app.settlement.drain({ untilEmpty: true, timeoutMs: 20_000 });
  await call(cashier, 'settlement.refund', { id: made[0]!.id, supervisorId: '2001', supervisorPin: '246810', reason: '患者取消' });
  await app.settlement.drain({ untilEmpty: true, timeoutMs: 20_000 });
  const today = chinaDate(new Date());

  const ok = await call(supervisor, 'reconcile.run', { from: today, to: today });
  expect(ok.groups.every((g) => g.match), JSON.stringify(ok.groups)).toBe(true);
  expect(ok.result).toBe('match');
  expect(ok.groups.reduce((n, g) => n + g.local.count, 0)).toBe(4); // three settlements and the refund

  // A local amount that drifted (as a damaged row would): 3201 differs, 3202 names the settlement.
  const drifted = made[1]!.id;
  app.db.prepare('UPDATE settlements SET total = total + 1, cash_pay = cash_pay + 1 WHERE id = ?').run(drifted);
  const bad = await call(supervisor, 'reconcile.run', { from: today, to: today });
  expect(bad.result).toBe('mismatch');
  expect(bad.discrepancies).toEqual([expect.objectContaining({ kind: 'amount_differs', settlementId: drifted, day: today })]);
  expect(center.envelopes().filter((e) => ['9101', '3202', '9102'].includes(e.infno)).map((e) => e.infno)).toEqual(['9101', '3202', '9102']);
}, 120_000);
