// Dispensing stock per batch (issue 17, docs/STOCK.md): real app, real SQLite files, the real
// sandbox center over HTTP. Purchases by a supervisor; a settlement's drug lines taken earliest
// expiry first in its own transaction; short stock refused at preview and settle with nothing
// written; a refund (full or partial) gives back exactly the batches the sale took; expired
// batches are not sold; selling beyond stock only when the setting allows; off by default.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../electron/app/create-app';
import type { SettleInput } from '../../../electron/api/contract/settlement';
import type { StockBatchView } from '../../../electron/api/contract/stock';
import { newSession, type Session } from '../../../electron/api/session';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { callApp, callOk } from '../../helpers/app-call';
import { tempDir } from '../../helpers/temp-app';
import { openClient, prepareClient, SETTLEABLE, startCenter } from '../settlement/fixtures';
import { rowCount } from '../../helpers/db-rows';
import { many, value } from '../../../electron/db/sql';
import { z } from 'zod';

const AMOX = 'XJ01CAA040A001010101445'; // drug
const CEF = 'XJ01DCC040A001010101234'; // drug
const VISIT = '001102000010000'; // service
const zhang = SETTLEABLE.find((p) => p.psn_name === '张伟')!;
const supervisorPin = { supervisorId: '2001', supervisorPin: '246810' };

const bill = (items: SettleInput['items']): SettleInput => ({ person: { certType: '02', certNo: zhang.certno }, visit: { visitType: 'outpatient' }, items, useAccount: false });

async function login(app: App, id: string, pin: string): Promise<Session> {
  const s = newSession('test');
  const r = await callApp(app, s, 'auth.login', { operatorId: id, pin });
  if (!r.ok) throw new Error(r.error.message);
  return s;
}

describe('dispensing stock per batch', () => {
  let dir: string;
  let center: SandboxCenter;
  let app: App;
  let cashier: Session;
  let sup: Session;

  const purchase = (drugCode: string, batchNo: string, expiryDate: string, quantity: string) =>
    callOk(app, sup, 'stock.purchase', { drugCode, batchNo, expiryDate, productionDate: '2018-01-01', quantity, purchasePrice: '8.5', supplier: '国药控股' });
  const batch = (id: number) => app.stock.store.batchView(id)!;
  const movementsOf = (settlementId: string) =>
    many(
      app.db,
      'SELECT batch_id, kind, quantity, restores FROM stock_movements WHERE settlement_id = :settlementId ORDER BY id',
      { settlementId },
      z.object({ batch_id: z.number().int().nullable(), kind: z.string(), quantity: z.number().int(), restores: z.number().int().nullable() }),
    );
  const tables = () => app.db.prepare('SELECT (SELECT count(*) FROM stock_movements) AS m, (SELECT count(*) FROM settlements) AS s, (SELECT total(quantity) FROM stock_batches) AS q').get();

  beforeAll(async () => {
    dir = tempDir('stock-settlement-');
    center = await startCenter(join(dir, 'center'));
    app = await openClient({ dataDir: join(dir, 'client'), centerUrl: center.url, flags: { stockKeeping: 'true', centerAnswerWaitSeconds: '2' } });
    await prepareClient(app);
    cashier = await login(app, '1001', '1234');
    sup = await login(app, '2001', '246810');
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await center?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let late: StockBatchView;
  let early: StockBatchView;
  let cef: StockBatchView;

  it('a supervisor receives batches; a cashier may look but not receive; the same batch number twice and a service item are refused', async () => {
    late = await purchase(AMOX, 'A-LATE', '2029-06-30', '10');
    early = await purchase(AMOX, 'A-EARLY', '2028-01-31', '3');
    cef = await purchase(CEF, 'C-1', '2029-01-31', '5');
    expect([late.quantity, early.quantity, cef.quantity, late.purchasePrice]).toEqual(['10', '3', '5', 850]);
    const denied = await callApp(app, cashier, 'stock.purchase', { drugCode: AMOX, batchNo: 'X', expiryDate: '2029-01-01', quantity: '1', purchasePrice: '1', supplier: 's' });
    expect(!denied.ok && denied.error.code).toBe('FORBIDDEN');
    const twice = await callApp(app, sup, 'stock.purchase', { drugCode: AMOX, batchNo: 'A-LATE', expiryDate: '2029-01-01', quantity: '1', purchasePrice: '1', supplier: 's' });
    expect(!twice.ok && twice.error.code).toBe('STOCK_BATCH_EXISTS');
    const service = await callApp(app, sup, 'stock.purchase', { drugCode: VISIT, batchNo: 'V', expiryDate: '2029-01-01', quantity: '1', purchasePrice: '1', supplier: 's' });
    expect(!service.ok && service.error.code).toBe('STOCK_NOT_DRUG');
    const list = await callOk(app, cashier, 'stock.list', {});
    const amox = list.drugs.find((d) => d.drugCode === AMOX)!;
    expect(amox.quantity).toBe('13');
    // FEFO order on the screen too.
    expect(amox.batches.map((b) => b.batchNo)).toEqual(['A-EARLY', 'A-LATE']);
  });

  it('short stock is refused at preview and at settle with the line and the counts, nothing written', async () => {
    const before = tables();
    const items = [{ code: VISIT, unitPrice: '10.00', quantity: '1' }, { code: AMOX, unitPrice: '12.50', quantity: '14' }];
    const p = await callApp(app, cashier, 'settlement.preview', { person: bill(items).person, visit: bill(items).visit, items, useAccount: false });
    expect(!p.ok && p.error.code).toBe('STOCK_SHORT');
    if (!p.ok) expect(p.error.details).toMatchObject({ lineNo: 2, code: AMOX, need: '14', have: '13' });
    const s = await callApp(app, cashier, 'settlement.settle', bill(items));
    expect(!s.ok && s.error.code).toBe('STOCK_SHORT');
    expect(tables()).toEqual(before);
  });

  it('a sale takes the earliest expiry first, in its own transaction; a refund gives back the very batches', async () => {
    const v = await callOk(app, cashier, 'settlement.settle', bill([{ code: VISIT, unitPrice: '10.00', quantity: '1' }, { code: AMOX, unitPrice: '12.50', quantity: '4.5' }]));
    expect(batch(early.id).quantity).toBe('0');
    expect(batch(late.id).quantity).toBe('8.5');
    expect(movementsOf(v.id)).toEqual([
      { batch_id: early.id, kind: 'sale', quantity: -30_000, restores: null },
      { batch_id: late.id, kind: 'sale', quantity: -15_000, restores: null },
    ]);
    const r = await callOk(app, cashier, 'settlement.refund', { id: v.id, ...supervisorPin, reason: '患者退药' });
    expect(batch(early.id).quantity).toBe('3');
    expect(batch(late.id).quantity).toBe('10');
    const back = movementsOf(r.id);
    expect(back.map((m) => [m.batch_id, m.kind, m.quantity])).toEqual([
      [early.id, 'refund', 30_000],
      [late.id, 'refund', 15_000],
    ]);
    const detail = value(app.db, "SELECT detail FROM audit_log WHERE action = 'settlement.refund' AND subject = :id", { id: r.id }, z.string());
    expect(JSON.parse(detail!).stockRestored).toBe(2);
  });

  it('a partial refund gives back the returned line and keeps the rest taken', async () => {
    const v = await callOk(app, cashier, 'settlement.settle', bill([{ code: AMOX, unitPrice: '12.50', quantity: '2' }, { code: CEF, unitPrice: '28.00', quantity: '1' }]));
    expect([batch(early.id).quantity, batch(cef.id).quantity]).toEqual(['1', '4']);
    const part = await callOk(app, cashier, 'settlement.partialRefund', { id: v.id, lineNos: [2], ...supervisorPin, reason: '头孢不要了' });
    expect([batch(early.id).quantity, batch(late.id).quantity, batch(cef.id).quantity]).toEqual(['1', '10', '5']);
    // Taken once more under the new settlement, from the same (earliest) batch.
    expect(movementsOf(part.resettled.id).map((m) => [m.batch_id, m.quantity])).toEqual([[early.id, -20_000]]);
    expect(movementsOf(v.id).every((m) => m.kind === 'sale')).toBe(true);
  });

  it('self-pay sales take stock too; an expired batch is never sold', async () => {
    const old = await purchase(CEF, 'C-OLD', '2020-01-31', '50');
    expect(old.expiry).toBe('expired');
    const items = [{ code: CEF, unitPrice: '28.00', quantity: '6' }];
    const refused = await callApp(app, cashier, 'settlement.settle', { ...bill(items), selfPay: true, patientName: '王五' });
    expect(!refused.ok && refused.error.code).toBe('STOCK_SHORT');
    const v = await callOk(app, cashier, 'settlement.settle', { ...bill([{ code: CEF, unitPrice: '28.00', quantity: '5' }]), selfPay: true, patientName: '王五' });
    expect(movementsOf(v.id).map((m) => m.batch_id)).toEqual([cef.id]);
    expect(batch(old.id).quantity).toBe('50');
    expect(batch(cef.id).quantity).toBe('0');
  });

  it('purchase return, adjustments and a stock-take change the batch and are each one movement', async () => {
    await callOk(app, sup, 'stock.purchaseReturn', { batchId: late.id, quantity: '2', reason: '包装破损退回供应商' });
    const tooMuch = await callApp(app, sup, 'stock.purchaseReturn', { batchId: late.id, quantity: '9', reason: '退货' });
    expect(!tooMuch.ok && tooMuch.error.code).toBe('STOCK_NOT_ENOUGH');
    await callOk(app, sup, 'stock.adjust', { batchId: late.id, kind: 'damage', direction: 'in', quantity: '1', reason: '摔碎' });
    await callOk(app, sup, 'stock.adjust', { batchId: late.id, kind: 'count', direction: 'in', quantity: '0.5', reason: '盘盈' });
    const counted = await callOk(app, sup, 'stock.inventory', { batchId: late.id, counted: '7' });
    expect(counted.quantity).toBe('7');
    const moves = await callOk(app, cashier, 'stock.movements', { batchId: late.id });
    // Newest first: the count's difference (7.5 → 7), the 盘盈, the damage (taken out whatever the direction), the return.
    expect(moves.slice(0, 4).map((m) => [m.kind, m.quantity])).toEqual([
      ['inventory', '-0.5'],
      ['count', '0.5'],
      ['damage', '-1'],
      ['purchase_return', '-2'],
    ]);
    expect(moves.slice(0, 4).map((m) => m.report?.infno)).toEqual(['3501', '3502', '3502', '3504']);
  });
});

describe('stock keeping settings', () => {
  let dir: string;
  let center: SandboxCenter;

  beforeAll(async () => {
    dir = tempDir('stock-settings-');
    center = await startCenter(join(dir, 'center'));
  }, 60_000);
  afterAll(async () => {
    await center?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('off by default: a drug with no stock settles and nothing is taken', async () => {
    const app = await openClient({ dataDir: join(dir, 'off'), centerUrl: center.url });
    try {
      await prepareClient(app);
      const cashier = await login(app, '1001', '1234');
      const r = await callApp(app, cashier, 'settlement.settle', bill([{ code: AMOX, unitPrice: '12.50', quantity: '2' }]));
      expect(r.ok).toBe(true);
      expect(rowCount(app.db, 'stock_movements')).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('selling beyond stock allowed: the rest is taken from the latest batch (below zero), and given back by the refund', async () => {
    const app = await openClient({ dataDir: join(dir, 'neg'), centerUrl: center.url, flags: { stockKeeping: 'true', stockAllowNegative: 'true', centerAnswerWaitSeconds: '1' } });
    try {
      await prepareClient(app);
      const cashier = await login(app, '1001', '1234');
      const sup = await login(app, '2001', '246810');
      const b = await callApp(app, sup, 'stock.purchase', { drugCode: AMOX, batchNo: 'N1', expiryDate: '2029-01-31', quantity: '1', purchasePrice: '8.50', supplier: '国药' });
      if (!b.ok) throw new Error(b.error.message);
      const v = await callApp(app, cashier, 'settlement.settle', bill([{ code: AMOX, unitPrice: '12.50', quantity: '3' }, { code: CEF, unitPrice: '28.00', quantity: '1' }]));
      if (!v.ok) throw new Error(v.error.message);
      expect(app.stock.store.batchView(b.value.id)!.quantity).toBe('-2');
      // CEF has no batch at all: recorded unbatched.
      const cefRows = app.db.prepare('SELECT batch_id, quantity FROM stock_movements WHERE drug_code = ?').all(CEF);
      expect(cefRows).toEqual([{ batch_id: null, quantity: -10_000 }]);
      const r = await callApp(app, cashier, 'settlement.refund', { id: v.value.id, ...supervisorPin, reason: '退药' });
      expect(r.ok).toBe(true);
      expect(app.stock.store.batchView(b.value.id)!.quantity).toBe('1');
    } finally {
      await app.close();
    }
  }, 60_000);
});
