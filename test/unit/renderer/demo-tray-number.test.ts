import { describe, expect, it } from 'vitest';
import { demoCardNumber } from '../../../renderer/src/cashier/CardPanel';

describe('demo tray card numbers', () => {
  it('one digit is the card when fewer than ten cards', () => {
    expect(demoCardNumber('', '1', 9)).toEqual({ done: true, value: 1 });
    expect(demoCardNumber('', '7', 9)).toEqual({ done: true, value: 7 });
  });
  it('with ten or more cards "1" waits for a second digit; 2–9 are taken at once', () => {
    expect(demoCardNumber('', '1', 14)).toEqual({ done: false, typed: '1' });
    expect(demoCardNumber('1', '0', 14)).toEqual({ done: true, value: 10 });
    expect(demoCardNumber('1', '4', 14)).toEqual({ done: true, value: 14 });
    expect(demoCardNumber('', '3', 14)).toEqual({ done: true, value: 3 });
  });
});
