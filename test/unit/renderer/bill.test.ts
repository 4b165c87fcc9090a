import { describe, expect, it } from 'vitest';
import { addLine, billTotalFen, emptyBill, firstUnpayableLine, moveSelection, overPriceCap, removeSelected, setQuantity, setUnitPrice, type BillLine } from '../../../renderer/src/lib/bill';

const amox: BillLine = { code: 'X-A01', name: '阿莫西林胶囊', cls: 'A', unitPrice: '12.50', quantity: '1' };
const test: BillLine = { code: 'S-001', name: '血常规', cls: 'A', unitPrice: '20', quantity: '1', priceCap: '18' };

describe('the bill at the window', () => {
  it('adds lines, merges the same item into its quantity, and selects the touched line', () => {
    let b = addLine(emptyBill, amox);
    b = addLine(b, test);
    expect(b.selected).toBe(1);
    b = addLine(b, { ...amox, quantity: '2' });
    expect(b.lines.map((l) => [l.code, l.quantity])).toEqual([
      ['X-A01', '3'],
      ['S-001', '1'],
    ]);
    expect(b.selected).toBe(0);
    // Same code at another price is another line (the split needs each price).
    b = addLine(b, { ...amox, unitPrice: '13' });
    expect(b.lines).toHaveLength(3);
    b = addLine(b, { ...amox, quantity: '0.5' });
    expect(b.lines[0]!.quantity).toBe('3.5');
  });

  it('moves the selection within bounds and deletes the selected line', () => {
    let b = addLine(addLine(addLine(emptyBill, amox), test), { ...amox, code: 'Z' });
    b = moveSelection(b, -5);
    expect(b.selected).toBe(0);
    b = moveSelection(b, 10);
    expect(b.selected).toBe(2);
    b = removeSelected(b);
    expect(b.lines.map((l) => l.code)).toEqual(['X-A01', 'S-001']);
    expect(b.selected).toBe(1);
    b = removeSelected(removeSelected(b));
    expect(b).toEqual({ lines: [], selected: -1 });
    expect(moveSelection(b, 1).selected).toBe(-1);
  });

  it('accepts only positive decimal quantities and prices with at most 4 places', () => {
    const b = addLine(emptyBill, amox);
    expect(setQuantity(b, '2.5').bill.lines[0]!.quantity).toBe('2.5');
    for (const bad of ['0', '-1', 'abc', '1.23456', '']) {
      const r = setQuantity(b, bad);
      expect(r.ok).toBe(false);
      expect(r.bill).toBe(b);
    }
    expect(setUnitPrice(b, '9.9').bill.lines[0]!.unitPrice).toBe('9.90');
    expect(setUnitPrice(b, '4').bill.lines[0]!.unitPrice).toBe('4.00');
    expect(setUnitPrice(b, '9.99999').ok).toBe(false);
  });

  it('totals exactly in fen and flags a price above the cap', () => {
    expect(billTotalFen([amox, { ...test, quantity: '3' }])).toBe(1250 + 6000);
    expect(billTotalFen([{ ...amox, unitPrice: 'x' }])).toBeNull();
    expect(overPriceCap(test)).toBe(true);
    expect(overPriceCap({ ...test, unitPrice: '18' })).toBe(false);
    expect(overPriceCap({ ...test, ownPay: true })).toBe(false);
    expect(overPriceCap(amox)).toBe(false);
  });
});

describe('card reads', () => {
  it('takes the credential from a card.read event and refuses a malformed one', async () => {
    const { credentialOf } = await import('../../../renderer/src/cashier/actions');
    expect(credentialOf({ credential: 'ssc', certType: '03', certNo: 'A99010001', cardSn: 'SN1', name: '张伟', source: 'emu' })).toEqual({ certType: '03', certNo: 'A99010001', cardSn: 'SN1' });
    expect(credentialOf({ certType: '02', certNo: '110101199001011234', cardSn: '' })).toEqual({ certType: '02', certNo: '110101199001011234' });
    expect(credentialOf({ certType: '04', certNo: 'x' })).toBeNull();
    expect(credentialOf({ certType: '02', certNo: '' })).toBeNull();
    expect(credentialOf(null)).toBeNull();
  });

  it('a line without a positive price or quantity is the first unpayable line; a typed 0 price is refused', () => {
    expect(firstUnpayableLine([amox, test])).toBeNull();
    expect(firstUnpayableLine([amox, { ...test, unitPrice: '0' }])).toEqual({ index: 1, field: 'price' });
    expect(firstUnpayableLine([{ ...amox, unitPrice: '0.0000' }, { ...test, quantity: '0' }])).toEqual({ index: 0, field: 'price' });
    expect(firstUnpayableLine([amox, { ...test, quantity: '0.00' }])).toEqual({ index: 1, field: 'quantity' });
    expect(firstUnpayableLine([{ ...amox, unitPrice: '0.0001' }])).toBeNull();
    const b = addLine(emptyBill, amox);
    expect(setUnitPrice(b, '0').ok).toBe(false);
    expect(setUnitPrice(b, '0.00').ok).toBe(false);
    expect(setUnitPrice(b, '0.01').ok).toBe(true);
  });
});
