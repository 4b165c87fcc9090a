// The hospital window's pure pieces (issue 19): the deposit netting line the patient reads before
// discharge, in both languages, the days in hospital, a fee line that cannot be recorded, and
// the Alt keys (no letter of Electron's menu).
import { describe, expect, it } from 'vitest';
import { translator } from '../../../renderer/src/i18n';
import { nettingCollects, nettingLine, stayDays } from '../../../renderer/src/hospital/netting';
import { firstBadDraftLine } from '../../../renderer/src/hospital/FeeEntry';
import { HOSPITAL_ALT, HOSPITAL_LETTER } from '../../../renderer/src/lib/keys';

describe('the deposit netting line', () => {
  it('says the refund exactly as the issue writes it', () => {
    // 5,000.00 deposits, the patient's cash part 3,982.02: 1,017.98 back.
    const n = { deposits: 500_000, personalCash: 398_202, refund: 101_798, collect: 0 };
    expect(nettingCollects(n)).toBe(false);
    expect(nettingLine(n, translator('zh-CN'))).toBe('押金 5,000.00 − 个人负担 3,982.02 = 退还 1,017.98');
    expect(nettingLine(n, translator('en'))).toBe('Deposits 5,000.00 − patient pays 3,982.02 = refund 1,017.98');
  });

  it('says what is still to pay (补缴) when the deposits do not cover the cash part', () => {
    const n = { deposits: 100_000, personalCash: 398_202, refund: 0, collect: 298_202 };
    expect(nettingCollects(n)).toBe(true);
    expect(nettingLine(n, translator('zh-CN'))).toBe('押金 1,000.00 − 个人负担 3,982.02 = 补缴 2,982.02');
  });

  it('an even netting is a refund of 0.00, not a collection', () => {
    const n = { deposits: 20_000, personalCash: 20_000, refund: 0, collect: 0 };
    expect(nettingLine(n, translator('zh-CN'))).toBe('押金 200.00 − 个人负担 200.00 = 退还 0.00');
  });
});

describe('days in hospital', () => {
  it('counts the admission day, not the discharge day, at least one', () => {
    expect(stayDays('2026-12-01', '2026-12-06')).toBe(5);
    expect(stayDays('2026-12-06', '2026-12-06')).toBe(1);
    // Across the year boundary.
    expect(stayDays('2026-12-28', '2027-01-03')).toBe(6);
  });
});

describe('typed fee lines', () => {
  it('a line without a positive price or quantity is found before anything is sent', () => {
    const ok = { code: 'X', name: 'x', unitPrice: '12.50', quantity: '2' };
    expect(firstBadDraftLine([ok, ok])).toBe(-1);
    expect(firstBadDraftLine([ok, { ...ok, unitPrice: '' }])).toBe(1);
    expect(firstBadDraftLine([{ ...ok, unitPrice: '0' }])).toBe(0);
    expect(firstBadDraftLine([{ ...ok, quantity: '0' }])).toBe(0);
    expect(firstBadDraftLine([{ ...ok, unitPrice: '1.23456' }])).toBe(0);
  });
});

describe('the hospital window keys', () => {
  it('no Alt letter of Electron menu (F/E/V/W/H) nor the window-wide ones (L, O, N, P, I)', () => {
    for (const letter of [HOSPITAL_LETTER, ...Object.keys(HOSPITAL_ALT)]) {
      expect('fevwhlonpi').not.toContain(letter);
    }
  });
});
