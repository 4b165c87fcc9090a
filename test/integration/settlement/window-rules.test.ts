// The rules of issue 13 that the main process enforces whatever the window does, on a real app,
// a real SQLite file and the real sandbox center on 127.0.0.1: a line without a positive price
// or quantity is refused with a code and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../electron/app/create-app';
import type { SettleInput } from '../../../electron/api/contract/settlement';
import type { Session } from '../../../electron/api/session';
import { SETTLEABLE } from './fixtures';
import { openDesk, type Desk } from '../../helpers/settlement-desk';
import { callApp } from '../../helpers/app-call';
import { rowCount } from '../../helpers/db-rows';

let desk: Desk;
let app: App;
let cashier: Session;

const AMOX = 'XJ01CAA040A001010101445';
const PARA = 'XN02BEA010A001010105555';
const zhang = SETTLEABLE.find((p) => p.psn_name === '张伟')!;
const bill = (items: SettleInput['items'], extra: Partial<SettleInput> = {}): SettleInput => ({
  person: { certType: '02', certNo: zhang.certno },
  visit: { visitType: 'outpatient' },
  items,
  useAccount: true,
  ...extra,
});
const count = (table: string) => rowCount(app.db, table);

beforeAll(async () => {
  desk = await openDesk('window-rules-');
  ({ app, cashier } = desk);
}, 60_000);

afterAll(() => desk?.close());

describe('a line without a positive price or quantity', () => {
  it.each([
    ['price 0', { code: PARA, unitPrice: '0', quantity: '1' }, 'LINE_PRICE_NOT_POSITIVE', 'unitPrice'],
    ['price 0.0000', { code: PARA, unitPrice: '0.0000', quantity: '2' }, 'LINE_PRICE_NOT_POSITIVE', 'unitPrice'],
    ['quantity 0', { code: PARA, unitPrice: '3.50', quantity: '0' }, 'LINE_QUANTITY_NOT_POSITIVE', 'quantity'],
    ['quantity 0.00', { code: PARA, unitPrice: '3.50', quantity: '0.00' }, 'LINE_QUANTITY_NOT_POSITIVE', 'quantity'],
  ])('is refused at settle (%s): the code names line 2 and its field, nothing is written', async (_n, line, code, field) => {
    const before = { s: count('settlements'), o: count('outbox'), p: count('print_jobs') };
    const r = await callApp(app, cashier, 'settlement.settle', bill([{ code: AMOX, unitPrice: '12.50', quantity: '1' }, line]));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(code);
    expect(r.error.details).toMatchObject({ lineNo: 2, code: PARA, field });
    expect({ s: count('settlements'), o: count('outbox'), p: count('print_jobs') }).toEqual(before);
  });

  it('a small positive price (0.0001) is a price: settled', async () => {
    const r = await callApp(app, cashier, 'settlement.settle', bill([{ code: PARA, unitPrice: '0.0001', quantity: '100' }]));
    expect(r.ok).toBe(true);
  });
});
