import { describe, expect, it } from 'vitest';
import { catalogue, translator } from '../../../renderer/src/i18n';
import { en } from '../../../renderer/src/i18n/en';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';
import { altLetterOf, shortcutOf } from '../../../renderer/src/lib/keys';
import { innerInitials } from '../../../electron/policy/pinyin';
import { displayPrice, fenToYuan, formatFen, isQuantity, lineAmountFen, parseYuanInput } from '../../../electron/api/money';
import { addDays, ageInYears, agoSince, formatAgo, parseDateInput } from '../../../renderer/src/lib/time';

describe('money in the UI', () => {
  it('formats fen with thousands separators and two places, never via floats', () => {
    expect(formatFen(0)).toBe('0.00');
    expect(formatFen(5)).toBe('0.05');
    expect(formatFen(123456)).toBe('1,234.56');
    expect(formatFen(-50)).toBe('-0.50');
    expect(formatFen(2344246)).toBe('23,442.46');
    expect(formatFen(0.5)).toBe('—');
    expect(fenToYuan(123456)).toBe('1234.56');
  });

  it('parses what a cashier types as yuan and refuses anything else', () => {
    expect(parseYuanInput('500')).toBe(50000);
    expect(parseYuanInput('12.5')).toBe(1250);
    expect(parseYuanInput(' 0.07 ')).toBe(7);
    expect(parseYuanInput('12.')).toBe(1200);
    for (const bad of ['', '-1', '1.234', 'abc', '1e3', '１２']) expect(parseYuanInput(bad)).toBeNull();
  });

  it('computes a line amount exactly, half up to the fen (SPLIT-MODEL step 2)', () => {
    expect(lineAmountFen('12.50', '2')).toBe(2500);
    expect(lineAmountFen('0.125', '1')).toBe(13); // 12.5 fen rounds up
    expect(lineAmountFen('3.3333', '3')).toBe(1000); // 9.9999 yuan → 1000 fen
    expect(lineAmountFen('0.1', '0.5')).toBe(5);
    expect(lineAmountFen('1.00001', '1')).toBeNull();
    expect(isQuantity('0')).toBe(false);
    expect(isQuantity('2.5')).toBe(true);
    expect(isQuantity('-1')).toBe(false);
  });

  it('shows typed prices with at least two places, keeping every typed digit', () => {
    expect(displayPrice('4')).toBe('4.00');
    expect(displayPrice('3.5')).toBe('3.50');
    expect(displayPrice('0.1234')).toBe('0.1234');
    expect(displayPrice('x')).toBe('x');
  });
});

describe('ages and dates', () => {
  const t = translator('zh-CN');
  it('says how long ago in Chinese', () => {
    expect(formatAgo(3000, t)).toBe('刚刚');
    expect(formatAgo(45_000, t)).toBe('45 秒前');
    expect(formatAgo(5 * 60_000, t)).toBe('5 分钟前');
    expect(formatAgo(3 * 3600_000, t)).toBe('3 小时前');
    expect(formatAgo(3 * 86400_000, t)).toBe('3 天前');
    expect(agoSince(null, 0, t)).toBeNull();
    expect(agoSince('garbage', 0, t)).toBeNull();
    expect(agoSince('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:10:00Z'), t)).toBe('10 分钟前');
  });

  it('computes whole years of age around the birthday', () => {
    expect(ageInYears('1960-05-20', '2026-05-19')).toBe(65);
    expect(ageInYears('1960-05-20', '2026-05-20')).toBe(66);
    expect(ageInYears('19600520', '2026-12-01')).toBe(66);
    expect(ageInYears('bad', '2026-12-01')).toBeNull();
  });

  it('reads a typed date in the clinic\'s ways, real days only, and steps days across months and years', () => {
    for (const typed of ['2026-11-24', '2026/11/24', '2026.11.24', ' 20261124 ']) expect(parseDateInput(typed)).toBe('2026-11-24');
    expect(parseDateInput('2026-1-5')).toBe('2026-01-05');
    expect(parseDateInput('2024-02-29')).toBe('2024-02-29');
    for (const bad of ['2026-02-29', '2026-13-01', '2026-11-31', '11/24/2026', '2026-11', '202611245', '', 'today']) expect(parseDateInput(bad)).toBeNull();
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});

describe('shortcuts and catalogues', () => {
  it('maps the function keys and ignores them with modifiers', () => {
    expect(shortcutOf({ key: 'F9' })).toBe('settle');
    expect(shortcutOf({ key: 'F2' })).toBe('readCard');
    expect(shortcutOf({ key: 'Escape' })).toBe('back');
    expect(shortcutOf({ key: 'F9', ctrlKey: true })).toBeNull();
    expect(shortcutOf({ key: 'a' })).toBeNull();
  });

  it('has the same keys and placeholders in both languages (window words and code words)', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join();
    for (const k of Object.keys(zhCN) as (keyof typeof zhCN)[]) expect([k, holes(en[k])]).toEqual([k, holes(zhCN[k])]);
    const zhAll = catalogue('zh-CN');
    const enAll = catalogue('en');
    expect(Object.keys(enAll).sort()).toEqual(Object.keys(zhAll).sort());
    for (const k of Object.keys(zhAll) as (keyof typeof zhAll)[]) expect([k, holes(enAll[k])]).toEqual([k, holes(zhAll[k])]);
    // English words have no Chinese in them (the language switch's own label excepted).
    const cjk = /[\u3400-\u9fff\uff00-\uffef]/;
    expect(Object.entries(enAll).filter(([k, v]) => k !== 'lang.switch' && cjk.test(v))).toEqual([]);
  });

  it('fills placeholders and switches language', () => {
    expect(translator('zh-CN')('status.queue.items', { n: 3, age: '5 分钟前' })).toBe('3 笔，最早 5 分钟前');
    expect(translator('en')('status.queue.items', { n: 3, age: '5 min ago' })).toBe('3, oldest 5 min ago');
  });
});

describe('money field names', () => {
  it('names journal and center fields in either spelling, and leaves unknown ones alone', async () => {
    const { moneyFieldKey } = await import('../../../renderer/src/lib/money-fields');
    const t = translator('zh-CN');
    expect(t(moneyFieldKey('fund_pay')!)).toBe('统筹基金支付');
    expect(t(moneyFieldKey('accountPay')!)).toBe('个人账户支付');
    expect(moneyFieldKey('bogus')).toBeNull();
  });
});

describe('window keys and initials inside names (issue 13)', () => {
  it('reads Alt+letter by the physical key, and only Alt alone', () => {
    expect(altLetterOf({ key: '¬', code: 'KeyL', altKey: true })).toBe('l');
    expect(altLetterOf({ key: 'o', altKey: true })).toBe('o');
    expect(altLetterOf({ key: 'l', code: 'KeyL', altKey: true, ctrlKey: true })).toBeNull();
    expect(altLetterOf({ key: 'L', code: 'KeyL', altKey: true, shiftKey: true })).toBeNull();
    expect(altLetterOf({ key: 'l', code: 'KeyL' })).toBeNull();
    expect(altLetterOf({ key: '1', code: 'Digit1', altKey: true })).toBeNull();
  });
  it('indexes every run of two or more initials after the first letter', () => {
    expect(innerInitials('amxljn')).toBe('mxljn xljn ljn jn');
    expect(innerInitials('amx')).toBe('mx');
    expect(innerInitials('am')).toBe('');
  });
});
