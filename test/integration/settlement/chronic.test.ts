// Chronic-disease visits (门慢门特, issue 17) and resident outpatient pooling only at the bound
// clinic (5302), settled by the real app on a real SQLite file against the real sandbox center
// in both protocols — ours (the filings and bindings come with 1101, docs/CENTER.md) and the
// national one (5301 / 5302, the chain 2201 → 2207): the split by the filed disease's rules,
// computed by hand below; the refusal of a diagnosis not filed; the same from the offline
// cache; the center's own split agreeing (confirmed, not adjusted).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../electron/app/create-app';
import type { SettleInput, SettlementView } from '../../../electron/api/contract/settlement';
import { newSession, type Session } from '../../../electron/api/session';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { readYear } from '../../../electron/center/sandbox/store';
import { callApp, callOk } from '../../helpers/app-call';
import { tempDir } from '../../helpers/temp-app';
import { openClient, prepareClient, SETTLEABLE, startCenter } from './fixtures';
import { rowCount } from '../../helpers/db-rows';

let dir: string;
let center: SandboxCenter;
let app: App;
let cashier: Session;
let protocol: 'simple' | 'national';

const byName = (name: string) => SETTLEABLE.find((p) => p.psn_name === name)!;
const MET = 'XA10BA144A001010101044'; // 二甲双胍片 A, on the E11 list
const STRIP = 'C14020100323418'; // 血糖试纸 A, price cap 3.50, on the E11 list
const AMOX = 'XJ01CAA040A001010101445'; // 阿莫西林 A, not on the E11 list
const chronicBill = (diagnoses: string[], items: SettleInput['items'] = [
  { code: MET, unitPrice: '12.50', quantity: '4' },
  { code: AMOX, unitPrice: '12.50', quantity: '1' },
  { code: STRIP, unitPrice: '4.00', quantity: '10' },
]): SettleInput => ({ person: { certType: '02', certNo: byName('吴婷').certno }, visit: { visitType: 'chronic', diagnoses }, items, useAccount: true });

const settle = (input: SettleInput): Promise<SettlementView> => callOk(app, cashier, 'settlement.settle', input);
const count = (table: string) => rowCount(app.db, table);

describe.each(['simple', 'national'] as const)('protocol %s', (p) => {
  beforeAll(async () => {
    protocol = p;
    dir = tempDir(`settle-chronic-${p}-`);
    center = await startCenter(join(dir, 'center'));
    const flags: Record<string, string> = p === 'national' ? { centerProtocol: 'national', centerAnswerWaitSeconds: '5' } : {};
    app = await openClient({ dataDir: join(dir, 'client'), centerUrl: center.url, flags });
    await prepareClient(app);
    app.settlement.configureOutbox({ backoff: { baseMs: 10, capMs: 50 }, pollMs: 20 });
    cashier = newSession('test');
    await callOk(app, cashier, 'auth.login', { operatorId: '1001', pin: '1234' });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await center?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('a chronic-disease visit', () => {
    it('the lookup brings the filings and bindings (ours: in 1101; national: 5301 / 5302), cached with the view', async () => {
      const v = await app.center.lookupPerson({ certType: '02', certNo: byName('吴婷').certno });
      const filings = protocol === 'national' ? v.national?.filings : v.filings;
      const bindings = protocol === 'national' ? v.national?.bindings : v.bindings;
      expect(filings).toEqual([{ code: 'E11', name: '2型糖尿病', begin: '2024-03-01', end: null, valid: true }]);
      expect(bindings).toEqual([expect.objectContaining({ bizType: '02', institutionCode: 'H99010000001', here: true, valid: true })]);
      expect(v.accumulators['chronic-E11']).toEqual({ eligible: 320000, fundPaid: 270000 });
    });

    it('refuses a diagnosis that is not a filed disease, with its code and words, and writes nothing', async () => {
      const n = [count('settlements'), count('outbox')];
      const r = await callApp(app, cashier, 'settlement.settle', chronicBill(['I10']));
      expect(r).toMatchObject({ ok: false, error: { code: 'CHRONIC_NOT_FILED' } });
      if (!r.ok) expect(r.error.message).toMatch(/门诊慢特病就诊须以已备案的病种作为诊断.*E11 2型糖尿病/);
      expect([count('settlements'), count('outbox')]).toEqual(n);
    });

    it("settles by E11's rules, explained line by line, and the center's split agrees", async () => {
      // By hand (demo policy, E11 employee rule: deductible 200.00/year, 90 %, limit 8000.00;
      // 吴婷's chronic-E11 year: eligible 3200.00, fund paid 2700.00 — the deductible is met):
      //   二甲双胍片 12.50 × 4 = 5000 eligible; 阿莫西林 12.50 × 1 = 1250 not on the E11 list → own pay;
      //   血糖试纸 4.00 × 10 = 4000, over the 3.50 cap 500, eligible 3500.
      //   total 10250; eligible 8500; fund 8500 × 0.9 = 7650; co-pay 850; personal 10250 − 7650 = 2600;
      //   account (in-policy only) 850; cash 2600 − 850 = 1750 (= 1250 + 500).
      const before = readYear(center.db, byName('吴婷').psn_no)!.accumulators['chronic-E11'];
      expect(before).toEqual({ eligible: 320000, fundPaid: 270000 });
      const v = await settle(chronicBill(['E11.900']));
      expect(v.money).toMatchObject({ total: 10250, fullOwnPay: 1250, overLimitSelfPay: 500, eligible: 8500, deductible: 0, fundPay: 7650, coPay: 850, personalTotal: 2600, accountPay: 850, cashPay: 1750 });
      expect(v.scheme).toBe('emp-chronic');
      const texts = v.explanation.map((l) => l.text);
      expect(texts).toContain('门诊慢特病 E11 2型糖尿病（备案有效期 2024-03-01 至 长期）：按该病种的起付线、支付比例、年度限额和用药范围结算');
      expect(texts).toContain('阿莫西林胶囊 不在2型糖尿病病种支付范围内，全额自付: 12.50 元');
      expect(texts).toContain('统筹支付 90% × 85.00 = 76.50 元');
      await app.settlement.drain({ untilEmpty: true, timeoutMs: 10_000 });
      expect(app.settlement.get(v.id)!.state).toBe('confirmed');
      expect(readYear(center.db, byName('吴婷').psn_no)!.accumulators['chronic-E11']).toEqual({ eligible: 328500, fundPaid: 277650 });
    });

    it('settles offline from the cached filings, and the center confirms it on upload', async () => {
      await center.setOffline(true);
      await app.center.probeNow();
      expect(app.center.isOnline()).toBe(false);
      // By hand: 二甲双胍片 12.50 × 2 = 2500, all eligible; fund 2500 × 0.9 = 2250; co-pay 250;
      // account 250; cash 0. The year goes on from the last settlement (328500 / 277650).
      const v = await settle(chronicBill(['E11'], [{ code: MET, unitPrice: '12.50', quantity: '2' }]));
      expect(v).toMatchObject({ online: false, provisional: true });
      expect(v.money).toMatchObject({ total: 2500, fundPay: 2250, coPay: 250, accountPay: 250, cashPay: 0 });
      // A diagnosis not filed is refused offline just the same.
      expect(await callApp(app, cashier, 'settlement.settle', chronicBill(['J44']))).toMatchObject({ ok: false, error: { code: 'CHRONIC_NOT_FILED' } });
      await center.setOffline(false);
      await app.center.probeNow();
      await app.settlement.drain({ untilEmpty: true, timeoutMs: 10_000 });
      expect(app.settlement.get(v.id)!.state).toBe('confirmed');
      expect(readYear(center.db, byName('吴婷').psn_no)!.accumulators['chronic-E11']).toEqual({ eligible: 331000, fundPaid: 279900 });
    });
  });

  describe('resident outpatient pooling only at the bound clinic', () => {
    const outpatient = (name: string): SettleInput => ({
      person: { certType: '02', certNo: byName(name).certno },
      visit: { visitType: 'outpatient', hospitalLevel: 1 },
      items: [{ code: AMOX, unitPrice: '12.50', quantity: '20' }],
      useAccount: false,
    });

    it('bound elsewhere (徐丽): the fund pays nothing, the explanation says where she is bound, the center agrees', async () => {
      const v = await settle(outpatient('徐丽'));
      // 12.50 × 20 = 25000, all in policy; not pooled here: all of it the patient's, in cash.
      expect(v.money).toMatchObject({ total: 25000, eligible: 25000, deductible: 0, fundPay: 0, coPay: 25000, cashPay: 25000 });
      expect(v.explanation.map((l) => l.text)).toContain('参保人的门诊统筹定点机构是 示范第二社区卫生服务站，不是本机构：统筹基金不予支付，统筹范围内 250.00 元由个人负担（不计入起付线和年度累计）');
      await app.settlement.drain({ untilEmpty: true, timeoutMs: 10_000 });
      expect(app.settlement.get(v.id)!.state).toBe('confirmed');
      expect(readYear(center.db, byName('徐丽').psn_no)!.accumulators['res-outpatient']).toBeUndefined();
    });

    it('bound here (王芳): pooled — deductible 100.00 at level 1, then 55 %', async () => {
      const v = await settle(outpatient('王芳'));
      // eligible 25000; deductible 10000; fund (25000 − 10000) × 0.55 = 8250; co-pay 6750; cash 16750.
      expect(v.money).toMatchObject({ total: 25000, deductible: 10000, fundPay: 8250, coPay: 6750, cashPay: 16750 });
      await app.settlement.drain({ untilEmpty: true, timeoutMs: 10_000 });
      expect(app.settlement.get(v.id)!.state).toBe('confirmed');
    });
  });
});
