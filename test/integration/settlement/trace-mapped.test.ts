// A clinic's own drug code mapped to a national drug (对照, issue 16) is a drug (issue 17): it
// needs its traceability codes, its codes are kept and reported (3505 naming the clinic code and
// the national one), and it is kept in stock. Before, the journal asked the catalogue for the
// clinic code itself, found nothing, and settled the drug without a code. Real app, real SQLite,
// the sandbox center over HTTP in the national protocol.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../electron/app/create-app';
import type { SettleInput } from '../../../electron/api/contract/settlement';
import type { Session } from '../../../electron/api/session';
import { callApp, callOk } from '../../helpers/app-call';
import { openDesk, type Desk } from '../../helpers/settlement-desk';
import { SETTLEABLE } from './fixtures';
import { one } from '../../../electron/db/sql';
import { z } from 'zod';

const AMOX = 'XJ01CAA040A001010101445'; // a drug of the national catalogue
const zhang = SETTLEABLE.find((p) => p.psn_name === '张伟')!;
let serial = 0;
const traceCode = () => `8${String(Date.now() % 1e9).padStart(9, '0')}${String(++serial).padStart(10, '0')}`;

let desk: Desk;
let app: App;
let cashier: Session;
let sup: Session;
const bill = (items: SettleInput['items']): SettleInput => ({ person: { certType: '02', certNo: zhang.certno }, visit: { visitType: 'outpatient' }, items, useAccount: false });

beforeAll(async () => {
  desk = await openDesk('trace-mapped-', { supervisor: true, flags: { centerProtocol: 'national', traceCodesRequired: 'true', stockKeeping: 'true', centerAnswerWaitSeconds: '5' } });
  ({ app, cashier, supervisor: sup } = desk);
  app.settlement.worker.start();
  app.mapping.importCsv(['院内编码,名称,规格,单位,医保编码', `H-AMOX,阿莫西林胶囊（院内）,0.25g*24粒,盒,${AMOX}`].join('\r\n'), '2001');
  expect((await app.mapping.upload()).remaining).toBe(0);
  expect(app.mapping.nationalCodeFor('H-AMOX')).toBe(AMOX);
}, 60_000);

afterAll(() => desk?.close());

describe('a clinic drug code mapped to a national drug', () => {
  it('is a drug: no code, no settlement (TRACE_CODES_MISSING), nothing written', async () => {
    const before = app.db.prepare('SELECT count(*) AS n FROM settlements').get();
    const r = await callApp(app, cashier, 'settlement.settle', bill([{ code: 'H-AMOX', unitPrice: '12.50', quantity: '2' }]));
    expect(!r.ok && r.error.code).toBe('TRACE_CODES_MISSING');
    if (!r.ok) expect(r.error.details).toMatchObject({ lineNo: 1, scanned: 0, packages: 2 });
    expect(app.db.prepare('SELECT count(*) AS n FROM settlements').get()).toEqual(before);
  });

  it('is received into stock as a drug, and a settlement with its codes takes it, keeps the codes and reports them naming both codes', async () => {
    const batch = await callOk(app, sup, 'stock.purchase', { drugCode: 'H-AMOX', batchNo: 'HM-1', expiryDate: '2029-12-31', quantity: '10', purchasePrice: '8.00', supplier: '国药控股' });
    expect([batch.drugCode, batch.quantity]).toEqual(['H-AMOX', '10']);
    const codes = [traceCode(), traceCode()];
    const v = await callOk(app, cashier, 'settlement.settle', bill([{ code: 'H-AMOX', unitPrice: '12.50', quantity: '2', traceCodes: codes }]));
    expect(['confirmed', 'adjusted']).toContain(v.state);
    const held = app.db.prepare('SELECT code, item_code FROM trace_codes WHERE settlement_id = ? ORDER BY code').all(v.id);
    expect(held).toEqual(codes.sort().map((code) => ({ code, item_code: 'H-AMOX' })));
    expect(app.stock.store.batchView(batch.id)!.quantity).toBe('8');
    const d = await app.settlement.drain({ untilEmpty: true, timeoutMs: 30_000 });
    expect(d.remaining).toBe(0);
    const report = one(app.db, "SELECT payload, state FROM outbox WHERE settlement_id = :id AND kind = 'trace_sale'", { id: v.id }, z.object({ payload: z.string(), state: z.string() }))!;
    expect(report.state).toBe('confirmed');
    expect(JSON.parse(report.payload).line).toMatchObject({ itemCode: 'H-AMOX', medListCodg: AMOX, codes: expect.arrayContaining(codes) });
  });
});
