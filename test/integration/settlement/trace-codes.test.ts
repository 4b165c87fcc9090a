// Drug traceability codes (issue 17) on a real app, a real SQLite file and the real sandbox
// center over HTTP: one code per package, a code sold once — across bills, across a restart,
// across two windows reporting to the same center — freed by a refund; the no-code path audited
// and reported; the codes reaching the center on the 2207's fee lines.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../electron/app/create-app';
import type { CallInput, CallName } from '../../../electron/api/contract';
import type { SettleInput, SettlementView } from '../../../electron/api/contract/settlement';
import { newSession, type Session } from '../../../electron/api/session';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { tempDir } from '../../helpers/temp-app';
import { openClient, prepareClient, SETTLEABLE, startCenter } from './fixtures';
import { callApp } from '../../helpers/app-call';
import { rowCount } from '../../helpers/db-rows';
import { many, value, values } from '../../../electron/db/sql';
import { z } from 'zod';

let dir: string;
let center: SandboxCenter;
let app: App;
let cashier: Session;

const AMOX = 'XJ01CAA040A001010101445'; // drug
const CEF = 'XJ01DCC040A001010101234'; // drug
const VISIT = '001102000010000'; // service
const FLAGS = { traceCodesRequired: 'true', traceCodeFormats: '[{"name":"GS1","pattern":"^01\\\\d{14}21[0-9A-Za-z]{4,20}$"}]' };
const zhang = SETTLEABLE.find((p) => p.psn_name === '张伟')!;
const li = SETTLEABLE.find((p) => p.psn_name === '李秀英')!;

let serial = 0;
/** A fresh code of the common scheme (8 + 19 digits). */
const code = () => `8${String(Date.now() % 1e9).padStart(9, '0')}${String(++serial).padStart(10, '0')}`;

const bill = (items: SettleInput['items'], who = zhang, extra: Partial<SettleInput> = {}): SettleInput => ({
  person: { certType: '02', certNo: who.certno },
  visit: { visitType: 'outpatient' },
  items,
  useAccount: true,
  ...extra,
});
const count = (table: string) => rowCount(app.db, table);

const call = <N extends CallName>(s: Session, name: N, input: CallInput<N>) => callApp(app, s, name, input);
async function settle(input: SettleInput): Promise<SettlementView> {
  const r = await call(cashier, 'settlement.settle', input);
  if (!r.ok) throw new Error(`settle refused: ${r.error.code} ${r.error.message}`);
  return r.value;
}
async function refusal(input: SettleInput): Promise<{ code: string; details?: Record<string, unknown> }> {
  const before = { s: count('settlements'), t: count('trace_codes'), o: count('outbox') };
  const r = await call(cashier, 'settlement.settle', input);
  expect(r.ok).toBe(false);
  // A refusal writes nothing.
  expect({ s: count('settlements'), t: count('trace_codes'), o: count('outbox') }).toEqual(before);
  return r.ok ? { code: '' } : { code: r.error.code, details: r.error.details as Record<string, unknown> };
}
const supervisor = { supervisorId: '2001', supervisorPin: '246810' };

async function open(dataDir: string): Promise<App> {
  const a = await openClient({ dataDir, centerUrl: center.url, flags: FLAGS });
  await prepareClient(a);
  return a;
}
async function login(a: App): Promise<Session> {
  const s = newSession('test');
  expect((await callApp(a, s, 'auth.login', { operatorId: '1001', pin: '1234' })).ok).toBe(true);
  return s;
}
/**
 * The codes the center holds as sold (the sandbox's own table joined to standing sales). A code
 * is there once per message naming it: the 2207's fee line and its 3505 report (issue 17).
 */
const centerSold = (codes: string[]) =>
  values(
    center.db,
    `SELECT DISTINCT t.code FROM trace_sales t LEFT JOIN settlements s ON s.setl_id = t.setl_id
     WHERE t.code IN (SELECT value FROM json_each(:codes)) AND t.state = 'active' AND t.returned_by IS NULL AND (t.setl_id IS NULL OR (s.state = 'active' AND s.cancelled_by IS NULL))`,
    { codes: JSON.stringify(codes) },
    z.string(),
  ).sort();

beforeAll(async () => {
  dir = tempDir('trace-codes-');
  center = await startCenter(join(dir, 'center'));
  app = await open(join(dir, 'client'));
  cashier = await login(app);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await center?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a drug line needs one code per package', () => {
  it('without all its codes it is refused (TRACE_CODES_MISSING, line and counts named), nothing written', async () => {
    const r = await refusal(bill([{ code: VISIT, unitPrice: '10.00', quantity: '1' }, { code: AMOX, unitPrice: '12.50', quantity: '3', traceCodes: [code(), code()] }]));
    expect(r.code).toBe('TRACE_CODES_MISSING');
    expect(r.details).toMatchObject({ lineNo: 2, code: AMOX, scanned: 2, packages: 3 });
  });

  it('a fractional quantity opens a package: 1.5 boxes need 2 codes', async () => {
    const r = await refusal(bill([{ code: AMOX, unitPrice: '12.50', quantity: '1.5', traceCodes: [code()] }]));
    expect(r.details).toMatchObject({ packages: 2, scanned: 1 });
  });

  it('more codes than packages, a code on a service line, a malformed code: each refused with its code', async () => {
    expect((await refusal(bill([{ code: AMOX, unitPrice: '12.50', quantity: '1', traceCodes: [code(), code()] }]))).code).toBe('TRACE_CODES_TOO_MANY');
    expect((await refusal(bill([{ code: VISIT, unitPrice: '10.00', quantity: '1', traceCodes: [code()] }]))).code).toBe('TRACE_CODE_NOT_DRUG');
    for (const bad of ['8123', '91234567890123456789', '8123456789012345678X', '81234567890 123456789']) {
      const r = await refusal(bill([{ code: AMOX, unitPrice: '12.50', quantity: '1', traceCodes: [bad] }]));
      expect(r.code, bad).toBe('TRACE_CODE_INVALID');
    }
  });

  it('a configured format (GS1 here) is accepted; the same code twice in one bill is refused', async () => {
    const gs1 = `0106912345678901211${String(Date.now()).slice(-8)}`;
    const c = code();
    expect((await refusal(bill([{ code: AMOX, unitPrice: '12.50', quantity: '1', traceCodes: [c] }, { code: CEF, unitPrice: '28.00', quantity: '1', traceCodes: [c] }]))).code).toBe(
      'TRACE_CODE_REPEATED',
    );
    const v = await settle(bill([{ code: AMOX, unitPrice: '12.50', quantity: '2', traceCodes: [c, gs1] }]));
    expect(v.lines[0]!.traceCodes).toEqual([c, gs1]);
    expect(value(app.db, 'SELECT format FROM trace_codes WHERE code = :code', { code: gs1 }, z.string())).toBe('GS1');
  });
});

describe('a code is sold once', () => {
  it('travels with the settlement to the center (2207 feedetail drugtracinfo), and a second sale is refused with when and to whom', async () => {
    const codes = [code(), code()];
    const first = await settle(bill([{ code: VISIT, unitPrice: '10.00', quantity: '1' }, { code: AMOX, unitPrice: '12.50', quantity: '2', traceCodes: codes }]));
    expect(first.state).toBe('confirmed');
    expect(first.lines[1]!.traceCodes).toEqual(codes);
    expect(centerSold(codes)).toEqual([...codes].sort());
    // The upload's payload names them on the drug line only.
    const payload = JSON.parse(value(app.db, "SELECT payload FROM outbox WHERE settlement_id = :id AND kind = 'upload'", { id: first.id }, z.string())!) as {
      feedetail: { drugtracinfo?: { drug_trac_codg: string }[] }[];
    };
    expect(payload.feedetail[0]!.drugtracinfo).toBeUndefined();
    expect(payload.feedetail[1]!.drugtracinfo).toEqual(codes.map((c) => ({ drug_trac_codg: c })));

    // Another patient, another bill: the scan is refused at once, and so is the settle.
    const scan = await call(cashier, 'trace.check', { code: `  ${codes[1]!}\r\n`, inBill: [] });
    expect(scan.ok).toBe(false);
    if (!scan.ok) {
      expect(scan.error.code).toBe('TRACE_CODE_SOLD');
      expect(scan.error.details).toMatchObject({ code: codes[1], settlementId: first.id, patient: '张*' });
      expect(String((scan.error.details as { soldAt: string }).soldAt)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
      // The words never carry the whole name.
      expect(scan.error.message).not.toContain('张伟');
    }
    const r = await refusal(bill([{ code: AMOX, unitPrice: '12.50', quantity: '1', traceCodes: [codes[1]!] }], li));
    expect(r.code).toBe('TRACE_CODE_SOLD');
    expect(r.details).toMatchObject({ settlementId: first.id, patient: '张*' });
  });

  it('trace.check: a fresh code passes with its scheme; one already in the bill is refused', async () => {
    const c = code();
    const ok = await call(cashier, 'trace.check', { code: c, inBill: [] });
    expect(ok.ok && ok.value).toEqual({ code: c, format: 'common' });
    const again = await call(cashier, 'trace.check', { code: c, inBill: [c] });
    expect(!again.ok && again.error.code).toBe('TRACE_CODE_REPEATED');
    const bad = await call(cashier, 'trace.check', { code: 'hello', inBill: [] });
    expect(!bad.ok && bad.error.code).toBe('TRACE_CODE_INVALID');
  });

  it('still refused after a restart (the database, not memory, holds the sale)', async () => {
    const c = code();
    await settle(bill([{ code: AMOX, unitPrice: '12.50', quantity: '1', traceCodes: [c] }]));
    await app.close();
    app = await open(join(dir, 'client'));
    cashier = await login(app);
    expect((await refusal(bill([{ code: AMOX, unitPrice: '12.50', quantity: '1', traceCodes: [c] }], li))).code).toBe('TRACE_CODE_SOLD');
  });

  it('a refund frees the code (here and at the center): the package may be sold again', async () => {
    const c = code();
    const sold = await settle(bill([{ code: AMOX, unitPrice: '12.50', quantity: '1', traceCodes: [c] }]));
    const refund = await call(cashier, 'settlement.refund', { id: sold.id, ...supervisor, reason: '患者退药' });
    expect(refund.ok).toBe(true);
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 10_000 });
    expect(centerSold([c])).toEqual([]);
    const again = await settle(bill([{ code: AMOX, unitPrice: '12.50', quantity: '1', traceCodes: [c] }], li));
    expect(again.state).toBe('confirmed');
    expect(centerSold([c])).toEqual([c]);
    // The history keeps both sales: the first freed by its refund.
    const rows = many(app.db, 'SELECT settlement_id, freed_by FROM trace_codes WHERE code = :code ORDER BY id', { code: c }, z.object({ settlement_id: z.string(), freed_by: z.string().nullable() }));
    expect(rows).toEqual([
      { settlement_id: sold.id, freed_by: refund.ok ? refund.value.id : '' },
      { settlement_id: again.id, freed_by: null },
    ]);
  });

  it('a partial refund frees the returned line and keeps the other line\'s codes with the new settlement', async () => {
    const kept = [code(), code()];
    const back = code();
    const sold = await settle(bill([{ code: AMOX, unitPrice: '12.50', quantity: '2', traceCodes: kept }, { code: CEF, unitPrice: '28.00', quantity: '1', traceCodes: [back] }]));
    const r = await call(cashier, 'settlement.partialRefund', { id: sold.id, lineNos: [2], ...supervisor, reason: '退一种药' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.resettled.lines[0]!.traceCodes).toEqual(kept);
    await app.settlement.drain({ untilEmpty: true, timeoutMs: 10_000 });
    expect(centerSold([...kept, back])).toEqual([...kept].sort());
    expect((await refusal(bill([{ code: AMOX, unitPrice: '12.50', quantity: '1', traceCodes: [kept[0]!] }], li))).code).toBe('TRACE_CODE_SOLD');
    expect((await settle(bill([{ code: CEF, unitPrice: '28.00', quantity: '1', traceCodes: [back] }], li))).lines[0]!.traceCodes).toEqual([back]);
  });

  it('a code sold through another window of the same center is refused by the center: the upload is rejected with when and to whom', async () => {
    const other = await openClient({ dataDir: join(dir, 'other'), centerUrl: center.url, flags: FLAGS });
    try {
      await prepareClient(other);
      const s2 = await login(other);
      const c = code();
      const r2 = await callApp(other, s2, 'settlement.settle', bill([{ code: AMOX, unitPrice: '12.50', quantity: '1', traceCodes: [c] }], li));
      expect(r2.ok).toBe(true);
      // This window has never seen it: the local check passes, the center refuses the sale.
      const v = await settle(bill([{ code: AMOX, unitPrice: '12.50', quantity: '1', traceCodes: [c] }]));
      expect(v.state).toBe('rejected');
      expect(v.uploads[0]).toMatchObject({ state: 'rejected', rejectCode: 'TRACE_CODE_SOLD' });
      expect(v.uploads[0]!.rejectReason).toMatch(new RegExp(`追溯码 ${c} 已于 \\d{4}-\\d{2}-\\d{2} .*售出（李\\*+）`));
    } finally {
      await other.close();
    }
  });
});

describe('old stock without codes (无码)', () => {
  it('is its own path: a reason, audited, counted in the supervisor report (refunded lines set apart)', async () => {
    const v = await settle(bill([{ code: CEF, unitPrice: '28.00', quantity: '2', noCodeReason: '2025年旧库存，包装无追溯码' }]));
    expect(v.lines[0]).toMatchObject({ traceCodes: [], noCodeReason: '2025年旧库存，包装无追溯码' });
    const detail = value(app.db, "SELECT detail FROM audit_log WHERE action = 'trace.noCode' AND subject = :id", { id: v.id }, z.string());
    expect(detail).toBeDefined();
    expect(JSON.parse(detail!)).toMatchObject({ lines: [{ lineNo: 1, code: CEF, packages: 2, reason: '2025年旧库存，包装无追溯码' }] });
    // Codes and a no-code reason on one line contradict each other.
    expect((await refusal(bill([{ code: CEF, unitPrice: '28.00', quantity: '1', traceCodes: [code()], noCodeReason: '旧库存' }]))).code).toBe('TRACE_NO_CODE_WITH_CODES');

    const sup = newSession('test');
    expect((await callApp(app, sup, 'auth.login', { operatorId: '2001', pin: '246810' })).ok).toBe(true);
    const day = v.createdAt.slice(0, 10);
    const report = await callApp(app, sup, 'trace.noCodeReport', { from: '2000-01-01', to: '2099-12-31' });
    expect(report.ok).toBe(true);
    if (!report.ok) return;
    const rep = report.value as { packages: number; byOperator: unknown[]; byItem: unknown[]; lines: { settlementId: string }[] };
    expect(rep.lines.some((l) => l.settlementId === v.id)).toBe(true);
    expect(rep.byItem).toContainEqual({ itemCode: CEF, lines: 1, packages: 2 });
    expect(rep.byOperator).toContainEqual({ operatorId: '1001', lines: 1, packages: 2 });
    // A cashier may not read it.
    expect((await callApp(app, cashier, 'trace.noCodeReport', { from: day, to: day })).ok).toBe(false);
  });

  it('where the fund refuses drugs without codes, such a line is sold only as own-pay', async () => {
    const strict = await openClient({ dataDir: join(dir, 'strict'), centerUrl: center.url, flags: { ...FLAGS, traceNoCodeFundRefuses: 'true' } });
    try {
      await prepareClient(strict);
      const s = await login(strict);
      const refused = await callApp(strict, s, 'settlement.settle', bill([{ code: CEF, unitPrice: '28.00', quantity: '1', noCodeReason: '旧库存无码' }]));
      expect(!refused.ok && refused.error.code).toBe('TRACE_NO_CODE_FUND_REFUSES');
      const rules = await callApp(strict, s, 'trace.rules', {});
      expect(rules.ok && rules.value).toEqual({ required: true, fundRefusesNoCode: true, formats: ['GS1'] });
      const ownPay = await callApp(strict, s, 'settlement.settle', bill([{ code: CEF, unitPrice: '28.00', quantity: '1', ownPay: true, noCodeReason: '旧库存无码' }]));
      expect(ownPay.ok).toBe(true);
    } finally {
      await strict.close();
    }
  });
});
